//! The help page of an issue code: what it means and how to fix it, as
//! `docs/error-codes.md` says (the one list of codes, checked against `rules::Code`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Code, Level};

/// One code's entry of the code list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CodeHelp {
    pub code: Code,
    /// The level unless the company's rules say otherwise.
    pub level: Level,
    /// Which part finds it: intake (reading the file), rules, server.
    pub raised_by: String,
    pub meaning: String,
    /// What to do about it.
    pub fix: String,
}
