//! Errors of the import service, each with a stable code for the API and a message a user
//! can act on. Internal causes are logged, never sent.

/// Why an import operation was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The import or preset does not exist in the caller's company.
    #[error("{0}")]
    NotFound(String),
    /// The caller's role does not allow this.
    #[error("{0}")]
    Forbidden(String),
    /// The request itself is malformed (a parameter out of range, a bad id): the
    /// caller's mistake, `request.invalid`.
    #[error("{0}")]
    BadRequest(String),
    /// The request was understood but its content is not acceptable.
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    /// The file could not be read; the intake error says why.
    #[error(transparent)]
    Intake(#[from] intake::IntakeError),
    /// The state does not allow this (e.g. editing an applied import).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// A database, storage or task failure.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ImportError {
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        ImportError::Invalid {
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ImportError::BadRequest(message.into())
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        ImportError::Internal(cause.to_string())
    }

    /// The stable code for JSON errors.
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::NotFound(_) => "request.not_found",
            ImportError::Forbidden(_) => "auth.forbidden",
            ImportError::BadRequest(_) => "request.invalid",
            ImportError::Invalid { code, .. } | ImportError::Conflict { code, .. } => code,
            ImportError::Intake(e) => e.code().as_str(),
            ImportError::Internal(_) => "internal",
        }
    }
}

impl From<store::StoreError> for ImportError {
    fn from(err: store::StoreError) -> Self {
        ImportError::Internal(err.to_string())
    }
}

impl From<sqlx::Error> for ImportError {
    fn from(err: sqlx::Error) -> Self {
        ImportError::Internal(err.to_string())
    }
}

impl From<auth::AuthError> for ImportError {
    fn from(err: auth::AuthError) -> Self {
        match err {
            auth::AuthError::Forbidden => ImportError::Forbidden(err.to_string()),
            other => ImportError::Internal(other.to_string()),
        }
    }
}
