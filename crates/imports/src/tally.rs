//! Running totals of a pass over all rows of an import (the dry run, a re-mapping, a bulk
//! action): counts by status and code and the first issues of each level.

use api::{Delta, RowStatus, Stats};

use crate::telemetry::IssueTally;

/// Row-level issues of each level kept for the inline answer.
pub(crate) const INLINE_ISSUES: usize = 1_000;

/// Totals of one pass.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub stats: Stats,
    pub errors: Vec<serde_json::Value>,
    pub warnings: Vec<serde_json::Value>,
    /// Every issue by code, level and field, for the telemetry.
    pub issues: IssueTally,
    /// Time spent decoding rows and running the rules, for the telemetry's phases.
    pub read_time: std::time::Duration,
    pub validate_time: std::time::Duration,
}

impl Tally {
    /// Counts one row.
    pub fn record(&mut self, issues: &[serde_json::Value], status: RowStatus) {
        self.stats.total_rows += 1;
        self.stats.count_row(status, codes(issues), Delta::Add);
        for value in issues {
            self.issues.add(value);
            match value["level"].as_str() {
                Some("error") if self.errors.len() < INLINE_ISSUES => {
                    self.errors.push(value.clone())
                }
                Some("warning") if self.warnings.len() < INLINE_ISSUES => {
                    self.warnings.push(value.clone())
                }
                _ => {}
            }
        }
    }
}

/// The codes of stored issues.
pub(crate) fn codes(issues: &[serde_json::Value]) -> impl Iterator<Item = &str> {
    issues.iter().filter_map(|i| i["code"].as_str())
}
