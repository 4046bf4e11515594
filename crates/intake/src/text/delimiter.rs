//! Sniffs the field delimiter of delimited text and reads Excel's `sep=` line.

/// Delimiters intake considers, in order of preference on a tie.
pub(crate) const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Records looked at when sniffing.
const SNIFF_RECORDS: usize = 60;

/// Excel writes `sep=;` as the first line to tell itself the delimiter. Returns the
/// delimiter and the bytes the line takes (with its line break).
pub(crate) fn sep_line(head: &[u8]) -> Option<(u8, usize)> {
    if head.len() < 5 || !head[..4].eq_ignore_ascii_case(b"sep=") {
        return None;
    }
    let delim = head[4];
    if matches!(delim, b'\r' | b'\n' | b'"') || !delim.is_ascii() {
        return None;
    }
    let rest = &head[5..];
    let len = match rest {
        [b'\r', b'\n', ..] => 7,
        [b'\n', ..] | [b'\r', ..] => 6,
        [] => 5,
        _ => return None,
    };
    Some((delim, len))
}

/// Picks the delimiter whose field counts are most consistent over the first records
/// (quotes respected by parsing with the csv reader itself). Returns it and the most
/// common field count. `complete` says whether `head` is the whole text; if not, its
/// last, possibly cut, record is ignored.
pub(crate) fn sniff(head: &[u8], complete: bool) -> (u8, usize) {
    let mut best: Option<(f64, usize, u8)> = None;
    for &d in &CANDIDATES {
        let counts = field_counts(head, d, complete);
        let Some((mode, freq)) = mode(&counts) else {
            continue;
        };
        if mode <= 1 {
            continue;
        }
        let consistency = freq as f64 / counts.len() as f64;
        let better = match best {
            None => true,
            // Within 5 % consistency, more columns wins; the order breaks exact ties.
            Some((c, m, _)) => {
                consistency > c + 0.05 || ((consistency - c).abs() <= 0.05 && mode > m)
            }
        };
        if better {
            best = Some((consistency, mode, d));
        }
    }
    match best {
        Some((_, m, d)) => (d, m),
        None => (b',', 1),
    }
}

/// The most common field count for a given delimiter.
pub(crate) fn sniff_with(head: &[u8], delimiter: u8, complete: bool) -> (u8, usize) {
    let counts = field_counts(head, delimiter, complete);
    (delimiter, mode(&counts).map_or(1, |(m, _)| m))
}

fn field_counts(head: &[u8], delimiter: u8, complete: bool) -> Vec<usize> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(head);
    let mut rec = csv::ByteRecord::new();
    let mut counts = Vec::new();
    while counts.len() <= SNIFF_RECORDS {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {
                if rec.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                    continue;
                }
                counts.push(rec.len());
            }
            Ok(false) | Err(_) => break,
        }
    }
    if !complete && counts.len() > 1 {
        counts.pop();
    }
    counts
}

fn mode(counts: &[usize]) -> Option<(usize, usize)> {
    let mut sorted = counts.to_vec();
    sorted.sort_unstable();
    let mut best: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < sorted.len() {
        let v = sorted[i];
        let mut j = i;
        while j < sorted.len() && sorted[j] == v {
            j += 1;
        }
        let freq = j - i;
        // On equal frequency prefer the wider count: title lines are narrower.
        if best.is_none_or(|(bv, bf)| freq > bf || (freq == bf && v > bv)) {
            best = Some((v, freq));
        }
        i = j;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_semicolon_file_with_bare_commas_is_semicolon() {
        let text = b"a;b;c\nx, y;1;2\nz;3;4\nq, r, s;5;6\n";
        assert_eq!(sniff(text, true), (b';', 3));
    }

    #[test]
    fn quoted_commas_do_not_count() {
        let text = b"a,b\n\"x;y;z\",1\n\"p;q\",2\n";
        assert_eq!(sniff(text, true), (b',', 2));
    }

    #[test]
    fn an_excel_sep_line_is_read() {
        assert_eq!(sep_line(b"sep=;\r\na;b"), Some((b';', 7)));
        assert_eq!(sep_line(b"sep=|\na|b"), Some((b'|', 6)));
        assert_eq!(sep_line(b"sepal,width"), None);
    }
}
