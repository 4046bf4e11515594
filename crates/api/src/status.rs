//! Where an import is in its life: one enum instead of status strings. Stored in
//! `imports.status` under the same names (the table's CHECK constraint lists them).

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The state of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// Rows are being read, checked and staged.
    Validating,
    /// Staged and checked; rows may be edited, then applied.
    Staged,
    /// An apply job is writing the rows to the leads.
    Applying,
    /// Written to the leads; may be reverted.
    Applied,
    /// The last apply failed and wrote nothing; the staged rows are as they were.
    Failed,
    /// An applied import whose changes were taken back.
    Reverted,
}

impl ImportStatus {
    /// Every status, in life order.
    pub const ALL: [ImportStatus; 6] = [
        ImportStatus::Validating,
        ImportStatus::Staged,
        ImportStatus::Applying,
        ImportStatus::Applied,
        ImportStatus::Failed,
        ImportStatus::Reverted,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportStatus::Validating => "validating",
            ImportStatus::Staged => "staged",
            ImportStatus::Applying => "applying",
            ImportStatus::Applied => "applied",
            ImportStatus::Failed => "failed",
            ImportStatus::Reverted => "reverted",
        }
    }

    /// Whether the staged rows may still change (edits, bulk actions, re-mapping) and the
    /// import be applied.
    pub fn is_editable(self) -> bool {
        matches!(self, ImportStatus::Staged | ImportStatus::Failed)
    }
}

impl fmt::Display for ImportStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A status name the database holds but this version does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownStatus(pub String);

impl fmt::Display for UnknownStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown import status “{}”", self.0)
    }
}

impl std::error::Error for UnknownStatus {}

impl FromStr for ImportStatus {
    type Err = UnknownStatus;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ImportStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_str_and_json() {
        for status in ImportStatus::ALL {
            assert_eq!(status.as_str().parse::<ImportStatus>(), Ok(status));
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                serde_json::Value::String(status.as_str().into())
            );
        }
        assert!("done".parse::<ImportStatus>().is_err());
    }
}
