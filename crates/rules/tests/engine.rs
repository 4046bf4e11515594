//! Behaviour of the validator on the default lead configuration and on custom fields.

#![allow(clippy::unwrap_used, clippy::expect_used)] // reason: test helpers; a panic is the failure report

use rules::codes::{Code, Level};
use rules::config::{
    AllowedValue, Constraints, CrossFieldRule, DedupeKeyKind, FieldSpec, FieldType, ImportConfig,
    Requirement, Transformer,
};
use rules::dates::DateOrder;
use rules::engine::{RowStatus, Validator};
use rules::issue::Issue;

fn validator_with_region(region: Option<&str>) -> Validator {
    Validator::new(&rules::conformance::test_config(region)).expect("test config is valid")
}

fn validator() -> Validator {
    validator_with_region(Some("DE"))
}

/// Builds a row from (field key, raw value) pairs in the validator's order.
fn row<'a>(v: &Validator, cells: &[(&str, &'a str)]) -> Vec<Option<&'a str>> {
    let mut out = vec![None; v.fields().len()];
    for (k, val) in cells {
        out[v.field_index(k).expect("known field")] = Some(*val);
    }
    out
}

fn codes(issues: &[Issue]) -> Vec<&'static str> {
    issues.iter().map(|i| i.code.as_str()).collect()
}

fn value<'a>(v: &Validator, out: &'a rules::RowOutcome<'_>, key: &str) -> Option<&'a str> {
    out.normalized[v.field_index(key).expect("known field")].as_deref()
}

#[test]
fn a_clean_row_is_valid_and_its_values_are_borrowed() {
    let v = validator();
    let r = row(
        &v,
        &[
            ("first_name", "Jane"),
            ("last_name", "Doe"),
            ("email", "jane@example.com"),
            ("status", "new"),
        ],
    );
    let out = v.validate_row(2, &r);
    assert_eq!(out.status, RowStatus::Valid, "{:?}", out.issues);
    assert!(out.issues.is_empty());
    let i = v.field_index("email").expect("email");
    assert!(matches!(
        out.normalized[i],
        Some(std::borrow::Cow::Borrowed(_))
    ));
}

#[test]
fn a_missing_last_name_is_only_a_warning() {
    let v = validator();
    let out = v.validate_row(
        3,
        &row(&v, &[("first_name", "Jane"), ("email", "jane@example.com")]),
    );
    assert_eq!(out.status, RowStatus::Warning);
    let issue = out
        .issues
        .iter()
        .find(|i| i.code == Code::CellRequired)
        .expect("required issue");
    assert_eq!(issue.level, Level::Warning);
    assert_eq!(issue.field.as_deref(), Some("last_name"));
    assert_eq!(issue.row, 3);
}

#[test]
fn a_row_without_email_and_phone_fails_the_contact_rule() {
    let v = validator();
    let out = v.validate_row(4, &row(&v, &[("first_name", "Jane"), ("last_name", "Doe")]));
    assert_eq!(out.status, RowStatus::Error);
    assert!(codes(&out.issues).contains(&"row.rule_failed"));
}

#[test]
fn an_empty_row_is_reported_once_and_skipped() {
    let v = validator();
    let out = v.validate_row(5, &row(&v, &[("first_name", "  "), ("email", "")]));
    assert_eq!(out.status, RowStatus::Empty);
    assert_eq!(codes(&out.issues), vec!["row.empty"]);
}

