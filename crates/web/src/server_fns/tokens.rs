//! The company's API tokens, for admins: list, create (the secret is answered once),
//! revoke.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{CreatedToken, TokenId, TokenList};

/// The company's tokens that are not revoked.
#[server(prefix = "/api/fn", endpoint = "tokens/list")]
pub async fn list_tokens() -> Result<TokenList, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let list = auth::list_tokens(
        &state.pool,
        auth::TokenActor::Admin(&principal),
        &principal.company_slug,
    )
    .await?;
    Ok(list)
}

/// A new token acting as the signed-in admin.
#[server(prefix = "/api/fn", endpoint = "tokens/create")]
pub async fn create_token(name: String) -> Result<CreatedToken, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    Ok(auth::create_token(&state.pool, &principal, &name).await?)
}

/// Revokes a token; it is refused from the next request on.
#[server(prefix = "/api/fn", endpoint = "tokens/revoke", input = Json)]
pub async fn revoke_token(id: TokenId) -> Result<(), AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    auth::revoke_token(
        &state.pool,
        auth::TokenActor::Admin(&principal),
        &principal.company_slug,
        &id.to_string(),
    )
    .await?;
    Ok(())
}
