//! The validator: a configuration compiled once (regexes, alias maps, field order), then
//! applied to rows — transform, check, cross-field rules, duplicate keys — in the browser
//! and on the server alike.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use rlibphonenumber::Region;
use serde::Serialize;

use crate::codes::{Code, Level};
use crate::config::{
    ConfigError, CrossFieldRule, DedupeKeyKind, FieldSpec, FieldType, ImportConfig, Requirement,
    Transformer,
};
use crate::dates::{self, DateOrder, Evidence};
use crate::issue::{Issue, SuggestedFix};
use crate::{country, email, formula, number, phone, text, url};

/// The overall state of a row after validation.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum RowStatus {
    /// No errors or warnings (info notes allowed).
    Valid,
    /// Importable, with warnings.
    Warning,
    /// Not importable until fixed.
    Error,
    /// Every cell empty; skipped, counted apart.
    Empty,
}

impl RowStatus {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RowStatus::Valid => "valid",
            RowStatus::Warning => "warning",
            RowStatus::Error => "error",
            RowStatus::Empty => "empty",
        }
    }
}

impl std::fmt::Display for RowStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for RowStatus {
    type Err = String;
    /// `valid`, `warning`, `error` or `empty`; anything else names the choices.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            RowStatus::Valid,
            RowStatus::Warning,
            RowStatus::Error,
            RowStatus::Empty,
        ]
        .into_iter()
        .find(|status| status.as_str() == s)
        .ok_or_else(|| format!("unknown row status “{s}”: use valid, warning or error"))
    }
}

/// The result of validating one row. Clean values are borrowed from the input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowOutcome<'a> {
    /// Source row number, 1-based as the spreadsheet shows it.
    pub row: u32,
    /// Transformed values in [`Validator::fields`] order; `None` = no value.
    pub normalized: Vec<Option<Cow<'a, str>>>,
    pub issues: Vec<Issue>,
    pub status: RowStatus,
    /// Duplicate keys of this row, in the configured priority order.
    pub keys: Vec<(DedupeKeyKind, String)>,
    /// The first row in the same batch with a shared key, if any.
    pub duplicate_of: Option<u32>,
}

impl RowOutcome<'_> {
    /// Normalized values as owned strings (for storing or sending).
    pub fn normalized_owned(&self) -> Vec<Option<String>> {
        self.normalized
            .iter()
            .map(|v| v.as_ref().map(|c| c.to_string()))
            .collect()
    }
}

/// What a batch found, row by row and in total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchOutcome<'a> {
    pub rows: Vec<RowOutcome<'a>>,
    pub columns: ColumnAnalysis,
    pub stats: BatchStats,
}

/// Counts for the summary and telemetry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BatchStats {
    pub rows: u32,
    pub valid: u32,
    pub warning: u32,
    pub error: u32,
    pub empty: u32,
    pub duplicates_in_file: u32,
    /// Issue count per code string.
    pub issues_by_code: BTreeMap<String, u32>,
}

/// What the date values of one column say about day/month order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct DateColumn {
    pub field: String,
    /// The order used: the configured one, else the one the evidence shows, else `auto`
    /// (unresolved — values that read both ways are reported as `cell.date_ambiguous`).
    pub order: DateOrder,
    /// Rows (up to 10) whose value can only be day-first.
    pub day_first_rows: Vec<u32>,
    /// Rows (up to 10) whose value can only be month-first.
    pub month_first_rows: Vec<u32>,
    /// Rows (up to 10) whose value reads both ways.
    pub ambiguous_rows: Vec<u32>,
    pub ambiguous_count: u32,
}

impl DateColumn {
    /// True when some values read both ways and nothing settles the order.
    pub fn is_ambiguous(&self) -> bool {
        self.order == DateOrder::Auto && self.ambiguous_count > 0
    }

    fn evidence_text(&self) -> String {
        let list = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
        match (self.day_first_rows.is_empty(), self.month_first_rows.is_empty()) {
            (true, true) => format!(
                "No value in the column has a day above 12, so nothing settles the order (rows that read both ways: {}).",
                list(&self.ambiguous_rows)
            ),
            _ => format!(
                "The column mixes orders: day-first in rows {}; month-first in rows {}.",
                list(&self.day_first_rows),
                list(&self.month_first_rows)
            ),
        }
    }
}

/// Column-level findings the row pass depends on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ColumnAnalysis {
    pub dates: Vec<DateColumn>,
}

