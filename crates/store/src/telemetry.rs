//! `import_telemetry`: one row per stage of an import (see the migration for the columns).

use sqlx::PgExecutor;
use uuid::Uuid;

use crate::StoreError;

/// One telemetry row to append; counts the stage does not have stay `None`.
#[derive(Debug, Clone, Default)]
pub struct TelemetryRow<'a> {
    pub company_id: Uuid,
    pub import_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub source_key: &'a str,
    pub stage: &'a str,
    pub outcome: &'a str,
    pub code: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub format: Option<&'a str>,
    pub rows_in: Option<i64>,
    pub rows_valid: Option<i64>,
    pub rows_warning: Option<i64>,
    pub rows_error: Option<i64>,
    pub duplicates_in_file: Option<i64>,
    pub duplicates_in_db: Option<i64>,
    pub mode: Option<&'a str>,
    pub duplicate_policy: Option<&'a str>,
    pub config_version: Option<i32>,
    pub read_ms: Option<i64>,
    pub validate_ms: Option<i64>,
    pub stage_ms: Option<i64>,
    pub apply_ms: Option<i64>,
    pub commit_ms: Option<i64>,
    pub duration_ms: i64,
    pub bytes: Option<i64>,
    pub issue_counts: serde_json::Value,
}

/// Appends a row (inside the caller's transaction when given one); answers its id.
pub async fn insert(db: impl PgExecutor<'_>, row: &TelemetryRow<'_>) -> Result<i64, StoreError> {
    let id = sqlx::query_scalar!(
        "INSERT INTO import_telemetry (company_id, import_id, user_id, source_key, stage, outcome,
             code, reason, format, rows_in, rows_valid, rows_warning, rows_error,
             duplicates_in_file, duplicates_in_db, mode, duplicate_policy, config_version,
             read_ms, validate_ms, stage_ms, apply_ms, commit_ms, duration_ms, bytes, issue_counts)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
             $18, $19, $20, $21, $22, $23, $24, $25, $26)
         RETURNING id",
        row.company_id,
        row.import_id,
        row.user_id,
        row.source_key,
        row.stage,
        row.outcome,
        row.code,
        row.reason,
        row.format,
        row.rows_in,
        row.rows_valid,
        row.rows_warning,
        row.rows_error,
        row.duplicates_in_file,
        row.duplicates_in_db,
        row.mode,
        row.duplicate_policy,
        row.config_version,
        row.read_ms,
        row.validate_ms,
        row.stage_ms,
        row.apply_ms,
        row.commit_ms,
        row.duration_ms,
        row.bytes,
        row.issue_counts,
    )
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// Adds the commit's duration to a row written inside the transaction it describes.
pub async fn set_commit_ms(
    db: impl PgExecutor<'_>,
    id: i64,
    commit_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE import_telemetry SET commit_ms = $2 WHERE id = $1",
        id,
        commit_ms
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Apply jobs by state, for the queue gauges.
#[derive(Debug, Clone, Copy, Default)]
pub struct JobGauges {
    pub queued: i64,
    pub running: i64,
    /// Queued or running jobs claimed before (a worker died or the job was retried).
    pub retried: i64,
    /// Seconds since the oldest job still waiting was queued (0 when none waits).
    pub oldest_queued_seconds: f64,
}

/// Reads the queue's state in one statement (the scrape calls it).
pub async fn job_gauges(db: impl PgExecutor<'_>) -> Result<JobGauges, StoreError> {
    let row = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE status = 'queued') AS "queued!",
                  count(*) FILTER (WHERE status = 'running') AS "running!",
                  count(*) FILTER (WHERE status IN ('queued', 'running') AND attempts > 1) AS "retried!",
                  COALESCE(EXTRACT(EPOCH FROM now() - min(created_at) FILTER (WHERE status = 'queued')), 0)::float8 AS "oldest!"
             FROM jobs WHERE kind = 'apply'"#
    )
    .fetch_one(db)
    .await?;
    Ok(JobGauges {
        queued: row.queued,
        running: row.running,
        retried: row.retried,
        oldest_queued_seconds: row.oldest,
    })
}
