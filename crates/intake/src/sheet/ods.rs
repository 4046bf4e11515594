//! ODS: our own streaming reader of `content.xml`. calamine expands ODS repeat
//! attributes into a dense grid at open time (a 1 KB file can ask for 10^18 cells);
//! here repeated empty cells and rows only move a counter, and repeated values are
//! emitted one by one under the row, column and cell limits.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::mpsc::SyncSender;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader as XmlReader;

use super::cells::{error_issue, iso_duration_to_clock};
use super::{choose, select, send, Assembler, Job, Merge, Msg, SheetInfo, Sink, Stop};
use crate::budget::{Budget, Guarded};
use crate::error::IntakeError;
use crate::issue::{Code, IntakeIssue, Level};
use crate::limits::Limits;
use crate::source::{check_number_cell, check_text_cell, render_number};

fn xml_err(e: impl std::fmt::Display) -> IntakeError {
    IntakeError::corrupt(format!("content.xml: {e}"))
}

/// Runs `f` over a streaming XML reader of `content.xml` (the archive and the entry
/// live in this frame, so nothing is inflated into memory).
fn with_content<T>(
    path: &Path,
    budget: &Budget,
    f: impl FnOnce(
        &mut XmlReader<BufReader<zip::read::ZipFile<'_, BufReader<Guarded<File>>>>>,
    ) -> Result<T, Stop>,
) -> Result<T, Stop> {
    let file = Guarded::new(File::open(path).map_err(IntakeError::from)?, budget.clone());
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(IntakeError::corrupt)?;
    let entry = zip
        .by_name("content.xml")
        .map_err(|e| IntakeError::corrupt(format!("content.xml: {e}")))?;
    let mut xml = XmlReader::from_reader(BufReader::with_capacity(1 << 16, entry));
    xml.config_mut().trim_text(false);
    f(&mut xml)
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.0 == key)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

fn attr_u64(e: &BytesStart<'_>, key: &str) -> u64 {
    attr(e, key)
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(1)
        .max(1)
}

