//! Applying staged rows to `leads` and reverting them: set-based SQL over a temporary
//! table (never a statement per row), the before- and after-images in `import_changes`,
//! and the import's apply state. The caller owns the transaction: everything here that
//! writes leads runs on the one connection it is given.

use sqlx::{PgConnection, PgExecutor, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StoreError;

/// The built-in lead columns an import writes, in table order. Every other field of the
/// configuration lands in `leads.custom`.
pub const LEAD_COLUMNS: [&str; 10] = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "company",
    "title",
    "status",
    "source",
    "country",
    "notes",
];

/// `jsonb_build_object(...)` of a lead's tracked columns under table alias `alias`: the
/// image compared and restored by revert. `updated_at` is not part of it (it always moves).
fn image(alias: &str) -> String {
    let mut parts: Vec<String> = LEAD_COLUMNS
        .iter()
        .map(|c| format!("'{c}', {alias}.{c}"))
        .collect();
    parts.push(format!("'email_norm', {alias}.email_norm"));
    parts.push(format!("'phone_e164', {alias}.phone_e164"));
    parts.push(format!("'custom', {alias}.custom"));
    format!("jsonb_build_object({})", parts.join(", "))
}

/// What the apply state of an import looks like to the summary and history.
#[derive(Debug, Clone)]
pub struct ApplyState {
    pub import_id: Uuid,
    pub mode: Option<String>,
    pub duplicate_policy: Option<String>,
    pub fill_empty_only: bool,
    pub result: Option<serde_json::Value>,
    pub failure: Option<String>,
    pub applied_by_email: Option<String>,
    pub apply_started_at: Option<OffsetDateTime>,
    pub applied_at: Option<OffsetDateTime>,
    pub reverted_by_email: Option<String>,
    pub reverted_at: Option<OffsetDateTime>,
    pub revert_result: Option<serde_json::Value>,
    pub report_keys: serde_json::Value,
    pub progress_done: Option<i64>,
    pub progress_total: Option<i64>,
}

/// The apply state of the given imports of the company (with the latest job's progress).
pub async fn apply_states(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    import_ids: &[Uuid],
) -> Result<Vec<ApplyState>, StoreError> {
    let rows = sqlx::query_as!(
        ApplyState,
        r#"SELECT i.id AS import_id, i.mode, i.duplicate_policy, i.fill_empty_only, i.result,
                  i.failure, ua.email AS "applied_by_email?", i.apply_started_at, i.applied_at,
                  ur.email AS "reverted_by_email?", i.reverted_at, i.revert_result, i.report_keys,
                  j.progress_done AS "progress_done?", j.progress_total AS "progress_total?"
           FROM imports i
           LEFT JOIN users ua ON ua.id = i.applied_by
           LEFT JOIN users ur ON ur.id = i.reverted_by
           LEFT JOIN LATERAL (
               SELECT progress_done, progress_total FROM jobs
               WHERE jobs.import_id = i.id ORDER BY created_at DESC LIMIT 1
           ) j ON true
           WHERE i.company_id = $1 AND i.id = ANY($2::uuid[])"#,
        company_id,
        import_ids,
    )
    .fetch_all(db)
    .await?;
    Ok(rows)
}

/// An earlier application of the same file with the same mapping and configuration.
#[derive(Debug, Clone)]
pub struct EarlierApply {
    pub import_id: Uuid,
    pub applied_at: OffsetDateTime,
    pub applied_by_email: Option<String>,
    pub status: String,
}

/// The most recent other import of the company that applied the same file (by SHA-256)
/// with the same mapping and configuration version and was not reverted.
pub async fn earlier_apply(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    import_id: Uuid,
) -> Result<Option<EarlierApply>, StoreError> {
    let row = sqlx::query_as!(
        EarlierApply,
        r#"SELECT o.id AS import_id, o.applied_at AS "applied_at!", u.email AS "applied_by_email?",
                  o.status
           FROM imports i
           JOIN imports o ON o.company_id = i.company_id AND o.sha256 = i.sha256
                          AND o.id <> i.id AND o.applied_at IS NOT NULL
                          AND o.status = 'applied'
                          AND o.mapping = i.mapping AND o.config_version = i.config_version
                          AND o.sheet IS NOT DISTINCT FROM i.sheet AND o.header_row = i.header_row
           LEFT JOIN users u ON u.id = o.applied_by
           WHERE i.company_id = $1 AND i.id = $2
           ORDER BY o.applied_at DESC LIMIT 1"#,
        company_id,
        import_id,
    )
    .fetch_optional(db)
    .await?;
    Ok(row)
}

