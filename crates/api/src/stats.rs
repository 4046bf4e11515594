//! The counts of an import's rows, kept up to date through every edit.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{DateColumn, RowStatus};

/// Whether a row's counts go in or out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delta {
    Add,
    Remove,
}

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
    /// Counts a row of `status` with issues of these codes in (`+1`) or, for a row that is
    /// revalidated, its old counts out (`-1`). `total_rows` is the caller's: a row
    /// revalidated is not a new row. An empty row counts with the valid ones, as staged.
    pub fn count_row<'a>(
        &mut self,
        status: RowStatus,
        codes: impl IntoIterator<Item = &'a str>,
        delta: Delta,
    ) {
        let apply = |n: &mut u64| match delta {
            Delta::Add => *n += 1,
            Delta::Remove => *n = n.saturating_sub(1),
        };
        match status {
            RowStatus::Error => apply(&mut self.error_rows),
            RowStatus::Warning => apply(&mut self.warning_rows),
            RowStatus::Valid | RowStatus::Empty => apply(&mut self.valid_rows),
        }
        for code in codes {
            let entry = self.by_code.entry(code.to_owned()).or_default();
            apply(entry);
            if *entry == 0 {
                self.by_code.remove(code);
            }
        }
        let count = |code: &str| self.by_code.get(code).copied().unwrap_or(0);
        self.duplicate_in_file = count("row.duplicate_in_file");
        self.duplicate_in_db = count("row.duplicate_in_db");
        self.empty_rows = count("row.empty");
    }

    /// The most frequent issue codes, most frequent first (ties by code).
    pub fn top_codes(&self, n: usize) -> Vec<(String, u64)> {
        let mut codes: Vec<(String, u64)> =
            self.by_code.iter().map(|(c, n)| (c.clone(), *n)).collect();
        codes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        codes.truncate(n);
        codes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_counted_in_and_out_leaves_the_counts_as_they_were() {
        let mut stats = Stats::default();
        stats.count_row(RowStatus::Error, ["cell.email_invalid"], Delta::Add);
        stats.count_row(RowStatus::Warning, ["row.duplicate_in_file"], Delta::Add);
        assert_eq!(
            (
                stats.error_rows,
                stats.warning_rows,
                stats.duplicate_in_file
            ),
            (1, 1, 1)
        );
        stats.count_row(RowStatus::Warning, ["row.duplicate_in_file"], Delta::Remove);
        stats.count_row(RowStatus::Valid, [], Delta::Add);
        assert_eq!(
            (
                stats.warning_rows,
                stats.valid_rows,
                stats.duplicate_in_file
            ),
            (0, 1, 0)
        );
        assert!(
            !stats.by_code.contains_key("row.duplicate_in_file"),
            "a code at 0 is gone"
        );
        assert_eq!(stats.by_code["cell.email_invalid"], 1);
    }
}
