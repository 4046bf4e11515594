//! The import history and staged rows: creating an import, bulk-staging its rows with
//! COPY, paging and filtering them, and the one batched duplicate lookup against `leads`.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StoreError;

/// What is known about an import when its rows start streaming in.
#[derive(Debug, Clone)]
pub struct NewImport<'a> {
    pub id: Uuid,
    pub company_id: Uuid,
    pub created_by: Uuid,
    pub source_key: &'a str,
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub size_bytes: i64,
    pub storage_key: &'a str,
    pub format: &'a str,
    pub encoding: Option<&'a str>,
    pub delimiter: Option<&'a str>,
    pub sheets: serde_json::Value,
    pub sheet: Option<&'a str>,
    /// How intake chose the sheet (`None` when the user chose it, or for text).
    pub sheet_choice: Option<serde_json::Value>,
    pub header_row: i32,
    pub headers: serde_json::Value,
    pub mapping: serde_json::Value,
    pub preset_id: Option<Uuid>,
    pub config_version: i32,
    pub file_issues: serde_json::Value,
}

/// One import as the history and the summary show it.
#[derive(Debug, Clone)]
pub struct ImportRecord {
    pub id: Uuid,
    pub company_id: Uuid,
    pub created_by_email: Option<String>,
    pub source_key: String,
    pub file_name: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub storage_key: String,
    pub format: String,
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    pub sheets: serde_json::Value,
    pub sheet: Option<String>,
    pub sheet_choice: Option<serde_json::Value>,
    pub header_row: i32,
    pub headers: serde_json::Value,
    pub mapping: serde_json::Value,
    pub preset_id: Option<Uuid>,
    pub config_version: i32,
    pub status: String,
    pub total_rows: i32,
    pub stats: serde_json::Value,
    pub file_issues: serde_json::Value,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// A staged row ready to be written; JSON columns arrive already serialised so the hot
/// path serialises each row exactly once.
#[derive(Debug, Clone)]
pub struct StagedRow<'a> {
    pub seq: i32,
    pub row_no: i32,
    pub original_json: &'a str,
    pub normalized_json: &'a str,
    pub status: &'a str,
    pub issues_json: &'a str,
    pub codes: &'a [String],
    /// Duplicate keys as `kind:key`.
    pub keys: &'a [String],
}

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

/// Creates the import in status `validating`.
pub async fn insert_import(db: impl PgExecutor<'_>, new: &NewImport<'_>) -> Result<(), StoreError> {
    sqlx::query!(
        "INSERT INTO imports (id, company_id, created_by, source_key, file_name, sha256, size_bytes,
                              storage_key, format, encoding, delimiter, sheets, sheet, header_row,
                              headers, mapping, preset_id, config_version, status, file_issues,
                              sheet_choice)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                 'validating', $19, $20)",
        new.id,
        new.company_id,
        new.created_by,
        new.source_key,
        new.file_name,
        new.sha256,
        new.size_bytes,
        new.storage_key,
        new.format,
        new.encoding,
        new.delimiter,
        new.sheets,
        new.sheet,
        new.header_row,
        new.headers,
        new.mapping,
        new.preset_id,
        new.config_version,
        new.file_issues,
        new.sheet_choice,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Records the dry run's totals and moves the import to `status`.
