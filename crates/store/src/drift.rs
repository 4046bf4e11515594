//! The schema drift check's inputs and outputs: the real columns of `leads`, the last
//! report per company, and the claim of the nightly run.

use sqlx::PgExecutor;
use uuid::Uuid;

use crate::StoreError;

/// A column of `leads` as `information_schema` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    /// `data_type`: `text`, `character varying`, `date`, `jsonb`, `USER-DEFINED`, …
    pub data_type: String,
}

/// The columns of the `leads` table in the current schema, in table order.
pub async fn lead_columns(db: impl PgExecutor<'_>) -> Result<Vec<Column>, StoreError> {
    let rows = sqlx::query!(
        r#"SELECT column_name AS "name!", data_type AS "data_type!"
             FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = 'leads'
            ORDER BY ordinal_position"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Column {
            name: r.name,
            data_type: r.data_type,
        })
        .collect())
}

/// A stored report.
#[derive(Debug, Clone)]
pub struct DriftRow {
    pub checked_at: time::OffsetDateTime,
    pub config_version: i32,
    pub findings: serde_json::Value,
}

/// Replaces the company's report; answers the findings it replaced (none for the first).
pub async fn save(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    config_version: i32,
    findings: &serde_json::Value,
    count: i32,
) -> Result<Option<serde_json::Value>, StoreError> {
    let previous = sqlx::query_scalar!(
        r#"WITH old AS (SELECT findings FROM config_drift WHERE company_id = $1 FOR UPDATE),
                new AS (
                  INSERT INTO config_drift (company_id, checked_at, config_version, findings, finding_count)
                  VALUES ($1, now(), $2, $3, $4)
                  ON CONFLICT (company_id) DO UPDATE
                     SET checked_at = now(), config_version = $2, findings = $3, finding_count = $4)
           SELECT findings AS "findings!" FROM old"#,
        company_id,
        config_version,
        findings,
        count,
    )
    .fetch_optional(db)
    .await?;
    Ok(previous)
}

/// The company's last report.
pub async fn last(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
) -> Result<Option<DriftRow>, StoreError> {
    let row = sqlx::query_as!(
        DriftRow,
        "SELECT checked_at, config_version, findings FROM config_drift WHERE company_id = $1",
        company_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row)
}

/// Findings in every company's last report (the `lead_importer_config_drift` gauge).
pub async fn finding_count(db: impl PgExecutor<'_>) -> Result<i64, StoreError> {
    let n = sqlx::query_scalar!(
        r#"SELECT COALESCE(sum(finding_count), 0)::bigint AS "n!" FROM config_drift"#
    )
    .fetch_one(db)
    .await?;
    Ok(n)
}

/// Claims a scheduled task when it last started more than `every_secs` ago: true for the
/// one replica whose UPDATE wins.
pub async fn claim_task(
    db: impl PgExecutor<'_>,
    name: &str,
    every_secs: f64,
) -> Result<bool, StoreError> {
    let claimed = sqlx::query_scalar!(
        r#"UPDATE scheduled_tasks SET last_started_at = now()
            WHERE name = $1 AND last_started_at < now() - make_interval(secs => $2)
           RETURNING true AS "claimed!""#,
        name,
        every_secs,
    )
    .fetch_optional(db)
    .await?;
    Ok(claimed.unwrap_or(false))
}

/// Every company's id and slug.
pub async fn companies(db: impl PgExecutor<'_>) -> Result<Vec<(Uuid, String)>, StoreError> {
    let rows = sqlx::query!("SELECT id, slug FROM companies ORDER BY slug")
        .fetch_all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.slug)).collect())
}
