//! The schema drift check (the PRD's mitigation for "configuration vs schema"): compares
//! each company's active configuration with the real `leads` table from
//! `information_schema` — built-in fields without a column or with a type the apply cannot
//! write, columns no field knows, locked or duplicate-key fields that do not exist, custom
//! keys that collide with columns, enum values existing leads hold that the configuration
//! no longer allows. Runs nightly (one replica claims the run), after every publish, and on
//! demand (`lead-importer drift-check`); the last report per company is kept, a changed
//! one is audited, and the total feeds the `lead_importer_config_drift` gauge.

use std::collections::HashSet;

use rules::config::{DedupeKeyKind, FieldType};
use rules::ImportConfig;
use sqlx::PgPool;
use uuid::Uuid;

use crate::ImportError;
use api::{DriftFinding, DriftKind, DriftReport};

/// Columns the product itself keeps on every lead (not configuration fields).
const SYSTEM_COLUMNS: [(&str, &[&str]); 7] = [
    ("id", &["uuid"]),
    ("company_id", &["uuid"]),
    ("email_norm", TEXT_TYPES),
    ("phone_e164", TEXT_TYPES),
    ("custom", &["jsonb"]),
    ("created_at", &["timestamp with time zone"]),
    ("updated_at", &["timestamp with time zone"]),
];
/// Types the apply's text values go into without a cast.
const TEXT_TYPES: &[&str] = &["text", "character varying", "character"];
/// The nightly run: at most once in this many seconds across all replicas.
const NIGHTLY_SECS: f64 = 23.0 * 3600.0;

/// What the configuration and the table disagree on, without the lead values (pure).
pub fn compare(config: &ImportConfig, columns: &[store::drift::Column]) -> Vec<DriftFinding> {
    let mut out = Vec::new();
    let column = |name: &str| columns.iter().find(|c| c.name == name);
    let finding = |kind, field: Option<&str>, column: Option<&str>, message: String| DriftFinding {
        kind,
        field: field.map(str::to_owned),
        column: column.map(str::to_owned),
        value: None,
        leads: None,
        message,
    };
    for (name, types) in SYSTEM_COLUMNS {
        match column(name) {
            None => out.push(finding(
                DriftKind::ColumnMissing,
                None,
                Some(name),
                format!("The leads table has no “{name}” column, which every import needs."),
            )),
            Some(c) if !types.contains(&c.data_type.as_str()) => out.push(finding(
                DriftKind::ColumnType,
                None,
                Some(name),
                format!(
                    "Column “{name}” is {}, not {}.",
                    c.data_type,
                    types.join(" or ")
                ),
            )),
            Some(_) => {}
        }
    }
    // Built-in columns: the apply writes every one of them, whether a field feeds it or not.
    for name in store::apply::LEAD_COLUMNS {
        let field = config.fields.iter().find(|f| f.key == name && !f.custom);
        match column(name) {
            None => {
                let locked = field.is_some_and(|f| f.locked);
                out.push(finding(
                    if locked {
                        DriftKind::LockedFieldMissing
                    } else {
                        DriftKind::ColumnMissing
                    },
                    field.map(|f| f.key.as_str()),
                    Some(name),
                    if locked {
                        format!("Field “{name}” is locked on update but the leads table has no such column; applies will fail.")
                    } else {
                        format!("The leads table has no “{name}” column; applies will fail.")
                    },
                ));
            }
            Some(c) if !TEXT_TYPES.contains(&c.data_type.as_str()) => out.push(finding(
                DriftKind::ColumnType,
                field.map(|f| f.key.as_str()),
                Some(name),
                format!(
                    "Column “{name}” is {}; the apply writes text, so applies will fail.",
                    c.data_type
                ),
            )),
            Some(_) => {}
        }
    }
    // Fields kept in `custom` whose key is also a column: two places for one value.
    for f in &config.fields {
        let in_custom = f.custom || !store::apply::LEAD_COLUMNS.contains(&f.key.as_str());
        if in_custom && column(&f.key).is_some() {
            out.push(finding(
                DriftKind::CustomKeyCollides,
                Some(&f.key),
                Some(&f.key),
                format!("Field “{}” is stored in custom, but the leads table also has a “{}” column that imports never fill.", f.key, f.key),
            ));
        }
    }
    let known: HashSet<&str> = config
        .fields
        .iter()
        .map(|f| f.key.as_str())
        .chain(SYSTEM_COLUMNS.iter().map(|(n, _)| *n))
        .collect();
    for c in columns {
        let collides = out.iter().any(|f| {
            f.kind == DriftKind::CustomKeyCollides && f.column.as_deref() == Some(&c.name)
        });
        if !known.contains(c.name.as_str()) && !collides {
            out.push(finding(
                DriftKind::ColumnUnknown,
                None,
                Some(&c.name),
                format!("Column “{}” of the leads table is no field of the configuration: imports neither read nor fill it.", c.name),
            ));
        }
    }
    for key in &config.duplicates.keys {
        let has_type = |t: FieldType| config.fields.iter().any(|f| f.field_type == t);
        let missing: Vec<&str> = match key {
            DedupeKeyKind::Email if !has_type(FieldType::Email) => vec!["an e-mail field"],
            DedupeKeyKind::Phone if !has_type(FieldType::Phone) => vec!["a phone field"],
            DedupeKeyKind::NameCompany => ["first_name", "last_name", "company"]
                .into_iter()
                .filter(|k| !config.fields.iter().any(|f| f.key == *k))
                .collect(),
            _ => Vec::new(),
        };
        if !missing.is_empty() {
            out.push(finding(
                DriftKind::DedupeFieldMissing,
                None,
                None,
                format!(
                    "Duplicates are matched by {}, but the configuration has no {}.",
                    key.as_str(),
                    missing.join(", ")
                ),
            ));
        }
    }
    out
}

