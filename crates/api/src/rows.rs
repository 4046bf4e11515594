//! Staged rows as the grid and the REST API page through them.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use crate::{Issue, RowStatus};

/// One staged row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RowView {
    /// The record's row number in the source, as a spreadsheet program shows it.
    pub row: u32,
    /// Position in the file's record sequence (stable id for edits).
    pub seq: u32,
    pub status: RowStatus,
    /// The original cells by header (cells past the header are "Column N").
    #[serde(default)]
    pub original: BTreeMap<String, serde_json::Value>,
    /// The transformed values by field.
    #[serde(default, deserialize_with = "null_as_default")]
    pub normalized: BTreeMap<String, serde_json::Value>,
    /// The user's edits by field (`null` = cleared).
    #[serde(default, deserialize_with = "null_as_default")]
    pub edits: BTreeMap<String, serde_json::Value>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub issues: Vec<Issue>,
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Page {
    pub offset: i64,
    pub limit: i64,
    pub total: i64,
}

/// A page of rows with its position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RowPage {
    pub rows: Vec<RowView>,
    pub page: Page,
}

/// Which rows to return; every filter is optional and an empty one is no filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RowQuery {
    #[serde(default)]
    pub offset: Option<i64>,
    /// 1..=1,000; 100 when left out.
    #[serde(default)]
    pub limit: Option<i64>,
    /// Rows of this status: `valid`, `warning` or `error`.
    #[serde(default, deserialize_with = "blank_as_none")]
    pub status: Option<RowStatus>,
    /// Rows with an issue on this field.
    #[serde(default, deserialize_with = "blank_as_none")]
    pub field: Option<String>,
    /// Rows with an issue of this code.
    #[serde(default, deserialize_with = "blank_as_none")]
    pub code: Option<String>,
    /// Rows with a cell (original or edited) containing this text, case-insensitively.
    #[serde(default, deserialize_with = "blank_as_none")]
    pub q: Option<String>,
}

/// Reads `null` as the type's default (staged JSON columns may hold `null`).
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Reads an empty or blank query value (`?status=`) as no filter.
pub(crate) fn blank_as_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    match Option::<String>::deserialize(deserializer)? {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Ok(None),
        Some(s) => s.trim().parse().map(Some).map_err(serde::de::Error::custom),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_filter_is_no_filter_and_an_unknown_status_is_refused() {
        let q: RowQuery =
            serde_json::from_value(serde_json::json!({"status": "", "q": "  "})).unwrap();
        assert_eq!(q, RowQuery::default());
        let q: RowQuery = serde_json::from_value(serde_json::json!({"status": "error"})).unwrap();
        assert_eq!(q.status, Some(RowStatus::Error));
        assert!(serde_json::from_value::<RowQuery>(serde_json::json!({"status": "nope"})).is_err());
    }

    #[test]
    fn null_json_columns_read_as_empty() {
        let row: RowView = serde_json::from_value(serde_json::json!({
            "row": 2, "seq": 1, "status": "valid", "original": {},
            "normalized": null, "edits": null, "issues": null, "excluded": false
        }))
        .unwrap();
        assert!(row.normalized.is_empty() && row.edits.is_empty() && row.issues.is_empty());
    }
}
