//! Changing a staged import: cell edits, bulk actions and re-mapping. Every change is
//! revalidated on the server with the import's own configuration version (the browser's
//! check is only a preview), in-file duplicates are recomputed for the keys that changed,
//! and the stats are updated in the same transaction. Originals are never modified: edits
//! live beside them. Cell edits and bulk actions are recorded for undo and redo
//! (`crate::undo`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use rules::config::DedupeKeyKind;
use rules::engine::ColumnAnalysis;
use rules::{ImportConfig, Validator};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::duplicates;
use crate::evaluate::{evaluate, is_intake_issue, key_string, status_of, FirstSeen};
use crate::mapping::{ExplicitMapping, Mapping};
use crate::tally::{codes, Tally};
use crate::telemetry::{self, Event, Stage, Telemetry};
use crate::{rows, ImportError, ImportService};
use api::{
    BulkAction, BulkRequest, BulkResult, CellEdit, Delta, EditResult, ImportId, ImportStatus,
    ImportSummary, RowStatus, Stats,
};

mod bulk;
mod revalidate;

pub use bulk::bulk;
pub(crate) use revalidate::{revalidate_all, revalidate_rows};

/// Rows revalidated per batch in whole-import passes.
const BATCH_ROWS: i64 = 5_000;
/// Undo steps kept per import.
const UNDO_STEPS: i32 = 100;
/// The most cells one PATCH may change.
const MAX_EDITS: usize = 10_000;

/// The import being changed, with everything needed to revalidate its rows.
pub(crate) struct Editing {
    pub(crate) company_id: Uuid,
    pub(crate) import_id: Uuid,
    validator: Validator,
    /// The mapping in force (the stored one, or the new one of a re-mapping).
    mapping: Mapping,
    /// For each validator field, the column that feeds it.
    columns: Vec<Option<usize>>,
    pub(crate) stats: Stats,
    /// The change's telemetry, filled in by [`finish`].
    event: Event,
    started: Instant,
}

impl Editing {
    /// The row's current value per field: the user's edit if any, else the mapped cell.
    fn values<'a>(&self, row: &'a store::imports::RowForCheck) -> Vec<Option<&'a str>> {
        row_values(self.validator.fields(), &self.columns, row)
    }

    /// Revalidates a stored row; intake issues are carried, duplicate issues are not
    /// (the caller recomputes them).
    fn check(&self, row: &store::imports::RowForCheck) -> Result<Checked, ImportError> {
        let carried = issues_of(row).into_iter().filter(is_intake_issue).collect();
        let values = self.values(row);
        let evaluated = evaluate(&self.validator, row_no(row), &values, carried)?;
        Ok(Checked {
            seq: row.seq,
            row: row_no(row),
            normalized: serde_json::from_str(&evaluated.normalized_json)
                .map_err(ImportError::internal)?,
            issues: evaluated.issues,
            keys: evaluated.keys,
        })
    }
}

/// A staged row's value per field (`columns[i]` feeds `fields[i]`): the user's edit if
/// any, else the mapped cell.
pub(crate) fn row_values<'a>(
    fields: &[rules::config::FieldSpec],
    columns: &[Option<usize>],
    row: &'a store::imports::RowForCheck,
) -> Vec<Option<&'a str>> {
    let cells = row.original.as_array();
    fields
        .iter()
        .zip(columns)
        .map(|(field, column)| match row.edits.get(&field.key) {
            Some(serde_json::Value::String(s)) => Some(s.as_str()),
            Some(_) => None,
            None => column
                .and_then(|c| cells.and_then(|cells| cells.get(c)))
                .and_then(|v| v.as_str()),
        })
        .collect()
}

/// A revalidated row before duplicate issues are added.
struct Checked {
    seq: i32,
    row: u32,
    normalized: serde_json::Value,
    issues: Vec<serde_json::Value>,
    keys: Vec<(DedupeKeyKind, String)>,
}