/// Checks one company now, keeps the report, audits a change; answers the report.
pub async fn check_company(pool: &PgPool, company_id: Uuid) -> Result<DriftReport, ImportError> {
    let active = crate::config::active(pool, company_id).await?;
    let columns = store::drift::lead_columns(pool).await?;
    let mut findings = compare(&active.config, &columns);
    // Enum values only where they can be read: a column of text, or `custom`.
    let custom_ok = !findings
        .iter()
        .any(|f| f.column.as_deref() == Some("custom"));
    let mut readable = active.config.clone();
    readable
        .fields
        .retain(|f| match columns.iter().find(|c| c.name == f.key) {
            Some(c) if store::apply::LEAD_COLUMNS.contains(&f.key.as_str()) => {
                TEXT_TYPES.contains(&c.data_type.as_str())
            }
            None if store::apply::LEAD_COLUMNS.contains(&f.key.as_str()) => false,
            _ => custom_ok,
        });
    for orphan in crate::config::preview::orphaned(pool, company_id, &readable).await? {
        findings.push(DriftFinding {
            kind: DriftKind::EnumValueOrphaned,
            message: format!(
                "{} lead(s) hold “{}” in {}, which the configuration no longer allows.",
                orphan.leads, orphan.value, orphan.field
            ),
            field: Some(orphan.field),
            column: None,
            value: Some(orphan.value),
            leads: Some(orphan.leads),
        });
    }
    findings.sort();
    let json = serde_json::to_value(&findings).map_err(ImportError::internal)?;
    let count = i32::try_from(findings.len()).unwrap_or(i32::MAX);
    let mut tx = pool.begin().await?;
    let previous = store::drift::save(&mut *tx, company_id, active.version, &json, count).await?;
    let changed = previous.as_ref() != Some(&json) && !(previous.is_none() && findings.is_empty());
    if changed {
        let mut kinds: Vec<&str> = findings.iter().map(|f| f.kind.as_str()).collect();
        kinds.dedup();
        store::audit::record(
            &mut *tx,
            &store::audit::AuditEntry {
                company_id: Some(company_id),
                actor_id: None,
                action: "config.drift",
                entity: "import_config",
                entity_id: Some(active.version.to_string()),
                diff: serde_json::json!({ "findings": findings.len(), "kinds": kinds }),
            },
        )
        .await?;
        if !findings.is_empty() {
            let detail = api::AlertDetail::Drift {
                config_version: active.version,
                findings: findings.clone(),
            };
            crate::alerts::raise(&mut tx, company_id, detail).await?;
        }
    }
    tx.commit().await?;
    if !findings.is_empty() {
        tracing::warn!(company = %company_id, version = active.version, findings = findings.len(), "configuration drift: the rules and the leads table disagree");
    }
    Ok(DriftReport {
        checked_at: time::OffsetDateTime::now_utc(),
        config_version: active.version,
        in_sync: findings.is_empty(),
        findings,
    })
}

