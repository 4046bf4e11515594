//! Error reports people can work with: CSV (UTF-8 with BOM, so Excel opens it right) in two
//! shapes — the failed rows with all their original columns, re-importable as a new file,
//! or one line per issue — and an XLSX (a "Fix these rows" sheet to correct and upload
//! back, and an "Issues" sheet). Rows are read in batches and written by a blocking thread
//! to a temporary file, so a report of a million rows never holds them in memory; CSV cells
//! that a spreadsheet would run as a formula are neutralised, XLSX cells are all text.

use std::borrow::Cow;
use std::io::Write;

use rust_xlsxwriter::{Format, Workbook, Worksheet};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::mapping::Mapping;
use crate::{ImportError, ImportService};

/// Staged rows read per query.
const BATCH_ROWS: i64 = 2_000;
/// Excel's limits: characters per cell, rows per sheet.
const XLSX_MAX_CELL: usize = 32_767;
const XLSX_MAX_ROWS: u32 = 1_048_576;

/// The reports an import has: the CSV in its two shapes and the XLSX workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// One line per row with issues: the report's own columns ([`META_HEADERS`]), then
    /// every column of the original file under its original header, with the row's
    /// current values. Uploading it as a new file maps every column as the import did.
    CsvRows,
    /// One line per issue ([`ISSUE_HEADERS`]).
    CsvIssues,
    Xlsx,
}

impl ReportFormat {
    /// Every report, in the order they are stored after an apply.
    pub const ALL: [ReportFormat; 3] = [
        ReportFormat::CsvRows,
        ReportFormat::CsvIssues,
        ReportFormat::Xlsx,
    ];

    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::CsvRows | ReportFormat::CsvIssues => "csv",
            ReportFormat::Xlsx => "xlsx",
        }
    }

    /// The name of the report among the import's stored reports (`imports.report_keys`).
    /// The issue list keeps `csv`, its name from before the rows shape existed, so reports
    /// stored by earlier versions are still served as what they are.
    pub fn key_name(self) -> &'static str {
        match self {
            ReportFormat::CsvRows => "csv_rows",
            ReportFormat::CsvIssues => "csv",
            ReportFormat::Xlsx => "xlsx",
        }
    }

    /// What the downloaded file is called, after the uploaded file's stem.
    pub fn file_name(self, stem: &str) -> String {
        match self {
            ReportFormat::CsvRows => format!("{stem}-failed-rows.csv"),
            ReportFormat::CsvIssues => format!("{stem}-errors.csv"),
            ReportFormat::Xlsx => format!("{stem}-errors.xlsx"),
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ReportFormat::CsvRows | ReportFormat::CsvIssues => "text/csv; charset=utf-8",
            ReportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }
}

/// The name of the sheet corrections are read from when a report comes back.
pub const FIX_SHEET: &str = "Fix these rows";
/// The column that ties a report line to its staged row.
pub const ROW_ID_HEADER: &str = "Row id";
/// The columns before the fields on the "Fix these rows" sheet; their names must not be
/// mistaken for fields when the sheet comes back ("Status" is also a lead field).
pub const ROW_STATUS_HEADER: &str = "Row status";
pub const PROBLEMS_HEADER: &str = "Problems";
pub const META_HEADERS: [&str; 4] = [ROW_ID_HEADER, "Row", ROW_STATUS_HEADER, PROBLEMS_HEADER];

/// The columns of `headers` that are a report's own columns, when `headers` is the header
/// of a report (the failed-rows CSV or the "Fix these rows" sheet): every one of
/// [`META_HEADERS`] is there. Empty otherwise — an ordinary file with a "Row" column is
/// not a report. The first column with each name counts.
pub fn meta_columns(headers: &[String]) -> Vec<usize> {
    let mut found = Vec::with_capacity(META_HEADERS.len());
    for meta in META_HEADERS {
        match headers.iter().position(|h| h.trim() == meta) {
            Some(i) => found.push(i),
            None => return Vec::new(),
        }
    }
    found.sort_unstable();
    found
}