#[test]
fn messy_values_are_normalised_and_each_change_is_reported_as_info() {
    let v = validator();
    let r = row(
        &v,
        &[
            ("first_name", "  JANE  "),
            ("last_name", "o'brien"),
            ("email", "Jane O'Brien <Jane.OBrien@Example.COM>"),
            ("phone", "030 1234567"),
            ("status", "Qualifiziert"),
            ("source", "Empfehlung"),
            ("country", "Deutschland"),
            ("company", "ACME   GmbH"),
        ],
    );
    let out = v.validate_row(6, &r);
    assert_eq!(out.status, RowStatus::Valid, "{:?}", out.issues);
    assert_eq!(value(&v, &out, "first_name"), Some("Jane"));
    assert_eq!(value(&v, &out, "last_name"), Some("O'Brien"));
    assert_eq!(value(&v, &out, "email"), Some("jane.obrien@example.com"));
    assert_eq!(value(&v, &out, "phone"), Some("+49301234567"));
    assert_eq!(value(&v, &out, "status"), Some("qualified"));
    assert_eq!(value(&v, &out, "source"), Some("referral"));
    assert_eq!(value(&v, &out, "country"), Some("DE"));
    assert_eq!(value(&v, &out, "company"), Some("ACME GmbH"));
    assert!(out
        .issues
        .iter()
        .all(|i| i.code == Code::CellNormalized && i.level == Level::Info));
    let phone = out
        .issues
        .iter()
        .find(|i| i.field.as_deref() == Some("phone"))
        .expect("phone note");
    assert_eq!(phone.value.as_deref(), Some("030 1234567"));
    assert_eq!(phone.normalized.as_deref(), Some("+49301234567"));
}

#[test]
fn status_labels_in_seven_languages_map_to_canonical_values() {
    let v = validator();
    for (raw, want) in [
        ("Neu", "new"),
        ("nouveau", "new"),
        ("Nuevo", "new"),
        ("novo", "new"),
        ("nuovo", "new"),
        ("Nieuw", "new"),
        ("Kontaktiert", "contacted"),
        ("contacté", "contacted"),
        ("Contactado", "contacted"),
        ("contattato", "contacted"),
        ("gecontacteerd", "contacted"),
        ("Qualifié", "qualified"),
        ("Kunde", "customer"),
        ("Cliente", "customer"),
        ("klant", "customer"),
        ("Verloren", "lost"),
        ("perdu", "lost"),
        ("perdido", "lost"),
        ("perso", "lost"),
        ("Closed-Won", "customer"),
        ("NOT_INTERESTED", "unqualified"),
    ] {
        let out = v.validate_row(
            2,
            &row(
                &v,
                &[("email", "a@b.de"), ("status", raw), ("company", "X")],
            ),
        );
        assert_eq!(value(&v, &out, "status"), Some(want), "{raw}");
    }
}

#[test]
fn source_labels_in_seven_languages_map_to_canonical_values() {
    let v = validator();
    for (raw, want) in [
        ("Webseite", "web"),
        ("site web", "web"),
        ("Empfehlung", "referral"),
        ("parrainage", "referral"),
        ("Recomendación", "referral"),
        ("passaparola", "referral"),
        ("Messe", "event"),
        ("Salon", "event"),
        ("feria", "event"),
        ("fiera", "event"),
        ("beurs", "event"),
        ("Kaltakquise", "cold_call"),
        ("cold call", "cold_call"),
        ("LinkedIn", "social"),
        ("redes sociales", "social"),
        ("Werbung", "advertising"),
        ("publicité", "advertising"),
        ("Sonstiges", "other"),
        ("Partenaire", "partner"),
        ("Newsletter", "email"),
    ] {
        let out = v.validate_row(2, &row(&v, &[("email", "a@b.de"), ("source", raw)]));
        assert_eq!(value(&v, &out, "source"), Some(want), "{raw}");
    }
}

#[test]
fn an_unknown_source_falls_back_to_other_with_a_warning() {
    let v = validator();
    let out = v.validate_row(
        2,
        &row(&v, &[("email", "a@b.de"), ("source", "Carrier pigeon")]),
    );
    assert_eq!(value(&v, &out, "source"), Some("other"));
    let i = out
        .issues
        .iter()
        .find(|i| i.code == Code::CellEnumUnknown)
        .expect("enum issue");
    assert_eq!(i.level, Level::Warning);
    assert_eq!(out.status, RowStatus::Warning);
}

#[test]
fn an_unknown_status_is_an_error_with_the_closest_value_as_fix() {
    let v = validator();
    let out = v.validate_row(2, &row(&v, &[("email", "a@b.de"), ("status", "qualifed")]));
    let i = out
        .issues
        .iter()
        .find(|i| i.code == Code::CellEnumUnknown)
        .expect("enum issue");
    assert_eq!(i.level, Level::Error);
    assert_eq!(
        i.fix.as_ref().and_then(|f| f.value.as_deref()),
        Some("qualified")
    );
}

