//! The edits the rules editor offers, as values: each turns a valid configuration into
//! another valid one or is refused with a sentence, so a draft built in the browser always
//! passes the server's check. Removing or retyping a field also drops what referred to it
//! (a rule, a duplicate key, the phone region field), as a person would expect.

use serde::{Deserialize, Serialize};

use crate::config::{
    AllowedValue, CrossFieldRule, DedupeKeyKind, DuplicatePolicy, FieldSpec, FieldType,
    ImportConfig, Requirement, Transformer, BUILTIN_FIELDS,
};
use crate::dates::DateOrder;

/// One change to a draft configuration. Fields are named by key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "edit", rename_all = "snake_case")]
pub enum Edit {
    /// A new field; enum fields need their first allowed values.
    AddField {
        key: String,
        label: String,
        field_type: FieldType,
        synonyms: Vec<String>,
        values: Vec<String>,
    },
    RemoveField {
        key: String,
    },
    MoveField {
        key: String,
        up: bool,
    },
    SetLabel {
        key: String,
        label: String,
    },
    SetType {
        key: String,
        field_type: FieldType,
    },
    SetRequirement {
        key: String,
        requirement: Requirement,
    },
    SetOnInvalid {
        key: String,
        level: Requirement,
    },
    AddTransformer {
        key: String,
        transformer: Transformer,
    },
    RemoveTransformer {
        key: String,
        index: usize,
    },
    MoveTransformer {
        key: String,
        index: usize,
        up: bool,
    },
    SetPattern {
        key: String,
        pattern: Option<String>,
        description: Option<String>,
    },
    SetLength {
        key: String,
        min: Option<u32>,
        max: Option<u32>,
    },
    SetRange {
        key: String,
        min: Option<f64>,
        max: Option<f64>,
    },
    SetDefault {
        key: String,
        value: Option<String>,
    },
    SetLocked {
        key: String,
        locked: bool,
    },
    SetSynonyms {
        key: String,
        synonyms: Vec<String>,
    },
    AddValue {
        key: String,
        value: String,
    },
    RenameValue {
        key: String,
        from: String,
        to: String,
    },
    RemoveValue {
        key: String,
        value: String,
    },
    AddAlias {
        key: String,
        value: String,
        alias: String,
    },
    RemoveAlias {
        key: String,
        value: String,
        alias: String,
    },
    SetFallback {
        key: String,
        value: Option<String>,
    },
    AddRule {
        rule: CrossFieldRule,
    },
    RemoveRule {
        index: usize,
    },
    SetDedupeKeys {
        keys: Vec<DedupeKeyKind>,
    },
    SetPolicy {
        policy: DuplicatePolicy,
    },
    SetFolding {
        plus_addressing: bool,
        gmail_dots: bool,
    },
    SetDefaultRegion {
        region: Option<String>,
    },
    SetDateOrder {
        order: DateOrder,
    },
    SetFormulaLike {
        level: Requirement,
    },
    SetEmptyValues {
        values: Vec<String>,
    },
}

/// The configuration after `edit`, or why the edit is refused (the draft is unchanged).
pub fn apply(config: &ImportConfig, edit: &Edit) -> Result<ImportConfig, String> {
    let mut c = config.clone();
    change(&mut c, edit)?;
    // Only edits that take something away leave references to tidy up. Any other edit
    // that would break a reference (an unknown field in a new rule, a default that is
    // not allowed) is refused by the check below rather than quietly undone.
    if matches!(
        edit,
        Edit::RemoveField { .. } | Edit::SetType { .. } | Edit::RemoveValue { .. }
    ) {
        prune(&mut c);
    }
    c.validate().map_err(|problems| {
        problems
            .into_iter()
            .next()
            .map(|p| p.message)
            .unwrap_or_default()
    })?;
    Ok(c)
}