struct CompiledField {
    spec: FieldSpec,
    /// Transformers after the leading Trim (trim is always applied first and borrowed).
    steps: Vec<Transformer>,
    type_check: bool,
    pattern: Option<regex::Regex>,
    /// Folded alias → index into `canon`.
    aliases: HashMap<String, usize>,
    canon: Vec<String>,
    fallback: Option<String>,
    is_date: bool,
}

enum CompiledRule {
    AtLeastOneOf {
        fields: Vec<usize>,
        level: Level,
    },
    RequiredIf {
        field: usize,
        equals: String,
        then: usize,
        level: Level,
    },
    PhoneMatchesCountry {
        phone: usize,
        country: usize,
        level: Level,
    },
}

/// A compiled configuration. Cheap to share (`&Validator`); build once per config version.
pub struct Validator {
    config: ImportConfig,
    specs: Vec<FieldSpec>,
    fields: Vec<CompiledField>,
    /// Processing order: the phone-region field first, so phones can use it.
    order: Vec<usize>,
    rules: Vec<CompiledRule>,
    default_region: Option<Region>,
    region_field: Option<usize>,
    date_orders: Vec<DateOrder>,
    email_field: Option<usize>,
    phone_field: Option<usize>,
    name_company: Option<(usize, usize, usize)>,
    empty_values: Vec<String>,
    /// Spelling suggestions for unknown enum values and countries, per (field, value).
    /// Why: computing one costs hundreds of edit distances, and files repeat the same
    /// misspelling on many rows. Bounded; a Mutex keeps the validator `Sync` for servers.
    suggestions: std::sync::Mutex<HashMap<(usize, String), Option<SuggestedFix>>>,
    /// Whether changed values get a `cell.normalized` note (see `set_normalization_notes`).
    normalization_notes: bool,
}

const SUGGESTION_CACHE_LIMIT: usize = 4096;

impl std::fmt::Debug for Validator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Validator")
            .field("fields", &self.specs.len())
            .finish_non_exhaustive()
    }
}

/// Why a step refused a value.
struct Failure {
    code: Code,
    message: String,
    hint: Option<String>,
    fix: Option<SuggestedFix>,
}

fn fail(code: Code, message: impl Into<String>) -> Failure {
    Failure {
        code,
        message: message.into(),
        hint: None,
        fix: None,
    }
}