#[test]
fn an_empty_status_gets_the_default_new() {
    let v = validator();
    let out = v.validate_row(2, &row(&v, &[("email", "a@b.de")]));
    assert_eq!(value(&v, &out, "status"), Some("new"));
}

#[test]
fn placeholders_like_n_a_are_read_as_empty() {
    let v = validator();
    let out = v.validate_row(
        2,
        &row(
            &v,
            &[("email", "a@b.de"), ("phone", "N/A"), ("company", "-")],
        ),
    );
    assert_eq!(value(&v, &out, "phone"), None);
    assert_eq!(value(&v, &out, "company"), None);
    assert!(codes(&out.issues).contains(&"cell.normalized"));
}

#[test]
fn an_invalid_email_is_an_error_with_the_original_value() {
    let v = validator();
    let out = v.validate_row(
        7,
        &row(
            &v,
            &[("email", "jane.example.com"), ("phone", "+49 30 1234567")],
        ),
    );
    let i = out
        .issues
        .iter()
        .find(|i| i.code == Code::CellEmailInvalid)
        .expect("email issue");
    assert_eq!(i.level, Level::Error);
    assert_eq!(i.value.as_deref(), Some("jane.example.com"));
    assert_eq!(out.status, RowStatus::Error);
}

#[test]
fn an_email_domain_typo_is_a_warning_with_a_fix() {
    let v = validator();
    let out = v.validate_row(2, &row(&v, &[("email", "jane@gmial.com")]));
    let i = out
        .issues
        .iter()
        .find(|i| i.code == Code::CellEmailTypo)
        .expect("typo issue");
    assert_eq!(
        i.fix.as_ref().and_then(|f| f.value.as_deref()),
        Some("jane@gmail.com")
    );
}

#[test]
fn a_bad_phone_is_a_warning_in_the_default_config_and_kept_as_typed() {
    let v = validator();
    let out = v.validate_row(2, &row(&v, &[("email", "a@b.de"), ("phone", "12")]));
    let i = out
        .issues
        .iter()
        .find(|i| i.code == Code::CellPhoneInvalid)
        .expect("phone issue");
    assert_eq!(i.level, Level::Warning);
    assert_eq!(value(&v, &out, "phone"), Some("12"));
    assert!(out.keys.iter().all(|(k, _)| *k != DedupeKeyKind::Phone));
}

#[test]
fn a_national_phone_without_default_region_uses_the_rows_country() {
    let v = validator_with_region(None);
    let out = v.validate_row(
        2,
        &row(&v, &[("phone", "06 12 34 56 78"), ("country", "France")]),
    );
    assert_eq!(value(&v, &out, "phone"), Some("+33612345678"));
    let out = v.validate_row(3, &row(&v, &[("phone", "06 12 34 56 78")]));
    let i = out
        .issues
        .iter()
        .find(|i| i.code == Code::CellPhoneInvalid)
        .expect("phone issue");
    assert!(i.message.contains("no default region"));
}

#[test]
fn a_phone_from_another_country_than_the_row_is_a_warning() {
    let v = validator();
    let out = v.validate_row(
        2,
        &row(&v, &[("phone", "+44 20 7183 8750"), ("country", "Germany")]),
    );
    let i = out
        .issues
        .iter()
        .find(|i| i.code == Code::CellPhoneCountryMismatch)
        .expect("mismatch");
    assert_eq!(i.level, Level::Warning);
    assert!(i.message.contains("United Kingdom"));
}

#[test]
fn a_phone_in_scientific_notation_is_flagged_as_number_as_phone() {
    let v = validator();
    let out = v.validate_row(
        2,
        &row(&v, &[("email", "a@b.de"), ("phone", "4.9301234567E+11")]),
    );
    assert!(codes(&out.issues).contains(&"cell.number_as_phone"));
}

#[test]
fn an_unknown_country_is_a_warning_with_a_suggestion() {
    let v = validator();
    let out = v.validate_row(2, &row(&v, &[("email", "a@b.de"), ("country", "Germny")]));
    let i = out
        .issues
        .iter()
        .find(|i| i.code == Code::CellCountryUnknown)
        .expect("country issue");
    assert_eq!(i.level, Level::Warning);
    assert_eq!(i.fix.as_ref().and_then(|f| f.value.as_deref()), Some("DE"));
}

