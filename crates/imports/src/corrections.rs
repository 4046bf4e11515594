//! The error report's round trip: the XLSX report, fixed in a spreadsheet program and
//! uploaded back to its import, becomes cell edits of the rows it names (by "Row id").
//! Only cells that differ from the row's current value are patched, and every patch is
//! revalidated on the server like any other edit.

use std::collections::HashMap;
use std::path::Path;

use api::{CellEdit, CorrectionResult, ImportId, Stats};

use crate::reports::{current_value, FIX_SHEET, META_HEADERS, ROW_ID_HEADER};
use crate::{ImportError, ImportService};

/// Rows looked up per query while comparing.
const BATCH_ROWS: usize = 2_000;
/// Cells sent to the edit service per call (its per-request limit).
const EDITS_PER_CALL: usize = 10_000;

/// Reads a corrected report at `path` and patches the import's rows.
#[tracing::instrument(skip_all, fields(import = %id))]
pub async fn apply_corrections(
    svc: &ImportService,
    principal: &auth::Principal,
    id: ImportId,
    path: &Path,
) -> Result<CorrectionResult, ImportError> {
    let import_id = id.uuid();
    principal.require_member()?;
    let company_id = principal.company_id;
    let record = store::imports::get_import(&svc.pool, company_id, import_id)
        .await?
        .ok_or_else(|| ImportError::NotFound(format!("No import {import_id}.")))?;
    if !matches!(record.status.as_str(), "staged" | "failed") {
        return Err(ImportError::Conflict {
            code: "import.not_editable",
            message: format!(
                "This import is {} and can no longer be changed.",
                record.status
            ),
        });
    }
    let config = crate::config::version(&svc.pool, company_id, record.config_version).await?;
    let mapping: crate::mapping::Mapping =
        serde_json::from_value(record.mapping).map_err(ImportError::internal)?;
    let mapped_columns = mapping.columns_for(&config.config.fields);

    let limits = svc.limits.clone();
    let path = path.to_owned();
    let lines = tokio::task::spawn_blocking(move || read_report(&path, limits))
        .await
        .map_err(ImportError::internal)??;

    // Which report column feeds which field: by label or key, case-insensitive.
    let fold = |s: &str| s.trim().to_lowercase();
    let mut field_columns: Vec<(usize, String, Option<usize>)> = Vec::new();
    for (c, header) in lines.headers.iter().enumerate() {
        if META_HEADERS.contains(&header.trim()) {
            continue;
        }
        let h = fold(header);
        if let Some((i, f)) = config
            .config
            .fields
            .iter()
            .enumerate()
            .find(|(_, f)| fold(&f.label) == h || fold(&f.key) == h)
        {
            field_columns.push((c, f.key.clone(), mapped_columns.get(i).copied().flatten()));
        }
    }
    if field_columns.is_empty() {
        return Err(ImportError::invalid(
            "corrections.no_fields",
            "None of the report's columns is a field of this import. Upload the “Fix these rows” sheet of its error report.",
        ));
    }

    let mut edits: Vec<CellEdit> = Vec::new();
    let mut rows_patched = 0u64;
    let mut rows_unknown = 0u64;
    for chunk in lines.rows.chunks(BATCH_ROWS) {
        let seqs: Vec<i32> = chunk.iter().map(|(seq, _)| *seq).collect();
        let current =
            store::imports::rows_out_by_seq(&svc.pool, company_id, import_id, &seqs).await?;
        let by_seq: HashMap<i32, &store::imports::StagedRowOut> =
            current.iter().map(|r| (r.seq, r)).collect();
        for (seq, cells) in chunk {
            let Some(row) = by_seq.get(seq) else {
                rows_unknown += 1;
                continue;
            };
            let before = edits.len();
            for (c, key, column) in &field_columns {
                let new = cells.get(*c).map(|s| s.trim()).unwrap_or("");
                let old = current_value(row, key, *column);
                if new != old.trim() {
                    edits.push(CellEdit {
                        seq: u32::try_from(*seq).unwrap_or(0),
                        field: key.clone(),
                        value: (!new.is_empty()).then(|| new.to_owned()),
                    });
                }
            }
            if edits.len() > before {
                rows_patched += 1;
            }
        }
    }
    let cells_changed = edits.len() as u64;
    let mut stats: Stats = serde_json::from_value(record.stats).unwrap_or_default();
    let mut rest = edits;
    while !rest.is_empty() {
        let tail = rest.split_off(rest.len().min(EDITS_PER_CALL));
        let done = crate::edits::edit_cells(svc, principal, id, rest).await?;
        stats = done.stats;
        rest = tail;
    }
    Ok(CorrectionResult {
        rows_patched,
        cells_changed,
        rows_unknown,
        stats,
    })
}

/// The report's header and its rows as (seq, cells).
struct ReportLines {
    headers: Vec<String>,
    rows: Vec<(i32, Vec<String>)>,
}

/// Reads the "Fix these rows" sheet (or the first sheet, or a CSV) with the header on
/// row 1, keeping only lines with a valid "Row id".
fn read_report(path: &Path, limits: intake::Limits) -> Result<ReportLines, ImportError> {
    let mut options = intake::Options {
        header_row: Some(1),
        limits,
        ..intake::Options::default()
    };
    let mut reader = intake::open(path, &options)?;
    if reader.info().sheets.iter().any(|s| s.name == FIX_SHEET)
        && reader.info().sheet.as_deref() != Some(FIX_SHEET)
    {
        options.sheet = Some(intake::SheetSelector::Name(FIX_SHEET.into()));
        reader = intake::open(path, &options)?;
    }
    let headers = reader.info().headers.clone();
    let Some(id_column) = headers.iter().position(|h| h.trim() == ROW_ID_HEADER) else {
        return Err(ImportError::invalid(
            "corrections.no_row_id",
            "This file has no “Row id” column. Upload the error report of this import after fixing it, with its columns as they were.",
        ));
    };
    let mut rows = Vec::new();
    for record in reader {
        let record = record?;
        let Some(id) = record.cells.get(id_column) else {
            continue;
        };
        // Spreadsheet programs may turn "12" into "12.0" when they re-save the sheet.
        let id = id.trim();
        let id = id.strip_suffix(".0").unwrap_or(id);
        if let Ok(seq) = id.parse::<i32>() {
            rows.push((seq, record.cells));
        }
    }
    Ok(ReportLines { headers, rows })
}