/// Applies cell edits and revalidates the touched rows.
#[tracing::instrument(skip_all, fields(import = %id, edits = edits.len()))]
pub async fn edit_cells(
    svc: &ImportService,
    principal: &auth::Principal,
    id: ImportId,
    edits: Vec<CellEdit>,
) -> Result<EditResult, ImportError> {
    traced(
        svc,
        principal,
        id,
        Stage::Edit,
        edit_cells_in(svc, principal, id, edits),
    )
    .await
}

async fn edit_cells_in(
    svc: &ImportService,
    principal: &auth::Principal,
    id: ImportId,
    edits: Vec<CellEdit>,
) -> Result<EditResult, ImportError> {
    let import_id = id.uuid();
    if edits.is_empty() {
        return Err(ImportError::bad_request("Send at least one edit."));
    }
    if edits.len() > MAX_EDITS {
        return Err(ImportError::bad_request(format!(
            "At most {MAX_EDITS} cells per request; use a bulk action for more."
        )));
    }
    let mut tx = svc.pool.begin().await?;
    let mut editing = open(&mut tx, principal, import_id, None).await?;
    let mut patches: BTreeMap<i32, serde_json::Map<String, serde_json::Value>> = BTreeMap::new();
    for e in &edits {
        if editing.validator.field_index(&e.field).is_none() {
            return Err(ImportError::invalid(
                "mapping.unknown_field",
                format!(
                    "“{}” is not a field of this import's configuration.",
                    e.field
                ),
            ));
        }
        let seq =
            i32::try_from(e.seq).map_err(|_| ImportError::bad_request("seq is out of range."))?;
        let value = e
            .value
            .clone()
            .map_or(serde_json::Value::Null, serde_json::Value::String);
        patches
            .entry(seq)
            .or_default()
            .insert(e.field.clone(), value);
    }
    let seqs: Vec<i32> = patches.keys().copied().collect();
    let patch_values: Vec<serde_json::Value> = patches
        .into_values()
        .map(serde_json::Value::Object)
        .collect();
    let before = store::imports::row_states(&mut tx, editing.company_id, import_id, &seqs).await?;
    let updated =
        store::imports::merge_edits(&mut tx, editing.company_id, import_id, &seqs, &patch_values)
            .await?;
    if updated as usize != seqs.len() {
        return Err(ImportError::NotFound(
            "Some of the edited rows do not exist in this import.".into(),
        ));
    }
    let label = match edits.as_slice() {
        [one] => format!("edit of {}", one.field),
        many => format!("edit of {} cells", many.len()),
    };
    record_undo(&mut tx, &editing, "edit", &label, before).await?;
    let touched = revalidate_rows(&mut tx, &mut editing, &seqs).await?;
    let event = finish(
        &mut tx,
        &mut editing,
        None,
        &svc.telemetry,
        seqs.len() as u64,
    )
    .await?;
    tx.commit().await?;
    svc.telemetry.emit(&event);
    let rows = rows::by_seq(&svc.pool, principal, id, &touched).await?;
    Ok(EditResult {
        rows,
        stats: editing.stats,
    })
}

/// Applies a new mapping and re-runs the dry run on the staged cells (edits are kept).
#[tracing::instrument(skip_all, fields(import = %id))]
pub async fn remap(
    svc: &ImportService,
    principal: &auth::Principal,
    id: ImportId,
    mapping: ExplicitMapping,
) -> Result<ImportSummary, ImportError> {
    traced(svc, principal, id, Stage::Remap, async {
        let mut tx = svc.pool.begin().await?;
        let mut editing = open(&mut tx, principal, id.uuid(), Some(&mapping)).await?;
        revalidate_all(&mut tx, &mut editing).await?;
        let new_mapping = serde_json::to_value(&editing.mapping).map_err(ImportError::internal)?;
        let all = editing.stats.total_rows;
        let event = finish(
            &mut tx,
            &mut editing,
            Some(&new_mapping),
            &svc.telemetry,
            all,
        )
        .await?;
        tx.commit().await?;
        svc.telemetry.emit(&event);
        rows::summary(&svc.pool, principal, id).await
    })
    .await
}