const ISSUE_HEADERS: [&str; 11] = [
    "Row",
    ROW_ID_HEADER,
    ROW_STATUS_HEADER,
    "Field",
    "Column",
    "Level",
    "Code",
    "Original value",
    "Normalized value",
    "Message",
    "Hint",
];

/// A report ready to be sent: the file name users see and the file on disk.
#[derive(Debug)]
pub struct Report {
    pub file_name: String,
    pub file: tempfile::NamedTempFile,
}

/// Prefixes `'` to a CSV cell a spreadsheet would treat as a formula (`= + - @`, tab, CR,
/// LF at the start), so opening the report never runs anything.
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\n') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// True when a cell would need the `'` of [`escape_cell`]: it starts with a formula
/// trigger, or with apostrophes followed by one.
fn needs_escape(cell: &str) -> bool {
    matches!(
        cell.trim_start_matches('\'').as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\n')
    )
}

/// The failed-rows CSV's neutralisation: [`neutralize`], and a value that already starts
/// with `'` before a trigger gets one more, so [`unescape_cell`] gives back exactly the
/// value (a phone `+49…` comes back as `+49…`, a neutralised `'=x` as `'=x`).
pub fn escape_cell(cell: &str) -> Cow<'_, str> {
    if needs_escape(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Undoes [`escape_cell`] on a cell of a failed-rows CSV uploaded again.
pub fn unescape_cell(cell: &str) -> Option<&str> {
    cell.strip_prefix('\'').filter(|rest| needs_escape(rest))
}

/// The key under which an import's stored report lives.
pub fn storage_key(company_id: Uuid, import_id: Uuid, format: ReportFormat) -> String {
    match format {
        ReportFormat::CsvRows => format!("reports/{company_id}/{import_id}/failed-rows.csv"),
        ReportFormat::CsvIssues | ReportFormat::Xlsx => format!(
            "reports/{company_id}/{import_id}/errors.{}",
            format.extension()
        ),
    }
}

/// What the writer thread needs to know about the import.
struct Layout {
    /// (field key, label, source column) for each mapped field, in configuration order.
    fields: Vec<(String, String, Option<usize>)>,
    headers: Vec<String>,
    /// The field each source column feeds, by column index.
    column_fields: Vec<Option<String>>,
    /// Source columns the failed-rows CSV writes: all but the columns of an earlier report
    /// (when this import is a report uploaded again), whose place its own columns take.
    row_columns: Vec<usize>,
}

/// Writes the report of an import's current staged rows to a temporary file.
pub async fn generate(
    svc: &ImportService,
    company_id: Uuid,
    import_id: Uuid,
    format: ReportFormat,
) -> Result<Report, ImportError> {
    let record = store::imports::get_import(&svc.pool, company_id, import_id)
        .await?
        .ok_or_else(|| ImportError::NotFound(format!("No import {import_id}.")))?;
    let config = crate::config::version(&svc.pool, company_id, record.config_version).await?;
    let mapping: Mapping = serde_json::from_value(record.mapping).map_err(ImportError::internal)?;
    let columns = mapping.columns_for(&config.config.fields);
    let headers: Vec<String> = serde_json::from_value(record.headers).unwrap_or_default();
    let mut column_fields: Vec<Option<String>> = vec![None; headers.len()];
    for c in &mapping.columns {
        if let Some(slot) = column_fields.get_mut(c.index) {
            slot.clone_from(&c.field);
        }
    }
    let earlier_meta = meta_columns(&headers);
    let row_columns = (0..headers.len())
        .filter(|c| !earlier_meta.contains(c) || column_fields[*c].is_some())
        .collect();
    let layout = Layout {
        fields: config
            .config
            .fields
            .iter()
            .zip(columns)
            .filter(|(_, column)| column.is_some())
            .map(|(f, column)| (f.key.clone(), f.label.clone(), column))
            .collect(),
        headers,
        column_fields,
        row_columns,
    };
    let stem = file_stem(&record.file_name).to_owned();
    let file = tempfile::NamedTempFile::new().map_err(ImportError::internal)?;
    let path = file.path().to_owned();

    let (tx, mut rx) = mpsc::channel::<Vec<store::imports::StagedRowOut>>(2);
    let writer = tokio::task::spawn_blocking(move || -> Result<(), ImportError> {
        let out = std::fs::File::create(&path).map_err(ImportError::internal)?;
        match format {
            ReportFormat::CsvRows => write_csv_rows(out, &layout, &mut rx),
            ReportFormat::CsvIssues => write_csv(out, &layout, &mut rx),
            ReportFormat::Xlsx => write_xlsx(out, &layout, &mut rx),
        }
    });
    let mut after = -1;
    loop {
        let batch =
            store::apply::issue_rows_after(&svc.pool, company_id, import_id, after, BATCH_ROWS)
                .await?;
        let Some(last) = batch.last() else { break };
        after = last.seq;
        let full = i64::try_from(batch.len()).unwrap_or(0) == BATCH_ROWS;
        if tx.send(batch).await.is_err() || !full {
            break;
        }
    }
    drop(tx);
    writer.await.map_err(ImportError::internal)??;
    Ok(Report {
        file_name: format.file_name(&stem),
        file,
    })
}

/// A report on its way to the user.
pub struct Download {
    pub file_name: String,
    pub stream: futures::stream::BoxStream<'static, Result<bytes::Bytes, ImportError>>,
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("file_name", &self.file_name)
            .finish_non_exhaustive()
    }
}