pub async fn finish_validation(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    import_id: Uuid,
    total_rows: i32,
    stats: &serde_json::Value,
    status: &str,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE imports SET total_rows = $3, stats = $4, status = $5, updated_at = now()
         WHERE company_id = $1 AND id = $2",
        company_id,
        import_id,
        total_rows,
        stats,
        status,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// One import of the company, or `None` (also for another company's import).
pub async fn get_import(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    import_id: Uuid,
) -> Result<Option<ImportRecord>, StoreError> {
    let row = sqlx::query_as!(
        ImportRecord,
        r#"SELECT i.id, i.company_id, u.email AS "created_by_email?", i.source_key, i.file_name,
                  i.sha256, i.size_bytes, i.storage_key, i.format, i.encoding, i.delimiter,
                  i.sheets, i.sheet, i.sheet_choice, i.header_row, i.headers, i.mapping, i.preset_id,
                  i.config_version, i.status, i.total_rows, i.stats, i.file_issues,
                  i.created_at, i.updated_at
           FROM imports i LEFT JOIN users u ON u.id = i.created_by
           WHERE i.company_id = $1 AND i.id = $2"#,
        company_id,
        import_id,
    )
    .fetch_optional(db)
    .await?;
    Ok(row)
}

/// An earlier import's column layout and the mapping it used.
#[derive(Debug, Clone)]
pub struct LayoutSource {
    pub id: Uuid,
    pub file_name: String,
    pub headers: serde_json::Value,
    pub mapping: serde_json::Value,
}

/// The company's newest import whose header row is exactly `headers` or `alternative`
/// (JSON arrays of strings), with the mapping it used.
pub async fn newest_with_headers(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    headers: &serde_json::Value,
    alternative: &serde_json::Value,
) -> Result<Option<LayoutSource>, StoreError> {
    let row = sqlx::query_as!(
        LayoutSource,
        "SELECT id, file_name, headers, mapping FROM imports
         WHERE company_id = $1 AND (headers = $2 OR headers = $3)
         ORDER BY created_at DESC LIMIT 1",
        company_id,
        headers,
        alternative,
    )
    .fetch_optional(db)
    .await?;
    Ok(row)
}

/// The company's imports, newest first.
pub async fn list_imports(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    limit: i64,
    offset: i64,
) -> Result<Vec<ImportRecord>, StoreError> {
    let rows = sqlx::query_as!(
        ImportRecord,
        r#"SELECT i.id, i.company_id, u.email AS "created_by_email?", i.source_key, i.file_name,
                  i.sha256, i.size_bytes, i.storage_key, i.format, i.encoding, i.delimiter,
                  i.sheets, i.sheet, i.sheet_choice, i.header_row, i.headers, i.mapping, i.preset_id,
                  i.config_version, i.status, i.total_rows, i.stats, i.file_issues,
                  i.created_at, i.updated_at
           FROM imports i LEFT JOIN users u ON u.id = i.created_by
           WHERE i.company_id = $1
           ORDER BY i.created_at DESC, i.id
           LIMIT $2 OFFSET $3"#,
        company_id,
        limit,
        offset,
    )
    .fetch_all(db)
    .await?;
    Ok(rows)
}

/// Writes staged rows with one COPY (text format), far cheaper than INSERTs per row.
pub async fn copy_rows(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    rows: &[StagedRow<'_>],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut buf = String::with_capacity(rows.len() * 256);
    let company = company_id.to_string();
    let import = import_id.to_string();
    for r in rows {
        buf.push_str(&company);
        buf.push('\t');
        buf.push_str(&import);
        buf.push('\t');
        push_int(&mut buf, r.seq);
        buf.push('\t');
        push_int(&mut buf, r.row_no);
        buf.push('\t');
        push_copy_text(&mut buf, r.original_json);
        buf.push('\t');
        push_copy_text(&mut buf, r.normalized_json);
        buf.push('\t');
        push_copy_text(&mut buf, r.status);
        buf.push('\t');
        push_copy_text(&mut buf, r.issues_json);
        buf.push('\t');
        buf.push('{');
        for (i, c) in r.codes.iter().enumerate() {
            if i > 0 {
                buf.push(',');
            }
            // Codes are dotted ASCII identifiers; quoting keeps the literal safe anyway.
            buf.push('"');
            push_copy_text(&mut buf, c);
            buf.push('"');
        }
        buf.push_str("}\t");
        push_text_array(&mut buf, r.keys.iter().map(String::as_str));
        buf.push('\n');
    }
    let mut copy = conn
        .copy_in_raw(
            "COPY import_rows (company_id, import_id, seq, row_no, original, normalized, status, issues, codes, keys)
             FROM STDIN (FORMAT text)",
        )
        .await?;
    copy.send(buf.as_bytes()).await?;
    copy.finish().await?;
    Ok(())
}

/// Writes a PostgreSQL array literal of text values, escaped for both the array syntax
/// (quotes, backslashes) and COPY's text format.
fn push_text_array<'a>(buf: &mut String, items: impl Iterator<Item = &'a str>) {
    buf.push('{');
    for (i, item) in items.enumerate() {
        if i > 0 {
            buf.push(',');
        }
        buf.push('"');
        let mut escaped = String::with_capacity(item.len());
        for ch in item.chars() {
            if ch == '"' || ch == '\\' {
                escaped.push('\\');
            }
            escaped.push(ch);
        }
        push_copy_text(buf, &escaped);
        buf.push('"');
    }
    buf.push('}');
}

fn push_int(buf: &mut String, n: i32) {
    use std::fmt::Write;
    let _ = write!(buf, "{n}");
}

/// Escapes a value for COPY's text format: backslash, tab, newline and carriage return.
fn push_copy_text(buf: &mut String, s: &str) {
    for ch in s.chars() {
        match ch {
            '\\' => buf.push_str("\\\\"),
            '\t' => buf.push_str("\\t"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            c => buf.push(c),
        }
    }
}

/// Replaces the status and issues of some staged rows (e.g. after the database duplicate
/// check) in one statement; `codes` is recomputed from the issues.
pub async fn update_row_results(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    import_id: Uuid,
    seqs: &[i32],
    statuses: &[String],
    issues: &[serde_json::Value],
) -> Result<u64, StoreError> {
    let done = sqlx::query!(
        r#"UPDATE import_rows r
           SET status = u.status, issues = u.issues,
               codes = ARRAY(SELECT DISTINCT x->>'code' FROM jsonb_array_elements(u.issues) x)
           FROM UNNEST($3::int[], $4::text[], $5::jsonb[]) AS u(seq, status, issues)
           WHERE r.company_id = $1 AND r.import_id = $2 AND r.seq = u.seq"#,
        company_id,
        import_id,
        seqs,
        statuses,
        issues,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
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

/// Which of `emails` (normalised dedupe keys) already belong to a lead of the company:
/// one query for the whole import, never one per row.
pub async fn existing_emails(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    emails: &[String],
) -> Result<Vec<(String, Uuid)>, StoreError> {
    let rows = sqlx::query!(
        r#"SELECT email_norm AS "email_norm!", id FROM leads
           WHERE company_id = $1 AND email_norm = ANY($2::text[])"#,
        company_id,
        emails,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.email_norm, r.id)).collect())
}

/// Which of `phones` (E.164) already belong to a lead of the company, in one query.
pub async fn existing_phones(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    phones: &[String],
) -> Result<Vec<(String, Uuid)>, StoreError> {
    let rows = sqlx::query!(
        r#"SELECT DISTINCT ON (phone_e164) phone_e164 AS "phone_e164!", id FROM leads
           WHERE company_id = $1 AND phone_e164 = ANY($2::text[])
           ORDER BY phone_e164, created_at"#,
        company_id,
        phones,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.phone_e164, r.id)).collect())
}

