//! Mapping presets as a service: save, list, change and delete. Company-wide presets are
//! for admins to manage; anyone may keep presets of their own. Every change is audited
//! (`preset.create`, `preset.update`, `preset.delete`) in the transaction that makes it.

use api::{PresetId, PresetInput, PresetScope, PresetView};
use sqlx::PgPool;
use uuid::Uuid;

use crate::ImportError;

/// A stored preset as the API shows it.
fn view(p: store::presets::Preset) -> PresetView {
    PresetView {
        id: PresetId(p.id),
        name: p.name,
        source: p.source_key,
        // The table's CHECK allows `user` and `company` only.
        scope: if p.scope == PresetScope::Company.as_str() {
            PresetScope::Company
        } else {
            PresetScope::User
        },
        fingerprint: p.fingerprint,
        // Written from an `ExplicitMapping` by `check`.
        mapping: serde_json::from_value(p.mapping).unwrap_or_default(),
        usage_count: p.usage_count,
        last_used_at: p.last_used_at,
        updated_at: p.updated_at,
    }
}

/// The presets the caller can use.
pub async fn list(
    pool: &PgPool,
    principal: &auth::Principal,
) -> Result<Vec<PresetView>, ImportError> {
    principal.require_member()?;
    let rows = store::presets::list_visible(pool, principal.company_id, principal.user_id).await?;
    Ok(rows.into_iter().map(view).collect())
}

