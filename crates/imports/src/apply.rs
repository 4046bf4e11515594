//! Applying a staged import to `leads`: the request (checked and queued in one
//! transaction, so two requests at once cannot both start), and the job that does the work
//! in one database transaction with set-based statements, records a before-image of
//! everything it changes, reports progress, and leaves nothing half-written when it fails.

use std::time::{Duration, Instant};

use rules::config::{DedupeKeyKind, DuplicatePolicy};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use tracing::instrument::WithSubscriber;
use tracing::Instrument;
use uuid::Uuid;

use crate::telemetry::{Event, Outcome, Stage};
use crate::{ImportError, ImportService};
use api::{
    ApplyInfo, ApplyMode, ApplyRequest, ApplyResult, EarlierImport, ImportId, ImportStatus,
    ImportSummary, Progress, RevertResult,
};

/// Rows per statement pair (updates, inserts); progress is reported after each chunk.
const CHUNK_ROWS: i32 = 10_000;
/// How long a claimed job is ours without renewing the lease.
const LEASE_SECS: f64 = 30.0;
/// A job that crashed its worker this many times is given up on.
const MAX_ATTEMPTS: i32 = 3;
/// Upper bound for the apply transaction's statements (the pool's default is shorter).
const APPLY_STATEMENT_TIMEOUT: &str = "15min";

/// The answer to an apply request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ticket {
    /// Queued as this job; run it (or let a worker run it).
    Queued(Uuid),
    /// The import was applied before; its first result stands.
    AlreadyApplied,
}

/// What the apply job was asked to do: written by [`request`] into `jobs.payload`, read
/// back typed by the job, so the two cannot drift apart.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct ApplyPayload {
    mode: ApplyMode,
    duplicate_policy: DuplicatePolicy,
    fill_empty_only: bool,
}

/// What the store is told to write under a duplicate policy.
fn writes_for(policy: DuplicatePolicy) -> store::apply::Writes {
    store::apply::Writes {
        insert_new: matches!(policy, DuplicatePolicy::Skip | DuplicatePolicy::Upsert),
        update_existing: matches!(policy, DuplicatePolicy::Update | DuplicatePolicy::Upsert),
    }
}

/// How long the caller of [`start`] stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Until the job is queued; the apply goes on on its own task (the UI polls).
    Queued,
    /// Until the apply has finished or failed (`?wait=true`).
    Finished,
}

/// What [`start`] answers: the import as it is now and whether the apply is over.
#[derive(Debug)]
pub struct Started {
    pub summary: ImportSummary,
    /// True once the import is applied (now or before); false while the job runs.
    pub finished: bool,
}

/// Starts applying an import, the one way every transport does it: checks and queues
/// ([`request`]), runs the job on its own task ([`spawn_run`]), optionally waits for it, and
/// answers the summary. A failed apply the caller waited for is an error
/// (`import.apply_failed` with its reason); nothing was written then.
pub async fn start(
    svc: &ImportService,
    principal: &auth::Principal,
    import_id: ImportId,
    req: &ApplyRequest,
    wait: Wait,
) -> Result<Started, ImportError> {
    let finished = match request(svc, principal, import_id, req).await? {
        Ticket::AlreadyApplied => true,
        Ticket::Queued(job) => {
            let run = spawn_run(svc, job);
            match wait {
                // Dropping the handle detaches the task; it runs to the end.
                Wait::Queued => false,
                Wait::Finished => {
                    run.await
                        .map_err(|e| ImportError::internal(format!("apply task: {e}")))?;
                    true
                }
            }
        }
    };
    let summary = crate::rows::summary(&svc.pool, principal, import_id).await?;
    if finished && summary.status == ImportStatus::Failed {
        return Err(ImportError::Conflict {
            code: "import.apply_failed",
            message: summary
                .apply
                .failure
                .clone()
                .unwrap_or_else(|| "The apply failed; nothing was written.".into()),
        });
    }
    Ok(Started { summary, finished })
}