/// The import's status and result, locked for the rest of the transaction.
pub async fn lock_status(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
) -> Result<Option<(String, Option<serde_json::Value>)>, StoreError> {
    let row = sqlx::query!(
        "SELECT status, result FROM imports WHERE company_id = $1 AND id = $2 FOR UPDATE",
        company_id,
        import_id,
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.status, r.result)))
}

/// The import's status without locking it (the apply job holds the advisory lock instead,
/// so a request that asks meanwhile is answered at once).
pub async fn status(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    import_id: Uuid,
) -> Result<Option<String>, StoreError> {
    let status = sqlx::query_scalar!(
        "SELECT status FROM imports WHERE company_id = $1 AND id = $2",
        company_id,
        import_id,
    )
    .fetch_optional(db)
    .await?;
    Ok(status)
}

/// What the user decided for an apply.
#[derive(Debug, Clone, Copy)]
pub struct Decision<'a> {
    pub mode: &'a str,
    pub duplicate_policy: &'a str,
    pub fill_empty_only: bool,
}

/// Moves the import to `applying` with the user's decision.
pub async fn start_applying(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    decision: Decision<'_>,
    actor_id: Uuid,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE imports SET status = 'applying', mode = $3, duplicate_policy = $4,
                fill_empty_only = $5, applied_by = $6, apply_started_at = now(), failure = NULL,
                result = NULL, updated_at = now()
         WHERE company_id = $1 AND id = $2",
        company_id,
        import_id,
        decision.mode,
        decision.duplicate_policy,
        decision.fill_empty_only,
        actor_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks an apply that did not commit as failed, with the reason; a later apply may retry.
pub async fn mark_failed(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    import_id: Uuid,
    reason: &str,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE imports SET status = 'failed', failure = $3, updated_at = now()
         WHERE company_id = $1 AND id = $2 AND status = 'applying'",
        company_id,
        import_id,
        reason,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Marks the import applied with its result (inside the apply transaction).
pub async fn mark_applied(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    result: &serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE imports SET status = 'applied', result = $3, applied_at = now(), failure = NULL,
                updated_at = now()
         WHERE company_id = $1 AND id = $2",
        company_id,
        import_id,
        result,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Remembers where the import's error reports were stored.
pub async fn set_report_keys(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    import_id: Uuid,
    keys: &serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE imports SET report_keys = $3, updated_at = now() WHERE company_id = $1 AND id = $2",
        company_id,
        import_id,
        keys,
    )
    .execute(db)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The apply itself, on one connection inside one transaction.

/// Names the apply's session (so operators, and the test that kills it, can find it in
/// `pg_stat_activity`) and gives its statements `timeout` (e.g. `15min`) instead of the
/// pool's shorter default, for the rest of the transaction.
pub async fn prepare_session(
    conn: &mut PgConnection,
    import_id: Uuid,
    timeout: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "SELECT set_config('application_name', $1, true), set_config('statement_timeout', $2, true)",
    )
    .bind(format!("lead-importer apply {import_id}"))
    .bind(timeout)
    .execute(conn)
    .await?;
    Ok(())
}

/// Rows of `apply_rows` with `seq` in `[from, to)` that are written (inserted or updated):
/// the progress one chunk adds.
pub async fn writes_in(conn: &mut PgConnection, (from, to): (i32, i32)) -> Result<i64, StoreError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM apply_rows
         WHERE seq >= $1 AND seq < $2 AND action IN ('insert', 'update')",
    )
    .bind(from)
    .bind(to)
    .fetch_one(conn)
    .await?;
    Ok(n)
}

/// Creates the transaction's scratch table `apply_rows` (dropped at commit or rollback).
pub async fn create_apply_table(conn: &mut PgConnection) -> Result<(), StoreError> {
    let columns: String = LEAD_COLUMNS.iter().map(|c| format!("{c} text, ")).collect();
    let sql = format!(
        "CREATE TEMP TABLE apply_rows (
             seq integer PRIMARY KEY,
             new_id uuid NOT NULL DEFAULT gen_random_uuid(),
             lead_id uuid,
             action text,
             email_norm text,
             phone_e164 text,
             provided text[] NOT NULL,
             {columns}
             custom jsonb NOT NULL
         ) ON COMMIT DROP"
    );
    sqlx::query(&sql).execute(conn).await?;
    Ok(())
}

