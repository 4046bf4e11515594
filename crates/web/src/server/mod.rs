//! Server-only plumbing shared by server functions and the REST layer: state, the session
//! cookie, and how a request's principal and client address are found.

pub mod cookies;
pub mod state;

pub use state::{AppState, Settings};

use crate::error::AppError;

/// The client's address as the connection reported it, put into request extensions by the
/// router's middleware (used for login throttling).
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

/// The principal the middleware resolved for this request, if any.
pub fn current_principal() -> Option<auth::Principal> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<auth::Principal>().cloned())
}

/// The principal, or an "unauthenticated" error for the server function to return.
pub fn require_principal() -> Result<auth::Principal, AppError> {
    current_principal().ok_or_else(AppError::unauthenticated)
}

/// The app state provided to every server function as context.
pub fn app_state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from server function context");
        AppError::internal()
    })
}
