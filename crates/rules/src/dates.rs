//! Dates: ISO, day-first and month-first numeric forms, month names in the seven supported
//! languages, compact yyyymmdd and Excel serials — written out as ISO 8601 (yyyy-mm-dd).
//! Ambiguity (03/04/2024) is reported, never guessed: see [`DateOrder`] and the column pass
//! in the engine.

use serde::{Deserialize, Serialize};

use crate::text;

/// How to read a numeric date whose first two parts are both ≤ 12.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// Decide per column from values that can only be read one way.
    #[default]
    Auto,
    DayFirst,
    MonthFirst,
}

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=9999).contains(&year)
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
        {
            return None;
        }
        Some(Date { year, month, day })
    }

    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Excel's serial day number (1900 system). Serial 60 is Excel's fictitious 1900-02-29,
    /// so serials after it are one day late; why we mirror it: the files come from Excel.
    pub fn from_excel_serial(serial: u32) -> Option<Date> {
        if serial == 0 || serial == 60 || serial > 2_958_465 {
            return None;
        }
        // Days since 1899-12-31 for serials before the bug, since 1899-12-30 after it.
        let days = if serial < 60 {
            i64::from(serial)
        } else {
            i64::from(serial) - 1
        };
        Some(civil_from_days(days_from_civil(1899, 12, 31) + days))
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

// Howard Hinnant's days-from-civil algorithms (proleptic Gregorian).
fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> Date {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    Date {
        year: y,
        month: m,
        day: d,
    }
}

/// What a value says about the column's day/month order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// Only readable day-first (first part > 12).
    DayFirst,
    /// Only readable month-first (second part > 12).
    MonthFirst,
    /// Readable both ways with different results.
    Either,
    /// Order does not matter (ISO, month names, serials, equal parts).
    Neutral,
    Invalid,
}

/// The result of reading one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parsed {
    Date(Date),
    Ambiguous { day_first: Date, month_first: Date },
    Invalid,
}

const MONTHS: &[(&str, u8)] = &[
    // en
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
    // de
    ("januar", 1),
    ("janner", 1),
    ("februar", 2),
    ("marz", 3),
    ("maerz", 3),
    ("mrz", 3),
    ("mai", 5),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("okt", 10),
    ("dezember", 12),
    ("dez", 12),
    // fr
    ("janvier", 1),
    ("janv", 1),
    ("fevrier", 2),
    ("fevr", 2),
    ("fev", 2),
    ("mars", 3),
    ("avril", 4),
    ("avr", 4),
    ("juin", 6),
    ("juillet", 7),
    ("juil", 7),
    ("aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("decembre", 12),
    // es
    ("enero", 1),
    ("ene", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("abr", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("ago", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
    ("dic", 12),
    // pt
    ("janeiro", 1),
    ("fevereiro", 2),
    ("marco", 3),
    ("maio", 5),
    ("junho", 6),
    ("julho", 7),
    ("setembro", 9),
    ("set", 9),
    ("outubro", 10),
    ("out", 10),
    ("novembro", 11),
    ("dezembro", 12),
    // it
    ("gennaio", 1),
    ("gen", 1),
    ("febbraio", 2),
    ("aprile", 4),
    ("maggio", 5),
    ("mag", 5),
    ("giugno", 6),
    ("giu", 6),
    ("luglio", 7),
    ("lug", 7),
    ("settembre", 9),
    ("ottobre", 10),
    ("ott", 10),
    ("dicembre", 12),
    // nl
    ("januari", 1),
    ("februari", 2),
    ("maart", 3),
    ("mrt", 3),
    ("mei", 5),
    ("augustus", 8),
];

/// Words that may sit between the parts of a written date ("15 de enero de 2024").
const FILLERS: &[&str] = &["de", "del", "of", "the", "le", "der", "den", "il", "el"];

fn month_from_word(w: &str) -> Option<u8> {
    let f = text::fold_compact(w);
    MONTHS.iter().find(|(name, _)| *name == f).map(|(_, m)| *m)
}

fn expand_year(token: &str) -> Option<i32> {
    let v: i32 = token.parse().ok()?;
    match token.len() {
        4 => Some(v),
        // Excel's pivot: 00–29 → 2000s, 30–99 → 1900s.
        2 => Some(if v < 30 { 2000 + v } else { 1900 + v }),
        _ => None,
    }
}

/// Removes a trailing time ("2024-03-04T10:00:00Z", "04.03.2024 14:30").
fn strip_time(s: &str) -> &str {
    let bytes = s.as_bytes();
    if bytes.len() > 10
        && (bytes[10] == b'T' || bytes[10] == b't')
        && bytes[..4].iter().all(u8::is_ascii_digit)
    {
        return &s[..10];
    }
    if let Some(colon) = s.find(':') {
        if let Some(space) = s[..colon].rfind(' ') {
            return s[..space].trim_end();
        }
    }
    s
}

struct Parts<'a> {
    tokens: Vec<&'a str>,
}

fn tokens(s: &str) -> Parts<'_> {
    let tokens = s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| {
            // Ordinals: 1st, 2nd, 3rd, 15th, 1er, 1º.
            if t.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                let digits = t.trim_end_matches(|c: char| !c.is_ascii_digit());
                let suffix = &t[digits.len()..];
                if matches!(
                    suffix.to_ascii_lowercase().as_str(),
                    "st" | "nd" | "rd" | "th" | "er" | "º" | "ª"
                ) {
                    return digits;
                }
            }
            t
        })
        .collect();
    Parts { tokens }
}

