//! The dry run: read the upload (streaming), map it, validate every row with the company's
//! active configuration, find duplicates inside the file and — with one batched query per
//! key — in the database, and stage everything with COPY. Nothing touches `leads`.
//!
//! Reading and validating run on a blocking thread and hand chunks of finished rows to the
//! async side over a small bounded channel, so memory stays flat however long the file is
//! and the database write of one chunk overlaps the validation of the next.

use std::path::PathBuf;
use std::time::Instant;

use rules::{Code, Issue, Validator};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::duplicates;
use crate::evaluate::{codes_of, evaluate, key_string, status_of, Evaluated, FirstSeen};
use crate::mapping::{self, ExplicitMapping, Mapping, MappingRequest};
use crate::tally::Tally;
use crate::telemetry::{Event, Outcome, Stage};
use crate::{config, rows, ImportError, ImportService};
use api::{DryRunReport, FileSummary, ImportId, ImportStatus, RowQuery, SheetSummary};

/// Rows validated per chunk handed to the database writer.
const CHUNK_ROWS: usize = 2_000;
/// Connections writing staged chunks at the same time.
const WRITERS: usize = 2;
/// Rows read ahead to decide each date column's day/month order before validating.
const ANALYSIS_ROWS: usize = 5_000;

/// An uploaded file already on local disk.
#[derive(Debug, Clone)]
pub struct Upload {
    pub path: PathBuf,
    pub file_name: String,
    pub sha256: String,
    pub size_bytes: u64,
}

/// The caller's choices for a dry run; all optional.
#[derive(Debug, Clone, Default)]
pub struct DryRunOptions {
    pub source: Option<String>,
    pub preset_id: Option<Uuid>,
    pub mapping: Option<ExplicitMapping>,
    pub sheet: Option<String>,
    pub header_row: Option<u32>,
    pub encoding: Option<String>,
    pub delimiter: Option<u8>,
    /// Rows in the first page of the answer (default 100).
    pub page_limit: Option<i64>,
}

/// One staged row as the producer hands it over.
struct StagedOwned {
    seq: i32,
    row_no: i32,
    original_json: String,
    normalized_json: String,
    status: &'static str,
    issues_json: String,
    codes: Vec<String>,
    keys: Vec<String>,
}

/// Runs a dry run of `upload` for the principal's company and stages the result. Leaves
/// an `upload` and a `dry_run` telemetry row, or the row of the stage that failed.
#[tracing::instrument(skip_all, fields(company = %principal.company_slug, file = %upload.file_name, size = upload.size_bytes))]
pub async fn dry_run(
    svc: &ImportService,
    principal: &auth::Principal,
    upload: Upload,
    opts: DryRunOptions,
) -> Result<DryRunReport, ImportError> {
    let started = Instant::now();
    let mut trace = Trace::new(principal, &upload, &opts);
    let result = run(svc, principal, upload, opts, started, &mut trace).await;
    if let Err(err) = &result {
        trace.failed(svc, err, started.elapsed()).await;
    }
    result
}

/// The telemetry of one dry run as it goes: the upload's event until the file is open,
/// then the dry run's.
struct Trace {
    upload: Event,
    dry_run: Event,
    opened: bool,
}

impl Trace {
    fn new(principal: &auth::Principal, upload: &Upload, opts: &DryRunOptions) -> Self {
        let mut event = Event::new(Stage::Upload, principal.company_id);
        event.user_id = Some(principal.user_id);
        event.source_key = opts.source.clone().unwrap_or_default();
        event.bytes = Some(upload.size_bytes);
        let mut dry_run = event.clone();
        dry_run.stage = Stage::DryRun;
        Trace {
            upload: event,
            dry_run,
            opened: false,
        }
    }

    /// The file is open: what intake found.
    fn opened(&mut self, format: &str, config_version: i32, took: std::time::Duration) {
        self.opened = true;
        for event in [&mut self.upload, &mut self.dry_run] {
            event.format = Some(format.to_owned());
            event.config_version = Some(config_version);
        }
        self.upload.phases.read = Some(took);
        self.upload.duration = took;
    }

    /// Records the stage that ended with `err` (and the upload before it, which went well).
    async fn failed(mut self, svc: &ImportService, err: &ImportError, took: std::time::Duration) {
        let failed = if self.opened {
            svc.telemetry.record(&svc.pool, &self.upload).await;
            &mut self.dry_run
        } else {
            &mut self.upload
        };
        failed.outcome = Outcome::of(err);
        failed.duration = took;
        svc.telemetry.record(&svc.pool, failed).await;
    }
}

