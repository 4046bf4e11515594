//! Finds the header row among the first rows (title rows, blank rows and metadata
//! blocks above it are common), resolves merged multi-row headers, and makes the
//! column names non-empty and unique.

use std::collections::HashSet;

use crate::issue::{Code, IntakeIssue, Level};
use crate::sheet::Merge;
use crate::source::SourceRow;

/// Rows below a candidate looked at to see whether data follows it.
const LOOKAHEAD: usize = 5;

/// Copies of the rows with each merged range's value spread over the range, so a
/// header merged over three columns names all three.
pub(crate) fn fill_merges(rows: &[SourceRow], merges: &[Merge]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = rows.iter().map(|r| r.cells.clone()).collect();
    let index_of = |row0: u32| rows.iter().position(|r| r.row == row0 + 1);
    for m in merges {
        let Some(top) = index_of(m.r0) else { continue };
        let Some(value) = rows[top].cells.get(m.c0 as usize).cloned() else {
            continue;
        };
        if value.is_empty() || m.c1.saturating_sub(m.c0) > 1000 {
            continue;
        }
        for (i, r) in rows.iter().enumerate() {
            let r0 = r.row - 1;
            if r0 < m.r0 || r0 > m.r1 {
                continue;
            }
            let cells = &mut out[i];
            if cells.len() <= m.c1 as usize {
                cells.resize(m.c1 as usize + 1, String::new());
            }
            for c in m.c0..=m.c1 {
                if cells[c as usize].is_empty() {
                    cells[c as usize].clone_from(&value);
                }
            }
        }
    }
    out
}

fn is_numberish(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty()
        && t.chars().all(|c| {
            c.is_ascii_digit()
                || matches!(
                    c,
                    '.' | ','
                        | '-'
                        | '+'
                        | '/'
                        | ':'
                        | ' '
                        | '%'
                        | '$'
                        | '£'
                        | '€'
                        | 'E'
                        | 'e'
                        | 'T'
                )
        })
        && t.chars().any(|c| c.is_ascii_digit())
}

/// HXL-style tags (`#org`, `#date+reported`) label columns for machines, under the
/// human header.
fn is_hashtag(v: &str) -> bool {
    v.len() > 1 && v.starts_with('#') && !v.contains(' ')
}

/// Header-likeness of one row: how many non-empty, textual, distinct, short cells.
fn row_stats(cells: &[String]) -> (usize, f64) {
    let values: Vec<&str> = cells
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    let n = values.len();
    if n == 0 {
        return (0, 0.0);
    }
    let textual = values
        .iter()
        .filter(|v| {
            !is_numberish(v)
                && !v.contains('@')
                && v.chars().count() <= 60
                && !v.starts_with("http")
                && !is_hashtag(v)
        })
        .count();
    let distinct = values.iter().collect::<HashSet<_>>().len();
    let text_ratio = textual as f64 / n as f64;
    let distinct_ratio = distinct as f64 / n as f64;
    (n, text_ratio * text_ratio * distinct_ratio)
}

/// Index (into `rows`) of the most header-like row: many non-empty, mostly textual,
/// distinct cells, followed by rows of similar width.
pub(crate) fn detect(rows: &[Vec<String>]) -> usize {
    let stats: Vec<(usize, f64)> = rows.iter().map(|r| row_stats(r)).collect();
    let typical = typical_width(&stats);
    let mut scores: Vec<(usize, f64)> = Vec::with_capacity(stats.len());
    for (i, &(n, quality)) in stats.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let next: Vec<usize> = stats[i + 1..]
            .iter()
            .map(|s| s.0)
            .filter(|&w| w > 0)
            .take(LOOKAHEAD)
            .collect();
        let follow = if next.is_empty() {
            0.3
        } else {
            next.iter()
                .map(|&w| w.min(n) as f64 / w.max(n) as f64)
                .sum::<f64>()
                / next.len() as f64
        };
        // Data rows under a header are less textual than the header itself.
        let next_quality = stats[i + 1..]
            .iter()
            .filter(|s| s.0 > 0)
            .take(LOOKAHEAD)
            .map(|s| s.1)
            .fold(None, |acc: Option<(f64, usize)>, q| {
                Some(acc.map_or((q, 1), |(s, k)| (s + q, k + 1)))
            })
            .map_or(0.5, |(s, k)| s / k as f64);
        let contrast = 1.0 + (quality - next_quality).max(0.0) * 0.5;
        // A row half as wide as the table is a title, note or comment line.
        let narrow = if n * 2 <= typical { 0.25 } else { 1.0 };
        let score = n as f64 * quality * (0.5 + follow) * contrast * narrow;
        scores.push((i, score));
    }
    // A data row made only of text (a name, a company, a typo'd email) can score a little
    // above the real header; headers come first, so the earliest row that scores nearly
    // as well as the best one wins.
    let best = scores.iter().map(|s| s.1).fold(f64::MIN, f64::max);
    scores
        .iter()
        .find(|s| s.1 >= best * NEAR_BEST)
        .map_or(0, |s| s.0)
}

/// How close to the best score an earlier row must come to be preferred as the header.
const NEAR_BEST: f64 = 0.7;

