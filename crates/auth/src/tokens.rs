//! API tokens: create one (its secret is shown once), list the company's, revoke one
//! (refused at once: every request looks the token up). The CLI and the REST API share
//! these functions; every creation and revocation is audited.

use sqlx::PgPool;
use uuid::Uuid;

use api::{CreatedToken, TokenId, TokenList, TokenView};
use store::accounts::{self as db, TokenRow};

use crate::service::normalize_email;
use crate::token::{hash_secret, new_secret, API_TOKEN_PREFIX};
use crate::{AuthError, Principal};

/// Who asks: an admin over the API (audited as them), or the command line (no actor).
#[derive(Debug, Clone, Copy)]
pub enum TokenActor<'a> {
    Admin(&'a Principal),
    CommandLine,
}

/// Creates a token acting as `email` in the company `company_slug`; the secret is in the
/// answer and nowhere else.
pub async fn create_api_token(
    pool: &PgPool,
    company_slug: &str,
    email: &str,
    name: &str,
) -> Result<String, AuthError> {
    let company = company(pool, company_slug).await?;
    let created = create(pool, company.id, email, name, None).await?;
    Ok(created.secret)
}

/// `POST /api/tokens`: a token acting as the calling admin.
pub async fn create_token(
    pool: &PgPool,
    principal: &Principal,
    name: &str,
) -> Result<CreatedToken, AuthError> {
    principal.require_admin()?;
    create(
        pool,
        principal.company_id,
        &principal.email,
        name,
        Some(principal.user_id),
    )
    .await
}

/// The company's tokens that are not revoked, newest first.
pub async fn list_tokens(
    pool: &PgPool,
    actor: TokenActor<'_>,
    company_slug: &str,
) -> Result<TokenList, AuthError> {
    let company_id = company_of(pool, actor, company_slug).await?;
    let tokens = db::list_api_tokens(pool, company_id)
        .await?
        .into_iter()
        .map(view)
        .collect();
    Ok(TokenList { tokens })
}

/// Revokes a token by id, or by name from the command line; the token as it was.
pub async fn revoke_token(
    pool: &PgPool,
    actor: TokenActor<'_>,
    company_slug: &str,
    id_or_name: &str,
) -> Result<TokenView, AuthError> {
    let company_id = company_of(pool, actor, company_slug).await?;
    let not_found =
        || AuthError::NotFound(format!("No token \"{id_or_name}\" that is not revoked."));
    let id = match id_or_name.parse::<TokenId>() {
        Ok(id) => id.uuid(),
        Err(_) => {
            db::list_api_tokens(pool, company_id)
                .await?
                .into_iter()
                .find(|t| t.name == id_or_name.trim())
                .ok_or_else(not_found)?
                .id
        }
    };
    let mut tx = pool.begin().await?;
    let row = db::revoke_api_token(&mut *tx, company_id, id)
        .await?
        .ok_or_else(not_found)?;
    let actor_id = match actor {
        TokenActor::Admin(p) => Some(p.user_id),
        TokenActor::CommandLine => None,
    };
    audit(&mut tx, company_id, actor_id, "token.revoke", &row).await?;
    tx.commit().await?;
    Ok(view(row))
}

async fn create(
    pool: &PgPool,
    company_id: Uuid,
    email: &str,
    name: &str,
    actor_id: Option<Uuid>,
) -> Result<CreatedToken, AuthError> {
    let email = normalize_email(email)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AuthError::Invalid(
            "The token name must have 1 to 100 characters.".into(),
        ));
    }
    let user_id = db::user_id_by_email(pool, &email)
        .await?
        .ok_or_else(|| AuthError::NotFound(format!("No user with the email {email}.")))?;
    let members = db::list_company_users(pool, company_id).await?;
    if !members.iter().any(|m| m.user_id == user_id) {
        return Err(AuthError::NotFound(format!(
            "{email} is not a member of this company."
        )));
    }
    let secret = format!("{API_TOKEN_PREFIX}{}", new_secret());
    let mut tx = pool.begin().await?;
    let (id, created_at) = match db::insert_api_token(&mut *tx, company_id, user_id, name, &hash_secret(&secret)).await {
        Ok(stored) => stored,
        Err(e) if e.is_constraint("api_tokens_company_name_key") => {
            return Err(AuthError::Conflict(format!(
                "A token named \"{name}\" exists already in this company; revoke it or pick another name."
            )))
        }
        Err(e) => return Err(e.into()),
    };
    let row = TokenRow {
        id,
        name: name.to_owned(),
        owner: email,
        created_at,
        last_used_at: None,
    };
    audit(&mut tx, company_id, actor_id, "token.create", &row).await?;
    tx.commit().await?;
    Ok(CreatedToken {
        token: view(row),
        secret,
    })
}

/// The company an operation acts on: the admin's own (the slug is ignored), or the named
/// one from the command line.
async fn company_of(
    pool: &PgPool,
    actor: TokenActor<'_>,
    company_slug: &str,
) -> Result<Uuid, AuthError> {
    match actor {
        TokenActor::Admin(p) => {
            p.require_admin()?;
            Ok(p.company_id)
        }
        TokenActor::CommandLine => Ok(company(pool, company_slug).await?.id),
    }
}

async fn company(pool: &PgPool, slug: &str) -> Result<store::accounts::Company, AuthError> {
    db::company_by_slug(pool, slug)
        .await?
        .ok_or_else(|| AuthError::NotFound(format!("No company with the slug \"{slug}\".")))
}

async fn audit(
    tx: &mut sqlx::PgConnection,
    company_id: Uuid,
    actor_id: Option<Uuid>,
    action: &'static str,
    token: &TokenRow,
) -> Result<(), AuthError> {
    store::audit::record(
        tx,
        &store::audit::AuditEntry {
            company_id: Some(company_id),
            actor_id,
            action,
            entity: "api_token",
            entity_id: Some(token.id.to_string()),
            diff: serde_json::json!({ "name": token.name, "owner": token.owner }),
        },
    )
    .await?;
    Ok(())
}

fn view(row: TokenRow) -> TokenView {
    TokenView {
        id: TokenId(row.id),
        name: row.name,
        owner: row.owner,
        created_at: row.created_at,
        last_used_at: row.last_used_at,
    }
}
