//! Changing staged rows: cell edits, bulk actions over a selection, undo and redo.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::rows::{blank_as_none, RowView};
use crate::{RowStatus, Stats};

/// One cell edit: `value: None` clears the cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CellEdit {
    pub seq: u32,
    pub field: String,
    pub value: Option<String>,
}

/// The rows an edit touched (edited rows and rows whose duplicate status changed) and the
/// import's new stats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EditResult {
    pub rows: Vec<RowView>,
    pub stats: Stats,
}

/// A bulk action on a column or a selection. On the wire one flat object:
/// `{"action": "find_replace", "field": "company", "find": "Ltd", "replace": "Limited",
/// "status": "error"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BulkRequest {
    #[serde(flatten)]
    pub action: BulkAction,
    #[serde(flatten)]
    pub selection: Selection,
}

/// What a bulk action does, with exactly the fields it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum BulkAction {
    /// Empties the field in every selected row.
    ClearColumn { field: String },
    /// Fills the field where it is empty.
    SetDefault { field: String, value: String },
    /// Replaces `find` (not empty) by `replace` within the field's values.
    FindReplace {
        field: String,
        find: String,
        #[serde(default)]
        replace: String,
    },
    /// Applies the suggested fix of every issue of `code` (on `field` only, if given); the
    /// selection is then the rows with that code.
    ApplyFix {
        code: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        field: Option<String>,
    },
    /// Leaves the selected rows out of the import.
    Exclude,
    /// Takes excluded rows back in.
    Restore,
}

impl BulkAction {
    /// The field the action changes, if it changes one.
    pub fn field(&self) -> Option<&str> {
        match self {
            BulkAction::ClearColumn { field }
            | BulkAction::SetDefault { field, .. }
            | BulkAction::FindReplace { field, .. } => Some(field),
            BulkAction::ApplyFix { field, .. } => field.as_deref(),
            BulkAction::Exclude | BulkAction::Restore => None,
        }
    }

    /// What the action is called in the undo history, e.g. "find and replace in company".
    pub fn label(&self) -> String {
        let field = self.field().unwrap_or("all fields");
        match self {
            BulkAction::ClearColumn { .. } => format!("clearing {field}"),
            BulkAction::SetDefault { .. } => format!("default for {field}"),
            BulkAction::FindReplace { .. } => format!("find and replace in {field}"),
            BulkAction::ApplyFix { code, .. } => format!("fix for {code}"),
            BulkAction::Exclude => "exclude".into(),
            BulkAction::Restore => "restore".into(),
        }
    }
}

/// Which rows a bulk action touches: `seqs` when given, else every row matching all the
/// filters given (no filter: every row).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Selection {
    /// Only these rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seqs: Option<Vec<u32>>,
    /// Only rows with this status (`valid`, `warning`, `error`).
    #[serde(
        default,
        deserialize_with = "blank_as_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Option<RowStatus>,
    /// Only rows with an issue of this code (the grid's code filter).
    #[serde(
        default,
        deserialize_with = "blank_as_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub filter_code: Option<String>,
    /// Only rows with an issue on this field (the grid's column filter).
    #[serde(
        default,
        deserialize_with = "blank_as_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub filter_field: Option<String>,
    /// Only rows with a cell containing this text (the grid's search box).
    #[serde(
        default,
        deserialize_with = "blank_as_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub q: Option<String>,
}

/// What a bulk action did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BulkResult {
    pub affected: u64,
    pub stats: Stats,
}

/// What a corrections upload changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CorrectionResult {
    /// Rows with at least one changed cell.
    pub rows_patched: u64,
    pub cells_changed: u64,
    /// Report lines whose "Row id" is not a row of this import.
    pub rows_unknown: u64,
    pub stats: Stats,
}

/// What undo and redo would do next.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UndoState {
    /// The change undo would revert, e.g. "edit of email".
    pub undo: Option<String>,
    /// The change redo would re-apply.
    pub redo: Option<String>,
}

/// The answer of an undo or redo: what was stepped over, the rows it touched, the stats
/// after revalidation and what comes next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UndoResult {
    pub label: String,
    pub seqs: Vec<u32>,
    pub stats: Stats,
    pub state: UndoState,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_bulk_request_is_one_flat_object_with_the_action_as_its_tag() {
        let body = json!({"action": "find_replace", "field": "company", "find": "Ltd",
                          "replace": "Limited", "status": "error"});
        let req: BulkRequest = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(
            req.action,
            BulkAction::FindReplace {
                field: "company".into(),
                find: "Ltd".into(),
                replace: "Limited".into()
            }
        );
        assert_eq!(req.selection.status, Some(RowStatus::Error));
        assert_eq!(serde_json::to_value(&req).unwrap(), body);

        let req: BulkRequest =
            serde_json::from_value(json!({"action": "exclude", "seqs": [3]})).unwrap();
        assert_eq!(req.action, BulkAction::Exclude);
        assert_eq!(req.selection.seqs, Some(vec![3]));
    }

    #[test]
    fn an_unknown_action_or_a_missing_field_is_refused() {
        for body in [
            json!({"action": "shred"}),
            json!({"action": "set_default", "field": "company"}),
            json!({"field": "company"}),
            json!({"action": "exclude", "status": "nope"}),
        ] {
            assert!(
                serde_json::from_value::<BulkRequest>(body.clone()).is_err(),
                "{body}"
            );
        }
    }
}
