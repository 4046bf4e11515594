//! Changing a staged import: cell edits, bulk actions and re-mapping. Every change is
//! revalidated on the server with the import's own configuration version (the browser's
//! check is only a preview), in-file duplicates are recomputed for the keys that changed,
//! and the stats are updated in the same transaction. Originals are never modified: edits
//! live beside them. Cell edits and bulk actions are recorded for undo and redo
//! (`crate::undo`).

use std::collections::{BTreeMap, HashMap, HashSet};

use rules::config::DedupeKeyKind;
use rules::engine::ColumnAnalysis;
use rules::{ImportConfig, Validator};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::duplicates;
use crate::evaluate::{evaluate, is_intake_issue, key_string, status_of, FirstSeen};
use crate::mapping::{ExplicitMapping, Mapping};
use crate::tally::Tally;
use crate::{rows, ImportError, ImportService};
use api::{
    BulkAction, BulkRequest, BulkResult, CellEdit, EditResult, ImportId, ImportStatus,
    ImportSummary, RowStatus, Stats,
};

/// Rows revalidated per batch in whole-import passes.
const BATCH_ROWS: i64 = 5_000;
/// Undo steps kept per import.
const UNDO_STEPS: i32 = 100;
/// The most cells one PATCH may change.
const MAX_EDITS: usize = 10_000;

/// The import being changed, with everything needed to revalidate its rows.
pub(crate) struct Editing {
    pub(crate) company_id: Uuid,
    pub(crate) import_id: Uuid,
    validator: Validator,
    /// The mapping in force (the stored one, or the new one of a re-mapping).
    mapping: Mapping,
    /// For each validator field, the column that feeds it.
    columns: Vec<Option<usize>>,
    pub(crate) stats: Stats,
}

impl Editing {
    /// The row's current value per field: the user's edit if any, else the mapped cell.
    fn values<'a>(&self, row: &'a store::imports::RowForCheck) -> Vec<Option<&'a str>> {
        let cells = row.original.as_array();
        self.validator
            .fields()
            .iter()
            .zip(&self.columns)
            .map(|(field, column)| match row.edits.get(&field.key) {
                Some(serde_json::Value::String(s)) => Some(s.as_str()),
                Some(_) => None,
                None => column
                    .and_then(|c| cells.and_then(|cells| cells.get(c)))
                    .and_then(|v| v.as_str()),
            })
            .collect()
    }

    /// Revalidates a stored row; intake issues are carried, duplicate issues are not
    /// (the caller recomputes them).
    fn check(&self, row: &store::imports::RowForCheck) -> Result<Checked, ImportError> {
        let carried = issues_of(row).into_iter().filter(is_intake_issue).collect();
        let values = self.values(row);
        let evaluated = evaluate(&self.validator, row_no(row), &values, carried)?;
        Ok(Checked {
            seq: row.seq,
            row: row_no(row),
            normalized: serde_json::from_str(&evaluated.normalized_json)
                .map_err(ImportError::internal)?,
            issues: evaluated.issues,
            keys: evaluated.keys,
        })
    }
}

/// A revalidated row before duplicate issues are added.
struct Checked {
    seq: i32,
    row: u32,
    normalized: serde_json::Value,
    issues: Vec<serde_json::Value>,
    keys: Vec<(DedupeKeyKind, String)>,
}