/// Removes an import and its staged rows (a dry run that failed half-way).
pub async fn delete_import(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    import_id: Uuid,
) -> Result<(), StoreError> {
    sqlx::query!(
        "DELETE FROM imports WHERE company_id = $1 AND id = $2",
        company_id,
        import_id
    )
    .execute(db)
    .await?;
    Ok(())
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

/// The import row, locked for the rest of the transaction: edits to one import run one at
/// a time, so stats never lose an update.
pub async fn lock_import(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
) -> Result<Option<ImportRecord>, StoreError> {
    let row = sqlx::query_as!(
        ImportRecord,
        r#"SELECT i.id, i.company_id, NULL::text AS "created_by_email?", i.source_key, i.file_name,
                  i.sha256, i.size_bytes, i.storage_key, i.format, i.encoding, i.delimiter,
                  i.sheets, i.sheet, i.sheet_choice, i.header_row, i.headers, i.mapping, i.preset_id,
                  i.config_version, i.status, i.total_rows, i.stats, i.file_issues,
                  i.created_at, i.updated_at
           FROM imports i
           WHERE i.company_id = $1 AND i.id = $2
           FOR UPDATE"#,
        company_id,
        import_id,
    )
    .fetch_optional(conn)
    .await?;
    Ok(row)
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

/// Stores new stats (and, after a re-mapping, the new mapping).
pub async fn update_state(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    stats: &serde_json::Value,
    mapping: Option<&serde_json::Value>,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE imports SET stats = $3, mapping = COALESCE($4, mapping), updated_at = now()
         WHERE company_id = $1 AND id = $2",
        company_id,
        import_id,
        stats,
        mapping,
    )
    .execute(conn)
    .await?;
    Ok(())
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

/// Imports whose kept data (file and staged rows) is older than `before`.
pub async fn with_expired_data(
    db: impl PgExecutor<'_>,
    before: OffsetDateTime,
    limit: i64,
) -> Result<Vec<(Uuid, Uuid, String)>, StoreError> {
    let rows = sqlx::query!(
        "SELECT company_id, id, storage_key FROM imports
         WHERE created_at < $1 AND storage_key <> ''
         ORDER BY created_at LIMIT $2",
        before,
        limit,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.company_id, r.id, r.storage_key))
        .collect())
}

