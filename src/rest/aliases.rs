//! `/api/alias-proposals`: members propose a spelling as an alias of an allowed value;
//! admins approve (published as a new configuration version) or reject.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use api::{AliasProposal, AliasProposalList, NewAliasProposal, ProposalDecision, ProposalId};
use web::server::AppState;

use super::extract::{json_body, JsonBody};
use super::{ApiError, Caller};

/// `GET /api/alias-proposals`.
pub async fn list(
    State(state): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<AliasProposalList>, ApiError> {
    Ok(Json(imports::aliases::list(&state.pool, &p).await?))
}

/// `POST /api/alias-proposals` → 201, or 200 with the pending proposal that says the same.
pub async fn propose(
    State(state): State<AppState>,
    Caller(p): Caller,
    body: JsonBody<NewAliasProposal>,
) -> Result<(StatusCode, Json<AliasProposal>), ApiError> {
    let input = json_body(body, "{\"field\", \"alias\", \"value\", \"import_id\"?}")?;
    let (proposal, created) = imports::aliases::propose(&state.pool, &p, &input).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(proposal)))
}

/// `POST /api/alias-proposals/{id}/approve` with an optional `{"comment"}`.
pub async fn approve(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<AliasProposal>, ApiError> {
    let id = parse_id(&id)?;
    let decision = decision(&body)?;
    Ok(Json(
        imports::aliases::approve(&state.pool, &p, id, &decision).await?,
    ))
}

/// `POST /api/alias-proposals/{id}/reject` with an optional `{"comment"}` (the reason).
pub async fn reject(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<AliasProposal>, ApiError> {
    let id = parse_id(&id)?;
    let decision = decision(&body)?;
    Ok(Json(
        imports::aliases::reject(&state.pool, &p, id, &decision).await?,
    ))
}

/// The optional `{"comment"}` of a decision; an empty body is no comment.
fn decision(body: &Bytes) -> Result<ProposalDecision, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(ProposalDecision::default());
    }
    serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "request.invalid_json",
            format!("Send a JSON object {{\"comment\"}} or nothing: {e}"),
        )
    })
}

/// A malformed id names no proposal: 404 like any unknown one.
fn parse_id(id: &str) -> Result<ProposalId, ApiError> {
    id.parse().map_err(|_| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "request.not_found",
            format!("No alias proposal {id}."),
        )
    })
}