async fn run(
    svc: &ImportService,
    principal: &auth::Principal,
    upload: Upload,
    opts: DryRunOptions,
    started: Instant,
    trace: &mut Trace,
) -> Result<DryRunReport, ImportError> {
    principal.require_member()?;
    // The company's fields are needed first: sheets are scored by how their header rows
    // match them.
    let active = config::active(&svc.pool, principal.company_id).await?;
    let intake_opts = intake::Options {
        sheet: opts.sheet.clone().map(sheet_selector),
        header_row: opts.header_row,
        encoding: opts.encoding.clone(),
        delimiter: opts.delimiter,
        limits: svc.limits.clone(),
        fields: Some(std::sync::Arc::new(active.config.clone())),
    };
    let path = upload.path.clone();
    let opened = tokio::task::spawn_blocking(move || intake::open(&path, &intake_opts))
        .await
        .map_err(ImportError::internal)??;
    let mut info = opened.info().clone();
    trace.opened(info.format.as_str(), active.version, started.elapsed());
    let sheet_choice = info.sheet_choice.clone();
    // A failed-rows CSV of ours: its header cells carry the report's `'` like its data
    // cells (see `produce`), and its columns must compare equal to its import's headers.
    let report_csv = matches!(info.format, intake::Format::Csv | intake::Format::Tsv)
        && !crate::reports::meta_columns(&info.headers).is_empty();
    if report_csv {
        for header in &mut info.headers {
            if let Some(plain) = crate::reports::unescape_cell(header) {
                *header = plain.to_owned();
            }
        }
    }
    let source_key = opts.source.clone().unwrap_or_default();
    let mapping = mapping::resolve(
        &svc.pool,
        principal,
        &info.headers,
        &active.config,
        &MappingRequest {
            source_key: &source_key,
            preset_id: opts.preset_id,
            explicit: opts.mapping.as_ref(),
        },
    )
    .await?;
    let validator = Validator::new(&active.config).map_err(|e| {
        ImportError::internal(format!("active configuration does not compile: {e:?}"))
    })?;

    let import_id = Uuid::new_v4();
    trace.dry_run.import_id = Some(import_id);
    let storage_key = format!("{}/{}/original", principal.company_id, import_id);
    svc.files.put_file(&storage_key, &upload.path).await?;

    let mut file_issues: Vec<serde_json::Value> =
        opened.issues().iter().map(intake_issue_json).collect();
    file_issues.extend(unmapped_header_issues(&mapping));
    let sheets: Vec<SheetSummary> = info
        .sheets
        .iter()
        .filter(|s| s.worksheet)
        .map(|s| SheetSummary {
            name: s.name.clone(),
            visible: s.visible,
            index: s.index,
        })
        .collect();
    let delimiter = info.delimiter.map(|d| d.to_string());
    let mapping_json = serde_json::to_value(&mapping).map_err(ImportError::internal)?;
    store::imports::insert_import(
        &svc.pool,
        &store::imports::NewImport {
            id: import_id,
            company_id: principal.company_id,
            created_by: principal.user_id,
            source_key: &source_key,
            file_name: &upload.file_name,
            sha256: &upload.sha256,
            size_bytes: i64::try_from(upload.size_bytes).unwrap_or(i64::MAX),
            storage_key: &storage_key,
            format: info.format.as_str(),
            encoding: info.encoding.as_deref(),
            delimiter: delimiter.as_deref(),
            sheets: serde_json::to_value(&sheets).map_err(ImportError::internal)?,
            sheet: info.sheet.as_deref(),
            sheet_choice: sheet_choice
                .as_ref()
                .map(serde_json::to_value)
                .transpose()
                .map_err(ImportError::internal)?,
            header_row: i32::try_from(info.header_row).unwrap_or(i32::MAX),
            headers: serde_json::to_value(&info.headers).map_err(ImportError::internal)?,
            mapping: mapping_json,
            preset_id: mapping.preset_id.map(api::PresetId::uuid),
            config_version: active.version,
            file_issues: serde_json::Value::Array(file_issues.clone()),
        },
    )
    .await?;
    trace.upload.import_id = Some(import_id);

    let staging_started = Instant::now();
    let staged = stage(svc, principal, import_id, opened, validator, &mapping).await;
    let produced = match staged {
        Ok(p) => p,
        Err(err) => {
            // A file that fails half-way leaves no half-staged import behind.
            if let Err(e) =
                store::imports::delete_import(&svc.pool, principal.company_id, import_id).await
            {
                tracing::error!(error = %e, "could not remove a failed import");
            }
            let _ = svc.files.delete(&storage_key).await;
            return Err(err);
        }
    };
    let staging_took = staging_started.elapsed();
    let stats = produced.stats;
    let stats_json = serde_json::to_value(&stats).map_err(ImportError::internal)?;
    let event = &mut trace.dry_run;
    event.rows = Some((&stats).into());
    event.issues = produced.issues.finish();
    event.phases.read = Some(trace.upload.duration + produced.read_time);
    event.phases.validate = Some(produced.validate_time);
    // What the reading and the rules did not account for: waiting on the writers.
    event.phases.stage =
        Some(staging_took.saturating_sub(produced.read_time + produced.validate_time));
    event.duration = started.elapsed();
    // Staged, and its telemetry with it: one transaction.
    let mut tx = svc.pool.begin().await?;
    store::imports::finish_validation(
        &mut *tx,
        principal.company_id,
        import_id,
        i32::try_from(stats.total_rows).unwrap_or(i32::MAX),
        &stats_json,
        ImportStatus::Staged.as_str(),
    )
    .await?;
    svc.telemetry.write(&mut *tx, &trace.upload).await?;
    svc.telemetry.write(&mut *tx, &trace.dry_run).await?;
    tx.commit().await?;
    svc.telemetry.emit(&trace.upload);
    svc.telemetry.emit(&trace.dry_run);

    let limit = opts.page_limit.unwrap_or(100).clamp(1, 1_000);
    let first_page = rows::page(
        &svc.pool,
        principal,
        ImportId(import_id),
        &RowQuery {
            limit: Some(limit),
            ..Default::default()
        },
    )
    .await?;

    let (mut errors, mut warnings): (Vec<_>, Vec<_>) =
        file_issues.into_iter().partition(|i| i["level"] == "error");
    warnings.retain(|i| i["level"] == "warning");
    errors.extend(produced.errors);
    warnings.extend(produced.warnings);
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    // Told now, before anyone applies it a second time.
    let already_imported = store::apply::earlier_apply(&svc.pool, principal.company_id, import_id)
        .await?
        .map(|e| api::EarlierImport {
            import_id: ImportId(e.import_id),
            applied_at: e.applied_at,
            applied_by: e.applied_by_email,
        });
    Ok(DryRunReport {
        already_imported,
        import_id: ImportId(import_id),
        status: ImportStatus::Staged,
        config_version: active.version,
        file: FileSummary {
            name: upload.file_name,
            sha256: upload.sha256,
            size_bytes: i64::try_from(upload.size_bytes).unwrap_or(i64::MAX),
            format: info.format.as_str().to_owned(),
            encoding: info.encoding.clone(),
            delimiter,
            sheets,
            sheet: info.sheet.clone(),
            sheet_choice,
            header_row: info.header_row,
            total_rows: stats.total_rows,
        },
        mapping: Mapping {
            preset_id: mapping.preset_id,
            preset_name: mapping.preset_name,
            columns: mapping.columns,
        },
        stats,
        errors,
        warnings,
        rows: first_page.rows,
        page: first_page.page,
        duration_ms,
    })
}

