//! The admin dashboard's figures (`/admin/dashboard`), computed from `import_telemetry`:
//! the PRD's success rate, first-attempt success, time to first successful import, the
//! funnel, error distribution, throughput, imports by status and the worst sources.
//! Days are `YYYY-MM-DD` in UTC.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ImportStatus;

/// The PRD's goal for first-attempt success.
pub const SUCCESS_GOAL: f64 = 0.8;

/// Which uploads the figures cover: `from`..=`to` (days) and one source or all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DashboardQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub source: Option<String>,
}

/// One day's uploads and how they ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DayFigures {
    pub day: String,
    /// Uploads that day (every attempt, re-uploads included).
    pub uploads: u64,
    /// Of those, applied and not reverted.
    pub applied: u64,
    /// Episodes that started that day (a user's first upload for a source).
    pub episodes: u64,
    /// Of those, applied at the first attempt.
    pub first_attempt_applied: u64,
}

/// The steps of the funnel, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FunnelStep {
    /// A file arrived.
    Uploaded,
    /// Intake opened it (format, sheet, header row).
    Read,
    /// Its columns were mapped to fields.
    Mapped,
    /// Every row was checked and staged.
    Validated,
    /// Someone worked on it: an edit, a re-map or an apply request.
    Reviewed,
    /// Applied to the leads (and not reverted).
    Applied,
}

impl FunnelStep {
    pub const ALL: [FunnelStep; 6] = [
        FunnelStep::Uploaded,
        FunnelStep::Read,
        FunnelStep::Mapped,
        FunnelStep::Validated,
        FunnelStep::Reviewed,
        FunnelStep::Applied,
    ];

    pub fn label(self) -> &'static str {
        match self {
            FunnelStep::Uploaded => "Uploaded",
            FunnelStep::Read => "Read",
            FunnelStep::Mapped => "Mapped",
            FunnelStep::Validated => "Validated",
            FunnelStep::Reviewed => "Reviewed",
            FunnelStep::Applied => "Applied",
        }
    }
}

/// How many uploads reached a step, and the median time from the step before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FunnelFigures {
    pub step: FunnelStep,
    pub imports: u64,
    pub median_seconds_from_previous: Option<f64>,
}

/// An issue code's count in one week (Monday).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CodeWeek {
    pub week: String,
    pub code: String,
    pub issues: u64,
}

/// Rows per minute of a stage for a file format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Throughput {
    /// `dry_run` or `apply`.
    pub stage: String,
    pub format: String,
    pub rows: u64,
    pub rows_per_minute: f64,
}

/// Imports (of the range) in one status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StatusCount {
    pub status: ImportStatus,
    pub imports: u64,
}

/// One source's uploads and how many were applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SourceFigures {
    /// Empty: uploads that named no source.
    pub source: String,
    pub uploads: u64,
    pub applied: u64,
    pub success_rate: f64,
}

/// Everything the dashboard shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Dashboard {
    pub from: String,
    pub to: String,
    pub source: Option<String>,
    /// Every source seen in the range, for the filter.
    pub sources: Vec<String>,
    pub uploads: u64,
    pub applied: u64,
    /// Applied (not reverted) uploads / uploads; none without uploads.
    pub success_rate: Option<f64>,
    pub episodes: u64,
    /// Episodes applied at their first upload / episodes.
    pub first_attempt_success: Option<f64>,
    /// Median time from an episode's first upload to its first successful apply.
    pub median_seconds_to_first_success: Option<f64>,
    pub days: Vec<DayFigures>,
    pub funnel: Vec<FunnelFigures>,
    /// The five most frequent error codes of each week, most frequent first.
    pub top_codes: Vec<CodeWeek>,
    pub throughput: Vec<Throughput>,
    pub by_status: Vec<StatusCount>,
    /// The sources with the lowest success rate (five at most).
    pub worst_sources: Vec<SourceFigures>,
}
