//! Alias proposals: a member who fixed an unknown enum value in Review proposes the
//! spelling as an alias; an admin approves it (the alias is published as a new
//! configuration version, in the same transaction as the decision) or rejects it.

use sqlx::PgPool;

use api::{
    AliasEvidence, AliasProposal, AliasProposalList, NewAliasProposal, ProposalDecision,
    ProposalId, ProposalStatus, PublishOutcome,
};
use rules::config_edit::{self, Edit};
use store::alias_proposals::{self as db, NewProposal, ProposalRow};

use crate::config;
use crate::ImportError;

/// The longest spelling accepted as an alias.
const MAX_ALIAS: usize = 200;

/// The company's proposals with their evidence (every member may read them).
pub async fn list(
    pool: &PgPool,
    principal: &auth::Principal,
) -> Result<AliasProposalList, ImportError> {
    principal.require_member()?;
    let proposals = db::list(pool, principal.company_id, None)
        .await?
        .into_iter()
        .map(view)
        .collect::<Result<_, _>>()?;
    Ok(AliasProposalList { proposals })
}

/// Proposes `alias` as a spelling of `value` in the enum field `field`. The same pending
/// proposal made again is found, not doubled; the flag says whether it is new.
pub async fn propose(
    pool: &PgPool,
    principal: &auth::Principal,
    input: &NewAliasProposal,
) -> Result<(AliasProposal, bool), ImportError> {
    principal.require_member()?;
    let alias = input.alias.trim();
    if alias.is_empty() || alias.chars().count() > MAX_ALIAS {
        return Err(ImportError::bad_request(format!(
            "An alias has 1 to {MAX_ALIAS} characters."
        )));
    }
    let active = config::active(pool, principal.company_id).await?;
    let field = active
        .config
        .field(&input.field)
        .filter(|f| !f.constraints.allowed.is_empty())
        .ok_or_else(|| {
            ImportError::bad_request(format!(
                "\"{}\" is not a field with a list of allowed values.",
                input.field
            ))
        })?;
    if !field
        .constraints
        .allowed
        .iter()
        .any(|a| a.value == input.value)
    {
        return Err(ImportError::bad_request(format!(
            "\"{}\" is not an allowed value of {}.",
            input.value, field.label
        )));
    }
    if field.names_allowed_value(alias) {
        return Err(ImportError::Conflict {
            code: "alias.known",
            message: format!("{} already accepts \"{alias}\".", field.label),
        });
    }
    if let Some(import_id) = input.import_id {
        store::imports::get_import(pool, principal.company_id, import_id.uuid())
            .await?
            .ok_or_else(|| ImportError::NotFound(format!("No import {import_id}.")))?;
    }
    let mut tx = pool.begin().await?;
    let (id, created) = db::insert_or_find(
        &mut tx,
        NewProposal {
            company_id: principal.company_id,
            field: &input.field,
            alias,
            value: &input.value,
            import_id: input.import_id.map(|i| i.uuid()),
            proposed_by: principal.user_id,
        },
    )
    .await?;
    if created {
        audit(
            &mut tx,
            principal,
            "alias.propose",
            id,
            serde_json::json!({ "field": input.field, "alias": alias, "value": input.value }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok((one(pool, principal, id).await?, created))
}

/// Approves a pending proposal (admins): publishes the alias as a new configuration
/// version and records the decision, in one transaction. When the alias is already in the
/// configuration (added by hand meanwhile), the proposal is approved without a version.
pub async fn approve(
    pool: &PgPool,
    principal: &auth::Principal,
    id: ProposalId,
    decision: &ProposalDecision,
) -> Result<AliasProposal, ImportError> {
    principal.require_admin()?;
    // Seeds version 1 for a company that never had one, outside the transaction.
    config::active(pool, principal.company_id).await?;
    let mut tx = pool.begin().await?;
    let (field, alias, value) = pending(&mut tx, principal, id).await?;
    let current = store::configs::lock_active_version(&mut tx, principal.company_id)
        .await?
        .ok_or_else(|| ImportError::internal("no active configuration"))?;
    let current_config = config::version(&mut *tx, principal.company_id, current)
        .await?
        .config;
    let known = current_config
        .field(&field)
        .is_some_and(|f| f.names_allowed_value(&alias) && !alias.is_empty());
    let published = if known {
        None
    } else {
        let edit = Edit::AddAlias {
            key: field.clone(),
            value: value.clone(),
            alias: alias.clone(),
        };
        let next = config_edit::apply(&current_config, &edit).map_err(|message| {
            ImportError::Conflict {
                code: "alias.stale",
                message: format!("The configuration changed since the proposal: {message}"),
            }
        })?;
        let comment = match decision.comment.trim() {
            "" => format!("Alias \"{alias}\" for {value} ({field}), from a proposal"),
            c => c.to_owned(),
        };
        match config::store_version_in(
            &mut tx,
            principal,
            Some(current),
            &next,
            &comment,
            "config.publish",
            None,
        )
        .await?
        {
            Ok(n) => Some(n),
            Err(PublishOutcome::Stale { .. }) | Err(_) => {
                return Err(ImportError::Conflict {
                    code: "config.stale",
                    message: "Someone published at the same moment; try again.".into(),
                })
            }
        }
    };
    db::decide(
        &mut *tx,
        principal.company_id,
        id.uuid(),
        true,
        principal.user_id,
        published,
        "",
    )
    .await?;
    audit(
        &mut tx,
        principal,
        "alias.approve",
        id.uuid(),
        serde_json::json!({ "field": field, "alias": alias, "value": value, "config_version": published }),
    )
    .await?;
    tx.commit().await?;
    one(pool, principal, id.uuid()).await
}

/// Rejects a pending proposal (admins), with the reason in `comment`.
pub async fn reject(
    pool: &PgPool,
    principal: &auth::Principal,
    id: ProposalId,
    decision: &ProposalDecision,
) -> Result<AliasProposal, ImportError> {
    principal.require_admin()?;
    let reason = decision.comment.trim();
    if reason.chars().count() > 1_000 {
        return Err(ImportError::bad_request(
            "A reason has at most 1,000 characters.",
        ));
    }
    let mut tx = pool.begin().await?;
    let (field, alias, value) = pending(&mut tx, principal, id).await?;
    db::decide(
        &mut *tx,
        principal.company_id,
        id.uuid(),
        false,
        principal.user_id,
        None,
        reason,
    )
    .await?;
    audit(
        &mut tx,
        principal,
        "alias.reject",
        id.uuid(),
        serde_json::json!({ "field": field, "alias": alias, "value": value, "reason": reason }),
    )
    .await?;
    tx.commit().await?;
    one(pool, principal, id.uuid()).await
}

/// The pending proposal, locked; decided or unknown ones (and other companies') are 404.
async fn pending(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    principal: &auth::Principal,
    id: ProposalId,
) -> Result<(String, String, String), ImportError> {
    db::lock_pending(&mut **tx, principal.company_id, id.uuid())
        .await?
        .ok_or_else(|| ImportError::NotFound(format!("No pending alias proposal {id}.")))
}

async fn one(
    pool: &PgPool,
    principal: &auth::Principal,
    id: uuid::Uuid,
) -> Result<AliasProposal, ImportError> {
    let row = db::list(pool, principal.company_id, Some(id))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ImportError::NotFound(format!("No alias proposal {id}.")))?;
    view(row)
}

async fn audit(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    principal: &auth::Principal,
    action: &'static str,
    id: uuid::Uuid,
    diff: serde_json::Value,
) -> Result<(), ImportError> {
    store::audit::record(
        &mut **tx,
        &store::audit::AuditEntry {
            company_id: Some(principal.company_id),
            actor_id: Some(principal.user_id),
            action,
            entity: "alias_proposal",
            entity_id: Some(id.to_string()),
            diff,
        },
    )
    .await?;
    Ok(())
}

fn view(row: ProposalRow) -> Result<AliasProposal, ImportError> {
    let status = ProposalStatus::parse(&row.status)
        .ok_or_else(|| ImportError::internal(format!("proposal status {}", row.status)))?;
    Ok(AliasProposal {
        id: ProposalId(row.id),
        field: row.field,
        alias: row.alias,
        value: row.value,
        status,
        import_id: row.import_id.map(api::ImportId),
        proposed_by: row.proposed_by,
        proposed_at: row.proposed_at,
        evidence: AliasEvidence {
            rows: row.evidence_rows,
            imports: row.evidence_imports,
        },
        decided_by: row.decided_by,
        decided_at: row.decided_at,
        config_version: row.config_version,
        reason: row.reason,
    })
}
