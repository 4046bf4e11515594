//! Builds the whole HTTP router: health probes, the REST API, server functions, pages and
//! the static bundle, wrapped in the middleware stack. Tests call `build_router` directly,
//! without a socket.

use std::time::Duration;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::timeout::TimeoutLayer;

use web::server::AppState;
use web::{shell, App};

use crate::{http, middleware};

/// Request bodies above this are refused with 413 (uploads get their own, larger limit).
const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The application's router with its state applied.
pub fn build_router(state: AppState, request_timeout: Duration) -> Router {
    let routes = generate_route_list(App);
    let security = http::SecurityHeaders::new(&state.leptos_options);
    let metrics = crate::metrics::Metrics::new(
        state.pool.clone(),
        &state.imports.telemetry,
        state.settings.metrics_token.as_deref(),
    );
    let scrape = {
        let metrics = metrics.clone();
        move |headers| crate::metrics::scrape(metrics.clone(), headers)
    };
    let router = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(scrape))
        .merge(crate::rest::routes())
        .merge(http::pkg_routes(&state.leptos_options))
        .leptos_routes(&state, routes, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(
            middleware::require_login_for_pages,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::resolve_principal,
        ))
        .layer(axum::middleware::from_fn(|req, next| {
            middleware::refuse_nul_text(req, next, DEFAULT_BODY_LIMIT)
        }))
        .layer(axum::middleware::from_fn(middleware::reject_cross_site))
        .layer(axum::middleware::from_fn_with_state(
            security,
            http::security_headers,
        ))
        .layer(DefaultBodyLimit::max(DEFAULT_BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .layer(axum::middleware::from_fn(crate::rest::json_errors))
        // Outermost of the router's layers, so refusals by the ones inside (cross-site,
        // sign-in, timeouts) are counted too; every layer here runs after routing, so the
        // matched route template is known.
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            crate::metrics::track,
        ))
        .with_state(state);
    http::wrap(router)
}

/// Liveness: the process is up and serving.
async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers; load balancers stop routing here when it does not.
async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match sqlx::query_scalar::<_, i32>("SELECT 1")
        .fetch_one(&state.pool)
        .await
    {
        Ok(_) => (StatusCode::OK, "ready"),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
