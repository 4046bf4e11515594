//! Prometheus metrics at `GET /metrics` (OpenMetrics text, `prometheus-client`): HTTP
//! requests and their durations by method, route *template* and status (OpenTelemetry's
//! HTTP server conventions; a path no route matches is `unmatched`, so a scanner cannot
//! create series); the import service's own metrics (`imports::telemetry`); the apply
//! queue and the database pool, read at scrape time. One registry per router, so tests that
//! build several routers do not see each other's counts. `METRICS_TOKEN`, when set, is the
//! bearer token a scrape must present.

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
    jobs: Family<JobLabels, Gauge>,
    oldest_queued: Gauge<f64, std::sync::atomic::AtomicU64>,
    drift: Gauge,
    pool: PgPool,
    token: Option<Arc<str>>,
}

/// `state` of an apply job: queued, running, retried (claimed again after a worker died).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct JobLabels {
    pub state: &'static str,
}

impl Metrics {
    /// A registry with every metric registered (the import service's too), reading `pool`
    /// when scraped; `token` guards the scrape.
    pub fn new(pool: PgPool, imports: &imports::telemetry::Telemetry, token: Option<&str>) -> Self {
        let mut registry = Registry::with_prefix("lead_importer");
        imports.register(&mut registry);
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
        let jobs = Family::<JobLabels, Gauge>::default();
        registry.register(
            "apply_jobs",
            "Apply jobs waiting or running, by state (retried: claimed again after a worker stopped)",
            jobs.clone(),
        );
        let oldest_queued = Gauge::<f64, std::sync::atomic::AtomicU64>::default();
        registry.register_with_unit(
            "apply_jobs_oldest_queued_age",
            "Time the oldest queued apply job has waited (0 when none waits)",
            prometheus_client::registry::Unit::Seconds,
            oldest_queued.clone(),
        );
        let drift = Gauge::default();
        registry.register(
            "config_drift",
            "Findings of the schema drift check, all companies' last reports together (0: in sync)",
            drift.clone(),
        );
        Metrics {
            registry: Arc::new(registry),
            drift,
            jobs,
            oldest_queued,
            token: token.filter(|t| !t.is_empty()).map(Arc::from),
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

    /// The OpenMetrics text of every metric now, reading the queue and the pool first.
    pub async fn encode(&self) -> Result<String, std::fmt::Error> {
        match store::telemetry::job_gauges(&self.pool).await {
            Ok(g) => {
                self.jobs
                    .get_or_create(&JobLabels { state: "queued" })
                    .set(g.queued);
                self.jobs
                    .get_or_create(&JobLabels { state: "running" })
                    .set(g.running);
                self.jobs
                    .get_or_create(&JobLabels { state: "retried" })
                    .set(g.retried);
                self.oldest_queued.set(g.oldest_queued_seconds);
            }
            // The other metrics are still worth a scrape; the queue's keep their last value.
            Err(e) => tracing::warn!(error = %e, "metrics: could not read the job queue"),
        }
        match store::drift::finding_count(&self.pool).await {
            Ok(n) => {
                self.drift.set(n);
            }
            Err(e) => tracing::warn!(error = %e, "metrics: could not read the drift reports"),
        }
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

/// The answer to `GET /metrics`: 401 without the bearer token when one is configured.
pub async fn scrape(metrics: Metrics, headers: axum::http::HeaderMap) -> Response {
    if let Some(token) = &metrics.token {
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if !presented.is_some_and(|p| constant_time_eq(p.as_bytes(), token.as_bytes())) {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer realm=\"metrics\"")],
                "metrics need the bearer token (METRICS_TOKEN)\n",
            )
                .into_response();
        }
    }
    match metrics.encode().await {
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

/// Compares without stopping at the first difference, so timing does not reveal the token.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
