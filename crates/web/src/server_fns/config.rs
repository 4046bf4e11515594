//! The rules editor's calls: the active configuration, versions and diffs, the impact
//! preview, publishing and rolling back, and how many leads use a field. Thin: principal,
//! one service call, error mapped.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{ConfigDiff, ConfigVersionView, ConfigVersions, ImpactReport, PublishOutcome};

/// The active configuration version.
#[server(prefix = "/api/fn", endpoint = "config/active")]
pub async fn rules_config() -> Result<ConfigVersionView, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    Ok(::imports::config::active_view(&state.pool, &principal).await?)
}

/// Every version, newest first.
#[server(prefix = "/api/fn", endpoint = "config/versions")]
pub async fn list_config_versions() -> Result<ConfigVersions, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    Ok(::imports::config::versions(&state.pool, &principal).await?)
}

/// What changed from version `from` to `to`.
#[server(prefix = "/api/fn", endpoint = "config/diff")]
pub async fn diff_config_versions(from: i32, to: i32) -> Result<ConfigDiff, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    Ok(::imports::config::diff(&state.pool, &principal, from, to).await?)
}

/// What the draft would do to recent imports and existing leads.
#[server(prefix = "/api/fn", endpoint = "config/preview", input = Json)]
pub async fn preview_config(config: rules::ImportConfig) -> Result<ImpactReport, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let draft = serde_json::to_value(&config).map_err(|_| AppError::internal())?;
    Ok(::imports::config::preview(&state.pool, &principal, draft).await?)
}

/// Publishes the draft as the next version when `base_version` is still active.
#[server(prefix = "/api/fn", endpoint = "config/publish", input = Json)]
pub async fn publish_config(
    base_version: i32,
    config: rules::ImportConfig,
    comment: String,
) -> Result<PublishOutcome, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let config = serde_json::to_value(&config).map_err(|_| AppError::internal())?;
    let request = api::PublishRequest {
        base_version,
        config,
        comment,
    };
    Ok(::imports::config::publish(&state.pool, &principal, request).await?)
}

/// Publishes version `version`'s content again as a new version.
#[server(prefix = "/api/fn", endpoint = "config/rollback")]
pub async fn rollback_config(version: i32, comment: String) -> Result<PublishOutcome, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let request = api::RollbackRequest { version, comment };
    Ok(::imports::config::rollback(&state.pool, &principal, request).await?)
}

/// How many leads hold a value for the field `key` (asked before removing it).
#[server(prefix = "/api/fn", endpoint = "config/field-usage")]
pub async fn field_usage(key: String) -> Result<i64, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    Ok(::imports::config::leads_using(&state.pool, &principal, &key).await?)
}
