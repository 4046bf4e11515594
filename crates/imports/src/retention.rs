//! Retention: after the configured period an import's original file, error reports and
//! staged rows are deleted; its history entry (counts, mapping, configuration version,
//! result) and the before-images a revert needs stay.

use time::{Duration, OffsetDateTime};

use crate::reports::{self, ReportFormat};
use crate::{ImportError, ImportService};

/// Imports purged per call (the housekeeping loop calls again on its next tick).
const PURGE_BATCH: i64 = 100;

/// Deletes files and staged rows of imports older than `days`; returns how many imports
/// were purged.
pub async fn purge_expired(svc: &ImportService, days: u32) -> Result<usize, ImportError> {
    let before = OffsetDateTime::now_utc() - Duration::days(i64::from(days));
    let expired = store::imports::with_expired_data(&svc.pool, before, PURGE_BATCH).await?;
    for (company_id, import_id, key) in &expired {
        // The file first: a crash in between leaves rows to purge again, never a row
        // pointing at a file that is gone without being marked.
        svc.files.delete(key).await?;
        for format in ReportFormat::ALL {
            svc.files
                .delete(&reports::storage_key(*company_id, *import_id, format))
                .await?;
        }
        let mut tx = svc.pool.begin().await?;
        store::imports::forget_data(&mut tx, *company_id, *import_id).await?;
        store::apply::set_report_keys(&mut *tx, *company_id, *import_id, &serde_json::json!({}))
            .await?;
        tx.commit().await?;
        tracing::info!(import = %import_id, "retention: original file and staged rows deleted");
    }
    // Alerts are kept as long as imports' data, delivered or not.
    store::alerts::purge_before(&svc.pool, before).await?;
    Ok(expired.len())
}
