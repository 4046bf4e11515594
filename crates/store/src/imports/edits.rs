//! Changing staged rows: merged cell edits, exclusion, and the revalidated results.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::StoreError;

/// Merges per-row edit patches (`{field: value|null}`) into the stored edits.
pub async fn merge_edits(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    seqs: &[i32],
    patches: &[serde_json::Value],
) -> Result<u64, StoreError> {
    let done = sqlx::query!(
        r#"UPDATE import_rows r SET edits = r.edits || u.patch
           FROM UNNEST($3::int[], $4::jsonb[]) AS u(seq, patch)
           WHERE r.company_id = $1 AND r.import_id = $2 AND r.seq = u.seq"#,
        company_id,
        import_id,
        seqs,
        patches,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Sets or clears the excluded flag of rows.
pub async fn set_excluded(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    seqs: &[i32],
    excluded: bool,
) -> Result<u64, StoreError> {
    let done = sqlx::query!(
        "UPDATE import_rows SET excluded = $4
         WHERE company_id = $1 AND import_id = $2 AND seq = ANY($3::int[]) AND excluded <> $4",
        company_id,
        import_id,
        seqs,
        excluded,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// How many rows are excluded.
pub async fn count_excluded(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
) -> Result<i64, StoreError> {
    let n = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM import_rows
           WHERE company_id = $1 AND import_id = $2 AND excluded"#,
        company_id,
        import_id,
    )
    .fetch_one(conn)
    .await?;
    Ok(n)
}

/// Revalidation results of many rows, column by column (for one UNNEST).
#[derive(Debug, Default)]
pub struct RowResults {
    pub seqs: Vec<i32>,
    pub normalized: Vec<serde_json::Value>,
    pub statuses: Vec<String>,
    pub issues: Vec<serde_json::Value>,
    /// Each row's keys as a JSON array of `kind:key` strings.
    pub keys: Vec<serde_json::Value>,
}

/// Writes revalidation results for many rows in one statement. `codes` and `keys` travel
/// as JSON arrays because PostgreSQL arrays of arrays must be rectangular.
pub async fn write_results(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    results: &RowResults,
) -> Result<u64, StoreError> {
    let done = sqlx::query!(
        r#"UPDATE import_rows r
           SET normalized = u.normalized, status = u.status, issues = u.issues,
               codes = ARRAY(SELECT DISTINCT x->>'code' FROM jsonb_array_elements(u.issues) x),
               keys = ARRAY(SELECT jsonb_array_elements_text(u.keys))
           FROM UNNEST($3::int[], $4::jsonb[], $5::text[], $6::jsonb[], $7::jsonb[])
                AS u(seq, normalized, status, issues, keys)
           WHERE r.company_id = $1 AND r.import_id = $2 AND r.seq = u.seq"#,
        company_id,
        import_id,
        &results.seqs,
        &results.normalized,
        &results.statuses,
        &results.issues,
        &results.keys,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
