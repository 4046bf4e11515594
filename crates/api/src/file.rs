//! What intake found out about a file: its facts, its sheets and why one was read, and the
//! first rows of a file as read before a header row is chosen.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What intake found out about the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FileSummary {
    pub name: String,
    pub sha256: String,
    pub size_bytes: i64,
    /// `csv`, `tsv`, `xlsx`, `xls` or `ods`.
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

/// One sheet of a workbook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SheetSummary {
    pub name: String,
    pub visible: bool,
    pub index: usize,
}

/// How intake chose the sheet it read, for the file facts (stored with the import and
/// read back, hence `Deserialize`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SheetChoice {
    /// The sheet read.
    pub sheet: String,
    /// Its 0-based position in the workbook.
    pub index: usize,
    /// Why, in a sentence, e.g. "The first sheet “Read me” holds 2 lines of text;
    /// “Leads” has a header row matching 4 lead fields (Email, Phone, Company) and 50+
    /// rows below it."
    pub reason: String,
    /// Every other sheet and why it was not read, in workbook order.
    pub skipped: Vec<SkippedSheet>,
    /// Two or more sheets look like lead lists: the user must confirm or pick the sheet.
    pub ambiguous: bool,
    /// The sheets that look like lead lists, in workbook order.
    pub lead_sheets: Vec<String>,
}

/// A sheet that was not read, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SkippedSheet {
    /// The sheet's name.
    pub name: String,
    /// Its 0-based position in the workbook.
    pub index: usize,
    /// Why it was not read, as a phrase after the name ("is hidden", "is empty",
    /// "holds 2 lines of text").
    pub reason: String,
}

/// One row of the file as read, before any header was chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PreviewRow {
    /// 1-based source row, as a spreadsheet program shows it.
    pub row: u32,
    pub cells: Vec<String>,
}

/// The first rows of a file (or of one sheet) and what intake detected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FilePreview {
    pub sheets: Vec<SheetSummary>,
    pub sheet: Option<String>,
    /// How intake chose the sheet, when no sheet was asked for.
    #[serde(default)]
    pub sheet_choice: Option<SheetChoice>,
    pub header_row: u32,
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    pub rows: Vec<PreviewRow>,
}

/// What the user chose instead of intake's detection; `None` keeps detection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Overrides {
    pub sheet: Option<String>,
    pub header_row: Option<u32>,
    pub encoding: Option<String>,
    /// One character, or `tab`.
    pub delimiter: Option<String>,
}
