//! The dashboard's reads of `import_telemetry` (and `imports` for statuses): one row per
//! upload with the times its import reached each later step, issue codes per week,
//! throughput, statuses and the sources seen. The figures are computed from these in
//! `imports::dashboard`.

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StoreError;

/// Which uploads: a company's, `from` (inclusive) to `to` (exclusive), one source or all.
#[derive(Debug, Clone, Copy)]
pub struct Range<'a> {
    pub company_id: Uuid,
    pub from: OffsetDateTime,
    pub to: OffsetDateTime,
    pub source: Option<&'a str>,
}

/// One upload and when its import reached each step after it.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub at: OffsetDateTime,
    pub user_id: Option<Uuid>,
    pub source_key: String,
    /// Intake opened the file.
    pub read: bool,
    pub dry_run_at: Option<OffsetDateTime>,
    pub dry_run_outcome: Option<String>,
    pub dry_run_code: Option<String>,
    /// The first edit, re-map or apply request.
    pub reviewed_at: Option<OffsetDateTime>,
    pub applied_at: Option<OffsetDateTime>,
    pub reverted_at: Option<OffsetDateTime>,
}

/// Every upload of the range, oldest first.
pub async fn attempts(db: impl PgExecutor<'_>, r: Range<'_>) -> Result<Vec<Attempt>, StoreError> {
    let rows = sqlx::query_as!(
        Attempt,
        r#"SELECT u.at, u.user_id, u.source_key, u.outcome = 'ok' AS "read!",
                  d.at AS "dry_run_at?", d.outcome AS "dry_run_outcome?", d.code AS "dry_run_code?",
                  v.at AS "reviewed_at?", a.at AS "applied_at?", rv.at AS "reverted_at?"
             FROM import_telemetry u
             LEFT JOIN LATERAL (
                  SELECT x.at, x.outcome, x.code FROM import_telemetry x
                   WHERE x.import_id = u.import_id AND x.stage = 'dry_run' ORDER BY x.id LIMIT 1) d ON true
             LEFT JOIN LATERAL (
                  SELECT min(x.at) AS at FROM import_telemetry x
                   WHERE x.import_id = u.import_id AND x.stage IN ('edit', 'remap', 'apply')) v ON true
             LEFT JOIN LATERAL (
                  SELECT min(x.at) AS at FROM import_telemetry x
                   WHERE x.import_id = u.import_id AND x.stage = 'apply' AND x.outcome = 'ok') a ON true
             LEFT JOIN LATERAL (
                  SELECT min(x.at) AS at FROM import_telemetry x
                   WHERE x.import_id = u.import_id AND x.stage = 'revert' AND x.outcome = 'ok') rv ON true
            WHERE u.company_id = $1 AND u.stage = 'upload' AND u.at >= $2 AND u.at < $3
              AND ($4::text IS NULL OR u.source_key = $4)
            ORDER BY u.at, u.id"#,
        r.company_id,
        r.from,
        r.to,
        r.source,
    )
    .fetch_all(db)
    .await?;
    Ok(rows)
}

/// Error-level issues per week (its Monday, `YYYY-MM-DD`) and code, most frequent first.
pub async fn codes_by_week(
    db: impl PgExecutor<'_>,
    r: Range<'_>,
) -> Result<Vec<(String, String, i64)>, StoreError> {
    let rows = sqlx::query!(
        r#"SELECT to_char(date_trunc('week', t.at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS "week!",
                  i.code AS "code!", sum(i.count)::bigint AS "issues!"
             FROM import_telemetry t,
                  jsonb_to_recordset(t.issue_counts) AS i(code text, level text, field text, count bigint)
            WHERE t.company_id = $1 AND t.stage = 'dry_run' AND t.at >= $2 AND t.at < $3
              AND ($4::text IS NULL OR t.source_key = $4) AND i.level = 'error'
            GROUP BY 1, 2 ORDER BY 1 DESC, 3 DESC, 2"#,
        r.company_id,
        r.from,
        r.to,
        r.source,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.week, r.code, r.issues))
        .collect())
}

/// Rows and milliseconds of finished dry runs and applies, by stage and format.
pub async fn throughput(
    db: impl PgExecutor<'_>,
    r: Range<'_>,
) -> Result<Vec<(String, String, i64, i64)>, StoreError> {
    let rows = sqlx::query!(
        r#"SELECT stage AS "stage!", COALESCE(format, '') AS "format!",
                  COALESCE(sum(rows_in), 0)::bigint AS "rows!", COALESCE(sum(duration_ms), 0)::bigint AS "ms!"
             FROM import_telemetry
            WHERE company_id = $1 AND outcome = 'ok' AND stage IN ('dry_run', 'apply')
              AND at >= $2 AND at < $3 AND ($4::text IS NULL OR source_key = $4)
            GROUP BY 1, 2 ORDER BY 1, 2"#,
        r.company_id,
        r.from,
        r.to,
        r.source,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.stage, r.format, r.rows, r.ms))
        .collect())
}

/// Imports created in the range by status.
pub async fn statuses(
    db: impl PgExecutor<'_>,
    r: Range<'_>,
) -> Result<Vec<(String, i64)>, StoreError> {
    let rows = sqlx::query!(
        r#"SELECT status, count(*) AS "n!" FROM imports
            WHERE company_id = $1 AND created_at >= $2 AND created_at < $3
              AND ($4::text IS NULL OR source_key = $4)
            GROUP BY 1 ORDER BY 1"#,
        r.company_id,
        r.from,
        r.to,
        r.source,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.status, r.n)).collect())
}

/// The sources of the company's uploads in the range (for the filter; not narrowed by it).
pub async fn sources(db: impl PgExecutor<'_>, r: Range<'_>) -> Result<Vec<String>, StoreError> {
    let rows = sqlx::query_scalar!(
        r#"SELECT DISTINCT source_key AS "source!" FROM import_telemetry
            WHERE company_id = $1 AND stage = 'upload' AND at >= $2 AND at < $3 ORDER BY 1"#,
        r.company_id,
        r.from,
        r.to,
    )
    .fetch_all(db)
    .await?;
    Ok(rows)
}
