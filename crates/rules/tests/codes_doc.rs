//! Keeps docs/error-codes.md and `rules::codes::Code` in step, and checks the code API.

#![allow(clippy::unwrap_used, clippy::expect_used)] // reason: test helpers; a panic is the failure report

use std::str::FromStr;

use rules::codes::{Code, Level, Scope};

fn documented() -> Vec<(String, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/error-codes.md");
    let md = std::fs::read_to_string(path).expect("docs/error-codes.md is readable");
    md.lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells[1].trim_matches('`').to_owned(), cells[2].to_owned())
        })
        .collect()
}

#[test]
fn the_documented_codes_are_exactly_the_codes_in_the_enum_in_the_same_order() {
    let doc: Vec<String> = documented().into_iter().map(|(c, _)| c).collect();
    let code: Vec<String> = Code::ALL.iter().map(|c| c.as_str().to_owned()).collect();
    assert_eq!(doc, code);
}

#[test]
fn the_documented_levels_are_the_default_levels() {
    for (code, level) in documented() {
        let c = Code::from_str(&code).expect("documented code parses");
        assert_eq!(c.default_level().as_str(), level, "{code}");
    }
}

#[test]
fn every_code_round_trips_through_its_string_and_json() {
    for c in Code::ALL {
        assert_eq!(Code::from_str(c.as_str()), Ok(*c));
        let json = serde_json::to_string(c).expect("serialises");
        assert_eq!(json, format!("\"{}\"", c.as_str()));
        assert_eq!(
            serde_json::from_str::<Code>(&json).expect("deserialises"),
            *c
        );
    }
    assert!(Code::from_str("cell.nope").is_err());
}

#[test]
fn every_code_is_dotted_snake_case_with_a_frictionless_scope() {
    for c in Code::ALL {
        let s = c.as_str();
        let (scope, name) = s.split_once('.').expect("dotted");
        assert!(["file", "header", "row", "cell"].contains(&scope), "{s}");
        assert!(
            name.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'),
            "{s}"
        );
        let expected = match scope {
            "file" => Scope::File,
            "header" => Scope::Header,
            "row" => Scope::Row,
            _ => Scope::Cell,
        };
        assert_eq!(c.scope(), expected);
    }
}

#[test]
fn the_codes_the_brief_names_all_exist() {
    for s in [
        "file.empty",
        "file.encoding_unknown",
        "header.duplicate",
        "header.empty",
        "header.unmapped",
        "header.field_conflict",
        "row.extra_cells",
        "row.missing_cells",
        "row.duplicate_in_file",
        "row.duplicate_in_db",
        "row.rule_failed",
        "row.empty",
        "cell.required",
        "cell.email_invalid",
        "cell.phone_invalid",
        "cell.enum_unknown",
        "cell.date_invalid",
        "cell.date_ambiguous",
        "cell.too_long",
        "cell.too_short",
        "cell.pattern_mismatch",
        "cell.number_invalid",
        "cell.out_of_range",
        "cell.url_invalid",
        "cell.country_unknown",
        "cell.normalized",
        "cell.phone_country_mismatch",
        "file.too_large",
        "file.too_many_rows",
        "file.too_many_columns",
        "file.zip_bomb",
        "file.too_slow",
        "file.encrypted",
        "file.unsupported_format",
        "row.unclosed_quote",
        "cell.formula_cached",
        "cell.error_value",
        "cell.number_as_phone",
    ] {
        assert!(Code::from_str(s).is_ok(), "{s}");
    }
}

#[test]
fn levels_serialise_lowercase_and_order_by_severity() {
    assert_eq!(
        serde_json::to_string(&Level::Warning).expect("serialises"),
        "\"warning\""
    );
    assert!(Level::Error > Level::Warning && Level::Warning > Level::Info);
    assert_eq!(Level::from_str("info"), Ok(Level::Info));
}