#[test]
fn a_qualified_lead_without_company_gets_a_rule_warning() {
    let v = validator();
    let out = v.validate_row(
        2,
        &row(&v, &[("email", "a@b.de"), ("status", "qualifiziert")]),
    );
    let i = out
        .issues
        .iter()
        .find(|i| i.code == Code::RowRuleFailed)
        .expect("rule issue");
    assert_eq!(i.field.as_deref(), Some("company"));
    assert_eq!(i.level, Level::Warning);
}

#[test]
fn a_too_long_value_is_an_error_with_a_cut_fix() {
    let v = validator();
    let long = "x".repeat(120);
    let out = v.validate_row(2, &row(&v, &[("email", "a@b.de"), ("first_name", &long)]));
    let i = out
        .issues
        .iter()
        .find(|i| i.code == Code::CellTooLong)
        .expect("too long");
    assert_eq!(
        i.fix
            .as_ref()
            .and_then(|f| f.value.as_ref())
            .map(|s| s.len()),
        Some(100)
    );
}

#[test]
fn pattern_and_min_length_constraints_are_checked_after_transformers() {
    let v = validator();
    let ok = v.validate_row(
        2,
        &row(&v, &[("email", "a@b.de"), ("partner_ref", "ab-1234")]),
    );
    assert_eq!(value(&v, &ok, "partner_ref"), Some("AB-1234"));
    assert!(!codes(&ok.issues).contains(&"cell.pattern_mismatch"));
    let bad = v.validate_row(
        2,
        &row(&v, &[("email", "a@b.de"), ("partner_ref", "ab-12345")]),
    );
    let i = bad
        .issues
        .iter()
        .find(|i| i.code == Code::CellPatternMismatch)
        .expect("pattern");
    assert!(i.message.contains("two letters"));
    let short = v.validate_row(2, &row(&v, &[("email", "a@b.de"), ("partner_ref", "ab-1")]));
    assert!(codes(&short.issues).contains(&"cell.too_short"));
}

#[test]
fn numbers_are_normalised_and_range_checked() {
    let v = validator();
    let out = v.validate_row(2, &row(&v, &[("email", "a@b.de"), ("employees", "1.250")]));
    assert_eq!(value(&v, &out, "employees"), Some("1.25"));
    let out = v.validate_row(
        2,
        &row(&v, &[("email", "a@b.de"), ("employees", "1.250.000")]),
    );
    assert!(codes(&out.issues).contains(&"cell.out_of_range"));
    let out = v.validate_row(2, &row(&v, &[("email", "a@b.de"), ("employees", "many")]));
    assert!(codes(&out.issues).contains(&"cell.number_invalid"));
}

#[test]
fn urls_get_a_scheme_and_bad_ones_an_error() {
    let v = validator();
    let out = v.validate_row(
        2,
        &row(&v, &[("email", "a@b.de"), ("website", "WWW.Acme.de/")]),
    );
    assert_eq!(value(&v, &out, "website"), Some("https://www.acme.de"));
    let out = v.validate_row(
        2,
        &row(&v, &[("email", "a@b.de"), ("website", "ftp://acme.de")]),
    );
    assert!(codes(&out.issues).contains(&"cell.url_invalid"));
}

#[test]
fn dates_become_iso_and_invalid_dates_are_errors() {
    let v = validator();
    let out = v.validate_row(
        2,
        &row(&v, &[("email", "a@b.de"), ("met_on", "25.12.2024")]),
    );
    assert_eq!(value(&v, &out, "met_on"), Some("2024-12-25"));
    let out = v.validate_row(
        2,
        &row(&v, &[("email", "a@b.de"), ("met_on", "31.02.2024")]),
    );
    assert!(codes(&out.issues).contains(&"cell.date_invalid"));
}

#[test]
fn a_single_ambiguous_date_is_reported_not_guessed() {
    let v = validator();
    let out = v.validate_row(
        2,
        &row(&v, &[("email", "a@b.de"), ("met_on", "03/04/2024")]),
    );
    let i = out
        .issues
        .iter()
        .find(|i| i.code == Code::CellDateAmbiguous)
        .expect("ambiguous");
    assert!(i.message.contains("2024-04-03") && i.message.contains("2024-03-04"));
    assert_eq!(out.status, RowStatus::Error);
}

