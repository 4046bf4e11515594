//! Imports for the UI: the history, one import's summary and pages of its staged rows.
//! Thin: the caller's principal, one `imports::rows` call, the error mapped. The service's
//! types are converted to the mirror types in `crate::model` (the browser build cannot
//! depend on the server-only `imports` crate).

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{ImportSummaryView, RowPageView, RowsQuery};

/// The signed-in user's company's imports, newest first.
#[server(prefix = "/api/fn", endpoint = "imports/list")]
pub async fn list_imports() -> Result<Vec<ImportSummaryView>, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let history = ::imports::rows::history(&state.pool, &principal, 100, 0).await?;
    history.into_iter().map(mirror).collect()
}

/// One import's summary: file facts, mapping and counts.
#[server(prefix = "/api/fn", endpoint = "imports/get")]
pub async fn get_import(id: String) -> Result<ImportSummaryView, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let id = parse_id(&id)?;
    mirror(::imports::rows::summary(&state.pool, &principal, id).await?)
}

/// A page of an import's staged rows, filtered by status, field, issue code or search text.
#[server(prefix = "/api/fn", endpoint = "imports/rows")]
pub async fn import_rows(query: RowsQuery) -> Result<RowPageView, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let id = parse_id(&query.import_id)?;
    let page = ::imports::rows::search(
        &state.pool,
        &principal,
        id,
        &::imports::rows::RowQuery {
            offset: query.offset,
            limit: query.limit,
            status: query.status,
            field: query.field,
            code: query.code,
        },
        query.q.as_deref(),
    )
    .await?;
    mirror(page)
}

/// An import id from the URL; a malformed one is simply not found.
#[cfg(feature = "ssr")]
pub(crate) fn parse_id(id: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(id.trim())
        .map_err(|_| AppError::new("request.not_found", format!("No import {id}.")))
}

/// Converts a service type to its mirror in `crate::model` through JSON (same field names).
#[cfg(feature = "ssr")]
pub(crate) fn mirror<T: serde::Serialize, U: serde::de::DeserializeOwned>(
    value: T,
) -> Result<U, AppError> {
    serde_json::to_value(value)
        .and_then(serde_json::from_value)
        .map_err(|e| {
            tracing::error!(error = %e, "import model does not match the UI's mirror types");
            AppError::internal()
        })
}
