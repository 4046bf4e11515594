//! Imports for the UI: the history, one import's summary and pages of its staged rows.
//! Thin: the caller's principal, one `imports::rows` call, the error mapped. The service
//! answers the contract's types (`api`), which the browser reads as they are.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{ImportListQuery, ImportSummary, RowPage, RowQuery};

/// The signed-in user's company's imports matching `query`, newest first.
#[server(prefix = "/api/fn", endpoint = "imports/list")]
pub async fn list_imports(query: ImportListQuery) -> Result<Vec<ImportSummary>, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    Ok(::imports::rows::history(&state.pool, &principal, &query).await?)
}

/// One import's summary: file facts, mapping and counts.
#[server(prefix = "/api/fn", endpoint = "imports/get")]
pub async fn get_import(id: String) -> Result<ImportSummary, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let id = parse_id(&id)?;
    Ok(::imports::rows::summary(&state.pool, &principal, id).await?)
}

/// A page of an import's staged rows, filtered by status, field, issue code or search text.
#[server(prefix = "/api/fn", endpoint = "imports/rows")]
pub async fn import_rows(import_id: String, query: RowQuery) -> Result<RowPage, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let id = parse_id(&import_id)?;
    Ok(::imports::rows::page(&state.pool, &principal, id, &query).await?)
}

/// An import id from the URL; a malformed one is simply not found.
#[cfg(feature = "ssr")]
pub(crate) fn parse_id(id: &str) -> Result<crate::model::ImportId, AppError> {
    id.parse()
        .map_err(|_| AppError::new("request.not_found", format!("No import {id}.")))
}