/// Copies the rows that may be imported into `apply_rows`: not excluded, not empty, and
/// without errors. The dedupe keys come from the staged rows' `keys`, so they are exactly
/// the ones the dry run checked. `provided` lists the fields the file (or an edit) gave a
/// value: an update only touches those, so a configured default ("status: new") fills new
/// leads but never overwrites an existing lead. `fields` pairs every field key with the
/// 0-based source column mapped to it. With `match_email`, each row is linked in the same
/// pass to the existing lead with its e-mail (one join, no second pass over the rows).
/// Returns how many rows were copied.
pub async fn fill_apply_table(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    fields: &[(String, Option<usize>)],
    match_email: bool,
) -> Result<u64, StoreError> {
    let names: String = LEAD_COLUMNS.iter().map(|c| format!("{c}, ")).collect();
    let values: String = LEAD_COLUMNS
        .iter()
        .map(|c| format!("NULLIF(r.normalized->>'{c}', ''), "))
        .collect();
    let sql = format!(
        "INSERT INTO apply_rows (seq, email_norm, phone_e164, lead_id, provided, {names} custom)
         SELECT r.seq, k.email_norm, k.phone_e164, l.id,
                ARRAY(SELECT f.key FROM unnest($4::text[], $5::int[]) AS f(key, col)
                      WHERE CASE WHEN r.edits ? f.key THEN COALESCE(r.edits->>f.key, '') <> ''
                                 ELSE f.col >= 0 AND btrim(COALESCE(r.original->>f.col, '')) <> '' END),
                {values}
                jsonb_strip_nulls(r.normalized - $3::text[])
         FROM import_rows r
         CROSS JOIN LATERAL (
             SELECT COALESCE((SELECT substr(k, 7) FROM unnest(r.keys) AS k WHERE k LIKE 'email:%' LIMIT 1),
                             lower(NULLIF(r.normalized->>'email', ''))) AS email_norm,
                    (SELECT substr(k, 7) FROM unnest(r.keys) AS k WHERE k LIKE 'phone:%' LIMIT 1) AS phone_e164
         ) k
         LEFT JOIN leads l ON $6 AND l.company_id = $1 AND l.email_norm = k.email_norm
         WHERE r.company_id = $1 AND r.import_id = $2 AND NOT r.excluded
           AND r.status <> 'error' AND NOT ('row.empty' = ANY(r.codes))"
    );
    let builtin: Vec<String> = LEAD_COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    let keys: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
    let columns: Vec<i32> = fields
        .iter()
        .map(|(_, c)| c.and_then(|c| i32::try_from(c).ok()).unwrap_or(-1))
        .collect();
    let done = sqlx::query(&sql)
        .bind(company_id)
        .bind(import_id)
        .bind(&builtin)
        .bind(&keys)
        .bind(&columns)
        .bind(match_email)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

/// Links rows no e-mail matched to the oldest existing lead with their phone — the same
/// order (e-mail, then phone) the dry run used.
pub async fn match_by_phone(conn: &mut PgConnection, company_id: Uuid) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE apply_rows a SET lead_id = p.id
         FROM (SELECT DISTINCT ON (l.phone_e164) l.phone_e164, l.id FROM leads l
               WHERE l.company_id = $1 AND l.phone_e164 IN
                     (SELECT phone_e164 FROM apply_rows WHERE lead_id IS NULL AND phone_e164 IS NOT NULL)
               ORDER BY l.phone_e164, l.created_at, l.id) p
         WHERE a.lead_id IS NULL AND a.phone_e164 = p.phone_e164",
    )
    .bind(company_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Marks later occurrences inside the file as `duplicate` (the first row wins): rows with
/// the same e-mail, rows matched to the same existing lead, and new rows with the same
/// phone. `ON CONFLICT DO UPDATE` could not take the same key twice anyway.
pub async fn mark_in_file_duplicates(
    conn: &mut PgConnection,
    by_phone: bool,
) -> Result<(), StoreError> {
    let mut partitions = vec![
        ("email_norm", "email_norm IS NOT NULL"),
        ("lead_id", "lead_id IS NOT NULL"),
    ];
    if by_phone {
        partitions.push(("phone_e164", "lead_id IS NULL AND phone_e164 IS NOT NULL"));
    }
    for (key, present) in partitions {
        let sql = format!(
            "UPDATE apply_rows a SET action = 'duplicate'
             FROM (SELECT seq, row_number() OVER (PARTITION BY {key} ORDER BY seq) AS n
                   FROM apply_rows WHERE action IS NULL AND {present}) d
             WHERE a.seq = d.seq AND d.n > 1"
        );
        sqlx::query(&sql).execute(&mut *conn).await?;
    }
    Ok(())
}

/// What an apply writes; the service derives it from the duplicate policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Writes {
    /// Rows that match no lead become new leads (else `skip_new`).
    pub insert_new: bool,
    /// Rows that match a lead update it (else `skip_existing`).
    pub update_existing: bool,
}

