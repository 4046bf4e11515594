//! Intake: turn an uploaded file into header cells and a stream of rows of raw strings,
//! safely — format by magic bytes, encoding, delimiter, sheet and header row sniffed,
//! every size bounded.
//!
//! ```no_run
//! let mut intake = intake::open(std::path::Path::new("leads.csv"), &intake::Options::default())?;
//! println!("{:?}", intake.info().headers);
//! for record in &mut intake {
//!     let record = record?;
//!     println!("row {}: {:?}", record.row, record.cells);
//! }
//! # Ok::<(), intake::IntakeError>(())
//! ```

mod budget;
mod error;
mod header;
mod issue;
mod limits;
mod sheet;
mod sniff;
mod source;
mod text;

use std::collections::VecDeque;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

pub use error::IntakeError;
pub use issue::{Code, IntakeIssue, Level};
pub use limits::Limits;
pub use sheet::choose::{SheetChoice, SkippedSheet};
pub use sheet::{SheetInfo, SheetSelector};

use budget::Budget;

use sniff::Container;
use source::{RowSource, SourceRow};

/// What the caller may decide instead of intake.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The sheet to read (default: the visible worksheet that looks most like a table
    /// of leads; see [`FileInfo::sheet_choice`]).
    pub sheet: Option<SheetSelector>,
    /// The 1-based source row holding the header (default: detected).
    pub header_row: Option<u32>,
    /// Text encoding label such as "windows-1252" or "UTF-8-BOM" (default: detected).
    pub encoding: Option<String>,
    /// Field delimiter byte (default: `sep=` line, else sniffed among `,` `;` tab `|`).
    pub delimiter: Option<u8>,
    /// Bounds.
    pub limits: Limits,
    /// The fields header rows are matched against when sheets are scored (the
    /// company's configuration; default: [`rules::ImportConfig::default_leads`]).
    pub fields: Option<Arc<rules::ImportConfig>>,
}

/// A delimiter as callers name it: one ASCII character, or `tab` (also `\t`); `None` for
/// anything else. The one reading of the `delimiter` option for every transport.
pub fn delimiter_from_name(name: &str) -> Option<u8> {
    match name {
        "tab" | "\\t" | "\t" => Some(b'\t'),
        _ if name.len() == 1 && name.is_ascii() => name.bytes().next(),
        _ => None,
    }
}

/// The file format as detected from the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Delimited text (any delimiter but tab).
    Csv,
    /// Tab-delimited text.
    Tsv,
    /// Office Open XML workbook.
    Xlsx,
    /// Legacy Excel (BIFF) workbook.
    Xls,
    /// OpenDocument spreadsheet.
    Ods,
}

impl Format {
    /// Lowercase name, as stored with the import.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Ods => "ods",
        }
    }
}

/// One record: its 1-based source row as a spreadsheet program shows it (for text,
/// the physical line where the record starts), its cells, and the issues found in it.
/// Cells are padded to the header width; extra cells with values are kept after it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawRecord {
    /// 1-based source row.
    pub row: u32,
    /// Cell values as text.
    pub cells: Vec<String>,
    /// Row- and cell-level issues of this record.
    pub issues: Vec<IntakeIssue>,
}

/// What intake found out about the file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileInfo {
    /// Detected format.
    pub format: Format,
    /// Text encoding ("UTF-8", "UTF-8-BOM", "UTF-16LE", "windows-1252", "Shift_JIS"…);
    /// `None` for workbooks.
    pub encoding: Option<String>,
    /// Field delimiter; `None` for workbooks.
    pub delimiter: Option<char>,
    /// Sheets of a workbook, in order (empty for text).
    pub sheets: Vec<SheetInfo>,
    /// The sheet read.
    pub sheet: Option<String>,
    /// How the sheet was chosen, when the caller did not name one (workbooks only).
    pub sheet_choice: Option<SheetChoice>,
    /// 1-based source row of the header.
    pub header_row: u32,
    /// Column names: unique and non-empty.
    pub headers: Vec<String>,
    /// The first rows as read (before and after the header), for a header-row picker.
    pub preview: Vec<RawRecord>,
}

/// Most `row.empty` issues kept; the rest are only counted.
const MAX_EMPTY_ROW_ISSUES: usize = 1000;

/// An opened file: metadata, file- and header-level issues, and a streaming iterator
/// over its data records (`Iterator<Item = Result<RawRecord, IntakeError>>`). After an
/// error the iterator ends.
pub struct Intake {
    info: FileInfo,
    issues: Vec<IntakeIssue>,
    source: Box<dyn RowSource>,
    buffered: VecDeque<SourceRow>,
    width: usize,
    /// Text files: a short row is a structural problem; in sheets it is just empty cells.
    structural: bool,
    empty_rows: u64,
    finished: bool,
    /// The read's time budget; errors after it ran out are reported as `file.too_slow`.
    budget: Option<Budget>,
    /// Rows handed out or skipped, for checking the budget every 1,024 of them.
    rows_seen: u64,
}

impl std::fmt::Debug for Intake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Intake")
            .field("info", &self.info)
            .field("issues", &self.issues.len())
            .finish_non_exhaustive()
    }
}

