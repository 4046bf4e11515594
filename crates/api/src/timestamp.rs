//! RFC 3339 timestamps on the wire (`2026-12-01T13:18:49.96567Z`), for serde's `with`.
//! Written out by `time`'s own RFC 3339 formatter (the server's answers are unchanged) and
//! read by the small parser below, so the browser build carries no date-format machinery.

use serde::{de, Deserialize, Deserializer, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

pub fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
    let text = t.format(&Rfc3339).map_err(serde::ser::Error::custom)?;
    s.serialize_str(&text)
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
    let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
    parse(&text).ok_or_else(|| de::Error::custom(format!("not an RFC 3339 time: {text}")))
}

/// `Option<OffsetDateTime>` as a timestamp or `null`.
pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => super::serialize(t, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        match <Option<std::borrow::Cow<'de, str>>>::deserialize(d)? {
            None => Ok(None),
            Some(text) => parse(&text)
                .map(Some)
                .ok_or_else(|| de::Error::custom(format!("not an RFC 3339 time: {text}"))),
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `None` for anything else.
pub fn parse(s: &str) -> Option<OffsetDateTime> {
    let b = s.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(range)?;
        part.iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let year = i32::try_from(num(0..4)?).ok()?;
    let month = Month::try_from(u8::try_from(num(5..7)?).ok()?).ok()?;
    let date = Date::from_calendar_date(year, month, u8::try_from(num(8..10)?).ok()?).ok()?;
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut at = 19;
    let mut nanos = 0u32;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            if at - start < 9 {
                nanos = nanos * 10 + u32::from(b[at] - b'0');
            }
            at += 1;
        }
        let digits = at - start;
        if digits == 0 {
            return None;
        }
        nanos *= 10u32.pow(9u32.saturating_sub(u32::try_from(digits).ok()?));
    }
    let offset = match b.get(at)? {
        b'Z' | b'z' if at + 1 == b.len() => UtcOffset::UTC,
        sign @ (b'+' | b'-') if at + 6 == b.len() && b[at + 3] == b':' => {
            let h = i8::try_from(num(at + 1..at + 3)?).ok()?;
            let m = i8::try_from(num(at + 4..at + 6)?).ok()?;
            let (h, m) = if *sign == b'-' { (-h, -m) } else { (h, m) };
            UtcOffset::from_hms(h, m, 0).ok()?
        }
        _ => return None,
    };
    let time = Time::from_hms_nano(
        u8::try_from(hour).ok()?,
        u8::try_from(minute).ok()?,
        u8::try_from(second).ok()?,
        nanos,
    )
    .ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_offset(offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_formatter_writes_and_the_offsets_people_send() {
        for text in [
            "2026-12-01T13:18:49.96567Z",
            "2026-12-01T13:18:49Z",
            "2024-02-29T23:59:59.123456789+02:00",
            "1999-01-01T00:00:00-05:30",
        ] {
            let t = parse(text).unwrap_or_else(|| panic!("{text}"));
            let again = t.format(&Rfc3339).unwrap();
            assert_eq!(parse(&again), Some(t), "{text} → {again}");
            assert_eq!(OffsetDateTime::parse(text, &Rfc3339).unwrap(), t, "{text}");
        }
        for bad in [
            "2026-13-01T00:00:00Z",
            "2026-12-01 00:00Z",
            "2026-12-01T00:00:00",
            "x",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
