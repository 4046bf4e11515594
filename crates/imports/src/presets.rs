//! Mapping presets as a service: save, list, change and delete. Company-wide presets are
//! for admins to manage; anyone may keep presets of their own.

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
    let checked = check(principal, &input)?;
    let result = store::presets::insert(
        pool,
        principal.company_id,
        principal.user_id,
        &checked.store_input(&input),
    )
    .await;
    result.map(view).map_err(|e| name_conflict(e, &input.name))
}

/// Replaces a preset; only its owner (or an admin, for company presets) may.
pub async fn update(
    pool: &PgPool,
    principal: &auth::Principal,
    id: PresetId,
    input: PresetInput,
) -> Result<PresetView, ImportError> {
    let id = id.uuid();
    editable(pool, principal, id).await?;
    let checked = check(principal, &input)?;
    let result =
        store::presets::update(pool, principal.company_id, id, &checked.store_input(&input)).await;
    result
        .map_err(|e| name_conflict(e, &input.name))?
        .map(view)
        .ok_or_else(|| ImportError::NotFound(format!("No mapping preset {id}.")))
}

/// Deletes a preset.
pub async fn delete(
    pool: &PgPool,
    principal: &auth::Principal,
    id: PresetId,
) -> Result<(), ImportError> {
    let id = id.uuid();
    editable(pool, principal, id).await?;
    store::presets::delete(pool, principal.company_id, id).await?;
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

fn check(principal: &auth::Principal, input: &PresetInput) -> Result<Checked, ImportError> {
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
    let fingerprint = input
        .headers
        .as_deref()
        .map(rules::header_fingerprint)
        .unwrap_or_default();
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
