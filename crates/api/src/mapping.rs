//! How the file's columns map to lead fields, as the API shows and takes it.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ids::PresetId;

/// How one column is mapped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ColumnMapping {
    /// 0-based column index.
    pub index: usize,
    pub header: String,
    /// The field key, or `None` when the column is ignored.
    pub field: Option<String>,
    /// 0..=1.
    pub confidence: f32,
    /// Why: "exact", "label", "synonym (de)", "similar to …", "preset …", "chosen", "no match".
    pub reason: String,
}

/// The mapping of a whole file, and the preset that provided it, if one did. Stored with
/// the import as it is shown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Mapping {
    pub preset_id: Option<PresetId>,
    pub preset_name: Option<String>,
    pub columns: Vec<ColumnMapping>,
}

impl Mapping {
    /// For each field of `fields` (the validator's order), the column that feeds it.
    pub fn columns_for(&self, fields: &[rules::config::FieldSpec]) -> Vec<Option<usize>> {
        fields
            .iter()
            .map(|f| {
                self.columns
                    .iter()
                    .find(|c| c.field.as_deref() == Some(f.key.as_str()))
                    .map(|c| c.index)
            })
            .collect()
    }

    /// The mapping as `{header: field}`, the shape presets store.
    pub fn as_explicit(&self) -> ExplicitMapping {
        self.columns
            .iter()
            .map(|c| (c.header.clone(), c.field.clone()))
            .collect()
    }
}

/// A mapping given as `{header: field}` (a `null` or empty field ignores the column).
pub type ExplicitMapping = BTreeMap<String, Option<String>>;
