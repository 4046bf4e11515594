//! The wire contract of Lead Importer: every type that crosses between the service, the
//! server functions, the browser and the REST API, defined once.
//!
//! The `imports` service returns these types, the REST API serialises them as they are,
//! and the browser deserialises the very same types (this crate builds for wasm32: serde,
//! uuid, time and `rules` only). JSON field names and values here are the public API.

pub mod accounts;
pub mod alerts;
pub mod aliases;
pub mod apply;
pub mod audit;
pub mod config;
pub mod dashboard;
pub mod drift;
pub mod edits;
pub mod file;
pub mod help;
pub mod ids;
pub mod mapping;
pub mod presets;
pub mod rows;
pub mod schema;
pub mod stats;
pub mod status;
pub mod summary;
pub mod timestamp;

pub use accounts::{
    CreatedToken, NewToken, NewUser, Role, TokenList, TokenView, UnknownRole, UserList, UserPatch,
    UserView,
};
pub use alerts::{AlertDetail, WebhookAlert};
pub use aliases::{
    AliasEvidence, AliasProposal, AliasProposalList, NewAliasProposal, ProposalDecision,
    ProposalStatus,
};
pub use apply::{
    ApplyMode, ApplyRequest, Conflicts, FieldChange, Invalid, LeadAction, RevertChoice,
    RevertConflict, RevertOutcome, RevertRequest,
};
pub use audit::{AuditEntry, AuditPage, AuditQuery};
pub use config::{
    CheckResult, ConfigChange, ConfigDiff, ConfigProblem, ConfigVersionInfo, ConfigVersionView,
    ConfigVersions, DraftRequest, FieldImpact, ImpactKind, ImpactReport, ImpactSample,
    ImportImpact, OrphanedValue, PublishOutcome, PublishRequest, RollbackRequest,
};
pub use dashboard::{
    CodeWeek, Dashboard, DashboardQuery, DayFigures, FunnelFigures, FunnelStep, SourceFigures,
    StatusCount, Throughput, SUCCESS_GOAL,
};
pub use drift::{DriftFinding, DriftKind, DriftReport};
pub use edits::{
    BulkAction, BulkRequest, BulkResult, CellEdit, CorrectionResult, EditResult, Selection,
    UndoResult, UndoState,
};
pub use file::{
    FilePreview, FileSummary, Overrides, PreviewRow, SheetChoice, SheetSummary, SkippedSheet,
};
pub use help::CodeHelp;
pub use ids::{ImportId, LeadId, PresetId, ProposalId, TokenId, UserId};
pub use mapping::{ColumnMapping, ExplicitMapping, Mapping};
pub use presets::{PresetInput, PresetScope, PresetView};
pub use rows::{Page, RowPage, RowQuery, RowView};
pub use rules::config::DuplicatePolicy;
pub use rules::engine::DateColumn;
pub use rules::{Code, Issue, Level, RowStatus, SuggestedFix};
pub use stats::{Delta, Stats};
pub use status::ImportStatus;
pub use summary::{
    datetime_attr, short_time, ApplyInfo, ApplyResult, DryRunReport, EarlierImport,
    ImportConfigView, ImportListQuery, ImportSummary, Progress, RevertResult,
};
