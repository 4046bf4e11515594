//! The import configuration a company's admins edit without a deploy: fields, transformers,
//! constraints, cross-field rules and duplicate handling; its validation with precise
//! messages; and its JSON Schema.

use std::collections::{HashMap, HashSet};
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::dates::DateOrder;
use crate::text;

/// The JSON format version this crate reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// The lead columns every configuration may use without `custom: true`.
pub const BUILTIN_FIELDS: &[&str] = &[
    "first_name",
    "last_name",
    "email",
    "phone",
    "company",
    "title",
    "status",
    "source",
    "country",
    "notes",
];

/// What a value must look like once transformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Email,
    Phone,
    Enum,
    Date,
    Number,
    Url,
    Country,
}

/// How serious a missing value (or a failed check) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    Error,
    Warning,
    #[default]
    Off,
}

impl Requirement {
    pub fn level(self) -> Option<crate::codes::Level> {
        match self {
            Requirement::Error => Some(crate::codes::Level::Error),
            Requirement::Warning => Some(crate::codes::Level::Warning),
            Requirement::Off => None,
        }
    }
}

fn default_on_invalid() -> Requirement {
    Requirement::Error
}

/// One step of a field's pipeline, applied in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Transformer {
    /// Remove whitespace (also no-break and zero-width) at both ends.
    Trim,
    /// One space for every run of whitespace; invisible characters removed.
    CollapseWhitespace,
    Lowercase,
    Uppercase,
    /// "JANE DOE" → "Jane Doe"; mixed case is left alone.
    TitleCase,
    /// Unwrap and lower-case an address; fails with `cell.email_invalid`.
    EmailNormalize,
    /// Parse with the row's country or the default region, write E.164; fails with `cell.phone_invalid`.
    PhoneE164,
    /// Read the date, write yyyy-mm-dd; fails with `cell.date_invalid` or `cell.date_ambiguous`.
    DateIso,
    /// Country name or code → ISO 3166-1 alpha-2; fails with `cell.country_unknown`.
    CountryIso2,
    /// Alias → canonical allowed value; fails with `cell.enum_unknown` (or uses `enum_fallback`).
    EnumCanonical,
    /// Add https://, lower-case scheme and host; fails with `cell.url_invalid`.
    UrlNormalize,
    /// "1.234,50" → "1234.5"; fails with `cell.number_invalid`.
    NumberNormalize,
}

impl Transformer {
    /// The field type a transformer establishes, so the type check need not run twice.
    pub fn establishes(self) -> Option<FieldType> {
        match self {
            Transformer::EmailNormalize => Some(FieldType::Email),
            Transformer::PhoneE164 => Some(FieldType::Phone),
            Transformer::DateIso => Some(FieldType::Date),
            Transformer::CountryIso2 => Some(FieldType::Country),
            Transformer::EnumCanonical => Some(FieldType::Enum),
            Transformer::UrlNormalize => Some(FieldType::Url),
            Transformer::NumberNormalize => Some(FieldType::Number),
            _ => None,
        }
    }
}

/// An allowed value and the other spellings that mean it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AllowedValue {
    /// The canonical value stored in the lead.
    pub value: String,
    /// Other spellings, matched ignoring case, accents and punctuation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

impl AllowedValue {
    pub fn new(value: &str, aliases: &[&str]) -> Self {
        AllowedValue {
            value: value.to_owned(),
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
        }
    }
}

/// Checks on the transformed value.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Constraints {
    /// A regular expression (Rust `regex` syntax) the whole value must match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Human wording of the pattern for messages, e.g. "5 digits".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern_description: Option<String>,
    /// Length in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// Range for number fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_value: Option<f64>,
    /// Allowed values with aliases; empty means any value.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed: Vec<AllowedValue>,
    /// Canonical value used (with a warning) when a value matches no alias.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enum_fallback: Option<String>,
}

/// One column of a lead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FieldSpec {
    /// Stable key: lower-case letters, digits and underscores, starting with a letter.
    pub key: String,
    /// What the UI shows.
    pub label: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// Level of `cell.required` when the value is missing; `off` = optional.
    #[serde(default)]
    pub requirement: Requirement,
    /// Level of issues for a present but invalid value; `off` keeps it silently as typed.
    #[serde(default = "default_on_invalid")]
    pub on_invalid: Requirement,
    #[serde(default)]
    pub transformers: Vec<Transformer>,
    #[serde(default)]
    pub constraints: Constraints,
    /// Value used when the cell is empty (reported as `cell.normalized`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Kept as is when a duplicate lead is updated.
    #[serde(default)]
    pub locked: bool,
    /// Not a built-in lead column; stored in the lead's `custom` JSON.
    #[serde(default)]
    pub custom: bool,
    /// Extra header spellings that should map to this field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub synonyms: Vec<String>,
}

