//! The audit log: who did what to which entity, and when.

use sqlx::PgExecutor;
use uuid::Uuid;

use crate::StoreError;

/// One audit entry to record.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub company_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<String>,
    pub diff: serde_json::Value,
}

/// Appends an entry to `audit_log`.
pub async fn record(db: impl PgExecutor<'_>, entry: &AuditEntry<'_>) -> Result<(), StoreError> {
    sqlx::query!(
        "INSERT INTO audit_log (company_id, actor_id, action, entity, entity_id, diff)
         VALUES ($1, $2, $3, $4, $5, $6)",
        entry.company_id,
        entry.actor_id,
        entry.action,
        entry.entity,
        entry.entity_id,
        entry.diff,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A recorded audit entry, newest first in listings.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub id: i64,
    pub actor_email: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub diff: serde_json::Value,
    pub at: time::OffsetDateTime,
}

/// Which audit entries to list: `action` matches a prefix (`config.` finds every
/// configuration change), `actor` the actor's e-mail.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter<'a> {
    pub action: Option<&'a str>,
    pub actor: Option<&'a str>,
    pub entity: Option<&'a str>,
    pub limit: i64,
    pub offset: i64,
}

/// A page of the company's audit entries, newest first, and how many match in all.
pub async fn list_for_company(
    db: impl PgExecutor<'_> + Copy,
    company_id: Uuid,
    filter: &AuditFilter<'_>,
) -> Result<(Vec<AuditRow>, i64), StoreError> {
    // `starts_with` rather than LIKE: an action typed with `%` or `_` means itself.
    let rows = sqlx::query_as!(
        AuditRow,
        r#"SELECT a.id, u.email AS "actor_email?", a.action, a.entity, a.entity_id, a.diff, a.at
           FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
           WHERE a.company_id = $1
             AND ($2::text IS NULL OR starts_with(a.action, $2))
             AND ($3::text IS NULL OR u.email = lower($3))
             AND ($4::text IS NULL OR a.entity = $4)
           ORDER BY a.at DESC, a.id DESC
           LIMIT $5 OFFSET $6"#,
        company_id,
        filter.action,
        filter.actor,
        filter.entity,
        filter.limit,
        filter.offset,
    )
    .fetch_all(db)
    .await?;
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
           WHERE a.company_id = $1
             AND ($2::text IS NULL OR starts_with(a.action, $2))
             AND ($3::text IS NULL OR u.email = lower($3))
             AND ($4::text IS NULL OR a.entity = $4)"#,
        company_id,
        filter.action,
        filter.actor,
        filter.entity,
    )
    .fetch_one(db)
    .await?;
    Ok((rows, total))
}