/// Checks every company; answers each company's slug with its report.
pub async fn check_all(pool: &PgPool) -> Result<Vec<(String, DriftReport)>, ImportError> {
    let mut out = Vec::new();
    for (id, slug) in store::drift::companies(pool).await? {
        out.push((slug, check_company(pool, id).await?));
    }
    Ok(out)
}

/// The last report of the caller's company (admins); none before the first check.
pub async fn last(
    pool: &PgPool,
    principal: &auth::Principal,
) -> Result<Option<DriftReport>, ImportError> {
    principal.require_admin()?;
    let Some(row) = store::drift::last(pool, principal.company_id).await? else {
        return Ok(None);
    };
    let findings: Vec<DriftFinding> =
        serde_json::from_value(row.findings).map_err(ImportError::internal)?;
    Ok(Some(DriftReport {
        checked_at: row.checked_at,
        config_version: row.config_version,
        in_sync: findings.is_empty(),
        findings,
    }))
}

/// Runs the nightly check when it is due and this replica wins the claim.
pub async fn run_if_due(pool: &PgPool) -> Result<bool, ImportError> {
    if !store::drift::claim_task(pool, "drift_check", NIGHTLY_SECS).await? {
        return Ok(false);
    }
    let reports = check_all(pool).await?;
    let findings: usize = reports.iter().map(|(_, r)| r.findings.len()).sum();
    tracing::info!(companies = reports.len(), findings, "nightly drift check");
    Ok(true)
}

/// Checks a company after its configuration changed, on a task of its own (the publish
/// has answered by then; a failure is logged).
pub fn after_publish(pool: &PgPool, company_id: Uuid) {
    let pool = pool.clone();
    tokio::spawn(async move {
        if let Err(e) = check_company(&pool, company_id).await {
            tracing::warn!(error = %e, company = %company_id, "drift check after a publish failed");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::drift::Column;

    fn table() -> Vec<Column> {
        let col = |n: &str, t: &str| Column {
            name: n.into(),
            data_type: t.into(),
        };
        let mut cols: Vec<Column> = SYSTEM_COLUMNS.iter().map(|(n, t)| col(n, t[0])).collect();
        cols.extend(store::apply::LEAD_COLUMNS.iter().map(|n| col(n, "text")));
        cols
    }

    #[test]
    fn the_default_configuration_matches_the_migrated_table() {
        let findings = compare(&ImportConfig::default_leads(), &table());
        assert_eq!(findings, Vec::new());
    }

    #[test]
    fn each_disagreement_is_one_finding() {
        let mut cols = table();
        cols.retain(|c| c.name != "title");
        cols.iter_mut()
            .find(|c| c.name == "country")
            .unwrap()
            .data_type = "integer".into();
        cols.push(Column {
            name: "linkedin".into(),
            data_type: "text".into(),
        });
        let kinds: Vec<(DriftKind, Option<String>)> =
            compare(&ImportConfig::default_leads(), &cols)
                .into_iter()
                .map(|f| (f.kind, f.column))
                .collect();
        assert!(
            kinds.contains(&(DriftKind::ColumnMissing, Some("title".into()))),
            "{kinds:?}"
        );
        assert!(
            kinds.contains(&(DriftKind::ColumnType, Some("country".into()))),
            "{kinds:?}"
        );
        assert!(
            kinds.contains(&(DriftKind::ColumnUnknown, Some("linkedin".into()))),
            "{kinds:?}"
        );
        assert_eq!(kinds.len(), 3, "{kinds:?}");
    }
}
