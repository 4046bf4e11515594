//! Chooses the sheet that holds the table when the caller did not: every visible
//! worksheet's first rows are scanned (a bounded number, streamed) and scored the way the
//! header row is — rows with data, a header row whose cells match lead fields, rows that
//! stay within the header's width — and the decision is explained for the file facts.
//! Two or more lead-shaped sheets make the choice ambiguous: one is read, and the caller
//! is told to confirm it.

use super::{auto_candidates, Assembler, Job, SheetInfo, Sink, Stop};
use crate::error::IntakeError;
use crate::header;
use crate::source::SourceRow;

/// Rows with data read from each sheet to score it.
pub(crate) const SCAN_ROWS: usize = 50;
/// Visible worksheets scored at most; the rest are listed as not examined.
pub(crate) const MAX_SCANNED_SHEETS: usize = 30;
/// Header cells must match a field at least this well to count as a lead field.
const FIELD_CONFIDENCE: f32 = 0.8;
/// Lead fields a header row must match for the sheet to look like a lead list.
const LEAD_FIELDS: usize = 2;

/// How intake chose the sheet, and which it skipped: the contract's own types, since the
/// choice is stored with the import and shown as it is.
pub use api::{SheetChoice, SkippedSheet};

/// What a sheet's first rows look like, best last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Empty,
    Text,
    Table,
    Leads,
}

#[derive(Debug)]
struct Scored {
    index: usize,
    kind: Kind,
    /// Rows with data below the header row (of those scanned).
    data_rows: usize,
    /// Rows with data in all (of those scanned).
    rows: usize,
    /// More rows follow the scanned ones.
    truncated: bool,
    /// Header cells that match a lead field.
    matched: Vec<String>,
    /// Share of data rows with no value beyond the header's last column.
    consistency: f64,
}

