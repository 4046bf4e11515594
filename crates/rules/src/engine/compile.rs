//! Compiling a configuration once: the fields in order with their transformers, alias
//! maps and regexes, and the cross-field rules with field indexes instead of keys.

use super::*;

impl Validator {
    /// Validates and compiles a configuration.
    pub fn new(config: &ImportConfig) -> Result<Validator, ConfigError> {
        config.validate().map_err(ConfigError)?;
        let index: HashMap<&str, usize> = config
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| (f.key.as_str(), i))
            .collect();
        let idx = |k: &str| index.get(k).copied();
        let mut fields = Vec::with_capacity(config.fields.len());
        for f in &config.fields {
            let pattern = match &f.constraints.pattern {
                Some(p) => Some(regex::Regex::new(&format!("^(?:{p})$")).map_err(|e| {
                    let at = config
                        .fields
                        .iter()
                        .position(|x| x.key == f.key)
                        .unwrap_or(0);
                    ConfigError(vec![crate::config::ConfigProblem::at_path(
                        &format!("fields[{at}].constraints.pattern"),
                        e.to_string(),
                    )])
                })?),
                None => None,
            };
            let mut aliases = HashMap::new();
            let mut canon = Vec::new();
            for (i, a) in f.constraints.allowed.iter().enumerate() {
                canon.push(a.value.clone());
                for s in std::iter::once(&a.value).chain(a.aliases.iter()) {
                    aliases.entry(text::fold_compact(s)).or_insert(i);
                }
            }
            let established = f
                .transformers
                .iter()
                .any(|t| t.establishes() == Some(f.field_type));
            let steps: Vec<Transformer> = f
                .transformers
                .iter()
                .copied()
                .filter(|t| *t != Transformer::Trim)
                .collect();
            fields.push(CompiledField {
                spec: f.clone(),
                steps,
                type_check: !established && f.field_type != FieldType::Text,
                pattern,
                aliases,
                canon,
                fallback: f.constraints.enum_fallback.clone(),
                is_date: f.field_type == FieldType::Date,
            });
        }
        let region_field = config.phone.region_field.as_deref().and_then(idx);
        let mut order: Vec<usize> = (0..fields.len()).collect();
        if let Some(r) = region_field {
            order.retain(|&i| i != r);
            order.insert(0, r);
        }
        let level = |r: Requirement| r.level();
        let mut rules = Vec::new();
        for r in &config.rules {
            match r {
                CrossFieldRule::AtLeastOneOf {
                    fields: fs,
                    level: l,
                } => {
                    if let Some(level) = level(*l) {
                        rules.push(CompiledRule::AtLeastOneOf {
                            fields: fs.iter().filter_map(|k| idx(k)).collect(),
                            level,
                        });
                    }
                }
                CrossFieldRule::RequiredIf {
                    field,
                    equals,
                    then,
                    level: l,
                } => {
                    if let (Some(level), Some(fi), Some(ti)) = (level(*l), idx(field), idx(then)) {
                        let f = &fields[fi];
                        let equals = f
                            .aliases
                            .get(&text::fold_compact(equals))
                            .map_or_else(|| equals.clone(), |&i| f.canon[i].clone());
                        rules.push(CompiledRule::RequiredIf {
                            field: fi,
                            equals,
                            then: ti,
                            level,
                        });
                    }
                }
                CrossFieldRule::PhoneMatchesCountry {
                    phone: p,
                    country: c,
                    level: l,
                } => {
                    if let (Some(level), Some(p), Some(c)) = (level(*l), idx(p), idx(c)) {
                        rules.push(CompiledRule::PhoneMatchesCountry {
                            phone: p,
                            country: c,
                            level,
                        });
                    }
                }
            }
        }
        let first_of = |t: FieldType| config.fields.iter().position(|f| f.field_type == t);
        let name_company = match (idx("first_name"), idx("last_name"), idx("company")) {
            (Some(a), Some(b), Some(c)) => Some((a, b, c)),
            _ => None,
        };
        Ok(Validator {
            specs: config.fields.clone(),
            date_orders: vec![config.date_order; fields.len()],
            fields,
            order,
            rules,
            default_region: config
                .phone
                .default_region
                .as_deref()
                .and_then(phone::region),
            region_field,
            email_field: first_of(FieldType::Email),
            phone_field: first_of(FieldType::Phone),
            name_company,
            empty_values: config
                .empty_values
                .iter()
                .map(|s| text::trim(s).to_lowercase())
                .collect(),
            config: config.clone(),
            suggestions: std::sync::Mutex::new(HashMap::new()),
            normalization_notes: true,
        })
    }
}
