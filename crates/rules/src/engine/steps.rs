//! One field's value through its steps: the transformers, the type check and the
//! constraints, and the failures (with their suggested fixes) they end in.

use super::*;

impl Validator {
    #[allow(clippy::too_many_arguments)] // reason: private hot path, see process_field
    #[allow(clippy::result_large_err)] // reason: failures are the rare path; boxing would allocate on it for nothing
    pub(super) fn run_step<'a>(
        &self,
        f: &CompiledField,
        step: Transformer,
        value: Cow<'a, str>,
        region: Option<Region>,
        order: DateOrder,
        row: u32,
        issues: &mut Vec<Issue>,
        side: &mut RowSide,
        fi: usize,
    ) -> Result<Cow<'a, str>, (Cow<'a, str>, Failure)> {
        let label = f.spec.label.as_str();
        Ok(match step {
            Transformer::Trim => map_cow(value, |s| Cow::Borrowed(text::trim(s))),
            Transformer::CollapseWhitespace => map_cow(value, text::collapse_whitespace),
            Transformer::Lowercase => map_cow(value, text::lowercase),
            Transformer::Uppercase => map_cow(value, text::uppercase),
            Transformer::TitleCase => map_cow(value, text::title_case),
            Transformer::EmailNormalize => {
                let res = match &value {
                    Cow::Borrowed(b) => email::normalize(b),
                    Cow::Owned(o) => email::normalize(o).map(|c| Cow::Owned(c.into_owned())),
                };
                match res {
                    Ok(v) => {
                        if let Some(fix) = email::typo_fix(&v) {
                            issues.push(
                                Issue::new(
                                    Code::CellEmailTypo,
                                    row,
                                    format!("{label}: the domain of “{v}” looks like a typo."),
                                )
                                .with_field(f.spec.key.as_str())
                                .with_value(v.as_ref())
                                .with_hint("Check the spelling of the part after the @.")
                                .with_fix(SuggestedFix::replace(fix)),
                            );
                        }
                        reborrow(value, v)
                    }
                    Err(e) => {
                        let mut fl = fail(
                            Code::CellEmailInvalid,
                            format!("{label} is not a valid e-mail address: {}.", e.reason),
                        );
                        fl.hint = Some("An address looks like name@example.com.".into());
                        fl.fix = e.fix.map(SuggestedFix::replace);
                        return Err((value, fl));
                    }
                }
            }
            Transformer::PhoneE164 => match phone::parse(&value, region) {
                Ok(p) => {
                    if let Some(r) = p.region {
                        side.phone_regions.push((fi, r));
                    }
                    if p.e164 == value.as_ref() {
                        value
                    } else {
                        Cow::Owned(p.e164)
                    }
                }
                Err(e) => {
                    let code = if e == phone::PhoneError::Scientific {
                        Code::CellNumberAsPhone
                    } else {
                        Code::CellPhoneInvalid
                    };
                    let mut fl = fail(
                        code,
                        format!("{label} is not a valid phone number: {}.", e.message()),
                    );
                    fl.hint = Some(e.hint().into());
                    return Err((value, fl));
                }
            },
            Transformer::DateIso => match date_step(&value, order, label) {
                Ok(iso) if iso == value.as_ref() => value,
                Ok(iso) => Cow::Owned(iso),
                Err(fl) => return Err((value, fl)),
            },
            Transformer::CountryIso2 => match country::to_iso2(&value) {
                Some(c) if c == value.as_ref() => value,
                Some(c) => Cow::Owned(c.to_owned()),
                None => {
                    let mut fl = country_failure(&value, label);
                    fl.fix = self.suggest(fi, &value, country_fix);
                    return Err((value, fl));
                }
            },
            Transformer::EnumCanonical => {
                let key = text::fold_compact(&value);
                match f.aliases.get(&key) {
                    Some(&i) if f.canon[i] == value.as_ref() => value,
                    Some(&i) => Cow::Owned(f.canon[i].clone()),
                    None => {
                        match &f.fallback {
                            Some(fb) => {
                                issues.push(
                                Issue::new(Code::CellEnumUnknown, row, format!("{label}: “{value}” is not a known value; “{fb}” is used."))
                                    .with_level(Level::Warning)
                                    .with_field(f.spec.key.as_str())
                                    .with_value(value.as_ref())
                                    .with_normalized(fb.clone())
                                    .with_hint(format!("Known values: {}.", f.canon.join(", "))),
                            );
                                Cow::Owned(fb.clone())
                            }
                            None => {
                                let mut fl = enum_failure(f, &value);
                                fl.fix = self.suggest(fi, &value, |v| enum_fix(f, v));
                                return Err((value, fl));
                            }
                        }
                    }
                }
            }
            Transformer::UrlNormalize => {
                let res = match &value {
                    Cow::Borrowed(b) => url::normalize(b),
                    Cow::Owned(o) => url::normalize(o).map(|c| Cow::Owned(c.into_owned())),
                };
                match res {
                    Ok(v) => reborrow(value, v),
                    Err(reason) => {
                        let mut fl = fail(
                            Code::CellUrlInvalid,
                            format!("{label} is not a web address: {reason}."),
                        );
                        fl.hint = Some("A web address looks like https://example.com.".into());
                        return Err((value, fl));
                    }
                }
            }
            Transformer::NumberNormalize => match number::parse(&value) {
                Some((c, _)) if c == value.as_ref() => value,
                Some((c, _)) => Cow::Owned(c),
                None => return Err((value, number_failure(label))),
            },
        })
    }

    pub(super) fn check_type(
        &self,
        f: &CompiledField,
        value: &str,
        region: Option<Region>,
        order: DateOrder,
    ) -> Result<(), Failure> {
        let label = f.spec.label.as_str();
        match f.spec.field_type {
            FieldType::Text => Ok(()),
            FieldType::Email => email::check(value).map_err(|e| {
                let mut fl = fail(
                    Code::CellEmailInvalid,
                    format!("{label} is not a valid e-mail address: {}.", e.reason),
                );
                fl.fix = e.fix.map(SuggestedFix::replace);
                fl
            }),
            FieldType::Phone => phone::parse(value, region).map(|_| ()).map_err(|e| {
                let mut fl = fail(
                    Code::CellPhoneInvalid,
                    format!("{label} is not a valid phone number: {}.", e.message()),
                );
                fl.hint = Some(e.hint().into());
                fl
            }),
            FieldType::Enum => {
                if f.aliases.contains_key(&text::fold_compact(value)) {
                    Ok(())
                } else {
                    let mut fl = enum_failure(f, value);
                    fl.fix = enum_fix(f, value);
                    Err(fl)
                }
            }
            FieldType::Date => date_step(value, order, label).map(|_| ()),
            FieldType::Number => number::parse(value)
                .map(|_| ())
                .ok_or_else(|| number_failure(label)),
            FieldType::Url => url::normalize(value).map(|_| ()).map_err(|reason| {
                fail(
                    Code::CellUrlInvalid,
                    format!("{label} is not a web address: {reason}."),
                )
            }),
            FieldType::Country => country::to_iso2(value).map(|_| ()).ok_or_else(|| {
                let mut fl = country_failure(value, label);
                fl.fix = country_fix(value);
                fl
            }),
        }
    }

    pub(super) fn check_constraints(
        &self,
        f: &CompiledField,
        value: &str,
        scratch: &mut String,
    ) -> Result<(), Failure> {
        let c = &f.spec.constraints;
        let label = f.spec.label.as_str();
        if c.min_length.is_some() || c.max_length.is_some() {
            let len = value.chars().count();
            if let Some(max) = c.max_length {
                if len > max as usize {
                    let mut fl = fail(
                        Code::CellTooLong,
                        format!("{label} has {len} characters; at most {max} are allowed."),
                    );
                    fl.fix = Some(SuggestedFix {
                        label: format!("Cut to {max} characters"),
                        value: Some(value.chars().take(max as usize).collect()),
                    });
                    return Err(fl);
                }
            }
            if let Some(min) = c.min_length {
                if len < min as usize {
                    return Err(fail(
                        Code::CellTooShort,
                        format!("{label} has {len} characters; at least {min} are needed."),
                    ));
                }
            }
        }
        if let Some(re) = &f.pattern {
            if !re.is_match(value) {
                let what = c.pattern_description.clone().unwrap_or_else(|| {
                    format!("the pattern {}", c.pattern.as_deref().unwrap_or(""))
                });
                return Err(fail(
                    Code::CellPatternMismatch,
                    format!("{label} does not match {what}."),
                ));
            }
        }
        if c.min_value.is_some() || c.max_value.is_some() {
            let Some((_, v)) = number::parse(value) else {
                return Err(number_failure(label));
            };
            if c.min_value.is_some_and(|m| v < m) || c.max_value.is_some_and(|m| v > m) {
                let range = match (c.min_value, c.max_value) {
                    (Some(a), Some(b)) => format!("between {a} and {b}"),
                    (Some(a), None) => format!("at least {a}"),
                    (None, Some(b)) => format!("at most {b}"),
                    (None, None) => String::new(),
                };
                return Err(fail(
                    Code::CellOutOfRange,
                    format!("{label} is {v}; it must be {range}."),
                ));
            }
        }
        if !f.canon.is_empty()
            && f.spec.field_type != FieldType::Enum
            && !f.steps.contains(&Transformer::EnumCanonical)
        {
            text::fold_into(value, scratch, false);
            if !f.aliases.contains_key(scratch.as_str()) {
                let mut fl = enum_failure(f, value);
                fl.fix = enum_fix(f, value);
                return Err(fl);
            }
        }
        Ok(())
    }
}