/// The import's error report: the one stored when it was applied, or one generated from
/// its current rows. The download is audited.
#[tracing::instrument(skip_all, fields(import = %id, report = format.key_name()))]
pub async fn download(
    svc: &ImportService,
    principal: &auth::Principal,
    id: api::ImportId,
    format: ReportFormat,
) -> Result<Download, ImportError> {
    principal.require_member()?;
    let import_id = id.uuid();
    let company_id = principal.company_id;
    let record = store::imports::get_import(&svc.pool, company_id, import_id)
        .await?
        .ok_or_else(|| ImportError::NotFound(format!("No import {import_id}.")))?;
    store::audit::record(
        &svc.pool,
        &store::audit::AuditEntry {
            company_id: Some(company_id),
            actor_id: Some(principal.user_id),
            action: "import.report_downloaded",
            entity: "import",
            entity_id: Some(import_id.to_string()),
            diff: report_diff(format),
        },
    )
    .await?;
    let file_name = format.file_name(file_stem(&record.file_name));
    let states = store::apply::apply_states(&svc.pool, company_id, &[import_id]).await?;
    // Each report is stored under its own name, so one shape is never served for another;
    // an import applied before the rows shape existed has none and gets it generated.
    let stored = states
        .first()
        .and_then(|s| s.report_keys.get(format.key_name()))
        .and_then(|k| k.as_str())
        .map(str::to_owned);
    if let Some(key) = stored {
        if let Some(stream) = svc.files.get_stream(&key).await? {
            return Ok(Download { file_name, stream });
        }
    }
    let report = generate(svc, company_id, import_id, format).await?;
    Ok(Download {
        file_name,
        stream: stream_file(report.file).await?,
    })
}

/// What the audit log records about a download.
fn report_diff(format: ReportFormat) -> serde_json::Value {
    match format {
        ReportFormat::CsvRows => serde_json::json!({ "format": "csv", "shape": "rows" }),
        ReportFormat::CsvIssues => serde_json::json!({ "format": "csv", "shape": "issues" }),
        ReportFormat::Xlsx => serde_json::json!({ "format": "xlsx" }),
    }
}

/// Streams a temporary file in chunks; the file is deleted once the stream is dropped.
async fn stream_file(
    file: tempfile::NamedTempFile,
) -> Result<futures::stream::BoxStream<'static, Result<bytes::Bytes, ImportError>>, ImportError> {
    use futures::StreamExt;
    use tokio::io::AsyncReadExt;
    let reader = tokio::fs::File::open(file.path())
        .await
        .map_err(ImportError::internal)?;
    let stream = futures::stream::unfold(
        (Some(reader), file, vec![0u8; 64 * 1024]),
        |(reader, guard, mut buf)| async move {
            let mut reader = reader?;
            match reader.read(&mut buf).await {
                Ok(0) => None,
                Ok(n) => {
                    let chunk = bytes::Bytes::copy_from_slice(&buf[..n]);
                    Some((Ok(chunk), (Some(reader), guard, buf)))
                }
                // The error ends the stream.
                Err(e) => Some((Err(ImportError::internal(e)), (None, guard, buf))),
            }
        },
    );
    Ok(stream.boxed())
}

