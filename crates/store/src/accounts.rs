//! Accounts: companies, users, memberships, sessions, API tokens and login failures.

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StoreError;

/// A tenant.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Company {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
}

/// A user with the stored password hash, for the login check only.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    pub id: Uuid,
    pub email: String,
    pub password_hash: String,
}

/// A signed-in identity: who, in which company, with which role. Resolved from a session
/// or an API token by one query that also checks the membership still exists.
#[derive(Debug, Clone)]
pub struct PrincipalRow {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub company_id: Uuid,
    pub company_slug: String,
    pub company_name: String,
    pub role: String,
}

/// A member of a company as the admin screen lists them.
#[derive(Debug, Clone)]
pub struct CompanyUser {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub joined_at: OffsetDateTime,
    /// Set while an admin has deactivated the member.
    pub deactivated_at: Option<OffsetDateTime>,
}

/// An API token that is not revoked, with its owner's e-mail.
#[derive(Debug, Clone)]
pub struct TokenRow {
    pub id: Uuid,
    pub name: String,
    pub owner: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
}

/// Creates a company.
pub async fn insert_company(
    db: impl PgExecutor<'_>,
    slug: &str,
    name: &str,
) -> Result<Company, StoreError> {
    let company = sqlx::query_as!(
        Company,
        "INSERT INTO companies (id, slug, name) VALUES ($1, $2, $3) RETURNING id, slug, name",
        Uuid::new_v4(),
        slug,
        name,
    )
    .fetch_one(db)
    .await?;
    Ok(company)
}

/// Finds a company by its slug.
pub async fn company_by_slug(
    db: impl PgExecutor<'_>,
    slug: &str,
) -> Result<Option<Company>, StoreError> {
    let company = sqlx::query_as!(
        Company,
        "SELECT id, slug, name FROM companies WHERE slug = $1",
        slug
    )
    .fetch_optional(db)
    .await?;
    Ok(company)
}

/// How many companies exist (zero means a brand-new installation).
pub async fn count_companies(db: impl PgExecutor<'_>) -> Result<i64, StoreError> {
    let count = sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM companies"#)
        .fetch_one(db)
        .await?;
    Ok(count)
}

