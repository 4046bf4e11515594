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
    pub header_row: u32,
    pub total_rows: u64,
}

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
}