/// Applies cell edits and revalidates the touched rows.
#[tracing::instrument(skip_all, fields(import = %id, edits = edits.len()))]
pub async fn edit_cells(
    svc: &ImportService,
    principal: &auth::Principal,
    id: ImportId,
    edits: Vec<CellEdit>,
) -> Result<EditResult, ImportError> {
    let import_id = id.uuid();
    if edits.is_empty() {
        return Err(ImportError::bad_request("Send at least one edit."));
    }
    if edits.len() > MAX_EDITS {
        return Err(ImportError::bad_request(format!(
            "At most {MAX_EDITS} cells per request; use a bulk action for more."
        )));
    }
    let mut tx = svc.pool.begin().await?;
    let mut editing = open(&mut tx, principal, import_id, None).await?;
    let mut patches: BTreeMap<i32, serde_json::Map<String, serde_json::Value>> = BTreeMap::new();
    for e in &edits {
        if editing.validator.field_index(&e.field).is_none() {
            return Err(ImportError::invalid(
                "mapping.unknown_field",
                format!(
                    "“{}” is not a field of this import's configuration.",
                    e.field
                ),
            ));
        }
        let seq =
            i32::try_from(e.seq).map_err(|_| ImportError::bad_request("seq is out of range."))?;
        let value = e
            .value
            .clone()
            .map_or(serde_json::Value::Null, serde_json::Value::String);
        patches
            .entry(seq)
            .or_default()
            .insert(e.field.clone(), value);
    }
    let seqs: Vec<i32> = patches.keys().copied().collect();
    let patch_values: Vec<serde_json::Value> = patches
        .into_values()
        .map(serde_json::Value::Object)
        .collect();
    let before = store::imports::row_states(&mut tx, editing.company_id, import_id, &seqs).await?;
    let updated =
        store::imports::merge_edits(&mut tx, editing.company_id, import_id, &seqs, &patch_values)
            .await?;
    if updated as usize != seqs.len() {
        return Err(ImportError::NotFound(
            "Some of the edited rows do not exist in this import.".into(),
        ));
    }
    let label = match edits.as_slice() {
        [one] => format!("edit of {}", one.field),
        many => format!("edit of {} cells", many.len()),
    };
    record_undo(&mut tx, &editing, "edit", &label, before).await?;
    let touched = revalidate_rows(&mut tx, &mut editing, &seqs).await?;
    finish(&mut tx, &editing, None).await?;
    tx.commit().await?;
    let rows = rows::by_seq(&svc.pool, principal, id, &touched).await?;
    Ok(EditResult {
        rows,
        stats: editing.stats,
    })
}

/// Runs a bulk action over a column or a selection, then revalidates the import.
#[tracing::instrument(skip_all, fields(import = %id, action = %req.action.label()))]
pub async fn bulk(
    svc: &ImportService,
    principal: &auth::Principal,
    id: ImportId,
    req: BulkRequest,
) -> Result<BulkResult, ImportError> {
    let import_id = id.uuid();
    let mut tx = svc.pool.begin().await?;
    let mut editing = open(&mut tx, principal, import_id, None).await?;
    let targets = target_seqs(&mut tx, &editing, &req).await?;
    let affected = match &req.action {
        BulkAction::Exclude | BulkAction::Restore => {
            let excluded = req.action == BulkAction::Exclude;
            let before =
                store::imports::row_states(&mut tx, editing.company_id, import_id, &targets)
                    .await?;
            let n = store::imports::set_excluded(
                &mut tx,
                editing.company_id,
                import_id,
                &targets,
                excluded,
            )
            .await?;
            let label = format!(
                "{} of {n} rows",
                if excluded { "exclusion" } else { "restore" }
            );
            record_undo(&mut tx, &editing, "bulk", &label, before).await?;
            let total =
                store::imports::count_excluded(&mut tx, editing.company_id, import_id).await?;
            editing.stats.excluded_rows = u64::try_from(total).unwrap_or(0);
            finish(&mut tx, &editing, None).await?;
            tx.commit().await?;
            return Ok(BulkResult {
                affected: n,
                stats: editing.stats,
            });
        }
        action => {
            let (seqs, patches) = bulk_patches(&mut tx, &editing, action, &targets).await?;
            let before =
                store::imports::row_states(&mut tx, editing.company_id, import_id, &seqs).await?;
            store::imports::merge_edits(&mut tx, editing.company_id, import_id, &seqs, &patches)
                .await?;
            record_undo(&mut tx, &editing, "bulk", &action.label(), before).await?;
            seqs.len() as u64
        }
    };
    if affected > 0 {
        revalidate_all(&mut tx, &mut editing).await?;
    }
    finish(&mut tx, &editing, None).await?;
    tx.commit().await?;
    Ok(BulkResult {
        affected,
        stats: editing.stats,
    })
}