/// A row source with the metadata its reader found.
type Opened = (
    Box<dyn RowSource>,
    Format,
    Option<String>,
    Option<char>,
    Vec<SheetInfo>,
    Option<String>,
    Option<SheetChoice>,
);

/// Opens `path`, sniffs it, reads the preview and picks the header. Records are read
/// lazily through the returned [`Intake`]. Opening has a time budget
/// ([`Limits::open_budget_for`]); the whole read has [`Limits::read_time_budget`].
pub fn open(path: &Path, opts: &Options) -> Result<Intake, IntakeError> {
    let size = std::fs::metadata(path)?.len();
    let budget = Budget::new(opts.limits.open_budget_for(size));
    let mut intake = open_within(path, opts, &budget).map_err(|e| budget.explain(e))?;
    // Past the opening, the rest of the read has its own, longer budget.
    budget.set_total(opts.limits.read_time_budget);
    intake.budget = Some(budget);
    Ok(intake)
}

fn open_within(path: &Path, opts: &Options, budget: &Budget) -> Result<Intake, IntakeError> {
    let limits = &opts.limits;
    let container = sniff::sniff(path, limits, budget)?;
    let (source, format, encoding, delimiter, sheets, sheet, sheet_choice): Opened = match container
    {
        Container::Text => {
            let (src, meta) = text::open(path, opts.encoding.as_deref(), opts.delimiter, limits)?;
            let format = if meta.delimiter == b'\t' {
                Format::Tsv
            } else {
                Format::Csv
            };
            (
                Box::new(src),
                format,
                Some(meta.encoding),
                Some(char::from(meta.delimiter)),
                Vec::new(),
                None,
                None,
            )
        }
        Container::Xlsx | Container::Xls | Container::Ods => {
            let fields = opts
                .fields
                .clone()
                .unwrap_or_else(|| Arc::new(rules::ImportConfig::default_leads()));
            let (src, meta) =
                sheet::open(path, container, opts.sheet.clone(), limits, budget, fields)?;
            let format = match container {
                Container::Xlsx => Format::Xlsx,
                Container::Xls => Format::Xls,
                _ => Format::Ods,
            };
            (
                Box::new(src),
                format,
                None,
                None,
                meta.sheets,
                Some(meta.sheet),
                meta.choice,
            )
        }
    };
    let mut source: Box<dyn RowSource> = Box::new(source::WithoutNul(source));
    let structural = matches!(container, Container::Text);

    let mut rows: Vec<SourceRow> = Vec::new();
    while rows.len() < limits.preview_rows.max(1) {
        match source.next_row()? {
            Some(r) => rows.push(r),
            None => break,
        }
    }
    if rows
        .iter()
        .all(|r| r.cells.iter().all(|c| c.trim().is_empty()))
    {
        // No preview row has a value; the file may still continue (e.g. 20 blank
        // rows first), so look further before calling it empty.
        loop {
            match source.next_row()? {
                Some(r) if r.cells.iter().any(|c| !c.trim().is_empty()) => {
                    rows.clear();
                    rows.push(r);
                    while rows.len() < limits.preview_rows.max(1) {
                        match source.next_row()? {
                            Some(r) => rows.push(r),
                            None => break,
                        }
                    }
                    break;
                }
                Some(_) => {}
                None => return Err(IntakeError::Empty),
            }
        }
    }
    let merges = source.merges().to_vec();

    let header_idx = match opts.header_row {
        Some(0) => {
            return Err(IntakeError::InvalidOption(
                "the header row is counted from 1".to_string(),
            ))
        }
        Some(h) => match rows.iter().position(|r| r.row == h) {
            Some(i) => i,
            None if rows.last().is_some_and(|r| r.row < h) => {
                // Past the preview: read on to it; rows in between are above the header.
                loop {
                    match source.next_row()? {
                        Some(r) if r.row == h => {
                            rows.push(r);
                            break rows.len() - 1;
                        }
                        Some(r) if r.row > h => {
                            return Err(IntakeError::InvalidOption(format!(
                                "row {h} is empty and cannot be the header"
                            )))
                        }
                        Some(_) => {}
                        None => {
                            return Err(IntakeError::InvalidOption(format!(
                                "the file has no row {h}"
                            )))
                        }
                    }
                }
            }
            None => {
                return Err(IntakeError::InvalidOption(format!(
                    "row {h} is empty and cannot be the header"
                )))
            }
        },
        None => {
            let filled = header::fill_merges(&rows, &merges);
            header::detect(&filled)
        }
    };

    // A header merged over several rows: name columns from the whole block.
    let filled = header::fill_merges(&rows, &merges);
    let (top0, bottom0) = header::header_block(rows[header_idx].row - 1, &merges);
    let header_idx = if opts.header_row.is_none() {
        rows.iter()
            .rposition(|r| r.row - 1 <= bottom0)
            .unwrap_or(header_idx)
            .max(header_idx)
    } else {
        header_idx
    };
    let header_row = rows[header_idx].row;
    let block: Vec<&[String]> = rows
        .iter()
        .zip(&filled)
        .enumerate()
        .filter(|(i, (r, _))| {
            *i == header_idx || (r.row > top0 && r.row - 1 <= bottom0 && *i <= header_idx)
        })
        .map(|(_, (_, f))| f.as_slice())
        .collect();
    let (headers, issues) = header::names(&block, header_row);
    let headers_len = headers.len();

    let preview: Vec<RawRecord> = rows
        .iter()
        .map(|r| RawRecord {
            row: r.row,
            cells: r.cells.clone(),
            issues: Vec::new(),
        })
        .collect();
    let buffered: VecDeque<SourceRow> = rows.into_iter().skip(header_idx + 1).collect();
    Ok(Intake {
        info: FileInfo {
            format,
            encoding,
            delimiter,
            sheets,
            sheet,
            sheet_choice,
            header_row,
            headers,
            preview,
        },
        width: headers_len,
        issues,
        source,
        buffered,
        structural,
        empty_rows: 0,
        finished: false,
        budget: None,
        rows_seen: 0,
    })
}

