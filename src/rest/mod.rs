//! The REST API for scripts and syncs. Handlers are thin: decode, check the caller, call
//! a service function, map the error to `{"error": {"code", "message"}}`.

mod error;
mod extract;
mod session;

pub use error::ApiError;
pub use extract::Caller;

use axum::routing::{get, post};
use axum::Router;

use web::server::AppState;

/// Every REST route, with full paths under `/api`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/auth/login", post(session::login))
        .route("/api/auth/logout", post(session::logout))
        .route("/api/me", get(session::me))
        .route("/api/{*rest}", axum::routing::any(error::not_found))
}