fn sheet_selector(sheet: String) -> intake::SheetSelector {
    intake::SheetSelector::Name(sheet)
}

/// Streams the records through validation into `import_rows`.
async fn stage(
    svc: &ImportService,
    principal: &auth::Principal,
    import_id: Uuid,
    opened: intake::Intake,
    validator: Validator,
    mapping: &Mapping,
) -> Result<Tally, ImportError> {
    let columns = mapping.columns_for(validator.fields());
    let (tx, rx) = mpsc::channel::<Vec<StagedOwned>>(2 * WRITERS);
    let lookup = LeadLookup {
        conn: svc.pool.acquire().await?,
        company_id: principal.company_id,
        runtime: tokio::runtime::Handle::current(),
    };
    // A failed-rows CSV of ours uploaded again: its cells carry the report's `'` in front
    // of values such as "+49 151…"; reading them back takes it off again.
    let unescape = matches!(
        opened.info().format,
        intake::Format::Csv | intake::Format::Tsv
    ) && !crate::reports::meta_columns(&opened.info().headers).is_empty();
    let producer = tokio::task::spawn_blocking(move || {
        produce(opened, validator, columns, lookup, tx, unescape)
    });
    // Two writers, each on its own connection: the database parses and indexes one chunk
    // while it receives the next, so COPY is not bounded by a single backend process.
    let rx = std::sync::Arc::new(tokio::sync::Mutex::new(rx));
    let mut writers = tokio::task::JoinSet::new();
    for _ in 0..WRITERS {
        let rx = rx.clone();
        let mut conn = svc.pool.acquire().await?;
        let company_id = principal.company_id;
        writers.spawn(async move {
            loop {
                let next = rx.lock().await.recv().await;
                let Some(chunk) = next else { return Ok(()) };
                write_chunk(&mut conn, company_id, import_id, &chunk).await?;
            }
        });
    }
    let mut failure: Option<ImportError> = None;
    while let Some(done) = writers.join_next().await {
        let result = done.map_err(ImportError::internal).and_then(|r| r);
        if let Err(e) = result {
            // Closing the channel stops the producer at its next send.
            rx.lock().await.close();
            failure.get_or_insert(e);
        }
    }
    let produced = producer.await.map_err(ImportError::internal)?;
    match failure {
        Some(e) => Err(e),
        None => produced,
    }
}