/// The file name without its extension.
fn file_stem(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// Generates every report and keeps them with the import (after an apply).
pub async fn store_reports(
    svc: &ImportService,
    company_id: Uuid,
    import_id: Uuid,
) -> Result<(), ImportError> {
    let mut keys = serde_json::Map::new();
    for format in ReportFormat::ALL {
        let report = generate(svc, company_id, import_id, format).await?;
        let key = storage_key(company_id, import_id, format);
        svc.files.put_file(&key, report.file.path()).await?;
        keys.insert(format.key_name().into(), serde_json::Value::String(key));
    }
    store::apply::set_report_keys(
        &svc.pool,
        company_id,
        import_id,
        &serde_json::Value::Object(keys),
    )
    .await?;
    Ok(())
}

/// The issues of a row as report lines: (field, column header, level, code, original,
/// normalized, message, hint).
fn issue_lines<'a>(
    layout: &'a Layout,
    row: &'a store::imports::StagedRowOut,
) -> impl Iterator<Item = [Cow<'a, str>; 8]> + 'a {
    let issues = row.issues.as_array().map(Vec::as_slice).unwrap_or_default();
    issues.iter().map(move |issue| {
        let text = |k: &str| -> Cow<'a, str> {
            match issue.get(k) {
                Some(serde_json::Value::String(s)) => Cow::Borrowed(s.as_str()),
                Some(serde_json::Value::Null) | None => Cow::Borrowed(""),
                Some(other) => Cow::Owned(other.to_string()),
            }
        };
        let field = text("field");
        let column = layout
            .fields
            .iter()
            .find(|(key, _, _)| key.as_str() == field.as_ref())
            .and_then(|(_, _, c)| c.and_then(|c| layout.headers.get(c)))
            .map_or_else(|| text("column"), |h| Cow::Borrowed(h.as_str()));
        [
            field,
            column,
            text("level"),
            text("code"),
            text("value"),
            text("normalized"),
            text("message"),
            text("hint"),
        ]
    })
}

/// The value a row has now for a field: the user's edit, else the mapped cell. The report
/// writes it and the corrections upload compares against it.
pub(crate) fn current_value<'a>(
    row: &'a store::imports::StagedRowOut,
    key: &str,
    column: Option<usize>,
) -> &'a str {
    match row.edits.get(key) {
        Some(serde_json::Value::String(s)) => s,
        Some(_) => "",
        None => column
            .and_then(|c| row.original.get(c))
            .and_then(|v| v.as_str())
            .unwrap_or(""),
    }
}

/// The row's issues as one cell: "field: message — hint", one per line.
fn problems_text(layout: &Layout, row: &store::imports::StagedRowOut, out: &mut String) {
    out.clear();
    for line in issue_lines(layout, row) {
        if !out.is_empty() {
            out.push('\n');
        }
        if !line[0].is_empty() {
            out.push_str(&line[0]);
            out.push_str(": ");
        }
        out.push_str(&line[6]);
        if !line[7].is_empty() {
            out.push_str(" — ");
            out.push_str(&line[7]);
        }
    }
}

/// The value a row has now in source column `c`: the edit of the field the column feeds,
/// else the original cell (unmapped columns have no edits).
fn current_cell<'a>(layout: &Layout, row: &'a store::imports::StagedRowOut, c: usize) -> &'a str {
    match layout.column_fields.get(c).and_then(Option::as_deref) {
        Some(key) => current_value(row, key, Some(c)),
        None => row.original.get(c).and_then(|v| v.as_str()).unwrap_or(""),
    }
}