impl FieldSpec {
    /// Whether `text` is one of the allowed values or their aliases (compared ignoring
    /// case, accents and punctuation), or any text when the field lists none.
    pub fn names_allowed_value(&self, text: &str) -> bool {
        let key = text::fold_compact(text);
        let allowed = &self.constraints.allowed;
        allowed.is_empty()
            || allowed.iter().any(|a| {
                std::iter::once(&a.value)
                    .chain(&a.aliases)
                    .any(|s| text::fold_compact(s) == key)
            })
    }

    pub fn new(key: &str, label: &str, field_type: FieldType) -> Self {
        FieldSpec {
            key: key.to_owned(),
            label: label.to_owned(),
            field_type,
            requirement: Requirement::Off,
            on_invalid: Requirement::Error,
            transformers: vec![Transformer::Trim, Transformer::CollapseWhitespace],
            constraints: Constraints::default(),
            default: None,
            locked: false,
            custom: !BUILTIN_FIELDS.contains(&key),
            synonyms: Vec::new(),
        }
    }
}

/// A rule over several fields of one row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum CrossFieldRule {
    /// At least one of the fields has a value.
    AtLeastOneOf {
        fields: Vec<String>,
        #[serde(default = "default_on_invalid")]
        level: Requirement,
    },
    /// When `field` equals `equals` (compared like aliases), `then` must have a value.
    RequiredIf {
        field: String,
        equals: String,
        then: String,
        #[serde(default = "default_on_invalid")]
        level: Requirement,
    },
    /// The phone number's country agrees with the row's country.
    PhoneMatchesCountry {
        phone: String,
        country: String,
        #[serde(default = "default_warning")]
        level: Requirement,
    },
}

fn default_warning() -> Requirement {
    Requirement::Warning
}

/// What a duplicate key is made of.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DedupeKeyKind {
    /// The normalised e-mail (the first email-type field), folded as configured.
    Email,
    /// The E.164 phone (the first phone-type field).
    Phone,
    /// first_name + last_name + company, folded.
    NameCompany,
}

impl DedupeKeyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DedupeKeyKind::Email => "email",
            DedupeKeyKind::Phone => "phone",
            DedupeKeyKind::NameCompany => "name_company",
        }
    }
}

/// What applying does with a row whose key matches an existing lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DuplicatePolicy {
    /// Leave the existing lead alone; the row is not imported.
    #[default]
    Skip,
    /// Overwrite the existing lead's unlocked fields.
    Update,
    /// Update if it exists, create it otherwise.
    Upsert,
}

impl DuplicatePolicy {
    /// The API name (`skip`, `update`, `upsert`), as in the configuration's JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            DuplicatePolicy::Skip => "skip",
            DuplicatePolicy::Update => "update",
            DuplicatePolicy::Upsert => "upsert",
        }
    }
}

impl std::str::FromStr for DuplicatePolicy {
    type Err = UnknownPolicy;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "skip" => Ok(DuplicatePolicy::Skip),
            "update" => Ok(DuplicatePolicy::Update),
            "upsert" => Ok(DuplicatePolicy::Upsert),
            other => Err(UnknownPolicy(other.to_owned())),
        }
    }
}

/// A duplicate policy name that is not `skip`, `update` or `upsert`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPolicy(pub String);

/// Duplicate detection settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DuplicateSettings {
    /// Keys in priority order; any one matching makes a duplicate.
    pub keys: Vec<DedupeKeyKind>,
    #[serde(default)]
    pub policy: DuplicatePolicy,
    /// jane+news@x.com ≡ jane@x.com for duplicate detection (the stored address is kept).
    #[serde(default)]
    pub fold_plus_addressing: bool,
    /// j.ane@gmail.com ≡ jane@gmail.com (Gmail ignores dots).
    #[serde(default)]
    pub fold_gmail_dots: bool,
}

