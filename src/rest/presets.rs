//! `/api/mapping-presets`: list, create, replace and delete saved mappings.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use api::{PresetId, PresetInput, PresetView};
use web::server::AppState;

use super::extract::{json_body, JsonBody};
use super::{ApiError, Caller};

fn body<T>(b: JsonBody<T>) -> Result<T, ApiError> {
    json_body(
        b,
        "preset {\"name\", \"source\", \"scope\", \"mapping\", \"headers\"}",
    )
}

/// `GET /api/mapping-presets`.
pub async fn list(
    State(state): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<serde_json::Value>, ApiError> {
    let presets = imports::presets::list(&state.pool, &p).await?;
    Ok(Json(serde_json::json!({ "presets": presets })))
}

/// `POST /api/mapping-presets` → 201.
pub async fn create(
    State(state): State<AppState>,
    Caller(p): Caller,
    input: JsonBody<PresetInput>,
) -> Result<(StatusCode, Json<PresetView>), ApiError> {
    let preset = imports::presets::create(&state.pool, &p, body(input)?).await?;
    Ok((StatusCode::CREATED, Json(preset)))
}

/// `PUT /api/mapping-presets/{id}`.
pub async fn update(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
    input: JsonBody<PresetInput>,
) -> Result<Json<PresetView>, ApiError> {
    let id = parse_preset_id(&id)?;
    Ok(Json(
        imports::presets::update(&state.pool, &p, id, body(input)?).await?,
    ))
}

/// `DELETE /api/mapping-presets/{id}` → 204.
pub async fn delete(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = parse_preset_id(&id)?;
    imports::presets::delete(&state.pool, &p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A malformed id names no preset: 404 like any unknown one.
fn parse_preset_id(id: &str) -> Result<PresetId, ApiError> {
    id.parse().map_err(|_| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "request.not_found",
            format!("No mapping preset {id}."),
        )
    })
}