/// Scores the visible worksheets and picks one. `scan(i, asm)` streams sheet `i`'s cells
/// into `asm`; it stops (with `Stop::Enough`) once enough rows were collected.
pub(crate) fn choose(
    sheets: &[SheetInfo],
    job: &Job<'_>,
    mut scan: impl FnMut(usize, &mut Assembler<'_>) -> Result<(), Stop>,
) -> Result<(usize, SheetChoice), Stop> {
    let candidates = auto_candidates(sheets);
    if let [only] = candidates[..] {
        // Nothing to choose between: no scan (it would read the sheet's start twice).
        return Ok((only, only_sheet(sheets, only)));
    }
    let mut scored: Vec<Scored> = Vec::new();
    let mut failed: Vec<(usize, IntakeError)> = Vec::new();
    for &i in candidates.iter().take(MAX_SCANNED_SHEETS) {
        let mut asm = Assembler::new(
            Sink::Collect {
                rows: Vec::new(),
                max: SCAN_ROWS + 1,
            },
            job.limits,
            job.budget,
        );
        let mut truncated = false;
        match scan(i, &mut asm).and_then(|()| asm.flush()) {
            Ok(()) => {}
            Err(Stop::Enough) => truncated = true,
            Err(Stop::Hangup) => return Err(Stop::Hangup),
            Err(Stop::Failed(e)) => {
                // Out of time is the file's verdict, not one sheet's.
                job.budget.check()?;
                failed.push((i, e));
                continue;
            }
        }
        let mut rows = asm.into_rows();
        rows.truncate(SCAN_ROWS);
        scored.push(score(i, &rows, truncated, job.fields));
    }
    let best = scored
        .iter()
        .filter(|s| s.kind > Kind::Empty)
        .max_by(|a, b| rank(a).cmp(&rank(b)).then(b.index.cmp(&a.index)));
    let Some(best) = best else {
        // Nothing with data: the first sheet's own error says more than "empty".
        return Err(Stop::Failed(
            failed
                .into_iter()
                .next()
                .map_or(IntakeError::Empty, |(_, e)| e),
        ));
    };
    let lead_sheets: Vec<&Scored> = scored.iter().filter(|s| s.kind == Kind::Leads).collect();
    let ambiguous = lead_sheets.len() >= 2;

    let name = |i: usize| format!("“{}”", sheets[i].name);
    let mut skipped = Vec::new();
    for s in sheets.iter().filter(|s| s.index != best.index) {
        let reason = if !s.worksheet {
            "is a chart or macro sheet, not a worksheet".to_owned()
        } else if !s.visible {
            "is hidden".to_owned()
        } else if let Some(sc) = scored.iter().find(|x| x.index == s.index) {
            describe_skipped(sc)
        } else if let Some((_, e)) = failed.iter().find(|(i, _)| *i == s.index) {
            format!("could not be read ({e})")
        } else {
            format!("was not examined (only the first {MAX_SCANNED_SHEETS} visible sheets are)")
        };
        skipped.push(SkippedSheet {
            name: s.name.clone(),
            index: s.index,
            reason,
        });
    }
    // The sentence: the sheets passed over before the chosen one, then the chosen one.
    let mut parts: Vec<String> = Vec::new();
    for (k, sk) in skipped
        .iter()
        .filter(|sk| sk.index < best.index && sheets[sk.index].visible)
        .enumerate()
    {
        let lead = if k == 0 && sk.index == 0 {
            "the first sheet "
        } else {
            ""
        };
        parts.push(format!("{lead}{} {}", name(sk.index), sk.reason));
    }
    parts.push(format!("{} {}", name(best.index), describe_chosen(best)));
    let mut reason = capitalise(&parts.join("; "));
    reason.push('.');
    if ambiguous {
        let names: Vec<String> = lead_sheets.iter().map(|s| name(s.index)).collect();
        reason.push_str(&format!(
            " {} all look like lead lists; {} was read because it matches the most lead fields. Check that it is the sheet you mean.",
            join_names(&names),
            name(best.index)
        ));
    }
    let choice = SheetChoice {
        sheet: sheets[best.index].name.clone(),
        index: best.index,
        reason,
        skipped,
        ambiguous,
        lead_sheets: lead_sheets
            .iter()
            .map(|s| sheets[s.index].name.clone())
            .collect(),
    };
    Ok((best.index, choice))
}

/// The choice when one visible worksheet is all there is.
fn only_sheet(sheets: &[SheetInfo], only: usize) -> SheetChoice {
    let skipped = sheets
        .iter()
        .filter(|s| s.index != only)
        .map(|s| SkippedSheet {
            name: s.name.clone(),
            index: s.index,
            reason: if s.worksheet {
                "is hidden".to_owned()
            } else {
                "is a chart or macro sheet, not a worksheet".to_owned()
            },
        })
        .collect();
    SheetChoice {
        sheet: sheets[only].name.clone(),
        index: only,
        reason: format!("“{}” is the only visible worksheet.", sheets[only].name),
        skipped,
        ambiguous: false,
        lead_sheets: Vec::new(),
    }
}

/// Higher is better: the kind, then lead fields matched, then consistent rows, then rows.
fn rank(s: &Scored) -> (Kind, usize, u32, usize) {
    let consistency = (s.consistency * 10.0).round() as u32;
    (s.kind, s.matched.len(), consistency, s.data_rows)
}

fn score(
    index: usize,
    rows: &[SourceRow],
    truncated: bool,
    fields: &rules::ImportConfig,
) -> Scored {
    let rows: Vec<&SourceRow> = rows
        .iter()
        .filter(|r| r.cells.iter().any(|c| !c.trim().is_empty()))
        .collect();
    let mut out = Scored {
        index,
        kind: Kind::Empty,
        data_rows: 0,
        rows: rows.len(),
        truncated,
        matched: Vec::new(),
        consistency: 0.0,
    };
    if rows.is_empty() {
        return out;
    }
    let cells: Vec<Vec<String>> = rows.iter().map(|r| r.cells.clone()).collect();
    let h = header::detect(&cells);
    let header_cells: Vec<String> = cells[h].iter().map(|c| c.trim().to_owned()).collect();
    let header_width = header_cells
        .iter()
        .rposition(|c| !c.is_empty())
        .map_or(0, |p| p + 1);
    let filled = header_cells.iter().filter(|c| !c.is_empty()).count();
    out.matched = rules::headers::suggest_mapping(&header_cells, fields)
        .into_iter()
        .filter(|s| s.field.is_some() && s.confidence >= FIELD_CONFIDENCE)
        .map(|s| s.header)
        .collect();
    let below = &cells[h + 1..];
    out.data_rows = below.len();
    if !below.is_empty() {
        let within = below
            .iter()
            .filter(|r| {
                r.iter()
                    .rposition(|c| !c.trim().is_empty())
                    .map_or(0, |p| p + 1)
                    <= header_width
            })
            .count();
        out.consistency = within as f64 / below.len() as f64;
    }
    out.kind = if out.matched.len() >= LEAD_FIELDS && out.data_rows >= 1 {
        Kind::Leads
    } else if filled >= 2 && out.data_rows >= 1 && out.consistency >= 0.5 {
        Kind::Table
    } else {
        Kind::Text
    };
    out
}

fn rows_phrase(n: usize, truncated: bool) -> String {
    match (n, truncated) {
        (_, true) => format!("more than {n} rows"),
        (1, false) => "1 row".to_owned(),
        (n, false) => format!("{n} rows"),
    }
}

fn fields_phrase(matched: &[String]) -> String {
    let mut shown: Vec<&str> = matched.iter().take(3).map(String::as_str).collect();
    if matched.len() > 3 {
        shown.push("…");
    }
    format!("{} lead fields ({})", matched.len(), shown.join(", "))
}

fn describe_chosen(s: &Scored) -> String {
    match s.kind {
        Kind::Leads => format!(
            "has a header row matching {} and {} below it",
            fields_phrase(&s.matched),
            rows_phrase(s.data_rows, s.truncated)
        ),
        Kind::Table => format!(
            "has a table with a header row and {} below it (no column matches a lead field)",
            rows_phrase(s.data_rows, s.truncated)
        ),
        Kind::Text | Kind::Empty => format!(
            "is the sheet with the most data ({}), though no row looks like a header of a table",
            rows_phrase(s.rows, s.truncated)
        ),
    }
}

fn describe_skipped(s: &Scored) -> String {
    match s.kind {
        Kind::Empty => "is empty".to_owned(),
        Kind::Text if s.rows <= 10 && !s.truncated => match s.rows {
            1 => "holds 1 line of text".to_owned(),
            n => format!("holds {n} lines of text"),
        },
        Kind::Text => format!(
            "holds {} but no header row of a table",
            rows_phrase(s.rows, s.truncated)
        ),
        Kind::Table => format!(
            "has a table ({}) whose columns do not match lead fields",
            rows_phrase(s.data_rows, s.truncated)
        ),
        Kind::Leads => format!(
            "also looks like a lead list ({}, {})",
            fields_phrase(&s.matched),
            rows_phrase(s.data_rows, s.truncated)
        ),
    }
}

fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&str]) -> Vec<SourceRow> {
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| SourceRow {
                row: i as u32 + 1,
                cells: l.split(',').map(str::to_owned).collect(),
                issues: Vec::new(),
            })
            .collect()
    }

    #[test]
    fn a_sentence_is_text_and_a_lead_table_is_lead_shaped() {
        let fields = rules::ImportConfig::default_leads();
        let readme = score(
            0,
            &rows(&["Read me", "Leads are on the next sheet."]),
            false,
            &fields,
        );
        assert_eq!(readme.kind, Kind::Text);
        let leads = score(
            1,
            &rows(&[
                "First Name,Email,Phone",
                "Ada,ada@example.com,+44 20 1234 5678",
            ]),
            false,
            &fields,
        );
        assert_eq!(leads.kind, Kind::Leads);
        assert_eq!(leads.matched, ["First Name", "Email", "Phone"]);
        assert_eq!(leads.data_rows, 1);
    }

    #[test]
    fn a_table_without_lead_columns_ranks_below_a_lead_table() {
        let fields = rules::ImportConfig::default_leads();
        let lookup = score(
            0,
            &rows(&["Code,Region", "DE,EMEA", "US,AMER"]),
            false,
            &fields,
        );
        assert_eq!(lookup.kind, Kind::Table);
        let leads = score(
            1,
            &rows(&["Email,Company", "a@b.example,Acme"]),
            false,
            &fields,
        );
        assert!(rank(&leads) > rank(&lookup));
    }
}
