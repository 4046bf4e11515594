//! The schema drift check on the wire: where a company's active configuration and the real
//! `leads` table disagree (`GET /api/admin/drift`, `lead-importer drift-check`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// What kind of disagreement a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DriftKind {
    /// A built-in field has no column in `leads`: an apply would fail.
    ColumnMissing,
    /// A field's column holds a type the apply cannot write text into.
    ColumnType,
    /// A column of `leads` no field of the configuration reads or writes.
    ColumnUnknown,
    /// A field locked on update has no column.
    LockedFieldMissing,
    /// A duplicate key names a field or key column that does not exist.
    DedupeFieldMissing,
    /// A custom field's key is also a column of `leads` (its values would be ambiguous).
    CustomKeyCollides,
    /// Existing leads hold an enum value the configuration no longer allows.
    EnumValueOrphaned,
}

impl DriftKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DriftKind::ColumnMissing => "column_missing",
            DriftKind::ColumnType => "column_type",
            DriftKind::ColumnUnknown => "column_unknown",
            DriftKind::LockedFieldMissing => "locked_field_missing",
            DriftKind::DedupeFieldMissing => "dedupe_field_missing",
            DriftKind::CustomKeyCollides => "custom_key_collides",
            DriftKind::EnumValueOrphaned => "enum_value_orphaned",
        }
    }
}

/// One disagreement, in words an admin can act on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct DriftFinding {
    pub kind: DriftKind,
    /// The configuration's field, when one is concerned.
    pub field: Option<String>,
    /// The `leads` column, when one is concerned.
    pub column: Option<String>,
    /// The orphaned enum value.
    pub value: Option<String>,
    /// Leads holding the orphaned value.
    pub leads: Option<u64>,
    pub message: String,
}

/// The last check of one company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DriftReport {
    #[serde(with = "crate::timestamp")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub checked_at: OffsetDateTime,
    /// The configuration version checked.
    pub config_version: i32,
    /// True when there are no findings.
    pub in_sync: bool,
    pub findings: Vec<DriftFinding>,
}