/// Saves a new preset.
pub async fn create(
    pool: &PgPool,
    principal: &auth::Principal,
    input: PresetInput,
) -> Result<PresetView, ImportError> {
    let checked = check(principal, &input, None)?;
    let mut tx = pool.begin().await?;
    let saved = store::presets::insert(
        &mut *tx,
        principal.company_id,
        principal.user_id,
        &checked.store_input(&input),
    )
    .await
    .map_err(|e| name_conflict(e, &input.name))?;
    audit(
        &mut tx,
        principal,
        "preset.create",
        &saved,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(view(saved))
}

/// Replaces a preset; only its owner (or an admin, for company presets) may.
pub async fn update(
    pool: &PgPool,
    principal: &auth::Principal,
    id: PresetId,
    input: PresetInput,
) -> Result<PresetView, ImportError> {
    let id = id.uuid();
    let before = editable(pool, principal, id).await?;
    let checked = check(principal, &input, Some(&before.fingerprint))?;
    let mut tx = pool.begin().await?;
    let saved = store::presets::update(
        &mut *tx,
        principal.company_id,
        id,
        &checked.store_input(&input),
    )
    .await
    .map_err(|e| name_conflict(e, &input.name))?
    .ok_or_else(|| ImportError::NotFound(format!("No mapping preset {id}.")))?;
    let mut changed = serde_json::Map::new();
    let mut note = |key: &str, from: serde_json::Value, to: serde_json::Value| {
        if from != to {
            changed.insert(key.into(), serde_json::json!({ "from": from, "to": to }));
        }
    };
    note("name", before.name.into(), saved.name.clone().into());
    note(
        "source",
        before.source_key.into(),
        saved.source_key.clone().into(),
    );
    note("scope", before.scope.into(), saved.scope.clone().into());
    note("mapping", before.mapping, saved.mapping.clone());
    audit(&mut tx, principal, "preset.update", &saved, changed.into()).await?;
    tx.commit().await?;
    Ok(view(saved))
}

/// Deletes a preset.
pub async fn delete(
    pool: &PgPool,
    principal: &auth::Principal,
    id: PresetId,
) -> Result<(), ImportError> {
    let id = id.uuid();
    let preset = editable(pool, principal, id).await?;
    let mut tx = pool.begin().await?;
    store::presets::delete(&mut *tx, principal.company_id, id).await?;
    audit(
        &mut tx,
        principal,
        "preset.delete",
        &preset,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records a preset change with its name, source and scope, plus `extra`.
async fn audit(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    principal: &auth::Principal,
    action: &'static str,
    preset: &store::presets::Preset,
    extra: serde_json::Value,
) -> Result<(), ImportError> {
    let mut diff = serde_json::json!({
        "name": preset.name,
        "source": preset.source_key,
        "scope": preset.scope,
    });
    if let (Some(d), serde_json::Value::Object(e)) = (diff.as_object_mut(), extra) {
        d.extend(e);
    }
    store::audit::record(
        &mut **tx,
        &store::audit::AuditEntry {
            company_id: Some(principal.company_id),
            actor_id: Some(principal.user_id),
            action,
            entity: "preset",
            entity_id: Some(preset.id.to_string()),
            diff,
        },
    )
    .await?;
    Ok(())
}

/// A second preset with the same name in the same scope is a conflict, told by name.
fn name_conflict(err: store::StoreError, name: &str) -> ImportError {
    if err.is_constraint("import_mappings_name_key") {
        ImportError::Conflict {
            code: "preset.name_taken",
            message: format!("A preset named “{}” exists already.", name.trim()),
        }
    } else {
        err.into()
    }
}

/// A preset input that passed the checks, with what the store needs derived from it.
struct Checked {
    scope: &'static str,
    owner_id: Option<Uuid>,
    fingerprint: String,
    mapping: serde_json::Value,
}

impl Checked {
    fn store_input<'a>(&'a self, input: &'a PresetInput) -> store::presets::PresetInput<'a> {
        store::presets::PresetInput {
            scope: self.scope,
            owner_id: self.owner_id,
            name: input.name.trim(),
            source_key: input.source.trim(),
            fingerprint: &self.fingerprint,
            mapping: &self.mapping,
        }
    }
}

/// Checks a preset to save. `kept` is the stored header fingerprint of a preset being
/// replaced: left-out `headers` keep it (an edit of the name or mapping does not silently
/// widen the preset to every layout), while `headers: []` drops it.
fn check(
    principal: &auth::Principal,
    input: &PresetInput,
    kept: Option<&str>,
) -> Result<Checked, ImportError> {
    let name = input.name.trim();
    if name.is_empty() || name.len() > 200 {
        return Err(ImportError::bad_request(
            "A preset needs a name of 1 to 200 characters.",
        ));
    }
    if input.mapping.is_empty() {
        return Err(ImportError::bad_request(
            "A preset needs at least one column in its mapping.",
        ));
    }
    let scope = input.scope.unwrap_or_default();
    let owner_id = match scope {
        PresetScope::User => Some(principal.user_id),
        PresetScope::Company => {
            principal.require_admin().map_err(|_| {
                ImportError::Forbidden(
                    "Only company admins can save presets for the whole company.".into(),
                )
            })?;
            None
        }
    };
    let fingerprint = match (input.headers.as_deref(), kept) {
        (Some([]), _) => String::new(),
        (Some(headers), _) => rules::header_fingerprint(headers),
        (None, Some(kept)) => kept.to_owned(),
        (None, None) => String::new(),
    };
    Ok(Checked {
        scope: scope.as_str(),
        owner_id,
        fingerprint,
        mapping: serde_json::to_value(&input.mapping).map_err(ImportError::internal)?,
    })
}

/// The preset, if the caller may change it: their own, or a company preset for admins.
async fn editable(
    pool: &PgPool,
    principal: &auth::Principal,
    id: Uuid,
) -> Result<store::presets::Preset, ImportError> {
    let preset = store::presets::get_visible(pool, principal.company_id, principal.user_id, id)
        .await?
        .ok_or_else(|| ImportError::NotFound(format!("No mapping preset {id}.")))?;
    if preset.scope == PresetScope::Company.as_str() {
        principal.require_admin().map_err(|_| {
            ImportError::Forbidden("Only company admins can change company presets.".into())
        })?;
    }
    Ok(preset)
}
