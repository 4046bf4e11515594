//! The readable configuration diff: what an admin reads before a publish or a rollback.

#![allow(clippy::unwrap_used, clippy::expect_used)] // reason: test helpers; a panic is the failure report

use rules::config::{
    AllowedValue, CrossFieldRule, FieldSpec, FieldType, ImportConfig, Requirement,
};
use rules::config_diff::diff;

fn summaries(a: &ImportConfig, b: &ImportConfig) -> Vec<String> {
    diff(a, b).into_iter().map(|c| c.summary).collect()
}

#[test]
fn equal_configurations_have_no_difference() {
    let c = ImportConfig::default_leads();
    assert!(diff(&c, &c.clone()).is_empty());
}

#[test]
fn a_changed_requirement_is_one_line_naming_the_field() {
    let a = ImportConfig::default_leads();
    let mut b = a.clone();
    b.fields[2].requirement = Requirement::Error;
    let changes = diff(&a, &b);
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].at, "fields.email.requirement");
    assert_eq!(changes[0].summary, "Field “Email”: requirement off → error");
    assert_eq!(changes[0].before, Some(serde_json::json!("off")));
    assert_eq!(changes[0].after, Some(serde_json::json!("error")));
}

#[test]
fn allowed_values_and_aliases_are_compared_one_by_one() {
    let a = ImportConfig::default_leads();
    let mut b = a.clone();
    let status = b.fields.iter_mut().find(|f| f.key == "status").unwrap();
    status.constraints.allowed[0]
        .aliases
        .push("Warmer Kontakt".into());
    status
        .constraints
        .allowed
        .push(AllowedValue::new("nurturing", &["Pflege"]));
    let s = summaries(&a, &b);
    let first = &a.field("status").unwrap().constraints.allowed[0].value;
    assert!(
        s.contains(&format!(
            "Field “Status”: aliases of “{first}”: “Warmer Kontakt” added"
        )),
        "{s:?}"
    );
    assert!(
        s.contains(&"Field “Status”: allowed value “nurturing” added".to_owned()),
        "{s:?}"
    );
    assert_eq!(s.len(), 2, "{s:?}");
}

#[test]
fn added_and_removed_fields_and_rules_are_named() {
    let a = ImportConfig::default_leads();
    let mut b = a.clone();
    b.fields.retain(|f| f.key != "title");
    b.fields.push(FieldSpec::new(
        "lead_score",
        "Lead score",
        FieldType::Number,
    ));
    b.rules.push(CrossFieldRule::AtLeastOneOf {
        fields: vec!["company".into(), "last_name".into()],
        level: Requirement::Warning,
    });
    let s = summaries(&a, &b);
    assert!(
        s.contains(&"Field “Job title” (title) removed".to_owned()),
        "{s:?}"
    );
    assert!(
        s.contains(&"Field “Lead score” (lead_score) added".to_owned()),
        "{s:?}"
    );
    assert!(
        s.contains(&"Rule added: at least one of company, last_name (warning)".to_owned()),
        "{s:?}"
    );
    // Removing a field does not also report every later field as moved.
    assert!(!s.iter().any(|x| x.starts_with("Field order")), "{s:?}");
}

#[test]
fn settings_outside_the_fields_are_compared_too() {
    let a = ImportConfig::default_leads();
    let mut b = a.clone();
    b.duplicates.policy = rules::config::DuplicatePolicy::Upsert;
    b.duplicates.fold_gmail_dots = true;
    b.phone.default_region = Some("DE".into());
    b.empty_values.push("tbd".into());
    let s = summaries(&a, &b);
    assert!(
        s.contains(&"Duplicates: policy skip → upsert".to_owned()),
        "{s:?}"
    );
    assert!(
        s.contains(&"Duplicates: gmail dots folded false → true".to_owned()),
        "{s:?}"
    );
    assert!(
        s.contains(&"Phone numbers: default region none → DE".to_owned()),
        "{s:?}"
    );
    assert!(
        s.contains(&"Values meaning “no value”: “tbd” added".to_owned()),
        "{s:?}"
    );
}

#[test]
fn a_reordered_field_list_is_reported_once() {
    let a = ImportConfig::default_leads();
    let mut b = a.clone();
    b.fields.swap(0, 1);
    let s = summaries(&a, &b);
    assert_eq!(s.len(), 1, "{s:?}");
    assert!(
        s[0].starts_with("Field order: first_name, last_name"),
        "{s:?}"
    );
}
