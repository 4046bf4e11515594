//! Validating one row and shaping the result for staging: the same steps for a fresh dry
//! run and for a row revalidated after an edit, so both give identical results.

use std::borrow::Cow;
use std::collections::HashMap;

use rules::config::{DedupeKeyKind, FieldSpec};
use rules::{Code, Issue, RowStatus, Validator};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::ImportError;

/// A validated row ready to be written.
#[derive(Debug)]
pub(crate) struct Evaluated {
    pub normalized_json: String,
    pub issues: Vec<serde_json::Value>,
    pub keys: Vec<(DedupeKeyKind, String)>,
}

/// Validates `values` (in the validator's field order). `carried` are issues that come
/// from reading the file (ragged rows, formula cells) and stay with the row.
pub(crate) fn evaluate(
    validator: &Validator,
    row: u32,
    values: &[Option<&str>],
    carried: Vec<serde_json::Value>,
) -> Result<Evaluated, ImportError> {
    let outcome = validator.validate_row(row, values);
    let empty = outcome.status == RowStatus::Empty;
    let mut issues = Vec::with_capacity(outcome.issues.len() + carried.len() + 1);
    for issue in &outcome.issues {
        issues.push(serde_json::to_value(issue).map_err(ImportError::internal)?);
    }
    if empty {
        let note = Issue::new(Code::RowEmpty, row, "None of the mapped cells has a value.").with_hint(
            "Map the columns that hold the lead's data, or leave the row out: it will not be imported.",
        );
        issues.push(serde_json::to_value(note).map_err(ImportError::internal)?);
    }
    issues.extend(carried);
    let normalized_json = serde_json::to_string(&NormalizedMap {
        fields: validator.fields(),
        values: &outcome.normalized,
    })
    .map_err(ImportError::internal)?;
    Ok(Evaluated {
        normalized_json,
        issues,
        keys: outcome.keys,
    })
}

/// The row status its issues imply: any error → `error`, any warning → `warning`.
pub(crate) fn status_of(issues: &[serde_json::Value]) -> RowStatus {
    let mut status = RowStatus::Valid;
    for i in issues {
        match i["level"].as_str() {
            Some("error") => return RowStatus::Error,
            Some("warning") => status = RowStatus::Warning,
            _ => {}
        }
    }
    status
}

/// The distinct issue codes, for the `codes` filter column.
pub(crate) fn codes_of(issues: &[serde_json::Value]) -> Vec<String> {
    let mut codes: Vec<String> = issues
        .iter()
        .filter_map(|i| i["code"].as_str().map(str::to_owned))
        .collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// A key as stored in `import_rows.keys`: `kind:key`.
pub(crate) fn key_string(kind: DedupeKeyKind, key: &str) -> String {
    format!("{}:{key}", kind.as_str())
}

/// The lead field a duplicate key is about.
pub(crate) fn key_field(kind: DedupeKeyKind) -> &'static str {
    match kind {
        DedupeKeyKind::Email => "email",
        DedupeKeyKind::Phone => "phone",
        DedupeKeyKind::NameCompany => "company",
    }
}

/// Tracks the first row of every key across a file; later rows are its duplicates.
#[derive(Debug, Default)]
pub(crate) struct FirstSeen {
    first: HashMap<(DedupeKeyKind, String), u32>,
}

impl FirstSeen {
    /// Records the row's keys; returns the duplicate issue if an earlier row had one.
    pub fn check(
        &mut self,
        row: u32,
        keys: &[(DedupeKeyKind, String)],
    ) -> Option<serde_json::Value> {
        let mut found = None;
        for (kind, key) in keys {
            match self.first.get(&(*kind, key.clone())) {
                Some(&first) if found.is_none() => {
                    found = Some(duplicate_issue(row, first, *kind, key))
                }
                Some(_) => {}
                None => {
                    self.first.insert((*kind, key.clone()), row);
                }
            }
        }
        found
    }
}

/// The `row.duplicate_in_file` issue pointing at the first occurrence.
pub(crate) fn duplicate_issue(
    row: u32,
    first: u32,
    kind: DedupeKeyKind,
    key: &str,
) -> serde_json::Value {
    let issue = Issue::new(
        Code::RowDuplicateInFile,
        row,
        format!("Same {} as row {first} ({key}).", kind.as_str()),
    )
    .with_field(key_field(kind))
    .with_value(key)
    .with_hint(format!(
        "Row {first} is imported; this one is treated as its duplicate. Edit or exclude one of them."
    ));
    serde_json::to_value(issue).unwrap_or_default()
}

/// Serialises normalised values as `{field: value}` without building a map per row.
struct NormalizedMap<'a, 'b> {
    fields: &'a [FieldSpec],
    values: &'a [Option<Cow<'b, str>>],
}

impl Serialize for NormalizedMap<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let present = self.values.iter().filter(|v| v.is_some()).count();
        let mut map = serializer.serialize_map(Some(present))?;
        for (field, value) in self.fields.iter().zip(self.values) {
            if let Some(v) = value {
                map.serialize_entry(&field.key, v.as_ref())?;
            }
        }
        map.end()
    }
}

/// Whether an issue was found while reading the file (it has a source column) rather than
/// by validation; such issues are carried over when a row is revalidated.
pub(crate) fn is_intake_issue(issue: &serde_json::Value) -> bool {
    issue.get("column").is_some()
}