/// Checks the request against the import's state and queues the apply job.
#[tracing::instrument(skip_all, fields(import = %import_id))]
pub async fn request(
    svc: &ImportService,
    principal: &auth::Principal,
    import_id: ImportId,
    req: &ApplyRequest,
) -> Result<Ticket, ImportError> {
    principal.require_member()?;
    let import_id = import_id.uuid();
    let mode = req.mode.unwrap_or_default();
    let asked_policy = req.duplicate_policy;
    let company_id = principal.company_id;
    let mut tx = svc.pool.begin().await?;
    // The row lock makes the status check and the move to `applying` one step: of two
    // requests at the same moment, the second sees `applying` and is told.
    let (status, _) = store::apply::lock_status(&mut tx, company_id, import_id)
        .await?
        .ok_or_else(|| ImportError::NotFound(format!("No import {import_id}.")))?;
    match status.parse().map_err(ImportError::internal)? {
        ImportStatus::Staged | ImportStatus::Failed => {}
        ImportStatus::Applied => return Ok(Ticket::AlreadyApplied),
        ImportStatus::Applying => {
            return Err(ImportError::Conflict {
                code: "import.apply_in_progress",
                message: "This import is being applied right now; its progress is on its summary."
                    .into(),
            })
        }
        ImportStatus::Reverted => {
            return Err(ImportError::Conflict {
                code: "import.reverted",
                message: "This import was reverted. Upload the file again to import it anew."
                    .into(),
            })
        }
        ImportStatus::Validating => {
            return Err(ImportError::Conflict {
                code: "import.not_ready",
                message: "This import is still being validated; apply it when the dry run is done."
                    .into(),
            })
        }
    }
    let record = store::imports::get_import(&mut *tx, company_id, import_id)
        .await?
        .ok_or_else(|| ImportError::NotFound(format!("No import {import_id}.")))?;
    let policy = match asked_policy {
        Some(p) => p,
        None => {
            crate::config::version(&svc.pool, company_id, record.config_version)
                .await?
                .config
                .duplicates
                .policy
        }
    };
    if mode == ApplyMode::All {
        let errors = store::apply::count_error_rows(&mut *tx, company_id, import_id).await?;
        if errors > 0 {
            return Err(ImportError::Conflict {
                code: "apply.errors_remain",
                message: format!(
                    "{errors} row(s) still have errors. Fix or exclude them, or import the valid rows only."
                ),
            });
        }
    }
    let payload = ApplyPayload {
        mode,
        duplicate_policy: policy,
        fill_empty_only: req.fill_empty_only.unwrap_or(false),
    };
    let decision = store::apply::Decision {
        mode: mode.as_str(),
        duplicate_policy: policy.as_str(),
        fill_empty_only: payload.fill_empty_only,
    };
    store::apply::start_applying(&mut tx, company_id, import_id, decision, principal.user_id)
        .await?;
    let job_id = Uuid::new_v4();
    store::jobs::enqueue(
        &mut tx,
        &store::jobs::NewJob {
            id: job_id,
            company_id,
            kind: "apply",
            import_id: Some(import_id),
            requested_by: Some(principal.user_id),
            payload: serde_json::to_value(payload).map_err(ImportError::internal)?,
            progress_total: i64::from(record.total_rows),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Ticket::Queued(job_id))
}

/// This process's name in `jobs.locked_by`.
fn worker_id() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".into());
    format!("{host}:{}", std::process::id())
}

