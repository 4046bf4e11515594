//! `GET /metrics`: OpenMetrics text, HTTP requests counted under their route template and
//! status, a path no route matches counted as `unmatched` (a scanner adds no series), and
//! the database pool's gauges. (The samples are read here by splitting each line at its
//! last space: label values hold `{` and `}`, which the `prometheus-parse` crate's
//! pattern cannot read; a check with Prometheus's own tooling is left for issue 13.)

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use sqlx::PgPool;

use crate::common::*;

/// Scrapes `/metrics`: the text and its samples as `(series, value)`, where the series
/// is the name with its label set as written (`name{a="b"}`).
pub async fn scrape(app: &axum::Router) -> (String, Vec<(String, f64)>) {
    let res = send(app, Request::get("/metrics").body(Body::empty()).unwrap()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let content_type = res.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    let text = body_text(res).await;
    assert!(
        text.trim_end().ends_with("# EOF"),
        "OpenMetrics ends with # EOF: {text}"
    );
    let samples = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (series, value) = l
                .rsplit_once(' ')
                .unwrap_or_else(|| panic!("a sample line: {l}"));
            (
                series.to_owned(),
                value
                    .parse::<f64>()
                    .unwrap_or_else(|_| panic!("a number: {l}")),
            )
        })
        .collect();
    (text, samples)
}

pub fn value(samples: &[(String, f64)], series: &str) -> Option<f64> {
    samples.iter().find(|(s, _)| s == series).map(|(_, v)| *v)
}

fn requests(samples: &[(String, f64)], method: &str, route: &str, status: &str) -> Option<f64> {
    value(
        samples,
        &format!(
            r#"lead_importer_http_server_requests_total{{method="{method}",route="{route}",status="{status}"}}"#
        ),
    )
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn requests_are_counted_by_route_template_and_unknown_paths_add_no_series(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool);
    let cookie = login_cookie(&app, MEMBER_EMAIL).await;
    for id in [
        "6f1c2a4e-8b9d-4c3e-9f00-1a2b3c4d5e6f",
        "0b0b0b0b-8b9d-4c3e-9f00-1a2b3c4d5e6f",
    ] {
        let res = send(
            &app,
            get_with_cookie(&format!("/api/imports/{id}"), &cookie),
        )
        .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
    assert_eq!(
        send(&app, get_with_cookie("/api/me", &cookie))
            .await
            .status(),
        StatusCode::OK
    );
    let res = send(&app, get_with_cookie("/api/no-such-endpoint", &cookie)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    for path in ["/wp-admin/setup-config.php", "/.env", "/cgi-bin/luci"] {
        send(&app, Request::get(path).body(Body::empty()).unwrap()).await;
    }

    let (text, samples) = scrape(&app).await;
    assert_eq!(
        requests(&samples, "GET", "/api/imports/{id}", "404"),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        requests(&samples, "GET", "/api/me", "200"),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        requests(&samples, "POST", "/api/auth/login", "200"),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        requests(&samples, "GET", "/api/{*rest}", "404"),
        Some(1.0),
        "{text}"
    );
    // The three scanner paths: unmatched, whatever each was answered.
    let unmatched: f64 = samples
        .iter()
        .filter(|(s, _)| {
            s.starts_with(
                r#"lead_importer_http_server_requests_total{method="GET",route="unmatched","#,
            )
        })
        .map(|(_, v)| v)
        .sum();
    assert_eq!(unmatched, 3.0, "{text}");
    for probe in [
        "wp-admin",
        ".env",
        "cgi-bin",
        "6f1c2a4e",
        "no-such-endpoint",
    ] {
        assert!(!text.contains(probe), "{probe} became a label: {text}");
    }
    // The duration histogram: the same series, in seconds, with buckets up to +Inf.
    assert!(
        text.contains("# TYPE lead_importer_http_server_request_duration_seconds histogram"),
        "{text}"
    );
    let me = r#"method="GET",route="/api/me",status="200""#;
    assert_eq!(
        value(
            &samples,
            &format!("lead_importer_http_server_request_duration_seconds_count{{{me}}}")
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        value(
            &samples,
            &format!(
                r#"lead_importer_http_server_request_duration_seconds_bucket{{le="+Inf",{me}}}"#
            )
        ),
        Some(1.0),
        "{text}"
    );
    // The pool: the requests above opened at least one connection.
    assert!(
        value(&samples, "lead_importer_db_pool_connections_open").unwrap() >= 1.0,
        "{text}"
    );
    assert!(
        value(&samples, "lead_importer_db_pool_connections_max").unwrap() >= 1.0,
        "{text}"
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_metrics_need_no_sign_in_and_count_refusals_too(pool: PgPool) {
    let app = app(pool);
    let res = send(
        &app,
        Request::get("/api/imports").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let (text, samples) = scrape(&app).await;
    assert_eq!(
        requests(&samples, "GET", "/api/imports", "401"),
        Some(1.0),
        "{text}"
    );
}
