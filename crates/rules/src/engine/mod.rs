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

mod batch;
mod compile;
mod cross;
mod steps;

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
