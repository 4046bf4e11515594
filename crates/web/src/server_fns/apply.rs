//! Applying and reverting an import from the UI. Thin like the REST handlers: the caller's
//! principal, one service call, the error mapped; the apply job runs on its own task and
//! the page follows its progress through `get_import`.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{ApplyMode, DuplicatePolicy, ImportSummary, RevertChoice, RevertOutcome};

/// Starts applying an import: `mode` `valid_only` | `all`, `duplicate_policy` `skip` |
/// `update` | `upsert`; `fill_empty_only` is a checkbox (present = on). Answers the
/// summary (status `applying`, or `applied` if it was applied before).
#[server(prefix = "/api/fn", endpoint = "imports/apply")]
pub async fn apply_import(
    id: String,
    mode: ApplyMode,
    duplicate_policy: DuplicatePolicy,
    fill_empty_only: Option<String>,
) -> Result<ImportSummary, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let id = super::imports::parse_id(&id)?;
    let request = crate::model::ApplyRequest {
        mode: Some(mode),
        duplicate_policy: Some(duplicate_policy),
        fill_empty_only: Some(fill_empty_only.is_some_and(|v| v != "false")),
    };
    // Not waited for: the page polls the summary for progress.
    let started = ::imports::apply::start(
        &state.imports,
        &principal,
        id,
        &request,
        ::imports::apply::Wait::Queued,
    )
    .await?;
    Ok(started.summary)
}

/// Reverts an applied import. `on_conflict`: `abort` (list leads changed since), `keep`
/// or `overwrite`.
#[server(prefix = "/api/fn", endpoint = "imports/revert")]
pub async fn revert_import(
    id: String,
    on_conflict: RevertChoice,
) -> Result<RevertOutcome, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let id = super::imports::parse_id(&id)?;
    let request = crate::model::RevertRequest {
        on_conflict: Some(on_conflict),
    };
    Ok(::imports::revert::revert(&state.imports, &principal, id, &request).await?)
}
