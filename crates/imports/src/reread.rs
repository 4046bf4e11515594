//! Reading a staged import's kept file again: the first rows as read (for the wizard's
//! header-row picker, per sheet) and a fresh dry run with the user's overrides of sheet,
//! header row, encoding and delimiter. The re-read is a new import; the old one stays in
//! the history as it was.

use std::path::PathBuf;

use uuid::Uuid;

use crate::{dry_run, DryRunOptions, ImportError, ImportService, Upload};
use api::{DryRunReport, FilePreview, ImportId, Overrides, PreviewRow, SheetSummary};

/// The first rows of the import's file as read with `overrides` (header row aside).
pub async fn preview(
    svc: &ImportService,
    principal: &auth::Principal,
    import_id: ImportId,
    overrides: Overrides,
) -> Result<FilePreview, ImportError> {
    let (record, file) = kept_file(svc, principal, import_id).await?;
    // Sheets are scored against the same fields as in the dry run, so both choose alike.
    let active = crate::config::active(&svc.pool, principal.company_id).await?;
    let opts = intake::Options {
        sheet: overrides.sheet.clone().map(intake::SheetSelector::Name),
        header_row: None,
        encoding: overrides.encoding.clone(),
        delimiter: delimiter_byte(overrides.delimiter.as_deref())?,
        limits: svc.limits.clone(),
        fields: Some(std::sync::Arc::new(active.config)),
    };
    let path = file.0.clone();
    let info =
        tokio::task::spawn_blocking(move || intake::open(&path, &opts).map(|o| o.info().clone()))
            .await
            .map_err(ImportError::internal)??;
    drop(record);
    Ok(FilePreview {
        sheets: info
            .sheets
            .iter()
            .filter(|s| s.worksheet)
            .map(|s| SheetSummary {
                name: s.name.clone(),
                visible: s.visible,
                index: s.index,
            })
            .collect(),
        sheet_choice: info.sheet_choice.clone(),
        sheet: info.sheet,
        header_row: info.header_row,
        encoding: info.encoding,
        delimiter: info.delimiter.map(|d| d.to_string()),
        rows: info
            .preview
            .into_iter()
            .map(|r| PreviewRow {
                row: r.row,
                cells: r.cells,
            })
            .collect(),
    })
}

/// Runs the dry run again on the kept file with `overrides`, as a new import of the same
/// source. Answers the new import's report.
#[tracing::instrument(skip_all, fields(import = %import_id))]
pub async fn reread(
    svc: &ImportService,
    principal: &auth::Principal,
    import_id: ImportId,
    overrides: Overrides,
) -> Result<DryRunReport, ImportError> {
    let delimiter = delimiter_byte(overrides.delimiter.as_deref())?;
    if overrides.header_row == Some(0) {
        return Err(ImportError::bad_request(
            "The header row is a row number from 1.",
        ));
    }
    let (record, file) = kept_file(svc, principal, import_id).await?;
    let upload = Upload {
        path: file.0.clone(),
        file_name: record.file_name.clone(),
        sha256: record.sha256.clone(),
        size_bytes: u64::try_from(record.size_bytes).unwrap_or(0),
    };
    let opts = DryRunOptions {
        source: Some(record.source_key.clone()).filter(|s| !s.is_empty()),
        sheet: overrides.sheet,
        header_row: overrides.header_row,
        encoding: overrides.encoding,
        delimiter,
        ..DryRunOptions::default()
    };
    dry_run(svc, principal, upload, opts).await
}

/// A copy of the kept file on local disk, removed when dropped.
struct TempCopy(PathBuf);

impl Drop for TempCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

async fn kept_file(
    svc: &ImportService,
    principal: &auth::Principal,
    import_id: ImportId,
) -> Result<(store::imports::ImportRecord, TempCopy), ImportError> {
    principal.require_member()?;
    let record = store::imports::get_import(&svc.pool, principal.company_id, import_id.uuid())
        .await?
        .ok_or_else(|| ImportError::NotFound(format!("No import {import_id}.")))?;
    if record.storage_key.is_empty() {
        return Err(ImportError::Conflict {
            code: "import.file_purged",
            message: "The file of this import was deleted after the retention period.".into(),
        });
    }
    let bytes = svc.files.get(&record.storage_key).await?;
    let copy =
        TempCopy(std::env::temp_dir().join(format!("lead-importer-reread-{}", Uuid::new_v4())));
    tokio::fs::write(&copy.0, &bytes)
        .await
        .map_err(ImportError::internal)?;
    Ok((record, copy))
}

fn delimiter_byte(value: Option<&str>) -> Result<Option<u8>, ImportError> {
    match value.filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => intake::delimiter_from_name(v).map(Some).ok_or_else(|| {
            ImportError::bad_request(format!(
                "The delimiter “{v}” must be one character, or “tab”."
            ))
        }),
    }
}
