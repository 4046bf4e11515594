//! The accounts operations: login and logout, resolving sessions and tokens, creating
//! companies, users and tokens, and the demo account on a brand-new installation.

use sqlx::PgPool;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use store::accounts as db;

use crate::password::{self, check_policy};
use crate::token::{hash_secret, new_secret, API_TOKEN_PREFIX};

use crate::{AuthError, Principal, Role};

/// Failed attempts per account inside the window before logins are refused.
const MAX_FAILURES_PER_EMAIL: i64 = 5;
/// Failed attempts per client address inside the window before logins are refused.
const MAX_FAILURES_PER_IP: i64 = 50;
/// The throttling window.
const FAILURE_WINDOW: Duration = Duration::minutes(15);

/// A login attempt.
#[derive(Debug)]
pub struct LoginInput<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub client_ip: &'a str,
    pub user_agent: &'a str,
    pub session_ttl: Duration,
    /// The session the client presented, if any: a login never upgrades it (session
    /// fixation), it is ended once the new one exists.
    pub previous_session: Option<&'a str>,
}

/// A successful login: the new session's secret (for the cookie) and who signed in.
#[derive(Debug)]
pub struct LoginOk {
    pub session_token: String,
    pub principal: Principal,
}

/// A user to add to a company.
#[derive(Debug)]
pub struct NewUserInput<'a> {
    pub company_slug: &'a str,
    pub email: &'a str,
    pub display_name: &'a str,
    pub password: &'a str,
    pub role: Role,
    /// Who adds the user, for the audit log; `None` for the CLI and the demo bootstrap.
    pub added_by: Option<Uuid>,
}

/// The login printed once on the first start.
#[derive(Debug)]
pub struct DemoLogin {
    pub company_slug: String,
    pub email: String,
    pub password: String,
}

/// Lower-cases and trims an email and checks it with the same check as a lead's e-mail
/// (`rules::email::check`: one idea of a valid address in the whole product).
pub(crate) fn normalize_email(email: &str) -> Result<String, AuthError> {
    let email = email.trim().to_lowercase();
    match rules::email::check(&email) {
        Ok(()) => Ok(email),
        Err(e) => Err(AuthError::Invalid(format!(
            "\"{email}\" is not a valid email address: {}.",
            e.reason
        ))),
    }
}

/// Signs a user in. A new session is created at every login (the old one, if any, is
/// deleted by the caller), so a session id planted before login is worthless after it.
#[tracing::instrument(skip_all, fields(client_ip = input.client_ip))]
pub async fn login(pool: &PgPool, input: LoginInput<'_>) -> Result<LoginOk, AuthError> {
    let email = input.email.trim().to_lowercase();
    let since = OffsetDateTime::now_utc() - FAILURE_WINDOW;
    let (by_email, by_ip) = db::recent_login_failures(pool, &email, input.client_ip, since).await?;
    if by_email >= MAX_FAILURES_PER_EMAIL || by_ip >= MAX_FAILURES_PER_IP {
        tracing::warn!(by_email, by_ip, "login throttled");
        return Err(AuthError::Throttled {
            retry_after_secs: FAILURE_WINDOW.whole_seconds().unsigned_abs(),
        });
    }
    let creds = db::credentials_by_email(pool, &email).await?;
    let ok = password::verify(
        input.password.to_owned(),
        creds.as_ref().map(|c| c.password_hash.clone()),
    )
    .await?;
    let company_id = match (&creds, ok) {
        (Some(c), true) => db::default_company_for_user(pool, c.id).await?,
        _ => None,
    };
    let (Some(creds), Some(company_id)) = (creds, company_id) else {
        db::record_login_failure(pool, &email, input.client_ip).await?;
        return Err(AuthError::InvalidCredentials);
    };
    db::clear_login_failures(pool, &email).await?;
    let session_token = new_secret();
    let token_hash = hash_secret(&session_token);
    let expires_at = OffsetDateTime::now_utc() + input.session_ttl;
    let user_agent: String = input.user_agent.chars().take(300).collect();
    db::insert_session(
        pool,
        &token_hash,
        company_id,
        creds.id,
        expires_at,
        &user_agent,
    )
    .await?;
    let principal = db::principal_by_session(pool, &token_hash)
        .await?
        .ok_or(AuthError::Unauthenticated)?;
    if let Some(old) = input.previous_session {
        db::delete_session(pool, &hash_secret(old)).await?;
    }
    tracing::info!(user_id = %creds.id, "signed in");
    Ok(LoginOk {
        session_token,
        principal: Principal::from_row(principal)?,
    })
}

/// Ends a session. Unknown sessions are ignored: logging out twice is fine.
pub async fn logout(pool: &PgPool, session_token: &str) -> Result<(), AuthError> {
    db::delete_session(pool, &hash_secret(session_token)).await?;
    Ok(())
}