#[test]
fn a_column_with_one_unambiguous_date_settles_the_order_for_the_batch() {
    let v = validator();
    let a = row(&v, &[("email", "a@b.de"), ("met_on", "03/04/2024")]);
    let b = row(&v, &[("email", "b@b.de"), ("met_on", "25/04/2024")]);
    let out = v.validate_batch(&[(2, a), (3, b)]);
    assert_eq!(out.columns.dates[0].order, DateOrder::DayFirst);
    assert_eq!(out.columns.dates[0].day_first_rows, vec![3]);
    let i = v.field_index("met_on").expect("met_on");
    assert_eq!(out.rows[0].normalized[i].as_deref(), Some("2024-04-03"));
}

#[test]
fn a_column_of_only_ambiguous_dates_is_reported_with_evidence_rows() {
    let v = validator();
    let a = row(&v, &[("email", "a@b.de"), ("met_on", "03/04/2024")]);
    let b = row(&v, &[("email", "b@b.de"), ("met_on", "05/06/2024")]);
    let out = v.validate_batch(&[(2, a), (3, b)]);
    assert!(out.columns.dates[0].is_ambiguous());
    assert_eq!(out.columns.dates[0].ambiguous_rows, vec![2, 3]);
    let i = out.rows[1]
        .issues
        .iter()
        .find(|i| i.code == Code::CellDateAmbiguous)
        .expect("ambiguous");
    assert!(
        i.message.contains("rows that read both ways: 2, 3"),
        "{}",
        i.message
    );
}

#[test]
fn a_chosen_date_order_is_applied_to_single_rows() {
    let mut v = validator();
    assert!(v.set_date_order("met_on", DateOrder::MonthFirst));
    let out = v.validate_row(
        2,
        &row(&v, &[("email", "a@b.de"), ("met_on", "03/04/2024")]),
    );
    let i = v.field_index("met_on").expect("met_on");
    assert_eq!(out.normalized[i].as_deref(), Some("2024-03-04"));
    assert!(!v.set_date_order("nope", DateOrder::DayFirst));
}

#[test]
fn in_file_duplicates_point_to_the_first_row() {
    let v = validator();
    let rows = vec![
        (2, row(&v, &[("email", "Jane@Example.com")])),
        (3, row(&v, &[("email", "other@example.com")])),
        (4, row(&v, &[("email", " jane@example.COM ")])),
        (
            5,
            row(&v, &[("phone", "+49 30 1234567"), ("email", "x@y.de")]),
        ),
        (6, row(&v, &[("phone", "030/1234567")])),
    ];
    let out = v.validate_batch(&rows);
    assert_eq!(out.rows[2].duplicate_of, Some(2));
    assert_eq!(out.rows[4].duplicate_of, Some(5));
    assert_eq!(out.rows[0].duplicate_of, None);
    let i = out.rows[2]
        .issues
        .iter()
        .find(|i| i.code == Code::RowDuplicateInFile)
        .expect("dup");
    assert!(i.message.contains("row 2"));
    assert_eq!(out.stats.duplicates_in_file, 2);
    assert_eq!(out.stats.rows, 5);
}

#[test]
fn dedupe_keys_fold_plus_addressing_and_gmail_dots_when_configured() {
    let mut c = rules::conformance::test_config(Some("DE"));
    c.duplicates.fold_plus_addressing = true;
    c.duplicates.fold_gmail_dots = true;
    c.duplicates.keys = vec![
        DedupeKeyKind::Email,
        DedupeKeyKind::Phone,
        DedupeKeyKind::NameCompany,
    ];
    let v = Validator::new(&c).expect("valid");
    let r = row(
        &v,
        &[
            ("email", "J.Ane+promo@gmail.com"),
            ("first_name", "Jane"),
            ("last_name", "Doe"),
            ("company", "Acme"),
        ],
    );
    let out = v.validate_row(2, &r);
    assert_eq!(
        out.keys,
        vec![
            (DedupeKeyKind::Email, "jane@gmail.com".to_owned()),
            (DedupeKeyKind::NameCompany, "jane|doe|acme".to_owned())
        ]
    );
    assert_eq!(v.dedupe_keys(&out.normalized_owned()), out.keys);
}

