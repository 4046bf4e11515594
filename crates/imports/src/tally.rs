//! Running totals of a pass over all rows of an import (the dry run, a re-mapping, a bulk
//! action): counts by status and code, the first issues of each level, each row's status
//! and duplicate keys, and the database duplicate check that ends every such pass.

use std::collections::{HashMap, HashSet};

use rules::config::DedupeKeyKind;
use rules::Issue;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::evaluate::key_field;
use crate::model::Stats;
use crate::ImportError;

/// Row-level issues of each level kept for the inline answer.
pub(crate) const INLINE_ISSUES: usize = 1_000;

const STATUS_VALID: u8 = 0;
const STATUS_WARNING: u8 = 1;
const STATUS_ERROR: u8 = 2;

/// Totals of one pass. Rows must be recorded in `seq` order starting at 1.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub stats: Stats,
    pub errors: Vec<serde_json::Value>,
    pub warnings: Vec<serde_json::Value>,
    statuses: Vec<u8>,
    row_numbers: Vec<u32>,
    email_keys: Vec<(String, i32)>,
    phone_keys: Vec<(String, i32)>,
}

impl Tally {
    /// Counts one row.
    pub fn record(
        &mut self,
        row: u32,
        issues: &[serde_json::Value],
        status: &str,
        keys: &[(DedupeKeyKind, String)],
    ) {
        let seq = i32::try_from(self.statuses.len() + 1).unwrap_or(i32::MAX);
        let stats = &mut self.stats;
        stats.total_rows += 1;
        let code = match status {
            "error" => {
                stats.error_rows += 1;
                STATUS_ERROR
            }
            "warning" => {
                stats.warning_rows += 1;
                STATUS_WARNING
            }
            _ => {
                stats.valid_rows += 1;
                STATUS_VALID
            }
        };
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
        stats.empty_rows = count(stats, "row.empty");
        self.statuses.push(code);
        self.row_numbers.push(row);
        for (kind, key) in keys {
            match kind {
                DedupeKeyKind::Email => self.email_keys.push((key.clone(), seq)),
                DedupeKeyKind::Phone => self.phone_keys.push((key.clone(), seq)),
                DedupeKeyKind::NameCompany => {}
            }
        }
    }

    /// Looks up the pass's email and phone keys among existing leads (one query per key
    /// kind, never one per row) and marks the matching rows `row.duplicate_in_db`.
    pub async fn mark_database_duplicates(
        &mut self,
        conn: &mut PgConnection,
        company_id: Uuid,
        import_id: Uuid,
    ) -> Result<(), ImportError> {
        let mut hits: Vec<(i32, Issue)> = Vec::new();
        let mut matched: HashSet<i32> = HashSet::new();
        for (kind, keys) in [
            (DedupeKeyKind::Email, std::mem::take(&mut self.email_keys)),
            (DedupeKeyKind::Phone, std::mem::take(&mut self.phone_keys)),
        ] {
            if keys.is_empty() {
                continue;
            }
            let mut distinct: Vec<String> = keys.iter().map(|(k, _)| k.clone()).collect();
            distinct.sort_unstable();
            distinct.dedup();
            let existing: HashMap<String, Uuid> =
                existing_leads(conn, company_id, kind, &distinct).await?;
            for (key, seq) in keys {
                if let Some(lead) = existing.get(&key) {
                    if matched.insert(seq) {
                        let row = self.row_numbers.get(index(seq)).copied().unwrap_or(0);
                        hits.push((
                            seq,
                            Issue::duplicate_in_db(
                                row,
                                key_field(kind),
                                &key,
                                &format!("lead {lead}"),
                            ),
                        ));
                    }
                }
            }
        }
        if hits.is_empty() {
            return Ok(());
        }
        let seqs: Vec<i32> = hits.iter().map(|(s, _)| *s).collect();
        let issues: Vec<serde_json::Value> = hits
            .iter()
            .map(|(_, i)| serde_json::to_value(i).unwrap_or_default())
            .collect();
        store::imports::append_row_issue(&mut *conn, company_id, import_id, &seqs, &issues).await?;
        for ((seq, _), issue) in hits.iter().zip(issues) {
            let stats = &mut self.stats;
            stats.duplicate_in_db += 1;
            *stats
                .by_code
                .entry("row.duplicate_in_db".to_owned())
                .or_default() += 1;
            if let Some(status) = self.statuses.get_mut(index(*seq)) {
                if *status == STATUS_VALID {
                    *status = STATUS_WARNING;
                    stats.valid_rows -= 1;
                    stats.warning_rows += 1;
                }
            }
            if self.warnings.len() < INLINE_ISSUES {
                self.warnings.push(issue);
            }
        }
        Ok(())
    }
}

fn index(seq: i32) -> usize {
    usize::try_from(seq).unwrap_or(1).saturating_sub(1)
}

fn count(stats: &Stats, code: &str) -> u64 {
    stats.by_code.get(code).copied().unwrap_or(0)
}

/// Existing leads with one of `keys` of the given kind.
pub(crate) async fn existing_leads(
    conn: &mut PgConnection,
    company_id: Uuid,
    kind: DedupeKeyKind,
    keys: &[String],
) -> Result<HashMap<String, Uuid>, ImportError> {
    let found = match kind {
        DedupeKeyKind::Email => {
            store::imports::existing_emails(&mut *conn, company_id, keys).await?
        }
        DedupeKeyKind::Phone => {
            store::imports::existing_phones(&mut *conn, company_id, keys).await?
        }
        DedupeKeyKind::NameCompany => Vec::new(),
    };
    Ok(found.into_iter().collect())
}
