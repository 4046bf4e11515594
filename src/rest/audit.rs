//! `GET /api/audit`: the company's audit log, for admins.

use axum::extract::State;
use axum::Json;

use api::{AuditPage, AuditQuery};
use web::server::AppState;

use super::{ApiError, Caller, Query};

/// `GET /api/audit?action=&actor=&entity=&limit=&offset=`.
pub async fn list(
    State(state): State<AppState>,
    Caller(p): Caller,
    Query(q): Query<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    Ok(Json(imports::audit::list(&state.pool, &p, &q).await?))
}
