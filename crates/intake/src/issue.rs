//! Issues that intake reports about a file, its header and its rows, with stable codes.

use serde::Serialize;

/// Levels and codes are the rules engine's, one list for every stage (docs/error-codes.md).
pub use rules::{Code, Level};

/// One problem or remark about the file, the header, a row or a cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntakeIssue {
    /// Severity.
    pub level: Level,
    /// Stable code; serialised as its dotted string.
    pub code: Code,
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
    pub(crate) fn new(level: Level, code: Code, message: impl Into<String>) -> Self {
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
