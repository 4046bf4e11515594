//! Reverting an applied import in one transaction: the leads it created are removed and
//! the leads it updated get their before-image back. A lead changed since the import is
//! never overwritten silently: the revert lists the conflicts and waits for a decision.

use api::{
    Conflicts, FieldChange, ImportId, ImportStatus, LeadAction, LeadId, RevertChoice,
    RevertConflict, RevertOutcome, RevertRequest, RevertResult,
};

use crate::telemetry::{self, Event, Stage};
use crate::{ImportError, ImportService};

/// Conflicts listed in one answer at most (the total is always given).
const MAX_LISTED_CONFLICTS: i64 = 100;

/// Reverts an applied import (a reverted one answers its summary again).
#[tracing::instrument(skip_all, fields(import = %id))]
pub async fn revert(
    svc: &ImportService,
    principal: &auth::Principal,
    id: ImportId,
    req: &RevertRequest,
) -> Result<RevertOutcome, ImportError> {
    crate::edits::traced(
        svc,
        principal,
        id,
        Stage::Revert,
        revert_in(svc, principal, id, req),
    )
    .await
}

async fn revert_in(
    svc: &ImportService,
    principal: &auth::Principal,
    id: ImportId,
    req: &RevertRequest,
) -> Result<RevertOutcome, ImportError> {
    let started = std::time::Instant::now();
    principal.require_member()?;
    let import_id = id.uuid();
    let on_conflict = req.on_conflict.unwrap_or_default();
    let company_id = principal.company_id;
    let mut tx = svc.pool.begin().await?;
    let (status, _) = store::apply::lock_status(&mut tx, company_id, import_id)
        .await?
        .ok_or_else(|| ImportError::NotFound(format!("No import {import_id}.")))?;
    match status.parse().map_err(ImportError::internal)? {
        ImportStatus::Applied => {}
        ImportStatus::Reverted => {
            drop(tx);
            let summary = crate::rows::summary(&svc.pool, principal, id).await?;
            return Ok(RevertOutcome::Reverted {
                summary: Box::new(summary),
            });
        }
        ImportStatus::Applying => {
            return Err(ImportError::Conflict {
                code: "import.apply_in_progress",
                message: "This import is being applied; revert it when it is done.".into(),
            })
        }
        _ => {
            return Err(ImportError::Conflict {
                code: "import.not_applied",
                message: "Only an applied import can be reverted; this one wrote nothing.".into(),
            })
        }
    }
    if !store::apply::try_lock_import(&mut tx, import_id).await? {
        return Err(ImportError::Conflict {
            code: "import.busy",
            message: "Someone else is reverting this import right now.".into(),
        });
    }
    let (total, found) =
        store::apply::revert_conflicts(&mut tx, company_id, import_id, MAX_LISTED_CONFLICTS)
            .await?;
    if total > 0 && on_conflict == RevertChoice::Abort {
        return Ok(RevertOutcome::Conflicts(Conflicts {
            total: u64::try_from(total).unwrap_or(0),
            conflicts: found.into_iter().map(describe).collect(),
        }));
    }
    let counts = store::apply::revert_changes(
        &mut tx,
        company_id,
        import_id,
        on_conflict == RevertChoice::Overwrite,
    )
    .await?;
    let result = RevertResult {
        removed: counts.removed,
        restored: counts.restored,
        kept: counts.kept,
        missing: counts.missing,
    };
    let result_json = serde_json::to_value(result).map_err(ImportError::internal)?;
    store::apply::mark_reverted(
        &mut tx,
        company_id,
        import_id,
        principal.user_id,
        &result_json,
    )
    .await?;
    store::audit::record(
        &mut *tx,
        &store::audit::AuditEntry {
            company_id: Some(company_id),
            actor_id: Some(principal.user_id),
            action: "import.reverted",
            entity: "import",
            entity_id: Some(import_id.to_string()),
            diff: serde_json::json!({ "on_conflict": on_conflict, "result": result_json }),
        },
    )
    .await?;
    let mut event = Event::new(Stage::Revert, company_id);
    event.import_id = Some(import_id);
    event.user_id = Some(principal.user_id);
    // Leads the revert touched: removed, restored, kept (conflicts) and already gone.
    event.rows = Some(telemetry::Rows {
        total: result.removed + result.restored + result.kept + result.missing,
        ..telemetry::Rows::default()
    });
    event.duration = started.elapsed();
    svc.telemetry.write(&mut *tx, &event).await?;
    tx.commit().await?;
    svc.telemetry.emit(&event);
    let summary = crate::rows::summary(&svc.pool, principal, id).await?;
    Ok(RevertOutcome::Reverted {
        summary: Box::new(summary),
    })
}

/// The fields of a conflicting lead that differ from what the import left.
fn describe(c: store::apply::Conflict) -> RevertConflict {
    let empty = serde_json::Map::new();
    let after = c.after.as_object().unwrap_or(&empty);
    let current = c.current.as_object().unwrap_or(&empty);
    let fields = current
        .iter()
        .filter(|(k, v)| after.get(*k) != Some(*v))
        .map(|(k, v)| FieldChange {
            field: k.clone(),
            imported: after.get(k).cloned().unwrap_or(serde_json::Value::Null),
            current: v.clone(),
        })
        .collect();
    RevertConflict {
        lead_id: LeadId(c.lead_id),
        // The table's CHECK allows `created` and `updated` only.
        action: if c.action == "created" {
            LeadAction::Created
        } else {
            LeadAction::Updated
        },
        email: current
            .get("email")
            .and_then(|v| v.as_str())
            .map(str::to_owned),
        fields,
    }
}
