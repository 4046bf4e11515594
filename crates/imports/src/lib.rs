//! The import service: everything between an uploaded file and staged, validated rows —
//! intake, mapping (presets first, then suggestions), validation with the company's active
//! configuration, duplicate checks in the file and against the database, staging, paging —
//! and from staged rows to leads: apply, revert, error reports and their round trip.
//! Server functions and the REST API both call these functions; transports stay thin.

pub mod alerts;
pub mod aliases;
pub mod apply;
pub mod audit;
pub mod config;
pub mod corrections;
pub mod dashboard;
pub mod drift;
mod dry_run;
mod duplicates;
pub mod edits;
pub mod error;
mod evaluate;
pub mod files;
pub mod mapping;
pub mod presets;
pub mod reports;
pub mod reread;
pub mod retention;
pub mod revert;
pub mod rows;
mod tally;
pub mod telemetry;
pub mod undo;

pub use dry_run::{dry_run, DryRunOptions, Upload};
pub use error::ImportError;
pub use files::FileStore;

/// What the service needs from the process: the pool, where files go, the limits, and the
/// import metrics its stages move.
#[derive(Debug, Clone)]
pub struct ImportService {
    pub pool: sqlx::PgPool,
    pub files: FileStore,
    pub limits: intake::Limits,
    pub telemetry: telemetry::Telemetry,
}
