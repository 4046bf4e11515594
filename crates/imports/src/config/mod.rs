//! The company's import configuration: the active version (seeded with the default lead
//! configuration the first time it is needed), the version history and diffs, checking a
//! draft, publishing it or rolling back (admins only, audited with the diff), and the
//! impact preview (`preview`).

use rules::ImportConfig;
use sqlx::PgPool;
use uuid::Uuid;

use crate::ImportError;
use api::{
    CheckResult, ConfigDiff, ConfigVersionInfo, ConfigVersionView, ConfigVersions, PublishOutcome,
    PublishRequest, RollbackRequest,
};

pub(crate) mod preview;
pub use preview::preview;

/// A configuration version as the service hands it out.
#[derive(Debug, Clone)]
pub struct ActiveConfig {
    pub version: i32,
    pub config: ImportConfig,
}

/// The active configuration; a company that never saved one gets the default, stored as
/// version 1 so imports always name a real version.
pub async fn active(pool: &PgPool, company_id: Uuid) -> Result<ActiveConfig, ImportError> {
    if let Some(found) = store::configs::active(pool, company_id).await? {
        return parse(found.version, found.config);
    }
    let config = ImportConfig::default_leads();
    let json = serde_json::to_value(&config).map_err(ImportError::internal)?;
    let mut tx = pool.begin().await?;
    // Two first imports at once: the loser of the version race reads the winner's row.
    let inserted = store::configs::insert_active_version(
        &mut tx,
        company_id,
        &json,
        "Default lead configuration",
        None,
    )
    .await;
    match inserted {
        Ok(version) => {
            tx.commit().await?;
            Ok(ActiveConfig { version, config })
        }
        Err(e)
            if e.is_constraint("import_configs_company_version_key")
                || e.is_constraint("import_configs_one_active_idx") =>
        {
            drop(tx);
            let found = store::configs::active(pool, company_id)
                .await?
                .ok_or_else(|| ImportError::internal("configuration vanished"))?;
            parse(found.version, found.config)
        }
        Err(e) => Err(e.into()),
    }
}

/// A specific version (an import is always re-validated against its own version).
pub async fn version(
    db: impl sqlx::PgExecutor<'_>,
    company_id: Uuid,
    version: i32,
) -> Result<ActiveConfig, ImportError> {
    let found = store::configs::version(db, company_id, version)
        .await?
        .ok_or_else(|| {
            ImportError::NotFound(format!("Configuration version {version} does not exist."))
        })?;
    parse(found.version, found.config)
}

fn parse(version: i32, json: serde_json::Value) -> Result<ActiveConfig, ImportError> {
    let config: ImportConfig = serde_json::from_value(json).map_err(|e| {
        ImportError::internal(format!(
            "stored configuration v{version} is unreadable: {e}"
        ))
    })?;
    Ok(ActiveConfig { version, config })
}

/// The active version as the API shows it.
pub async fn active_view(
    pool: &PgPool,
    principal: &auth::Principal,
) -> Result<ConfigVersionView, ImportError> {
    principal.require_member()?;
    let active = active(pool, principal.company_id).await?;
    version_view(pool, principal, active.version).await
}

/// One version as the API shows it.
pub async fn version_view(
    pool: &PgPool,
    principal: &auth::Principal,
    version: i32,
) -> Result<ConfigVersionView, ImportError> {
    principal.require_member()?;
    let found = store::configs::version(pool, principal.company_id, version)
        .await?
        .ok_or_else(|| {
            ImportError::NotFound(format!("Configuration version {version} does not exist."))
        })?;
    let config = parse(found.version, found.config)?.config;
    Ok(ConfigVersionView {
        version: found.version,
        config,
        created_by: found.created_by_email,
        created_at: found.created_at,
        comment: found.comment,
        active: found.is_active,
    })
}

/// Every version, newest first.
pub async fn versions(
    pool: &PgPool,
    principal: &auth::Principal,
) -> Result<ConfigVersions, ImportError> {
    principal.require_member()?;
    // Seeds version 1 for a company that has none yet, so the list is never empty.
    active(pool, principal.company_id).await?;
    let rows = store::configs::list_versions(pool, principal.company_id).await?;
    Ok(ConfigVersions {
        versions: rows
            .into_iter()
            .map(|v| ConfigVersionInfo {
                version: v.version,
                created_by: v.created_by_email,
                created_at: v.created_at,
                comment: v.comment,
                active: v.is_active,
            })
            .collect(),
    })
}

/// What changed from version `from` to version `to`.
pub async fn diff(
    pool: &PgPool,
    principal: &auth::Principal,
    from: i32,
    to: i32,
) -> Result<ConfigDiff, ImportError> {
    principal.require_member()?;
    let a = version(pool, principal.company_id, from).await?;
    let b = version(pool, principal.company_id, to).await?;
    Ok(ConfigDiff {
        from,
        to,
        changes: rules::config_diff::diff(&a.config, &b.config),
    })
}

/// Every problem with a draft (any JSON), each located by a JSON pointer.
pub fn check(
    principal: &auth::Principal,
    draft: serde_json::Value,
) -> Result<CheckResult, ImportError> {
    principal.require_admin()?;
    let problems = match ImportConfig::check_value(draft) {
        Ok(_) => Vec::new(),
        Err(problems) => problems,
    };
    Ok(CheckResult { problems })
}

/// The longest comment kept with a version.
const MAX_COMMENT: usize = 1_000;

