//! Data that travels between the server and the browser.

use serde::{Deserialize, Serialize};

/// The signed-in user as the UI shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub email: String,
    pub display_name: String,
    pub company_slug: String,
    pub company_name: String,
    pub role: String,
}

impl Me {
    /// Whether the admin pages apply to this user.
    pub fn is_admin(&self) -> bool {
        self.role == "admin"
    }
}

/// One member of the company on the admin screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub joined_at: String,
}

// ---------------------------------------------------------------------------------------
// Imports. These mirror the `imports` crate's model (the hydrate build cannot depend on
// that server-only crate); the JSON field names are the same, so the server converts by
// serialising one and deserialising the other. Unknown fields are ignored and missing
// optional ones default, so the service may grow fields without breaking the UI.

use std::collections::BTreeMap;

/// What intake found out about an uploaded file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FileFacts {
    pub name: String,
    #[serde(default)]
    pub size_bytes: i64,
    pub format: String,
    #[serde(default)]
    pub encoding: Option<String>,
    #[serde(default)]
    pub delimiter: Option<String>,
    #[serde(default)]
    pub sheet: Option<String>,
    #[serde(default)]
    pub header_row: u32,
    #[serde(default)]
    pub total_rows: u64,
    /// The worksheets of a workbook (empty for text files).
    #[serde(default)]
    pub sheets: Vec<SheetView>,
    /// How intake chose the sheet, when nobody named one.
    #[serde(default)]
    pub sheet_choice: Option<SheetChoiceView>,
}

/// Why intake read the sheet it read, and which sheets it skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SheetChoiceView {
    #[serde(default)]
    pub sheet: String,
    /// One or two sentences for the user.
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub skipped: Vec<SkippedSheetView>,
    /// Two or more sheets look like lead lists: the user must confirm or pick one.
    #[serde(default)]
    pub ambiguous: bool,
    #[serde(default)]
    pub lead_sheets: Vec<String>,
}

/// A sheet intake did not read, and why (a phrase after the name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedSheetView {
    pub name: String,
    #[serde(default)]
    pub reason: String,
}

/// One worksheet of a workbook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetView {
    pub name: String,
    #[serde(default)]
    pub visible: bool,
    #[serde(default)]
    pub index: usize,
}

/// How one column of the file is mapped to a lead field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnMappingView {
    /// 0-based column index.
    pub index: usize,
    pub header: String,
    /// The field key, or `None` when the column is ignored.
    #[serde(default)]
    pub field: Option<String>,
    /// 0..=1.
    #[serde(default)]
    pub confidence: f32,
    #[serde(default)]
    pub reason: String,
}

/// The mapping of a whole file, and the preset that provided it, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct MappingInfo {
    #[serde(default)]
    pub preset_id: Option<String>,
    #[serde(default)]
    pub preset_name: Option<String>,
    #[serde(default)]
    pub columns: Vec<ColumnMappingView>,
}

/// Counts of a dry run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ImportStats {
    #[serde(default)]
    pub total_rows: u64,
    #[serde(default)]
    pub valid_rows: u64,
    #[serde(default)]
    pub error_rows: u64,
    #[serde(default)]
    pub warning_rows: u64,
    #[serde(default)]
    pub duplicate_in_file: u64,
    #[serde(default)]
    pub duplicate_in_db: u64,
    #[serde(default)]
    pub empty_rows: u64,
    #[serde(default)]
    pub excluded_rows: u64,
    /// Every issue counted by code.
    #[serde(default)]
    pub by_code: BTreeMap<String, u64>,
}

impl ImportStats {
    /// The most frequent issue codes, most frequent first (ties by code).
    pub fn top_codes(&self, n: usize) -> Vec<(String, u64)> {
        let mut codes: Vec<(String, u64)> =
            self.by_code.iter().map(|(c, n)| (c.clone(), *n)).collect();
        codes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        codes.truncate(n);
        codes
    }
}