fn all_digits(t: &str) -> bool {
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
}

/// Reads one value with the given order. `Auto` reports values that read both ways as
/// [`Parsed::Ambiguous`].
pub fn parse(raw: &str, order: DateOrder) -> Parsed {
    let s = text::trim(raw);
    if s.is_empty() || s.len() > 64 {
        return Parsed::Invalid;
    }
    // Excel serial (possibly with a time fraction): 45292 or 45292.5.
    if let Some(serial) = excel_serial(s) {
        return Date::from_excel_serial(serial).map_or(Parsed::Invalid, Parsed::Date);
    }
    let s = strip_time(s);
    let parts = tokens(s);
    let t = &parts.tokens;
    if t.len() == 1
        && t[0].len() == 8
        && all_digits(t[0])
        && (t[0].starts_with("19") || t[0].starts_with("20"))
    {
        return ymd(&t[0][..4], &t[0][4..6], &t[0][6..]);
    }
    if t.len() == 3 && t.iter().all(|x| all_digits(x)) {
        if t[0].len() == 4 {
            return ymd(t[0], t[1], t[2]);
        }
        let Some(year) = expand_year(t[2]) else {
            return Parsed::Invalid;
        };
        let (Ok(a), Ok(b)) = (t[0].parse::<u8>(), t[1].parse::<u8>()) else {
            return Parsed::Invalid;
        };
        let day_first = Date::new(year, b, a);
        let month_first = Date::new(year, a, b);
        return match (day_first, month_first, order) {
            (Some(d), Some(m), _) if d == m => Parsed::Date(d),
            (Some(d), _, DateOrder::DayFirst) => Parsed::Date(d),
            (_, Some(m), DateOrder::MonthFirst) => Parsed::Date(m),
            (Some(d), Some(m), DateOrder::Auto) => Parsed::Ambiguous {
                day_first: d,
                month_first: m,
            },
            (Some(d), None, DateOrder::Auto) => Parsed::Date(d),
            (None, Some(m), DateOrder::Auto) => Parsed::Date(m),
            _ => Parsed::Invalid,
        };
    }
    // Written month: find exactly one month word, one day, one year; fillers allowed.
    let mut month = None;
    let mut numbers: Vec<&str> = Vec::with_capacity(2);
    for tok in t {
        if all_digits(tok) {
            numbers.push(tok);
        } else if let Some(m) = month_from_word(tok) {
            if month.replace(m).is_some() {
                return Parsed::Invalid;
            }
        } else if !FILLERS.contains(&text::fold_compact(tok).as_str()) && !is_weekday(tok) {
            return Parsed::Invalid;
        }
    }
    let Some(month) = month else {
        return Parsed::Invalid;
    };
    if numbers.len() != 2 {
        return Parsed::Invalid;
    }
    let (day, year) = if numbers[0].len() == 4 {
        (numbers[1], numbers[0])
    } else {
        (numbers[0], numbers[1])
    };
    let (Ok(day), Some(year)) = (day.parse::<u8>(), expand_year(year)) else {
        return Parsed::Invalid;
    };
    Date::new(year, month, day).map_or(Parsed::Invalid, Parsed::Date)
}

fn is_weekday(tok: &str) -> bool {
    const DAYS: &[&str] = &[
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "montag",
        "dienstag",
        "mittwoch",
        "donnerstag",
        "freitag",
        "samstag",
        "sonntag",
        "lundi",
        "mardi",
        "mercredi",
        "jeudi",
        "vendredi",
        "samedi",
        "dimanche",
    ];
    DAYS.contains(&text::fold_compact(tok).as_str())
}

fn ymd(y: &str, m: &str, d: &str) -> Parsed {
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u8>(), d.parse::<u8>()) else {
        return Parsed::Invalid;
    };
    Date::new(y, m, d).map_or(Parsed::Invalid, Parsed::Date)
}

/// An Excel serial: digits with an optional fraction, 3 to 7 integer digits. Why at least
/// three: "12" in a date column is far more likely a typo than 1900-01-12.
fn excel_serial(s: &str) -> Option<u32> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if !(3..=7).contains(&int.len()) || !all_digits(int) || !(frac.is_empty() || all_digits(frac)) {
        return None;
    }
    int.parse().ok()
}

