//! Times the CPU stages of a dry run on one file, without a database or HTTP, to tell which
//! stage bounds `POST /api/imports/leads/validate`:
//!
//! ```text
//! cargo run --release -p imports --example stage_bench -- FILE
//! ```
//!
//! 1. intake alone: sniff, decode and read every record;
//! 2. intake + mapping suggestion + validation with the default lead configuration +
//!    in-file duplicate keys + serialising each row to the JSON staged in `import_rows`
//!    (what the dry run's blocking producer does; the database writes are not included).
//!
//! Peak RSS (VmHWM) is printed after each stage; it is the process's peak so far.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use rules::config::{DedupeKeyKind, ImportConfig};
use rules::Validator;

fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
        / 1024
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = PathBuf::from(std::env::args().nth(1).ok_or("usage: stage_bench FILE")?);
    let size = std::fs::metadata(&path)?.len();

    // 1. Intake alone.
    let start = Instant::now();
    let mut intake = intake::open(&path, &intake::Options::default())?;
    let opened = start.elapsed();
    let mut n = 0u64;
    for record in &mut intake {
        let _ = record?;
        n += 1;
    }
    let intake_secs = start.elapsed().as_secs_f64();
    println!(
        "intake only:            {n} records, {:.1} MiB in {intake_secs:.2} s (open {:.0} ms) = {:.0} rows/s; peak RSS {} MiB",
        size as f64 / 1_048_576.0,
        opened.as_secs_f64() * 1000.0,
        n as f64 / intake_secs,
        peak_rss_mib()
    );

    // 2. Intake + mapping + validation + in-file keys + row JSON.
    let start = Instant::now();
    let mut intake = intake::open(&path, &intake::Options::default())?;
    let config = ImportConfig::default_leads();
    let headers = intake.info().headers.clone();
    let suggestions = rules::suggest_mapping(&headers, &config);
    let mut validator = Validator::new(&config).map_err(|e| format!("{e:?}"))?;
    let by_field: HashMap<String, usize> = suggestions
        .iter()
        .filter_map(|s| s.field.clone().map(|f| (f, s.index)))
        .collect();
    let columns: Vec<Option<usize>> = validator
        .fields()
        .iter()
        .map(|f| by_field.get(&f.key).copied())
        .collect();
    let mapped = columns.iter().filter(|c| c.is_some()).count();
    let values = |cells: &[String]| -> Vec<Option<String>> {
        columns
            .iter()
            .map(|c| c.and_then(|i| cells.get(i)).cloned())
            .collect()
    };
    // The dry run reads 5,000 rows ahead to settle date columns; do the same.
    let mut ahead = Vec::new();
    for record in intake.by_ref().take(5_000) {
        ahead.push(record?);
    }
    {
        let owned: Vec<(u32, Vec<Option<String>>)> =
            ahead.iter().map(|r| (r.row, values(&r.cells))).collect();
        let sample: Vec<(u32, Vec<Option<&str>>)> = owned
            .iter()
            .map(|(row, v)| (*row, v.iter().map(|s| s.as_deref()).collect()))
            .collect();
        let analysis = validator.analyze_columns(&sample);
        validator.apply_column_analysis(&analysis);
    }
    let mut first_seen: HashMap<(DedupeKeyKind, String), u32> = HashMap::new();
    let (mut rows, mut errors, mut warnings, mut dups, mut issues, mut json_bytes) =
        (0u64, 0u64, 0u64, 0u64, 0u64, 0u64);
    for record in ahead.into_iter().map(Ok).chain(&mut intake) {
        let record = record?;
        let vals: Vec<Option<&str>> = columns
            .iter()
            .map(|c| c.and_then(|i| record.cells.get(i)).map(String::as_str))
            .collect();
        let outcome = validator.validate_row(record.row, &vals);
        rows += 1;
        issues += outcome.issues.len() as u64;
        match outcome
            .issues
            .iter()
            .map(|i| i.level)
            .max_by_key(|l| match l {
                rules::Level::Error => 2,
                rules::Level::Warning => 1,
                rules::Level::Info => 0,
            }) {
            Some(rules::Level::Error) => errors += 1,
            Some(rules::Level::Warning) => warnings += 1,
            _ => {}
        }
        for (kind, key) in &outcome.keys {
            if first_seen.contains_key(&(*kind, key.clone())) {
                dups += 1;
                break;
            }
            first_seen.insert((*kind, key.clone()), record.row);
        }
        let original = serde_json::to_string(&record.cells)?;
        let issues_json = serde_json::to_string(&outcome.issues)?;
        let normalized: serde_json::Map<String, serde_json::Value> = validator
            .fields()
            .iter()
            .zip(&outcome.normalized)
            .filter_map(|(f, v)| {
                v.as_ref()
                    .map(|v| (f.key.clone(), serde_json::Value::from(v.as_ref())))
            })
            .collect();
        let normalized_json = serde_json::to_string(&normalized)?;
        json_bytes += (original.len() + issues_json.len() + normalized_json.len()) as u64;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "intake + validate + keys + JSON: {rows} rows ({mapped} of {} fields mapped) in {secs:.2} s = {:.0} rows/s; {errors} error rows, {warnings} warning rows, {dups} in-file duplicates, {issues} issues, {:.0} MiB of row JSON; peak RSS {} MiB",
        validator.fields().len(),
        rows as f64 / secs,
        json_bytes as f64 / 1_048_576.0,
        peak_rss_mib()
    );
    println!(
        "validation + keys + JSON alone ≈ {:.2} s ({:.0} µs/row)",
        secs - intake_secs,
        (secs - intake_secs) * 1e6 / rows.max(1) as f64
    );
    Ok(())
}
