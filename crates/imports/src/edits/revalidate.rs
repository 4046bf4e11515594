//! Revalidating rows after a change: some rows (an edit, with the rows whose in-file
//! duplicates changed) or all of them (a bulk action, a re-mapping), stats kept exact.

use super::*;

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
        // The table's CHECK allows only row statuses.
        let old_status = row.status.parse().unwrap_or(RowStatus::Valid);
        editing
            .stats
            .count_row(old_status, codes(&old_issues), Delta::Remove);
        editing.stats.count_row(status, codes(&issues), Delta::Add);
        results.seqs.push(seq);
        results.normalized.push(norm);
        results.statuses.push(status.as_str().to_owned());
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
            results.statuses.push(status.as_str().to_owned());
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
