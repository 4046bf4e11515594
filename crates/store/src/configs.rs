//! Versioned import configurations: one active JSON configuration per company, with every
//! earlier version kept so imports can say which rules checked them.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StoreError;

/// One stored configuration version.
#[derive(Debug, Clone)]
pub struct ConfigVersion {
    pub version: i32,
    pub config: serde_json::Value,
    pub is_active: bool,
    pub comment: String,
    pub created_by_email: Option<String>,
    pub created_at: OffsetDateTime,
}

/// The active configuration of a company, if one was ever stored.
pub async fn active(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
) -> Result<Option<ConfigVersion>, StoreError> {
    let row = sqlx::query_as!(
        ConfigVersion,
        r#"SELECT c.version, c.config, c.is_active, c.comment, u.email AS "created_by_email?", c.created_at
           FROM import_configs c LEFT JOIN users u ON u.id = c.created_by
           WHERE c.company_id = $1 AND c.is_active"#,
        company_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row)
}

/// Every version of the company's configuration, newest first.
pub async fn list_versions(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
) -> Result<Vec<ConfigVersion>, StoreError> {
    let rows = sqlx::query_as!(
        ConfigVersion,
        r#"SELECT c.version, c.config, c.is_active, c.comment, u.email AS "created_by_email?", c.created_at
           FROM import_configs c LEFT JOIN users u ON u.id = c.created_by
           WHERE c.company_id = $1
           ORDER BY c.version DESC"#,
        company_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows)
}

/// Stores a new version and makes it the active one. Run inside a transaction: the old
/// version is deactivated first so the one-active index holds at every moment. Two admins
/// saving at once collide on `import_configs_company_version_key`, never overwrite.
pub async fn insert_active_version(
    conn: &mut PgConnection,
    company_id: Uuid,
    config: &serde_json::Value,
    comment: &str,
    created_by: Option<Uuid>,
) -> Result<i32, StoreError> {
    let next = sqlx::query_scalar!(
        r#"SELECT COALESCE(max(version), 0) + 1 AS "next!" FROM import_configs WHERE company_id = $1"#,
        company_id
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE import_configs SET is_active = false, updated_at = now()
         WHERE company_id = $1 AND is_active",
        company_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO import_configs (id, company_id, version, config, is_active, comment, created_by)
         VALUES ($1, $2, $3, $4, true, $5, $6)",
        Uuid::new_v4(),
        company_id,
        next,
        config,
        comment,
        created_by,
    )
    .execute(&mut *conn)
    .await?;
    Ok(next)
}

/// One specific version (for imports checked against an older configuration).
pub async fn version(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    version: i32,
) -> Result<Option<ConfigVersion>, StoreError> {
    let row = sqlx::query_as!(
        ConfigVersion,
        r#"SELECT c.version, c.config, c.is_active, c.comment, u.email AS "created_by_email?", c.created_at
           FROM import_configs c LEFT JOIN users u ON u.id = c.created_by
           WHERE c.company_id = $1 AND c.version = $2"#,
        company_id,
        version
    )
    .fetch_optional(db)
    .await?;
    Ok(row)
}

/// The active version, locked until the transaction ends, so two publishes based on the
/// same version are judged one after the other. When a concurrent publish moved the active
/// flag while this one waited, the row no longer matches; the new active version is read.
pub async fn lock_active_version(
    conn: &mut PgConnection,
    company_id: Uuid,
) -> Result<Option<i32>, StoreError> {
    let locked = sqlx::query_scalar!(
        "SELECT version FROM import_configs WHERE company_id = $1 AND is_active FOR UPDATE",
        company_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    if locked.is_some() {
        return Ok(locked);
    }
    let now = sqlx::query_scalar!(
        "SELECT version FROM import_configs WHERE company_id = $1 AND is_active",
        company_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(now)
}