/// A buffered CSV writer whose file starts with the UTF-8 BOM, which tells Excel the file
/// is UTF-8 (it guesses a legacy code page otherwise).
fn csv_with_bom(
    out: std::fs::File,
) -> Result<csv::Writer<std::io::BufWriter<std::fs::File>>, ImportError> {
    let mut out = std::io::BufWriter::new(out);
    out.write_all("\u{feff}".as_bytes())
        .map_err(ImportError::internal)?;
    Ok(csv::Writer::from_writer(out))
}

/// The failed-rows CSV: the report's columns, then every original column under its
/// original header, so the file can be fixed and uploaded again as a new import.
fn write_csv_rows(
    out: std::fs::File,
    layout: &Layout,
    rx: &mut mpsc::Receiver<Vec<store::imports::StagedRowOut>>,
) -> Result<(), ImportError> {
    let mut csv = csv_with_bom(out)?;
    let header = META_HEADERS.iter().copied().chain(
        layout
            .row_columns
            .iter()
            .map(|&c| layout.headers.get(c).map_or("", String::as_str)),
    );
    csv.write_record(header.map(|h| escape_cell(h).into_owned()))
        .map_err(ImportError::internal)?;
    let mut problems = String::new();
    while let Some(batch) = rx.blocking_recv() {
        for row in &batch {
            problems_text(layout, row, &mut problems);
            let seq = row.seq.to_string();
            let row_no = row.row_no.to_string();
            let meta = [
                seq.as_str(),
                row_no.as_str(),
                row.status.as_str(),
                problems.as_str(),
            ];
            let cells = meta.into_iter().chain(
                layout
                    .row_columns
                    .iter()
                    .map(|&c| current_cell(layout, row, c)),
            );
            csv.write_record(cells.map(|c| escape_cell(c).into_owned()))
                .map_err(ImportError::internal)?;
        }
    }
    csv.flush().map_err(ImportError::internal)?;
    Ok(())
}

fn write_csv(
    out: std::fs::File,
    layout: &Layout,
    rx: &mut mpsc::Receiver<Vec<store::imports::StagedRowOut>>,
) -> Result<(), ImportError> {
    let mut csv = csv_with_bom(out)?;
    csv.write_record(ISSUE_HEADERS)
        .map_err(ImportError::internal)?;
    while let Some(batch) = rx.blocking_recv() {
        for row in &batch {
            let row_no = row.row_no.to_string();
            let seq = row.seq.to_string();
            for line in issue_lines(layout, row) {
                let mut record: Vec<Cow<'_, str>> = Vec::with_capacity(ISSUE_HEADERS.len());
                record.push(Cow::Borrowed(row_no.as_str()));
                record.push(Cow::Borrowed(seq.as_str()));
                record.push(Cow::Borrowed(row.status.as_str()));
                record.extend(line);
                csv.write_record(record.iter().map(|c| neutralize(c).into_owned()))
                    .map_err(ImportError::internal)?;
            }
        }
    }
    csv.flush().map_err(ImportError::internal)?;
    Ok(())
}