impl Default for DuplicateSettings {
    fn default() -> Self {
        DuplicateSettings {
            keys: vec![DedupeKeyKind::Email, DedupeKeyKind::Phone],
            policy: DuplicatePolicy::Skip,
            fold_plus_addressing: false,
            fold_gmail_dots: false,
        }
    }
}

/// Phone parsing settings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct PhoneSettings {
    /// ISO 3166-1 alpha-2 region for numbers written without a country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_region: Option<String>,
    /// A country-type field whose value, when present, is the region for that row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_field: Option<String>,
}

/// A company's import configuration (stored as JSON, one active version per company).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ImportConfig {
    /// Format version of this JSON; currently 1.
    pub schema_version: u32,
    pub fields: Vec<FieldSpec>,
    #[serde(default)]
    pub rules: Vec<CrossFieldRule>,
    #[serde(default)]
    pub duplicates: DuplicateSettings,
    #[serde(default)]
    pub phone: PhoneSettings,
    /// Order for numeric dates that read both ways; `auto` decides per column from evidence.
    #[serde(default)]
    pub date_order: DateOrder,
    /// Cell texts that mean "no value" (compared ignoring case), e.g. "n/a", "-".
    #[serde(default = "default_empty_values")]
    pub empty_values: Vec<String>,
    /// Level of `cell.formula_like` (a value a spreadsheet would run as a formula):
    /// `warning` imports it with a note and a one-click fix, `error` keeps the row out until
    /// it is neutralised, `off` stores such values silently. Stored configurations from
    /// before this setting read as `warning`.
    #[serde(default = "default_warning")]
    pub formula_like: Requirement,
}

fn default_empty_values() -> Vec<String> {
    [
        "n/a",
        "na",
        "#n/a",
        "-",
        "--",
        "—",
        "null",
        "none",
        "nil",
        "?",
        "k.a.",
        "keine angabe",
        "unknown@unknown.com",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

/// One thing wrong with a configuration, located by a JSON pointer (RFC 6901) into the
/// configuration's JSON, so an editor can point at the offending input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ConfigProblem {
    /// Where, e.g. `/fields/3/constraints/pattern`; empty for the whole document.
    pub pointer: String,
    pub message: String,
}

impl ConfigProblem {
    /// A problem at a serde-style path (`fields[3].constraints.pattern`, or `$`/`.` for
    /// the root), written as a JSON pointer. Keys are `[a-z0-9_]`, so none needs escaping.
    pub fn at_path(path: &str, message: impl Into<String>) -> ConfigProblem {
        ConfigProblem {
            pointer: pointer_of(path),
            message: message.into(),
        }
    }
}

/// `fields[3].constraints.pattern` → `/fields/3/constraints/pattern`.
fn pointer_of(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 2);
    for part in path
        .split(['.', '[', ']'])
        .filter(|p| !p.is_empty() && *p != "$")
    {
        out.push('/');
        out.push_str(&part.replace('~', "~0").replace('/', "~1"));
    }
    out
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "{at}: {}", self.message)
    }
}

/// A configuration that cannot be used, with every problem found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid import configuration: {}", .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "))]
pub struct ConfigError(pub Vec<ConfigProblem>);

impl ImportConfig {
    /// Parses a stored configuration and validates it.
    pub fn from_json(json: &str) -> Result<ImportConfig, ConfigError> {
        let value: serde_json::Value = serde_json::from_str(json)
            .map_err(|e| ConfigError(vec![ConfigProblem::at_path("", e.to_string())]))?;
        ImportConfig::check_value(value).map_err(ConfigError)
    }

