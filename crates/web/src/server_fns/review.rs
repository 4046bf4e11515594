//! The review grid's calls: the configuration version for the browser's own check, cell
//! edits, bulk actions, undo and redo. Thin: principal, one service call, error mapped.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{BulkRequest, BulkResult, CellEdit, EditResult, ImportConfigView, UndoResult};

/// The configuration version the import was checked with, and the date orders its dry run
/// decided, so the browser validates edits exactly as the server will.
#[server(prefix = "/api/fn", endpoint = "imports/config")]
pub async fn import_config(import_id: String) -> Result<ImportConfigView, AppError> {
    use super::imports::parse_id;
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let id = parse_id(&import_id)?;
    let summary = ::imports::rows::summary(&state.pool, &principal, id).await?;
    let stored = store::configs::version(&state.pool, principal.company_id, summary.config_version)
        .await
        .map_err(::imports::ImportError::from)?
        .ok_or_else(|| {
            tracing::error!(import = %id, "the import's configuration version is missing");
            AppError::internal()
        })?;
    let config: rules::ImportConfig = serde_json::from_value(stored.config).map_err(|e| {
        tracing::error!(error = %e, "stored configuration does not parse");
        AppError::internal()
    })?;
    Ok(ImportConfigView {
        version: summary.config_version,
        config,
        date_columns: summary.stats.date_columns,
    })
}

/// Cell edits, revalidated on the server; answers the touched rows and the new counts.
#[server(prefix = "/api/fn", endpoint = "imports/edit", input = Json)]
pub async fn edit_cells(import_id: String, edits: Vec<CellEdit>) -> Result<EditResult, AppError> {
    use super::imports::parse_id;
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let id = parse_id(&import_id)?;
    Ok(::imports::edits::edit_cells(&state.imports, &principal, id, edits).await?)
}

/// A bulk action on a column or the filtered selection.
#[server(prefix = "/api/fn", endpoint = "imports/bulk", input = Json)]
pub async fn bulk_action(import_id: String, request: BulkRequest) -> Result<BulkResult, AppError> {
    use super::imports::parse_id;
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let id = parse_id(&import_id)?;
    Ok(::imports::edits::bulk(&state.imports, &principal, id, request).await?)
}

/// What undo and redo would do next.
#[server(prefix = "/api/fn", endpoint = "imports/undo-state")]
pub async fn undo_state(import_id: String) -> Result<crate::model::UndoState, AppError> {
    use super::imports::parse_id;
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let id = parse_id(&import_id)?;
    Ok(::imports::undo::state(&state.pool, &principal, id).await?)
}

/// Reverts the newest edit or bulk action.
#[server(prefix = "/api/fn", endpoint = "imports/undo")]
pub async fn undo(import_id: String) -> Result<UndoResult, AppError> {
    use super::imports::parse_id;
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let id = parse_id(&import_id)?;
    Ok(::imports::undo::undo(&state.imports, &principal, id).await?)
}

/// Re-applies the last undone change.
#[server(prefix = "/api/fn", endpoint = "imports/redo")]
pub async fn redo(import_id: String) -> Result<UndoResult, AppError> {
    use super::imports::parse_id;
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let id = parse_id(&import_id)?;
    Ok(::imports::undo::redo(&state.imports, &principal, id).await?)
}
