//! Alias proposals: members propose from the grid, admins approve or reject on the rules
//! page.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{AliasProposal, AliasProposalList, ImportId, ProposalId};

/// The company's proposals, pending first.
#[server(prefix = "/api/fn", endpoint = "aliases/list")]
pub async fn list_alias_proposals() -> Result<AliasProposalList, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    Ok(imports::aliases::list(&state.pool, &principal).await?)
}

/// Proposes `alias` as a spelling of `value` in `field`, from the import being reviewed.
#[server(prefix = "/api/fn", endpoint = "aliases/propose", input = Json)]
pub async fn propose_alias(
    field: String,
    alias: String,
    value: String,
    import_id: ImportId,
) -> Result<AliasProposal, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let input = crate::model::NewAliasProposal {
        field,
        alias,
        value,
        import_id: Some(import_id),
    };
    let (proposal, _) = imports::aliases::propose(&state.pool, &principal, &input).await?;
    Ok(proposal)
}

/// Approves a proposal: the alias is published as a new version (admins).
#[server(prefix = "/api/fn", endpoint = "aliases/approve", input = Json)]
pub async fn approve_alias(id: ProposalId) -> Result<AliasProposal, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let decision = crate::model::ProposalDecision::default();
    Ok(imports::aliases::approve(&state.pool, &principal, id, &decision).await?)
}

/// Rejects a proposal with a reason (admins).
#[server(prefix = "/api/fn", endpoint = "aliases/reject", input = Json)]
pub async fn reject_alias(id: ProposalId, reason: String) -> Result<AliasProposal, AppError> {
    use crate::server::{app_state, require_principal};
    let principal = require_principal()?;
    let state = app_state()?;
    let decision = crate::model::ProposalDecision { comment: reason };
    Ok(imports::aliases::reject(&state.pool, &principal, id, &decision).await?)
}
