//! Delimited text (CSV/TSV): decoding, delimiter and line-ending sniffing, and a
//! streaming record reader that detects stray quotes.

pub(crate) mod delimiter;
pub(crate) mod encoding;

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Cursor, Read};
use std::path::Path;

use crate::error::IntakeError;
use crate::issue::{Code, IntakeIssue, Level};
use crate::limits::Limits;
use crate::source::{check_text_cell, RowSource, SourceRow};

/// Decoded text looked at for sniffing.
const HEAD_BYTES: usize = 64 * 1024;

/// What sniffing found out about a text file.
#[derive(Debug, Clone)]
pub(crate) struct TextMeta {
    pub encoding: String,
    pub delimiter: u8,
}

/// Streams records of a delimited text file as source rows.
pub(crate) struct CsvSource {
    rdr: csv::Reader<Box<dyn Read + Send>>,
    rec: csv::ByteRecord,
    peeked: Option<csv::ByteRecord>,
    line_offset: u32,
    delimiter: char,
    expected_width: usize,
    limits: Limits,
    records: u32,
    pending: VecDeque<SourceRow>,
    done: bool,
}

/// Opens a text file: encoding, `sep=` line, line endings and delimiter.
pub(crate) fn open(
    path: &Path,
    forced_encoding: Option<&str>,
    forced_delimiter: Option<u8>,
    limits: &Limits,
) -> Result<(CsvSource, TextMeta), IntakeError> {
    if let Some(d) = forced_delimiter {
        if matches!(d, b'"' | b'\r' | b'\n') || !d.is_ascii() {
            return Err(IntakeError::InvalidOption(format!(
                "{:?} cannot be a delimiter",
                char::from(d)
            )));
        }
    }
    let enc = encoding::detect(path, forced_encoding)?;
    let mut file = BufReader::with_capacity(1 << 16, File::open(path)?);
    let mut bom = [0u8; 4];
    file.read_exact(&mut bom[..enc.bom_len])?;
    let mut utf8 = encoding::Utf8Reader::new(file, enc.encoding);
    let mut head = Vec::with_capacity(HEAD_BYTES);
    (&mut utf8).take(HEAD_BYTES as u64).read_to_end(&mut head)?;
    let complete = head.len() < HEAD_BYTES;
    reject_non_text(&head)?;
    if head.iter().all(u8::is_ascii_whitespace) {
        return Err(IntakeError::Empty);
    }
    // Old-Mac files end lines with CR only; the csv reader counts lines by LF.
    let cr_only = head.contains(&b'\r') && !head.contains(&b'\n');
    if cr_only {
        for b in &mut head {
            if *b == b'\r' {
                *b = b'\n';
            }
        }
        utf8.set_cr_to_lf(true);
    }
    let (sep, skip) = match delimiter::sep_line(&head) {
        Some((d, len)) => (Some(d), len),
        None => (None, 0),
    };
    let body = &head[skip..];
    let (delim, width) = match forced_delimiter.or(sep) {
        Some(d) => {
            let (_, w) = delimiter::sniff_with(body, d, complete);
            (d, w)
        }
        None => delimiter::sniff(body, complete),
    };
    let reader: Box<dyn Read + Send> = Box::new(Cursor::new(head[skip..].to_vec()).chain(utf8));
    let rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        // LF only: with the default CRLF handling a record after `\r\n` starts at
        // the `\n` and is numbered one line too early. The `\r` left at the end of
        // the last field is stripped in `next_row`.
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(1 << 16)
        .from_reader(reader);
    let source = CsvSource {
        rdr,
        rec: csv::ByteRecord::new(),
        peeked: None,
        line_offset: u32::from(skip > 0),
        delimiter: char::from(delim),
        expected_width: width,
        limits: limits.clone(),
        records: 0,
        pending: VecDeque::new(),
        done: false,
    };
    Ok((
        source,
        TextMeta {
            encoding: enc.label,
            delimiter: delim,
        },
    ))
}

/// Binary files decode to text full of control characters or replacement characters;
/// XML and HTML are text but not tables.
fn reject_non_text(head: &[u8]) -> Result<(), IntakeError> {
    let text = String::from_utf8_lossy(head);
    let mut total = 0usize;
    let mut bad = 0usize;
    for c in text.chars().take(16 * 1024) {
        total += 1;
        if c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c')) {
            bad += 1;
        }
    }
    if total > 0 && bad * 50 > total {
        return Err(IntakeError::UnsupportedFormat {
            detail: "binary data".to_string(),
        });
    }
    let start = text
        .trim_start()
        .get(..15)
        .unwrap_or("")
        .to_ascii_lowercase();
    if start.starts_with("<?xml") || start.starts_with("<!doctype") || start.starts_with("<html") {
        return Err(IntakeError::UnsupportedFormat {
            detail: "an XML or HTML document".to_string(),
        });
    }
    if start.starts_with("%pdf-") {
        return Err(IntakeError::UnsupportedFormat {
            detail: "a PDF document".to_string(),
        });
    }
    Ok(())
}

impl CsvSource {
    fn read_record(&mut self) -> Result<bool, IntakeError> {
        if let Some(p) = self.peeked.take() {
            self.rec = p;
            return Ok(true);
        }
        self.rdr
            .read_byte_record(&mut self.rec)
            .map_err(|e| match e.into_kind() {
                csv::ErrorKind::Io(io) => IntakeError::Io(io),
                other => IntakeError::corrupt(format!("{other:?}")),
            })
    }

