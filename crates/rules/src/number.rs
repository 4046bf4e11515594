//! Numbers as people type them: "1,234.50", "1.234,50", "1 234,5", "12'000" → "1234.5".

/// Reads a number; returns the canonical decimal text and its value.
///
/// Rules, because "1,234" means different things in different countries: when both `.` and
/// `,` occur, the last one is the decimal separator; a single separator kind that occurs
/// more than once groups thousands; a single `,` or `.` occurring once is the decimal
/// separator. Spaces, no-break spaces and apostrophes group thousands.
pub fn parse(raw: &str) -> Option<(String, f64)> {
    let s = crate::text::trim(raw);
    let (neg, body) = match s.strip_prefix('-').or_else(|| s.strip_prefix('−')) {
        Some(b) => (true, b.trim_start()),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if body.is_empty() {
        return None;
    }
    let mut digits = String::with_capacity(body.len());
    let last_dot = body.rfind('.');
    let last_comma = body.rfind(',');
    let dots = body.matches('.').count();
    let commas = body.matches(',').count();
    let decimal = match (last_dot, last_comma) {
        (Some(d), Some(c)) => Some(if d > c { '.' } else { ',' }),
        (Some(_), None) if dots == 1 => Some('.'),
        (None, Some(_)) if commas == 1 => Some(','),
        _ => None,
    };
    let mut seen_decimal = false;
    for c in body.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if Some(c) == decimal {
            if seen_decimal {
                return None;
            }
            seen_decimal = true;
            digits.push('.');
        } else if matches!(c, '.' | ',' | ' ' | '\u{00A0}' | '\u{202F}' | '\'' | '’') {
            if seen_decimal {
                return None;
            }
        } else {
            return None;
        }
    }
    if !digits.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    if digits.contains('.') {
        while digits.ends_with('0') {
            digits.pop();
        }
        if digits.ends_with('.') {
            digits.pop();
        }
    }
    let trimmed = digits.trim_start_matches('0');
    let mut canonical = if trimmed.is_empty() || trimmed.starts_with('.') {
        format!("0{trimmed}")
    } else {
        trimmed.to_owned()
    };
    if neg && canonical != "0" {
        canonical.insert(0, '-');
    }
    let value: f64 = canonical.parse().ok()?;
    value.is_finite().then_some((canonical, value))
}

#[cfg(test)]
mod tests {
    use super::parse;

    fn canon(s: &str) -> Option<String> {
        parse(s).map(|(c, _)| c)
    }

    #[test]
    fn english_and_european_separators_are_both_understood() {
        assert_eq!(canon("1,234.50").as_deref(), Some("1234.5"));
        assert_eq!(canon("1.234,50").as_deref(), Some("1234.5"));
        assert_eq!(canon("1 234,5").as_deref(), Some("1234.5"));
        assert_eq!(canon("12'000").as_deref(), Some("12000"));
        assert_eq!(canon("1.000.000").as_deref(), Some("1000000"));
        assert_eq!(canon("2,5").as_deref(), Some("2.5"));
        assert_eq!(canon("-0,50").as_deref(), Some("-0.5"));
        assert_eq!(canon("007").as_deref(), Some("7"));
        assert_eq!(canon("0").as_deref(), Some("0"));
    }

    #[test]
    fn text_is_not_a_number() {
        for s in ["", "abc", "12a", "1.2.3,4,5", "-", "1e5", "..."] {
            assert_eq!(canon(s), None, "{s}");
        }
    }
}
