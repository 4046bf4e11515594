//! The company's audit log, for admins.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::AuditPage;

/// A page of the audit log, newest first, filtered like `GET /api/audit`.
/// (Plain arguments rather than `AuditQuery`: its fields read query-string text.)
#[server(prefix = "/api/fn", endpoint = "audit/list")]
pub async fn audit_log(
    action: Option<String>,
    actor: Option<String>,
    entity: Option<String>,
    limit: i64,
    offset: i64,
) -> Result<AuditPage, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let query = crate::model::AuditQuery {
        action,
        actor,
        entity,
        limit: Some(limit),
        offset: Some(offset),
    };
    Ok(imports::audit::list(&state.pool, &principal, &query).await?)
}