#[test]
fn issues_serialise_with_exactly_the_documented_field_names() {
    let v = validator();
    let out = v.validate_row(9, &row(&v, &[("email", "bad")]));
    let issue = out
        .issues
        .iter()
        .find(|i| i.code == Code::CellEmailInvalid)
        .expect("email issue");
    let json = serde_json::to_value(issue).expect("serialises");
    let keys: Vec<&str> = json
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    let mut want = vec![
        "row",
        "field",
        "code",
        "level",
        "value",
        "normalized",
        "message",
        "hint",
        "fix",
    ];
    want.sort_unstable();
    let mut got = keys.clone();
    got.sort_unstable();
    assert_eq!(got, want);
    assert_eq!(json["code"], "cell.email_invalid");
    assert_eq!(json["level"], "error");
    assert_eq!(json["row"], 9);
}

#[test]
fn a_field_with_on_invalid_off_keeps_bad_values_silently() {
    let mut c = ImportConfig::default_leads();
    if let Some(f) = c.fields.iter_mut().find(|f| f.key == "country") {
        f.on_invalid = Requirement::Off;
    }
    let v = Validator::new(&c).expect("valid");
    let out = v.validate_row(
        2,
        &row(
            &v,
            &[
                ("email", "a@b.de"),
                ("first_name", "A"),
                ("last_name", "B"),
                ("country", "Atlantis"),
            ],
        ),
    );
    assert_eq!(out.status, RowStatus::Valid, "{:?}", out.issues);
    assert_eq!(value(&v, &out, "country"), Some("Atlantis"));
}

#[test]
fn a_text_field_with_allowed_values_accepts_aliases_without_changing_them() {
    let mut c = ImportConfig::default_leads();
    c.fields.push(FieldSpec {
        constraints: Constraints {
            allowed: vec![AllowedValue::new("gold", &["or"])],
            ..Constraints::default()
        },
        ..FieldSpec::new("tier", "Tier", FieldType::Text)
    });
    let v = Validator::new(&c).expect("valid");
    let ok = v.validate_row(
        2,
        &row(
            &v,
            &[
                ("email", "a@b.de"),
                ("first_name", "A"),
                ("last_name", "B"),
                ("tier", "OR"),
            ],
        ),
    );
    assert_eq!(ok.status, RowStatus::Valid, "{:?}", ok.issues);
    let bad = v.validate_row(2, &row(&v, &[("email", "a@b.de"), ("tier", "silver")]));
    assert!(codes(&bad.issues).contains(&"cell.enum_unknown"));
}

#[test]
fn a_type_without_its_transformer_is_still_checked() {
    let mut c = ImportConfig::default_leads();
    c.fields.push(FieldSpec {
        transformers: vec![Transformer::Trim],
        ..FieldSpec::new("site", "Site", FieldType::Url)
    });
    c.fields.push(FieldSpec {
        transformers: vec![],
        ..FieldSpec::new("born", "Born", FieldType::Date)
    });
    c.rules.push(CrossFieldRule::AtLeastOneOf {
        fields: vec!["site".into()],
        level: Requirement::Warning,
    });
    let v = Validator::new(&c).expect("valid");
    let out = v.validate_row(
        2,
        &row(
            &v,
            &[
                ("email", "a@b.de"),
                ("site", "not a url"),
                ("born", "yesterday"),
            ],
        ),
    );
    assert!(codes(&out.issues).contains(&"cell.url_invalid"));
    assert!(codes(&out.issues).contains(&"cell.date_invalid"));
    let out = v.validate_row(
        2,
        &row(
            &v,
            &[
                ("email", "a@b.de"),
                ("first_name", "A"),
                ("last_name", "B"),
                ("site", "acme.de"),
                ("born", "2024-01-01"),
            ],
        ),
    );
    assert_eq!(
        value(&v, &out, "site"),
        Some("acme.de"),
        "no transformer, no change"
    );
    assert_eq!(out.status, RowStatus::Valid, "{:?}", out.issues);
}