/// Per-row side results that rules need (the region a phone belongs to).
#[derive(Default)]
struct RowSide {
    phone_regions: Vec<(usize, String)>,
}

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
                    ConfigError(vec![crate::config::ConfigProblem {
                        path: format!("fields.{}.constraints.pattern", f.key),
                        message: e.to_string(),
                    }])
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

    /// Turns the `cell.normalized` notes on or off. The server's staging turns them off: it
    /// keeps the original and the normalised value of every cell side by side, so the notes
    /// would only repeat them — at a cost of one allocation-heavy issue per changed cell.
    pub fn set_normalization_notes(&mut self, on: bool) {
        self.normalization_notes = on;
    }

    /// The fields, in the order `validate_row` expects values.
    pub fn fields(&self) -> &[FieldSpec] {
        &self.specs
    }

    pub fn config(&self) -> &ImportConfig {
        &self.config
    }

    /// Position of a field key in [`Validator::fields`].
    pub fn field_index(&self, key: &str) -> Option<usize> {
        self.specs.iter().position(|f| f.key == key)
    }

    /// Fixes the day/month order of a date field (e.g. after the user chose it).
    /// Returns false for an unknown key.
    pub fn set_date_order(&mut self, field: &str, order: DateOrder) -> bool {
        match self.field_index(field) {
            Some(i) => {
                self.date_orders[i] = order;
                true
            }
            None => false,
        }
    }

    /// Applies the orders a column pass decided (as the browser does with the server's pass).
    pub fn apply_column_analysis(&mut self, analysis: &ColumnAnalysis) {
        for c in &analysis.dates {
            if c.order != DateOrder::Auto {
                self.set_date_order(&c.field, c.order);
            }
        }
    }

    /// Validates one row. `values` are raw cells in [`Validator::fields`] order; a missing
    /// column is `None`; extra values are ignored.
    pub fn validate_row<'a>(&self, source_row: u32, values: &[Option<&'a str>]) -> RowOutcome<'a> {
        self.validate_row_with(source_row, values, &self.date_orders)
    }

    fn validate_row_with<'a>(
        &self,
        row: u32,
        values: &[Option<&'a str>],
        orders: &[DateOrder],
    ) -> RowOutcome<'a> {
        let n = self.fields.len();
        let mut normalized: Vec<Option<Cow<'a, str>>> = vec![None; n];
        // Messy rows carry several notes; one allocation up front beats regrowing.
        let mut issues = Vec::with_capacity(8);
        let raw_at = |i: usize| values.get(i).copied().flatten();
        if (0..n).all(|i| raw_at(i).is_none_or(|v| text::trim(v).is_empty())) {
            issues.push(Issue::new(
                Code::RowEmpty,
                row,
                "The row is empty and will be skipped.",
            ));
            return RowOutcome {
                row,
                normalized,
                issues,
                status: RowStatus::Empty,
                keys: Vec::new(),
                duplicate_of: None,
            };
        }
        let mut side = RowSide::default();
        let mut scratch = String::new();
        for &fi in &self.order {
            let region = match self.region_field {
                Some(r) if r != fi => normalized[r]
                    .as_deref()
                    .and_then(phone::region)
                    .or(self.default_region),
                _ => self.default_region,
            };
            let v = self.process_field(
                fi,
                raw_at(fi),
                row,
                region,
                orders[fi],
                &mut issues,
                &mut scratch,
                &mut side,
            );
            normalized[fi] = v;
        }
        self.apply_rules(row, &normalized, &side, &mut issues);
        let keys = self.dedupe_keys(&normalized);
        let status = status_of(&issues);
        RowOutcome {
            row,
            normalized,
            issues,
            status,
            keys,
            duplicate_of: None,
        }
    }

    fn is_empty_value(&self, trimmed: &str) -> bool {
        trimmed.is_empty()
            || (trimmed.len() <= 24
                && self
                    .empty_values
                    .iter()
                    .any(|e| e.len() == trimmed.len() && e.eq_ignore_ascii_case(trimmed)))
            || (!trimmed.is_ascii()
                && trimmed.len() <= 24
                && self.empty_values.contains(&trimmed.to_lowercase()))
    }

    #[allow(clippy::too_many_arguments)] // reason: a private hot-path helper; a struct would cost clarity, not speed
    fn process_field<'a>(
        &self,
        fi: usize,
        raw: Option<&'a str>,
        row: u32,
        region: Option<Region>,
        order: DateOrder,
        issues: &mut Vec<Issue>,
        scratch: &mut String,
        side: &mut RowSide,
    ) -> Option<Cow<'a, str>> {
        let f = &self.fields[fi];
        let key = f.spec.key.as_str();
        let trimmed = raw.map(text::trim).unwrap_or("");
        // "NA" in a country column is Namibia (and our own output for it), not "n/a".
        let is_code = f.spec.field_type == FieldType::Country && country::is_iso2_code(trimmed);
        if !is_code && self.is_empty_value(trimmed) {
            if let Some(d) = &f.spec.default {
                if !self.normalization_notes {
                    return Some(Cow::Owned(d.clone()));
                }
                let mut issue = Issue::new(
                    Code::CellNormalized,
                    row,
                    format!("{} was empty; the default “{d}” is used.", f.spec.label),
                )
                .with_field(key)
                .with_normalized(d.clone());
                issue.value = raw.map(str::to_owned);
                issues.push(issue);
                return Some(Cow::Owned(d.clone()));
            }
            if !trimmed.is_empty() && self.normalization_notes {
                issues.push(
                    Issue::new(
                        Code::CellNormalized,
                        row,
                        format!("“{trimmed}” was read as an empty value."),
                    )
                    .with_field(key)
                    .with_value(trimmed),
                );
            }
            if let Some(level) = f.spec.requirement.level() {
                issues.push(
                    Issue::new(
                        Code::CellRequired,
                        row,
                        format!("{} is missing.", f.spec.label),
                    )
                    .with_level(level)
                    .with_field(key)
                    .with_hint(format!("Fill in {} or map a column to it.", f.spec.label)),
                );
            }
            return None;
        }
        let raw = raw.unwrap_or("");
        let mut value: Cow<'a, str> = Cow::Borrowed(trimmed);
        for step in &f.steps {
            match self.run_step(f, *step, value, region, order, row, issues, side, fi) {
                Ok(v) => value = v,
                Err((kept, failure)) => {
                    self.push_failure(f, row, raw, &kept, failure, issues);
                    self.check_formula(f, row, raw, &kept, issues);
                    return Some(kept);
                }
            }
        }
        if f.type_check {
            if let Err(failure) = self.check_type(f, &value, region, order) {
                self.push_failure(f, row, raw, &value, failure, issues);
                self.check_formula(f, row, raw, &value, issues);
                return Some(value);
            }
        }
        if let Err(failure) = self.check_constraints(f, &value, scratch) {
            self.push_failure(f, row, raw, &value, failure, issues);
            self.check_formula(f, row, raw, &value, issues);
            return Some(value);
        }
        self.check_formula(f, row, raw, &value, issues);
        if self.normalization_notes && value.as_ref() != trimmed {
            issues.push(
                Issue::new(
                    Code::CellNormalized,
                    row,
                    format!("{}: “{trimmed}” became “{value}”.", f.spec.label),
                )
                .with_field(key)
                .with_value(raw)
                .with_normalized(value.as_ref()),
            );
        }
        Some(value)
    }

    fn push_failure(
        &self,
        f: &CompiledField,
        row: u32,
        raw: &str,
        kept: &str,
        failure: Failure,
        issues: &mut Vec<Issue>,
    ) {
        let Some(level) = f.spec.on_invalid.level() else {
            return;
        };
        let mut issue = Issue::new(failure.code, row, failure.message)
            .with_level(level)
            .with_field(f.spec.key.as_str())
            .with_value(raw);
        if kept != raw {
            issue.normalized = Some(kept.to_owned());
        }
        issue.hint = failure.hint;
        issue.fix = failure.fix;
        issues.push(issue);
    }

    /// `cell.formula_like` when the value as it will be stored would run as a formula in
    /// a spreadsheet (`formula::trigger`), checked on every path out of `process_field`, so
    /// a value kept as typed after a failed check is looked at too. Typed values need no
    /// exception of their own: an E.164 phone (`+49…`), a signed number (`-5`) and an ISO
    /// date call nothing, so the rule lets them through. `@` in an e-mail field is left to
    /// `cell.email_invalid`, which already rejects it.
    fn check_formula(
        &self,
        f: &CompiledField,
        row: u32,
        raw: &str,
        stored: &str,
        issues: &mut Vec<Issue>,
    ) {
        let Some(level) = self.config.formula_like.level() else {
            return;
        };
        let Some(trigger) = formula::trigger(stored) else {
            return;
        };
        if trigger == '@' && f.spec.field_type == FieldType::Email {
            return;
        }
        let mut issue = Issue::new(
            Code::CellFormulaLike,
            row,
            format!(
                "{}: “{stored}” starts like a spreadsheet formula; a spreadsheet opening an export of it could run it.",
                f.spec.label
            ),
        )
        .with_level(level)
        .with_field(f.spec.key.as_str())
        .with_value(raw)
        .with_hint("If it is text, apply the fix: a ' in front makes every spreadsheet show it as text.")
        .with_fix(SuggestedFix {
            label: "Keep as text (put ' in front)".into(),
            value: Some(formula::neutralize(stored)),
        });
        if stored != raw {
            issue.normalized = Some(stored.to_owned());
        }
        issues.push(issue);
    }

    #[allow(clippy::too_many_arguments)] // reason: private hot path, see process_field
    #[allow(clippy::result_large_err)] // reason: failures are the rare path; boxing would allocate on it for nothing
    fn run_step<'a>(
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

    fn check_type(
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

    fn check_constraints(
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

    fn apply_rules(
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
    fn suggest(
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

    /// Duplicate keys of a row of normalized values, in the configured priority order, so
    /// the server can look up existing leads with exactly the keys the batch used. Invalid
    /// values yield no key.
    pub fn dedupe_keys<S: AsRef<str>>(
        &self,
        normalized: &[Option<S>],
    ) -> Vec<(DedupeKeyKind, String)> {
        let get = |i: usize| {
            normalized
                .get(i)
                .and_then(|v| v.as_ref())
                .map(AsRef::as_ref)
        };
        let d = &self.config.duplicates;
        let mut keys = Vec::with_capacity(d.keys.len());
        for k in &d.keys {
            match k {
                DedupeKeyKind::Email => {
                    if let Some(e) = self.email_field.and_then(get) {
                        if email::check(e).is_ok() {
                            keys.push((
                                *k,
                                email::dedupe_key(e, d.fold_plus_addressing, d.fold_gmail_dots),
                            ));
                        }
                    }
                }
                DedupeKeyKind::Phone => {
                    if let Some(p) = self.phone_field.and_then(get) {
                        if is_e164(p) {
                            keys.push((*k, p.to_owned()));
                        }
                    }
                }
                DedupeKeyKind::NameCompany => {
                    if let Some((a, b, c)) = self.name_company {
                        if let (Some(a), Some(b), Some(c)) = (get(a), get(b), get(c)) {
                            keys.push((
                                *k,
                                format!(
                                    "{}|{}|{}",
                                    text::fold_words(a),
                                    text::fold_words(b),
                                    text::fold_words(c)
                                ),
                            ));
                        }
                    }
                }
            }
        }
        keys
    }

    /// Looks at every date column of a batch and decides day-first or month-first from
    /// values that can only be read one way.
    pub fn analyze_columns<'a, V: AsRef<[Option<&'a str>]>>(
        &self,
        rows: &[(u32, V)],
    ) -> ColumnAnalysis {
        let mut dates_out = Vec::new();
        for (fi, f) in self.fields.iter().enumerate() {
            if !(f.is_date || f.steps.contains(&Transformer::DateIso)) {
                continue;
            }
            let mut col = DateColumn {
                field: f.spec.key.clone(),
                order: self.date_orders[fi],
                day_first_rows: Vec::new(),
                month_first_rows: Vec::new(),
                ambiguous_rows: Vec::new(),
                ambiguous_count: 0,
            };
            let (mut df, mut mf) = (0u32, 0u32);
            for (row, values) in rows {
                let Some(v) = values.as_ref().get(fi).copied().flatten() else {
                    continue;
                };
                match dates::evidence(v) {
                    Evidence::DayFirst => {
                        df += 1;
                        push_capped(&mut col.day_first_rows, *row);
                    }
                    Evidence::MonthFirst => {
                        mf += 1;
                        push_capped(&mut col.month_first_rows, *row);
                    }
                    Evidence::Either => {
                        col.ambiguous_count += 1;
                        push_capped(&mut col.ambiguous_rows, *row);
                    }
                    Evidence::Neutral | Evidence::Invalid => {}
                }
            }
            if col.order == DateOrder::Auto {
                col.order = match (df > 0, mf > 0) {
                    (true, false) => DateOrder::DayFirst,
                    (false, true) => DateOrder::MonthFirst,
                    _ => DateOrder::Auto,
                };
            }
            dates_out.push(col);
        }
        ColumnAnalysis { dates: dates_out }
    }

    /// Validates many rows: the column pass, every row, then duplicates inside the batch
    /// (the first occurrence of a key wins; later rows get `row.duplicate_in_file`).
    pub fn validate_batch<'a, V: AsRef<[Option<&'a str>]>>(
        &self,
        rows: &[(u32, V)],
    ) -> BatchOutcome<'a> {
        let columns = self.analyze_columns(rows);
        let mut orders = self.date_orders.clone();
        for c in &columns.dates {
            if let Some(i) = self.field_index(&c.field) {
                orders[i] = c.order;
            }
        }
        let ambiguous: HashMap<&str, String> = columns
            .dates
            .iter()
            .filter(|c| c.is_ambiguous())
            .map(|c| (c.field.as_str(), c.evidence_text()))
            .collect();
        let mut out: Vec<RowOutcome<'a>> = Vec::with_capacity(rows.len());
        // One map per key kind so lookups borrow the key instead of cloning it.
        let mut first_seen: [HashMap<String, u32>; 3] = Default::default();
        let kind_slot = |k: DedupeKeyKind| match k {
            DedupeKeyKind::Email => 0,
            DedupeKeyKind::Phone => 1,
            DedupeKeyKind::NameCompany => 2,
        };
        let mut by_code = vec![0u32; Code::ALL.len()];
        let mut stats = BatchStats::default();
        for (row, values) in rows {
            let mut r = self.validate_row_with(*row, values.as_ref(), &orders);
            if !ambiguous.is_empty() {
                for issue in r
                    .issues
                    .iter_mut()
                    .filter(|i| i.code == Code::CellDateAmbiguous)
                {
                    if let Some(text) = issue.field.as_deref().and_then(|f| ambiguous.get(f)) {
                        issue.message.push(' ');
                        issue.message.push_str(text);
                    }
                }
            }
            if r.status != RowStatus::Empty {
                let mut dup: Option<(DedupeKeyKind, &str, u32)> = None;
                for (kind, key) in &r.keys {
                    let seen = &mut first_seen[kind_slot(*kind)];
                    match seen.get(key.as_str()) {
                        Some(&first) => {
                            if dup.is_none() {
                                dup = Some((*kind, key.as_str(), first));
                            }
                        }
                        None => {
                            seen.insert(key.clone(), *row);
                        }
                    }
                }
                if let Some((kind, key, first)) = dup {
                    let field = match kind {
                        DedupeKeyKind::Email => self.email_field.map(|i| self.specs[i].key.clone()),
                        DedupeKeyKind::Phone => self.phone_field.map(|i| self.specs[i].key.clone()),
                        DedupeKeyKind::NameCompany => Some("last_name".to_owned()),
                    };
                    let mut issue = Issue::new(
                        Code::RowDuplicateInFile,
                        *row,
                        format!(
                            "Same {} as row {first} ({key}); the first row wins.",
                            kind.as_str().replace('_', " + ")
                        ),
                    )
                    .with_value(key)
                    .with_hint("Remove this row or change its key if it is a different lead.");
                    issue.field = field;
                    r.issues.push(issue);
                    r.duplicate_of = Some(first);
                    if r.status == RowStatus::Valid {
                        r.status = RowStatus::Warning;
                    }
                    stats.duplicates_in_file += 1;
                }
            }
            stats.rows += 1;
            match r.status {
                RowStatus::Valid => stats.valid += 1,
                RowStatus::Warning => stats.warning += 1,
                RowStatus::Error => stats.error += 1,
                RowStatus::Empty => stats.empty += 1,
            }
            for i in &r.issues {
                by_code[i.code as usize] += 1;
            }
            out.push(r);
        }
        for (code, &count) in Code::ALL.iter().zip(&by_code) {
            if count > 0 {
                stats.issues_by_code.insert(code.as_str().to_owned(), count);
            }
        }
        BatchOutcome {
            rows: out,
            columns,
            stats,
        }
    }
}

