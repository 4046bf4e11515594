//! The row stream every reader (CSV, XLSX, XLS, ODS) produces, and the cell checks
//! they share.

use crate::error::IntakeError;
use crate::issue::{Code, IntakeIssue, Level};
use crate::limits::Limits;
use crate::sheet::Merge;

/// One source row: its 1-based row number as a spreadsheet program shows it, its
/// cells as strings, and the issues found while reading them.
#[derive(Debug, Clone, Default)]
pub(crate) struct SourceRow {
    pub row: u32,
    pub cells: Vec<String>,
    pub issues: Vec<IntakeIssue>,
}

/// A pull-based stream of rows. Empty rows may be skipped by the source.
pub(crate) trait RowSource: Send {
    fn next_row(&mut self) -> Result<Option<SourceRow>, IntakeError>;

    /// Merged ranges known so far (spreadsheets only).
    fn merges(&self) -> &[Merge] {
        &[]
    }
}

/// Removes NUL characters (U+0000) from every cell of the rows it passes on, for every
/// format at once: no spreadsheet shows them and PostgreSQL cannot store them in text or
/// JSON (an upload with one used to fail as a whole). Each cleaned cell is reported.
pub(crate) struct WithoutNul(pub Box<dyn RowSource>);

impl RowSource for WithoutNul {
    fn next_row(&mut self) -> Result<Option<SourceRow>, IntakeError> {
        let mut next = self.0.next_row()?;
        if let Some(row) = &mut next {
            for (col, cell) in row.cells.iter_mut().enumerate() {
                if cell.contains('\0') {
                    cell.retain(|c| c != '\0');
                    row.issues.push(
                        IntakeIssue::new(
                            Level::Warning,
                            Code::CellNulRemoved,
                            "NUL characters were removed from this cell; the rest is kept.",
                        )
                        .at_row(row.row)
                        .at_column(col)
                        .with_value(cell.as_str())
                        .with_hint(
                            "Such bytes usually come from a broken export; check the value.",
                        ),
                    );
                }
            }
        }
        Ok(next)
    }

    fn merges(&self) -> &[Merge] {
        self.0.merges()
    }
}

/// Flags a text cell that is longer than the limit or that holds a phone number a
/// spreadsheet turned into scientific notation (its last digits are lost).
pub(crate) fn check_text_cell(
    row: u32,
    col: usize,
    value: &str,
    limits: &Limits,
    issues: &mut Vec<IntakeIssue>,
) {
    if value.len() > limits.max_cell_bytes {
        issues.push(
            IntakeIssue::new(
                Level::Warning,
                Code::CellTooLong,
                format!(
                    "This cell holds {} bytes, more than the limit of {}; it is kept whole.",
                    value.len(),
                    limits.max_cell_bytes
                ),
            )
            .at_row(row)
            .at_column(col)
            .with_hint("Check whether several values or a whole document ended up in one cell."),
        );
    }
    if looks_like_scientific_phone(value) {
        issues.push(
            IntakeIssue::new(
                Level::Warning,
                Code::CellNumberAsPhone,
                "This looks like a phone number that a spreadsheet turned into a number in scientific notation; its last digits may be lost.",
            )
            .at_row(row)
            .at_column(col)
            .with_value(value)
            .with_hint("Format the phone column as Text in the spreadsheet and re-enter or re-export the numbers."),
        );
    }
}

/// `4.91511234567E+11`, `1.2345E+9`: a mantissa with a decimal point and an
/// exponent of 8 or more — the shape Excel gives long digit strings.
pub(crate) fn looks_like_scientific_phone(value: &str) -> bool {
    let v = value.trim();
    let Some(epos) = v.find(['E', 'e']) else {
        return false;
    };
    let (mantissa, exp) = (&v[..epos], &v[epos + 1..]);
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    let Ok(exp) = exp.parse::<u32>() else {
        return false;
    };
    let mantissa = mantissa.strip_prefix('+').unwrap_or(mantissa);
    let mut parts = mantissa.splitn(2, ['.', ',']);
    let int = parts.next().unwrap_or("");
    let frac = parts.next().unwrap_or("");
    exp >= 8
        && int.len() == 1
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// Flags a numeric spreadsheet cell with 9 or more integer digits: most likely a phone
/// number stored as a number (leading zeros and `+` lost).
pub(crate) fn check_number_cell(
    row: u32,
    col: usize,
    value: f64,
    rendered: &str,
    issues: &mut Vec<IntakeIssue>,
) {
    if value.fract() == 0.0 && value.abs() >= 1e8 && value.abs() < 1e16 {
        issues.push(
            IntakeIssue::new(
                Level::Info,
                Code::CellNumberAsPhone,
                "A long number stored as a number: if it is a phone number, a leading 0 or + may have been lost.",
            )
            .at_row(row)
            .at_column(col)
            .with_value(rendered)
            .with_hint("Store phone numbers as text in the spreadsheet."),
        );
    }
}

/// Renders a float the way a person typed it: integers without `.0`, no exponent for
/// integers up to 2^53, otherwise the shortest round-trip form.
pub(crate) fn render_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 9_007_199_254_740_992.0 {
        // Exact: the value is an integer that fits i64.
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scientific_notation_phones_are_recognised() {
        assert!(looks_like_scientific_phone("4.91511234567E+11"));
        assert!(looks_like_scientific_phone("4,91511E+11"));
        assert!(!looks_like_scientific_phone("1.5E+3"));
        assert!(!looks_like_scientific_phone("Eleven"));
        assert!(!looks_like_scientific_phone("12E+11"));
    }

    #[test]
    fn integers_stored_as_floats_render_without_a_fraction() {
        assert_eq!(render_number(42.0), "42");
        assert_eq!(render_number(491511234567.0), "491511234567");
        assert_eq!(render_number(0.25), "0.25");
        assert_eq!(render_number(-3.0), "-3");
    }
}
