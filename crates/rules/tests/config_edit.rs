//! The editor's edits: any sequence of them leaves a configuration that passes its own
//! check, survives a JSON round trip and compiles; removing a field takes what referred
//! to it along.

#![allow(clippy::unwrap_used, clippy::expect_used)] // reason: test helpers; a panic is the failure report

use proptest::prelude::*;
use rules::config::{
    CrossFieldRule, DedupeKeyKind, DuplicatePolicy, FieldType, ImportConfig, Requirement,
    Transformer, BUILTIN_FIELDS,
};
use rules::config_edit::{apply, Edit};
use rules::dates::DateOrder;
use rules::engine::Validator;

/// Keys that are not built-in lead columns, beside `BUILTIN_FIELDS`.
const CUSTOM_KEYS: &[&str] = &["lead_score", "industry", "x"];
const WORDS: &[&str] = &[
    "new",
    "won",
    "lost",
    "Warmer Kontakt",
    "",
    "  spaced ",
    "n/a",
    "qualified",
    "DE",
    "xx",
];

fn key() -> impl Strategy<Value = String> {
    let keys: Vec<&str> = BUILTIN_FIELDS.iter().chain(CUSTOM_KEYS).copied().collect();
    proptest::sample::select(keys).prop_map(str::to_owned)
}
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(WORDS).prop_map(str::to_owned),
        "[a-zA-Z ]{0,8}"
    ]
}
fn field_type() -> impl Strategy<Value = FieldType> {
    proptest::sample::select(vec![
        FieldType::Text,
        FieldType::Email,
        FieldType::Phone,
        FieldType::Enum,
        FieldType::Date,
        FieldType::Number,
        FieldType::Url,
        FieldType::Country,
    ])
}
fn level() -> impl Strategy<Value = Requirement> {
    proptest::sample::select(vec![
        Requirement::Off,
        Requirement::Warning,
        Requirement::Error,
    ])
}
fn transformer() -> impl Strategy<Value = Transformer> {
    proptest::sample::select(vec![
        Transformer::Trim,
        Transformer::CollapseWhitespace,
        Transformer::Lowercase,
        Transformer::Uppercase,
        Transformer::TitleCase,
        Transformer::EmailNormalize,
        Transformer::PhoneE164,
        Transformer::DateIso,
        Transformer::CountryIso2,
        Transformer::EnumCanonical,
        Transformer::UrlNormalize,
        Transformer::NumberNormalize,
    ])
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (
            key(),
            word(),
            field_type(),
            proptest::collection::vec(word(), 0..3),
            proptest::collection::vec(word(), 0..3)
        )
            .prop_map(
                |(key, label, field_type, synonyms, values)| Edit::AddField {
                    key,
                    label,
                    field_type,
                    synonyms,
                    values
                }
            ),
        key().prop_map(|key| Edit::RemoveField { key }),
        (key(), any::<bool>()).prop_map(|(key, up)| Edit::MoveField { key, up }),
        (key(), word()).prop_map(|(key, label)| Edit::SetLabel { key, label }),
        (key(), field_type()).prop_map(|(key, field_type)| Edit::SetType { key, field_type }),
        (key(), level()).prop_map(|(key, requirement)| Edit::SetRequirement { key, requirement }),
        (key(), level()).prop_map(|(key, level)| Edit::SetOnInvalid { key, level }),
        (key(), transformer())
            .prop_map(|(key, transformer)| Edit::AddTransformer { key, transformer }),
        (key(), 0usize..4).prop_map(|(key, index)| Edit::RemoveTransformer { key, index }),
        (key(), 0usize..4, any::<bool>()).prop_map(|(key, index, up)| Edit::MoveTransformer {
            key,
            index,
            up
        }),
        (
            key(),
            proptest::option::of(prop_oneof![
                Just("[0-9]{5}".to_owned()),
                Just("([a".to_owned()),
                word()
            ])
        )
            .prop_map(|(key, pattern)| Edit::SetPattern {
                key,
                pattern,
                description: Some("5 digits".into())
            }),
        (
            key(),
            proptest::option::of(0u32..20),
            proptest::option::of(0u32..20)
        )
            .prop_map(|(key, min, max)| Edit::SetLength { key, min, max }),
        (
            key(),
            proptest::option::of(-5f64..5.0),
            proptest::option::of(-5f64..5.0)
        )
            .prop_map(|(key, min, max)| Edit::SetRange { key, min, max }),
        (key(), proptest::option::of(word()))
            .prop_map(|(key, value)| Edit::SetDefault { key, value }),
        (key(), any::<bool>()).prop_map(|(key, locked)| Edit::SetLocked { key, locked }),
        (key(), proptest::collection::vec(word(), 0..3))
            .prop_map(|(key, synonyms)| Edit::SetSynonyms { key, synonyms }),
        (key(), word()).prop_map(|(key, value)| Edit::AddValue { key, value }),
        (key(), word(), word()).prop_map(|(key, from, to)| Edit::RenameValue { key, from, to }),
        (key(), word()).prop_map(|(key, value)| Edit::RemoveValue { key, value }),
        (key(), word(), word()).prop_map(|(key, value, alias)| Edit::AddAlias {
            key,
            value,
            alias
        }),
        (key(), word(), word()).prop_map(|(key, value, alias)| Edit::RemoveAlias {
            key,
            value,
            alias
        }),
        (key(), proptest::option::of(word()))
            .prop_map(|(key, value)| Edit::SetFallback { key, value }),
        (key(), key(), level()).prop_map(|(a, b, level)| Edit::AddRule {
            rule: CrossFieldRule::AtLeastOneOf {
                fields: vec![a, b],
                level
            }
        }),
        (key(), word(), key()).prop_map(|(field, equals, then)| Edit::AddRule {
            rule: CrossFieldRule::RequiredIf {
                field,
                equals,
                then,
                level: Requirement::Error
            }
        }),
        (0usize..4).prop_map(|index| Edit::RemoveRule { index }),
        proptest::collection::vec(
            proptest::sample::select(vec![
                DedupeKeyKind::Email,
                DedupeKeyKind::Phone,
                DedupeKeyKind::NameCompany
            ]),
            0..3
        )
        .prop_map(|keys| Edit::SetDedupeKeys { keys }),
        proptest::sample::select(vec![
            DuplicatePolicy::Skip,
            DuplicatePolicy::Update,
            DuplicatePolicy::Upsert
        ])
        .prop_map(|policy| Edit::SetPolicy { policy }),
        (any::<bool>(), any::<bool>()).prop_map(|(plus_addressing, gmail_dots)| Edit::SetFolding {
            plus_addressing,
            gmail_dots
        }),
        proptest::option::of(word()).prop_map(|region| Edit::SetDefaultRegion { region }),
        proptest::sample::select(vec![
            DateOrder::Auto,
            DateOrder::DayFirst,
            DateOrder::MonthFirst
        ])
        .prop_map(|order| Edit::SetDateOrder { order }),
        level().prop_map(|level| Edit::SetFormulaLike { level }),
        proptest::collection::vec(word(), 0..4).prop_map(|values| Edit::SetEmptyValues { values }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_configuration_the_editor_builds_passes_its_own_check(edits in proptest::collection::vec(edit(), 1..40)) {
        let mut c = ImportConfig::default_leads();
        for e in &edits {
            let before = c.fields.len();
            match apply(&c, e) {
                Ok(next) => c = next,
                Err(why) => prop_assert!(!why.is_empty(), "a refusal says why: {e:?}"),
            }
            if let Edit::RemoveField { key } = e {
                // Removing a field that exists is never refused while another one remains.
                let existed = before > c.fields.len() || c.field(key).is_none();
                prop_assert!(existed || before == 1, "{e:?} was refused");
            }
            prop_assert!(c.validate().is_ok(), "after {e:?}: {:?}", c.validate());
            let json = serde_json::to_value(&c).unwrap();
            let back = ImportConfig::check_value(json).expect("the check accepts it");
            prop_assert_eq!(&back, &c);
            prop_assert!(Validator::new(&c).is_ok());
        }
    }
}

#[test]
fn removing_a_field_removes_the_rules_and_keys_that_named_it() {
    let c = ImportConfig::default_leads();
    let c = apply(
        &c,
        &Edit::RemoveField {
            key: "country".into(),
        },
    )
    .expect("removed");
    assert!(c.field("country").is_none());
    assert!(c.phone.region_field.is_none());
    assert!(!c
        .rules
        .iter()
        .any(|r| matches!(r, CrossFieldRule::PhoneMatchesCountry { .. })));
    let c = apply(
        &c,
        &Edit::RemoveField {
            key: "phone".into(),
        },
    )
    .expect("removed");
    assert_eq!(c.duplicates.keys, vec![DedupeKeyKind::Email]);
    let at_least = c.rules.iter().find_map(|r| match r {
        CrossFieldRule::AtLeastOneOf { fields, .. } => Some(fields.clone()),
        _ => None,
    });
    assert_eq!(at_least, Some(vec!["email".to_owned()]));
}

#[test]
fn renaming_an_allowed_value_renames_what_named_it() {
    let c = ImportConfig::default_leads();
    let c = apply(
        &c,
        &Edit::RenameValue {
            key: "status".into(),
            from: "new".into(),
            to: "fresh".into(),
        },
    )
    .expect("renamed");
    assert_eq!(c.field("status").unwrap().default.as_deref(), Some("fresh"));
    let c = apply(
        &c,
        &Edit::RenameValue {
            key: "status".into(),
            from: "qualified".into(),
            to: "sql".into(),
        },
    )
    .expect("renamed");
    assert!(c
        .rules
        .iter()
        .any(|r| matches!(r, CrossFieldRule::RequiredIf { equals, .. } if equals == "sql")));
    let c = apply(
        &c,
        &Edit::RenameValue {
            key: "source".into(),
            from: "other".into(),
            to: "elsewhere".into(),
        },
    )
    .expect("renamed");
    assert_eq!(
        c.field("source")
            .unwrap()
            .constraints
            .enum_fallback
            .as_deref(),
        Some("elsewhere")
    );
}

#[test]
fn an_alias_that_would_match_two_values_is_refused_with_a_reason() {
    let c = ImportConfig::default_leads();
    let err = apply(
        &c,
        &Edit::AddAlias {
            key: "status".into(),
            value: "new".into(),
            alias: "qualified".into(),
        },
    )
    .expect_err("refused");
    assert!(err.contains("would match both"), "{err}");
}

#[test]
fn a_custom_field_is_added_with_the_steps_of_its_type() {
    let c = ImportConfig::default_leads();
    let c = apply(
        &c,
        &Edit::AddField {
            key: "lead_score".into(),
            label: "Lead score".into(),
            field_type: FieldType::Number,
            synonyms: vec!["Score".into(), " ".into()],
            values: vec![],
        },
    )
    .expect("added");
    let f = c.field("lead_score").unwrap();
    assert!(f.custom);
    assert_eq!(
        f.transformers,
        vec![Transformer::Trim, Transformer::NumberNormalize]
    );
    assert_eq!(f.synonyms, vec!["Score".to_owned()]);
    let err = apply(
        &c,
        &Edit::AddField {
            key: "Bad Key".into(),
            label: "x".into(),
            field_type: FieldType::Text,
            synonyms: vec![],
            values: vec![],
        },
    )
    .expect_err("refused");
    assert!(err.contains("must start with a-z"), "{err}");
}

#[test]
fn an_edit_that_would_break_a_reference_is_refused_not_quietly_undone() {
    let c = ImportConfig::default_leads();
    let err = apply(
        &c,
        &Edit::SetDefault {
            key: "status".into(),
            value: Some("maybe".into()),
        },
    )
    .expect_err("refused");
    assert!(err.contains("not one of the allowed values"), "{err}");
    let err = apply(
        &c,
        &Edit::SetFallback {
            key: "status".into(),
            value: Some("maybe".into()),
        },
    )
    .expect_err("refused");
    assert!(err.contains("not one of the allowed values"), "{err}");
    let rule = CrossFieldRule::AtLeastOneOf {
        fields: vec!["email".into(), "fax".into()],
        level: Requirement::Error,
    };
    let err = apply(&c, &Edit::AddRule { rule }).expect_err("refused");
    assert!(err.contains("unknown field `fax`"), "{err}");
    let no_company = apply(
        &c,
        &Edit::RemoveField {
            key: "company".into(),
        },
    )
    .expect("removed");
    let err = apply(
        &no_company,
        &Edit::SetDedupeKeys {
            keys: vec![DedupeKeyKind::NameCompany],
        },
    )
    .expect_err("refused");
    assert!(err.contains("needs a field `company`"), "{err}");
}

#[test]
fn retyping_a_field_drops_the_references_that_needed_its_type() {
    let c = ImportConfig::default_leads();
    let c = apply(
        &c,
        &Edit::SetType {
            key: "country".into(),
            field_type: FieldType::Text,
        },
    )
    .expect("retyped");
    let f = c.field("country").unwrap();
    assert!(!f.transformers.contains(&Transformer::CountryIso2));
    assert!(c.phone.region_field.is_none());
    assert!(!c
        .rules
        .iter()
        .any(|r| matches!(r, CrossFieldRule::PhoneMatchesCountry { .. })));
}
