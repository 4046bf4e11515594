//! Staging a dry run's rows: bulk COPY into `import_rows`, the results of the second
//! pass, and the one batched duplicate lookup against `leads`.

use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::StoreError;

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
