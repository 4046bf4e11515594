//! Bulk actions over a column or a selection: the rows selected, the patches each action
//! makes, exclusion and restore, all revalidated and recorded for undo.

use super::*;

/// Runs a bulk action over a column or a selection, then revalidates the import.
#[tracing::instrument(skip_all, fields(import = %id, action = %req.action.label()))]
pub async fn bulk(
    svc: &ImportService,
    principal: &auth::Principal,
    id: ImportId,
    req: BulkRequest,
) -> Result<BulkResult, ImportError> {
    traced(
        svc,
        principal,
        id,
        Stage::Edit,
        bulk_in(svc, principal, id, req),
    )
    .await
}

async fn bulk_in(
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
            let event = finish(&mut tx, &mut editing, None, &svc.telemetry, n).await?;
            tx.commit().await?;
            svc.telemetry.emit(&event);
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
    let event = finish(&mut tx, &mut editing, None, &svc.telemetry, affected).await?;
    tx.commit().await?;
    svc.telemetry.emit(&event);
    Ok(BulkResult {
        affected,
        stats: editing.stats,
    })
}

/// The rows a bulk action applies to.
pub(super) async fn target_seqs(
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
pub(super) async fn bulk_patches(
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
