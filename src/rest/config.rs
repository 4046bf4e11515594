//! `/api/config`: the rules configuration — the active version, its schema, the versions
//! and their diffs, checking and previewing a draft, publishing it and rolling back.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use api::{
    CheckResult, ConfigDiff, ConfigVersionView, ConfigVersions, DraftRequest, ImpactReport,
    PublishOutcome, PublishRequest, RollbackRequest,
};
use web::server::AppState;

use super::extract::{json_body, JsonBody};
use super::{ApiError, Caller, Query};

/// `GET /api/config`.
pub async fn active(
    State(state): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<ConfigVersionView>, ApiError> {
    Ok(Json(imports::config::active_view(&state.pool, &p).await?))
}

/// `GET /api/config/schema`: the JSON Schema of `config`.
pub async fn schema(Caller(_): Caller) -> Json<serde_json::Value> {
    Json(imports::config::schema())
}

/// `GET /api/config/versions`.
pub async fn versions(
    State(state): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<ConfigVersions>, ApiError> {
    Ok(Json(imports::config::versions(&state.pool, &p).await?))
}

/// `GET /api/config/versions/{n}`.
pub async fn version(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(n): Path<String>,
) -> Result<Json<ConfigVersionView>, ApiError> {
    let n = version_number(&n)?;
    Ok(Json(
        imports::config::version_view(&state.pool, &p, n).await?,
    ))
}

/// `?from=&to=` of the diff.
#[derive(Debug, Deserialize)]
pub struct DiffQuery {
    from: i32,
    to: i32,
}

/// `GET /api/config/diff?from=&to=`.
pub async fn diff(
    State(state): State<AppState>,
    Caller(p): Caller,
    Query(q): Query<DiffQuery>,
) -> Result<Json<ConfigDiff>, ApiError> {
    Ok(Json(
        imports::config::diff(&state.pool, &p, q.from, q.to).await?,
    ))
}

/// `POST /api/config/check`.
pub async fn check(
    Caller(p): Caller,
    body: JsonBody<DraftRequest>,
) -> Result<Json<CheckResult>, ApiError> {
    let draft = json_body(body, "draft {\"config\": {...}}")?;
    Ok(Json(imports::config::check(&p, draft.config)?))
}

/// `POST /api/config/preview`.
pub async fn preview(
    State(state): State<AppState>,
    Caller(p): Caller,
    body: JsonBody<DraftRequest>,
) -> Result<Json<ImpactReport>, ApiError> {
    let draft = json_body(body, "draft {\"config\": {...}}")?;
    Ok(Json(
        imports::config::preview(&state.pool, &p, draft.config).await?,
    ))
}

/// `PUT /api/config`: 200 with the new version, 409 `config.stale`, 422 `config.invalid`.
pub async fn publish(
    State(state): State<AppState>,
    Caller(p): Caller,
    body: JsonBody<PublishRequest>,
) -> Result<Json<ConfigVersionView>, ApiError> {
    let request = json_body(
        body,
        "publish {\"base_version\": n, \"config\": {...}, \"comment\": \"...\"}",
    )?;
    outcome(imports::config::publish(&state.pool, &p, request).await?)
}

/// `POST /api/config/rollback`.
pub async fn rollback(
    State(state): State<AppState>,
    Caller(p): Caller,
    body: JsonBody<RollbackRequest>,
) -> Result<Json<ConfigVersionView>, ApiError> {
    let request = json_body(body, "rollback {\"version\": n, \"comment\": \"...\"}")?;
    outcome(imports::config::rollback(&state.pool, &p, request).await?)
}

fn outcome(outcome: PublishOutcome) -> Result<Json<ConfigVersionView>, ApiError> {
    match outcome {
        PublishOutcome::Published(view) => Ok(Json(*view)),
        PublishOutcome::Stale {
            active_version,
            changes,
        } => {
            let mut details = serde_json::Map::new();
            details.insert("active_version".into(), active_version.into());
            details.insert(
                "changes".into(),
                serde_json::to_value(&changes).unwrap_or_default(),
            );
            Err(ApiError::new(
                StatusCode::CONFLICT,
                "config.stale",
                format!(
                    "Version {active_version} was published after this draft was started; review its changes and publish again with base_version {active_version}."
                ),
            )
            .with_details(details))
        }
        PublishOutcome::Invalid { problems } => {
            let first = problems
                .first()
                .map(ToString::to_string)
                .unwrap_or_default();
            let mut details = serde_json::Map::new();
            details.insert(
                "problems".into(),
                serde_json::to_value(&problems).unwrap_or_default(),
            );
            Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "config.invalid",
                format!(
                    "The configuration has {} problem(s); the first: {first}",
                    problems.len()
                ),
            )
            .with_details(details))
        }
    }
}

/// A version number in a path; anything else names no version.
fn version_number(n: &str) -> Result<i32, ApiError> {
    n.parse().map_err(|_| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "request.not_found",
            format!("No configuration version {n}."),
        )
    })
}