/// An import as the history and the review page show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportSummaryView {
    pub id: String,
    pub status: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub created_by: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    #[serde(default)]
    pub config_version: i32,
    pub file: FileFacts,
    #[serde(default)]
    pub mapping: MappingInfo,
    #[serde(default)]
    pub stats: ImportStats,
    /// The apply side: decision, progress, result, revert.
    #[serde(flatten)]
    pub apply: ApplyView,
}

impl ImportSummaryView {
    /// `2024-05-01 14:03` from the RFC 3339 timestamp (UTC), for tables.
    pub fn created_short(&self) -> String {
        let s = self.created_at.replacen('T', " ", 1);
        s.chars().take(16).collect()
    }
}

/// One problem found in a row or cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueView {
    #[serde(default)]
    pub row: u32,
    #[serde(default)]
    pub field: Option<String>,
    pub code: String,
    pub level: String,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub normalized: Option<String>,
    pub message: String,
    #[serde(default)]
    pub hint: Option<String>,
    /// A change the grid can apply in one click.
    #[serde(default)]
    pub fix: Option<FixView>,
}

/// A suggested fix: the button's text and the new value (`None` clears the cell).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixView {
    pub label: String,
    #[serde(default)]
    pub value: Option<String>,
}

/// One staged row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowView {
    /// The record's row number in the source file.
    pub row: u32,
    /// Position in the file's record sequence (stable id for edits).
    pub seq: u32,
    pub status: String,
    /// The original cells by header.
    #[serde(default)]
    pub original: BTreeMap<String, serde_json::Value>,
    /// The transformed values by field.
    #[serde(default, deserialize_with = "null_as_default")]
    pub normalized: BTreeMap<String, serde_json::Value>,
    /// The user's edits by field (`null` = cleared).
    #[serde(default, deserialize_with = "null_as_default")]
    pub edits: BTreeMap<String, serde_json::Value>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub issues: Vec<IssueView>,
    #[serde(default)]
    pub excluded: bool,
}

impl RowView {
    /// The value to show for `field`: the normalized value, else the original cell of
    /// `header` (an invalid value has no normalized form but must still be seen).
    pub fn display_value(&self, field: &str, header: &str) -> String {
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        };
        self.normalized
            .get(field)
            .map(text)
            .or_else(|| self.original.get(header).map(text))
            .unwrap_or_default()
    }
}

/// Where a page sits in the filtered rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PageInfo {
    pub offset: i64,
    pub limit: i64,
    pub total: i64,
}

/// A page of rows with its position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowPageView {
    pub rows: Vec<RowView>,
    pub page: PageInfo,
}

/// Which rows of an import to fetch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RowsQuery {
    pub import_id: String,
    pub offset: i64,
    pub limit: i64,
    /// `valid`, `warning` or `error`.
    pub status: Option<String>,
    /// Rows with an issue on this field.
    pub field: Option<String>,
    /// Rows with an issue of this code.
    pub code: Option<String>,
    /// Rows with a cell containing this text.
    #[serde(default)]
    pub q: Option<String>,
}

/// One cell edit (`value: None` clears the cell).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellEditView {
    pub seq: u32,
    pub field: String,
    pub value: Option<String>,
}

/// The rows an edit touched and the import's new counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditResultView {
    pub rows: Vec<RowView>,
    pub stats: ImportStats,
}

/// A bulk action (the service's `BulkRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct BulkRequestView {
    /// `clear_column`, `set_default`, `find_replace`, `apply_fix`, `exclude`, `restore`.
    pub action: String,
    pub field: Option<String>,
    pub value: Option<String>,
    pub find: Option<String>,
    pub replace: Option<String>,
    /// For `apply_fix`: the issue code whose suggested fix is applied.
    pub code: Option<String>,
    pub seqs: Option<Vec<u32>>,
    /// The selection: rows of this status, issue code, issue field or search text.
    pub status: Option<String>,
    pub filter_code: Option<String>,
    pub filter_field: Option<String>,
    pub q: Option<String>,
}

/// What a bulk action did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkResultView {
    pub affected: u64,
    pub stats: ImportStats,
}

/// What undo and redo would do next (their labels), if anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct UndoStateView {
    pub undo: Option<String>,
    pub redo: Option<String>,
}

