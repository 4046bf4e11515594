//! The error type every server function returns: a stable code and a message that is safe
//! to show. Internal details are logged on the server and never sent.

use serde::{Deserialize, Serialize};

/// An error a server function reports to the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub code: String,
    pub message: String,
}

impl AppError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        AppError {
            code: code.into(),
            message: message.into(),
        }
    }

    /// Not signed in, or the session expired.
    pub fn unauthenticated() -> Self {
        AppError::new("auth.unauthenticated", "Sign in to continue.")
    }

    /// An unexpected failure; the details stay in the server log.
    pub fn internal() -> Self {
        AppError::new(
            "internal",
            "Something went wrong on our side. Please try again.",
        )
    }
}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        AppError::new("request.failed", value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<auth::AuthError> for AppError {
    fn from(err: auth::AuthError) -> Self {
        if let auth::AuthError::Internal(inner) = &err {
            tracing::error!(error = %inner, "accounts operation failed");
            return AppError::internal();
        }
        AppError::new(err.code(), err.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<imports::ImportError> for AppError {
    fn from(err: imports::ImportError) -> Self {
        if let imports::ImportError::Internal(inner) = &err {
            tracing::error!(error = %inner, "import operation failed");
            return AppError::internal();
        }
        AppError::new(err.code(), err.to_string())
    }
}
