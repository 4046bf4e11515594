//! Reading staged imports back: the summary, the history list and pages of rows filtered
//! by status, field, issue code or a search text. Another company's import is simply not found.

use sqlx::PgPool;

use api::{
    FileSummary, ImportId, ImportListQuery, ImportStatus, ImportSummary, Mapping, Page, RowPage,
    RowQuery, RowStatus, RowView, SheetSummary, Stats,
};

use crate::ImportError;

/// The import's summary.
pub async fn summary(
    pool: &PgPool,
    principal: &auth::Principal,
    import_id: ImportId,
) -> Result<ImportSummary, ImportError> {
    let record = load(pool, principal, import_id).await?;
    let mut summaries = [to_summary(record)?];
    crate::apply::attach_state(pool, principal.company_id, &mut summaries, true).await?;
    let [summary] = summaries;
    Ok(summary)
}

/// The company's imports matching the query, newest first.
pub async fn history(
    pool: &PgPool,
    principal: &auth::Principal,
    query: &ImportListQuery,
) -> Result<Vec<ImportSummary>, ImportError> {
    use time::{Duration, Time};
    let midnight = |d: time::Date| d.with_time(Time::MIDNIGHT).assume_utc();
    let from = crate::dashboard::parse_day(query.from.as_deref(), "“from”")?;
    let to = crate::dashboard::parse_day(query.to.as_deref(), "“to”")?;
    fn text(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|v| !v.is_empty())
    }
    let filter = store::imports::ImportFilter {
        from: from.map(midnight),
        // `to` is the last day listed.
        to: to.map(|d| midnight(d + Duration::days(1))),
        source: text(&query.source),
        status: query.status.map(ImportStatus::as_str),
        code: text(&query.code),
    };
    let records = store::imports::list_imports(
        pool,
        principal.company_id,
        filter,
        query.limit.unwrap_or(50).clamp(1, 500),
        query.offset.unwrap_or(0).max(0),
    )
    .await?;
    let mut summaries = records
        .into_iter()
        .map(to_summary)
        .collect::<Result<Vec<_>, _>>()?;
    crate::apply::attach_state(pool, principal.company_id, &mut summaries, false).await?;
    Ok(summaries)
}

/// A page of staged rows, filtered by status, issue field, issue code and a text in a cell
/// (original or edited, case-insensitive — the grid's search box).
pub async fn page(
    pool: &PgPool,
    principal: &auth::Principal,
    import_id: ImportId,
    query: &RowQuery,
) -> Result<RowPage, ImportError> {
    let record = load(pool, principal, import_id).await?;
    if query.status == Some(RowStatus::Empty) {
        return Err(ImportError::bad_request(
            "Empty rows are not listed: filter by valid, warning or error.",
        ));
    }
    let headers: Vec<String> = serde_json::from_value(record.headers).unwrap_or_default();
    let q = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    // While rows are still being staged the stored total is not final yet.
    let unfiltered = query.status.is_none()
        && query.field.is_none()
        && query.code.is_none()
        && q.is_none()
        && record.status != ImportStatus::Validating.as_str();
    let limit = match query.limit {
        Some(limit) if limit > 0 => limit.min(1_000),
        _ => 100,
    };
    let offset = query.offset.unwrap_or(0).max(0);
    let (rows, total) = store::imports::page_rows(
        pool,
        principal.company_id,
        import_id.uuid(),
        &store::imports::RowFilter {
            status: query.status.map(RowStatus::as_str),
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
    import_id: ImportId,
    seqs: &[i32],
) -> Result<Vec<RowView>, ImportError> {
    let record = load(pool, principal, import_id).await?;
    let headers: Vec<String> = serde_json::from_value(record.headers).unwrap_or_default();
    let rows =
        store::imports::rows_out_by_seq(pool, principal.company_id, import_id.uuid(), seqs).await?;
    Ok(rows.into_iter().map(|r| row_view(&headers, r)).collect())
}

async fn load(
    pool: &PgPool,
    principal: &auth::Principal,
    import_id: ImportId,
) -> Result<store::imports::ImportRecord, ImportError> {
    principal.require_member()?;
    store::imports::get_import(pool, principal.company_id, import_id.uuid())
        .await?
        .ok_or_else(|| ImportError::NotFound(format!("No import {import_id}.")))
}

fn row_view(headers: &[String], r: store::imports::StagedRowOut) -> RowView {
    let cells: Vec<serde_json::Value> = match r.original {
        serde_json::Value::Array(cells) => cells,
        _ => Vec::new(),
    };
    let mut original = std::collections::BTreeMap::new();
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
        // The table's CHECK constraint allows only the three listed statuses.
        status: r.status.parse().unwrap_or(RowStatus::Error),
        original,
        normalized: json_map(r.normalized),
        edits: json_map(r.edits),
        // Staged issues were written from `rules::Issue`; one this version cannot read
        // is left out of the view rather than failing the page.
        issues: match r.issues {
            serde_json::Value::Array(items) => items
                .into_iter()
                .filter_map(|i| serde_json::from_value(i).ok())
                .collect(),
            _ => Vec::new(),
        },
        excluded: r.excluded,
    }
}

/// A stored JSON object as a map (anything else is empty).
fn json_map(value: serde_json::Value) -> std::collections::BTreeMap<String, serde_json::Value> {
    match value {
        serde_json::Value::Object(map) => map.into_iter().collect(),
        _ => Default::default(),
    }
}

fn to_summary(r: store::imports::ImportRecord) -> Result<ImportSummary, ImportError> {
    let mapping: Mapping = serde_json::from_value(r.mapping).map_err(ImportError::internal)?;
    let stats: Stats = serde_json::from_value(r.stats).unwrap_or_default();
    let sheets: Vec<SheetSummary> = serde_json::from_value(r.sheets).unwrap_or_default();
    let status = r.status.parse().map_err(ImportError::internal)?;
    Ok(ImportSummary {
        id: ImportId(r.id),
        status,
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
        mapping,
        stats,
        file_issues: r.file_issues,
        apply: Default::default(),
    })
}