/// Claims and runs one job (`only` that one, if given). Answers whether a job ran.
pub async fn run_next(svc: &ImportService, only: Option<Uuid>) -> Result<bool, ImportError> {
    let worker = worker_id();
    let Some(job) = store::jobs::claim(&svc.pool, &worker, LEASE_SECS, only).await? else {
        return Ok(false);
    };
    let Some(import_id) = job.import_id else {
        store::jobs::finish(&svc.pool, job.id, "failed", Some("job without an import")).await?;
        return Ok(true);
    };
    let started = Instant::now();
    let mut event = Event::new(Stage::Apply, job.company_id);
    event.import_id = Some(import_id);
    event.user_id = job.requested_by;
    if let Ok(payload) = serde_json::from_value::<ApplyPayload>(job.payload.clone()) {
        event.mode = Some(payload.mode);
        event.duplicate_policy = Some(payload.duplicate_policy);
    }
    if job.attempts > MAX_ATTEMPTS {
        let reason = format!(
            "The apply was interrupted {MAX_ATTEMPTS} times (the server stopped while it ran); nothing was written. Apply again."
        );
        store::apply::mark_failed(&svc.pool, job.company_id, import_id, &reason).await?;
        store::jobs::finish(&svc.pool, job.id, "failed", Some(&reason)).await?;
        crate::alerts::apply_failed(&svc.pool, job.company_id, import_id, &reason).await;
        event.outcome = Outcome::Failed(reason);
        svc.telemetry.record(&svc.pool, &event).await;
        return Ok(true);
    }
    // Renew the lease while the apply runs; a crash stops the renewals, the lease runs out
    // and another replica claims the job again.
    let heartbeat = {
        let pool = svc.pool.clone();
        let worker = worker.clone();
        let job_id = job.id;
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs_f64(LEASE_SECS / 3.0)).await;
                if let Err(e) = store::jobs::renew(&pool, job_id, &worker, LEASE_SECS).await {
                    tracing::warn!(error = %e, job = %job_id, "could not renew the job's lease");
                }
            }
        })
    };
    let outcome = run_apply(svc, &job, import_id, &mut event).await;
    heartbeat.abort();
    match outcome {
        Ok(Applied::Done) => store::jobs::finish(&svc.pool, job.id, "done", None).await?,
        Ok(Applied::Busy) => {
            // Another session holds the import's lock and is applying it; its lease
            // decides what happens next.
            tracing::info!(job = %job.id, "import locked by another worker; leaving the job");
        }
        Err(e) => {
            let reason = e.reason();
            tracing::error!(job = %job.id, import = %import_id, error = %e, "apply failed");
            store::apply::mark_failed(&svc.pool, job.company_id, import_id, &reason).await?;
            store::jobs::finish(&svc.pool, job.id, "failed", Some(&e.to_string())).await?;
            crate::alerts::apply_failed(&svc.pool, job.company_id, import_id, &reason).await;
            // The work's transaction rolled back with its telemetry row: this one stays.
            event.outcome = Outcome::Failed(reason);
            event.duration = started.elapsed();
            svc.telemetry.record(&svc.pool, &event).await;
        }
    }
    Ok(true)
}

/// Runs a queued job on its own task, so a caller that goes away (a client hanging up)
/// does not stop it; await the handle to wait for the apply to finish. The task stays in
/// the caller's span and logs to the caller's subscriber (whichever thread runs it), so
/// the apply's log lines carry the request id that started it.
pub fn spawn_run(svc: &ImportService, job_id: Uuid) -> tokio::task::JoinHandle<()> {
    let svc = svc.clone();
    tokio::spawn(
        async move {
            if let Err(e) = run_next(&svc, Some(job_id)).await {
                tracing::error!(error = %e, job = %job_id, "apply job could not run");
            }
        }
        .in_current_span()
        .with_current_subscriber(),
    )
}

/// Runs queued jobs and jobs whose worker died, until the process stops.
pub async fn work_forever(svc: ImportService, idle: Duration) {
    loop {
        match run_next(&svc, None).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "job worker: could not run a job"),
        }
        tokio::time::sleep(idle).await;
    }
}

/// Why an apply did not commit, with the database error kept whole so the reason can be
/// told by constraint name and SQLSTATE rather than by message text.
#[derive(Debug, thiserror::Error)]
enum ApplyError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Service(#[from] ImportError),
}