/// Decides each remaining row's action: `insert`, `update`, `skip_existing` or
/// `skip_new`. Returns how many rows will be written.
pub async fn decide_actions(conn: &mut PgConnection, writes: Writes) -> Result<i64, StoreError> {
    sqlx::query(
        "UPDATE apply_rows SET action = CASE
             WHEN lead_id IS NULL THEN CASE WHEN $1 THEN 'insert' ELSE 'skip_new' END
             ELSE CASE WHEN $2 THEN 'update' ELSE 'skip_existing' END
         END
         WHERE action IS NULL",
    )
    .bind(writes.insert_new)
    .bind(writes.update_existing)
    .execute(&mut *conn)
    .await?;
    let writes: i64 =
        sqlx::query_scalar("SELECT count(*) FROM apply_rows WHERE action IN ('insert', 'update')")
            .fetch_one(&mut *conn)
            .await?;
    Ok(writes)
}

/// The highest `seq` in `apply_rows` (chunks run from 0 to it).
pub async fn max_apply_seq(conn: &mut PgConnection) -> Result<i32, StoreError> {
    let max: Option<i32> = sqlx::query_scalar("SELECT max(seq) FROM apply_rows")
        .fetch_one(conn)
        .await?;
    Ok(max.unwrap_or(-1))
}

/// How existing leads are updated.
#[derive(Debug, Clone)]
pub struct UpdateSpec {
    /// Built-in columns that are never overwritten (locked in the configuration).
    pub locked_columns: Vec<String>,
    /// Custom field keys that are never overwritten.
    pub locked_custom: Vec<String>,
    /// Only fill columns that are empty on the lead.
    pub fill_empty_only: bool,
}

/// Updates the leads matched by rows with `seq` in `[from, to)` and records a before- and
/// after-image for every lead that actually changed. Returns how many leads changed.
pub async fn apply_updates(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    (from, to): (i32, i32),
    spec: &UpdateSpec,
) -> Result<u64, StoreError> {
    // Each writable column's new value: values the file provided overwrite, unless only
    // empty columns are filled. `t.<col>` is NULL when the value normalised to nothing.
    let pick = |c: &str| {
        let incoming = if spec.fill_empty_only {
            format!("COALESCE(NULLIF(l.{c}, ''), t.{c}, l.{c})")
        } else {
            format!("COALESCE(t.{c}, l.{c})")
        };
        format!("CASE WHEN '{c}' = ANY(t.provided) THEN {incoming} ELSE l.{c} END")
    };
    let mut sets = Vec::new();
    let mut new_values = Vec::new();
    let mut old_values = Vec::new();
    for c in LEAD_COLUMNS {
        if spec.locked_columns.iter().any(|l| l == c) {
            continue;
        }
        let expr = pick(c);
        // The dedupe keys follow the value they are derived from.
        let derived = match c {
            "email" => Some(("email_norm", "t.email_norm")),
            "phone" => Some(("phone_e164", "t.phone_e164")),
            _ => None,
        };
        if let Some((key, incoming)) = derived {
            sets.push(format!(
                "{key} = CASE WHEN ({expr}) IS DISTINCT FROM l.{c} THEN {incoming} ELSE l.{key} END"
            ));
        }
        sets.push(format!("{c} = {expr}"));
        new_values.push(expr);
        old_values.push(format!("l.{c}"));
    }
    let custom_in = "COALESCE((SELECT jsonb_object_agg(e.key, e.value) \
                     FROM jsonb_each(t.custom - $5::text[]) AS e WHERE e.key = ANY(t.provided)), '{}'::jsonb)";
    let custom_expr = if spec.fill_empty_only {
        format!("{custom_in} || l.custom")
    } else {
        format!("l.custom || {custom_in}")
    };
    sets.push(format!("custom = {custom_expr}"));
    new_values.push(custom_expr);
    old_values.push("l.custom".into());

    // The before-image comes from a second reference to the lead (`old`) in the same
    // statement: it reads the row as it was before this UPDATE, so no extra pass is needed.
    let sql = format!(
        "WITH changed AS (
             UPDATE leads l SET {sets}, updated_at = now()
             FROM apply_rows t JOIN leads old ON old.id = t.lead_id
             WHERE t.action = 'update' AND t.seq >= $3 AND t.seq < $4
               AND l.id = t.lead_id AND l.company_id = $1
               AND ROW({new}) IS DISTINCT FROM ROW({old})
             RETURNING l.id, t.seq,
                       {before} || jsonb_build_object('updated_at', old.updated_at) AS before,
                       {after} AS after
         )
         INSERT INTO import_changes (company_id, import_id, lead_id, seq, action, before, after)
         SELECT $1, $2, id, seq, 'updated', before, after FROM changed",
        before = image("old"),
        after = image("l"),
        sets = sets.join(", "),
        new = new_values.join(", "),
        old = old_values.join(", "),
    );
    let done = sqlx::query(&sql)
        .bind(company_id)
        .bind(import_id)
        .bind(from)
        .bind(to)
        .bind(&spec.locked_custom)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Inserts the new leads of rows with `seq` in `[from, to)` and records each one.