/// Applies a new mapping and re-runs the dry run on the staged cells (edits are kept).
#[tracing::instrument(skip_all, fields(import = %id))]
pub async fn remap(
    svc: &ImportService,
    principal: &auth::Principal,
    id: ImportId,
    mapping: ExplicitMapping,
) -> Result<ImportSummary, ImportError> {
    let mut tx = svc.pool.begin().await?;
    let mut editing = open(&mut tx, principal, id.uuid(), Some(&mapping)).await?;
    revalidate_all(&mut tx, &mut editing).await?;
    let new_mapping = serde_json::to_value(&editing.mapping).map_err(ImportError::internal)?;
    finish(&mut tx, &editing, Some(&new_mapping)).await?;
    tx.commit().await?;
    rows::summary(&svc.pool, principal, id).await
}

/// Locks the import, checks it can still change, and compiles its configuration version
/// with its mapping (or `new_mapping`).
pub(crate) async fn open(
    conn: &mut PgConnection,
    principal: &auth::Principal,
    import_id: Uuid,
    new_mapping: Option<&ExplicitMapping>,
) -> Result<Editing, ImportError> {
    principal.require_member()?;
    let record = store::imports::lock_import(&mut *conn, principal.company_id, import_id)
        .await?
        .ok_or_else(|| ImportError::NotFound(format!("No import {import_id}.")))?;
    let status: ImportStatus = record.status.parse().map_err(ImportError::internal)?;
    if !status.is_editable() {
        return Err(ImportError::Conflict {
            code: "import.not_editable",
            message: format!(
                "This import is {} and can no longer be changed.",
                record.status
            ),
        });
    }
    let stored = store::configs::version(&mut *conn, principal.company_id, record.config_version)
        .await?
        .ok_or_else(|| ImportError::internal("the import's configuration version is missing"))?;
    let config: ImportConfig =
        serde_json::from_value(stored.config).map_err(ImportError::internal)?;
    let mut validator =
        Validator::new(&config).map_err(|e| ImportError::internal(format!("{e:?}")))?;
    validator.set_normalization_notes(false);
    let stats: Stats = serde_json::from_value(record.stats).unwrap_or_default();
    validator.apply_column_analysis(&ColumnAnalysis {
        dates: stats.date_columns.clone(),
    });
    let headers: Vec<String> = serde_json::from_value(record.headers).unwrap_or_default();
    let mut mapping: Mapping =
        serde_json::from_value(record.mapping).map_err(ImportError::internal)?;
    if let Some(explicit) = new_mapping {
        mapping = crate::mapping::from_explicit(&headers, &config, explicit)?;
    }
    let columns = mapping.columns_for(validator.fields());
    Ok(Editing {
        company_id: principal.company_id,
        import_id,
        validator,
        mapping,
        columns,
        stats,
    })
}

/// Stores the new stats (and mapping).
pub(crate) async fn finish(
    conn: &mut PgConnection,
    editing: &Editing,
    mapping: Option<&serde_json::Value>,
) -> Result<(), ImportError> {
    let stats = serde_json::to_value(&editing.stats).map_err(ImportError::internal)?;
    store::imports::update_state(conn, editing.company_id, editing.import_id, &stats, mapping)
        .await?;
    Ok(())
}

