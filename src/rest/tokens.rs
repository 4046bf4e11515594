//! `/api/tokens`: the company's API tokens for admins — list, create (the secret is in the
//! answer once), revoke.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use api::{CreatedToken, NewToken, TokenList};
use auth::TokenActor;
use web::server::AppState;

use super::extract::{json_body, JsonBody};
use super::{ApiError, Caller};

/// `GET /api/tokens`.
pub async fn list(
    State(state): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<TokenList>, ApiError> {
    Ok(Json(
        auth::list_tokens(&state.pool, TokenActor::Admin(&p), &p.company_slug).await?,
    ))
}

/// `POST /api/tokens` with `{"name"}` → 201: a token acting as the caller.
pub async fn create(
    State(state): State<AppState>,
    Caller(p): Caller,
    body: JsonBody<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let input = json_body(body, "{\"name\"}")?;
    let created = auth::create_token(&state.pool, &p, &input.name).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// `DELETE /api/tokens/{id}` → 204; refused at once on every later request.
pub async fn revoke(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    // Only ids here: a name in the path would let `DELETE /api/tokens/nightly` work by
    // accident. A malformed id is a 404 like an unknown one.
    if id.parse::<api::TokenId>().is_err() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "request.not_found",
            format!("No token {id} that is not revoked."),
        ));
    }
    auth::revoke_token(&state.pool, TokenActor::Admin(&p), &p.company_slug, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