/// The most common non-zero width among the rows (the wider one on a tie).
fn typical_width(stats: &[(usize, f64)]) -> usize {
    let mut counts: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for &(n, _) in stats.iter().filter(|s| s.0 > 0) {
        *counts.entry(n).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(w, k)| (k, w))
        .map_or(0, |(w, _)| w)
}

/// Moves a header row that sits inside a vertically merged header block to the
/// block's last row, and returns the block's first source row (0-based).
pub(crate) fn header_block(header_row0: u32, merges: &[Merge]) -> (u32, u32) {
    let mut bottom = header_row0;
    loop {
        let next = merges
            .iter()
            .filter(|m| m.r0 <= bottom && m.r1 > bottom && m.r1 - m.r0 < 20)
            .map(|m| m.r1)
            .max();
        match next {
            Some(b) if b > bottom => bottom = b,
            _ => break,
        }
    }
    let mut top = bottom;
    loop {
        let next = merges
            .iter()
            .filter(|m| m.r0 < top && m.r1 >= top && m.r1 <= bottom)
            .map(|m| m.r0)
            .min();
        match next {
            Some(t) if t < top => top = t,
            _ => break,
        }
    }
    (top, bottom)
}

/// Column names from the header block rows (top to bottom, repeated values once),
/// made non-empty and unique, with `header.empty` / `header.duplicate` issues.
pub(crate) fn names(block: &[&[String]], header_row: u32) -> (Vec<String>, Vec<IntakeIssue>) {
    let width = block.iter().map(|r| r.len()).max().unwrap_or(0);
    let mut issues = Vec::new();
    let mut out = Vec::with_capacity(width);
    let mut seen: HashSet<String> = HashSet::new();
    for c in 0..width {
        let mut parts: Vec<String> = Vec::new();
        for r in block {
            let v = r.get(c).map(|s| clean(s)).unwrap_or_default();
            if !v.is_empty() && parts.last() != Some(&v) {
                parts.push(v);
            }
        }
        let mut name = parts.join(" / ");
        if name.is_empty() {
            name = format!("Column {}", c + 1);
            issues.push(
                IntakeIssue::new(
                    Level::Warning,
                    Code::HeaderEmpty,
                    format!("Column {} has no header; it is called \"{name}\".", c + 1),
                )
                .at_row(header_row)
                .at_column(c)
                .with_hint("Type a header for this column, or pick another header row."),
            );
        }
        if seen.contains(&name.to_lowercase()) {
            let original = name.clone();
            let mut k = 2;
            while seen.contains(&format!("{original} ({k})").to_lowercase()) {
                k += 1;
            }
            name = format!("{original} ({k})");
            issues.push(
                IntakeIssue::new(
                    Level::Warning,
                    Code::HeaderDuplicate,
                    format!("The header \"{original}\" appears more than once; this column is called \"{name}\"."),
                )
                .at_row(header_row)
                .at_column(c)
                .with_value(original)
                .with_hint("Rename one of the columns so each header is unique."),
            );
        }
        seen.insert(name.to_lowercase());
        out.push(name);
    }
    (out, issues)
}

/// Trims and folds inner line breaks and runs of spaces into one space.
fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_title_row_above_the_header_is_skipped() {
        let rows = vec![
            row(&["Leads export 2024", "", ""]),
            row(&[]),
            row(&["Name", "Email", "Phone"]),
            row(&["Ann", "ann@example.com", "0123"]),
            row(&["Bob", "bob@example.com", "0456"]),
        ];
        assert_eq!(detect(&rows), 2);
    }

    #[test]
    fn duplicate_and_empty_headers_get_unique_names() {
        let r = row(&["Email", "", "email", "Email"]);
        let (names, issues) = names(&[&r], 1);
        assert_eq!(names, ["Email", "Column 2", "email (2)", "Email (3)"]);
        assert_eq!(
            issues
                .iter()
                .filter(|i| i.code == Code::HeaderDuplicate)
                .count(),
            2
        );
        assert_eq!(
            issues
                .iter()
                .filter(|i| i.code == Code::HeaderEmpty)
                .count(),
            1
        );
    }
}

#[cfg(test)]
mod earliest_header_tests {
    use super::detect;

    fn rows(lines: &[&str]) -> Vec<Vec<String>> {
        lines
            .iter()
            .map(|l| l.split(',').map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn a_textual_data_row_does_not_beat_the_header_above_it() {
        let r = rows(&[
            "First Name,Last Name,Email,Company",
            "Ada,Lovelace,ada@example.com,Analytical Engines",
            "Bob,Broken,not-an-email,Nowhere Ltd",
            "Cleo,Clean,cleo@example.org,Acme GmbH",
        ]);
        assert_eq!(detect(&r), 0);
    }

    #[test]
    fn a_title_line_above_the_header_is_still_skipped() {
        let r = rows(&[
            "Partner leads export",
            "",
            "First Name,Last Name,Email,Company",
            "Ada,Lovelace,ada@example.com,Analytical Engines",
            "Cleo,Clean,cleo@example.org,Acme GmbH",
        ]);
        assert_eq!(detect(&r), 2);
    }
}