/// What one value tells about its column's order.
pub fn evidence(raw: &str) -> Evidence {
    match parse(raw, DateOrder::Auto) {
        Parsed::Invalid => Evidence::Invalid,
        Parsed::Ambiguous { .. } => Evidence::Either,
        Parsed::Date(_) => {
            let df = parse(raw, DateOrder::DayFirst);
            let mf = parse(raw, DateOrder::MonthFirst);
            match (df, mf) {
                (Parsed::Date(a), Parsed::Date(b)) if a == b => Evidence::Neutral,
                (Parsed::Date(_), Parsed::Invalid) => Evidence::DayFirst,
                (Parsed::Invalid, Parsed::Date(_)) => Evidence::MonthFirst,
                _ => Evidence::Neutral,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str, o: DateOrder) -> Option<String> {
        match parse(s, o) {
            Parsed::Date(d) => Some(d.iso()),
            _ => None,
        }
    }

    #[test]
    fn iso_dates_and_datetimes_are_read_as_is() {
        assert_eq!(
            iso("2024-03-04", DateOrder::Auto).as_deref(),
            Some("2024-03-04")
        );
        assert_eq!(
            iso("2024-03-04T10:00:00Z", DateOrder::Auto).as_deref(),
            Some("2024-03-04")
        );
        assert_eq!(
            iso("2024/3/4", DateOrder::Auto).as_deref(),
            Some("2024-03-04")
        );
        assert_eq!(
            iso("20240304", DateOrder::Auto).as_deref(),
            Some("2024-03-04")
        );
    }

    #[test]
    fn a_day_above_twelve_settles_the_order_by_itself() {
        assert_eq!(
            iso("25.12.2024", DateOrder::Auto).as_deref(),
            Some("2024-12-25")
        );
        assert_eq!(
            iso("12/25/2024", DateOrder::Auto).as_deref(),
            Some("2024-12-25")
        );
        assert_eq!(evidence("25.12.2024"), Evidence::DayFirst);
        assert_eq!(evidence("12/25/2024"), Evidence::MonthFirst);
    }

    #[test]
    fn a_date_that_reads_both_ways_is_ambiguous_unless_an_order_is_given() {
        assert!(matches!(
            parse("03/04/2024", DateOrder::Auto),
            Parsed::Ambiguous { .. }
        ));
        assert_eq!(evidence("03/04/2024"), Evidence::Either);
        assert_eq!(
            iso("03/04/2024", DateOrder::DayFirst).as_deref(),
            Some("2024-04-03")
        );
        assert_eq!(
            iso("03/04/2024", DateOrder::MonthFirst).as_deref(),
            Some("2024-03-04")
        );
        assert_eq!(
            iso("05/05/2024", DateOrder::Auto).as_deref(),
            Some("2024-05-05")
        );
    }

    #[test]
    fn two_digit_years_follow_excels_pivot() {
        assert_eq!(
            iso("25.12.24", DateOrder::Auto).as_deref(),
            Some("2024-12-25")
        );
        assert_eq!(
            iso("25.12.95", DateOrder::Auto).as_deref(),
            Some("1995-12-25")
        );
    }

    #[test]
    fn month_names_in_seven_languages_are_understood() {
        for s in [
            "15 March 2024",
            "March 15th, 2024",
            "15. März 2024",
            "15 mars 2024",
            "15 de marzo de 2024",
            "15 de março de 2024",
            "15 marzo 2024",
            "15 maart 2024",
            "Fri, 15 Mar 2024",
        ] {
            assert_eq!(
                iso(s, DateOrder::Auto).as_deref(),
                Some("2024-03-15"),
                "{s}"
            );
        }
    }

    #[test]
    fn excel_serials_become_dates() {
        assert_eq!(iso("45292", DateOrder::Auto).as_deref(), Some("2024-01-01"));
        assert_eq!(
            iso("45292.75", DateOrder::Auto).as_deref(),
            Some("2024-01-01")
        );
        assert_eq!(iso("61", DateOrder::Auto), None);
        assert_eq!(
            Date::from_excel_serial(61).map(|d| d.iso()).as_deref(),
            Some("1900-03-01")
        );
        assert_eq!(
            Date::from_excel_serial(59).map(|d| d.iso()).as_deref(),
            Some("1900-02-28")
        );
    }

    #[test]
    fn impossible_dates_are_invalid() {
        for s in [
            "2024-02-30",
            "31.04.2024",
            "2023-02-29",
            "13/13/2024",
            "tomorrow",
            "",
            "1.2",
        ] {
            assert_eq!(parse(s, DateOrder::Auto), Parsed::Invalid, "{s}");
        }
        assert_eq!(
            iso("2024-02-29", DateOrder::Auto).as_deref(),
            Some("2024-02-29")
        );
    }
}
