//! Questions about the leads themselves that the rules editor asks: which values a field
//! holds and how many leads hold one.

use sqlx::PgExecutor;
use uuid::Uuid;

use crate::apply::LEAD_COLUMNS;
use crate::StoreError;

/// The SQL expression for a field's value: its column, or its key in `custom`. Only keys
/// of `LEAD_COLUMNS` become identifiers; any other key is a bound parameter (`$2`).
fn value_expr(key: &str) -> String {
    match LEAD_COLUMNS.iter().find(|c| **c == key) {
        Some(column) => format!("NULLIF({column}, '')"),
        None => "NULLIF(custom ->> $2, '')".to_owned(),
    }
}

/// Every distinct non-empty value of `key` among the company's leads, with its count,
/// most used first.
pub async fn value_counts(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    key: &str,
) -> Result<Vec<(String, i64)>, StoreError> {
    let expr = value_expr(key);
    // `$2::text IS NOT NULL` keeps `$2` typed when the expression is a column and does not
    // use it (PostgreSQL refuses a parameter whose type it cannot infer).
    let sql = format!(
        "SELECT {expr} AS value, count(*) AS n FROM leads
         WHERE company_id = $1 AND $2::text IS NOT NULL AND {expr} IS NOT NULL
         GROUP BY 1 ORDER BY 2 DESC, 1"
    );
    let rows: Vec<(String, i64)> = sqlx::query_as(&sql)
        .bind(company_id)
        .bind(key)
        .fetch_all(db)
        .await?;
    Ok(rows)
}

/// How many of the company's leads hold a value for `key`.
pub async fn count_with_value(
    db: impl PgExecutor<'_>,
    company_id: Uuid,
    key: &str,
) -> Result<i64, StoreError> {
    let expr = value_expr(key);
    let sql = format!(
        "SELECT count(*) FROM leads WHERE company_id = $1 AND $2::text IS NOT NULL AND {expr} IS NOT NULL"
    );
    let n: i64 = sqlx::query_scalar(&sql)
        .bind(company_id)
        .bind(key)
        .fetch_one(db)
        .await?;
    Ok(n)
}
