//! `/api/users`: the company's members for admins — list, add, change role or deactivate,
//! remove.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use api::{NewUser, UserId, UserList, UserPatch, UserView};
use web::server::AppState;

use super::extract::{json_body, JsonBody};
use super::{ApiError, Caller};

/// `GET /api/users`.
pub async fn list(
    State(state): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<UserList>, ApiError> {
    Ok(Json(auth::list_users(&state.pool, &p).await?))
}

/// `POST /api/users` → 201 with the member as listed.
pub async fn add(
    State(state): State<AppState>,
    Caller(p): Caller,
    body: JsonBody<NewUser>,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    let input = json_body(
        body,
        "{\"email\", \"display_name\", \"role\", \"password\"}",
    )?;
    p.require_admin()?;
    let id = auth::create_user(
        &state.pool,
        auth::NewUserInput {
            company_slug: &p.company_slug,
            email: &input.email,
            display_name: &input.display_name,
            password: &input.password,
            role: input.role,
            added_by: Some(p.user_id),
        },
    )
    .await?;
    let user = auth::list_users(&state.pool, &p)
        .await?
        .users
        .into_iter()
        .find(|u| u.id.uuid() == id)
        .ok_or_else(|| {
            ApiError::from(auth::AuthError::NotFound(
                "The user was removed meanwhile.".into(),
            ))
        })?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// `PATCH /api/users/{id}` with `{"role"?, "active"?}`.
pub async fn update(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
    body: JsonBody<UserPatch>,
) -> Result<Json<UserView>, ApiError> {
    let patch = json_body(
        body,
        "{\"role\": \"admin\" | \"member\", \"active\": true | false}",
    )?;
    let id = parse_user_id(&id)?;
    Ok(Json(auth::update_user(&state.pool, &p, id, &patch).await?))
}

/// `DELETE /api/users/{id}` → 204: removed from the company.
pub async fn remove(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = parse_user_id(&id)?;
    auth::remove_user(&state.pool, &p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A malformed id names no user: 404 like any unknown one.
fn parse_user_id(id: &str) -> Result<UserId, ApiError> {
    id.parse().map_err(|_| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "request.not_found",
            "No such user in your company.",
        )
    })
}
