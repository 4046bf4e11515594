//! Reverting an applied import in one transaction: the leads it created are removed and
//! the leads it updated get their before-image back. A lead changed since the import is
//! never overwritten silently: the revert lists the conflicts and waits for a decision.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::{ImportSummary, RevertResult};
use crate::{ImportError, ImportService};

/// Conflicts listed in one answer at most (the total is always given).
const MAX_LISTED_CONFLICTS: i64 = 100;

/// What to do with leads changed since the import.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RevertRequest {
    /// `abort` (the default: list the conflicts, change nothing), `keep` (revert the rest
    /// and leave changed leads as they are) or `overwrite` (revert them too).
    pub on_conflict: Option<String>,
}

/// A lead changed since the import, field by field.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RevertConflict {
    pub lead_id: Uuid,
    /// `created` or `updated`: what the import did to it.
    pub action: String,
    pub email: Option<String>,
    pub fields: Vec<FieldChange>,
}

/// One field whose value moved since the import.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    /// As the import left it.
    pub imported: serde_json::Value,
    /// As it is now.
    pub current: serde_json::Value,
}

/// The conflicts that stopped a revert.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Conflicts {
    pub total: u64,
    pub conflicts: Vec<RevertConflict>,
}

/// How a revert request ended.
#[derive(Debug, Clone)]
pub enum Reverted {
    Done(Box<ImportSummary>),
    Conflicts(Conflicts),
}

/// Reverts an applied import (a reverted one answers its summary again).
#[tracing::instrument(skip_all, fields(import = %import_id))]
pub async fn revert(
    svc: &ImportService,
    principal: &auth::Principal,
    import_id: Uuid,
    req: &RevertRequest,
) -> Result<Reverted, ImportError> {
    principal.require_member()?;
    let on_conflict = req.on_conflict.as_deref().unwrap_or("abort");
    if !matches!(on_conflict, "abort" | "keep" | "overwrite") {
        return Err(ImportError::invalid(
            "revert.invalid_choice",
            format!("Unknown on_conflict “{on_conflict}”: use abort, keep or overwrite."),
        ));
    }
    let company_id = principal.company_id;
    let mut tx = svc.pool.begin().await?;
    let (status, _) = store::apply::lock_status(&mut tx, company_id, import_id)
        .await?
        .ok_or_else(|| ImportError::NotFound(format!("No import {import_id}.")))?;
    match status.as_str() {
        "applied" => {}
        "reverted" => {
            drop(tx);
            let summary = crate::rows::summary(&svc.pool, principal, import_id).await?;
            return Ok(Reverted::Done(Box::new(summary)));
        }
        "applying" => {
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
    if total > 0 && on_conflict == "abort" {
        return Ok(Reverted::Conflicts(Conflicts {
            total: u64::try_from(total).unwrap_or(0),
            conflicts: found.into_iter().map(describe).collect(),
        }));
    }
    let counts =
        store::apply::revert_changes(&mut tx, company_id, import_id, on_conflict == "overwrite")
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
    tx.commit().await?;
    tracing::info!(
        target: "import_telemetry",
        import_id = %import_id,
        stage = "revert",
        removed = result.removed,
        restored = result.restored,
        kept = result.kept,
        "[ImportTelemetry] import reverted"
    );
    let summary = crate::rows::summary(&svc.pool, principal, import_id).await?;
    Ok(Reverted::Done(Box::new(summary)))
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
        lead_id: c.lead_id,
        action: c.action,
        email: current
            .get("email")
            .and_then(|v| v.as_str())
            .map(str::to_owned),
        fields,
    }
}