fn write_xlsx(
    out: std::fs::File,
    layout: &Layout,
    rx: &mut mpsc::Receiver<Vec<store::imports::StagedRowOut>>,
) -> Result<(), ImportError> {
    let xlsx = |e: rust_xlsxwriter::XlsxError| ImportError::internal(e);
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let mut fix_headers: Vec<String> = META_HEADERS.iter().map(|h| (*h).to_owned()).collect();
    fix_headers.extend(layout.fields.iter().map(|(_, label, _)| label.clone()));
    // Two constant-memory sheets: each one streams its rows to its own temporary file.
    let fix_index = {
        let sheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(xlsx)?;
        sheet.set_name(FIX_SHEET).map_err(xlsx)?;
        header_row(sheet, &fix_headers, &bold)?;
        sheet.set_freeze_panes(1, 0).map_err(xlsx)?;
        0
    };
    let issues_index = {
        let sheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(xlsx)?;
        sheet.set_name("Issues").map_err(xlsx)?;
        let headers: Vec<String> = ISSUE_HEADERS.iter().map(|h| (*h).to_owned()).collect();
        header_row(sheet, &headers, &bold)?;
        sheet.set_freeze_panes(1, 0).map_err(xlsx)?;
        1
    };
    let (mut fix_row, mut issue_row) = (1u32, 1u32);
    let mut problems = String::new();
    while let Some(batch) = rx.blocking_recv() {
        for row in &batch {
            if fix_row < XLSX_MAX_ROWS {
                problems_text(layout, row, &mut problems);
                let sheet = workbook.worksheet_from_index(fix_index).map_err(xlsx)?;
                let mut cells: Vec<&str> = Vec::with_capacity(fix_headers.len());
                let seq = row.seq.to_string();
                let row_no = row.row_no.to_string();
                cells.extend([
                    seq.as_str(),
                    row_no.as_str(),
                    row.status.as_str(),
                    &problems,
                ]);
                for (key, _, column) in &layout.fields {
                    cells.push(current_value(row, key, *column));
                }
                text_row(sheet, fix_row, &cells)?;
                fix_row += 1;
            }
            let sheet = workbook.worksheet_from_index(issues_index).map_err(xlsx)?;
            let row_no = row.row_no.to_string();
            let seq = row.seq.to_string();
            for line in issue_lines(layout, row) {
                if issue_row >= XLSX_MAX_ROWS {
                    break;
                }
                let mut cells: Vec<&str> = vec![&row_no, &seq, &row.status];
                cells.extend(line.iter().map(AsRef::as_ref));
                text_row(sheet, issue_row, &cells)?;
                issue_row += 1;
            }
        }
    }
    workbook.save_to_writer(out).map_err(xlsx)?;
    Ok(())
}

fn header_row(sheet: &mut Worksheet, headers: &[String], bold: &Format) -> Result<(), ImportError> {
    for (c, h) in headers.iter().enumerate() {
        let col = u16::try_from(c).map_err(ImportError::internal)?;
        sheet
            .write_string_with_format(0, col, h, bold)
            .map_err(ImportError::internal)?;
        sheet
            .set_column_width(col, if c < 3 { 10.0 } else { 24.0 })
            .map_err(ImportError::internal)?;
    }
    Ok(())
}

/// Writes every cell as text: nothing in a report is ever a formula or a number Excel
/// might reformat (leading zeros, long ids).
fn text_row(sheet: &mut Worksheet, row: u32, cells: &[&str]) -> Result<(), ImportError> {
    for (c, value) in cells.iter().enumerate() {
        if value.is_empty() {
            continue;
        }
        let col = u16::try_from(c).map_err(ImportError::internal)?;
        let value = truncate(value, XLSX_MAX_CELL);
        sheet
            .write_string(row, col, value)
            .map_err(ImportError::internal)?;
    }
    Ok(())
}

/// At most `max` characters (Excel refuses longer cells).
fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_triggers_are_neutralised_and_plain_text_is_left_alone() {
        for hostile in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\nx"] {
            assert_eq!(neutralize(hostile), format!("'{hostile}"));
        }
        for plain in ["ada@example.com", "1+1", " =x", "", "Ada"] {
            assert_eq!(neutralize(plain), plain);
        }
    }

    #[test]
    fn the_rows_shape_escapes_reversibly() {
        for hostile in ["=1+1", "+49 151 2345678", "-5", "@x", "\tx", "'=x", "''-x"] {
            let escaped = escape_cell(hostile);
            assert!(escaped.starts_with('\''), "{hostile:?}");
            assert_eq!(unescape_cell(&escaped), Some(hostile));
        }
        for plain in ["Ada", "'quoted'", "'", "", " =x", "1+1"] {
            assert_eq!(escape_cell(plain), plain);
            assert_eq!(unescape_cell(plain), None, "{plain:?}");
        }
    }

    #[test]
    fn long_cells_are_cut_at_a_character_boundary() {
        assert_eq!(truncate("äöü", 2), "äö");
        assert_eq!(truncate("abc", 5), "abc");
    }
}
