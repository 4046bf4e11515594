//! Phone numbers: parsing with a default region (or the row's country) and formatting as
//! E.164, via `rlibphonenumber` (chosen in docs/benchmarks.md: fast, wasm32-ready).

use rlibphonenumber::{ParseError, PhoneNumber, PhoneNumberFormat, Region, PHONE_NUMBER_UTIL};

/// Why a number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneError {
    /// No country code and no region to read the national number in.
    NoRegion,
    /// Not a phone number at all.
    NotANumber,
    TooShort,
    TooLong,
    /// Parsed, but no such number exists in the numbering plan.
    NotValid,
    /// A spreadsheet float such as `4.9301234567E+11`: digits may already be lost.
    Scientific,
}

impl PhoneError {
    pub fn message(self) -> &'static str {
        match self {
            PhoneError::NoRegion => "the number has no country code and no default region is set",
            PhoneError::NotANumber => "this is not a phone number",
            PhoneError::TooShort => "the number is too short",
            PhoneError::TooLong => "the number is too long",
            PhoneError::NotValid => "no such number exists in the country's numbering plan",
            PhoneError::Scientific => {
                "the number was stored as a spreadsheet number in scientific notation"
            }
        }
    }

    pub fn hint(self) -> &'static str {
        match self {
            PhoneError::NoRegion => "Write it with its country code (e.g. +49 30 1234567), add a country column, or set a default region.",
            PhoneError::Scientific => "Format the column as text in the spreadsheet and export again.",
            _ => "Check the digits and the country code.",
        }
    }
}

/// Parses a region code such as "DE"; `None` for anything libphonenumber does not know.
pub fn region(code: &str) -> Option<Region> {
    if code.len() != 2 {
        return None;
    }
    // from_code accepts any two letters; only regions with numbering metadata count.
    Region::from_code(code)
        .ok()
        .filter(|r| PHONE_NUMBER_UTIL.get_country_code_for_region(*r).is_some())
}

/// Strips what people write around numbers that libphonenumber would misread: the
/// "(0)" trunk prefix after a country code ("+49 (0)30 …") and a leading "Tel:" label.
fn preclean(raw: &str) -> std::borrow::Cow<'_, str> {
    let s = raw.trim();
    let lower_start = s.get(..4).map(str::to_ascii_lowercase);
    let s = match lower_start.as_deref() {
        Some("tel:") | Some("tel.") => s[4..].trim_start(),
        _ => s,
    };
    let international = s.starts_with('+') || s.starts_with("00");
    if international && s.contains("(0)") {
        std::borrow::Cow::Owned(s.replacen("(0)", "", 1))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

fn looks_scientific(s: &str) -> bool {
    let s = s.trim();
    (s.contains('E') || s.contains('e'))
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | 'E' | 'e' | '+' | '-'))
        && s.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// The parsed number, to reuse for region checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub e164: String,
    /// ISO 3166-1 alpha-2 region the number belongs to, when libphonenumber knows one.
    pub region: Option<String>,
}

/// Parses and validates `raw`, reading national numbers in `default_region`.
pub fn parse(raw: &str, default_region: Option<Region>) -> Result<Parsed, PhoneError> {
    if looks_scientific(raw) {
        return Err(PhoneError::Scientific);
    }
    let cleaned = preclean(raw);
    if !cleaned.chars().any(|c| c.is_ascii_digit()) {
        return Err(PhoneError::NotANumber);
    }
    let number: PhoneNumber = PHONE_NUMBER_UTIL
        .parse(cleaned.as_ref(), default_region)
        .map_err(|e| match e {
            ParseError::InvalidCountryCode if default_region.is_none() => PhoneError::NoRegion,
            ParseError::InvalidCountryCode => PhoneError::NotValid,
            ParseError::NotANumber(_) => PhoneError::NotANumber,
            ParseError::TooShortAfterIdd | ParseError::TooShortNsn => PhoneError::TooShort,
            ParseError::TooLongNsn => PhoneError::TooLong,
        })?;
    if !number.is_valid() {
        return Err(PhoneError::NotValid);
    }
    let e164 = number.format_as(PhoneNumberFormat::E164).into_owned();
    let region = number
        .get_region_code()
        .map(|r| r.as_region_str().as_str().to_owned());
    Ok(Parsed { e164, region })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_national_number_is_read_in_the_default_region() {
        let p = parse("030 12345678", region("DE")).unwrap();
        assert_eq!(p.e164, "+493012345678");
        assert_eq!(p.region.as_deref(), Some("DE"));
    }

    #[test]
    fn an_international_number_ignores_the_default_region() {
        assert_eq!(
            parse("+1 (650) 253-0000", region("DE")).unwrap().e164,
            "+16502530000"
        );
        assert_eq!(
            parse("0044 20 7183 8750", region("DE")).unwrap().e164,
            "+442071838750"
        );
    }

    #[test]
    fn a_trunk_zero_in_brackets_after_the_country_code_is_dropped() {
        assert_eq!(
            parse("+49 (0)30 12345678", None).unwrap().e164,
            "+493012345678"
        );
    }

    #[test]
    fn a_national_number_without_region_is_refused_with_a_reason() {
        assert_eq!(parse("030 12345678", None), Err(PhoneError::NoRegion));
    }

    #[test]
    fn words_and_scientific_notation_are_not_numbers() {
        assert_eq!(parse("call me", region("US")), Err(PhoneError::NotANumber));
        assert_eq!(
            parse("4.9301234567E+11", region("DE")),
            Err(PhoneError::Scientific)
        );
    }

    #[test]
    fn numbers_that_do_not_exist_are_not_valid() {
        assert!(parse("+1 000 000 0000", None).is_err());
        assert!(parse("12", region("DE")).is_err());
    }

    #[test]
    fn region_codes_are_case_insensitive() {
        assert!(region("de").is_some());
        assert!(region("XX").is_none());
        assert!(region("DEU").is_none());
    }
}
