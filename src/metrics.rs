//! Prometheus metrics at `GET /metrics` (OpenMetrics text, `prometheus-client`): HTTP
//! requests and their durations by method, route *template* and status (OpenTelemetry's
//! HTTP server conventions; a path no route matches is `unmatched`, so a scanner cannot
//! create series), and the database pool read at scrape time. One registry per router,
//! so tests that build several routers do not see each other's counts.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use sqlx::PgPool;

/// The route label of a request no route matched.
pub const UNMATCHED: &str = "unmatched";

/// Request duration buckets in seconds: 5 ms to 30 s (uploads and applies are long).
const DURATION_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0,
];

/// The labels of an HTTP server series.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    /// `GET`, `POST`, … (other methods are `_OTHER`, as OpenTelemetry says).
    pub method: String,
    /// The route template (`/api/imports/{id}`), or `unmatched`.
    pub route: String,
    /// The response status code.
    pub status: String,
}

/// The registry and the metrics the middleware and the scrape update.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    requests: Family<HttpLabels, Counter>,
    durations: Family<HttpLabels, Histogram>,
    pool_open: Gauge,
    pool_idle: Gauge,
    pool_max: Gauge,
    pool: PgPool,
}

impl Metrics {
    /// A registry with every metric registered, reading `pool` when scraped.
    pub fn new(pool: PgPool) -> Self {
        let mut registry = Registry::with_prefix("lead_importer");
        let requests = Family::<HttpLabels, Counter>::default();
        let durations = Family::<HttpLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(DURATION_BUCKETS)
        });
        registry.register(
            "http_server_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        registry.register_with_unit(
            "http_server_request_duration",
            "Time from receiving a request to its answer's head",
            prometheus_client::registry::Unit::Seconds,
            durations.clone(),
        );
        let (pool_open, pool_idle, pool_max) =
            (Gauge::default(), Gauge::default(), Gauge::default());
        registry.register(
            "db_pool_connections_open",
            "Database connections the pool holds",
            pool_open.clone(),
        );
        registry.register(
            "db_pool_connections_idle",
            "Database connections of the pool not in use",
            pool_idle.clone(),
        );
        registry.register(
            "db_pool_connections_max",
            "The most connections the pool may open",
            pool_max.clone(),
        );
        Metrics {
            registry: Arc::new(registry),
            requests,
            durations,
            pool_open,
            pool_idle,
            pool_max,
            pool,
        }
    }

    /// Counts one answered request.
    fn observe(&self, labels: &HttpLabels, seconds: f64) {
        self.requests.get_or_create(labels).inc();
        self.durations.get_or_create(labels).observe(seconds);
    }

    /// The OpenMetrics text of every metric now.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        self.pool_open.set(i64::from(self.pool.size()));
        self.pool_idle
            .set(i64::try_from(self.pool.num_idle()).unwrap_or(i64::MAX));
        self.pool_max
            .set(i64::from(self.pool.options().get_max_connections()));
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

/// Middleware (inside the router, so the matched route is known): times the request and
/// counts it under its route template.
pub async fn track(State(metrics): State<Metrics>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = match req.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m.to_owned(),
        _ => "_OTHER".to_owned(),
    };
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| UNMATCHED.to_owned(), |m| m.as_str().to_owned());
    let response = next.run(req).await;
    let labels = HttpLabels {
        method,
        route,
        status: response.status().as_u16().to_string(),
    };
    metrics.observe(&labels, started.elapsed().as_secs_f64());
    response
}

/// The answer to `GET /metrics`.
pub fn scrape(metrics: &Metrics) -> Response {
    match metrics.encode() {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