/// The answer of an undo or redo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndoResultView {
    pub label: String,
    pub seqs: Vec<u32>,
    pub stats: ImportStats,
    pub state: UndoStateView,
}

/// The configuration version an import was checked with, for the browser's own check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportConfigView {
    pub version: i32,
    pub config: rules::ImportConfig,
    /// The day/month order the dry run decided per date column.
    pub date_columns: Vec<rules::engine::DateColumn>,
}

/// One row of a file as read, before a header row was chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRowView {
    pub row: u32,
    pub cells: Vec<String>,
}

/// The first rows of a file and what was detected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilePreviewView {
    pub sheets: Vec<SheetView>,
    pub sheet: Option<String>,
    #[serde(default)]
    pub sheet_choice: Option<SheetChoiceView>,
    pub header_row: u32,
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    pub rows: Vec<PreviewRowView>,
}

/// The user's choices instead of detection when a file is read again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct OverridesView {
    pub sheet: Option<String>,
    pub header_row: Option<u32>,
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
}

/// `{header: field}`; `None` ignores the column.
pub type ExplicitMappingView = BTreeMap<String, Option<String>>;

/// A mapping preset to save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresetInputView {
    pub name: String,
    pub source: String,
    /// `user` or `company`.
    pub scope: Option<String>,
    pub mapping: ExplicitMappingView,
    pub headers: Option<Vec<String>>,
}

/// Reads `null` as the type's default (staged JSON columns may hold `null`).
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

// ---------------------------------------------------------------------------------------
// Applying and reverting (mirrors `imports::model::ApplyInfo` and friends).

/// What was decided for an import and what happened when it was applied or reverted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ApplyView {
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default)]
    pub duplicate_policy: Option<String>,
    #[serde(default)]
    pub fill_empty_only: bool,
    #[serde(default)]
    pub progress: Option<ProgressView>,
    #[serde(default)]
    pub result: Option<ApplyResultView>,
    #[serde(default)]
    pub failure: Option<String>,
    #[serde(default)]
    pub applied_by: Option<String>,
    #[serde(default)]
    pub applied_at: Option<String>,
    #[serde(default)]
    pub reverted_by: Option<String>,
    #[serde(default)]
    pub reverted_at: Option<String>,
    #[serde(default)]
    pub revert_result: Option<RevertResultView>,
    #[serde(default)]
    pub already_imported: Option<EarlierImportView>,
}

/// Rows written of rows to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ProgressView {
    pub done: u64,
    pub total: u64,
}

impl ProgressView {
    /// 0..=100.
    pub fn percent(&self) -> u64 {
        (self.done.min(self.total) * 100)
            .checked_div(self.total)
            .unwrap_or(100)
    }
}

/// What an apply did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ApplyResultView {
    pub inserted: u64,
    pub updated: u64,
    pub skipped: u64,
    pub failed: u64,
    #[serde(default)]
    pub unchanged: u64,
    #[serde(default)]
    pub duplicates_in_file: u64,
    #[serde(default)]
    pub excluded: u64,
    #[serde(default)]
    pub duration_ms: u64,
}

/// What a revert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RevertResultView {
    pub removed: u64,
    pub restored: u64,
    pub kept: u64,
    pub missing: u64,
}

/// An earlier import of the same file with the same mapping and configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierImportView {
    pub import_id: String,
    pub applied_at: String,
    #[serde(default)]
    pub applied_by: Option<String>,
}

/// A lead changed since the import, as a revert reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevertConflictView {
    pub lead_id: String,
    pub action: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub fields: Vec<FieldChangeView>,
}

/// One field of a conflicting lead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChangeView {
    pub field: String,
    #[serde(default)]
    pub imported: serde_json::Value,
    #[serde(default)]
    pub current: serde_json::Value,
}

/// The answer of a revert: the reverted import, or the conflicts that need a decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevertOutcomeView {
    pub summary: Option<ImportSummaryView>,
    pub conflicts_total: u64,
    pub conflicts: Vec<RevertConflictView>,
}
