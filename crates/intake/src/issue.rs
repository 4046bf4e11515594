//! Issues that intake reports about a file, its header and its rows, with stable codes.

use serde::Serialize;

/// How serious an issue is. Serialised as `"error"`, `"warning"` or `"info"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The data is wrong or lost unless someone acts.
    Error,
    /// The data is probably wrong; a human should look.
    Warning,
    /// Worth knowing; nothing is wrong by itself.
    Info,
}

impl Level {
    /// The level as the string used in JSON and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "info",
        }
    }
}

/// The stable issue and error codes intake emits. The master list lives in `rules`;
/// these strings must stay identical to it.
pub mod codes {
    /// The file has no bytes or no data.
    pub const FILE_EMPTY: &str = "file.empty";
    /// Upload size, or cells of a sheet, over the limit.
    pub const FILE_TOO_LARGE: &str = "file.too_large";
    /// More rows than the limit.
    pub const FILE_TOO_MANY_ROWS: &str = "file.too_many_rows";
    /// More columns than the limit.
    pub const FILE_TOO_MANY_COLUMNS: &str = "file.too_many_columns";
    /// A zip entry inflates past the limits.
    pub const FILE_ZIP_BOMB: &str = "file.zip_bomb";
    /// Reading the file took longer than the time budget.
    pub const FILE_TOO_SLOW: &str = "file.too_slow";
    /// A password-protected workbook.
    pub const FILE_ENCRYPTED: &str = "file.encrypted";
    /// Not a spreadsheet or delimited text.
    pub const FILE_UNSUPPORTED_FORMAT: &str = "file.unsupported_format";
    /// A spreadsheet container that cannot be parsed.
    pub const FILE_CORRUPT: &str = "file.corrupt";
    /// The text encoding is unknown or was given wrongly.
    pub const FILE_ENCODING_UNKNOWN: &str = "file.encoding_unknown";
    /// The requested sheet does not exist.
    pub const FILE_SHEET_NOT_FOUND: &str = "file.sheet_not_found";
    /// A caller option (header row, delimiter) cannot apply to this file.
    pub const OPTIONS_INVALID: &str = "options.invalid";
    /// A header cell is blank.
    pub const HEADER_EMPTY: &str = "header.empty";
    /// Two header cells have the same name.
    pub const HEADER_DUPLICATE: &str = "header.duplicate";
    /// A row has more cells than the header.
    pub const ROW_EXTRA_CELLS: &str = "row.extra_cells";
    /// A row has fewer cells than the header.
    pub const ROW_MISSING_CELLS: &str = "row.missing_cells";
    /// A quote opened in this row swallowed the following lines.
    pub const ROW_UNCLOSED_QUOTE: &str = "row.unclosed_quote";
    /// A row with separators but no values; it is skipped.
    pub const ROW_EMPTY: &str = "row.empty";
    /// A cell is longer than the cell limit (kept whole).
    pub const CELL_TOO_LONG: &str = "cell.too_long";
    /// A formula cell: its cached value is used.
    pub const CELL_FORMULA_CACHED: &str = "cell.formula_cached";
    /// A cell holds a spreadsheet error such as `#N/A`.
    pub const CELL_ERROR_VALUE: &str = "cell.error_value";
    /// A number that is probably a phone number mangled by a spreadsheet.
    pub const CELL_NUMBER_AS_PHONE: &str = "cell.number_as_phone";
}

/// One problem or remark about the file, the header, a row or a cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntakeIssue {
    /// Severity.
    pub level: Level,
    /// Stable dotted code, see [`codes`].
    pub code: &'static str,
    /// 1-based source row as a spreadsheet program shows it.
    pub row: Option<u32>,
    /// 1-based column.
    pub column: Option<u32>,
    /// The original value, when one is involved.
    pub value: Option<String>,
    /// What happened, for a human.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl IntakeIssue {
    pub(crate) fn new(level: Level, code: &'static str, message: impl Into<String>) -> Self {
        IntakeIssue {
            level,
            code,
            row: None,
            column: None,
            value: None,
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn at_row(mut self, row: u32) -> Self {
        self.row = Some(row);
        self
    }

    /// `column` is 0-based here, stored 1-based.
    pub(crate) fn at_column(mut self, column: usize) -> Self {
        self.column = Some(u32::try_from(column).unwrap_or(u32::MAX).saturating_add(1));
        self
    }

    pub(crate) fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}