pub(super) fn date_step(value: &str, order: DateOrder, label: &str) -> Result<String, Failure> {
    match dates::parse(value, order) {
        dates::Parsed::Date(d) => Ok(d.iso()),
        dates::Parsed::Ambiguous {
            day_first,
            month_first,
        } => {
            let mut fl = fail(
                Code::CellDateAmbiguous,
                format!(
                    "{label}: “{value}” reads as {} (day first) or {} (month first).",
                    day_first.iso(),
                    month_first.iso()
                ),
            );
            fl.hint = Some("Choose the column's date order (day first or month first), or write the date as yyyy-mm-dd.".into());
            Err(fl)
        }
        dates::Parsed::Invalid => {
            let mut fl = fail(
                Code::CellDateInvalid,
                format!("{label}: “{value}” is not a date."),
            );
            fl.hint = Some("Write dates as yyyy-mm-dd, dd.mm.yyyy or e.g. 15 March 2024.".into());
            Err(fl)
        }
    }
}

pub(super) fn country_failure(value: &str, label: &str) -> Failure {
    let mut fl = fail(
        Code::CellCountryUnknown,
        format!("{label}: “{value}” is not a country we know."),
    );
    fl.hint = Some("Use the country's name or its two-letter ISO code, e.g. DE.".into());
    fl
}

