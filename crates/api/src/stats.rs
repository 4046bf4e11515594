//! The counts of an import's rows, kept up to date through every edit.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::DateColumn;

/// Counts of a dry run, revised by every edit.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
pub struct Stats {
    pub total_rows: u64,
    pub valid_rows: u64,
    pub error_rows: u64,
    pub warning_rows: u64,
    pub duplicate_in_file: u64,
    pub duplicate_in_db: u64,
    /// Rows whose mapped cells are all empty (staged, never imported).
    pub empty_rows: u64,
    /// Rows the user excluded from the import.
    #[serde(default)]
    pub excluded_rows: u64,
    /// Every issue counted by code.
    pub by_code: BTreeMap<String, u64>,
    /// What the date columns' values say about day/month order (decided once per import).
    #[serde(default)]
    pub date_columns: Vec<DateColumn>,
}

impl Stats {
    /// The most frequent issue codes, most frequent first (ties by code).
    pub fn top_codes(&self, n: usize) -> Vec<(String, u64)> {
        let mut codes: Vec<(String, u64)> =
            self.by_code.iter().map(|(c, n)| (c.clone(), *n)).collect();
        codes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        codes.truncate(n);
        codes
    }
}
