//! Values a spreadsheet would run as a formula (CSV/formula injection): which ones count,
//! and how one is neutralised so it survives a CRM export as plain text.
//!
//! What spreadsheet programs do: a cell that starts with `=`, `+`, `-` or `@` is read as a
//! formula (Excel, LibreOffice Calc, Google Sheets); a leading tab or CR is dropped by some
//! programs, which then see what follows. The harm comes from what a formula *calls*:
//! `HYPERLINK`, `WEBSERVICE`, `IMPORTXML` send data elsewhere, DDE (`cmd|' /C calc'!A0`)
//! starts programs. The rule here (see docs/error-codes.md, `cell.formula_like`):
//!
//! - `=` followed by anything, `@` followed by a non-space: formula-like. Real lead data practically never starts
//!   with them, and both start a formula everywhere.
//! - `+` or `-`: formula-like only when what follows calls something — a function (a name
//!   immediately followed by `(`, e.g. `+HYPERLINK(`) or a DDE link (`|`). So a bullet
//!   ("- call back Monday"), a signed number ("-5", "+5 %") or a phone number in a note
//!   ("+49 151 2345678", "+49(0)151…") is left alone: a spreadsheet computes or rejects
//!   those, it cannot run anything through them.
//! - Leading tab, CR and LF are skipped before the check (OWASP's list), spaces are not (a
//!   leading space makes every program read the cell as text).

/// The character that makes `value` formula-like (`=`, `@`, `+` or `-`), or `None`.
pub fn trigger(value: &str) -> Option<char> {
    let v = value.trim_start_matches(['\t', '\r', '\n']);
    let mut chars = v.chars();
    let first = chars.next()?;
    let rest = chars.as_str();
    match first {
        '=' if !rest.is_empty() => Some('='),
        '@' if rest.starts_with(|c: char| !c.is_whitespace()) => Some('@'),
        '+' | '-' if calls_something(rest) => Some(first),
        _ => None,
    }
}

/// True when `value` is formula-like (see the module's rule).
pub fn is_formula_like(value: &str) -> bool {
    trigger(value).is_some()
}

/// The neutralised value: `'` in front, the convention every spreadsheet program reads as
/// "this cell is text". Why not strip the trigger: that changes what the partner sent
/// (and `==x` would still start with `=`); the apostrophe keeps every character, is never
/// itself a trigger, so the value is not flagged again when a CRM export comes back, and
/// an exporter that neutralises on its own leaves it as it is.
pub fn neutralize(value: &str) -> String {
    format!("'{value}")
}

/// A function call (`NAME(`, the name starting with a letter) or a DDE pipe in `s`.
fn calls_something(s: &str) -> bool {
    if s.contains('|') {
        return true;
    }
    for (i, _) in s.match_indices('(') {
        // Walk back over the name in front of the parenthesis; a call needs one that
        // starts with a letter ("SUM(", "ZÄHLENWENN(", "_xlfn.X("), so "49(0)" is no call.
        let name_start = s[..i]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric() || *c == '_' || *c == '.')
            .last()
            .map(|(at, _)| at);
        if let Some(at) = name_start {
            if s[at..i]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
            {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equals_and_at_start_a_formula_whatever_follows() {
        assert_eq!(
            trigger("=HYPERLINK(\"http://evil.example\",\"klick\")"),
            Some('=')
        );
        assert_eq!(trigger("=cmd|' /C calc'!A0"), Some('='));
        assert_eq!(trigger("=5"), Some('='));
        assert_eq!(trigger("@SUM(A1)"), Some('@'));
        assert_eq!(trigger("@bob"), Some('@'));
        // Tab, CR and LF are skipped: some programs drop them and read on.
        assert_eq!(trigger("\t=1+1"), Some('='));
        assert_eq!(trigger("\r\n@x"), Some('@'));
    }

    #[test]
    fn a_lone_sign_or_a_leading_space_is_text() {
        for plain in [
            "=",
            "@",
            "@ home office",
            " =1+1",
            "'=1+1",
            "Ada",
            "",
            "a=b",
        ] {
            assert_eq!(trigger(plain), None, "{plain:?}");
        }
    }

    #[test]
    fn plus_and_minus_count_only_when_something_is_called() {
        for hostile in [
            "+HYPERLINK(\"http://evil.example\")",
            "-2+3+cmd|' /C calc'!A0",
            "+cmd|' /C calc'!A0",
            "-SUM(1,2)",
            "+=WEBSERVICE(\"x\")",
            "-ZÄHLENWENN(A:A;1)",
            "- see _xlfn.X(1)",
        ] {
            assert!(is_formula_like(hostile), "{hostile:?}");
        }
        for plain in [
            "- call back Monday",
            "-5",
            "+5 %",
            "+49 151 2345678",
            "+49(0)151 2345678",
            "- call back (after 5pm)",
            "-- nothing",
            "+1 (555) 010-9999",
        ] {
            assert!(!is_formula_like(plain), "{plain:?}");
        }
    }

    #[test]
    fn a_neutralised_value_is_never_formula_like() {
        for hostile in ["=1+1", "@SUM(A1)", "+HYPERLINK(\"x\")", "-cmd|x"] {
            let safe = neutralize(hostile);
            assert!(!is_formula_like(&safe), "{safe:?}");
            assert_eq!(&safe[1..], hostile, "every character is kept");
        }
    }
}
