//! Turns calamine cell values into the strings intake hands on, with cell issues:
//! ISO dates, integers without `.0`, formula and error-value remarks.

use calamine::{CellErrorType, Data, DataRef, ExcelDateTime};

use crate::issue::{Code, IntakeIssue, Level};
use crate::limits::Limits;
use crate::source::{check_number_cell, check_text_cell, render_number};

/// A borrowed view of calamine's two value types.
pub(crate) enum Val<'a> {
    Empty,
    Str(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(&'a ExcelDateTime),
    Iso(&'a str),
    Duration(&'a str),
    Error(&'a CellErrorType),
}

impl<'a> From<&'a DataRef<'a>> for Val<'a> {
    fn from(d: &'a DataRef<'a>) -> Self {
        match d {
            DataRef::Empty => Val::Empty,
            DataRef::String(s) => Val::Str(s),
            DataRef::SharedString(s) => Val::Str(s),
            DataRef::Int(i) => Val::Int(*i),
            DataRef::Float(f) => Val::Float(*f),
            DataRef::Bool(b) => Val::Bool(*b),
            DataRef::DateTime(d) => Val::Date(d),
            DataRef::DateTimeIso(s) => Val::Iso(s),
            DataRef::DurationIso(s) => Val::Duration(s),
            DataRef::Error(e) => Val::Error(e),
        }
    }
}

impl<'a> From<&'a Data> for Val<'a> {
    fn from(d: &'a Data) -> Self {
        match d {
            Data::Empty => Val::Empty,
            Data::String(s) => Val::Str(s),
            Data::Int(i) => Val::Int(*i),
            Data::Float(f) => Val::Float(*f),
            Data::Bool(b) => Val::Bool(*b),
            Data::DateTime(d) => Val::Date(d),
            Data::DateTimeIso(s) => Val::Iso(s),
            Data::DurationIso(s) => Val::Duration(s),
            Data::Error(e) => Val::Error(e),
        }
    }
}

/// Renders a cell (0-based position) and records its issues. `None` for an empty
/// cell that is not a formula.
pub(crate) fn render(
    val: Val<'_>,
    row: u32,
    col: u32,
    formula: bool,
    limits: &Limits,
    issues: &mut Vec<IntakeIssue>,
) -> Option<String> {
    let row1 = row + 1;
    let c = col as usize;
    let text = match val {
        Val::Empty => {
            if !formula {
                return None;
            }
            String::new()
        }
        Val::Str(s) => {
            check_text_cell(row1, c, s, limits, issues);
            s.to_string()
        }
        Val::Int(i) => {
            let s = i.to_string();
            check_number_cell(row1, c, i as f64, &s, issues);
            s
        }
        Val::Float(f) => {
            let s = render_number(f);
            check_number_cell(row1, c, f, &s, issues);
            s
        }
        Val::Bool(b) => if b { "TRUE" } else { "FALSE" }.to_string(),
        Val::Date(d) => render_excel_datetime(d),
        Val::Iso(s) => s.strip_suffix("T00:00:00").unwrap_or(s).to_string(),
        Val::Duration(s) => iso_duration_to_clock(s).unwrap_or_else(|| s.to_string()),
        Val::Error(e) => {
            let s = e.to_string();
            issues.push(error_issue(row1, c, &s));
            s
        }
    };
    if formula {
        issues.push(
            IntakeIssue::new(
                Level::Info,
                Code::CellFormulaCached,
                "This cell is a formula; the value it showed when the file was last saved is used.",
            )
            .at_row(row1)
            .at_column(c)
            .with_value(text.clone()),
        );
    }
    Some(text)
}

pub(crate) fn error_issue(row1: u32, col: usize, text: &str) -> IntakeIssue {
    IntakeIssue::new(
        Level::Warning,
        Code::CellErrorValue,
        format!("This cell shows the spreadsheet error {text}, not a value."),
    )
    .at_row(row1)
    .at_column(col)
    .with_value(text)
    .with_hint("Fix the formula in the spreadsheet, or type the value in.")
}

/// ISO 8601: `YYYY-MM-DD` for dates, `YYYY-MM-DDTHH:MM:SS` with a time of day,
/// `HH:MM:SS` for a time alone and `H:MM:SS` (hours past 24) for durations.
pub(crate) fn render_excel_datetime(d: &ExcelDateTime) -> String {
    let v = d.as_f64();
    if d.is_duration() {
        return clock(v * 86_400.0);
    }
    let (y, mo, da, h, mi, s, ms) = d.to_ymd_hms_milli();
    if (0.0..1.0).contains(&v) {
        return clock(v * 86_400.0);
    }
    let time = (h, mi, s, ms) != (0, 0, 0, 0);
    match (time, ms) {
        (false, _) => format!("{y:04}-{mo:02}-{da:02}"),
        (true, 0) => format!("{y:04}-{mo:02}-{da:02}T{h:02}:{mi:02}:{s:02}"),
        (true, _) => format!("{y:04}-{mo:02}-{da:02}T{h:02}:{mi:02}:{s:02}.{ms:03}"),
    }
}

fn clock(seconds: f64) -> String {
    let total = seconds.round() as i64;
    let sign = if total < 0 { "-" } else { "" };
    let t = total.abs();
    format!("{sign}{:02}:{:02}:{:02}", t / 3600, (t / 60) % 60, t % 60)
}

/// `PT12H30M15S` (ODS time values) → `12:30:15`.
pub(crate) fn iso_duration_to_clock(s: &str) -> Option<String> {
    let rest = s.strip_prefix("PT").or_else(|| s.strip_prefix("-PT"))?;
    let (mut h, mut m, mut sec) = (0f64, 0f64, 0f64);
    let mut num = String::new();
    for ch in rest.chars() {
        match ch {
            '0'..='9' | '.' => num.push(ch),
            'H' => h = num.parse().ok()?,
            'M' => m = num.parse().ok()?,
            'S' => sec = num.parse().ok()?,
            _ => return None,
        }
        if matches!(ch, 'H' | 'M' | 'S') {
            num.clear();
        }
    }
    Some(clock(h * 3600.0 + m * 60.0 + sec))
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::ExcelDateTimeType;

    #[test]
    fn dates_in_1900_and_1904_workbooks_become_the_same_iso_date() {
        let d1900 = ExcelDateTime::new(45943.0, ExcelDateTimeType::DateTime, false);
        let d1904 = ExcelDateTime::new(45943.0 - 1462.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(render_excel_datetime(&d1900), "2025-10-13");
        assert_eq!(render_excel_datetime(&d1904), "2025-10-13");
        let dt = ExcelDateTime::new(45943.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(render_excel_datetime(&dt), "2025-10-13T12:00:00");
    }

    #[test]
    fn ods_time_values_become_clock_times() {
        assert_eq!(
            iso_duration_to_clock("PT12H30M15S").as_deref(),
            Some("12:30:15")
        );
    }
}