/// A lead inserted meanwhile by someone else with the same e-mail is left alone (the row
/// counts as skipped). Returns how many leads were created.
pub async fn apply_inserts(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    (from, to): (i32, i32),
) -> Result<u64, StoreError> {
    let names: String = LEAD_COLUMNS.iter().map(|c| format!("{c}, ")).collect();
    let values: String = LEAD_COLUMNS.iter().map(|c| format!("a.{c}, ")).collect();
    let sql = format!(
        "WITH ins AS (
             INSERT INTO leads AS l (id, company_id, {names} email_norm, phone_e164, custom)
             SELECT a.new_id, $1, {values} a.email_norm, a.phone_e164, a.custom
             FROM apply_rows a WHERE a.action = 'insert' AND a.seq >= $3 AND a.seq < $4
             ON CONFLICT (company_id, email_norm) DO NOTHING
             RETURNING l.id, {image} AS image
         )
         INSERT INTO import_changes (company_id, import_id, lead_id, seq, action, before, after)
         SELECT $1, $2, ins.id, a.seq, 'created', NULL, ins.image
         FROM ins JOIN apply_rows a ON a.new_id = ins.id",
        image = image("l"),
    );
    let done = sqlx::query(&sql)
        .bind(company_id)
        .bind(import_id)
        .bind(from)
        .bind(to)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// How many rows of `apply_rows` ended with each action.
pub async fn action_counts(conn: &mut PgConnection) -> Result<Vec<(String, i64)>, StoreError> {
    let rows = sqlx::query("SELECT action, count(*) AS n FROM apply_rows GROUP BY action")
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<Option<String>, _>("action")?
                    .unwrap_or_default(),
                r.try_get::<i64, _>("n")?,
            ))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(StoreError::from)
}

/// Rows of the import that were left out for errors (and not excluded by the user).
pub async fn count_error_rows(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    import_id: Uuid,
) -> Result<i64, StoreError> {
    let n = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM import_rows
           WHERE company_id = $1 AND import_id = $2 AND status = 'error' AND NOT excluded"#,
        company_id,
        import_id,
    )
    .fetch_one(db)
    .await?;
    Ok(n)
}

// ---------------------------------------------------------------------------------------
// Revert.

/// A lead the import created or updated that was changed since.
#[derive(Debug, Clone)]
pub struct Conflict {
    pub lead_id: Uuid,
    pub action: String,
    pub after: serde_json::Value,
    pub current: serde_json::Value,
}

/// Leads of the import whose tracked columns no longer match what the import left.
/// Leads deleted since are not conflicts (there is nothing to overwrite).
pub async fn revert_conflicts(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    limit: i64,
) -> Result<(i64, Vec<Conflict>), StoreError> {
    let sql = format!(
        "SELECT c.lead_id, c.action, c.after, {current} AS current, count(*) OVER () AS total
         FROM import_changes c JOIN leads l ON l.id = c.lead_id
         WHERE c.company_id = $1 AND c.import_id = $2 AND {current} IS DISTINCT FROM c.after
         ORDER BY c.seq LIMIT $3",
        current = image("l"),
    );
    let rows = sqlx::query(&sql)
        .bind(company_id)
        .bind(import_id)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    let mut total = 0;
    let mut conflicts = Vec::with_capacity(rows.len());
    for r in rows {
        total = r.try_get("total")?;
        conflicts.push(Conflict {
            lead_id: r.try_get("lead_id")?,
            action: r.try_get("action")?,
            after: r.try_get("after")?,
            current: r.try_get("current")?,
        });
    }
    Ok((total, conflicts))
}