/// Revalidates `seqs` and every row whose duplicate status their old or new keys affect.
/// Returns the seqs of all rows rewritten.
pub(crate) async fn revalidate_rows(
    conn: &mut PgConnection,
    editing: &mut Editing,
    seqs: &[i32],
) -> Result<Vec<i32>, ImportError> {
    let (company_id, import_id) = (editing.company_id, editing.import_id);
    let edited = store::imports::rows_by_seq(&mut *conn, company_id, import_id, seqs).await?;
    let mut checked: HashMap<i32, Checked> = HashMap::new();
    let mut affected_keys: HashSet<String> = HashSet::new();
    for row in &edited {
        let c = editing.check(row)?;
        affected_keys.extend(row.keys.iter().cloned());
        affected_keys.extend(c.keys.iter().map(|(k, v)| key_string(*k, v)));
        checked.insert(row.seq, c);
    }
    // Rows sharing an affected key may gain or lose their duplicate status.
    let affected: Vec<String> = affected_keys.into_iter().collect();
    let sharing =
        store::imports::rows_sharing_keys(&mut *conn, company_id, import_id, &affected).await?;
    let mut rewrite: BTreeMap<i32, store::imports::RowForCheck> = BTreeMap::new();
    for row in edited.into_iter().chain(sharing) {
        rewrite.entry(row.seq).or_insert(row);
    }
    // First occurrences must be judged over every row holding any key of these rows.
    let mut all_keys: HashSet<String> = HashSet::new();
    for row in rewrite.values() {
        match checked.get(&row.seq) {
            Some(c) => all_keys.extend(c.keys.iter().map(|(k, v)| key_string(*k, v))),
            None => all_keys.extend(row.keys.iter().cloned()),
        }
    }
    let all_keys: Vec<String> = all_keys.into_iter().collect();
    let context =
        store::imports::rows_sharing_keys(&mut *conn, company_id, import_id, &all_keys).await?;
    let mut order: BTreeMap<i32, (u32, Vec<(DedupeKeyKind, String)>)> = BTreeMap::new();
    for row in &context {
        order.insert(row.seq, (row_no(row), parse_keys(&row.keys)));
    }
    for (seq, c) in &checked {
        order.insert(*seq, (c.row, c.keys.clone()));
    }
    let mut first_seen = FirstSeen::default();
    let mut dup_of: HashMap<i32, serde_json::Value> = HashMap::new();
    for (seq, (row, keys)) in &order {
        if let Some(dup) = first_seen.check(*row, keys) {
            dup_of.insert(*seq, dup);
        }
    }
    // Database duplicates for the edited rows' new keys: one query per key kind.
    let existing = duplicates::lookup(
        &mut *conn,
        company_id,
        checked.values().flat_map(|c| c.keys.iter()),
    )
    .await?;
    let mut db_dup: HashMap<i32, serde_json::Value> = checked
        .values()
        .filter_map(|c| duplicates::issue_for(c.row, &c.keys, &existing).map(|i| (c.seq, i)))
        .collect();
    let mut results = store::imports::RowResults::default();
    for (seq, row) in rewrite {
        let old_issues = issues_of(&row);
        let (norm, mut issues, keys) = match checked.remove(&seq) {
            Some(c) => {
                let mut issues = c.issues;
                issues.extend(db_dup.remove(&seq));
                (
                    c.normalized,
                    issues,
                    c.keys
                        .iter()
                        .map(|(k, v)| key_string(*k, v))
                        .collect::<Vec<_>>(),
                )
            }
            None => {
                let issues: Vec<serde_json::Value> = old_issues
                    .iter()
                    .filter(|i| i["code"] != "row.duplicate_in_file")
                    .cloned()
                    .collect();
                let norm = row.normalized.clone();
                (norm, issues, row.keys.clone())
            }
        };
        issues.extend(dup_of.remove(&seq));
        let status = status_of(&issues);
        adjust_stats(&mut editing.stats, &row.status, &old_issues, -1);
        adjust_stats(&mut editing.stats, status, &issues, 1);
        results.seqs.push(seq);
        results.normalized.push(norm);
        results.statuses.push(status.to_owned());
        results.issues.push(serde_json::Value::Array(issues));
        results.keys.push(serde_json::json!(keys));
    }
    store::imports::write_results(&mut *conn, company_id, import_id, &results).await?;
    Ok(results.seqs)
}

