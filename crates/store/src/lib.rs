//! The only SQL in Lead Importer: the migration runner, row types and queries.
//!
//! Every query function takes an executor (`&PgPool` or `&mut PgConnection`) so callers can
//! compose several of them inside one transaction. Queries are checked at compile time with
//! `sqlx::query!`; the committed `.sqlx/` folder lets the crate build without a database.

pub mod accounts;
pub mod alerts;
pub mod alias_proposals;
pub mod apply;
pub mod audit;
pub mod configs;
pub mod dashboard;
pub mod drift;
pub mod error;
pub mod imports;
pub mod jobs;
pub mod leads;
pub mod presets;
pub mod telemetry;

pub use error::StoreError;
pub use sqlx::PgPool;

/// The embedded migrations from the repository's top-level `migrations/` folder.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// Applies every pending migration; safe to call at each start-up (migrations are
/// idempotent by version and sqlx takes an advisory lock while it runs them).
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await
}
