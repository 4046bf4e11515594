//! Reading staged rows back: pages filtered by status, issue field, issue code and a
//! search text, rows by seq, and the rows an edit must revalidate.

use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::StoreError;

/// A staged row as read back for the grid and the API.
#[derive(Debug, Clone)]
pub struct StagedRowOut {
    pub seq: i32,
    pub row_no: i32,
    pub original: serde_json::Value,
    pub edits: serde_json::Value,
    pub normalized: serde_json::Value,
    pub status: String,
    pub issues: serde_json::Value,
    pub excluded: bool,
}

/// Filters for paging staged rows.
#[derive(Debug, Clone, Default)]
pub struct RowFilter<'a> {
    pub status: Option<&'a str>,
    pub field: Option<&'a str>,
    pub code: Option<&'a str>,
    /// Rows with a cell (original or edited) containing this text, case-insensitively.
    pub q: Option<&'a str>,
}

impl RowFilter<'_> {
    /// The search text as an `ILIKE` pattern, its wildcards escaped (`None` without one).
    fn like_pattern(&self) -> Option<String> {
        let q = self.q.map(str::trim).filter(|q| !q.is_empty())?;
        let mut pattern = String::with_capacity(q.len() + 2);
        pattern.push('%');
        for ch in q.chars() {
            if matches!(ch, '%' | '_' | '\\') {
                pattern.push('\\');
            }
            pattern.push(ch);
        }
        pattern.push('%');
        Some(pattern)
    }
}

/// A page of staged rows in file order, with the total that matches the filter. A caller
/// that already knows the total (no filter: the import's row count) passes it, which saves
/// counting a million rows for every page.
pub async fn page_rows(
    db: impl PgExecutor<'_> + Copy,
    company_id: Uuid,
    import_id: Uuid,
    filter: &RowFilter<'_>,
    offset: i64,
    limit: i64,
    known_total: Option<i64>,
) -> Result<(Vec<StagedRowOut>, i64), StoreError> {
    let field_filter = filter.field.map(|f| serde_json::json!([{ "field": f }]));
    let pattern = filter.like_pattern();
    let rows = sqlx::query_as!(
        StagedRowOut,
        r#"SELECT seq, row_no, original, edits, normalized, status, issues, excluded
           FROM import_rows
           WHERE company_id = $1 AND import_id = $2
             AND ($3::text IS NULL OR status = $3)
             AND ($4::jsonb IS NULL OR issues @> $4)
             AND ($5::text IS NULL OR $5 = ANY(codes))
             AND ($8::text IS NULL
                  OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(original) c WHERE c ILIKE $8)
                  OR EXISTS (SELECT 1 FROM jsonb_each_text(edits) e WHERE e.value ILIKE $8))
           ORDER BY seq
           LIMIT $6 OFFSET $7"#,
        company_id,
        import_id,
        filter.status,
        field_filter,
        filter.code,
        limit,
        offset,
        pattern,
    )
    .fetch_all(db)
    .await?;
    if let Some(total) = known_total {
        return Ok((rows, total));
    }
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!"
           FROM import_rows
           WHERE company_id = $1 AND import_id = $2
             AND ($3::text IS NULL OR status = $3)
             AND ($4::jsonb IS NULL OR issues @> $4)
             AND ($5::text IS NULL OR $5 = ANY(codes))
             AND ($6::text IS NULL
                  OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(original) c WHERE c ILIKE $6)
                  OR EXISTS (SELECT 1 FROM jsonb_each_text(edits) e WHERE e.value ILIKE $6))"#,
        company_id,
        import_id,
        filter.status,
        field_filter,
        filter.code,
        pattern,
    )
    .fetch_one(db)
    .await?;
    Ok((rows, total))
}

/// A staged row as revalidation needs it.
#[derive(Debug, Clone)]
pub struct RowForCheck {
    pub seq: i32,
    pub row_no: i32,
    pub original: serde_json::Value,
    pub edits: serde_json::Value,
    pub normalized: serde_json::Value,
    pub issues: serde_json::Value,
    pub keys: Vec<String>,
    pub status: String,
}

/// Up to `limit` rows after `after_seq`, in order (for passes over the whole import).
pub async fn rows_after(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    after_seq: i32,
    limit: i64,
) -> Result<Vec<RowForCheck>, StoreError> {
    let rows = sqlx::query_as!(
        RowForCheck,
        "SELECT seq, row_no, original, edits, normalized, issues, keys, status FROM import_rows
         WHERE company_id = $1 AND import_id = $2 AND seq > $3
         ORDER BY seq LIMIT $4",
        company_id,
        import_id,
        after_seq,
        limit,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// The given rows, in order.
pub async fn rows_by_seq(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    seqs: &[i32],
) -> Result<Vec<RowForCheck>, StoreError> {
    let rows = sqlx::query_as!(
        RowForCheck,
        "SELECT seq, row_no, original, edits, normalized, issues, keys, status FROM import_rows
         WHERE company_id = $1 AND import_id = $2 AND seq = ANY($3::int[])
         ORDER BY seq",
        company_id,
        import_id,
        seqs,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// Rows that have any of `keys` (GIN lookup), in order.
pub async fn rows_sharing_keys(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    keys: &[String],
) -> Result<Vec<RowForCheck>, StoreError> {
    let rows = sqlx::query_as!(
        RowForCheck,
        "SELECT seq, row_no, original, edits, normalized, issues, keys, status FROM import_rows
         WHERE company_id = $1 AND import_id = $2 AND keys && $3::text[]
         ORDER BY seq",
        company_id,
        import_id,
        keys,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// The seqs of rows matching a filter (targets of a bulk action).
pub async fn seqs_matching(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    filter: &RowFilter<'_>,
) -> Result<Vec<i32>, StoreError> {
    let field_filter = filter.field.map(|f| serde_json::json!([{ "field": f }]));
    let pattern = filter.like_pattern();
    let seqs = sqlx::query_scalar!(
        r#"SELECT seq FROM import_rows
           WHERE company_id = $1 AND import_id = $2
             AND ($3::text IS NULL OR status = $3)
             AND ($4::jsonb IS NULL OR issues @> $4)
             AND ($5::text IS NULL OR $5 = ANY(codes))
             AND ($6::text IS NULL
                  OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(original) c WHERE c ILIKE $6)
                  OR EXISTS (SELECT 1 FROM jsonb_each_text(edits) e WHERE e.value ILIKE $6))
           ORDER BY seq"#,
        company_id,
        import_id,
        filter.status,
        field_filter,
        filter.code,
        pattern,
    )
    .fetch_all(conn)
    .await?;
    Ok(seqs)
}

/// Staged rows by seq, in order, as the grid shows them.
pub async fn rows_out_by_seq(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    import_id: Uuid,
    seqs: &[i32],
) -> Result<Vec<StagedRowOut>, StoreError> {
    let rows = sqlx::query_as!(
        StagedRowOut,
        "SELECT seq, row_no, original, edits, normalized, status, issues, excluded FROM import_rows
         WHERE company_id = $1 AND import_id = $2 AND seq = ANY($3::int[])
         ORDER BY seq",
        company_id,
        import_id,
        seqs,
    )
    .fetch_all(db)
    .await?;
    Ok(rows)
}
