//! Runs a table of cases (JSON) through the public API and returns the results as JSON, so
//! the native build and the wasm32 build can be compared byte for byte on the same table
//! (`tests/agreement_cases.json`, run by `wasm-test.sh`).

use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::config::{Constraints, FieldSpec, FieldType, ImportConfig, Transformer};
use crate::dates::{self, DateOrder};
use crate::engine::Validator;
use crate::headers::{header_fingerprint, suggest_mapping};
use crate::phone;

#[derive(Deserialize)]
struct Cases {
    #[serde(default)]
    default_region: Option<String>,
    #[serde(default)]
    rows: Vec<RowCase>,
    #[serde(default)]
    headers: Vec<Vec<String>>,
    #[serde(default)]
    phones: Vec<PhoneCase>,
    #[serde(default)]
    dates: Vec<String>,
}

#[derive(Deserialize)]
struct RowCase {
    name: String,
    values: Map<String, Value>,
}

#[derive(Deserialize)]
struct PhoneCase {
    raw: String,
    #[serde(default)]
    region: Option<String>,
}

/// The default lead configuration plus custom date, number and URL fields, so every
/// transformer is exercised.
pub fn test_config(default_region: Option<&str>) -> ImportConfig {
    let mut c = ImportConfig::default_leads();
    c.phone.default_region = default_region.map(str::to_owned);
    c.fields.push(FieldSpec {
        transformers: vec![Transformer::Trim, Transformer::DateIso],
        ..FieldSpec::new("met_on", "Met on", FieldType::Date)
    });
    c.fields.push(FieldSpec {
        transformers: vec![Transformer::Trim, Transformer::NumberNormalize],
        constraints: Constraints {
            min_value: Some(0.0),
            max_value: Some(1_000_000.0),
            ..Constraints::default()
        },
        ..FieldSpec::new("employees", "Employees", FieldType::Number)
    });
    c.fields.push(FieldSpec {
        transformers: vec![Transformer::Trim, Transformer::UrlNormalize],
        ..FieldSpec::new("website", "Website", FieldType::Url)
    });
    c.fields.push(FieldSpec {
        transformers: vec![Transformer::Trim, Transformer::Uppercase],
        constraints: Constraints {
            pattern: Some("[A-Z]{2}-[0-9]{4}".into()),
            pattern_description: Some("two letters, a hyphen and four digits".into()),
            min_length: Some(7),
            ..Constraints::default()
        },
        ..FieldSpec::new("partner_ref", "Partner reference", FieldType::Text)
    });
    c
}

/// Evaluates the cases in `json`; returns pretty JSON (or an `{"error": …}` object).
pub fn run_cases(json: &str) -> String {
    let out = match run(json) {
        Ok(v) => v,
        Err(e) => json!({ "error": e }),
    };
    serde_json::to_string_pretty(&out).unwrap_or_default()
}

fn run(json: &str) -> Result<Value, String> {
    let cases: Cases = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let config = test_config(cases.default_region.as_deref());
    let v = Validator::new(&config).map_err(|e| e.to_string())?;
    let owned: Vec<Vec<Option<String>>> = cases
        .rows
        .iter()
        .map(|c| {
            v.fields()
                .iter()
                .map(|f| {
                    c.values
                        .get(&f.key)
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                })
                .collect()
        })
        .collect();
    let rows: Vec<(u32, Vec<Option<&str>>)> = owned
        .iter()
        .enumerate()
        .map(|(i, r)| ((i + 2) as u32, r.iter().map(|c| c.as_deref()).collect()))
        .collect();
    let singles: Vec<Value> = cases
        .rows
        .iter()
        .zip(&rows)
        .map(|(c, (n, r))| json!({ "name": c.name, "outcome": v.validate_row(*n, r) }))
        .collect();
    let batch = v.validate_batch(&rows);
    let headers: Vec<Value> = cases
        .headers
        .iter()
        .map(|h| json!({ "fingerprint": header_fingerprint(h), "suggestions": suggest_mapping(h, &config) }))
        .collect();
    let phones: Vec<Value> = cases
        .phones
        .iter()
        .map(|p| {
            let r = phone::parse(&p.raw, p.region.as_deref().and_then(phone::region));
            json!({ "raw": p.raw, "region": p.region, "e164": r.as_ref().ok().map(|x| &x.e164),
                    "number_region": r.as_ref().ok().and_then(|x| x.region.clone()), "error": r.err().map(|e| format!("{e:?}")) })
        })
        .collect();
    let dates: Vec<Value> = cases
        .dates
        .iter()
        .map(|d| {
            let show = |o| match dates::parse(d, o) {
                dates::Parsed::Date(x) => x.iso(),
                dates::Parsed::Ambiguous { day_first, month_first } => format!("{}|{}", day_first.iso(), month_first.iso()),
                dates::Parsed::Invalid => "invalid".into(),
            };
            json!({ "raw": d, "auto": show(DateOrder::Auto), "day_first": show(DateOrder::DayFirst), "month_first": show(DateOrder::MonthFirst) })
        })
        .collect();
    Ok(json!({
        "rows": singles,
        "batch": batch,
        "headers": headers,
        "phones": phones,
        "dates": dates,
        "schema_len": crate::config::json_schema().to_string().len(),
    }))
}