/// Checks a staged import again with the company's active configuration version (a
/// newer one than it was validated with, after a publish): every row is revalidated with
/// its edits, the import then names the new version. Its mapping and date-order decisions
/// stay.
#[tracing::instrument(skip_all, fields(import = %id))]
pub async fn revalidate(
    svc: &ImportService,
    principal: &auth::Principal,
    id: ImportId,
) -> Result<ImportSummary, ImportError> {
    traced(svc, principal, id, Stage::Remap, async {
        let active = crate::config::active(&svc.pool, principal.company_id).await?;
        let mut tx = svc.pool.begin().await?;
        let mut editing =
            open_at(&mut tx, principal, id.uuid(), None, Some(active.version)).await?;
        revalidate_all(&mut tx, &mut editing).await?;
        let all = editing.stats.total_rows;
        let event = finish(&mut tx, &mut editing, None, &svc.telemetry, all).await?;
        store::imports::set_config_version(
            &mut tx,
            principal.company_id,
            id.uuid(),
            active.version,
        )
        .await?;
        tx.commit().await?;
        svc.telemetry.emit(&event);
        rows::summary(&svc.pool, principal, id).await
    })
    .await
}

/// Locks the import, checks it can still change, and compiles its configuration version
/// with its mapping (or `new_mapping`).
pub(crate) async fn open(
    conn: &mut PgConnection,
    principal: &auth::Principal,
    import_id: Uuid,
    new_mapping: Option<&ExplicitMapping>,
) -> Result<Editing, ImportError> {
    open_at(conn, principal, import_id, new_mapping, None).await
}

/// [`open`], compiling configuration `version` instead of the import's own when given.
async fn open_at(
    conn: &mut PgConnection,
    principal: &auth::Principal,
    import_id: Uuid,
    new_mapping: Option<&ExplicitMapping>,
    version: Option<i32>,
) -> Result<Editing, ImportError> {
    principal.require_member()?;
    let record = store::imports::lock_import(&mut *conn, principal.company_id, import_id)
        .await?
        .ok_or_else(|| ImportError::NotFound(format!("No import {import_id}.")))?;
    let status: ImportStatus = record.status.parse().map_err(ImportError::internal)?;
    if !status.is_editable() {
        return Err(ImportError::Conflict {
            code: "import.not_editable",
            message: format!(
                "This import is {} and can no longer be changed.",
                record.status
            ),
        });
    }
    let version = version.unwrap_or(record.config_version);
    let stored = store::configs::version(&mut *conn, principal.company_id, version)
        .await?
        .ok_or_else(|| ImportError::internal("the import's configuration version is missing"))?;
    let config: ImportConfig =
        serde_json::from_value(stored.config).map_err(ImportError::internal)?;
    let mut validator =
        Validator::new(&config).map_err(|e| ImportError::internal(format!("{e:?}")))?;
    validator.set_normalization_notes(false);
    let stats: Stats = serde_json::from_value(record.stats).unwrap_or_default();
    validator.apply_column_analysis(&ColumnAnalysis {
        dates: stats.date_columns.clone(),
    });
    let headers: Vec<String> = serde_json::from_value(record.headers).unwrap_or_default();
    let mut mapping: Mapping =
        serde_json::from_value(record.mapping).map_err(ImportError::internal)?;
    if let Some(explicit) = new_mapping {
        mapping = crate::mapping::from_explicit(&headers, &config, explicit)?;
    }
    let columns = mapping.columns_for(validator.fields());
    // A new mapping or another version re-reads every row: a re-map; the rest are edits.
    let stage = if new_mapping.is_some() || version != record.config_version {
        Stage::Remap
    } else {
        Stage::Edit
    };
    let mut event = Event::new(stage, principal.company_id);
    event.import_id = Some(import_id);
    event.user_id = Some(principal.user_id);
    event.source_key = record.source_key;
    event.format = Some(record.format);
    event.config_version = Some(version);
    Ok(Editing {
        company_id: principal.company_id,
        import_id,
        validator,
        mapping,
        columns,
        stats,
        event,
        started: Instant::now(),
    })
}

