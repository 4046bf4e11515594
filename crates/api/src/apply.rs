//! Applying an import to the leads and reverting it: what the caller asks for and what a
//! revert that met changed leads answers.

use std::fmt;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::{DuplicatePolicy, ImportSummary, LeadId};

/// Which rows an apply writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplyMode {
    /// Rows without errors; error rows stay behind for the report.
    #[default]
    ValidOnly,
    /// Every row; refused while error rows remain.
    All,
}

impl ApplyMode {
    /// The API name, as stored with the import.
    pub fn as_str(self) -> &'static str {
        match self {
            ApplyMode::ValidOnly => "valid_only",
            ApplyMode::All => "all",
        }
    }
}

impl std::str::FromStr for ApplyMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "valid_only" => Ok(ApplyMode::ValidOnly),
            "all" => Ok(ApplyMode::All),
            other => Err(format!(
                "unknown apply mode “{other}”: use valid_only or all"
            )),
        }
    }
}

impl fmt::Display for ApplyMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the user asks an apply to do. Missing fields take the defaults: valid rows only,
/// the configuration's duplicate policy, overwrite non-empty fields.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ApplyRequest {
    #[serde(default)]
    pub mode: Option<ApplyMode>,
    #[serde(default)]
    pub duplicate_policy: Option<DuplicatePolicy>,
    #[serde(default)]
    pub fill_empty_only: Option<bool>,
}

impl ApplyRequest {
    /// Reads a request body, naming the field whose choice is unknown
    /// (`apply.invalid_mode`, `apply.invalid_policy`).
    pub fn from_json(body: serde_json::Value) -> Result<Self, Invalid> {
        choice::<ApplyMode>(&body, "mode", "apply.invalid_mode", "valid_only or all")?;
        choice::<DuplicatePolicy>(
            &body,
            "duplicate_policy",
            "apply.invalid_policy",
            "skip, update or upsert",
        )?;
        decode(body)
    }
}

/// What to do with leads changed since the import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RevertChoice {
    /// List the conflicts and change nothing.
    #[default]
    Abort,
    /// Revert the rest and leave changed leads as they are.
    Keep,
    /// Revert changed leads too.
    Overwrite,
}

/// How a revert treats leads changed since the import; `abort` when left out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RevertRequest {
    #[serde(default)]
    pub on_conflict: Option<RevertChoice>,
}

impl RevertRequest {
    /// Reads a request body; an unknown choice is `revert.invalid_choice`.
    pub fn from_json(body: serde_json::Value) -> Result<Self, Invalid> {
        choice::<RevertChoice>(
            &body,
            "on_conflict",
            "revert.invalid_choice",
            "abort, keep or overwrite",
        )?;
        decode(body)
    }
}

/// What the import did to a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeadAction {
    Created,
    Updated,
}

/// A lead changed since the import, field by field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RevertConflict {
    pub lead_id: LeadId,
    pub action: LeadAction,
    pub email: Option<String>,
    pub fields: Vec<FieldChange>,
}

/// One field whose value moved since the import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FieldChange {
    pub field: String,
    /// As the import left it.
    #[serde(default)]
    pub imported: serde_json::Value,
    /// As it is now.
    #[serde(default)]
    pub current: serde_json::Value,
}

/// The conflicts that stopped a revert: all of them counted, the first 100 listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Conflicts {
    pub total: u64,
    pub conflicts: Vec<RevertConflict>,
}

/// How a revert request ended (the server function's answer; REST answers the summary or
/// a 409 instead). Externally tagged: an internally tagged enum would make the browser
/// buffer and re-read the whole summary, with a second copy of its decoder in the bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RevertOutcome {
    /// Reverted (or it was reverted before): the import as it is now.
    Reverted { summary: Box<ImportSummary> },
    /// Leads were changed since the import; nothing was reverted.
    Conflicts(Conflicts),
}

/// A request body that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    /// Not the object described (HTTP 400, `request.invalid_json`).
    Json(String),
    /// A field names a choice that does not exist (HTTP 422 with this code).
    Choice { code: &'static str, message: String },
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Invalid::Json(message) | Invalid::Choice { message, .. } => f.write_str(message),
        }
    }
}

impl std::error::Error for Invalid {}

/// Checks that `body[key]`, when present and not `null`, is one of `T`'s names.
fn choice<T: DeserializeOwned>(
    body: &serde_json::Value,
    key: &str,
    code: &'static str,
    choices: &str,
) -> Result<(), Invalid> {
    match body.get(key) {
        None | Some(serde_json::Value::Null) => Ok(()),
        Some(value) => serde_json::from_value::<T>(value.clone())
            .map(drop)
            .map_err(|_| Invalid::Choice {
                code,
                message: format!("Unknown {key} {value}: use {choices}."),
            }),
    }
}

fn decode<T: DeserializeOwned>(body: serde_json::Value) -> Result<T, Invalid> {
    if !body.is_object() {
        return Err(Invalid::Json(format!("expected an object, not {body}")));
    }
    serde_json::from_value(body).map_err(|e| Invalid::Json(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_unknown_choice_is_named_by_its_own_code() {
        let err = ApplyRequest::from_json(json!({"mode": "most"})).unwrap_err();
        assert!(
            matches!(
                err,
                Invalid::Choice {
                    code: "apply.invalid_mode",
                    ..
                }
            ),
            "{err:?}"
        );
        let err = ApplyRequest::from_json(json!({"duplicate_policy": "merge"})).unwrap_err();
        assert!(matches!(
            err,
            Invalid::Choice {
                code: "apply.invalid_policy",
                ..
            }
        ));
        let err = RevertRequest::from_json(json!({"on_conflict": "shrug"})).unwrap_err();
        assert!(matches!(
            err,
            Invalid::Choice {
                code: "revert.invalid_choice",
                ..
            }
        ));
        let err = ApplyRequest::from_json(json!({"fill_empty_only": "yes"})).unwrap_err();
        assert!(matches!(err, Invalid::Json(_)));
        assert!(matches!(
            ApplyRequest::from_json(json!([])),
            Err(Invalid::Json(_))
        ));
    }

    #[test]
    fn left_out_fields_are_defaults() {
        assert_eq!(
            ApplyRequest::from_json(json!({})),
            Ok(ApplyRequest::default())
        );
        let req =
            ApplyRequest::from_json(json!({"mode": "all", "duplicate_policy": null})).unwrap();
        assert_eq!(req.mode, Some(ApplyMode::All));
        assert_eq!(
            RevertRequest::from_json(json!({})).unwrap().on_conflict,
            None
        );
    }
}
