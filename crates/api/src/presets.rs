//! Mapping presets: how a source's columns were mapped last time, saved for next time.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{ExplicitMapping, PresetId};

/// Who a preset is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PresetScope {
    /// The user who saved it.
    #[default]
    User,
    /// Everyone in the company (admins save and change these).
    Company,
}

impl PresetScope {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            PresetScope::User => "user",
            PresetScope::Company => "company",
        }
    }
}

/// A preset to save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PresetInput {
    /// Unique per owner (or per company for company presets); trimmed.
    #[schemars(length(min = 1, max = 200), extend("pattern" = "\\S"))]
    pub name: String,
    /// The partner or system the files come from; presets are found again by it.
    #[serde(default)]
    pub source: String,
    /// `user` when left out.
    #[serde(default)]
    pub scope: Option<PresetScope>,
    /// `{header: field}`; `null` ignores a column.
    #[schemars(extend("minProperties" = 1))]
    pub mapping: ExplicitMapping,
    /// The file's headers in order, to recognise the same layout later. Without them a new
    /// preset applies to every file of its source, and a replaced one keeps the layout it
    /// had; `[]` drops the layout.
    #[serde(default)]
    pub headers: Option<Vec<String>>,
}

/// A preset as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PresetView {
    pub id: PresetId,
    pub name: String,
    pub source: String,
    pub scope: PresetScope,
    pub fingerprint: String,
    pub mapping: ExplicitMapping,
    pub usage_count: i32,
    #[serde(with = "crate::timestamp::option")]
    #[schemars(with = "Option<String>")]
    pub last_used_at: Option<OffsetDateTime>,
    #[serde(with = "crate::timestamp")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub updated_at: OffsetDateTime,
}