/// The principal behind a session cookie, if it is live.
pub async fn principal_from_session(
    pool: &PgPool,
    session_token: &str,
) -> Result<Option<Principal>, AuthError> {
    db::principal_by_session(pool, &hash_secret(session_token))
        .await?
        .map(Principal::from_row)
        .transpose()
}

/// The principal behind a Bearer API token, if it is valid and not revoked.
pub async fn principal_from_api_token(
    pool: &PgPool,
    token: &str,
) -> Result<Option<Principal>, AuthError> {
    if !token.starts_with(API_TOKEN_PREFIX) {
        return Ok(None);
    }
    db::principal_by_token(pool, &hash_secret(token))
        .await?
        .map(Principal::from_row)
        .transpose()
}

/// Creates a company with a URL-safe slug.
pub async fn create_company(
    pool: &PgPool,
    slug: &str,
    name: &str,
) -> Result<store::accounts::Company, AuthError> {
    let slug = slug.trim().to_lowercase();
    let name = name.trim();
    if name.is_empty() || name.len() > 200 {
        return Err(AuthError::Invalid(
            "The company name must have 1 to 200 characters.".into(),
        ));
    }
    let slug_ok = !slug.is_empty()
        && slug.len() <= 63
        && slug.starts_with(|c: char| c.is_ascii_alphanumeric())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !slug_ok {
        return Err(AuthError::Invalid(format!(
            "\"{slug}\" is not a valid slug: use lower-case letters, digits and dashes."
        )));
    }
    match db::insert_company(pool, &slug, name).await {
        Ok(company) => Ok(company),
        Err(e) if e.is_constraint("companies_slug_key") => Err(AuthError::Conflict(format!(
            "A company with the slug \"{slug}\" exists already."
        ))),
        Err(e) => Err(e.into()),
    }
}

/// Adds a user to a company. A new email gets an account with this password; an email that
/// already has an account in another company is added to this one (its password stays).
#[tracing::instrument(skip_all, fields(company = input.company_slug, role = %input.role))]
pub async fn create_user(pool: &PgPool, input: NewUserInput<'_>) -> Result<Uuid, AuthError> {
    let email = normalize_email(input.email)?;
    let display_name = input.display_name.trim();
    if display_name.len() > 200 {
        return Err(AuthError::Invalid(
            "The display name may have at most 200 characters.".into(),
        ));
    }
    let company = db::company_by_slug(pool, input.company_slug)
        .await?
        .ok_or_else(|| {
            AuthError::NotFound(format!(
                "No company with the slug \"{}\".",
                input.company_slug
            ))
        })?;
    let mut tx = pool.begin().await?;
    let user_id = match db::user_id_by_email(&mut *tx, &email).await? {
        Some(id) => {
            let members = db::list_company_users(&mut *tx, company.id).await?;
            if members.iter().any(|m| m.user_id == id) {
                return Err(AuthError::Conflict(format!(
                    "{email} is already a member of {}.",
                    company.name
                )));
            }
            id
        }
        None => {
            check_policy(input.password)?;
            let hash = password::hash(input.password.to_owned()).await?;
            match db::insert_user(&mut *tx, &email, display_name, &hash).await {
                Ok(id) => id,
                Err(e) if e.is_constraint("users_email_key") => {
                    return Err(AuthError::Conflict(format!("{email} exists already.")))
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    db::upsert_membership(&mut *tx, company.id, user_id, input.role.as_str()).await?;
    // In the same transaction: a user is never added without its audit entry, whichever
    // door (page, CLI) they came through.
    store::audit::record(
        &mut *tx,
        &store::audit::AuditEntry {
            company_id: Some(company.id),
            actor_id: input.added_by,
            action: "user.add",
            entity: "user",
            entity_id: Some(user_id.to_string()),
            diff: serde_json::json!({ "email": email, "role": input.role.as_str() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(user_id)
}

/// On a brand-new installation (no company at all), creates the demo company and an admin
/// with a random password, and returns the login so the caller can print it once.
pub async fn bootstrap_demo(pool: &PgPool) -> Result<Option<DemoLogin>, AuthError> {
    if db::count_companies(pool).await? > 0 {
        return Ok(None);
    }
    let company = create_company(pool, "demo", "Demo Company").await?;
    let password = new_secret()[..16].to_owned();
    let email = "admin@demo.example".to_owned();
    create_user(
        pool,
        NewUserInput {
            company_slug: &company.slug,
            email: &email,
            display_name: "Demo Admin",
            password: &password,
            role: Role::Admin,
            added_by: None,
        },
    )
    .await?;
    Ok(Some(DemoLogin {
        company_slug: company.slug,
        email,
        password,
    }))
}

#[cfg(test)]
mod email_tests {
    use super::normalize_email;

    #[test]
    fn an_account_email_is_checked_like_a_leads_email() {
        assert_eq!(
            normalize_email("  Ada@Acme.Example ").ok().as_deref(),
            Some("ada@acme.example")
        );
        for bad in [
            "ada",
            "ada@",
            "@acme.example",
            "ada@acme",
            "a b@acme.example",
            "ada@@acme.example",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
    }
}
