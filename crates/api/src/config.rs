//! The company's rules configuration on the wire: versions, drafts, checks, the impact
//! preview and the outcome of a publish.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ImportId;
pub use rules::config::ConfigProblem;
pub use rules::config_diff::ConfigChange;

/// One version with its configuration (`GET /api/config`, `/api/config/versions/{n}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ConfigVersionView {
    pub version: i32,
    /// The `rules::ImportConfig` JSON as stored (its schema is `GET /api/config/schema`).
    pub config: rules::ImportConfig,
    /// The e-mail of who published it; absent for the seeded default.
    pub created_by: Option<String>,
    #[serde(with = "crate::timestamp")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub created_at: OffsetDateTime,
    pub comment: String,
    /// Whether this is the version new imports use.
    pub active: bool,
}

/// A version without its configuration, for the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ConfigVersionInfo {
    pub version: i32,
    pub created_by: Option<String>,
    #[serde(with = "crate::timestamp")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub created_at: OffsetDateTime,
    pub comment: String,
    pub active: bool,
}

impl ConfigVersionInfo {
    /// `2024-05-01 14:03`, for tables.
    pub fn created_short(&self) -> String {
        crate::short_time(self.created_at)
    }
}

/// Every version, newest first (`GET /api/config/versions`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ConfigVersions {
    pub versions: Vec<ConfigVersionInfo>,
}

/// What differs between two versions (`GET /api/config/diff?from=&to=`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ConfigDiff {
    pub from: i32,
    pub to: i32,
    pub changes: Vec<ConfigChange>,
}

/// A draft to check or preview: any JSON, so a malformed draft gets located problems
/// rather than a decoding error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DraftRequest {
    pub config: serde_json::Value,
}

/// Every problem with a draft; empty when it can be published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckResult {
    pub problems: Vec<ConfigProblem>,
}

/// Publishing a draft as the next version (`PUT /api/config`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PublishRequest {
    /// The version the draft was built from; must still be the active one.
    pub base_version: i32,
    pub config: serde_json::Value,
    #[serde(default)]
    #[schemars(length(max = 1000))]
    pub comment: String,
}

/// Publishing an earlier version's content as the next version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RollbackRequest {
    pub version: i32,
    #[serde(default)]
    #[schemars(length(max = 1000))]
    pub comment: String,
}

/// What a publish did: the new version, or why nothing was published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PublishOutcome {
    Published(Box<ConfigVersionView>),
    /// Someone published since the draft was started: what they changed.
    Stale {
        active_version: i32,
        changes: Vec<ConfigChange>,
    },
    /// The draft has problems; nothing was stored.
    Invalid {
        problems: Vec<ConfigProblem>,
    },
}

/// What a draft would do to recent imports and existing leads (`POST /api/config/preview`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct ImpactReport {
    /// The imports replayed, newest first.
    pub imports: Vec<ImportImpact>,
    /// Values existing leads hold in enum fields that the draft no longer allows.
    pub orphaned_values: Vec<OrphanedValue>,
    /// Rows replayed over all imports.
    pub rows_checked: u64,
    /// Whether the row budget stopped the replay before the oldest eligible import.
    pub truncated: bool,
}

/// One import replayed with the draft, compared with how it was validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ImportImpact {
    pub import_id: ImportId,
    pub file_name: String,
    /// The configuration version the import was validated with.
    pub config_version: i32,
    pub rows_checked: u64,
    /// Rows without errors that would have one.
    pub newly_failing: u64,
    /// Rows with errors that would have none.
    pub newly_passing: u64,
    /// Rows whose normalized value of any field would change.
    pub changed: u64,
    pub by_field: BTreeMap<String, FieldImpact>,
    /// A few rows of each kind, to look at.
    pub samples: Vec<ImpactSample>,
}

/// The same counts for one field (or `_row` for rules over several fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct FieldImpact {
    pub newly_failing: u64,
    pub newly_passing: u64,
    pub changed: u64,
}

/// How a row would change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImpactKind {
    NewlyFailing,
    NewlyPassing,
    Changed,
}

/// One affected row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ImpactSample {
    pub seq: u32,
    /// The row number in the file.
    pub row: u32,
    pub kind: ImpactKind,
    pub field: String,
    /// The normalized value before and with the draft.
    pub before: Option<String>,
    pub after: Option<String>,
    /// The new or resolved issue's message.
    pub message: Option<String>,
}

/// An enum value in use by existing leads that the draft does not allow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OrphanedValue {
    pub field: String,
    pub value: String,
    pub leads: u64,
}