fn push_capped(v: &mut Vec<u32>, row: u32) {
    if v.len() < 10 {
        v.push(row);
    }
}

fn status_of(issues: &[Issue]) -> RowStatus {
    match issues.iter().map(|i| i.level).max() {
        Some(Level::Error) => RowStatus::Error,
        Some(Level::Warning) => RowStatus::Warning,
        _ => RowStatus::Valid,
    }
}

fn is_e164(s: &str) -> bool {
    let Some(d) = s.strip_prefix('+') else {
        return false;
    };
    (8..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit())
}

/// Applies a borrowing transform to a Cow without copying when nothing changes.
fn map_cow<'a>(value: Cow<'a, str>, f: impl for<'x> Fn(&'x str) -> Cow<'x, str>) -> Cow<'a, str> {
    match value {
        Cow::Borrowed(b) => f(b),
        Cow::Owned(o) => match f(&o) {
            Cow::Borrowed(b) if b.len() == o.len() => Cow::Owned(o),
            other => Cow::Owned(other.into_owned()),
        },
    }
}

/// Keeps the borrowed original when a transform returned it unchanged.
fn reborrow<'a>(original: Cow<'a, str>, result: Cow<'_, str>) -> Cow<'a, str> {
    if result.as_ref() == original.as_ref() {
        original
    } else {
        Cow::Owned(result.into_owned())
    }
}

