//! An import as the dry run answers it, as the summary and the history show it, and the
//! apply and revert side of it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{
    ApplyMode, DateColumn, DuplicatePolicy, FileSummary, ImportId, ImportStatus, Mapping, Page,
    RowView, Stats,
};

/// The answer of a dry run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DryRunReport {
    pub import_id: ImportId,
    pub status: ImportStatus,
    pub config_version: i32,
    pub file: FileSummary,
    pub mapping: Mapping,
    pub stats: Stats,
    /// File- and header-level issues, then the first 1,000 row-level errors.
    pub errors: Vec<serde_json::Value>,
    /// File- and header-level warnings, then the first 1,000 row-level warnings.
    pub warnings: Vec<serde_json::Value>,
    pub rows: Vec<RowView>,
    pub page: Page,
    pub duration_ms: u64,
    /// The same file was already applied with this mapping and configuration (who, when).
    #[serde(default)]
    pub already_imported: Option<EarlierImport>,
}

/// An import as the summary and the history show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ImportSummary {
    pub id: ImportId,
    pub status: ImportStatus,
    pub source: String,
    pub created_by: Option<String>,
    #[serde(with = "crate::timestamp")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub created_at: OffsetDateTime,
    pub config_version: i32,
    pub file: FileSummary,
    pub mapping: Mapping,
    pub stats: Stats,
    #[serde(default)]
    pub file_issues: serde_json::Value,
    /// What was decided and what happened when it was applied or reverted.
    #[serde(flatten)]
    pub apply: ApplyInfo,
}

impl ImportSummary {
    /// `2024-05-01 14:03` (UTC), for tables.
    pub fn created_short(&self) -> String {
        short_time(self.created_at)
    }
}

/// `2024-05-01T14:03:09Z` (UTC, whole seconds) for an HTML `datetime` attribute, without
/// pulling a formatting table into the browser build.
pub fn datetime_attr(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// `2024-05-01 14:03` for a timestamp (in its own offset), without a formatting table.
pub fn short_time(t: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// The apply side of an import's summary (empty while it is only staged).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ApplyInfo {
    /// Once an apply was requested.
    pub mode: Option<ApplyMode>,
    pub duplicate_policy: Option<DuplicatePolicy>,
    #[serde(default)]
    pub fill_empty_only: bool,
    /// Rows written so far of the rows to write, while (and after) applying.
    pub progress: Option<Progress>,
    /// What the apply did, once applied.
    pub result: Option<ApplyResult>,
    /// Why the last apply failed.
    pub failure: Option<String>,
    pub applied_by: Option<String>,
    #[serde(default, with = "crate::timestamp::option")]
    #[schemars(with = "Option<String>")]
    pub applied_at: Option<OffsetDateTime>,
    pub reverted_by: Option<String>,
    #[serde(default, with = "crate::timestamp::option")]
    #[schemars(with = "Option<String>")]
    pub reverted_at: Option<OffsetDateTime>,
    /// What the revert did, once reverted.
    pub revert_result: Option<RevertResult>,
    /// The same file, mapping and configuration were already applied by this import.
    pub already_imported: Option<EarlierImport>,
}

/// Apply progress: rows written of rows to write.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

impl Progress {
    /// 0..=100.
    pub fn percent(&self) -> u64 {
        (self.done.min(self.total) * 100)
            .checked_div(self.total)
            .unwrap_or(100)
    }
}

/// What an apply did, row by row of the file.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
pub struct ApplyResult {
    /// New leads created.
    pub inserted: u64,
    /// Existing leads changed.
    pub updated: u64,
    /// Rows not written: duplicates the policy skipped, later occurrences in the file,
    /// unchanged leads, excluded and empty rows.
    pub skipped: u64,
    /// Rows left out because of errors (they are in the error report).
    pub failed: u64,
    /// Of `skipped`: rows that matched a lead which already had these values.
    #[serde(default)]
    pub unchanged: u64,
    /// Of `skipped`: later occurrences of a lead earlier in the file.
    #[serde(default)]
    pub duplicates_in_file: u64,
    /// Of `skipped`: rows the user excluded.
    #[serde(default)]
    pub excluded: u64,
    /// Milliseconds the apply transaction took.
    #[serde(default)]
    pub duration_ms: u64,
}

/// What a revert did.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
pub struct RevertResult {
    /// Leads the import created, removed.
    pub removed: u64,
    /// Leads the import updated, restored.
    pub restored: u64,
    /// Leads changed since the import, left as they are (on request).
    pub kept: u64,
    /// Leads that were deleted since the import.
    pub missing: u64,
}

/// An earlier import that applied the same file with the same mapping and configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EarlierImport {
    pub import_id: ImportId,
    #[serde(with = "crate::timestamp")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub applied_at: OffsetDateTime,
    pub applied_by: Option<String>,
}

/// The configuration version an import was checked with, for the browser's own check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ImportConfigView {
    pub version: i32,
    pub config: rules::ImportConfig,
    /// The day/month order the dry run decided per date column.
    pub date_columns: Vec<DateColumn>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_the_same_in_tables_and_attributes() {
        let t = crate::timestamp::parse("2024-05-01T16:03:09.5+02:00").unwrap();
        assert_eq!(short_time(t), "2024-05-01 16:03");
        assert_eq!(datetime_attr(t), "2024-05-01T14:03:09Z");
    }
}

/// Which imports the history lists (`GET /api/imports`, `/imports`): created `from`..=`to`
/// (days, `YYYY-MM-DD`), of one source, in one status, with issues of one code; newest
/// first, `limit` (1–500, default 50) from `offset`. The dashboard's numbers link here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ImportListQuery {
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub status: Option<ImportStatus>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub offset: Option<i64>,
    #[serde(default)]
    pub limit: Option<i64>,
}

impl ImportListQuery {
    /// True when something narrows the list.
    pub fn is_filtered(&self) -> bool {
        self.from.is_some()
            || self.to.is_some()
            || self.source.is_some()
            || self.status.is_some()
            || self.code.is_some()
    }
}
