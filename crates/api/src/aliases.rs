//! Alias proposals on the wire: a spelling met in Review, proposed as an alias of an
//! allowed value, and an admin's decision on it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::{ImportId, ProposalId};

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ProposalStatus {
    /// Waiting for an admin.
    Pending,
    /// Published as an alias in `config_version`.
    Approved,
    /// Turned down, with the admin's reason.
    Rejected,
}

impl ProposalStatus {
    /// The status as stored in `alias_proposals.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalStatus::Pending => "pending",
            ProposalStatus::Approved => "approved",
            ProposalStatus::Rejected => "rejected",
        }
    }

    /// The status a stored name stands for.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(ProposalStatus::Pending),
            "approved" => Some(ProposalStatus::Approved),
            "rejected" => Some(ProposalStatus::Rejected),
            _ => None,
        }
    }
}

/// How often the spelling still fails in the company's staged imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AliasEvidence {
    /// Staged rows whose field still holds this spelling as an unknown value.
    pub rows: i64,
    /// In how many imports.
    pub imports: i64,
}

/// A proposal as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AliasProposal {
    pub id: ProposalId,
    /// The enum field's key, e.g. `status`.
    pub field: String,
    /// The spelling to accept, e.g. `Warmer Kontakt`.
    pub alias: String,
    /// The allowed value it would mean, e.g. `contacted`.
    pub value: String,
    pub status: ProposalStatus,
    /// The import it was proposed from, when there was one.
    pub import_id: Option<ImportId>,
    /// The proposer's e-mail (absent once their account is gone).
    pub proposed_by: Option<String>,
    #[serde(with = "crate::timestamp")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub proposed_at: OffsetDateTime,
    /// Counted for pending proposals; zeros once decided.
    pub evidence: AliasEvidence,
    pub decided_by: Option<String>,
    #[serde(with = "crate::timestamp::option")]
    #[schemars(with = "Option<String>", extend("format" = "date-time"))]
    pub decided_at: Option<OffsetDateTime>,
    /// The configuration version an approval published (absent when the alias was in the
    /// configuration already).
    pub config_version: Option<i32>,
    /// A rejection's reason.
    pub reason: String,
}

/// `GET /api/alias-proposals`: pending proposals first, then the decided ones, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AliasProposalList {
    pub proposals: Vec<AliasProposal>,
}

/// `POST /api/alias-proposals`: members and admins propose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NewAliasProposal {
    pub field: String,
    pub alias: String,
    pub value: String,
    #[serde(default)]
    pub import_id: Option<ImportId>,
}

/// The body of `…/approve` and `…/reject`, both optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ProposalDecision {
    /// The comment of the published version (approve) or the reason (reject).
    #[serde(default)]
    pub comment: String,
}