/// COPYs one chunk of staged rows.
async fn write_chunk(
    conn: &mut sqlx::PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    chunk: &[StagedOwned],
) -> Result<(), ImportError> {
    let refs: Vec<store::imports::StagedRow<'_>> = chunk
        .iter()
        .map(|r| store::imports::StagedRow {
            seq: r.seq,
            row_no: r.row_no,
            original_json: &r.original_json,
            normalized_json: &r.normalized_json,
            status: r.status,
            issues_json: &r.issues_json,
            codes: &r.codes,
            keys: &r.keys,
        })
        .collect();
    store::imports::copy_rows(conn, company_id, import_id, &refs).await?;
    Ok(())
}

/// The database side of the producer: a connection of its own for the duplicate lookups,
/// used from the blocking thread through the runtime handle.
struct LeadLookup {
    conn: sqlx::pool::PoolConnection<sqlx::Postgres>,
    company_id: Uuid,
    runtime: tokio::runtime::Handle,
}

/// A validated row waiting for its chunk's database duplicate lookup.
struct Pending {
    seq: i32,
    row: u32,
    original_json: String,
    evaluated: Evaluated,
}

/// The blocking half: read, validate, detect duplicates, serialise, hand over in chunks.
fn produce(
    mut opened: intake::Intake,
    mut validator: Validator,
    columns: Vec<Option<usize>>,
    mut lookup: LeadLookup,
    tx: mpsc::Sender<Vec<StagedOwned>>,
    unescape: bool,
) -> Result<Tally, ImportError> {
    let mut out = Tally::default();
    validator.set_normalization_notes(false);
    let mut next_record = || -> Result<Option<intake::RawRecord>, ImportError> {
        let mut rec = opened.next_record()?;
        if unescape {
            for cell in rec.iter_mut().flat_map(|r| r.cells.iter_mut()) {
                if let Some(plain) = crate::reports::unescape_cell(cell) {
                    *cell = plain.to_owned();
                }
            }
        }
        Ok(rec)
    };
    // Read ahead to settle the day/month order of date columns from unambiguous values.
    let read_ahead = Instant::now();
    let mut ahead = Vec::with_capacity(ANALYSIS_ROWS.min(1024));
    while ahead.len() < ANALYSIS_ROWS {
        match next_record()? {
            Some(rec) => ahead.push(rec),
            None => break,
        }
    }
    {
        let sample: Vec<(u32, Vec<Option<&str>>)> = ahead
            .iter()
            .map(|rec| (rec.row, field_values(&columns, &rec.cells)))
            .collect();
        let analysis = validator.analyze_columns(&sample);
        validator.apply_column_analysis(&analysis);
        out.stats.date_columns = analysis.dates;
    }
    let read_ahead_took = read_ahead.elapsed();
    let mut first_seen = FirstSeen::default();
    let mut pending = Vec::with_capacity(CHUNK_ROWS);
    let mut seq: i32 = 0;
    let mut ahead = ahead.into_iter();
    // Two clock reads a row (tens of nanoseconds) split the time between reading and rules.
    let mut mark = Instant::now();
    out.read_time = read_ahead_took;
    loop {
        let rec = match ahead.next() {
            Some(rec) => rec,
            None => match next_record()? {
                Some(rec) => rec,
                None => break,
            },
        };
        let read = Instant::now();
        out.read_time += read - mark;
        seq += 1;
        let values = field_values(&columns, &rec.cells);
        let carried = rec.issues.iter().map(intake_issue_json).collect();
        let mut evaluated = evaluate(&validator, rec.row, &values, carried)?;
        evaluated
            .issues
            .extend(first_seen.check(rec.row, &evaluated.keys));
        mark = Instant::now();
        out.validate_time += mark - read;
        pending.push(Pending {
            seq,
            row: rec.row,
            original_json: serde_json::to_string(&rec.cells).map_err(ImportError::internal)?,
            evaluated,
        });
        if pending.len() == CHUNK_ROWS {
            let chunk = finish_chunk(&mut lookup, &mut pending, &mut out)?;
            if tx.blocking_send(chunk).is_err() {
                return Err(ImportError::internal("staging writer stopped"));
            }
        }
    }
    if !pending.is_empty() {
        let chunk = finish_chunk(&mut lookup, &mut pending, &mut out)?;
        if tx.blocking_send(chunk).is_err() {
            return Err(ImportError::internal("staging writer stopped"));
        }
    }
    Ok(out)
}

