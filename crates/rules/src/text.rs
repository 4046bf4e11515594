//! Text primitives shared by transformers, alias matching and header matching: trimming,
//! whitespace, case, and folding away case, accents and punctuation for comparisons.

use std::borrow::Cow;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Characters spreadsheets leave around values that are not whitespace to Rust: zero-width
/// spaces and joiners, and a byte-order mark pasted into the first cell.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || is_invisible(c)
}

/// Trims whitespace (including no-break and zero-width spaces) at both ends; borrows.
pub fn trim(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// Replaces every run of whitespace by one ASCII space and removes invisible characters;
/// borrows when nothing changes.
pub fn collapse_whitespace(s: &str) -> Cow<'_, str> {
    let mut prev_space = false;
    let mut clean = true;
    for c in s.chars() {
        if is_invisible(c) || (c.is_whitespace() && (c != ' ' || prev_space)) {
            clean = false;
            break;
        }
        prev_space = c == ' ';
    }
    if clean {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut prev_space = false;
    for c in s.chars() {
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() {
            if !prev_space {
                out.push(' ');
            }
            prev_space = true;
        } else {
            out.push(c);
            prev_space = false;
        }
    }
    Cow::Owned(out)
}

pub fn lowercase(s: &str) -> Cow<'_, str> {
    if s.chars().any(|c| c.is_uppercase()) {
        Cow::Owned(s.to_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

pub fn uppercase(s: &str) -> Cow<'_, str> {
    if s.chars().any(|c| c.is_lowercase()) {
        Cow::Owned(s.to_uppercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// Title-cases a value only when it is all upper or all lower case ("JANE DOE", "jane doe"):
/// mixed case such as "McDonald" or "van der Berg" was typed on purpose and is kept.
/// Letters after an apostrophe or hyphen start a new word ("o'brien" → "O'Brien").
pub fn title_case(s: &str) -> Cow<'_, str> {
    let has_upper = s.chars().any(|c| c.is_uppercase());
    let has_lower = s.chars().any(|c| c.is_lowercase());
    if has_upper && has_lower {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if c.is_alphabetic() {
            if start {
                // Letters whose capital is two letters (ß → SS, ﬀ → FF) stay as they are:
                // "SS" would be title-cased again to "Ss" on the next run.
                let mut up = c.to_uppercase();
                match (up.next(), up.next()) {
                    (Some(u), None) => out.push(u),
                    _ => out.push(c),
                }
            } else {
                out.extend(c.to_lowercase());
            }
            start = false;
        } else {
            out.push(c);
            start = c.is_whitespace() || matches!(c, '-' | '\'' | '’' | '(' | '/' | '.');
        }
    }
    if out == s {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(out)
    }
}

/// Pushes the folded form of one character: lower case, accents removed, ligatures
/// expanded. Why: "Société", "SOCIETE" and "societe" must compare equal.
fn push_folded(c: char, out: &mut String) {
    match c {
        'ß' | 'ẞ' => out.push_str("ss"),
        'æ' | 'Æ' => out.push_str("ae"),
        'œ' | 'Œ' => out.push_str("oe"),
        'ø' | 'Ø' => out.push('o'),
        'đ' | 'Đ' => out.push('d'),
        'ł' | 'Ł' => out.push('l'),
        'ı' => out.push('i'),
        _ => {
            for l in c.to_lowercase() {
                out.push(l);
            }
        }
    }
}

/// Folds for comparison: lower case, no accents, every run of non-alphanumeric characters
/// becomes one space, trimmed. "  E-Mail-Adresse " → "e mail adresse".
pub fn fold_words(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out, true);
    out
}

/// Folds like [`fold_words`] and drops the spaces too: "E-Mail-Adresse" → "emailadresse".
/// Used as the lookup key for aliases, synonyms and country names.
pub fn fold_compact(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out, false);
    out
}

/// Folds `s` into `out` (cleared first); reuses the caller's buffer on hot paths.
pub fn fold_into(s: &str, out: &mut String, keep_spaces: bool) {
    out.clear();
    let mut pending_space = false;
    let mut push = |c: char, out: &mut String| {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            push_folded(c, out);
        } else if keep_spaces {
            pending_space = true;
        }
    };
    if s.is_ascii() {
        for c in s.chars() {
            push(c.to_ascii_lowercase(), out);
        }
    } else {
        for c in s.nfd() {
            if is_combining_mark(c) {
                continue;
            }
            push(c, out);
        }
    }
}

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), on chars.
pub fn osa_distance(a: &str, b: &str) -> usize {
    if a.is_ascii() && b.is_ascii() {
        return osa(a.as_bytes(), b.as_bytes());
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    osa(&a, &b)
}

fn osa<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    let (n, m) = (a.len(), b.len());
    if n == 0 {
        return m;
    }
    if m == 0 {
        return n;
    }
    let width = m + 1;
    let mut d = vec![0usize; (n + 1) * width];
    for i in 0..=n {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(m + 1) {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = v;
        }
    }
    d[n * width + m]
}

/// Similarity in 0..=1 from the OSA distance, relative to the longer string.
pub fn similarity(a: &str, b: &str) -> f32 {
    let max = if a.is_ascii() && b.is_ascii() {
        a.len().max(b.len())
    } else {
        a.chars().count().max(b.chars().count())
    };
    if max == 0 {
        return 1.0;
    }
    let d = osa_distance(a, b);
    1.0 - (d as f32 / max as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimming_removes_no_break_and_zero_width_spaces() {
        assert_eq!(trim("\u{FEFF}\u{00A0} Jane \u{200B}"), "Jane");
    }

    #[test]
    fn collapsing_whitespace_borrows_clean_values() {
        assert!(matches!(collapse_whitespace("Jane Doe"), Cow::Borrowed(_)));
        assert_eq!(collapse_whitespace("Jane \t\n Doe"), "Jane Doe");
    }

    #[test]
    fn lowercase_and_uppercase_borrow_when_nothing_changes() {
        assert!(matches!(lowercase("abc"), Cow::Borrowed(_)));
        assert_eq!(lowercase("ÄBC"), "äbc");
        assert!(matches!(uppercase("ABC"), Cow::Borrowed(_)));
        assert_eq!(uppercase("äbc"), "ÄBC");
    }

    #[test]
    fn title_case_fixes_shouting_and_keeps_deliberate_mixed_case() {
        assert_eq!(title_case("JANE DOE"), "Jane Doe");
        assert_eq!(title_case("o'brien-smith"), "O'Brien-Smith");
        assert_eq!(title_case("McDonald"), "McDonald");
        assert_eq!(title_case("van der Berg"), "van der Berg");
    }

    #[test]
    fn folding_ignores_case_accents_and_punctuation() {
        assert_eq!(fold_words("  E-Mail-Adresse "), "e mail adresse");
        assert_eq!(fold_compact("Société"), "societe");
        assert_eq!(fold_compact("Straße"), "strasse");
        assert_eq!(fold_compact("Correo electrónico"), "correoelectronico");
    }

    #[test]
    fn similarity_counts_a_transposition_as_one_edit() {
        assert_eq!(osa_distance("emial", "email"), 1);
        assert!(similarity("emial", "email") >= 0.8);
        assert_eq!(similarity("", ""), 1.0);
    }
}
