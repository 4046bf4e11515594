//! `GET /api/admin/drift`: the schema drift check's last report for the caller's company
//! (admins); a company never checked is checked now.

use axum::extract::State;
use axum::Json;

use api::DriftReport;
use web::server::AppState;

use super::{ApiError, Caller};

/// `GET /api/admin/drift`.
pub async fn last(
    State(state): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<DriftReport>, ApiError> {
    let report = match imports::drift::last(&state.pool, &p).await? {
        Some(report) => report,
        None => imports::drift::check_company(&state.pool, p.company_id).await?,
    };
    Ok(Json(report))
}