/// Publishes a draft as version n+1, if it is valid and still based on the active version.
/// The next dry run uses it: nothing caches a configuration.
#[tracing::instrument(skip_all, fields(base = request.base_version))]
pub async fn publish(
    pool: &PgPool,
    principal: &auth::Principal,
    request: PublishRequest,
) -> Result<PublishOutcome, ImportError> {
    principal.require_admin()?;
    let config = match ImportConfig::check_value(request.config) {
        Ok(config) => config,
        Err(problems) => return Ok(PublishOutcome::Invalid { problems }),
    };
    let comment = comment_of(&request.comment, "")?;
    store_version(
        pool,
        principal,
        Some(request.base_version),
        &config,
        &comment,
        "config.publish",
        None,
    )
    .await
}

/// Publishes version `n`'s content as a new version.
#[tracing::instrument(skip_all, fields(version = request.version))]
pub async fn rollback(
    pool: &PgPool,
    principal: &auth::Principal,
    request: RollbackRequest,
) -> Result<PublishOutcome, ImportError> {
    principal.require_admin()?;
    let old = version(pool, principal.company_id, request.version).await?;
    // A version stored by an older build may no longer pass today's check.
    if let Err(problems) = old.config.validate() {
        return Ok(PublishOutcome::Invalid { problems });
    }
    let comment = comment_of(
        &request.comment,
        &format!("Rollback to version {}", request.version),
    )?;
    store_version(
        pool,
        principal,
        None,
        &old.config,
        &comment,
        "config.rollback",
        Some(request.version),
    )
    .await
}

fn comment_of(comment: &str, default: &str) -> Result<String, ImportError> {
    let comment = comment.trim();
    if comment.chars().count() > MAX_COMMENT {
        return Err(ImportError::bad_request(format!(
            "A comment has at most {MAX_COMMENT} characters."
        )));
    }
    Ok(if comment.is_empty() { default } else { comment }.to_owned())
}

/// Stores `config` as the next version, with an audit entry that carries the readable
/// diff. With a `base` (a publish), only when that is still the active version; without
/// one (a rollback), on top of whatever is active.
async fn store_version(
    pool: &PgPool,
    principal: &auth::Principal,
    base: Option<i32>,
    config: &ImportConfig,
    comment: &str,
    action: &str,
    restored: Option<i32>,
) -> Result<PublishOutcome, ImportError> {
    // Seed version 1 first, so a company's first publish has a base to name.
    active(pool, principal.company_id).await?;
    let mut tx = pool.begin().await?;
    let stored =
        store_version_in(&mut tx, principal, base, config, comment, action, restored).await?;
    match stored {
        Ok(new_version) => {
            tx.commit().await?;
            crate::drift::after_publish(pool, principal.company_id);
            Ok(PublishOutcome::Published(Box::new(
                version_view(pool, principal, new_version).await?,
            )))
        }
        Err(stale) => Ok(stale),
    }
}

/// The part of [`store_version`] inside the caller's transaction (an alias approval
/// publishes in the same transaction as its decision): the new version's number, or the
/// `Stale` outcome. The company must have a version already.
pub(crate) async fn store_version_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    principal: &auth::Principal,
    base: Option<i32>,
    config: &ImportConfig,
    comment: &str,
    action: &str,
    restored: Option<i32>,
) -> Result<Result<i32, PublishOutcome>, ImportError> {
    let company_id = principal.company_id;
    let current = store::configs::lock_active_version(tx, company_id)
        .await?
        .ok_or_else(|| ImportError::internal("no active configuration"))?;
    let current_config = version(&mut **tx, company_id, current).await?.config;
    if let Some(base) = base.filter(|b| *b != current) {
        // A base that never existed has no changes to show; the refusal stands.
        let changes = match version(&mut **tx, company_id, base).await {
            Ok(b) => rules::config_diff::diff(&b.config, &current_config),
            Err(ImportError::NotFound(_)) => Vec::new(),
            Err(e) => return Err(e),
        };
        return Ok(Err(PublishOutcome::Stale {
            active_version: current,
            changes,
        }));
    }
    let changes = rules::config_diff::diff(&current_config, config);
    let json = serde_json::to_value(config).map_err(ImportError::internal)?;
    let new_version = store::configs::insert_active_version(
        tx,
        company_id,
        &json,
        comment,
        Some(principal.user_id),
    )
    .await
    .map_err(|e| {
        if e.is_constraint("import_configs_company_version_key") {
            ImportError::Conflict {
                code: "config.stale",
                message: "Someone published at the same moment; reload and try again.".into(),
            }
        } else {
            e.into()
        }
    })?;
    let mut diff = serde_json::json!({
        "from": current,
        "to": new_version,
        "comment": comment,
        "changes": changes,
    });
    if let Some(n) = restored {
        diff["restored"] = n.into();
    }
    store::audit::record(
        &mut **tx,
        &store::audit::AuditEntry {
            company_id: Some(company_id),
            actor_id: Some(principal.user_id),
            action,
            entity: "import_config",
            entity_id: Some(new_version.to_string()),
            diff,
        },
    )
    .await?;
    tracing::info!(
        version = new_version,
        changes = changes.len(),
        "[ConfigPublished]"
    );
    Ok(Ok(new_version))
}

/// How many of the company's leads hold a value for `key` (asked before removing a field).
pub async fn leads_using(
    pool: &PgPool,
    principal: &auth::Principal,
    key: &str,
) -> Result<i64, ImportError> {
    principal.require_admin()?;
    Ok(store::leads::count_with_value(pool, principal.company_id, key).await?)
}

/// The JSON Schema of a configuration, for editors and API clients.
pub fn schema() -> serde_json::Value {
    rules::json_schema()
}
