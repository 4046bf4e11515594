//! A readable difference between two configurations: field by field, allowed value by
//! allowed value, rule by rule, worded for the admin who reviews a publish or a rollback
//! (the audit log keeps the same list).

use std::collections::{BTreeSet, HashMap};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::config::{CrossFieldRule, FieldSpec, ImportConfig};

/// One difference between two configurations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ConfigChange {
    /// What changed, by key rather than position, e.g. `fields.email.requirement` or
    /// `fields.status.constraints.allowed.lost`.
    pub at: String,
    /// The change in words: "Field “Email”: requirement off → error".
    pub summary: String,
    /// The value before, absent when something was added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    /// The value after, absent when something was removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}

/// Everything that differs from `old` to `new`, in the configuration's order.
pub fn diff(old: &ImportConfig, new: &ImportConfig) -> Vec<ConfigChange> {
    let mut out = Vec::new();
    diff_fields(&mut out, &old.fields, &new.fields);
    diff_rules(&mut out, &old.rules, &new.rules);
    let (a, b) = (as_object(old), as_object(new));
    for section in ["duplicates", "phone"] {
        let (x, y) = (member(&a, section), member(&b, section));
        diff_object(&mut out, section, &title(section), &x, &y);
    }
    for key in ["date_order", "formula_like", "schema_version"] {
        let (x, y) = (a.get(key), b.get(key));
        if x != y {
            out.push(changed(
                key,
                format!("{}: {}", title(key), arrow(x, y)),
                x,
                y,
            ));
        }
    }
    diff_list(
        &mut out,
        "empty_values",
        "Values meaning “no value”",
        &old.empty_values,
        &new.empty_values,
    );
    out
}

fn diff_fields(out: &mut Vec<ConfigChange>, old: &[FieldSpec], new: &[FieldSpec]) {
    let by_key: HashMap<&str, &FieldSpec> = old.iter().map(|f| (f.key.as_str(), f)).collect();
    let new_keys: BTreeSet<&str> = new.iter().map(|f| f.key.as_str()).collect();
    for f in old.iter().filter(|f| !new_keys.contains(f.key.as_str())) {
        out.push(ConfigChange {
            at: format!("fields.{}", f.key),
            summary: format!("Field “{}” ({}) removed", f.label, f.key),
            before: serde_json::to_value(f).ok(),
            after: None,
        });
    }
    for f in new {
        let Some(before) = by_key.get(f.key.as_str()) else {
            out.push(ConfigChange {
                at: format!("fields.{}", f.key),
                summary: format!("Field “{}” ({}) added", f.label, f.key),
                before: None,
                after: serde_json::to_value(f).ok(),
            });
            continue;
        };
        let name = format!("Field “{}”", f.label);
        diff_object(
            out,
            &format!("fields.{}", f.key),
            &name,
            &as_object(*before),
            &as_object(f),
        );
    }
    let common = |fields: &[FieldSpec], other: &BTreeSet<&str>| -> Vec<String> {
        fields
            .iter()
            .filter(|f| other.contains(f.key.as_str()))
            .map(|f| f.key.clone())
            .collect()
    };
    let old_keys: BTreeSet<&str> = old.iter().map(|f| f.key.as_str()).collect();
    let (a, b) = (common(old, &new_keys), common(new, &old_keys));
    if a != b {
        out.push(ConfigChange {
            at: "fields".into(),
            summary: format!("Field order: {} → {}", a.join(", "), b.join(", ")),
            before: Some(Value::from(a)),
            after: Some(Value::from(b)),
        });
    }
}

/// Member by member; `constraints` is compared member by member too, and `allowed`
/// value by value.
fn diff_object(
    out: &mut Vec<ConfigChange>,
    at: &str,
    name: &str,
    a: &Map<String, Value>,
    b: &Map<String, Value>,
) {
    for key in union(a, b) {
        let (x, y) = (a.get(key), b.get(key));
        if x == y {
            continue;
        }
        let path = format!("{at}.{key}");
        match key {
            "constraints" => diff_object(out, &path, name, &member(a, key), &member(b, key)),
            "allowed" => diff_allowed(out, &path, name, x, y),
            _ => out.push(changed(
                &path,
                format!("{name}: {} {}", title(key).to_lowercase(), arrow(x, y)),
                x,
                y,
            )),
        }
    }
}