/// Revalidates every row of the import in batches, as a dry run would, keeping edits.
pub(crate) async fn revalidate_all(
    conn: &mut PgConnection,
    editing: &mut Editing,
) -> Result<(), ImportError> {
    let (company_id, import_id) = (editing.company_id, editing.import_id);
    let mut tally = Tally::default();
    let mut first_seen = FirstSeen::default();
    let mut after = 0;
    loop {
        let batch =
            store::imports::rows_after(&mut *conn, company_id, import_id, after, BATCH_ROWS)
                .await?;
        let Some(last) = batch.last() else { break };
        after = last.seq;
        let mut checked = Vec::with_capacity(batch.len());
        for row in &batch {
            let mut c = editing.check(row)?;
            c.issues.extend(first_seen.check(c.row, &c.keys));
            checked.push(c);
        }
        let existing = duplicates::lookup(
            &mut *conn,
            company_id,
            checked.iter().flat_map(|c| c.keys.iter()),
        )
        .await?;
        let mut results = store::imports::RowResults::default();
        for mut c in checked {
            c.issues
                .extend(duplicates::issue_for(c.row, &c.keys, &existing));
            let status = status_of(&c.issues);
            tally.record(&c.issues, status);
            let keys: Vec<String> = c.keys.iter().map(|(k, v)| key_string(*k, v)).collect();
            results.seqs.push(c.seq);
            results.normalized.push(c.normalized);
            results.statuses.push(status.to_owned());
            results.keys.push(serde_json::json!(keys));
            results.issues.push(serde_json::Value::Array(c.issues));
        }
        store::imports::write_results(&mut *conn, company_id, import_id, &results).await?;
    }
    let excluded = store::imports::count_excluded(conn, company_id, import_id).await?;
    let date_columns = std::mem::take(&mut editing.stats.date_columns);
    editing.stats = tally.stats;
    editing.stats.date_columns = date_columns;
    editing.stats.excluded_rows = u64::try_from(excluded).unwrap_or(0);
    Ok(())
}

/// The rows a bulk action applies to.
async fn target_seqs(
    conn: &mut PgConnection,
    editing: &Editing,
    req: &BulkRequest,
) -> Result<Vec<i32>, ImportError> {
    let selection = &req.selection;
    if let Some(seqs) = &selection.seqs {
        return Ok(seqs.iter().filter_map(|s| i32::try_from(*s).ok()).collect());
    }
    // A fix is applied where its code is; otherwise the grid's code filter selects.
    let code = match &req.action {
        BulkAction::ApplyFix { code, .. } => Some(code.as_str()),
        _ => selection.filter_code.as_deref(),
    };
    Ok(store::imports::seqs_matching(
        conn,
        editing.company_id,
        editing.import_id,
        &store::imports::RowFilter {
            status: selection.status.map(RowStatus::as_str),
            field: selection.filter_field.as_deref(),
            code,
            q: selection.q.as_deref(),
        },
    )
    .await?)
}

/// Builds the per-row edit patches of a value-changing bulk action.
async fn bulk_patches(
    conn: &mut PgConnection,
    editing: &Editing,
    action: &BulkAction,
    targets: &[i32],
) -> Result<(Vec<i32>, Vec<serde_json::Value>), ImportError> {
    let field = action.field();
    let field_index = match field {
        Some(f) => Some(editing.validator.field_index(f).ok_or_else(|| {
            ImportError::invalid(
                "mapping.unknown_field",
                format!("“{f}” is not a field of this import's configuration."),
            )
        })?),
        None => None,
    };
    if matches!(action, BulkAction::FindReplace { find, .. } if find.is_empty()) {
        return Err(ImportError::bad_request("“find” must not be empty."));
    }
    let mut seqs = Vec::new();
    let mut patches = Vec::new();
    for chunk in targets.chunks(BATCH_ROWS as usize) {
        let rows =
            store::imports::rows_by_seq(&mut *conn, editing.company_id, editing.import_id, chunk)
                .await?;
        for row in &rows {
            let current = field_index.and_then(|i| editing.values(row).get(i).copied().flatten());
            let mut patch = serde_json::Map::new();
            let field = || field.unwrap_or_default().to_owned();
            match action {
                BulkAction::ClearColumn { .. } if current.is_some_and(|v| !v.is_empty()) => {
                    patch.insert(field(), serde_json::Value::Null);
                }
                BulkAction::SetDefault { value, .. }
                    if current.is_none_or(|v| v.trim().is_empty()) =>
                {
                    patch.insert(field(), value.clone().into());
                }
                BulkAction::FindReplace { find, replace, .. } => {
                    if let Some(v) = current.filter(|v| v.contains(find.as_str())) {
                        patch.insert(field(), v.replace(find.as_str(), replace).into());
                    }
                }
                BulkAction::ApplyFix { code, field: only } => {
                    for issue in issues_of(row) {
                        if issue["code"].as_str() != Some(code.as_str()) {
                            continue;
                        }
                        let Some(issue_field) = issue["field"].as_str() else {
                            continue;
                        };
                        if only.as_deref().is_some_and(|f| f != issue_field) {
                            continue;
                        }
                        let Some(fix) = issue.get("fix").filter(|f| !f.is_null()) else {
                            continue;
                        };
                        patch.insert(issue_field.to_owned(), fix["value"].clone());
                    }
                }
                _ => {}
            }
            if !patch.is_empty() {
                seqs.push(row.seq);
                patches.push(serde_json::Value::Object(patch));
            }
        }
    }
    Ok((seqs, patches))
}

