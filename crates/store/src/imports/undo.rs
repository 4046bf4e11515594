//! Undo and redo (`import_undo`): rows' states before and after a change, the step stack.

use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::StoreError;

/// A row's user-controlled state: its edits and whether it is excluded.
#[derive(Debug, Clone, PartialEq)]
pub struct RowState {
    pub seq: i32,
    pub edits: serde_json::Value,
    pub excluded: bool,
}

/// The edits and excluded flags of the given rows, in order.
pub async fn row_states(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    seqs: &[i32],
) -> Result<Vec<RowState>, StoreError> {
    let rows = sqlx::query_as!(
        RowState,
        "SELECT seq, edits, excluded FROM import_rows
         WHERE company_id = $1 AND import_id = $2 AND seq = ANY($3::int[])
         ORDER BY seq",
        company_id,
        import_id,
        seqs,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// Writes rows' edits and excluded flags back as they were recorded (undo / redo).
pub async fn restore_row_states(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    states: &[RowState],
) -> Result<u64, StoreError> {
    let seqs: Vec<i32> = states.iter().map(|s| s.seq).collect();
    let edits: Vec<serde_json::Value> = states.iter().map(|s| s.edits.clone()).collect();
    let excluded: Vec<bool> = states.iter().map(|s| s.excluded).collect();
    let done = sqlx::query!(
        r#"UPDATE import_rows r SET edits = u.edits, excluded = u.excluded
           FROM UNNEST($3::int[], $4::jsonb[], $5::bool[]) AS u(seq, edits, excluded)
           WHERE r.company_id = $1 AND r.import_id = $2 AND r.seq = u.seq"#,
        company_id,
        import_id,
        &seqs,
        &edits,
        &excluded,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// One recorded change.
#[derive(Debug, Clone)]
pub struct UndoStep {
    pub step: i32,
    pub kind: String,
    pub label: String,
    pub rows: serde_json::Value,
}

/// Records a change: drops the undone steps (a new change ends the redo branch), appends
/// this one and keeps only the newest `keep` steps.
pub async fn push_undo(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    kind: &str,
    label: &str,
    rows: &serde_json::Value,
    keep: i32,
) -> Result<(), StoreError> {
    sqlx::query!(
        "DELETE FROM import_undo WHERE company_id = $1 AND import_id = $2 AND undone",
        company_id,
        import_id,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO import_undo (company_id, import_id, step, kind, label, rows)
         SELECT $1, $2, COALESCE(max(step), 0) + 1, $3, $4, $5
         FROM import_undo WHERE company_id = $1 AND import_id = $2",
        company_id,
        import_id,
        kind,
        label,
        rows,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM import_undo WHERE company_id = $1 AND import_id = $2 AND step <= (
             SELECT max(step) - $3::int FROM import_undo WHERE company_id = $1 AND import_id = $2)",
        company_id,
        import_id,
        keep,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The step undo would revert (`undone = false`) or redo would re-apply (`undone = true`).
pub async fn next_undo_step(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    undone: bool,
) -> Result<Option<UndoStep>, StoreError> {
    // Undo walks back from the newest step; redo forward from the oldest undone one.
    let step = sqlx::query_as!(
        UndoStep,
        "SELECT step, kind, label, rows FROM import_undo
         WHERE company_id = $1 AND import_id = $2 AND undone = $3
         ORDER BY CASE WHEN $3 THEN step ELSE -step END
         LIMIT 1",
        company_id,
        import_id,
        undone,
    )
    .fetch_optional(conn)
    .await?;
    Ok(step)
}

/// Marks a step undone or redone.
pub async fn mark_undo_step(
    conn: &mut PgConnection,
    company_id: Uuid,
    import_id: Uuid,
    step: i32,
    undone: bool,
) -> Result<(), StoreError> {
    sqlx::query!(
        "UPDATE import_undo SET undone = $4, updated_at = now()
         WHERE company_id = $1 AND import_id = $2 AND step = $3",
        company_id,
        import_id,
        step,
        undone,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The labels of the next undo and redo steps, if any.
pub async fn undo_labels(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    import_id: Uuid,
) -> Result<(Option<String>, Option<String>), StoreError> {
    let row = sqlx::query!(
        r#"SELECT
             (SELECT label FROM import_undo WHERE company_id = $1 AND import_id = $2 AND NOT undone
              ORDER BY step DESC LIMIT 1) AS "undo?",
             (SELECT label FROM import_undo WHERE company_id = $1 AND import_id = $2 AND undone
              ORDER BY step LIMIT 1) AS "redo?""#,
        company_id,
        import_id,
    )
    .fetch_one(db)
    .await?;
    Ok((row.undo, row.redo))
}
