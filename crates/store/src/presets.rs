//! Mapping presets: saved header → field mappings per source, for one user or the whole
//! company, found again by source key and header fingerprint.

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StoreError;

/// A saved mapping.
#[derive(Debug, Clone)]
pub struct Preset {
    pub id: Uuid,
    pub scope: String,
    pub owner_id: Option<Uuid>,
    pub name: String,
    pub source_key: String,
    pub fingerprint: String,
    pub mapping: serde_json::Value,
    pub usage_count: i32,
    pub last_used_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// The fields of a preset to create or replace.
#[derive(Debug, Clone)]
pub struct PresetInput<'a> {
    pub scope: &'a str,
    pub owner_id: Option<Uuid>,
    pub name: &'a str,
    pub source_key: &'a str,
    pub fingerprint: &'a str,
    pub mapping: &'a serde_json::Value,
}

/// Creates a preset.
pub async fn insert(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    created_by: Uuid,
    input: &PresetInput<'_>,
) -> Result<Preset, StoreError> {
    let row = sqlx::query_as!(
        Preset,
        "INSERT INTO import_mappings (id, company_id, scope, owner_id, name, source_key, fingerprint, mapping, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         RETURNING id, scope, owner_id, name, source_key, fingerprint, mapping, usage_count, last_used_at, created_at, updated_at",
        Uuid::new_v4(),
        company_id,
        input.scope,
        input.owner_id,
        input.name,
        input.source_key,
        input.fingerprint,
        input.mapping,
        created_by,
    )
    .fetch_one(db)
    .await?;
    Ok(row)
}

/// Replaces a preset's fields.
pub async fn update(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    id: Uuid,
    input: &PresetInput<'_>,
) -> Result<Option<Preset>, StoreError> {
    let row = sqlx::query_as!(
        Preset,
        "UPDATE import_mappings
         SET scope = $3, owner_id = $4, name = $5, source_key = $6, fingerprint = $7, mapping = $8, updated_at = now()
         WHERE company_id = $1 AND id = $2
         RETURNING id, scope, owner_id, name, source_key, fingerprint, mapping, usage_count, last_used_at, created_at, updated_at",
        company_id,
        id,
        input.scope,
        input.owner_id,
        input.name,
        input.source_key,
        input.fingerprint,
        input.mapping,
    )
    .fetch_optional(db)
    .await?;
    Ok(row)
}

/// Deletes a preset; returns whether it existed.
pub async fn delete(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    id: Uuid,
) -> Result<bool, StoreError> {
    let done = sqlx::query!(
        "DELETE FROM import_mappings WHERE company_id = $1 AND id = $2",
        company_id,
        id
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// One preset the user can see (company-wide or their own).
pub async fn get_visible(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    user_id: Uuid,
    id: Uuid,
) -> Result<Option<Preset>, StoreError> {
    let row = sqlx::query_as!(
        Preset,
        "SELECT id, scope, owner_id, name, source_key, fingerprint, mapping, usage_count, last_used_at, created_at, updated_at
         FROM import_mappings
         WHERE company_id = $1 AND id = $3 AND (scope = 'company' OR owner_id = $2)",
        company_id,
        user_id,
        id,
    )
    .fetch_optional(db)
    .await?;
    Ok(row)
}

/// The presets the user can see, most used first.
pub async fn list_visible(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    user_id: Uuid,
) -> Result<Vec<Preset>, StoreError> {
    let rows = sqlx::query_as!(
        Preset,
        "SELECT id, scope, owner_id, name, source_key, fingerprint, mapping, usage_count, last_used_at, created_at, updated_at
         FROM import_mappings
         WHERE company_id = $1 AND (scope = 'company' OR owner_id = $2)
         ORDER BY usage_count DESC, name",
        company_id,
        user_id,
    )
    .fetch_all(db)
    .await?;
    Ok(rows)
}

/// The best preset for a file: same source, and the same header fingerprint or none (a
/// preset saved without one applies to any layout of its source); an exact layout match
/// first, the user's own before the company's, then the most recently used.
pub async fn find_matching(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    user_id: Uuid,
    source_key: &str,
    fingerprint: &str,
) -> Result<Option<Preset>, StoreError> {
    let row = sqlx::query_as!(
        Preset,
        "SELECT id, scope, owner_id, name, source_key, fingerprint, mapping, usage_count, last_used_at, created_at, updated_at
         FROM import_mappings
         WHERE company_id = $1 AND source_key = $3 AND (fingerprint = $4 OR fingerprint = '')
           AND (scope = 'company' OR owner_id = $2)
         ORDER BY (fingerprint = $4) DESC, (owner_id = $2) DESC NULLS LAST,
                  last_used_at DESC NULLS LAST, created_at DESC
         LIMIT 1",
        company_id,
        user_id,
        source_key,
        fingerprint,
    )
    .fetch_optional(db)
    .await?;
    Ok(row)
}

/// Counts a use of the preset.
pub async fn touch(db: impl PgExecutor<'_>, company_id: Uuid, id: Uuid) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE import_mappings SET usage_count = usage_count + 1, last_used_at = now()
         WHERE company_id = $1 AND id = $2",
        company_id,
        id
    )
    .execute(db)
    .await?;
    Ok(())
}
