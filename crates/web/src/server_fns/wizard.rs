//! The wizard's calls: the file's first rows for the header-row picker, reading the file
//! again with overrides, re-mapping the columns and saving a mapping as a preset.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{ExplicitMapping, ImportSummary, Overrides, PresetInput};

/// The first rows of the import's file (of `overrides.sheet`, if given), as read.
#[server(prefix = "/api/fn", endpoint = "imports/preview", input = Json)]
pub async fn file_preview(
    import_id: String,
    overrides: Overrides,
) -> Result<crate::model::FilePreview, AppError> {
    use super::imports::parse_id;
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let id = parse_id(&import_id)?;
    Ok(::imports::reread::preview(&state.imports, &principal, id, overrides).await?)
}

/// Reads the kept file again with the overrides, as a new import; answers its id.
#[server(prefix = "/api/fn", endpoint = "imports/reread", input = Json)]
pub async fn reread_file(import_id: String, overrides: Overrides) -> Result<String, AppError> {
    use super::imports::parse_id;
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let id = parse_id(&import_id)?;
    let report = ::imports::reread::reread(&state.imports, &principal, id, overrides).await?;
    Ok(report.import_id.to_string())
}

/// Applies a new mapping and re-runs the checks on the staged cells (edits are kept).
#[server(prefix = "/api/fn", endpoint = "imports/remap", input = Json)]
pub async fn remap_import(
    import_id: String,
    mapping: ExplicitMapping,
) -> Result<ImportSummary, AppError> {
    use super::imports::parse_id;
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let id = parse_id(&import_id)?;
    Ok(::imports::edits::remap(&state.imports, &principal, id, mapping).await?)
}

/// Checks the staged rows again with the company's active rules version.
#[server(prefix = "/api/fn", endpoint = "imports/revalidate")]
pub async fn revalidate_import(import_id: String) -> Result<ImportSummary, AppError> {
    use super::imports::parse_id;
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let id = parse_id(&import_id)?;
    Ok(::imports::edits::revalidate(&state.imports, &principal, id).await?)
}

/// Saves a mapping as a preset for its source (for the user, or for the company); answers
/// the preset's name.
#[server(prefix = "/api/fn", endpoint = "presets/save", input = Json)]
pub async fn save_preset(input: PresetInput) -> Result<String, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let saved = ::imports::presets::create(&state.pool, &principal, input).await?;
    Ok(saved.name)
}
