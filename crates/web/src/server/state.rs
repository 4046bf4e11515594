//! Server-side state shared by the router, the REST handlers and the server functions.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;

/// Settings the request handlers need at run time.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a session lives after login.
    pub session_ttl: time::Duration,
    /// Whether cookies are marked `Secure` (set when served over HTTPS).
    pub cookie_secure: bool,
    /// The largest upload accepted, in bytes.
    pub max_upload_bytes: u64,
    /// Where uploads are spooled while they arrive.
    pub upload_tmp_dir: std::path::PathBuf,
    /// The bearer token `GET /metrics` asks for (`METRICS_TOKEN`); none: open.
    pub metrics_token: Option<String>,
}

/// Everything a request handler may need; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    pub pool: PgPool,
    pub leptos_options: LeptosOptions,
    pub settings: Arc<Settings>,
    /// The import service (pool, file store, intake limits).
    pub imports: imports::ImportService,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