/// Pass 1: sheet names, visibility (through table styles) and which have values.
fn scan_tables<R: BufRead>(
    xml: &mut XmlReader<R>,
) -> Result<(Vec<SheetInfo>, Vec<bool>), IntakeError> {
    let mut hidden_styles = HashSet::new();
    let mut style: Option<String> = None;
    let mut sheets = Vec::new();
    let mut has_data = Vec::new();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(xml_err)? {
            Event::Start(e) | Event::Empty(e) => match e.name().0 {
                "style:style" => {
                    style = (attr(&e, "style:family").as_deref() == Some("table"))
                        .then(|| attr(&e, "style:name"))
                        .flatten();
                }
                "style:table-properties" => {
                    if let Some(s) = &style {
                        if attr(&e, "table:display").as_deref() == Some("false") {
                            hidden_styles.insert(s.clone());
                        }
                    }
                }
                "table:table" => {
                    let name = attr(&e, "table:name").unwrap_or_default();
                    let visible =
                        attr(&e, "table:style-name").is_none_or(|s| !hidden_styles.contains(&s));
                    sheets.push(SheetInfo {
                        index: sheets.len(),
                        name,
                        visible,
                        worksheet: true,
                    });
                    has_data.push(false);
                }
                "table:table-cell" | "table:covered-table-cell"
                    if attr(&e, "office:value-type").is_some() =>
                {
                    if let Some(d) = has_data.last_mut() {
                        *d = true;
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        if sheets.len() > 10_000 {
            return Err(IntakeError::corrupt("too many sheets"));
        }
    }
    Ok((sheets, has_data))
}

pub(super) fn run(path: &Path, job: &Job<'_>, tx: &SyncSender<Msg>) -> Result<(), Stop> {
    let (sheets, has_data) = with_content(path, job.budget, |xml| Ok(scan_tables(xml)?))?;
    let (chosen, choice) = match select(&sheets, job.selector)? {
        Some(i) => (i, None),
        None => {
            let (i, c) = choose::choose(&sheets, job, |i, asm| {
                if !has_data[i] {
                    return Ok(());
                }
                with_content(path, job.budget, |xml| {
                    stream_table(xml, i, job.limits, asm)
                })
            })?;
            (i, Some(c))
        }
    };
    send(
        tx,
        Msg::Meta {
            sheets: sheets.clone(),
            sheet: sheets[chosen].name.clone(),
            choice,
        },
    )?;
    let mut asm = Assembler::new(Sink::Channel(tx), job.limits, job.budget);
    with_content(path, job.budget, |xml| {
        stream_table(xml, chosen, job.limits, &mut asm)
    })
}

fn stream_table<R: BufRead>(
    xml: &mut XmlReader<R>,
    chosen: usize,
    limits: &Limits,
    asm: &mut Assembler<'_>,
) -> Result<(), Stop> {
    let mut buf = Vec::new();
    let mut table: Option<usize> = None;
    let mut seen_tables = 0usize;
    let mut row: u64 = 0;
    let mut row_repeat: u64 = 1;
    let mut col: u64 = 0;
    let mut row_cells: Vec<(u32, String, Vec<IntakeIssue>)> = Vec::new();
    loop {
        buf.clear();
        let ev = xml.read_event_into(&mut buf).map_err(xml_err)?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_empty_tag = matches!(ev, Event::Empty(_));
                match e.name().0 {
                    "table:table" => {
                        table = Some(seen_tables);
                        seen_tables += 1;
                        row = 0;
                    }
                    _ if table != Some(chosen) => {}
                    "table:table-row" => {
                        row_repeat = attr_u64(e, "table:number-rows-repeated");
                        col = 0;
                        row_cells.clear();
                        if is_empty_tag {
                            row = row.saturating_add(row_repeat);
                        }
                    }
                    "table:table-cell" | "table:covered-table-cell" => {
                        let repeat = attr_u64(e, "table:number-columns-repeated");
                        let r32 = u32::try_from(row).unwrap_or(u32::MAX);
                        let c32 = u32::try_from(col).unwrap_or(u32::MAX);
                        let span_c = attr_u64(e, "table:number-columns-spanned");
                        let span_r = attr_u64(e, "table:number-rows-spanned");
                        if (span_c > 1 || span_r > 1) && row < 1000 {
                            asm.send(Msg::Merge(Merge {
                                r0: r32,
                                c0: c32,
                                r1: r32
                                    .saturating_add(u32::try_from(span_r - 1).unwrap_or(u32::MAX)),
                                c1: c32
                                    .saturating_add(u32::try_from(span_c - 1).unwrap_or(u32::MAX)),
                            }))?;
                        }
                        let text = if is_empty_tag {
                            String::new()
                        } else {
                            read_cell_text(xml, e.name().0, limits)?
                        };
                        let mut issues = Vec::new();
                        if let Some(value) = cell_value(e, text, r32, c32, limits, &mut issues) {
                            let last = col.saturating_add(repeat - 1);
                            asm.check_position(r32, u32::try_from(last).unwrap_or(u32::MAX))?;
                            for k in 0..repeat {
                                let c = c32 + k as u32;
                                let mut iss = issues.clone();
                                for i in &mut iss {
                                    i.column = Some(c + 1);
                                }
                                row_cells.push((c, value.clone(), iss));
                            }
                        }
                        col = col.saturating_add(repeat);
                    }
                    _ => {}
                }
            }
            Event::End(ref e) => match e.name().0 {
                "table:table" => {
                    if table == Some(chosen) {
                        break;
                    }
                    table = None;
                }
                "table:table-row" if table == Some(chosen) => {
                    if !row_cells.is_empty() {
                        let last = row.saturating_add(row_repeat - 1);
                        asm.check_position(u32::try_from(last).unwrap_or(u32::MAX), 0)?;
                        for k in 0..row_repeat {
                            let r = (row + k) as u32;
                            for (c, v, iss) in &row_cells {
                                let mut iss = iss.clone();
                                for i in &mut iss {
                                    i.row = Some(r + 1);
                                }
                                asm.push(r, *c, v.clone(), &mut iss)?;
                            }
                        }
                    }
                    row = row.saturating_add(row_repeat);
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    asm.flush()
}

/// Reads a cell's paragraphs: paragraphs join with a line break, `text:s` expands to
/// spaces (capped at the cell limit), annotations (comments) are skipped.
fn read_cell_text<R: BufRead>(
    xml: &mut XmlReader<R>,
    cell_tag: &str,
    limits: &Limits,
) -> Result<String, IntakeError> {
    let mut s = String::new();
    let mut buf = Vec::new();
    let mut paragraphs = 0usize;
    let mut annotation_depth = 0usize;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(xml_err)? {
            Event::Start(e) => match e.name().0 {
                "office:annotation" => annotation_depth += 1,
                _ if annotation_depth > 0 => {}
                "text:p" | "text:h" => {
                    if paragraphs > 0 {
                        s.push('\n');
                    }
                    paragraphs += 1;
                }
                _ => {}
            },
            Event::Empty(e) if annotation_depth == 0 => match e.name().0 {
                "text:s" => {
                    let n = attr_u64(&e, "text:c").min(limits.max_cell_bytes as u64 + 1);
                    s.extend(std::iter::repeat_n(' ', n as usize));
                }
                "text:tab" => s.push('\t'),
                "text:line-break" => s.push('\n'),
                "text:p" | "text:h" => {
                    if paragraphs > 0 {
                        s.push('\n');
                    }
                    paragraphs += 1;
                }
                _ => {}
            },
            Event::Text(t) if annotation_depth == 0 => s.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if annotation_depth == 0 => {
                let name: &str = r.as_ref();
                match name {
                    "amp" => s.push('&'),
                    "lt" => s.push('<'),
                    "gt" => s.push('>'),
                    "quot" => s.push('"'),
                    "apos" => s.push('\''),
                    _ => {
                        if let Ok(Some(c)) = r.resolve_char_ref() {
                            s.push(c);
                        }
                    }
                }
            }
            Event::CData(t) if annotation_depth == 0 => s.push_str(&t.xml10_content()),
            Event::End(e) => {
                if e.name().0 == "office:annotation" {
                    annotation_depth = annotation_depth.saturating_sub(1);
                } else if e.name().0 == cell_tag {
                    return Ok(s);
                }
            }
            Event::Eof => return Err(xml_err("unexpected end inside a cell")),
            _ => {}
        }
    }
}

/// The cell's value as text, from its typed attributes or its paragraphs.
fn cell_value(
    e: &BytesStart<'_>,
    text: String,
    row: u32,
    col: u32,
    limits: &Limits,
    issues: &mut Vec<IntakeIssue>,
) -> Option<String> {
    let row1 = row.saturating_add(1);
    let c = col as usize;
    let formula = attr(e, "table:formula").is_some();
    let is_error = attr(e, "calcext:value-type").as_deref() == Some("error");
    let value_type = attr(e, "office:value-type");
    let value = match value_type.as_deref() {
        Some("float" | "percentage" | "currency") => {
            match attr(e, "office:value").and_then(|v| v.trim().parse::<f64>().ok()) {
                Some(f) => {
                    let s = render_number(f);
                    check_number_cell(row1, c, f, &s, issues);
                    s
                }
                None => text,
            }
        }
        Some("date") => attr(e, "office:date-value")
            .map(|d| d.strip_suffix("T00:00:00").map(str::to_string).unwrap_or(d))
            .unwrap_or(text),
        Some("time") => attr(e, "office:time-value")
            .and_then(|t| iso_duration_to_clock(&t))
            .unwrap_or(text),
        Some("boolean") => match attr(e, "office:boolean-value").as_deref() {
            Some("true") => "TRUE".to_string(),
            Some("false") => "FALSE".to_string(),
            _ => text,
        },
        _ => {
            let v = attr(e, "office:string-value").unwrap_or(text);
            check_text_cell(row1, c, &v, limits, issues);
            v
        }
    };
    if value.is_empty() && !formula {
        return None;
    }
    if is_error || (formula && (value.starts_with('#') || value.starts_with("Err:"))) {
        issues.push(error_issue(row1, c, &value));
    }
    if formula {
        issues.push(
            IntakeIssue::new(
                Level::Info,
                Code::CellFormulaCached,
                "This cell is a formula; the value it showed when the file was last saved is used.",
            )
            .at_row(row1)
            .at_column(c)
            .with_value(value.clone()),
        );
    }
    Some(value)
}
