//! Mapping presets for the presets screen and the upload step's picker: list, change,
//! delete. (Saving a new one from the Mapping step is `wizard::save_preset`.)

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{PresetId, PresetInput, PresetView};

/// The presets the caller can use: their own and the company's.
#[server(prefix = "/api/fn", endpoint = "presets/list")]
pub async fn list_presets() -> Result<Vec<PresetView>, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    Ok(::imports::presets::list(&state.pool, &principal).await?)
}

/// Renames a preset, changes its source, scope or mapping (its header layout is kept).
#[server(prefix = "/api/fn", endpoint = "presets/update", input = Json)]
pub async fn update_preset(id: PresetId, input: PresetInput) -> Result<PresetView, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    Ok(::imports::presets::update(&state.pool, &principal, id, input).await?)
}

/// Deletes a preset.
#[server(prefix = "/api/fn", endpoint = "presets/delete", input = Json)]
pub async fn delete_preset(id: PresetId) -> Result<(), AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    Ok(::imports::presets::delete(&state.pool, &principal, id).await?)
}