/// Stores the new stats (and mapping) and the change's telemetry row, `touched` rows
/// changed; answers the event to emit once the transaction commits.
pub(crate) async fn finish(
    conn: &mut PgConnection,
    editing: &mut Editing,
    mapping: Option<&serde_json::Value>,
    telemetry: &Telemetry,
    touched: u64,
) -> Result<Event, ImportError> {
    let stats = serde_json::to_value(&editing.stats).map_err(ImportError::internal)?;
    store::imports::update_state(
        &mut *conn,
        editing.company_id,
        editing.import_id,
        &stats,
        mapping,
    )
    .await?;
    let event = &mut editing.event;
    event.rows = Some(telemetry::Rows {
        total: touched,
        ..(&editing.stats).into()
    });
    event.duration = editing.started.elapsed();
    telemetry.write(&mut *conn, event).await?;
    Ok(event.clone())
}

/// Runs a change of a staged import and records its failure; its success is recorded by
/// [`finish`] inside the change's transaction.
pub(crate) async fn traced<T>(
    svc: &ImportService,
    principal: &auth::Principal,
    id: ImportId,
    stage: Stage,
    work: impl std::future::Future<Output = Result<T, ImportError>>,
) -> Result<T, ImportError> {
    let started = Instant::now();
    let result = work.await;
    if let Err(err) = &result {
        let mut event = Event::new(stage, principal.company_id);
        event.import_id = Some(id.uuid());
        event.user_id = Some(principal.user_id);
        event.outcome = telemetry::Outcome::of(err);
        event.duration = started.elapsed();
        svc.telemetry.record(&svc.pool, &event).await;
    }
    result
}

/// Records a change for undo: the rows' states before it (`before`) and now. Rows the
/// change left as they were are not recorded; a change that changed nothing is not a step.
async fn record_undo(
    conn: &mut PgConnection,
    editing: &Editing,
    kind: &str,
    label: &str,
    before: Vec<store::imports::RowState>,
) -> Result<(), ImportError> {
    let seqs: Vec<i32> = before.iter().map(|r| r.seq).collect();
    let after =
        store::imports::row_states(&mut *conn, editing.company_id, editing.import_id, &seqs)
            .await?;
    let after: HashMap<i32, store::imports::RowState> =
        after.into_iter().map(|r| (r.seq, r)).collect();
    let state = |r: &store::imports::RowState| serde_json::json!({ "edits": r.edits, "excluded": r.excluded });
    let rows: Vec<serde_json::Value> = before
        .iter()
        .filter_map(|b| {
            let a = after.get(&b.seq)?;
            (a != b)
                .then(|| serde_json::json!({ "seq": b.seq, "before": state(b), "after": state(a) }))
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    store::imports::push_undo(
        conn,
        editing.company_id,
        editing.import_id,
        kind,
        label,
        &serde_json::Value::Array(rows),
        UNDO_STEPS,
    )
    .await?;
    Ok(())
}

fn issues_of(row: &store::imports::RowForCheck) -> Vec<serde_json::Value> {
    match &row.issues {
        serde_json::Value::Array(items) => items.clone(),
        _ => Vec::new(),
    }
}

fn row_no(row: &store::imports::RowForCheck) -> u32 {
    u32::try_from(row.row_no).unwrap_or(0)
}

/// Parses stored `kind:key` strings back into keys.
fn parse_keys(keys: &[String]) -> Vec<(DedupeKeyKind, String)> {
    keys.iter()
        .filter_map(|k| {
            let (kind, key) = k.split_once(':')?;
            let kind = match kind {
                "email" => DedupeKeyKind::Email,
                "phone" => DedupeKeyKind::Phone,
                "name_company" => DedupeKeyKind::NameCompany,
                _ => return None,
            };
            Some((kind, key.to_owned()))
        })
        .collect()
}