/// Creates a user; the email must already be lower-cased.
pub async fn insert_user(
    db: impl PgExecutor<'_>,
    email: &str,
    display_name: &str,
    password_hash: &str,
) -> Result<Uuid, StoreError> {
    let id = sqlx::query_scalar!(
        "INSERT INTO users (id, email, display_name, password_hash) VALUES ($1, $2, $3, $4)
         RETURNING id",
        Uuid::new_v4(),
        email,
        display_name,
        password_hash,
    )
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// The user's id if the email is registered.
pub async fn user_id_by_email(
    db: impl PgExecutor<'_>,
    email: &str,
) -> Result<Option<Uuid>, StoreError> {
    let id = sqlx::query_scalar!("SELECT id FROM users WHERE email = $1", email)
        .fetch_optional(db)
        .await?;
    Ok(id)
}

/// The stored credentials for a login attempt.
pub async fn credentials_by_email(
    db: impl PgExecutor<'_>,
    email: &str,
) -> Result<Option<UserCredentials>, StoreError> {
    let row = sqlx::query_as!(
        UserCredentials,
        "SELECT id, email, password_hash FROM users WHERE email = $1",
        email
    )
    .fetch_optional(db)
    .await?;
    Ok(row)
}

/// Adds a user to a company with a role (`admin` or `member`), or changes the role.
pub async fn upsert_membership(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    user_id: Uuid,
    role: &str,
) -> Result<(), StoreError> {
    sqlx::query!(
        "INSERT INTO memberships (company_id, user_id, role) VALUES ($1, $2, $3)
         ON CONFLICT ON CONSTRAINT memberships_pkey
         DO UPDATE SET role = EXCLUDED.role, updated_at = now()",
        company_id,
        user_id,
        role,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The company a user signs in to: their oldest active membership.
pub async fn default_company_for_user(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
) -> Result<Option<Uuid>, StoreError> {
    let id = sqlx::query_scalar!(
        "SELECT company_id FROM memberships
         WHERE user_id = $1 AND deactivated_at IS NULL
         ORDER BY created_at, company_id LIMIT 1",
        user_id
    )
    .fetch_optional(db)
    .await?;
    Ok(id)
}

/// The members of a company, admins first.
pub async fn list_company_users(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
) -> Result<Vec<CompanyUser>, StoreError> {
    let rows = sqlx::query_as!(
        CompanyUser,
        r#"SELECT u.id AS user_id, u.email, u.display_name, m.role, m.created_at AS joined_at,
                  m.deactivated_at
           FROM memberships m JOIN users u ON u.id = m.user_id
           WHERE m.company_id = $1
           ORDER BY m.role, u.email"#,
        company_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows)
}

/// The company's memberships, locked until the transaction ends, so two admins changing
/// roles at once cannot both demote the other and leave the company without an admin.
pub async fn lock_company_users(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
) -> Result<Vec<CompanyUser>, StoreError> {
    let rows = sqlx::query_as!(
        CompanyUser,
        r#"SELECT u.id AS user_id, u.email, u.display_name, m.role, m.created_at AS joined_at,
                  m.deactivated_at
           FROM memberships m JOIN users u ON u.id = m.user_id
           WHERE m.company_id = $1
           ORDER BY m.role, u.email
           FOR UPDATE OF m"#,
        company_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows)
}

/// Sets a member's role and whether they are active (a deactivation keeps its first time).
pub async fn update_membership(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    user_id: Uuid,
    role: &str,
    active: bool,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE memberships
         SET role = $3,
             deactivated_at = CASE WHEN $4 THEN NULL ELSE coalesce(deactivated_at, now()) END,
             updated_at = now()
         WHERE company_id = $1 AND user_id = $2",
        company_id,
        user_id,
        role,
        active,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Removes a member from a company; true when there was such a membership.
pub async fn delete_membership(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    user_id: Uuid,
) -> Result<bool, StoreError> {
    let done = sqlx::query!(
        "DELETE FROM memberships WHERE company_id = $1 AND user_id = $2",
        company_id,
        user_id
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Ends every session a user has in a company; returns how many.
pub async fn delete_sessions_of(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    user_id: Uuid,
) -> Result<u64, StoreError> {
    let done = sqlx::query!(
        "DELETE FROM sessions WHERE company_id = $1 AND user_id = $2",
        company_id,
        user_id
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// Revokes every token a user has in a company (when they are removed from it, so the
/// tokens do not come back if they are added again); returns how many.
pub async fn revoke_tokens_of(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    user_id: Uuid,
) -> Result<u64, StoreError> {
    let done = sqlx::query!(
        "UPDATE api_tokens SET revoked_at = now(), updated_at = now()
         WHERE company_id = $1 AND user_id = $2 AND revoked_at IS NULL",
        company_id,
        user_id
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// The company's tokens that are not revoked, newest first.
pub async fn list_api_tokens(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
) -> Result<Vec<TokenRow>, StoreError> {
    let rows = sqlx::query_as!(
        TokenRow,
        r#"SELECT t.id, t.name, u.email AS owner, t.created_at, t.last_used_at
           FROM api_tokens t JOIN users u ON u.id = t.user_id
           WHERE t.company_id = $1 AND t.revoked_at IS NULL
           ORDER BY t.created_at DESC, t.id"#,
        company_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows)
}

/// Revokes one of the company's tokens; the token as it was, or None when the company has
/// no such token that is not revoked already.
pub async fn revoke_api_token(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    id: Uuid,
) -> Result<Option<TokenRow>, StoreError> {
    let row = sqlx::query_as!(
        TokenRow,
        r#"WITH revoked AS (
               UPDATE api_tokens SET revoked_at = now(), updated_at = now()
               WHERE company_id = $1 AND id = $2 AND revoked_at IS NULL
               RETURNING id, name, user_id, created_at, last_used_at
           )
           SELECT t.id, t.name, u.email AS owner, t.created_at, t.last_used_at
           FROM revoked t JOIN users u ON u.id = t.user_id"#,
        company_id,
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row)
}

/// Stores a new session (by token hash).
pub async fn insert_session(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    company_id: Uuid,
    user_id: Uuid,
    expires_at: OffsetDateTime,
    user_agent: &str,
) -> Result<(), StoreError> {
    sqlx::query!(
        "INSERT INTO sessions (token_hash, company_id, user_id, expires_at, user_agent)
         VALUES ($1, $2, $3, $4, $5)",
        token_hash,
        company_id,
        user_id,
        expires_at,
        user_agent,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Deletes a session; deleting one that does not exist is not an error.
pub async fn delete_session(db: impl PgExecutor<'_>, token_hash: &[u8]) -> Result<(), StoreError> {
    sqlx::query!("DELETE FROM sessions WHERE token_hash = $1", token_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Removes expired sessions and old login failures; returns how many sessions went.
pub async fn purge_expired(db: impl PgExecutor<'_> + Copy) -> Result<u64, StoreError> {
    let done = sqlx::query!("DELETE FROM sessions WHERE expires_at < now()")
        .execute(db)
        .await?;
    sqlx::query!("DELETE FROM login_failures WHERE created_at < now() - interval '1 day'")
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

/// The principal behind a live session, if the session exists, has not expired and the
/// membership it was made for still exists and is active (a removed or deactivated member
/// is signed out at once).
pub async fn principal_by_session(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
) -> Result<Option<PrincipalRow>, StoreError> {
    let row = sqlx::query_as!(
        PrincipalRow,
        r#"SELECT u.id AS user_id, u.email, u.display_name, c.id AS company_id,
                  c.slug AS company_slug, c.name AS company_name, m.role
           FROM sessions s
           JOIN memberships m ON m.company_id = s.company_id AND m.user_id = s.user_id
           JOIN users u ON u.id = s.user_id
           JOIN companies c ON c.id = s.company_id
           WHERE s.token_hash = $1 AND s.expires_at > now() AND m.deactivated_at IS NULL"#,
        token_hash
    )
    .fetch_optional(db)
    .await?;
    Ok(row)
}

/// The principal behind an API token that is not revoked, marking it used; none while its
/// owner is deactivated or removed.
pub async fn principal_by_token(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
) -> Result<Option<PrincipalRow>, StoreError> {
    let row = sqlx::query_as!(
        PrincipalRow,
        r#"WITH used AS (
               UPDATE api_tokens SET last_used_at = now()
               WHERE token_hash = $1 AND revoked_at IS NULL
               RETURNING company_id, user_id
           )
           SELECT u.id AS user_id, u.email, u.display_name, c.id AS company_id,
                  c.slug AS company_slug, c.name AS company_name, m.role
           FROM used t
           JOIN memberships m ON m.company_id = t.company_id AND m.user_id = t.user_id
           JOIN users u ON u.id = t.user_id
           JOIN companies c ON c.id = t.company_id
           WHERE m.deactivated_at IS NULL"#,
        token_hash
    )
    .fetch_optional(db)
    .await?;
    Ok(row)
}

/// Stores a new API token (by hash) and returns its id and creation time.
pub async fn insert_api_token(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    user_id: Uuid,
    name: &str,
    token_hash: &[u8],
) -> Result<(Uuid, OffsetDateTime), StoreError> {
    let row = sqlx::query!(
        "INSERT INTO api_tokens (id, company_id, user_id, name, token_hash)
         VALUES ($1, $2, $3, $4, $5) RETURNING id, created_at",
        Uuid::new_v4(),
        company_id,
        user_id,
        name,
        token_hash,
    )
    .fetch_one(db)
    .await?;
    Ok((row.id, row.created_at))
}

/// Records a failed login for throttling.
pub async fn record_login_failure(
    db: impl PgExecutor<'_>,
    email: &str,
    client_ip: &str,
) -> Result<(), StoreError> {
    sqlx::query!(
        "INSERT INTO login_failures (email, client_ip) VALUES ($1, $2)",
        email,
        client_ip
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Recent failures for this email and for this client address since `since`.
pub async fn recent_login_failures(
    db: impl PgExecutor<'_>,
    email: &str,
    client_ip: &str,
    since: OffsetDateTime,
) -> Result<(i64, i64), StoreError> {
    let row = sqlx::query!(
        r#"SELECT
              count(*) FILTER (WHERE email = $1) AS "by_email!",
              count(*) FILTER (WHERE client_ip = $2) AS "by_ip!"
           FROM login_failures
           WHERE created_at > $3 AND (email = $1 OR client_ip = $2)"#,
        email,
        client_ip,
        since,
    )
    .fetch_one(db)
    .await?;
    Ok((row.by_email, row.by_ip))
}

/// Forgets an account's failures after a successful login.
pub async fn clear_login_failures(db: impl PgExecutor<'_>, email: &str) -> Result<(), StoreError> {
    sqlx::query!("DELETE FROM login_failures WHERE email = $1", email)
        .execute(db)
        .await?;
    Ok(())
}
