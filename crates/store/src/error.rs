//! Store errors: database failures, with unique and check violations told apart by
//! constraint name (never by matching message text).

/// An error from a store query.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint rejected the write; the name says which one.
    #[error("unique constraint {0} violated")]
    Unique(String),
    /// A check or foreign-key constraint rejected the write.
    #[error("constraint {0} violated")]
    Constraint(String),
    /// Anything else: connection lost, timeout, bad SQL.
    #[error(transparent)]
    Database(sqlx::Error),
}

impl StoreError {
    /// Whether this is a violation of the named constraint.
    pub fn is_constraint(&self, name: &str) -> bool {
        matches!(self, StoreError::Unique(c) | StoreError::Constraint(c) if c == name)
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err {
            if let Some(constraint) = db.constraint() {
                let constraint = constraint.to_owned();
                return match db.kind() {
                    sqlx::error::ErrorKind::UniqueViolation => StoreError::Unique(constraint),
                    _ => StoreError::Constraint(constraint),
                };
            }
        }
        StoreError::Database(err)
    }
}
