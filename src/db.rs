//! The PostgreSQL pool: sized, with a statement timeout on every connection.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

use crate::config::DbConfig;

/// Connects a pool; fails fast with the reason if the database cannot be reached.
pub async fn connect(cfg: &DbConfig) -> anyhow::Result<PgPool> {
    let options = PgConnectOptions::from_str(&cfg.database_url)?
        .application_name("lead-importer")
        .options([(
            "statement_timeout",
            format!("{}ms", cfg.db_statement_timeout_ms),
        )]);
    let pool = PgPoolOptions::new()
        .max_connections(cfg.db_max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await?;
    Ok(pool)
}
