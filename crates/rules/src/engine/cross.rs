//! The cross-field rules of a row (at least one of, required if, phone matches country)
//! and the fixes suggested for a field's value.

use super::*;

impl Validator {
    pub(super) fn apply_rules(
        &self,
        row: u32,
        values: &[Option<Cow<'_, str>>],
        side: &RowSide,
        issues: &mut Vec<Issue>,
    ) {
        for r in &self.rules {
            match r {
                CompiledRule::AtLeastOneOf { fields, level } => {
                    if fields.iter().all(|&i| values[i].is_none()) {
                        let names: Vec<&str> = fields
                            .iter()
                            .map(|&i| self.specs[i].label.as_str())
                            .collect();
                        let mut issue = Issue::new(
                            Code::RowRuleFailed,
                            row,
                            format!("Give at least one of: {}.", names.join(", ")),
                        )
                        .with_level(*level)
                        .with_hint("A lead needs a way to reach it.");
                        issue.field = fields.first().map(|&i| self.specs[i].key.clone());
                        issues.push(issue);
                    }
                }
                CompiledRule::RequiredIf {
                    field,
                    equals,
                    then,
                    level,
                } => {
                    if values[*then].is_some() {
                        continue;
                    }
                    let Some(v) = values[*field].as_deref() else {
                        continue;
                    };
                    if v == equals || text::fold_compact(v) == text::fold_compact(equals) {
                        let (fs, ts) = (&self.specs[*field], &self.specs[*then]);
                        issues.push(
                            Issue::new(
                                Code::RowRuleFailed,
                                row,
                                format!(
                                    "{} is required when {} is “{equals}”.",
                                    ts.label, fs.label
                                ),
                            )
                            .with_level(*level)
                            .with_field(ts.key.as_str())
                            .with_hint(format!("Fill in {} or change {}.", ts.label, fs.label)),
                        );
                    }
                }
                CompiledRule::PhoneMatchesCountry {
                    phone,
                    country,
                    level,
                } => {
                    let Some(c) = values[*country].as_deref() else {
                        continue;
                    };
                    let Some((_, pr)) = side.phone_regions.iter().find(|(i, _)| i == phone) else {
                        continue;
                    };
                    if c.len() == 2 && pr != c {
                        let name = |code: &str| {
                            country::name_of(code)
                                .unwrap_or("another country")
                                .to_owned()
                        };
                        issues.push(
                            Issue::new(
                                Code::CellPhoneCountryMismatch,
                                row,
                                format!("The phone number is from {} ({pr}) but the country is {} ({c}).", name(pr), name(c)),
                            )
                            .with_level(*level)
                            .with_field(self.specs[*phone].key.as_str())
                            .with_value(values[*phone].as_deref().unwrap_or(""))
                            .with_hint("Check the country or the number's country code."),
                        );
                    }
                }
            }
        }
    }

    /// A cached spelling suggestion for `value` in field `fi`.
    pub(super) fn suggest(
        &self,
        fi: usize,
        value: &str,
        compute: impl FnOnce(&str) -> Option<SuggestedFix>,
    ) -> Option<SuggestedFix> {
        let key = (fi, value.to_owned());
        if let Some(hit) = self
            .suggestions
            .lock()
            .ok()
            .and_then(|m| m.get(&key).cloned())
        {
            return hit;
        }
        let fix = compute(value);
        if let Ok(mut m) = self.suggestions.lock() {
            if m.len() >= SUGGESTION_CACHE_LIMIT {
                m.clear();
            }
            m.insert(key, fix.clone());
        }
        fix
    }
}
