//! Accounts service: who may do what. Login with throttling, sessions, API tokens, users
//! and roles. Server functions, REST handlers and the CLI all call these functions, so the
//! rules (hashing, throttling, role checks) exist once.

mod members;
mod password;
mod principal;
mod service;
mod token;
mod tokens;

pub use members::{list_users, remove_user, update_user};
pub use principal::{Principal, Role};
pub use service::{
    bootstrap_demo, create_company, create_user, login, logout, principal_from_api_token,
    principal_from_session, DemoLogin, LoginInput, LoginOk, NewUserInput,
};
pub use token::SESSION_COOKIE;
pub use tokens::{create_api_token, create_token, list_tokens, revoke_token, TokenActor};

/// Why an accounts operation was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Wrong email or password; deliberately does not say which.
    #[error("The email or password is not correct.")]
    InvalidCredentials,
    /// Too many failed attempts recently for this account or this address.
    #[error("Too many failed sign-in attempts. Try again in {retry_after_secs} seconds.")]
    Throttled { retry_after_secs: u64 },
    /// No valid session or token.
    #[error("Sign in to continue.")]
    Unauthenticated,
    /// Signed in, but the role does not allow this.
    #[error("Only company admins can do this.")]
    Forbidden,
    /// The input was rejected; the message says why.
    #[error("{0}")]
    Invalid(String),
    /// The thing to create exists already; the message says what.
    #[error("{0}")]
    Conflict(String),
    /// The change would leave the company without an active admin.
    #[error("{0} is the company's last active admin: make another member an admin first.")]
    LastAdmin(String),
    /// The named company or user does not exist.
    #[error("{0}")]
    NotFound(String),
    /// A database or hashing failure; details are logged, never shown.
    #[error("internal error")]
    Internal(#[from] InternalError),
}

/// The opaque cause of an internal failure.
#[derive(Debug, thiserror::Error)]
pub enum InternalError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error("password hashing failed: {0}")]
    Hash(String),
}

impl From<store::StoreError> for AuthError {
    fn from(err: store::StoreError) -> Self {
        AuthError::Internal(err.into())
    }
}

impl From<api::UnknownRole> for AuthError {
    fn from(err: api::UnknownRole) -> Self {
        AuthError::Invalid(err.to_string())
    }
}

impl From<sqlx::Error> for AuthError {
    fn from(err: sqlx::Error) -> Self {
        AuthError::Internal(err.into())
    }
}

impl AuthError {
    /// A stable machine-readable code for JSON errors.
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::InvalidCredentials => "auth.invalid_credentials",
            AuthError::Throttled { .. } => "auth.throttled",
            AuthError::Unauthenticated => "auth.unauthenticated",
            AuthError::Forbidden => "auth.forbidden",
            AuthError::Invalid(_) => "request.invalid",
            AuthError::Conflict(_) => "request.conflict",
            AuthError::LastAdmin(_) => "user.last_admin",
            AuthError::NotFound(_) => "request.not_found",
            AuthError::Internal(_) => "internal",
        }
    }
}
