//! The alert outbox: alerts written by the work that raises them, claimed in batches by the
//! webhook's delivery loop, then marked delivered, due again later, or given up.

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StoreError;

/// An alert claimed for delivery.
#[derive(Debug, Clone)]
pub struct PendingAlert {
    pub id: i64,
    pub delivery_id: Uuid,
    pub kind: String,
    pub payload: serde_json::Value,
    /// Attempts before this one.
    pub attempts: i32,
}

/// Queues an alert; answers its id.
pub async fn enqueue(
    db: impl PgExecutor<'_>,
    company_id: Option<Uuid>,
    kind: &str,
    payload: &serde_json::Value,
) -> Result<i64, StoreError> {
    let id = sqlx::query_scalar!(
        "INSERT INTO alert_outbox (company_id, kind, payload) VALUES ($1, $2, $3) RETURNING id",
        company_id,
        kind,
        payload,
    )
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// Claims up to `limit` alerts that are due and younger than `max_age_secs` (a webhook
/// configured later is not flooded with old news), by moving their next attempt
/// `lease_secs` ahead: another replica's claim skips them until then.
pub async fn claim_due(
    db: impl PgExecutor<'_>,
    limit: i64,
    lease_secs: f64,
    max_age_secs: f64,
) -> Result<Vec<PendingAlert>, StoreError> {
    let rows = sqlx::query_as!(
        PendingAlert,
        r#"UPDATE alert_outbox o SET next_attempt_at = now() + make_interval(secs => $2)
             FROM (SELECT id FROM alert_outbox
                    WHERE delivered_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= now()
                      AND created_at > now() - make_interval(secs => $3)
                    ORDER BY id LIMIT $1
                    FOR UPDATE SKIP LOCKED) due
            WHERE o.id = due.id
        RETURNING o.id, o.delivery_id, o.kind, o.payload, o.attempts"#,
        limit,
        lease_secs,
        max_age_secs,
    )
    .fetch_all(db)
    .await?;
    Ok(rows)
}

/// The receiver took the alert.
pub async fn mark_delivered(db: impl PgExecutor<'_>, id: i64) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE alert_outbox SET attempts = attempts + 1, delivered_at = now(), last_error = NULL
          WHERE id = $1",
        id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The attempt failed: try again `after_secs` from now, or never again when `give_up`.
pub async fn mark_failed(
    db: impl PgExecutor<'_>,
    id: i64,
    error: &str,
    after_secs: f64,
    give_up: bool,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE alert_outbox
            SET attempts = attempts + 1, last_error = $2,
                next_attempt_at = now() + make_interval(secs => $3),
                gave_up_at = CASE WHEN $4 THEN now() END
          WHERE id = $1",
        id,
        error,
        after_secs,
        give_up,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Deletes alerts created before `before` (the retention purge).
pub async fn purge_before(
    db: impl PgExecutor<'_>,
    before: OffsetDateTime,
) -> Result<u64, StoreError> {
    let done = sqlx::query!("DELETE FROM alert_outbox WHERE created_at < $1", before)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

/// What an alert names: the company's slug and, for an import, its file and source.
#[derive(Debug, Clone)]
pub struct Subject {
    pub company: String,
    pub file_name: Option<String>,
    pub source_key: Option<String>,
}

/// The names an alert about `company_id` (and `import_id`) carries.
pub async fn subject(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    import_id: Option<Uuid>,
) -> Result<Subject, StoreError> {
    let row = sqlx::query_as!(
        Subject,
        r#"SELECT c.slug AS company, i.file_name AS "file_name?", i.source_key AS "source_key?"
             FROM companies c
             LEFT JOIN imports i ON i.company_id = c.id AND i.id = $2
            WHERE c.id = $1"#,
        company_id,
        import_id,
    )
    .fetch_one(db)
    .await?;
    Ok(row)
}
