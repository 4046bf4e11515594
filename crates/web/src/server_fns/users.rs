//! The company's users, for admins.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::UserRow;

/// The members of the signed-in admin's company.
#[server(prefix = "/api/fn", endpoint = "users/list")]
pub async fn list_users() -> Result<Vec<UserRow>, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let users = auth::list_users(&state.pool, &principal).await?;
    Ok(users
        .into_iter()
        .map(|u| UserRow {
            email: u.email,
            display_name: u.display_name,
            role: u.role,
            joined_at: u.joined_at.date().to_string(),
        })
        .collect())
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
    let role: auth::Role = role.parse()?;
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
