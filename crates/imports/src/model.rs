//! The shapes the service returns, serialised as-is by the REST API and the server
//! functions. Field names here are part of the public API.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::mapping::ColumnMapping;

/// What intake found out about the file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileSummary {
    pub name: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub format: String,
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    pub sheets: Vec<SheetSummary>,
    pub sheet: Option<String>,
    /// How intake chose the sheet, when the user did not (workbooks only).
    #[serde(default)]
    pub sheet_choice: Option<SheetChoice>,
    pub header_row: u32,
    pub total_rows: u64,
}

/// Why intake read the sheet it read, and which it skipped: intake's own type, stored and
/// answered as it is.
pub use intake::{SheetChoice, SkippedSheet};

/// One sheet of a workbook.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SheetSummary {
    pub name: String,
    pub visible: bool,
    pub index: usize,
}

/// The mapping as the API shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MappingView {
    pub preset_id: Option<Uuid>,
    pub preset_name: Option<String>,
    pub columns: Vec<ColumnMapping>,
}

/// Counts of a dry run.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Stats {
    pub total_rows: u64,
    pub valid_rows: u64,
    pub error_rows: u64,
    pub warning_rows: u64,
    pub duplicate_in_file: u64,
    pub duplicate_in_db: u64,
    /// Rows whose mapped cells are all empty (staged, never imported).
    pub empty_rows: u64,
    /// Rows the user excluded from the import.
    #[serde(default)]
    pub excluded_rows: u64,
    /// Every issue counted by code.
    pub by_code: BTreeMap<String, u64>,
    /// What the date columns' values say about day/month order (decided once per import).
    #[serde(default)]
    pub date_columns: Vec<rules::engine::DateColumn>,
}

/// One staged row.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RowView {
    /// The record's row number in the source, as a spreadsheet program shows it.
    pub row: u32,
    /// Position in the file's record sequence (stable id for edits).
    pub seq: u32,
    pub status: String,
    /// The original cells by header.
    pub original: serde_json::Map<String, serde_json::Value>,
    /// The transformed values by field.
    pub normalized: serde_json::Value,
    /// The user's edits by field.
    pub edits: serde_json::Value,
    pub issues: serde_json::Value,
    pub excluded: bool,
}

/// Where a page sits in the filtered rows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Page {
    pub offset: i64,
    pub limit: i64,
    pub total: i64,
}

/// A page of rows with its position.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RowPage {
    pub rows: Vec<RowView>,
    pub page: Page,
}

/// The answer of a dry run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DryRunReport {
    pub import_id: Uuid,
    pub status: String,
    pub config_version: i32,
    pub file: FileSummary,
    pub mapping: MappingView,
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
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportSummary {
    pub id: Uuid,
    pub status: String,
    pub source: String,
    pub created_by: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    pub config_version: i32,
    pub file: FileSummary,
    pub mapping: MappingView,
    pub stats: Stats,
    pub file_issues: serde_json::Value,
    /// What was decided and what happened when it was applied or reverted.
    #[serde(flatten)]
    pub apply: ApplyInfo,
}

/// The apply side of an import's summary (empty while it is only staged).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ApplyInfo {
    /// `valid_only` or `all`, once an apply was requested.
    pub mode: Option<String>,
    /// `skip`, `update` or `upsert`.
    pub duplicate_policy: Option<String>,
    #[serde(default)]
    pub fill_empty_only: bool,
    /// Rows written so far of the rows to write, while (and after) applying.
    pub progress: Option<Progress>,
    /// What the apply did, once applied.
    pub result: Option<ApplyResult>,
    /// Why the last apply failed.
    pub failure: Option<String>,
    pub applied_by: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub applied_at: Option<time::OffsetDateTime>,
    pub reverted_by: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub reverted_at: Option<time::OffsetDateTime>,
    /// What the revert did, once reverted.
    pub revert_result: Option<RevertResult>,
    /// The same file, mapping and configuration were already applied by this import.
    pub already_imported: Option<EarlierImport>,
}

/// Apply progress: rows written of rows to write.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// What an apply did, row by row of the file.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EarlierImport {
    pub import_id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub applied_at: time::OffsetDateTime,
    pub applied_by: Option<String>,
}