impl ApplyError {
    /// What a user is told.
    fn reason(&self) -> String {
        let database = match self {
            ApplyError::Store(store::StoreError::Unique(c))
                if c == "leads_company_email_norm_key" =>
            {
                return failure_sentence(
                    "another import created a lead with the same e-mail at the same time",
                )
            }
            ApplyError::Store(store::StoreError::Database(e)) | ApplyError::Database(e) => Some(e),
            _ => None,
        };
        let cause = match database {
            Some(sqlx::Error::Io(_) | sqlx::Error::PoolClosed | sqlx::Error::PoolTimedOut) => {
                "the database connection was lost"
            }
            Some(sqlx::Error::Database(db)) => match db.code().as_deref() {
                // admin_shutdown (pg_terminate_backend), crash_shutdown, connection_exception…
                Some(c) if c.starts_with("57P") || c.starts_with("08") => {
                    "the database connection was lost"
                }
                // query_canceled: the statement timeout.
                Some("57014") => "the database took too long",
                _ => "the database refused a write",
            },
            _ => "the database refused a write",
        };
        failure_sentence(cause)
    }
}

fn failure_sentence(cause: &str) -> String {
    format!("The apply stopped because {cause}; nothing was written. Apply again to retry.")
}

enum Applied {
    Done,
    Busy,
}

