//! The REST API for scripts and syncs. Handlers are thin: decode, check the caller, call
//! a service function, map the error to `{"error": {"code", "message"}}`.

mod apply;
mod error;
mod extract;
mod imports;
mod openapi;
mod presets;
mod session;
mod upload;

pub use error::json_errors;
pub use error::ApiError;
pub use extract::{Caller, Query};

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

use web::server::AppState;

/// Every REST route, with full paths under `/api`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/auth/login", post(session::login))
        .route("/api/auth/logout", post(session::logout))
        .route("/api/me", get(session::me))
        .route(
            "/api/imports/leads/validate",
            // Uploads are counted against MAX_UPLOAD_BYTES while they stream in.
            post(imports::validate).layer(DefaultBodyLimit::disable()),
        )
        .route("/api/imports", get(imports::history))
        .route("/api/imports/{id}", get(imports::summary))
        .route(
            "/api/imports/{id}/rows",
            get(imports::rows).patch(imports::edit_rows),
        )
        .route("/api/imports/{id}/bulk", post(imports::bulk))
        .route("/api/imports/{id}/apply", post(apply::apply))
        .route("/api/imports/{id}/revert", post(apply::revert))
        .route("/api/imports/{id}/report.csv", get(apply::report_csv))
        .route("/api/imports/{id}/report.xlsx", get(apply::report_xlsx))
        .route(
            "/api/imports/{id}/corrections",
            post(apply::corrections).layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/api/imports/{id}/mapping",
            axum::routing::put(imports::remap),
        )
        .route(
            "/api/mapping-presets",
            get(presets::list).post(presets::create),
        )
        .route(
            "/api/mapping-presets/{id}",
            axum::routing::put(presets::update).delete(presets::delete),
        )
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/{*rest}", axum::routing::any(error::not_found))
}
