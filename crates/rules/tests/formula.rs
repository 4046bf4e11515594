//! `cell.formula_like`: values a spreadsheet would run as a formula are flagged with a fix
//! that neutralises them; typed values, bullets and signed numbers are not; the
//! configuration sets the level.

#![allow(clippy::unwrap_used, clippy::expect_used)] // reason: test helpers; a panic is the failure report

use rules::codes::{Code, Level};
use rules::config::{FieldSpec, FieldType, ImportConfig, Requirement, Transformer};
use rules::engine::{RowStatus, Validator};
use rules::issue::Issue;

const HYPERLINK: &str = "=HYPERLINK(\"http://evil.example\",\"klick\")";
const DDE: &str = "=cmd|' /C calc'!A0";

fn config() -> ImportConfig {
    let mut c = rules::conformance::test_config(Some("DE"));
    // A number field without a range, so a negative number is a valid value.
    c.fields.push(FieldSpec {
        custom: true,
        transformers: vec![Transformer::Trim, Transformer::NumberNormalize],
        ..FieldSpec::new("balance", "Balance", FieldType::Number)
    });
    c
}

fn validate(c: &ImportConfig, cells: &[(&str, &str)]) -> (RowStatus, Vec<Issue>) {
    let v = Validator::new(c).expect("valid config");
    let mut values = vec![None; v.fields().len()];
    // A named lead, so a missing name's warning does not hide what is tested.
    let named = [("first_name", "Ada"), ("last_name", "Lovelace")];
    for (k, val) in named.iter().chain(cells) {
        values[v.field_index(k).expect("known field")] = Some(*val);
    }
    let out = v.validate_row(2, &values);
    (out.status, out.issues)
}

fn formula_issues(issues: &[Issue]) -> Vec<&Issue> {
    issues
        .iter()
        .filter(|i| i.code == Code::CellFormulaLike)
        .collect()
}

fn flagged_fields(issues: &[Issue]) -> Vec<&str> {
    formula_issues(issues)
        .iter()
        .filter_map(|i| i.field.as_deref())
        .collect()
}

#[test]
fn the_two_partner_values_are_warnings_whose_fix_neutralises_them() {
    let c = config();
    let (status, issues) = validate(
        &c,
        &[
            ("email", "ada@example.com"),
            ("company", HYPERLINK),
            ("notes", DDE),
        ],
    );
    assert_eq!(status, RowStatus::Warning, "{issues:?}");
    let found = formula_issues(&issues);
    assert_eq!(flagged_fields(&issues), ["company", "notes"]);
    for issue in &found {
        assert_eq!(issue.level, Level::Warning);
        assert!(issue.hint.is_some());
        let original = if issue.field.as_deref() == Some("company") {
            HYPERLINK
        } else {
            DDE
        };
        assert_eq!(issue.value.as_deref(), Some(original));
        let fix = issue.fix.as_ref().expect("a one-click fix");
        assert_eq!(fix.value.as_deref(), Some(format!("'{original}").as_str()));
    }
    // The fixed values are text: nothing is flagged any more and the row is valid.
    let company = found[0].fix.as_ref().unwrap().value.clone().unwrap();
    let notes = found[1].fix.as_ref().unwrap().value.clone().unwrap();
    let (status, issues) = validate(
        &c,
        &[
            ("email", "ada@example.com"),
            ("company", &company),
            ("notes", &notes),
        ],
    );
    assert_eq!(status, RowStatus::Valid, "{issues:?}");
}

#[test]
fn bullets_signed_numbers_and_phone_numbers_in_text_are_not_formulas() {
    let c = config();
    for text in [
        "- call back Monday",
        "-5 % discount agreed",
        "+49 151 2345678 (mobile)",
        "+ follow up in Q3",
        "@ home office on Fridays",
    ] {
        let (status, issues) = validate(&c, &[("email", "ada@example.com"), ("notes", text)]);
        assert!(flagged_fields(&issues).is_empty(), "{text:?}: {issues:?}");
        assert_eq!(status, RowStatus::Valid, "{text:?}");
    }
    // The same signs in front of a call are flagged.
    for hostile in [
        "- see HYPERLINK(\"http://evil.example\")",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
    ] {
        let (_, issues) = validate(&c, &[("email", "ada@example.com"), ("notes", hostile)]);
        assert_eq!(flagged_fields(&issues), ["notes"], "{hostile:?}");
    }
}

#[test]
fn a_valid_phone_number_is_not_a_formula_but_a_formula_kept_as_a_phone_is() {
    let c = config();
    let (_, issues) = validate(
        &c,
        &[("email", "ada@example.com"), ("phone", "+49 151 23456789")],
    );
    assert!(flagged_fields(&issues).is_empty(), "{issues:?}");
    // The default config keeps an invalid phone as typed (a warning), so it would be
    // stored: the formula check looks at it too.
    let (_, issues) = validate(
        &c,
        &[("email", "ada@example.com"), ("phone", "+HYPERLINK(\"x\")")],
    );
    assert!(issues.iter().any(|i| i.code == Code::CellPhoneInvalid));
    assert_eq!(flagged_fields(&issues), ["phone"]);
}

