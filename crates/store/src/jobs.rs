//! Background jobs: a row per unit of work, claimed with `FOR UPDATE SKIP LOCKED` and
//! leased for a while, so any replica can run it and a crashed replica's job is claimed
//! again once its lease runs out.

use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::StoreError;

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    pub id: Uuid,
    pub company_id: Uuid,
    pub kind: &'a str,
    pub import_id: Option<Uuid>,
    pub requested_by: Option<Uuid>,
    pub payload: serde_json::Value,
    pub progress_total: i64,
}

/// A claimed job.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: Uuid,
    pub company_id: Uuid,
    pub kind: String,
    pub import_id: Option<Uuid>,
    pub requested_by: Option<Uuid>,
    pub payload: serde_json::Value,
    pub attempts: i32,
}

/// Enqueues a job (in the caller's transaction, so it exists exactly when the state
/// change that asked for it commits).
pub async fn enqueue(conn: &mut PgConnection, job: &NewJob<'_>) -> Result<(), StoreError> {
    sqlx::query!(
        "INSERT INTO jobs (id, company_id, kind, import_id, requested_by, payload, progress_total)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        job.id,
        job.company_id,
        job.kind,
        job.import_id,
        job.requested_by,
        job.payload,
        job.progress_total,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Claims one job: `only` a given one, or the oldest queued job or job whose lease ran
/// out. Returns `None` when there is nothing to do (or another worker has it).
pub async fn claim(
    db: impl PgExecutor<'_>,
    worker: &str,
    lease_secs: f64,
    only: Option<Uuid>,
) -> Result<Option<Job>, StoreError> {
    let job = sqlx::query_as!(
        Job,
        "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = $1,
                locked_until = now() + make_interval(secs => $2), updated_at = now()
         WHERE id = (
             SELECT id FROM jobs
             WHERE (status = 'queued' OR (status = 'running' AND locked_until < now()))
               AND ($3::uuid IS NULL OR id = $3)
             ORDER BY created_at
             FOR UPDATE SKIP LOCKED
             LIMIT 1
         )
         RETURNING id, company_id, kind, import_id, requested_by, payload, attempts",
        worker,
        lease_secs,
        only,
    )
    .fetch_optional(db)
    .await?;
    Ok(job)
}

/// Extends the lease of a job this worker holds; `false` when it no longer holds it.
pub async fn renew(
    db: impl PgExecutor<'_>,
    job_id: Uuid,
    worker: &str,
    lease_secs: f64,
) -> Result<bool, StoreError> {
    let done = sqlx::query!(
        "UPDATE jobs SET locked_until = now() + make_interval(secs => $3), updated_at = now()
         WHERE id = $1 AND locked_by = $2 AND status = 'running'",
        job_id,
        worker,
        lease_secs,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Reports progress (outside the job's own transaction, so readers see it at once).
pub async fn progress(
    db: impl PgExecutor<'_>,
    job_id: Uuid,
    done: i64,
    total: i64,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE jobs SET progress_done = $2, progress_total = $3, updated_at = now() WHERE id = $1",
        job_id,
        done,
        total,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Ends a job as `done` or `failed` (with the reason).
pub async fn finish(
    db: impl PgExecutor<'_>,
    job_id: Uuid,
    status: &str,
    error: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE jobs SET status = $2, last_error = $3, locked_until = NULL, updated_at = now()
         WHERE id = $1",
        job_id,
        status,
        error,
    )
    .execute(db)
    .await?;
    Ok(())
}
