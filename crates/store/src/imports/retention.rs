//! Retention: imports whose kept file and staged cells are past their time, and forgetting
//! them (the summary and the counts stay).

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StoreError;

/// Imports whose kept data (file and staged rows) is older than `before`.
pub async fn with_expired_data(
    db: impl PgExecutor<'_>,
    before: OffsetDateTime,
    limit: i64,
) -> Result<Vec<(Uuid, Uuid, String)>, StoreError> {
    let rows = sqlx::query!(
        "SELECT company_id, id, storage_key FROM imports
         WHERE created_at < $1 AND storage_key <> ''
         ORDER BY created_at LIMIT $2",
        before,
        limit,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.company_id, r.id, r.storage_key))
        .collect())
}

/// Drops an import's staged rows and forgets its stored file; the history row stays.
pub async fn forget_data(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
) -> Result<(), StoreError> {
    sqlx::query!(
        "DELETE FROM import_rows WHERE company_id = $1 AND import_id = $2",
        company_id,
        import_id
    )
    .execute(&mut *conn)
    .await?;
    // The undo history holds copies of the edits; it goes with the rows.
    sqlx::query!(
        "DELETE FROM import_undo WHERE company_id = $1 AND import_id = $2",
        company_id,
        import_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE imports SET storage_key = '', updated_at = now() WHERE company_id = $1 AND id = $2",
        company_id,
        import_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