/// Records a change for undo: the rows' states before it (`before`) and now. Rows the
/// change left as they were are not recorded; a change that changed nothing is not a step.
async fn record_undo(
    conn: &mut PgConnection,
    editing: &Editing,
    kind: &str,
    label: &str,
    before: Vec<store::imports::RowState>,
) -> Result<(), ImportError> {
    let seqs: Vec<i32> = before.iter().map(|r| r.seq).collect();
    let after =
        store::imports::row_states(&mut *conn, editing.company_id, editing.import_id, &seqs)
            .await?;
    let after: HashMap<i32, store::imports::RowState> =
        after.into_iter().map(|r| (r.seq, r)).collect();
    let state = |r: &store::imports::RowState| serde_json::json!({ "edits": r.edits, "excluded": r.excluded });
    let rows: Vec<serde_json::Value> = before
        .iter()
        .filter_map(|b| {
            let a = after.get(&b.seq)?;
            (a != b)
                .then(|| serde_json::json!({ "seq": b.seq, "before": state(b), "after": state(a) }))
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    store::imports::push_undo(
        conn,
        editing.company_id,
        editing.import_id,
        kind,
        label,
        &serde_json::Value::Array(rows),
        UNDO_STEPS,
    )
    .await?;
    Ok(())
}

/// Adds (`sign` 1) or removes (`sign` -1) one row's contribution to the stats.
fn adjust_stats(stats: &mut Stats, status: &str, issues: &[serde_json::Value], sign: i64) {
    let apply = |n: &mut u64| {
        *n = if sign < 0 {
            n.saturating_sub(1)
        } else {
            *n + 1
        };
    };
    match status {
        "error" => apply(&mut stats.error_rows),
        "warning" => apply(&mut stats.warning_rows),
        _ => apply(&mut stats.valid_rows),
    }
    for issue in issues {
        if let Some(code) = issue["code"].as_str() {
            let entry = stats.by_code.entry(code.to_owned()).or_default();
            apply(entry);
            if *entry == 0 {
                stats.by_code.remove(code);
            }
        }
    }
    let count = |code: &str| stats.by_code.get(code).copied().unwrap_or(0);
    stats.duplicate_in_file = count("row.duplicate_in_file");
    stats.duplicate_in_db = count("row.duplicate_in_db");
    stats.empty_rows = count("row.empty");
}

fn issues_of(row: &store::imports::RowForCheck) -> Vec<serde_json::Value> {
    match &row.issues {
        serde_json::Value::Array(items) => items.clone(),
        _ => Vec::new(),
    }
}

fn row_no(row: &store::imports::RowForCheck) -> u32 {
    u32::try_from(row.row_no).unwrap_or(0)
}

/// Parses stored `kind:key` strings back into keys.
fn parse_keys(keys: &[String]) -> Vec<(DedupeKeyKind, String)> {
    keys.iter()
        .filter_map(|k| {
            let (kind, key) = k.split_once(':')?;
            let kind = match kind {
                "email" => DedupeKeyKind::Email,
                "phone" => DedupeKeyKind::Phone,
                "name_company" => DedupeKeyKind::NameCompany,
                _ => return None,
            };
            Some((kind, key.to_owned()))
        })
        .collect()
}