/// Drops an import's staged rows and forgets its stored file; the history row stays.
pub async fn forget_data(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
) -> Result<(), StoreError> {
    sqlx::query!(
        "DELETE FROM import_rows WHERE company_id = $1 AND import_id = $2",
        company_id,
        import_id
    )
    .execute(&mut *conn)
    .await?;
    // The undo history holds copies of the edits; it goes with the rows.
    sqlx::query!(
        "DELETE FROM import_undo WHERE company_id = $1 AND import_id = $2",
        company_id,
        import_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE imports SET storage_key = '', updated_at = now() WHERE company_id = $1 AND id = $2",
        company_id,
        import_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Undo and redo (`import_undo`).

/// A row's user-controlled state: its edits and whether it is excluded.
#[derive(Debug, Clone, PartialEq)]
pub struct RowState {
    pub seq: i32,
    pub edits: serde_json::Value,
    pub excluded: bool,
}

/// The edits and excluded flags of the given rows, in order.
pub async fn row_states(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    seqs: &[i32],
) -> Result<Vec<RowState>, StoreError> {
    let rows = sqlx::query_as!(
        RowState,
        "SELECT seq, edits, excluded FROM import_rows
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

/// Writes rows' edits and excluded flags back as they were recorded (undo / redo).
pub async fn restore_row_states(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    states: &[RowState],
) -> Result<u64, StoreError> {
    let seqs: Vec<i32> = states.iter().map(|s| s.seq).collect();
    let edits: Vec<serde_json::Value> = states.iter().map(|s| s.edits.clone()).collect();
    let excluded: Vec<bool> = states.iter().map(|s| s.excluded).collect();
    let done = sqlx::query!(
        r#"UPDATE import_rows r SET edits = u.edits, excluded = u.excluded
           FROM UNNEST($3::int[], $4::jsonb[], $5::bool[]) AS u(seq, edits, excluded)
           WHERE r.company_id = $1 AND r.import_id = $2 AND r.seq = u.seq"#,
        company_id,
        import_id,
        &seqs,
        &edits,
        &excluded,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// One recorded change.
#[derive(Debug, Clone)]
pub struct UndoStep {
    pub step: i32,
    pub kind: String,
    pub label: String,
    pub rows: serde_json::Value,
}

/// Records a change: drops the undone steps (a new change ends the redo branch), appends
/// this one and keeps only the newest `keep` steps.
pub async fn push_undo(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    kind: &str,
    label: &str,
    rows: &serde_json::Value,
    keep: i32,
) -> Result<(), StoreError> {
    sqlx::query!(
        "DELETE FROM import_undo WHERE company_id = $1 AND import_id = $2 AND undone",
        company_id,
        import_id,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO import_undo (company_id, import_id, step, kind, label, rows)
         SELECT $1, $2, COALESCE(max(step), 0) + 1, $3, $4, $5
         FROM import_undo WHERE company_id = $1 AND import_id = $2",
        company_id,
        import_id,
        kind,
        label,
        rows,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM import_undo WHERE company_id = $1 AND import_id = $2 AND step <= (
             SELECT max(step) - $3::int FROM import_undo WHERE company_id = $1 AND import_id = $2)",
        company_id,
        import_id,
        keep,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The step undo would revert (`undone = false`) or redo would re-apply (`undone = true`).
pub async fn next_undo_step(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    undone: bool,
) -> Result<Option<UndoStep>, StoreError> {
    // Undo walks back from the newest step; redo forward from the oldest undone one.
    let step = sqlx::query_as!(
        UndoStep,
        "SELECT step, kind, label, rows FROM import_undo
         WHERE company_id = $1 AND import_id = $2 AND undone = $3
         ORDER BY CASE WHEN $3 THEN step ELSE -step END
         LIMIT 1",
        company_id,
        import_id,
        undone,
    )
    .fetch_optional(conn)
    .await?;
    Ok(step)
}

/// Marks a step undone or redone.
pub async fn mark_undo_step(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    step: i32,
    undone: bool,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE import_undo SET undone = $4, updated_at = now()
         WHERE company_id = $1 AND import_id = $2 AND step = $3",
        company_id,
        import_id,
        step,
        undone,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The labels of the next undo and redo steps, if any.
pub async fn undo_labels(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    import_id: Uuid,
) -> Result<(Option<String>, Option<String>), StoreError> {
    let row = sqlx::query!(
        r#"SELECT
             (SELECT label FROM import_undo WHERE company_id = $1 AND import_id = $2 AND NOT undone
              ORDER BY step DESC LIMIT 1) AS "undo?",
             (SELECT label FROM import_undo WHERE company_id = $1 AND import_id = $2 AND undone
              ORDER BY step LIMIT 1) AS "redo?""#,
        company_id,
        import_id,
    )
    .fetch_one(db)
    .await?;
    Ok((row.undo, row.redo))
}
