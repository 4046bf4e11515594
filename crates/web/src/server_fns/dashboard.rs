//! The admin dashboard's figures.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::Dashboard;

/// The PRD's metrics for a range of days and a source (admins).
#[server(prefix = "/api/fn", endpoint = "dashboard")]
pub async fn dashboard_figures(
    from: Option<String>,
    to: Option<String>,
    source: Option<String>,
) -> Result<Dashboard, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let query = crate::model::DashboardQuery { from, to, source };
    Ok(imports::dashboard::load(&state.pool, &principal, &query).await?)
}