#[test]
fn a_missing_column_is_treated_like_an_empty_cell() {
    let v = validator();
    let out = v.validate_row(2, &[Some("Jane"), Some("Doe"), Some("jane@example.com")]);
    assert_eq!(out.status, RowStatus::Valid, "{:?}", out.issues);
    assert_eq!(out.normalized.len(), v.fields().len());
}

#[test]
fn the_batch_counts_rows_by_status_and_issues_by_code() {
    let v = validator();
    let rows = vec![
        (
            2,
            row(
                &v,
                &[("email", "a@b.de"), ("first_name", "A"), ("last_name", "B")],
            ),
        ),
        (3, row(&v, &[("email", "bad")])),
        (4, row(&v, &[])),
    ];
    let out = v.validate_batch(&rows);
    assert_eq!(
        (out.stats.valid, out.stats.error, out.stats.empty),
        (1, 1, 1)
    );
    assert_eq!(out.stats.issues_by_code.get("cell.email_invalid"), Some(&1));
}

#[test]
fn na_in_a_country_column_is_namibia_but_n_slash_a_is_empty() {
    let v = validator();
    let out = v.validate_row(2, &row(&v, &[("email", "a@b.de"), ("country", "NA")]));
    assert_eq!(value(&v, &out, "country"), Some("NA"));
    let out = v.validate_row(2, &row(&v, &[("email", "a@b.de"), ("country", "N/A")]));
    assert_eq!(value(&v, &out, "country"), None);
    let out = v.validate_row(2, &row(&v, &[("email", "a@b.de"), ("country", "ñÄ")]));
    assert!(codes(&out.issues).contains(&"cell.country_unknown"));
}

#[test]
fn normalization_notes_can_be_turned_off_without_changing_any_value() {
    let config = rules::ImportConfig::default_leads();
    let mut v = rules::Validator::new(&config).unwrap();
    let mut values: Vec<Option<&str>> = vec![None; v.fields().len()];
    values[v.field_index("email").unwrap()] = Some("  ADA@Example.COM ");
    values[v.field_index("first_name").unwrap()] = Some("ada");
    values[v.field_index("last_name").unwrap()] = Some("lovelace");
    let with = v.validate_row(2, &values);
    v.set_normalization_notes(false);
    let without = v.validate_row(2, &values);
    assert_eq!(with.normalized, without.normalized);
    assert_eq!(with.status, without.status);
    assert!(with
        .issues
        .iter()
        .any(|i| i.code == rules::Code::CellNormalized));
    assert!(without
        .issues
        .iter()
        .all(|i| i.code != rules::Code::CellNormalized));
}

#[test]
fn common_crm_pipeline_stages_and_lead_sources_map_to_the_canonical_values() {
    let config = rules::ImportConfig::default_leads();
    let v = rules::Validator::new(&config).unwrap();
    let cases = [
        ("Negotiation", "Facebook Ads", "qualified", "advertising"),
        ("Proposal Sent", "Chatbot", "qualified", "web"),
        ("Re-engagement", "Purchased List", "contacted", "other"),
        ("New Lead", "Retargeting Ads", "new", "advertising"),
    ];
    for (status, source, want_status, want_source) in cases {
        let mut values: Vec<Option<&str>> = vec![None; v.fields().len()];
        values[v.field_index("email").unwrap()] = Some("ada@example.com");
        values[v.field_index("first_name").unwrap()] = Some("Ada");
        values[v.field_index("last_name").unwrap()] = Some("Lovelace");
        values[v.field_index("status").unwrap()] = Some(status);
        values[v.field_index("source").unwrap()] = Some(source);
        let out = v.validate_row(2, &values);
        let got = |f: &str| {
            out.normalized[v.field_index(f).unwrap()]
                .as_deref()
                .map(str::to_owned)
        };
        assert_eq!(got("status").as_deref(), Some(want_status), "{status}");
        assert_eq!(got("source").as_deref(), Some(want_source), "{source}");
        assert!(
            out.issues
                .iter()
                .all(|i| i.code != rules::Code::CellEnumUnknown),
            "{status} / {source}: {:?}",
            out.issues
        );
    }
}