    /// Is there no record after the current one?
    fn at_eof(&mut self) -> Result<bool, IntakeError> {
        if self.peeked.is_some() {
            return Ok(false);
        }
        let mut next = csv::ByteRecord::new();
        let more = self
            .rdr
            .read_byte_record(&mut next)
            .map_err(|e| IntakeError::corrupt(e.to_string()))?;
        if more {
            self.peeked = Some(next);
        }
        Ok(!more)
    }

    /// The index of a field that swallowed following lines because of a stray quote.
    fn swallowing_field(&mut self, fields: &[String]) -> Result<Option<usize>, IntakeError> {
        for (i, f) in fields.iter().enumerate() {
            let newlines = f.bytes().filter(|&b| b == b'\n').count();
            if newlines == 0 {
                continue;
            }
            if newlines > self.limits.max_field_lines as usize {
                return Ok(Some(i));
            }
            // Swallowed lines look like records: they carry the file's delimiters.
            if newlines >= 2 && self.expected_width >= 3 {
                let inner: Vec<&str> = f
                    .split('\n')
                    .skip(1)
                    .filter(|l| !l.trim().is_empty())
                    .collect();
                let recordish = inner
                    .iter()
                    .filter(|l| l.matches(self.delimiter).count() + 1 >= self.expected_width)
                    .count();
                if inner.len() >= 2 && recordish * 3 >= inner.len() * 2 {
                    return Ok(Some(i));
                }
            }
            // A quote never closed runs to the end: the last line break is inside it.
            if f.ends_with('\n') && self.at_eof()? {
                return Ok(Some(i));
            }
        }
        Ok(None)
    }

    /// Splits a record whose field `k` swallowed lines back into one record per line.
    fn split_swallowed(&self, start: u32, mut fields: Vec<String>, k: usize) -> Vec<SourceRow> {
        let tail = fields.split_off(k + 1);
        let text = fields.pop().unwrap_or_default();
        let lines: Vec<&str> = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect();
        let n = lines.len();
        let mut rows = Vec::with_capacity(n);
        for (i, line) in lines.iter().enumerate() {
            let mut cells: Vec<String> = if i == 0 {
                std::mem::take(&mut fields)
            } else {
                Vec::new()
            };
            cells.extend(line.split(self.delimiter).map(str::to_string));
            if i == n - 1 {
                if line.is_empty() && tail.is_empty() {
                    break;
                }
                cells.extend(tail.iter().cloned());
            }
            rows.push(SourceRow {
                row: start.saturating_add(i as u32),
                cells,
                issues: Vec::new(),
            });
        }
        rows
    }
}

impl RowSource for CsvSource {
    fn next_row(&mut self) -> Result<Option<SourceRow>, IntakeError> {
        loop {
            if let Some(r) = self.pending.pop_front() {
                return Ok(Some(r));
            }
            if self.done || !self.read_record()? {
                self.done = true;
                return Ok(None);
            }
            self.records += 1;
            if self.records > self.limits.max_rows {
                return Err(IntakeError::TooManyRows {
                    limit: self.limits.max_rows,
                });
            }
            let line = self.rec.position().map_or(0, |p| p.line());
            let row = u32::try_from(line)
                .unwrap_or(u32::MAX)
                .saturating_add(self.line_offset);
            if self.rec.len() > self.limits.max_columns as usize {
                return Err(IntakeError::TooManyColumns {
                    row,
                    columns: self.rec.len() as u64,
                    limit: self.limits.max_columns,
                });
            }
            // A blank line (`\r\n` alone) is one field holding `\r`: skip it like LF ones.
            if self.rec.len() == 1 && matches!(self.rec.get(0), Some(b"\r") | Some(b"")) {
                continue;
            }
            let mut cells = Vec::with_capacity(self.rec.len());
            let last = self.rec.len().saturating_sub(1);
            for (i, f) in self.rec.iter().enumerate() {
                let f = if i == last {
                    f.strip_suffix(b"\r").unwrap_or(f)
                } else {
                    f
                };
                cells.push(match std::str::from_utf8(f) {
                    Ok(s) => s.to_owned(),
                    Err(_) => String::from_utf8_lossy(f).into_owned(),
                });
            }
            if let Some(k) = self.swallowing_field(&cells)? {
                let swallowed = cells[k].bytes().filter(|&b| b == b'\n').count();
                let issue = IntakeIssue::new(
                    Level::Error,
                    Code::RowUnclosedQuote,
                    format!(
                        "A quote opened in row {row}, column {} is not closed where it should be; it swallowed the next {swallowed} lines. They were split back into rows — check them.",
                        k + 1
                    ),
                )
                .at_row(row)
                .at_column(k)
                .with_hint("Remove the stray quote character, or put the whole value in quotes and double any quote inside it.");
                let mut rows = self.split_swallowed(row, cells, k);
                if let Some(first) = rows.first_mut() {
                    first.issues.push(issue);
                }
                for r in &mut rows {
                    for (c, v) in r.cells.iter().enumerate() {
                        check_text_cell(r.row, c, v, &self.limits, &mut r.issues);
                    }
                }
                self.pending.extend(rows);
                continue;
            }
            let mut issues = Vec::new();
            for (c, v) in cells.iter().enumerate() {
                check_text_cell(row, c, v, &self.limits, &mut issues);
            }
            return Ok(Some(SourceRow { row, cells, issues }));
        }
    }
}