/// The apply transaction.
#[tracing::instrument(skip_all, fields(import = %import_id, job = %job.id))]
async fn run_apply(
    svc: &ImportService,
    job: &store::jobs::Job,
    import_id: Uuid,
    event: &mut Event,
) -> Result<Applied, ApplyError> {
    let started = Instant::now();
    let company_id = job.company_id;
    // A payload that does not read is a bug or a tampered row: fail the job, never guess.
    let ApplyPayload {
        mode,
        duplicate_policy: policy,
        fill_empty_only,
    } = serde_json::from_value(job.payload.clone()).map_err(|e| {
        ImportError::internal(format!(
            "apply job {} has an unreadable payload: {e}",
            job.id
        ))
    })?;

    let mut tx = svc.pool.begin().await?;
    store::apply::prepare_session(&mut tx, import_id, APPLY_STATEMENT_TIMEOUT).await?;
    if !store::apply::try_lock_import(&mut tx, import_id).await? {
        return Ok(Applied::Busy);
    }
    let Some(status) = store::apply::status(&mut *tx, company_id, import_id).await? else {
        return Err(ImportError::NotFound(format!("No import {import_id}.")).into());
    };
    if status != "applying" {
        // Already applied (a retried job after a commit) or no longer wanted.
        return Ok(Applied::Done);
    }
    let record = store::imports::get_import(&mut *tx, company_id, import_id)
        .await?
        .ok_or_else(|| ImportError::NotFound(format!("No import {import_id}.")))?;
    event.source_key = record.source_key.clone();
    event.format = Some(record.format.clone());
    event.config_version = Some(record.config_version);
    event.bytes = u64::try_from(record.size_bytes).ok();
    let config = crate::config::version(&svc.pool, company_id, record.config_version).await?;
    let fields = &config.config.fields;
    let spec = store::apply::UpdateSpec {
        locked_columns: fields
            .iter()
            .filter(|f| f.locked && !f.custom)
            .map(|f| f.key.clone())
            .collect(),
        locked_custom: fields
            .iter()
            .filter(|f| {
                f.locked && (f.custom || !store::apply::LEAD_COLUMNS.contains(&f.key.as_str()))
            })
            .map(|f| f.key.clone())
            .collect(),
        fill_empty_only,
    };
    let keys = &config.config.duplicates.keys;
    let by_email = keys.contains(&DedupeKeyKind::Email);
    let by_phone = keys.contains(&DedupeKeyKind::Phone);

    let mapping: crate::mapping::Mapping =
        serde_json::from_value(record.mapping.clone()).map_err(ImportError::internal)?;
    let field_columns: Vec<(String, Option<usize>)> = fields
        .iter()
        .map(|f| f.key.clone())
        .zip(mapping.columns_for(fields))
        .collect();

    store::apply::create_apply_table(&mut tx).await?;
    store::apply::fill_apply_table(&mut tx, company_id, import_id, &field_columns, by_email)
        .await?;
    if by_phone {
        store::apply::match_by_phone(&mut tx, company_id).await?;
    }
    store::apply::mark_in_file_duplicates(&mut tx, by_phone).await?;
    let to_write = store::apply::decide_actions(&mut tx, writes_for(policy)).await?;
    store::jobs::progress(&svc.pool, job.id, 0, to_write).await?;

    let prepared = started.elapsed();
    let max_seq = store::apply::max_apply_seq(&mut tx).await?;
    let (mut inserted, mut updated) = (0u64, 0u64);
    let (mut from, mut done) = (0, 0);
    while from <= max_seq {
        let to = from.saturating_add(CHUNK_ROWS);
        updated +=
            store::apply::apply_updates(&mut tx, company_id, import_id, (from, to), &spec).await?;
        inserted += store::apply::apply_inserts(&mut tx, company_id, import_id, (from, to)).await?;
        done += store::apply::writes_in(&mut tx, (from, to)).await?;
        from = to;
        store::jobs::progress(&svc.pool, job.id, done, to_write).await?;
    }

    let counts = store::apply::action_counts(&mut tx).await?;
    let count = |action: &str| -> u64 {
        counts
            .iter()
            .find(|(a, _)| a == action)
            .map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0))
    };
    let failed = if mode == ApplyMode::ValidOnly {
        u64::try_from(store::apply::count_error_rows(&mut *tx, company_id, import_id).await?)
            .unwrap_or(0)
    } else {
        0
    };
    let total = u64::try_from(record.total_rows).unwrap_or(0);
    let stats: api::Stats = serde_json::from_value(record.stats).unwrap_or_default();
    let result = ApplyResult {
        inserted,
        updated,
        skipped: total.saturating_sub(inserted + updated + failed),
        failed,
        unchanged: count("update").saturating_sub(updated),
        duplicates_in_file: count("duplicate"),
        excluded: stats.excluded_rows,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    };
    let result_json = serde_json::to_value(result).map_err(ImportError::internal)?;
    store::apply::mark_applied(&mut tx, company_id, import_id, &result_json).await?;
    // The staged rows' verdicts as applied (what was written is the import's result).
    event.rows = Some((&stats).into());
    event.phases.stage = Some(prepared);
    event.phases.apply = Some(started.elapsed().saturating_sub(prepared));
    event.duration = started.elapsed();
    let telemetry_id = svc.telemetry.write(&mut *tx, event).await?;
    store::audit::record(
        &mut *tx,
        &store::audit::AuditEntry {
            company_id: Some(company_id),
            actor_id: job.requested_by,
            action: "import.applied",
            entity: "import",
            entity_id: Some(import_id.to_string()),
            diff: serde_json::json!({
                "mode": mode.as_str(),
                "duplicate_policy": policy.as_str(),
                "fill_empty_only": fill_empty_only,
                "result": result_json,
            }),
        },
    )
    .await?;
    let committing = Instant::now();
    tx.commit().await?;
    let commit = committing.elapsed();
    event.phases.commit = Some(commit);
    event.duration = started.elapsed();
    store::telemetry::set_commit_ms(
        &svc.pool,
        telemetry_id,
        i64::try_from(commit.as_millis()).unwrap_or(i64::MAX),
    )
    .await?;
    store::jobs::progress(&svc.pool, job.id, to_write, to_write).await?;
    svc.telemetry.emit(event);
    // The reports are kept with the import, written after the answer (a waiting script
    // should not wait for them); if this fails or the process stops first, they are
    // generated on demand instead.
    let svc = svc.clone();
    tokio::spawn(async move {
        if let Err(e) = crate::reports::store_reports(&svc, company_id, import_id).await {
            tracing::warn!(error = %e, import = %import_id, "could not store the error reports");
        }
    });
    Ok(Applied::Done)
}