fn date_step(value: &str, order: DateOrder, label: &str) -> Result<String, Failure> {
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

fn country_failure(value: &str, label: &str) -> Failure {
    let mut fl = fail(
        Code::CellCountryUnknown,
        format!("{label}: “{value}” is not a country we know."),
    );
    fl.hint = Some("Use the country's name or its two-letter ISO code, e.g. DE.".into());
    fl
}

fn country_fix(value: &str) -> Option<SuggestedFix> {
    country::closest(value).map(|c| SuggestedFix {
        label: format!("Use {} ({c})", country::name_of(c).unwrap_or(c)),
        value: Some(c.to_owned()),
    })
}

fn number_failure(label: &str) -> Failure {
    let mut fl = fail(Code::CellNumberInvalid, format!("{label} is not a number."));
    fl.hint = Some("Use digits with one decimal separator, e.g. 1234.5 or 1.234,5.".into());
    fl
}

fn enum_failure(f: &CompiledField, value: &str) -> Failure {
    let label = f.spec.label.as_str();
    let mut fl = fail(
        Code::CellEnumUnknown,
        format!("{label}: “{value}” is not one of the allowed values."),
    );
    fl.hint = Some(format!("Allowed: {}.", f.canon.join(", ")));
    fl
}

fn enum_fix(f: &CompiledField, value: &str) -> Option<SuggestedFix> {
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