/// What a revert did.
#[derive(Debug, Clone, Default)]
pub struct RevertCounts {
    /// Created leads removed.
    pub removed: u64,
    /// Updated leads restored to their before-image.
    pub restored: u64,
    /// Leads changed since the import that were left as they are.
    pub kept: u64,
    /// Leads that no longer exist.
    pub missing: u64,
}

/// Removes the leads the import created and restores the ones it updated. With
/// `overwrite = false`, leads changed since the import are left as they are.
pub async fn revert_changes(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    overwrite: bool,
) -> Result<RevertCounts, StoreError> {
    let unchanged = format!("($3 OR {} = c.after)", image("l"));
    let removed = sqlx::query(&format!(
        "DELETE FROM leads l USING import_changes c
         WHERE c.company_id = $1 AND c.import_id = $2 AND c.action = 'created'
           AND l.id = c.lead_id AND l.company_id = $1 AND {unchanged}"
    ))
    .bind(company_id)
    .bind(import_id)
    .bind(overwrite)
    .execute(&mut *conn)
    .await?
    .rows_affected();

    let mut sets: Vec<String> = LEAD_COLUMNS
        .iter()
        .map(|c| format!("{c} = c.before->>'{c}'"))
        .collect();
    sets.push("email_norm = c.before->>'email_norm'".into());
    sets.push("phone_e164 = c.before->>'phone_e164'".into());
    sets.push("custom = COALESCE(c.before->'custom', '{}'::jsonb)".into());
    sets.push("updated_at = (c.before->>'updated_at')::timestamptz".into());
    let restored = sqlx::query(&format!(
        "UPDATE leads l SET {sets}
         FROM import_changes c
         WHERE c.company_id = $1 AND c.import_id = $2 AND c.action = 'updated'
           AND l.id = c.lead_id AND l.company_id = $1 AND {unchanged}",
        sets = sets.join(", "),
    ))
    .bind(company_id)
    .bind(import_id)
    .bind(overwrite)
    .execute(&mut *conn)
    .await?
    .rows_affected();

    let (total, existing): (i64, i64) = sqlx::query_as(
        "SELECT count(*), count(l.id) FROM import_changes c LEFT JOIN leads l ON l.id = c.lead_id
         WHERE c.company_id = $1 AND c.import_id = $2",
    )
    .bind(company_id)
    .bind(import_id)
    .fetch_one(&mut *conn)
    .await?;
    // Leads removed above no longer exist either; they are not "missing".
    let missing = (total - existing - removed as i64).max(0) as u64;
    let touched = removed + restored;
    let kept = (total as u64).saturating_sub(touched + missing);
    Ok(RevertCounts {
        removed,
        restored,
        kept,
        missing,
    })
}

/// Marks the import reverted.
pub async fn mark_reverted(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    actor_id: Uuid,
    result: &serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE imports SET status = 'reverted', reverted_by = $3, reverted_at = now(),
                revert_result = $4, updated_at = now()
         WHERE company_id = $1 AND id = $2",
        company_id,
        import_id,
        actor_id,
        result,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes the import's apply/revert advisory lock for the rest of the transaction, or
/// answers `false` when another session holds it.
pub async fn try_lock_import(conn: &mut PgConnection, import_id: Uuid) -> Result<bool, StoreError> {
    let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
        .bind(advisory_key(import_id))
        .fetch_one(conn)
        .await?;
    Ok(locked)
}

/// The advisory lock key of an import: its first eight bytes.
fn advisory_key(import_id: Uuid) -> i64 {
    let bytes = import_id.as_bytes();
    let mut first = [0u8; 8];
    first.copy_from_slice(&bytes[..8]);
    i64::from_be_bytes(first)
}

/// Rows with issues after `after_seq`, in order, for the error reports.
pub async fn issue_rows_after(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    import_id: Uuid,
    after_seq: i32,
    limit: i64,
) -> Result<Vec<crate::imports::StagedRowOut>, StoreError> {
    let rows = sqlx::query_as!(
        crate::imports::StagedRowOut,
        "SELECT seq, row_no, original, edits, normalized, status, issues, excluded FROM import_rows
         WHERE company_id = $1 AND import_id = $2 AND seq > $3 AND cardinality(codes) > 0
         ORDER BY seq LIMIT $4",
        company_id,
        import_id,
        after_seq,
        limit,
    )
    .fetch_all(db)
    .await?;
    Ok(rows)
}
