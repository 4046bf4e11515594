//! Reading the audit log (admins): filtered by action prefix, actor and entity, paged.

use api::{AuditEntry, AuditPage, AuditQuery, Page};

use crate::ImportError;

/// The most entries one page holds.
const MAX_LIMIT: i64 = 500;

/// A page of the company's audit log, newest first.
pub async fn list(
    pool: &sqlx::PgPool,
    principal: &auth::Principal,
    query: &AuditQuery,
) -> Result<AuditPage, ImportError> {
    principal.require_admin()?;
    let limit = query.limit.unwrap_or(50);
    let offset = query.offset.unwrap_or(0);
    if !(1..=MAX_LIMIT).contains(&limit) || offset < 0 {
        return Err(ImportError::bad_request(format!(
            "limit is 1 to {MAX_LIMIT} and offset 0 or more."
        )));
    }
    let filter = store::audit::AuditFilter {
        action: query.action.as_deref(),
        actor: query.actor.as_deref(),
        entity: query.entity.as_deref(),
        limit,
        offset,
    };
    let (rows, total) = store::audit::list_for_company(pool, principal.company_id, &filter).await?;
    Ok(AuditPage {
        entries: rows
            .into_iter()
            .map(|r| AuditEntry {
                at: r.at,
                actor: r.actor_email,
                action: r.action,
                entity: r.entity,
                entity_id: r.entity_id,
                diff: r.diff,
            })
            .collect(),
        page: Page {
            offset,
            limit,
            total,
        },
    })
}