fn change(c: &mut ImportConfig, edit: &Edit) -> Result<(), String> {
    match edit {
        Edit::AddField {
            key,
            label,
            field_type,
            synonyms,
            values,
        } => {
            let key = key.trim();
            if c.field(key).is_some() {
                return Err(format!("There is already a field `{key}`."));
            }
            let label = if label.trim().is_empty() {
                key
            } else {
                label.trim()
            };
            let mut f = FieldSpec::new(key, label, *field_type);
            f.custom = !BUILTIN_FIELDS.contains(&key);
            f.transformers = steps_for(*field_type);
            f.synonyms = clean_list(synonyms);
            f.constraints.allowed = clean_list(values)
                .iter()
                .map(|v| AllowedValue::new(v, &[]))
                .collect();
            c.fields.push(f);
        }
        Edit::RemoveField { key } => {
            if c.fields.len() == 1 {
                return Err("A configuration needs at least one field.".into());
            }
            field(c, key)?;
            c.fields.retain(|f| f.key != *key);
        }
        Edit::MoveField { key, up } => {
            let i = index(c, key)?;
            let j = if *up { i.checked_sub(1) } else { Some(i + 1) };
            if let Some(j) = j.filter(|j| *j < c.fields.len()) {
                c.fields.swap(i, j);
            }
        }
        Edit::SetLabel { key, label } => field(c, key)?.label = label.trim().to_owned(),
        Edit::SetType { key, field_type } => {
            let f = field(c, key)?;
            f.field_type = *field_type;
            f.transformers.retain(|t| t.establishes().is_none());
            if let Some(step) = canonical_step(*field_type) {
                f.transformers.push(step);
            }
            if *field_type != FieldType::Number {
                f.constraints.min_value = None;
                f.constraints.max_value = None;
            }
        }
        Edit::SetRequirement { key, requirement } => field(c, key)?.requirement = *requirement,
        Edit::SetOnInvalid { key, level } => field(c, key)?.on_invalid = *level,
        Edit::AddTransformer { key, transformer } => {
            let f = field(c, key)?;
            if f.transformers.contains(transformer) {
                return Err("That step is already in the list.".into());
            }
            f.transformers.push(*transformer);
        }
        Edit::RemoveTransformer { key, index } => {
            let f = field(c, key)?;
            if *index >= f.transformers.len() {
                return Err("There is no such step.".into());
            }
            f.transformers.remove(*index);
        }
        Edit::MoveTransformer { key, index, up } => {
            let f = field(c, key)?;
            let j = if *up {
                index.checked_sub(1)
            } else {
                Some(index + 1)
            };
            if let Some(j) =
                j.filter(|j| *j < f.transformers.len() && *index < f.transformers.len())
            {
                f.transformers.swap(*index, j);
            }
        }
        Edit::SetPattern {
            key,
            pattern,
            description,
        } => {
            let f = field(c, key)?;
            f.constraints.pattern = non_empty(pattern);
            f.constraints.pattern_description = non_empty(description);
        }
        Edit::SetLength { key, min, max } => {
            let f = field(c, key)?;
            f.constraints.min_length = *min;
            f.constraints.max_length = *max;
        }
        Edit::SetRange { key, min, max } => {
            let f = field(c, key)?;
            f.constraints.min_value = *min;
            f.constraints.max_value = *max;
        }
        Edit::SetDefault { key, value } => field(c, key)?.default = non_empty(value),
        Edit::SetLocked { key, locked } => field(c, key)?.locked = *locked,
        Edit::SetSynonyms { key, synonyms } => field(c, key)?.synonyms = clean_list(synonyms),
        Edit::AddValue { key, value } => {
            let value = value.trim();
            let f = field(c, key)?;
            if f.constraints.allowed.iter().any(|a| a.value == value) {
                return Err(format!("“{value}” is already an allowed value."));
            }
            f.constraints.allowed.push(AllowedValue::new(value, &[]));
        }
        Edit::RenameValue { key, from, to } => {
            let to = to.trim();
            let f = field(c, key)?;
            if from != to && f.constraints.allowed.iter().any(|a| a.value == to) {
                return Err(format!("“{to}” is already an allowed value."));
            }
            let a = allowed(f, from)?;
            a.value = to.to_owned();
            // What named the old value names the new one.
            for slot in [&mut f.default, &mut f.constraints.enum_fallback] {
                if slot.as_deref() == Some(from.as_str()) {
                    *slot = Some(to.to_owned());
                }
            }
            for r in &mut c.rules {
                if let CrossFieldRule::RequiredIf { field, equals, .. } = r {
                    if field == key && equals == from {
                        *equals = to.to_owned();
                    }
                }
            }
        }
        Edit::RemoveValue { key, value } => {
            let f = field(c, key)?;
            allowed(f, value)?;
            f.constraints.allowed.retain(|a| a.value != *value);
        }
        Edit::AddAlias { key, value, alias } => {
            let alias = alias.trim();
            let a = allowed(field(c, key)?, value)?;
            if alias.is_empty() || a.aliases.iter().any(|x| x == alias) {
                return Err("Type an alias that is not in the list yet.".into());
            }
            a.aliases.push(alias.to_owned());
        }
        Edit::RemoveAlias { key, value, alias } => {
            allowed(field(c, key)?, value)?
                .aliases
                .retain(|x| x != alias);
        }
        Edit::SetFallback { key, value } => {
            field(c, key)?.constraints.enum_fallback = non_empty(value)
        }
        Edit::AddRule { rule } => {
            if c.rules.contains(rule) {
                return Err("That rule is already in the list.".into());
            }
            c.rules.push(rule.clone());
        }
        Edit::RemoveRule { index } => {
            if *index >= c.rules.len() {
                return Err("There is no such rule.".into());
            }
            c.rules.remove(*index);
        }
        Edit::SetDedupeKeys { keys } => {
            let mut unique = Vec::new();
            for k in keys {
                if !unique.contains(k) {
                    unique.push(*k);
                }
            }
            c.duplicates.keys = unique;
        }
        Edit::SetPolicy { policy } => c.duplicates.policy = *policy,
        Edit::SetFolding {
            plus_addressing,
            gmail_dots,
        } => {
            c.duplicates.fold_plus_addressing = *plus_addressing;
            c.duplicates.fold_gmail_dots = *gmail_dots;
        }
        Edit::SetDefaultRegion { region } => {
            c.phone.default_region = non_empty(region).map(|r| r.to_ascii_uppercase())
        }
        Edit::SetDateOrder { order } => c.date_order = *order,
        Edit::SetFormulaLike { level } => c.formula_like = *level,
        Edit::SetEmptyValues { values } => c.empty_values = clean_list(values),
    }
    Ok(())
}