    /// Reads a configuration from JSON (an editor's draft, an API body) and validates it.
    /// A shape error is located too: its pointer names the member that did not fit.
    pub fn check_value(value: serde_json::Value) -> Result<ImportConfig, Vec<ConfigProblem>> {
        let cfg: ImportConfig = serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            vec![ConfigProblem::at_path(&path, e.into_inner().to_string())]
        })?;
        cfg.validate()?;
        Ok(cfg)
    }

    pub fn field(&self, key: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// Every problem with this configuration, or `Ok`.
    pub fn validate(&self) -> Result<(), Vec<ConfigProblem>> {
        let mut p = Problems::default();
        if self.schema_version != SCHEMA_VERSION {
            p.add(
                "schema_version",
                format!(
                    "version {} is not supported; this build reads version {SCHEMA_VERSION}",
                    self.schema_version
                ),
            );
        }
        if self.fields.is_empty() {
            p.add("fields", "there must be at least one field".into());
        }
        let mut keys = HashSet::new();
        for (i, f) in self.fields.iter().enumerate() {
            validate_field(&mut p, i, f);
            if !keys.insert(f.key.as_str()) {
                p.add(
                    &format!("fields[{i}].key"),
                    format!("the key `{}` is used by more than one field", f.key),
                );
            }
        }
        let by_key: HashMap<&str, &FieldSpec> =
            self.fields.iter().map(|f| (f.key.as_str(), f)).collect();
        for (i, r) in self.rules.iter().enumerate() {
            validate_rule(&mut p, i, r, &by_key);
        }
        let has_type = |t: FieldType| self.fields.iter().any(|f| f.field_type == t);
        let mut seen_keys = HashSet::new();
        for (i, k) in self.duplicates.keys.iter().enumerate() {
            let path = format!("duplicates.keys[{i}]");
            if !seen_keys.insert(*k) {
                p.add(&path, format!("`{}` is listed twice", k.as_str()));
            }
            match k {
                DedupeKeyKind::Email if !has_type(FieldType::Email) => {
                    p.add(&path, "the email key needs a field of type email".into())
                }
                DedupeKeyKind::Phone if !has_type(FieldType::Phone) => {
                    p.add(&path, "the phone key needs a field of type phone".into())
                }
                DedupeKeyKind::NameCompany => {
                    for need in ["first_name", "last_name", "company"] {
                        if !by_key.contains_key(need) {
                            p.add(
                                &path,
                                format!("the name_company key needs a field `{need}`"),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some(r) = &self.phone.default_region {
            if crate::phone::region(r).is_none() || r.len() != 2 || r.to_ascii_uppercase() != *r {
                p.add(
                    "phone.default_region",
                    format!(
                        "`{r}` is not an upper-case ISO 3166-1 alpha-2 region with phone numbers"
                    ),
                );
            }
        }
        if let Some(rf) = &self.phone.region_field {
            match by_key.get(rf.as_str()) {
                None => p.add("phone.region_field", format!("unknown field `{rf}`")),
                Some(f) if f.field_type != FieldType::Country => p.add(
                    "phone.region_field",
                    format!("`{rf}` must be a field of type country"),
                ),
                _ => {}
            }
        }
        p.finish()
    }

    /// The default configuration for leads: it accepts the usable messy data partner files
    /// are full of. Missing names are warnings; a lead needs an e-mail or a phone; status and
    /// source labels in en, de, fr, es, pt, it and nl map to canonical values
    /// (see `docs/error-codes.md` for the lists).
    pub fn default_leads() -> ImportConfig {
        use FieldType as T;
        use Transformer as X;
        let text_steps = vec![X::Trim, X::CollapseWhitespace];
        let name = |key: &str, label: &str| FieldSpec {
            requirement: Requirement::Warning,
            transformers: vec![X::Trim, X::CollapseWhitespace, X::TitleCase],
            constraints: Constraints {
                max_length: Some(100),
                ..Constraints::default()
            },
            ..FieldSpec::new(key, label, T::Text)
        };
        let fields = vec![
            name("first_name", "First name"),
            name("last_name", "Last name"),
            FieldSpec {
                transformers: vec![X::Trim, X::EmailNormalize],
                constraints: Constraints {
                    max_length: Some(254),
                    ..Constraints::default()
                },
                ..FieldSpec::new("email", "Email", T::Email)
            },
            FieldSpec {
                // Why a warning: a lead with a good e-mail and a broken phone is still worth
                // importing; the number is kept as typed and flagged.
                on_invalid: Requirement::Warning,
                transformers: vec![X::Trim, X::PhoneE164],
                ..FieldSpec::new("phone", "Phone", T::Phone)
            },
            FieldSpec {
                transformers: text_steps.clone(),
                constraints: Constraints {
                    max_length: Some(200),
                    ..Constraints::default()
                },
                ..FieldSpec::new("company", "Company", T::Text)
            },
            FieldSpec {
                transformers: text_steps.clone(),
                constraints: Constraints {
                    max_length: Some(200),
                    ..Constraints::default()
                },
                ..FieldSpec::new("title", "Job title", T::Text)
            },
            FieldSpec {
                transformers: vec![X::Trim, X::EnumCanonical],
                constraints: Constraints {
                    allowed: crate::vocab::statuses(),
                    ..Constraints::default()
                },
                default: Some("new".into()),
                ..FieldSpec::new("status", "Status", T::Enum)
            },
            FieldSpec {
                transformers: vec![X::Trim, X::EnumCanonical],
                constraints: Constraints {
                    allowed: crate::vocab::sources(),
                    enum_fallback: Some("other".into()),
                    ..Constraints::default()
                },
                ..FieldSpec::new("source", "Source", T::Enum)
            },
            FieldSpec {
                on_invalid: Requirement::Warning,
                transformers: vec![X::Trim, X::CountryIso2],
                ..FieldSpec::new("country", "Country", T::Country)
            },
            FieldSpec {
                transformers: vec![X::Trim],
                constraints: Constraints {
                    max_length: Some(10_000),
                    ..Constraints::default()
                },
                ..FieldSpec::new("notes", "Notes", T::Text)
            },
        ];
        ImportConfig {
            schema_version: SCHEMA_VERSION,
            fields,
            rules: vec![
                CrossFieldRule::AtLeastOneOf {
                    fields: vec!["email".into(), "phone".into()],
                    level: Requirement::Error,
                },
                CrossFieldRule::RequiredIf {
                    field: "status".into(),
                    equals: "qualified".into(),
                    then: "company".into(),
                    level: Requirement::Warning,
                },
                CrossFieldRule::PhoneMatchesCountry {
                    phone: "phone".into(),
                    country: "country".into(),
                    level: Requirement::Warning,
                },
            ],
            duplicates: DuplicateSettings::default(),
            phone: PhoneSettings {
                default_region: None,
                region_field: Some("country".into()),
            },
            date_order: DateOrder::Auto,
            empty_values: default_empty_values(),
            formula_like: Requirement::Warning,
        }
    }
}

#[derive(Default)]
struct Problems(Vec<ConfigProblem>);

impl Problems {
    fn add(&mut self, path: &str, message: String) {
        self.0.push(ConfigProblem::at_path(path, message));
    }
    fn finish(self) -> Result<(), Vec<ConfigProblem>> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.0)
        }
    }
}

fn valid_key(k: &str) -> bool {
    let mut chars = k.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && k.len() <= 64
}

fn validate_field(p: &mut Problems, i: usize, f: &FieldSpec) {
    let at = |s: &str| format!("fields[{i}].{s}");
    if !valid_key(&f.key) {
        p.add(
            &at("key"),
            format!(
                "`{}` must start with a-z and contain only a-z, 0-9 and _ (at most 64)",
                f.key
            ),
        );
    }
    if f.label.trim().is_empty() {
        p.add(&at("label"), "the label is empty".into());
    }
    let builtin = BUILTIN_FIELDS.contains(&f.key.as_str());
    if builtin && f.custom {
        p.add(
            &at("custom"),
            format!("`{}` is a built-in lead field and cannot be custom", f.key),
        );
    }
    if !builtin && !f.custom {
        p.add(&at("custom"), format!("`{}` is not a built-in lead field; set custom: true to store it in the lead's custom data", f.key));
    }
    let mut canonicalizer: Option<Transformer> = None;
    for (j, t) in f.transformers.iter().enumerate() {
        if let Some(ty) = t.establishes() {
            if ty != f.field_type {
                p.add(
                    &at(&format!("transformers[{j}]")),
                    format!(
                        "{t:?} produces a {ty:?} value but the field type is {:?}",
                        f.field_type
                    )
                    .to_lowercase(),
                );
            }
            if let Some(prev) = canonicalizer.replace(*t) {
                p.add(
                    &at(&format!("transformers[{j}]")),
                    format!("{prev:?} and {t:?} cannot both run on one field").to_lowercase(),
                );
            }
        }
    }
    let c = &f.constraints;
    if let Some(pat) = &c.pattern {
        if let Err(e) = regex::Regex::new(pat) {
            p.add(
                &at("constraints.pattern"),
                format!("not a valid regular expression: {e}"),
            );
        }
    }
    if let (Some(a), Some(b)) = (c.min_length, c.max_length) {
        if a > b {
            p.add(
                &at("constraints.min_length"),
                format!("min_length {a} is greater than max_length {b}"),
            );
        }
    }
    for (name, v) in [("min_value", c.min_value), ("max_value", c.max_value)] {
        if v.is_some_and(|v| !v.is_finite()) {
            p.add(
                &at(&format!("constraints.{name}")),
                "must be a finite number".into(),
            );
        }
    }
    if let (Some(a), Some(b)) = (c.min_value, c.max_value) {
        if a > b {
            p.add(
                &at("constraints.min_value"),
                format!("min_value {a} is greater than max_value {b}"),
            );
        }
    }
    if (c.min_value.is_some() || c.max_value.is_some()) && f.field_type != FieldType::Number {
        p.add(
            &at("constraints"),
            "min_value and max_value apply to number fields only".into(),
        );
    }
    let needs_allowed =
        f.field_type == FieldType::Enum || f.transformers.contains(&Transformer::EnumCanonical);
    if needs_allowed && c.allowed.is_empty() {
        p.add(
            &at("constraints.allowed"),
            "an enum field needs at least one allowed value".into(),
        );
    }
    let mut alias_owner: HashMap<String, &str> = HashMap::new();
    for (j, a) in c.allowed.iter().enumerate() {
        if a.value.trim().is_empty() {
            p.add(
                &at(&format!("constraints.allowed[{j}].value")),
                "an allowed value is empty".into(),
            );
        }
        for (k, s) in std::iter::once(&a.value)
            .chain(a.aliases.iter())
            .enumerate()
        {
            let key = text::fold_compact(s);
            if key.is_empty() {
                continue;
            }
            match alias_owner.get(&key) {
                Some(owner) if *owner != a.value => {
                    let path = if k == 0 {
                        format!("constraints.allowed[{j}].value")
                    } else {
                        format!("constraints.allowed[{j}].aliases[{}]", k - 1)
                    };
                    p.add(
                        &at(&path),
                        format!("`{s}` would match both `{owner}` and `{}`", a.value),
                    );
                }
                _ => {
                    alias_owner.insert(key, &a.value);
                }
            }
        }
    }
    let is_allowed = |v: &str| c.allowed.iter().any(|a| a.value == v);
    if let Some(fb) = &c.enum_fallback {
        if !is_allowed(fb) {
            p.add(
                &at("constraints.enum_fallback"),
                format!("`{fb}` is not one of the allowed values"),
            );
        }
    }
    if let Some(d) = &f.default {
        if !c.allowed.is_empty() && !is_allowed(d) {
            p.add(
                &at("default"),
                format!("`{d}` is not one of the allowed values"),
            );
        }
    }
}

fn validate_rule(
    p: &mut Problems,
    i: usize,
    r: &CrossFieldRule,
    by_key: &HashMap<&str, &FieldSpec>,
) {
    let at = |s: &str| format!("rules[{i}].{s}");
    let known = |p: &mut Problems, path: String, key: &str| -> Option<FieldType> {
        match by_key.get(key) {
            Some(f) => Some(f.field_type),
            None => {
                p.add(&path, format!("unknown field `{key}`"));
                None
            }
        }
    };
    match r {
        CrossFieldRule::AtLeastOneOf { fields, .. } => {
            for (j, f) in fields.iter().enumerate() {
                known(p, at(&format!("fields[{j}]")), f);
            }
            if fields.is_empty() {
                p.add(&at("fields"), "name at least one field".into());
            }
        }
        CrossFieldRule::RequiredIf {
            field,
            equals,
            then,
            ..
        } => {
            known(p, at("field"), field);
            known(p, at("then"), then);
            if let Some(f) = by_key.get(field.as_str()) {
                if !f.names_allowed_value(equals) {
                    p.add(
                        &at("equals"),
                        format!("`{equals}` is not one of the allowed values of `{field}`"),
                    );
                }
            }
        }
        CrossFieldRule::PhoneMatchesCountry { phone, country, .. } => {
            if let Some(t) = known(p, at("phone"), phone) {
                if t != FieldType::Phone {
                    p.add(
                        &at("phone"),
                        format!("`{phone}` must be a field of type phone"),
                    );
                }
            }
            if let Some(t) = known(p, at("country"), country) {
                if t != FieldType::Country {
                    p.add(
                        &at("country"),
                        format!("`{country}` must be a field of type country"),
                    );
                }
            }
        }
    }
}

/// The JSON Schema of [`ImportConfig`], for the admin screen and the API.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(ImportConfig);
    serde_json::to_value(schema).unwrap_or(serde_json::Value::Null)
}
