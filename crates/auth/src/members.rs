//! A company's members for its admins: list them, change a role, deactivate and activate,
//! remove. The company keeps at least one active admin, checked under a lock.

use api::{Role, UserId, UserList, UserPatch, UserView};
use sqlx::PgPool;
use store::accounts::{self as db, CompanyUser};

use crate::{AuthError, Principal};

/// The members of the principal's company, admins first (admins only).
pub async fn list_users(pool: &PgPool, principal: &Principal) -> Result<UserList, AuthError> {
    principal.require_admin()?;
    let users = db::list_company_users(pool, principal.company_id)
        .await?
        .into_iter()
        .map(view)
        .collect::<Result<_, _>>()?;
    Ok(UserList { users })
}

/// Changes a member's role or deactivates / activates them (admins only). Deactivating
/// ends their sessions at once; their tokens are refused while they are inactive.
pub async fn update_user(
    pool: &PgPool,
    principal: &Principal,
    id: UserId,
    patch: &UserPatch,
) -> Result<UserView, AuthError> {
    principal.require_admin()?;
    let mut tx = pool.begin().await?;
    let members = db::lock_company_users(&mut *tx, principal.company_id).await?;
    let before = find(&members, id)?;
    let role: Role = before.role.parse()?;
    let active = before.deactivated_at.is_none();
    let new_role = patch.role.unwrap_or(role);
    let new_active = patch.active.unwrap_or(active);
    if role == Role::Admin && active && (new_role != Role::Admin || !new_active) {
        guard_last_admin(&members, before)?;
    }
    db::update_membership(
        &mut *tx,
        principal.company_id,
        id.uuid(),
        new_role.as_str(),
        new_active,
    )
    .await?;
    let mut diff = serde_json::Map::new();
    diff.insert("email".into(), before.email.clone().into());
    if new_role != role {
        diff.insert(
            "role".into(),
            serde_json::json!({ "from": role, "to": new_role }),
        );
    }
    if new_active != active {
        diff.insert(
            "active".into(),
            serde_json::json!({ "from": active, "to": new_active }),
        );
    }
    if !new_active {
        let ended = db::delete_sessions_of(&mut *tx, principal.company_id, id.uuid()).await?;
        if active {
            diff.insert("sessions_ended".into(), ended.into());
        }
    }
    if diff.len() > 1 {
        audit(&mut tx, principal, "user.update", id, diff.into()).await?;
    }
    let after = db::lock_company_users(&mut *tx, principal.company_id).await?;
    let updated = view(find(&after, id)?.clone())?;
    tx.commit().await?;
    Ok(updated)
}

/// Removes a member from the company (admins only): the membership goes, their sessions
/// end and their tokens for this company are revoked. The account itself stays (it may
/// belong to other companies), and so do the imports they made.
pub async fn remove_user(
    pool: &PgPool,
    principal: &Principal,
    id: UserId,
) -> Result<(), AuthError> {
    principal.require_admin()?;
    let mut tx = pool.begin().await?;
    let members = db::lock_company_users(&mut *tx, principal.company_id).await?;
    let member = find(&members, id)?;
    if member.role == Role::Admin.as_str() && member.deactivated_at.is_none() {
        guard_last_admin(&members, member)?;
    }
    db::delete_membership(&mut *tx, principal.company_id, id.uuid()).await?;
    let sessions = db::delete_sessions_of(&mut *tx, principal.company_id, id.uuid()).await?;
    let tokens = db::revoke_tokens_of(&mut *tx, principal.company_id, id.uuid()).await?;
    let diff = serde_json::json!({
        "email": member.email,
        "role": member.role,
        "sessions_ended": sessions,
        "tokens_revoked": tokens,
    });
    audit(&mut tx, principal, "user.remove", id, diff).await?;
    tx.commit().await?;
    Ok(())
}

/// The member with this id; another company's user or an unknown id is not found.
fn find(members: &[CompanyUser], id: UserId) -> Result<&CompanyUser, AuthError> {
    members
        .iter()
        .find(|m| m.user_id == id.uuid())
        .ok_or_else(|| AuthError::NotFound("No such user in your company.".into()))
}

/// Refuses to demote, deactivate or remove `member` when no other active admin is left.
fn guard_last_admin(members: &[CompanyUser], member: &CompanyUser) -> Result<(), AuthError> {
    let others = members.iter().any(|m| {
        m.user_id != member.user_id && m.role == Role::Admin.as_str() && m.deactivated_at.is_none()
    });
    if others {
        Ok(())
    } else {
        Err(AuthError::LastAdmin(member.email.clone()))
    }
}

async fn audit(
    tx: &mut sqlx::PgConnection,
    principal: &Principal,
    action: &'static str,
    id: UserId,
    diff: serde_json::Value,
) -> Result<(), AuthError> {
    store::audit::record(
        tx,
        &store::audit::AuditEntry {
            company_id: Some(principal.company_id),
            actor_id: Some(principal.user_id),
            action,
            entity: "user",
            entity_id: Some(id.to_string()),
            diff,
        },
    )
    .await?;
    Ok(())
}

fn view(row: CompanyUser) -> Result<UserView, AuthError> {
    Ok(UserView {
        id: UserId(row.user_id),
        role: row.role.parse()?,
        active: row.deactivated_at.is_none(),
        email: row.email,
        display_name: row.display_name,
        joined_at: row.joined_at,
    })
}