/// Drops what refers to fields that are gone or no longer fit, and settings naming values
/// that are no longer allowed.
fn prune(c: &mut ImportConfig) {
    let type_of = |c: &ImportConfig, key: &str| c.field(key).map(|f| f.field_type);
    let snapshot = c.clone();
    c.rules.retain_mut(|r| match r {
        CrossFieldRule::AtLeastOneOf { fields, .. } => {
            fields.retain(|f| snapshot.field(f).is_some());
            !fields.is_empty()
        }
        CrossFieldRule::RequiredIf {
            field,
            equals,
            then,
            ..
        } => {
            snapshot.field(then).is_some()
                && snapshot
                    .field(field)
                    .is_some_and(|f| f.names_allowed_value(equals))
        }
        CrossFieldRule::PhoneMatchesCountry { phone, country, .. } => {
            type_of(&snapshot, phone) == Some(FieldType::Phone)
                && type_of(&snapshot, country) == Some(FieldType::Country)
        }
    });
    let has_type = |t: FieldType| snapshot.fields.iter().any(|f| f.field_type == t);
    c.duplicates.keys.retain(|k| match k {
        DedupeKeyKind::Email => has_type(FieldType::Email),
        DedupeKeyKind::Phone => has_type(FieldType::Phone),
        DedupeKeyKind::NameCompany => ["first_name", "last_name", "company"]
            .iter()
            .all(|k| snapshot.field(k).is_some()),
    });
    if let Some(rf) = &c.phone.region_field {
        if type_of(&snapshot, rf) != Some(FieldType::Country) {
            c.phone.region_field = None;
        }
    }
    for f in &mut c.fields {
        let allowed = &f.constraints.allowed;
        let is_allowed = |v: &String| allowed.iter().any(|a| a.value == *v);
        if f.constraints
            .enum_fallback
            .as_ref()
            .is_some_and(|v| !is_allowed(v))
        {
            f.constraints.enum_fallback = None;
        }
        if !allowed.is_empty() && f.default.as_ref().is_some_and(|v| !is_allowed(v)) {
            f.default = None;
        }
    }
}

/// The steps a new field of `t` starts with.
pub fn steps_for(t: FieldType) -> Vec<Transformer> {
    let mut steps = vec![Transformer::Trim];
    match canonical_step(t) {
        Some(step) => steps.push(step),
        None => steps.push(Transformer::CollapseWhitespace),
    }
    steps
}

/// The transformer that reads and writes values of `t`, if the type has one.
pub fn canonical_step(t: FieldType) -> Option<Transformer> {
    match t {
        FieldType::Text => None,
        FieldType::Email => Some(Transformer::EmailNormalize),
        FieldType::Phone => Some(Transformer::PhoneE164),
        FieldType::Enum => Some(Transformer::EnumCanonical),
        FieldType::Date => Some(Transformer::DateIso),
        FieldType::Number => Some(Transformer::NumberNormalize),
        FieldType::Url => Some(Transformer::UrlNormalize),
        FieldType::Country => Some(Transformer::CountryIso2),
    }
}

fn index(c: &ImportConfig, key: &str) -> Result<usize, String> {
    c.fields
        .iter()
        .position(|f| f.key == key)
        .ok_or_else(|| format!("There is no field `{key}`."))
}

fn field<'a>(c: &'a mut ImportConfig, key: &str) -> Result<&'a mut FieldSpec, String> {
    let i = index(c, key)?;
    Ok(&mut c.fields[i])
}

fn allowed<'a>(f: &'a mut FieldSpec, value: &str) -> Result<&'a mut AllowedValue, String> {
    f.constraints
        .allowed
        .iter_mut()
        .find(|a| a.value == value)
        .ok_or_else(|| format!("“{value}” is not an allowed value."))
}

fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn clean_list(items: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in items.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if !out.iter().any(|x| x == s) {
            out.push(s.to_owned());
        }
    }
    out
}