/// Fills the apply side of summaries: decision, progress, result, revert and, when
/// `with_earlier`, an earlier application of the same file.
pub async fn attach_state(
    pool: &PgPool,
    company_id: Uuid,
    summaries: &mut [ImportSummary],
    with_earlier: bool,
) -> Result<(), ImportError> {
    let ids: Vec<Uuid> = summaries.iter().map(|s| s.id.uuid()).collect();
    let states = store::apply::apply_states(pool, company_id, &ids).await?;
    for summary in summaries.iter_mut() {
        let Some(state) = states.iter().find(|s| s.import_id == summary.id.uuid()) else {
            continue;
        };
        let progress = match (state.progress_done, state.progress_total) {
            (Some(done), Some(total)) => Some(Progress {
                done: u64::try_from(done).unwrap_or(0),
                total: u64::try_from(total).unwrap_or(0),
            }),
            _ => None,
        };
        summary.apply = ApplyInfo {
            // Stored from these enums by `request`; an unknown name reads as not decided.
            mode: state.mode.as_deref().and_then(|m| m.parse().ok()),
            duplicate_policy: state
                .duplicate_policy
                .as_deref()
                .and_then(|p| p.parse().ok()),
            fill_empty_only: state.fill_empty_only,
            progress,
            result: state
                .result
                .clone()
                .and_then(|r| serde_json::from_value(r).ok()),
            failure: state.failure.clone(),
            applied_by: state.applied_by_email.clone(),
            applied_at: state.applied_at,
            reverted_by: state.reverted_by_email.clone(),
            reverted_at: state.reverted_at,
            revert_result: state
                .revert_result
                .clone()
                .and_then(|r| serde_json::from_value::<RevertResult>(r).ok()),
            already_imported: None,
        };
        if with_earlier {
            summary.apply.already_imported =
                store::apply::earlier_apply(pool, company_id, summary.id.uuid())
                    .await?
                    .map(|e| EarlierImport {
                        import_id: ImportId(e.import_id),
                        applied_at: e.applied_at,
                        applied_by: e.applied_by_email,
                    });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_policy_tells_the_store_what_to_write() {
        let w = |p| {
            let w = writes_for(p);
            (w.insert_new, w.update_existing)
        };
        assert_eq!(w(DuplicatePolicy::Skip), (true, false));
        assert_eq!(w(DuplicatePolicy::Update), (false, true));
        assert_eq!(w(DuplicatePolicy::Upsert), (true, true));
    }

    #[test]
    fn a_job_payload_reads_back_as_written_and_a_strange_one_is_refused() {
        let payload = ApplyPayload {
            mode: ApplyMode::All,
            duplicate_policy: DuplicatePolicy::Upsert,
            fill_empty_only: true,
        };
        let stored = serde_json::to_value(payload).unwrap_or_default();
        assert_eq!(
            stored,
            serde_json::json!({"mode": "all", "duplicate_policy": "upsert", "fill_empty_only": true})
        );
        let back: ApplyPayload = serde_json::from_value(stored).unwrap_or(ApplyPayload {
            mode: ApplyMode::ValidOnly,
            duplicate_policy: DuplicatePolicy::Skip,
            fill_empty_only: false,
        });
        assert_eq!(back.mode, ApplyMode::All);
        assert_eq!(back.duplicate_policy, DuplicatePolicy::Upsert);
        assert!(back.fill_empty_only);
        let odd = serde_json::json!({"mode": "all", "duplicate_policy": "merge", "fill_empty_only": false});
        assert!(serde_json::from_value::<ApplyPayload>(odd).is_err());
    }
}