pub(super) fn country_fix(value: &str) -> Option<SuggestedFix> {
    country::closest(value).map(|c| SuggestedFix {
        label: format!("Use {} ({c})", country::name_of(c).unwrap_or(c)),
        value: Some(c.to_owned()),
    })
}

pub(super) fn number_failure(label: &str) -> Failure {
    let mut fl = fail(Code::CellNumberInvalid, format!("{label} is not a number."));
    fl.hint = Some("Use digits with one decimal separator, e.g. 1234.5 or 1.234,5.".into());
    fl
}

pub(super) fn enum_failure(f: &CompiledField, value: &str) -> Failure {
    let label = f.spec.label.as_str();
    let mut fl = fail(
        Code::CellEnumUnknown,
        format!("{label}: “{value}” is not one of the allowed values."),
    );
    fl.hint = Some(format!("Allowed: {}.", f.canon.join(", ")));
    fl
}

pub(super) fn enum_fix(f: &CompiledField, value: &str) -> Option<SuggestedFix> {
    let key = text::fold_compact(value);
    let len = key.len();
    let mut best: Option<(usize, f32)> = None;
    for (alias, &i) in &f.aliases {
        // Names of very different length cannot reach the threshold; skip the edit distance.
        if alias.len().abs_diff(len) > len / 3 + 1 {
            continue;
        }
        let s = text::similarity(&key, alias);
        // Ties broken by canonical order so the suggestion is the same on every platform
        // (HashMap iteration order is not).
        if s >= 0.7 && best.is_none_or(|(bi, bs)| s > bs || (s == bs && i < bi)) {
            best = Some((i, s));
        }
    }
    best.map(|(i, _)| SuggestedFix::replace(f.canon[i].clone()))
}
