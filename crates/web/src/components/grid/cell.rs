//! One cell of the grid: what it shows (the value, its status — error, warning or fixed —
//! and its messages, from the browser's check while the server has not answered, else from
//! the staged row) and how it is drawn, with `aria-invalid` and `aria-describedby`
//! pointing at its messages for screen readers.

use crate::model::{Issue, Level, RowView};

use super::store::LocalCell;

/// A column of the grid: the field it shows and the file's column that feeds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridColumn {
    pub field: String,
    pub label: String,
    pub header: String,
    /// The allowed values of an enum field (empty for other fields, and until the
    /// configuration has loaded): a fix to one of them can be proposed as an alias.
    pub allowed: Vec<String>,
}

/// How a cell stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellStatus {
    Plain,
    Error,
    Warning,
    /// Edited by the user and without problems now.
    Fixed,
}

impl CellStatus {
    pub fn class(self) -> &'static str {
        match self {
            CellStatus::Plain => "",
            CellStatus::Error => "cell-error",
            CellStatus::Warning => "cell-warning",
            CellStatus::Fixed => "cell-fixed",
        }
    }

    /// Words for screen readers and the details panel.
    pub fn words(self) -> &'static str {
        match self {
            CellStatus::Plain => "",
            CellStatus::Error => "Error",
            CellStatus::Warning => "Warning",
            CellStatus::Fixed => "Fixed",
        }
    }
}

/// Everything the grid needs to draw one cell.
#[derive(Debug, Clone, PartialEq)]
pub struct CellState {
    /// What the cell shows: the normalised value, else the value as typed.
    pub text: String,
    /// What the editor starts with: the user's edit, else the original cell.
    pub raw: String,
    /// The original cell of the file.
    pub original: String,
    pub status: CellStatus,
    pub issues: Vec<Issue>,
    /// Checked in the browser; the server has not answered yet.
    pub unconfirmed: bool,
}

fn text_of(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The state of `column`'s cell in `row`, with the browser's verdict `local` if any.
pub fn cell_state(row: &RowView, column: &GridColumn, local: Option<&LocalCell>) -> CellState {
    let field = column.field.as_str();
    let original = row
        .original
        .get(&column.header)
        .map(text_of)
        .unwrap_or_default();
    let edited = row.edits.get(field);
    let (text, raw, issues, unconfirmed, is_edit) = match local {
        Some(l) => {
            let v = l.value.clone().unwrap_or_default();
            (v.clone(), v, l.issues.clone(), true, true)
        }
        None => {
            let raw = edited.map(text_of).unwrap_or_else(|| original.clone());
            let text = row
                .normalized
                .get(field)
                .map(text_of)
                .unwrap_or_else(|| raw.clone());
            let issues = row
                .issues
                .iter()
                .filter(|i| i.field.as_deref() == Some(field))
                .cloned()
                .collect();
            (text, raw, issues, false, edited.is_some())
        }
    };
    let status = if issues.iter().any(|i| i.level == Level::Error) {
        CellStatus::Error
    } else if issues.iter().any(|i| i.level == Level::Warning) {
        CellStatus::Warning
    } else if is_edit {
        CellStatus::Fixed
    } else {
        CellStatus::Plain
    };
    CellState {
        text,
        raw,
        original,
        status,
        issues,
        unconfirmed,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn issue(field: &str, level: &str) -> Issue {
        Issue {
            row: 3,
            column: None,
            field: Some(field.into()),
            code: serde_json::from_value(serde_json::json!("cell.email_invalid")).unwrap(),
            level: serde_json::from_value(serde_json::json!(level)).unwrap(),
            value: None,
            normalized: None,
            message: "Not an email address.".into(),
            hint: None,
            fix: None,
        }
    }

    fn row() -> RowView {
        RowView {
            row: 3,
            seq: 2,
            status: crate::model::RowStatus::Error,
            original: BTreeMap::from([("Mail".to_owned(), serde_json::json!(" not-an-email "))]),
            normalized: BTreeMap::new(),
            edits: BTreeMap::new(),
            issues: vec![issue("email", "error"), issue("phone", "warning")],
            excluded: false,
        }
    }

    fn email() -> GridColumn {
        GridColumn {
            field: "email".into(),
            label: "Email".into(),
            header: "Mail".into(),
            allowed: Vec::new(),
        }
    }

    #[test]
    fn an_invalid_original_cell_shows_as_typed_with_its_own_issues() {
        let s = cell_state(&row(), &email(), None);
        assert_eq!(s.text, " not-an-email ");
        assert_eq!(s.status, CellStatus::Error);
        assert_eq!(
            s.issues.len(),
            1,
            "the phone's warning is not the email cell's"
        );
        assert!(!s.unconfirmed);
    }

    #[test]
    fn the_browsers_verdict_wins_until_the_server_answers_and_an_edit_without_issues_is_fixed() {
        let local = LocalCell {
            value: Some("bob@example.com".into()),
            issues: Vec::new(),
        };
        let s = cell_state(&row(), &email(), Some(&local));
        assert_eq!(s.status, CellStatus::Fixed);
        assert!(s.unconfirmed);
        let mut saved = row();
        saved
            .edits
            .insert("email".into(), serde_json::json!("bob@example.com"));
        saved
            .normalized
            .insert("email".into(), serde_json::json!("bob@example.com"));
        saved.issues.retain(|i| i.field.as_deref() != Some("email"));
        let s = cell_state(&saved, &email(), None);
        assert_eq!(
            (s.status, s.text.as_str(), s.raw.as_str()),
            (CellStatus::Fixed, "bob@example.com", "bob@example.com")
        );
        assert_eq!(s.original, " not-an-email ");
    }
}
