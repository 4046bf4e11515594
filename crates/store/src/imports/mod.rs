//! The import history and staged rows. This module: creating, finding, listing, locking
//! and deleting imports; staging (COPY), reading rows back, edits, undo and retention live
//! in the submodules and are re-exported here, so callers name `store::imports::…`.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StoreError;

mod edits;
mod retention;
mod rows;
mod staging;
mod undo;

pub use edits::*;
pub use retention::*;
pub use rows::*;
pub use staging::*;
pub use undo::*;

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

/// The company's newest imports whose staged rows are still kept (not past retention),
/// for replaying a draft configuration against them.
pub async fn recent_with_rows(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    limit: i64,
) -> Result<Vec<ImportRecord>, StoreError> {
    let rows = sqlx::query_as!(
        ImportRecord,
        r#"SELECT i.id, i.company_id, u.email AS "created_by_email?", i.source_key, i.file_name,
                  i.sha256, i.size_bytes, i.storage_key, i.format, i.encoding, i.delimiter,
                  i.sheets, i.sheet, i.sheet_choice, i.header_row, i.headers, i.mapping, i.preset_id,
                  i.config_version, i.status, i.total_rows, i.stats, i.file_issues,
                  i.created_at, i.updated_at
           FROM imports i LEFT JOIN users u ON u.id = i.created_by
           WHERE i.company_id = $1 AND i.status <> 'validating' AND i.storage_key <> ''
             AND i.total_rows > 0
           ORDER BY i.created_at DESC LIMIT $2"#,
        company_id,
        limit,
    )
    .fetch_all(db)
    .await?;
    Ok(rows)
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

/// Which imports a list holds: created in `from`..`to`, of a source, in a status, with
/// issues of a code (each `None`: any).
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportFilter<'a> {
    pub from: Option<OffsetDateTime>,
    pub to: Option<OffsetDateTime>,
    pub source: Option<&'a str>,
    pub status: Option<&'a str>,
    pub code: Option<&'a str>,
}

/// The company's imports matching `filter`, newest first.
pub async fn list_imports(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    filter: ImportFilter<'_>,
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
             AND ($4::timestamptz IS NULL OR i.created_at >= $4)
             AND ($5::timestamptz IS NULL OR i.created_at < $5)
             AND ($6::text IS NULL OR i.source_key = $6)
             AND ($7::text IS NULL OR i.status = $7)
             AND ($8::text IS NULL OR i.stats->'by_code' ? $8)
           ORDER BY i.created_at DESC, i.id
           LIMIT $2 OFFSET $3"#,
        company_id,
        limit,
        offset,
        filter.from,
        filter.to,
        filter.source,
        filter.status,
        filter.code,
    )
    .fetch_all(db)
    .await?;
    Ok(rows)
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

/// Stores new stats (and, after a re-mapping, the new mapping).
/// Records that an import's rows were checked again with configuration `version`.
pub async fn set_config_version(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    version: i32,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE imports SET config_version = $3, updated_at = now()
         WHERE company_id = $1 AND id = $2",
        company_id,
        import_id,
        version,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Stores an import's stats and, when given, its mapping.
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
