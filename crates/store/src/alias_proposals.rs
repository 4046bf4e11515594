//! Alias proposals: spellings found in Review that someone proposed as an alias of an
//! allowed value, waiting for an admin to approve or reject them.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StoreError;

/// A proposal with its proposer's and decider's e-mails and, while it is pending, the
/// evidence: how many staged rows still fail on this spelling, in how many imports.
#[derive(Debug, Clone)]
pub struct ProposalRow {
    pub id: Uuid,
    pub field: String,
    pub alias: String,
    pub value: String,
    pub import_id: Option<Uuid>,
    pub status: String,
    pub proposed_by: Option<String>,
    pub proposed_at: OffsetDateTime,
    pub decided_by: Option<String>,
    pub decided_at: Option<OffsetDateTime>,
    pub config_version: Option<i32>,
    pub reason: String,
    pub evidence_rows: i64,
    pub evidence_imports: i64,
}

/// What a new proposal says.
#[derive(Debug, Clone, Copy)]
pub struct NewProposal<'a> {
    pub company_id: Uuid,
    pub field: &'a str,
    pub alias: &'a str,
    pub value: &'a str,
    pub import_id: Option<Uuid>,
    pub proposed_by: Uuid,
}

/// Stores a proposal, or finds the pending one that says the same (spelling compared
/// ignoring case); the id and whether it is new.
pub async fn insert_or_find(
    conn: &mut PgConnection,
    p: NewProposal<'_>,
) -> Result<(Uuid, bool), StoreError> {
    let inserted = sqlx::query_scalar!(
        "INSERT INTO alias_proposals (id, company_id, field, alias, value, import_id, proposed_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (company_id, field, lower(alias), value) WHERE status = 'pending' DO NOTHING
         RETURNING id",
        Uuid::new_v4(),
        p.company_id,
        p.field,
        p.alias,
        p.value,
        p.import_id,
        p.proposed_by,
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = inserted {
        return Ok((id, true));
    }
    let id = sqlx::query_scalar!(
        "SELECT id FROM alias_proposals
         WHERE company_id = $1 AND field = $2 AND lower(alias) = lower($3) AND value = $4
           AND status = 'pending'",
        p.company_id,
        p.field,
        p.alias,
        p.value,
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok((id, false))
}

/// The company's proposals, pending first and then newest first; `id` narrows to one.
/// The evidence is counted for pending proposals only (a decided one needs none), with
/// the `codes` index narrowing to rows that have an unknown enum value at all.
pub async fn list(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    id: Option<Uuid>,
) -> Result<Vec<ProposalRow>, StoreError> {
    let rows = sqlx::query_as!(
        ProposalRow,
        r#"SELECT p.id, p.field, p.alias, p.value, p.import_id, p.status,
                  pu.email AS "proposed_by?", p.proposed_at,
                  du.email AS "decided_by?", p.decided_at, p.config_version, p.reason,
                  coalesce(ev.rows, 0) AS "evidence_rows!", coalesce(ev.imports, 0) AS "evidence_imports!"
           FROM alias_proposals p
           LEFT JOIN users pu ON pu.id = p.proposed_by
           LEFT JOIN users du ON du.id = p.decided_by
           LEFT JOIN LATERAL (
               SELECT count(*) AS rows, count(DISTINCT r.import_id) AS imports
               FROM import_rows r
               WHERE r.company_id = p.company_id
                 AND r.codes @> ARRAY['cell.enum_unknown']
                 AND r.issues @> jsonb_build_array(jsonb_build_object(
                         'field', p.field, 'code', 'cell.enum_unknown', 'value', p.alias))
           ) ev ON p.status = 'pending'
           WHERE p.company_id = $1 AND ($2::uuid IS NULL OR p.id = $2)
           ORDER BY p.status <> 'pending', p.proposed_at DESC, p.id
           LIMIT 500"#,
        company_id,
        id,
    )
    .fetch_all(db)
    .await?;
    Ok(rows)
}

/// A pending proposal's field, spelling and value, locked until the transaction ends so
/// two admins deciding at once decide once.
pub async fn lock_pending(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    id: Uuid,
) -> Result<Option<(String, String, String)>, StoreError> {
    let row = sqlx::query!(
        "SELECT field, alias, value FROM alias_proposals
         WHERE company_id = $1 AND id = $2 AND status = 'pending'
         FOR UPDATE",
        company_id,
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.field, r.alias, r.value)))
}

/// Records a decision on a proposal.
pub async fn decide(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    id: Uuid,
    approved: bool,
    decided_by: Uuid,
    config_version: Option<i32>,
    reason: &str,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE alias_proposals
         SET status = CASE WHEN $3 THEN 'approved' ELSE 'rejected' END,
             decided_by = $4, decided_at = now(), config_version = $5, reason = $6
         WHERE company_id = $1 AND id = $2",
        company_id,
        id,
        approved,
        decided_by,
        config_version,
        reason,
    )
    .execute(db)
    .await?;
    Ok(())
}
