//! Reading staged imports back: the summary, the history list and pages of rows filtered
//! by status, field, issue code or a search text. Another company's import is simply not found.

use sqlx::PgPool;
use uuid::Uuid;

use crate::mapping::Mapping;
use crate::model::{
    FileSummary, ImportSummary, MappingView, Page, RowPage, RowView, SheetSummary, Stats,
};
use crate::ImportError;

/// Which rows to return.
#[derive(Debug, Clone, Default)]
pub struct RowQuery {
    pub offset: i64,
    pub limit: i64,
    /// `valid`, `warning` or `error`.
    pub status: Option<String>,
    /// Rows with an issue on this field.
    pub field: Option<String>,
    /// Rows with an issue of this code.
    pub code: Option<String>,
}

/// The import's summary.
pub async fn summary(
    pool: &PgPool,
    principal: &auth::Principal,
    import_id: Uuid,
) -> Result<ImportSummary, ImportError> {
    let record = load(pool, principal, import_id).await?;
    let mut summaries = [to_summary(record)?];
    crate::apply::attach_state(pool, principal.company_id, &mut summaries, true).await?;
    let [summary] = summaries;
    Ok(summary)
}

/// The company's imports, newest first.
pub async fn history(
    pool: &PgPool,
    principal: &auth::Principal,
    limit: i64,
    offset: i64,
) -> Result<Vec<ImportSummary>, ImportError> {
    let records = store::imports::list_imports(
        pool,
        principal.company_id,
        limit.clamp(1, 500),
        offset.max(0),
    )
    .await?;
    let mut summaries = records
        .into_iter()
        .map(to_summary)
        .collect::<Result<Vec<_>, _>>()?;
    crate::apply::attach_state(pool, principal.company_id, &mut summaries, false).await?;
    Ok(summaries)
}

/// A page of staged rows.
pub async fn page(
    pool: &PgPool,
    principal: &auth::Principal,
    import_id: Uuid,
    query: &RowQuery,
) -> Result<RowPage, ImportError> {
    search(pool, principal, import_id, query, None).await
}

/// A page of staged rows that also contain `text` in a cell (original or edited,
/// case-insensitive) — the grid's search box.
pub async fn search(
    pool: &PgPool,
    principal: &auth::Principal,
    import_id: Uuid,
    query: &RowQuery,
    text: Option<&str>,
) -> Result<RowPage, ImportError> {
    let record = load(pool, principal, import_id).await?;
    if let Some(status) = query.status.as_deref() {
        if !matches!(status, "valid" | "warning" | "error") {
            return Err(ImportError::bad_request(format!(
                "Unknown status filter “{status}”: use valid, warning or error."
            )));
        }
    }
    let headers: Vec<String> = serde_json::from_value(record.headers).unwrap_or_default();
    // While rows are still being staged the stored total is not final yet.
    let q = text.map(str::trim).filter(|q| !q.is_empty());
    let unfiltered = query.status.is_none()
        && query.field.is_none()
        && query.code.is_none()
        && q.is_none()
        && record.status != "validating";
    let limit = if query.limit <= 0 {
        100
    } else {
        query.limit.min(1_000)
    };
    let offset = query.offset.max(0);
    let (rows, total) = store::imports::page_rows(
        pool,
        principal.company_id,
        import_id,
        &store::imports::RowFilter {
            status: query.status.as_deref(),
            field: query.field.as_deref(),
            code: query.code.as_deref(),
            q,
        },
        offset,
        limit,
        unfiltered.then_some(i64::from(record.total_rows)),
    )
    .await?;
    Ok(RowPage {
        rows: rows.into_iter().map(|r| row_view(&headers, r)).collect(),
        page: Page {
            offset,
            limit,
            total,
        },
    })
}

/// Some rows by seq (the rows an edit touched).
pub async fn by_seq(
    pool: &PgPool,
    principal: &auth::Principal,
    import_id: Uuid,
    seqs: &[i32],
) -> Result<Vec<RowView>, ImportError> {
    let record = load(pool, principal, import_id).await?;
    let headers: Vec<String> = serde_json::from_value(record.headers).unwrap_or_default();
    let rows = store::imports::rows_out_by_seq(pool, principal.company_id, import_id, seqs).await?;
    Ok(rows.into_iter().map(|r| row_view(&headers, r)).collect())
}

async fn load(
    pool: &PgPool,
    principal: &auth::Principal,
    import_id: Uuid,
) -> Result<store::imports::ImportRecord, ImportError> {
    principal.require_member()?;
    store::imports::get_import(pool, principal.company_id, import_id)
        .await?
        .ok_or_else(|| ImportError::NotFound(format!("No import {import_id}.")))
}

fn row_view(headers: &[String], r: store::imports::StagedRowOut) -> RowView {
    let cells: Vec<serde_json::Value> = match r.original {
        serde_json::Value::Array(cells) => cells,
        _ => Vec::new(),
    };
    let mut original = serde_json::Map::with_capacity(cells.len());
    for (i, cell) in cells.into_iter().enumerate() {
        // Cells beyond the header (ragged rows) keep a positional name.
        let key = headers
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("Column {}", i + 1));
        original.insert(key, cell);
    }
    RowView {
        row: u32::try_from(r.row_no).unwrap_or(0),
        seq: u32::try_from(r.seq).unwrap_or(0),
        status: r.status,
        original,
        normalized: r.normalized,
        edits: r.edits,
        issues: r.issues,
        excluded: r.excluded,
    }
}

fn to_summary(r: store::imports::ImportRecord) -> Result<ImportSummary, ImportError> {
    let mapping: Mapping = serde_json::from_value(r.mapping).map_err(ImportError::internal)?;
    let stats: Stats = serde_json::from_value(r.stats).unwrap_or_default();
    let sheets: Vec<SheetSummary> = serde_json::from_value(r.sheets).unwrap_or_default();
    Ok(ImportSummary {
        id: r.id,
        status: r.status,
        source: r.source_key,
        created_by: r.created_by_email,
        created_at: r.created_at,
        config_version: r.config_version,
        file: FileSummary {
            name: r.file_name,
            sha256: r.sha256,
            size_bytes: r.size_bytes,
            format: r.format,
            encoding: r.encoding,
            delimiter: r.delimiter,
            sheets,
            sheet: r.sheet,
            // Older imports have none; a shape this version cannot read is left out.
            sheet_choice: r.sheet_choice.and_then(|v| serde_json::from_value(v).ok()),
            header_row: u32::try_from(r.header_row).unwrap_or(0),
            total_rows: u64::try_from(r.total_rows).unwrap_or(0),
        },
        mapping: MappingView {
            preset_id: mapping.preset_id,
            preset_name: mapping.preset_name,
            columns: mapping.columns,
        },
        stats,
        file_issues: r.file_issues,
        apply: Default::default(),
    })
}
