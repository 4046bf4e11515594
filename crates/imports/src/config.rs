//! The company's import configuration: the active version (seeded with the default lead
//! configuration the first time it is needed), saving a new version (admins only, audited)
//! and the version history.

use rules::ImportConfig;
use sqlx::PgPool;
use uuid::Uuid;

use crate::ImportError;

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
    pool: &PgPool,
    company_id: Uuid,
    version: i32,
) -> Result<ActiveConfig, ImportError> {
    let found = store::configs::version(pool, company_id, version)
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
