//! One problem (or note) found in a file, a header, a row or a cell, in the shape the grid,
//! REST responses, error reports and telemetry share.

use serde::{Deserialize, Serialize};

use crate::codes::{Code, Level};

/// A change the grid can apply in one click.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SuggestedFix {
    /// What the button says, e.g. "Use jane@gmail.com".
    pub label: String,
    /// The new cell value; `None` means "clear the cell".
    pub value: Option<String>,
}

impl SuggestedFix {
    pub fn replace(value: impl Into<String>) -> Self {
        let value = value.into();
        SuggestedFix {
            label: format!("Use {value}"),
            value: Some(value),
        }
    }
}

/// One issue. JSON field names are part of the API:
/// `row, field, code, level, value, normalized, message, hint, fix`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Issue {
    /// Source row number, 1-based as a spreadsheet shows it (0 for file and header issues).
    pub row: u32,
    /// The 1-based column of the cell, for issues intake found while reading the file
    /// (absent on the rules' own issues, which name a `field`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// Field key the issue is about, when there is one.
    pub field: Option<String>,
    pub code: Code,
    pub level: Level,
    /// The original cell value.
    pub value: Option<String>,
    /// The value after transformation, when there is one.
    pub normalized: Option<String>,
    pub message: String,
    pub hint: Option<String>,
    pub fix: Option<SuggestedFix>,
}

impl Issue {
    /// An issue with the code's default level and nothing but a message.
    pub fn new(code: Code, row: u32, message: impl Into<String>) -> Self {
        Issue {
            row,
            column: None,
            field: None,
            code,
            level: code.default_level(),
            value: None,
            normalized: None,
            message: message.into(),
            hint: None,
            fix: None,
        }
    }

    pub fn with_level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    pub fn with_normalized(mut self, normalized: impl Into<String>) -> Self {
        self.normalized = Some(normalized.into());
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_fix(mut self, fix: SuggestedFix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// The issue the server attaches when a lead with the same key already exists; built
    /// here so the wording is the same everywhere.
    pub fn duplicate_in_db(row: u32, field: &str, key: &str, existing: &str) -> Self {
        Issue::new(
            Code::RowDuplicateInDb,
            row,
            format!("A lead with the same {field} ({key}) already exists: {existing}."),
        )
        .with_field(field)
        .with_value(key)
        .with_hint("The duplicate policy decides whether it is skipped, updated or merged.")
    }
}
