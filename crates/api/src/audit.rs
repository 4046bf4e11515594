//! The audit log on the wire: who did what to which entity, and when.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::rows::blank_as_none;
use crate::Page;

/// `GET /api/audit?action=&actor=&entity=&limit=&offset=`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AuditQuery {
    /// Entries whose action starts with this, e.g. `config.` for every configuration change.
    #[serde(default, deserialize_with = "blank_as_none")]
    pub action: Option<String>,
    /// The actor's e-mail (any case).
    #[serde(default, deserialize_with = "blank_as_none")]
    pub actor: Option<String>,
    /// The entity kind, e.g. `import_config`, `user`, `import`.
    #[serde(default, deserialize_with = "blank_as_none")]
    pub entity: Option<String>,
    /// 1–500; 50 when left out.
    #[serde(default, deserialize_with = "blank_as_none")]
    pub limit: Option<i64>,
    #[serde(default, deserialize_with = "blank_as_none")]
    pub offset: Option<i64>,
}

/// One recorded action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AuditEntry {
    #[serde(with = "crate::timestamp")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub at: OffsetDateTime,
    /// The actor's e-mail; absent for the command line and for removed users.
    pub actor: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    /// What changed; for configuration publishes `{from, to, comment, changes}`.
    pub diff: serde_json::Value,
}

/// A page of the audit log, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub page: Page,
}