/// Allowed values compared by their canonical value, aliases one by one.
fn diff_allowed(
    out: &mut Vec<ConfigChange>,
    at: &str,
    name: &str,
    a: Option<&Value>,
    b: Option<&Value>,
) {
    let entries = |v: Option<&Value>| -> Vec<(String, Vec<String>)> {
        v.and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .map(|i| {
                        let value = i["value"].as_str().unwrap_or_default().to_owned();
                        let aliases = strings(i.get("aliases"));
                        (value, aliases)
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let (old, new) = (entries(a), entries(b));
    let old_map: HashMap<&str, &Vec<String>> = old.iter().map(|(v, al)| (v.as_str(), al)).collect();
    let new_map: HashMap<&str, &Vec<String>> = new.iter().map(|(v, al)| (v.as_str(), al)).collect();
    for (value, aliases) in &old {
        if !new_map.contains_key(value.as_str()) {
            out.push(ConfigChange {
                at: format!("{at}.{value}"),
                summary: format!("{name}: allowed value “{value}” removed"),
                before: Some(serde_json::json!({ "value": value, "aliases": aliases })),
                after: None,
            });
        }
    }
    for (value, aliases) in &new {
        let Some(before) = old_map.get(value.as_str()) else {
            out.push(ConfigChange {
                at: format!("{at}.{value}"),
                summary: format!("{name}: allowed value “{value}” added"),
                before: None,
                after: Some(serde_json::json!({ "value": value, "aliases": aliases })),
            });
            continue;
        };
        diff_list(
            out,
            &format!("{at}.{value}.aliases"),
            &format!("{name}: aliases of “{value}”"),
            before,
            aliases,
        );
    }
}

/// Rules have no key: a rule that differs in any way is one removed and one added.
fn diff_rules(out: &mut Vec<ConfigChange>, old: &[CrossFieldRule], new: &[CrossFieldRule]) {
    for r in old.iter().filter(|r| !new.contains(r)) {
        out.push(ConfigChange {
            at: "rules".into(),
            summary: format!("Rule removed: {}", describe_rule(r)),
            before: serde_json::to_value(r).ok(),
            after: None,
        });
    }
    for r in new.iter().filter(|r| !old.contains(r)) {
        out.push(ConfigChange {
            at: "rules".into(),
            summary: format!("Rule added: {}", describe_rule(r)),
            before: None,
            after: serde_json::to_value(r).ok(),
        });
    }
}

/// A cross-field rule in words, e.g. "at least one of email, phone (error)".
pub fn describe_rule(rule: &CrossFieldRule) -> String {
    let level = |l: &crate::config::Requirement| {
        serde_json::to_value(l)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    match rule {
        CrossFieldRule::AtLeastOneOf { fields, level: l } => {
            format!("at least one of {} ({})", fields.join(", "), level(l))
        }
        CrossFieldRule::RequiredIf {
            field,
            equals,
            then,
            level: l,
        } => format!("{then} required when {field} is “{equals}” ({})", level(l)),
        CrossFieldRule::PhoneMatchesCountry {
            phone,
            country,
            level: l,
        } => format!("{phone} matches the country in {country} ({})", level(l)),
    }
}

/// A list of strings: what was added and what was removed.
fn diff_list(out: &mut Vec<ConfigChange>, at: &str, name: &str, old: &[String], new: &[String]) {
    let removed: Vec<&String> = old.iter().filter(|s| !new.contains(s)).collect();
    let added: Vec<&String> = new.iter().filter(|s| !old.contains(s)).collect();
    if removed.is_empty() && added.is_empty() {
        return;
    }
    let quote = |v: &[&String]| {
        v.iter()
            .map(|s| format!("“{s}”"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("{} added", quote(&added)));
    }
    if !removed.is_empty() {
        parts.push(format!("{} removed", quote(&removed)));
    }
    out.push(ConfigChange {
        at: at.to_owned(),
        summary: format!("{name}: {}", parts.join("; ")),
        before: Some(Value::from(old.to_vec())),
        after: Some(Value::from(new.to_vec())),
    });
}

fn changed(at: &str, summary: String, x: Option<&Value>, y: Option<&Value>) -> ConfigChange {
    ConfigChange {
        at: at.to_owned(),
        summary,
        before: x.cloned(),
        after: y.cloned(),
    }
}

fn as_object<T: Serialize>(value: &T) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

fn member(map: &Map<String, Value>, key: &str) -> Map<String, Value> {
    match map.get(key) {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    }
}

fn union<'a>(a: &'a Map<String, Value>, b: &'a Map<String, Value>) -> BTreeSet<&'a str> {
    a.keys().chain(b.keys()).map(String::as_str).collect()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// `min_length` → "Min length", with a few names people would not guess.
fn title(key: &str) -> String {
    let words = match key {
        "on_invalid" => "invalid values",
        "default" => "default value",
        "locked" => "locked on update",
        "synonyms" => "header synonyms",
        "enum_fallback" => "fallback value",
        "keys" => "duplicate keys",
        "fold_plus_addressing" => "plus-addressing folded",
        "fold_gmail_dots" => "Gmail dots folded",
        "formula_like" => "formula-like values",
        "duplicates" => "duplicates",
        "phone" => "phone numbers",
        other => other,
    };
    let mut s = words.replace('_', " ");
    if let Some(first) = s.get(0..1) {
        s = first.to_uppercase() + &s[1..];
    }
    s
}

/// "off → error", "none → 100", "Trim, Lowercase → Trim".
fn arrow(x: Option<&Value>, y: Option<&Value>) -> String {
    format!("{} → {}", show(x), show(y))
}

fn show(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "none".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) if items.is_empty() => "none".into(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| show(Some(i)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
    }
}
