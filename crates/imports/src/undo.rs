//! Undo and redo of cell edits and bulk actions on a staged import. `edits` records each
//! change as the touched rows' states (edits, excluded flag) before and after; stepping back
//! or forward writes one side back and revalidates, exactly as the change itself did.

use serde::Deserialize;
use sqlx::PgPool;

use crate::edits::{finish, open, revalidate_all, revalidate_rows, traced};
use crate::telemetry::Stage;
use crate::{ImportError, ImportService};
use api::{ImportId, UndoResult, UndoState};

/// One row of a recorded step.
#[derive(Debug, Deserialize)]
struct Entry {
    seq: i32,
    before: Side,
    after: Side,
}

#[derive(Debug, Deserialize)]
struct Side {
    #[serde(default)]
    edits: serde_json::Value,
    #[serde(default)]
    excluded: bool,
}

/// What undo and redo would do next for this import.
pub async fn state(
    pool: &PgPool,
    principal: &auth::Principal,
    import_id: ImportId,
) -> Result<UndoState, ImportError> {
    principal.require_member()?;
    let (undo, redo) =
        store::imports::undo_labels(pool, principal.company_id, import_id.uuid()).await?;
    Ok(UndoState { undo, redo })
}

/// Reverts the newest change that is not undone yet.
#[tracing::instrument(skip_all, fields(import = %import_id))]
pub async fn undo(
    svc: &ImportService,
    principal: &auth::Principal,
    import_id: ImportId,
) -> Result<UndoResult, ImportError> {
    let work = step(svc, principal, import_id, Direction::Undo);
    traced(svc, principal, import_id, Stage::Edit, work).await
}

/// Re-applies the oldest undone change.
#[tracing::instrument(skip_all, fields(import = %import_id))]
pub async fn redo(
    svc: &ImportService,
    principal: &auth::Principal,
    import_id: ImportId,
) -> Result<UndoResult, ImportError> {
    let work = step(svc, principal, import_id, Direction::Redo);
    traced(svc, principal, import_id, Stage::Edit, work).await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Undo,
    Redo,
}

async fn step(
    svc: &ImportService,
    principal: &auth::Principal,
    id: ImportId,
    direction: Direction,
) -> Result<UndoResult, ImportError> {
    let import_id = id.uuid();
    let mut tx = svc.pool.begin().await?;
    // Locks the import, so an undo never interleaves with an edit.
    let mut editing = open(&mut tx, principal, import_id, None).await?;
    let company_id = editing.company_id;
    let undoing = direction == Direction::Undo;
    let Some(recorded) =
        store::imports::next_undo_step(&mut tx, company_id, import_id, !undoing).await?
    else {
        return Err(ImportError::Conflict {
            code: if undoing {
                "undo.nothing"
            } else {
                "redo.nothing"
            },
            message: if undoing {
                "There is nothing to undo.".to_owned()
            } else {
                "There is nothing to redo.".to_owned()
            },
        });
    };
    let entries: Vec<Entry> =
        serde_json::from_value(recorded.rows).map_err(ImportError::internal)?;
    let only_exclusion = entries.iter().all(|e| e.before.edits == e.after.edits);
    let states: Vec<store::imports::RowState> = entries
        .into_iter()
        .map(|e| {
            let side = if undoing { e.before } else { e.after };
            store::imports::RowState {
                seq: e.seq,
                edits: side.edits,
                excluded: side.excluded,
            }
        })
        .collect();
    store::imports::restore_row_states(&mut tx, company_id, import_id, &states).await?;
    let seqs: Vec<i32> = states.iter().map(|s| s.seq).collect();
    if only_exclusion {
        // Values did not change: validation results stay; only the count moves.
        let excluded = store::imports::count_excluded(&mut tx, company_id, import_id).await?;
        editing.stats.excluded_rows = u64::try_from(excluded).unwrap_or(0);
    } else if recorded.kind == "edit" {
        revalidate_rows(&mut tx, &mut editing, &seqs).await?;
    } else {
        // A bulk action was revalidated as a whole import; its reversal is too.
        revalidate_all(&mut tx, &mut editing).await?;
    }
    store::imports::mark_undo_step(&mut tx, company_id, import_id, recorded.step, undoing).await?;
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
    let (undo, redo) = store::imports::undo_labels(&svc.pool, company_id, import_id).await?;
    Ok(UndoResult {
        label: recorded.label,
        seqs: seqs.iter().filter_map(|s| u32::try_from(*s).ok()).collect(),
        stats: editing.stats,
        state: UndoState { undo, redo },
    })
}