#[test]
fn a_negative_number_is_a_number_but_a_signed_call_is_not() {
    let c = config();
    let (status, issues) = validate(&c, &[("email", "ada@example.com"), ("balance", "-5")]);
    assert!(flagged_fields(&issues).is_empty(), "{issues:?}");
    assert_eq!(status, RowStatus::Valid);
    let (_, issues) = validate(
        &c,
        &[("email", "ada@example.com"), ("balance", "-SUM(1,2)")],
    );
    assert!(issues.iter().any(|i| i.code == Code::CellNumberInvalid));
    assert_eq!(flagged_fields(&issues), ["balance"]);
}

#[test]
fn an_at_sign_in_an_email_field_is_left_to_the_email_check_but_equals_is_not() {
    let c = config();
    let (_, issues) = validate(&c, &[("email", "@evil.example")]);
    assert!(issues.iter().any(|i| i.code == Code::CellEmailInvalid));
    assert!(flagged_fields(&issues).is_empty(), "{issues:?}");
    let (_, issues) = validate(&c, &[("email", DDE)]);
    assert!(issues.iter().any(|i| i.code == Code::CellEmailInvalid));
    assert_eq!(flagged_fields(&issues), ["email"]);
}

#[test]
fn a_date_is_not_a_formula_but_a_formula_in_a_date_field_is() {
    let c = config();
    for date in ["2024-03-15", "15.03.2024", "-"] {
        let (_, issues) = validate(&c, &[("email", "ada@example.com"), ("met_on", date)]);
        assert!(flagged_fields(&issues).is_empty(), "{date:?}: {issues:?}");
    }
    let (_, issues) = validate(&c, &[("email", "ada@example.com"), ("met_on", "=TODAY()")]);
    assert!(issues.iter().any(|i| i.code == Code::CellDateInvalid));
    assert_eq!(flagged_fields(&issues), ["met_on"]);
}

#[test]
fn the_stored_value_is_checked_and_the_original_is_reported() {
    let c = config();
    // Trimming exposes the formula: what would be stored starts with "=".
    for raw in ["  =1+1", "\t=1+1", "\r\n=1+1"] {
        let (_, issues) = validate(&c, &[("email", "ada@example.com"), ("company", raw)]);
        let found = formula_issues(&issues);
        assert_eq!(found.len(), 1, "{raw:?}: {issues:?}");
        assert_eq!(found[0].value.as_deref(), Some(raw));
        assert_eq!(found[0].normalized.as_deref(), Some("=1+1"));
        assert_eq!(
            found[0].fix.as_ref().and_then(|f| f.value.as_deref()),
            Some("'=1+1")
        );
    }
    // A status alias that only looked like a formula becomes a safe canonical value.
    let (_, issues) = validate(&c, &[("email", "ada@example.com"), ("status", "=new")]);
    assert!(flagged_fields(&issues).is_empty(), "{issues:?}");
}

#[test]
fn admins_can_raise_the_level_to_error_or_turn_the_check_off() {
    let mut c = config();
    c.formula_like = Requirement::Error;
    let (status, issues) = validate(&c, &[("email", "ada@example.com"), ("company", HYPERLINK)]);
    assert_eq!(status, RowStatus::Error);
    assert_eq!(formula_issues(&issues)[0].level, Level::Error);
    c.formula_like = Requirement::Off;
    let (status, issues) = validate(&c, &[("email", "ada@example.com"), ("company", HYPERLINK)]);
    assert_eq!(status, RowStatus::Valid, "{issues:?}");
    assert!(formula_issues(&issues).is_empty());
}

#[test]
fn a_stored_configuration_without_the_setting_reads_as_warning() {
    let json = serde_json::to_value(ImportConfig::default_leads()).unwrap();
    let mut old = json.clone();
    old.as_object_mut().unwrap().remove("formula_like");
    let c: ImportConfig = serde_json::from_value(old).unwrap();
    assert_eq!(c.formula_like, Requirement::Warning);
    assert_eq!(json["formula_like"], "warning");
    let raised: ImportConfig = serde_json::from_value(serde_json::json!({
        "schema_version": 1,
        "fields": [{"key": "email", "label": "Email", "type": "email"}],
        "duplicates": {"keys": ["email"]},
        "formula_like": "error"
    }))
    .unwrap();
    assert_eq!(raised.formula_like, Requirement::Error);
    assert!(rules::json_schema().to_string().contains("formula_like"));
}

#[test]
fn staging_without_normalisation_notes_flags_the_same_values() {
    let mut v = Validator::new(&ImportConfig::default_leads()).unwrap();
    v.set_normalization_notes(false);
    let mut values = vec![None; v.fields().len()];
    for (k, val) in [
        ("first_name", "Ada"),
        ("last_name", "Lovelace"),
        ("email", "ada@example.com"),
        ("company", HYPERLINK),
        ("notes", DDE),
    ] {
        values[v.field_index(k).unwrap()] = Some(val);
    }
    let out = v.validate_row(2, &values);
    assert_eq!(flagged_fields(&out.issues), ["company", "notes"]);
}
