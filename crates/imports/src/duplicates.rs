//! Duplicates against leads already in the database: one query per key kind for a whole
//! chunk of rows (never one per row), and the `row.duplicate_in_db` issue added to every
//! row of the chunk that matches — before the rows are written, so no second pass over
//! the staged rows is needed.

use std::collections::HashMap;

use rules::config::DedupeKeyKind;
use rules::Issue;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::evaluate::key_field;
use crate::ImportError;

/// Existing leads by key kind and key.
pub(crate) type Existing = HashMap<DedupeKeyKind, HashMap<String, Uuid>>;

/// Looks up which of `keys` belong to existing leads of the company.
pub(crate) async fn lookup<'a>(
    conn: &mut PgConnection,
    company_id: Uuid,
    keys: impl Iterator<Item = &'a (DedupeKeyKind, String)>,
) -> Result<Existing, ImportError> {
    let mut emails: Vec<String> = Vec::new();
    let mut phones: Vec<String> = Vec::new();
    for (kind, key) in keys {
        match kind {
            DedupeKeyKind::Email => emails.push(key.clone()),
            DedupeKeyKind::Phone => phones.push(key.clone()),
            DedupeKeyKind::NameCompany => {}
        }
    }
    let mut existing = Existing::new();
    for (kind, mut keys) in [
        (DedupeKeyKind::Email, emails),
        (DedupeKeyKind::Phone, phones),
    ] {
        if keys.is_empty() {
            continue;
        }
        keys.sort_unstable();
        keys.dedup();
        let found = match kind {
            DedupeKeyKind::Email => {
                store::imports::existing_emails(&mut *conn, company_id, &keys).await?
            }
            _ => store::imports::existing_phones(&mut *conn, company_id, &keys).await?,
        };
        existing.insert(kind, found.into_iter().collect());
    }
    Ok(existing)
}

/// The `row.duplicate_in_db` issue for a row whose keys (in priority order) match an
/// existing lead, if one does.
pub(crate) fn issue_for(
    row: u32,
    keys: &[(DedupeKeyKind, String)],
    existing: &Existing,
) -> Option<serde_json::Value> {
    keys.iter().find_map(|(kind, key)| {
        let lead = existing.get(kind)?.get(key)?;
        let issue = Issue::duplicate_in_db(row, key_field(*kind), key, &format!("lead {lead}"));
        serde_json::to_value(issue).ok()
    })
}
