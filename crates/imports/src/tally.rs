//! Running totals of a pass over all rows of an import (the dry run, a re-mapping, a bulk
//! action): counts by status and code and the first issues of each level.

use api::Stats;

/// Row-level issues of each level kept for the inline answer.
pub(crate) const INLINE_ISSUES: usize = 1_000;

/// Totals of one pass.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub stats: Stats,
    pub errors: Vec<serde_json::Value>,
    pub warnings: Vec<serde_json::Value>,
}

impl Tally {
    /// Counts one row.
    pub fn record(&mut self, issues: &[serde_json::Value], status: &str) {
        let stats = &mut self.stats;
        stats.total_rows += 1;
        match status {
            "error" => stats.error_rows += 1,
            "warning" => stats.warning_rows += 1,
            _ => stats.valid_rows += 1,
        }
        for value in issues {
            let code = value["code"].as_str().unwrap_or_default();
            *stats.by_code.entry(code.to_owned()).or_default() += 1;
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
        stats.duplicate_in_file = count(stats, "row.duplicate_in_file");
        stats.duplicate_in_db = count(stats, "row.duplicate_in_db");
        stats.empty_rows = count(stats, "row.empty");
    }
}

fn count(stats: &Stats, code: &str) -> u64 {
    stats.by_code.get(code).copied().unwrap_or(0)
}