fn field_values<'a>(columns: &[Option<usize>], cells: &'a [String]) -> Vec<Option<&'a str>> {
    columns
        .iter()
        .map(|c| c.and_then(|i| cells.get(i)).map(String::as_str))
        .collect()
}

/// Checks a chunk against existing leads (one query per key kind), then counts and
/// serialises its rows.
fn finish_chunk(
    lookup: &mut LeadLookup,
    pending: &mut Vec<Pending>,
    out: &mut Tally,
) -> Result<Vec<StagedOwned>, ImportError> {
    let keys = pending.iter().flat_map(|p| p.evaluated.keys.iter());
    let existing = lookup.runtime.block_on(duplicates::lookup(
        &mut lookup.conn,
        lookup.company_id,
        keys,
    ))?;
    let mut chunk = Vec::with_capacity(pending.len());
    for p in pending.drain(..) {
        let mut evaluated = p.evaluated;
        evaluated
            .issues
            .extend(duplicates::issue_for(p.row, &evaluated.keys, &existing));
        let status = status_of(&evaluated.issues);
        out.record(&evaluated.issues, status);
        chunk.push(StagedOwned {
            seq: p.seq,
            row_no: i32::try_from(p.row).unwrap_or(i32::MAX),
            original_json: p.original_json,
            normalized_json: evaluated.normalized_json,
            status: status.as_str(),
            codes: codes_of(&evaluated.issues),
            issues_json: serde_json::to_string(&evaluated.issues).map_err(ImportError::internal)?,
            keys: evaluated
                .keys
                .iter()
                .map(|(k, v)| key_string(*k, v))
                .collect(),
        });
    }
    Ok(chunk)
}

/// An intake issue in the same JSON shape as the rules engine's issues.
pub(crate) fn intake_issue_json(issue: &intake::IntakeIssue) -> serde_json::Value {
    serde_json::json!({
        "row": issue.row.unwrap_or(0),
        "column": issue.column,
        "field": null,
        "code": issue.code,
        "level": issue.level,
        "value": issue.value,
        "normalized": null,
        "message": issue.message,
        "hint": issue.hint,
        "fix": null,
    })
}

/// `header.unmapped` notes for columns that feed no field (their data stays staged). A
/// report's own columns are not lead data, so they get none: a failed-rows report uploaded
/// again says nothing about them.
fn unmapped_header_issues(mapping: &Mapping) -> Vec<serde_json::Value> {
    let headers: Vec<String> = mapping.columns.iter().map(|c| c.header.clone()).collect();
    let meta = crate::reports::meta_columns(&headers);
    mapping
        .columns
        .iter()
        .filter(|c| c.field.is_none() && !meta.contains(&c.index))
        .map(|c| {
            serde_json::to_value(
                Issue::new(
                    Code::HeaderUnmapped,
                    0,
                    format!("Column “{}” is not mapped to a field; its values are kept but not imported.", c.header),
                )
                .with_value(c.header.as_str())
                .with_hint("Choose a field for it in the mapping step if it holds lead data."),
            )
            .unwrap_or_default()
        })
        .collect()
}