impl Intake {
    /// What intake found out about the file.
    pub fn info(&self) -> &FileInfo {
        &self.info
    }

    /// File- and header-level issues, plus `row.empty` for blank rows skipped so far
    /// (the first 1,000 of them).
    pub fn issues(&self) -> &[IntakeIssue] {
        &self.issues
    }

    /// Blank rows (separators only) skipped so far.
    pub fn empty_rows(&self) -> u64 {
        self.empty_rows
    }

    /// The next data record, `Ok(None)` at the end.
    pub fn next_record(&mut self) -> Result<Option<RawRecord>, IntakeError> {
        if self.finished {
            return Ok(None);
        }
        loop {
            let next = match self.buffered.pop_front() {
                Some(r) => Some(r),
                None => match self.source.next_row() {
                    Ok(r) => r,
                    Err(e) => {
                        self.finished = true;
                        return Err(match &self.budget {
                            Some(b) => b.explain(e),
                            None => e,
                        });
                    }
                },
            };
            let Some(row) = next else {
                self.finished = true;
                return Ok(None);
            };
            self.rows_seen += 1;
            if self.rows_seen % 1024 == 1 {
                if let Some(b) = &self.budget {
                    if let Err(e) = b.check() {
                        self.finished = true;
                        return Err(e);
                    }
                }
            }
            if row.cells.iter().all(|c| c.trim().is_empty()) && row.issues.is_empty() {
                self.empty_rows += 1;
                if self.empty_rows <= MAX_EMPTY_ROW_ISSUES as u64 {
                    self.issues.push(
                        IntakeIssue::new(
                            Level::Info,
                            Code::RowEmpty,
                            "This row is blank; it was skipped.",
                        )
                        .at_row(row.row),
                    );
                }
                continue;
            }
            return Ok(Some(self.shape(row)));
        }
    }

    /// Pads short rows to the header width and flags ragged rows; extra cells with
    /// values are kept after the header's columns.
    fn shape(&self, row: SourceRow) -> RawRecord {
        let SourceRow {
            row,
            mut cells,
            mut issues,
        } = row;
        let width = self.width;
        if cells.len() > width {
            let last_value = cells
                .iter()
                .rposition(|c| !c.is_empty())
                .map_or(0, |i| i + 1);
            cells.truncate(last_value.max(width));
            if cells.len() > width {
                let extra: Vec<&str> = cells[width..].iter().map(String::as_str).collect();
                issues.push(
                    IntakeIssue::new(
                        Level::Warning,
                        Code::RowExtraCells,
                        format!(
                            "This row has {} cells but the header has {width}; the extra cells are kept.",
                            cells.len()
                        ),
                    )
                    .at_row(row)
                    .at_column(width)
                    .with_value(extra.join(" | "))
                    .with_hint("Check for an unquoted delimiter inside a value, or add a header for the extra column."),
                );
            }
        } else if cells.len() < width {
            if self.structural {
                issues.push(
                    IntakeIssue::new(
                        Level::Warning,
                        Code::RowMissingCells,
                        format!(
                            "This row has {} cells but the header has {width}; the missing cells are empty.",
                            cells.len()
                        ),
                    )
                    .at_row(row)
                    .at_column(cells.len())
                    .with_hint("Check whether a value containing the delimiter lost its quotes, or the row was cut."),
                );
            }
            cells.resize(width, String::new());
        }
        RawRecord { row, cells, issues }
    }
}

impl Iterator for Intake {
    type Item = Result<RawRecord, IntakeError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_record().transpose()
    }
}

#[cfg(test)]
mod delimiter_tests {
    use super::delimiter_from_name;

    #[test]
    fn a_delimiter_is_one_ascii_character_or_tab() {
        assert_eq!(delimiter_from_name(";"), Some(b';'));
        assert_eq!(delimiter_from_name("tab"), Some(b'\t'));
        assert_eq!(delimiter_from_name("\\t"), Some(b'\t'));
        assert_eq!(delimiter_from_name("\t"), Some(b'\t'));
        assert_eq!(delimiter_from_name(";;"), None);
        assert_eq!(delimiter_from_name("§"), None);
    }
}
