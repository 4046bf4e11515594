//! The company's users, for admins: list, add, change role or deactivate, remove.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{UserId, UserList, UserPatch, UserView};

/// The members of the signed-in admin's company.
#[server(prefix = "/api/fn", endpoint = "users/list")]
pub async fn list_users() -> Result<UserList, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    Ok(auth::list_users(&state.pool, &principal).await?)
}

/// Adds a user to the signed-in admin's company (admins only).
#[server(prefix = "/api/fn", endpoint = "users/add")]
pub async fn add_user(
    email: String,
    display_name: String,
    role: String,
    password: String,
) -> Result<(), AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    principal.require_admin()?;
    let state = app_state()?;
    let role: crate::model::Role = role.parse().map_err(auth::AuthError::from)?;
    auth::create_user(
        &state.pool,
        auth::NewUserInput {
            company_slug: &principal.company_slug,
            email: &email,
            display_name: &display_name,
            password: &password,
            role,
            added_by: Some(principal.user_id),
        },
    )
    .await?;
    Ok(())
}

/// Changes a member's role or deactivates / activates them (admins only).
#[server(prefix = "/api/fn", endpoint = "users/update", input = Json)]
pub async fn update_user(id: UserId, patch: UserPatch) -> Result<UserView, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    Ok(auth::update_user(&state.pool, &principal, id, &patch).await?)
}

/// Removes a member from the company (admins only).
#[server(prefix = "/api/fn", endpoint = "users/remove", input = Json)]
pub async fn remove_user(id: UserId) -> Result<(), AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    Ok(auth::remove_user(&state.pool, &principal, id).await?)
}
