//! The configuration model: defaults, JSON round trip, schema, and precise validation messages.

#![allow(clippy::unwrap_used, clippy::expect_used)] // reason: test helpers; a panic is the failure report

use rules::config::{
    json_schema, AllowedValue, Constraints, CrossFieldRule, DedupeKeyKind, FieldSpec, FieldType,
    ImportConfig, Requirement, Transformer,
};
use rules::engine::Validator;

fn problems(c: &ImportConfig) -> Vec<String> {
    c.validate()
        .err()
        .unwrap_or_default()
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn the_default_lead_config_is_valid_and_has_the_builtin_fields() {
    let c = ImportConfig::default_leads();
    assert_eq!(c.validate(), Ok(()));
    let keys: Vec<&str> = c.fields.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys, rules::config::BUILTIN_FIELDS);
    assert_eq!(
        c.field("last_name").map(|f| f.requirement),
        Some(Requirement::Warning)
    );
}

#[test]
fn a_config_survives_a_json_round_trip() {
    let c = ImportConfig::default_leads();
    let json = serde_json::to_string(&c).expect("serialises");
    assert_eq!(ImportConfig::from_json(&json).expect("parses"), c);
}

#[test]
fn a_stored_config_with_only_required_keys_gets_defaults() {
    let json = r#"{"schema_version":1,"fields":[{"key":"email","label":"Email","type":"email","transformers":["trim","email_normalize"]}]}"#;
    let c: ImportConfig = serde_json::from_str(json).expect("parses");
    assert_eq!(
        c.duplicates.keys,
        vec![DedupeKeyKind::Email, DedupeKeyKind::Phone]
    );
    assert_eq!(c.fields[0].on_invalid, Requirement::Error);
    let err = ImportConfig::from_json(json).expect_err("the default phone key needs a phone field");
    assert!(
        err.to_string()
            .contains("/duplicates/keys/1: the phone key needs a field of type phone"),
        "{err}"
    );
}

#[test]
fn malformed_json_is_reported_with_its_position() {
    let err =
        ImportConfig::from_json("{\"schema_version\": 1, \"fields\": [}").expect_err("bad json");
    assert!(err.to_string().contains("line 1"), "{err}");
}

#[test]
fn a_bad_regex_is_reported_with_its_path() {
    let mut c = ImportConfig::default_leads();
    c.fields[4].constraints.pattern = Some("([a-z".into());
    let p = problems(&c);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with("/fields/4/constraints/pattern: not a valid regular expression"),
        "{p:?}"
    );
    assert!(Validator::new(&c).is_err());
}

#[test]
fn duplicate_field_keys_are_reported() {
    let mut c = ImportConfig::default_leads();
    c.fields
        .push(FieldSpec::new("email", "Email again", FieldType::Email));
    assert!(problems(&c)
        .iter()
        .any(|p| p == "/fields/10/key: the key `email` is used by more than one field"));
}

#[test]
fn rules_naming_unknown_fields_are_reported() {
    let mut c = ImportConfig::default_leads();
    c.rules.push(CrossFieldRule::AtLeastOneOf {
        fields: vec!["email".into(), "fax".into()],
        level: Requirement::Error,
    });
    c.rules.push(CrossFieldRule::RequiredIf {
        field: "status".into(),
        equals: "maybe".into(),
        then: "company".into(),
        level: Requirement::Error,
    });
    c.rules.push(CrossFieldRule::PhoneMatchesCountry {
        phone: "email".into(),
        country: "notes".into(),
        level: Requirement::Warning,
    });
    let p = problems(&c);
    assert!(
        p.contains(&"/rules/3/fields/1: unknown field `fax`".to_owned()),
        "{p:?}"
    );
    assert!(
        p.contains(
            &"/rules/4/equals: `maybe` is not one of the allowed values of `status`".to_owned()
        ),
        "{p:?}"
    );
    assert!(
        p.contains(&"/rules/5/phone: `email` must be a field of type phone".to_owned()),
        "{p:?}"
    );
    assert!(
        p.contains(&"/rules/5/country: `notes` must be a field of type country".to_owned()),
        "{p:?}"
    );
}

#[test]
fn keys_must_be_snake_case_and_custom_must_be_declared() {
    let mut c = ImportConfig::default_leads();
    let mut f = FieldSpec::new("Bad Key", "Bad", FieldType::Text);
    f.custom = true;
    c.fields.push(f);
    let mut g = FieldSpec::new("industry", "Industry", FieldType::Text);
    g.custom = false;
    c.fields.push(g);
    let p = problems(&c);
    assert!(
        p.iter()
            .any(|x| x.starts_with("/fields/10/key: `Bad Key` must start with a-z")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|x| x.starts_with("/fields/11/custom: `industry` is not a built-in lead field")),
        "{p:?}"
    );
}

#[test]
fn an_alias_that_points_to_two_values_is_reported() {
    let mut c = ImportConfig::default_leads();
    c.fields[6]
        .constraints
        .allowed
        .push(AllowedValue::new("archived", &["Neu"]));
    let p = problems(&c);
    assert!(
        p.iter()
            .any(|x| x.contains("`Neu` would match both `new` and `archived`")),
        "{p:?}"
    );
}

#[test]
fn inconsistent_constraints_and_transformers_are_reported() {
    let mut c = ImportConfig::default_leads();
    c.fields[0].constraints = Constraints {
        min_length: Some(5),
        max_length: Some(2),
        min_value: Some(1.0),
        ..Constraints::default()
    };
    c.fields[2].transformers.push(Transformer::PhoneE164);
    c.fields[7].constraints.enum_fallback = Some("carrier_pigeon".into());
    c.fields.push(FieldSpec {
        custom: true,
        ..FieldSpec::new("tier", "Tier", FieldType::Enum)
    });
    let p = problems(&c);
    for want in [
        "/fields/0/constraints/min_length: min_length 5 is greater than max_length 2",
        "/fields/0/constraints: min_value and max_value apply to number fields only",
        "/fields/2/transformers/2: phonee164 produces a phone value but the field type is email",
        "/fields/7/constraints/enum_fallback: `carrier_pigeon` is not one of the allowed values",
        "/fields/10/constraints/allowed: an enum field needs at least one allowed value",
    ] {
        assert!(p.iter().any(|x| x == want), "missing {want:?} in {p:?}");
    }
}

#[test]
fn an_unknown_default_region_or_schema_version_is_reported() {
    let mut c = ImportConfig::default_leads();
    c.phone.default_region = Some("XX".into());
    c.schema_version = 7;
    let p = problems(&c);
    assert!(
        p.iter()
            .any(|x| x.starts_with("/phone/default_region: `XX`")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|x| x.starts_with("/schema_version: version 7 is not supported")),
        "{p:?}"
    );
}

#[test]
fn the_json_schema_describes_the_config() {
    let s = json_schema();
    assert_eq!(s["title"], "ImportConfig");
    let text = s.to_string();
    for word in [
        "schema_version",
        "fields",
        "phone_e164",
        "at_least_one_of",
        "name_company",
        "upsert",
    ] {
        assert!(text.contains(word), "{word}");
    }
}

#[test]
fn the_default_config_serialises_transformers_and_types_in_snake_case() {
    let v = serde_json::to_value(ImportConfig::default_leads()).expect("serialises");
    assert_eq!(v["fields"][3]["transformers"][1], "phone_e164");
    assert_eq!(v["fields"][3]["type"], "phone");
    assert_eq!(v["rules"][0]["rule"], "at_least_one_of");
}
