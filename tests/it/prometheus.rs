//! Debian's Prometheus against the test server: it scrapes `/metrics` with its own
//! OpenMetrics parser (a parse error makes `up` 0), loads the shipped alert rules, and
//! evaluates every query of the shipped Grafana dashboard and alerts without error.
//! `scripts/test.sh` installs Prometheus when it is missing.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use axum::http::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::*;

/// Stops the Prometheus process when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A plain HTTP/1.0 GET (enough for Prometheus's API); the body.
async fn http_get(port: u16, path_and_query: &str) -> Option<String> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .ok()?;
    let req = format!("GET {path_and_query} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    stream.write_all(req.as_bytes()).await.ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await.ok()?;
    response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
}

fn encode(q: &str) -> String {
    q.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn query(port: u16, q: &str) -> Value {
    let body = http_get(port, &format!("/api/v1/query?query={}", encode(q)))
        .await
        .unwrap_or_else(|| panic!("Prometheus did not answer {q}"));
    serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON for {q}: {body}"))
}

/// Every query of the Grafana dashboard and of the alert rules.
fn shipped_queries() -> Vec<String> {
    let root = env!("CARGO_MANIFEST_DIR");
    let dashboard: Value = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{root}/deploy/grafana/dashboards/lead-importer.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let mut out: Vec<String> = dashboard["panels"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["targets"].as_array().unwrap().iter())
        .map(|t| t["expr"].as_str().unwrap().to_owned())
        .collect();
    // The alert expressions, read as YAML's `expr: |` blocks are: indented lines after it.
    let alerts = std::fs::read_to_string(format!("{root}/deploy/prometheus/alerts.yml")).unwrap();
    let mut lines = alerts.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(rest) = line.trim_start().strip_prefix("expr:") else {
            continue;
        };
        if rest.trim() != "|" {
            out.push(rest.trim().to_owned());
            continue;
        }
        let mut expr = String::new();
        while let Some(next) = lines.peek() {
            if next.trim().is_empty() || next.starts_with("          ") {
                expr.push_str(next.trim());
                expr.push(' ');
                lines.next();
            } else {
                break;
            }
        }
        out.push(expr);
    }
    out
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn prometheus_scrapes_the_app_and_every_shipped_query_evaluates(pool: PgPool) {
    let Ok(version) = Command::new("prometheus").arg("--version").output() else {
        panic!("Debian's prometheus is needed for this test: scripts/test.sh installs it (apt-get install prometheus)");
    };
    assert!(version.status.success());
    seed(&pool).await;
    let app = app(pool.clone());
    // Some traffic first, so the import series exist.
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    let csv = "first_name,last_name,email\nAda,Lovelace,ada@example\nBob,Baker,bob@example.com\n";
    let res = upload(&app, &cookie, "p.csv", csv.as_bytes(), &[]).await;
    assert_eq!(res.status(), StatusCode::OK);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app_port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let config = format!(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - {root}/deploy/prometheus/alerts.yml\nscrape_configs:\n  - job_name: lead-importer\n    static_configs:\n      - targets: ['127.0.0.1:{app_port}']\n"
    );
    let config_path = dir.path().join("prometheus.yml");
    std::fs::write(&config_path, config).unwrap();
    let prom_port = free_port();
    let log = std::fs::File::create(dir.path().join("prometheus.log")).unwrap();
    let _server = Server(
        Command::new("prometheus")
            .arg(format!("--config.file={}", config_path.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{prom_port}"))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start prometheus"),
    );

    // Up once a scrape parsed; a scrape that does not parse leaves `up` at 0.
    let mut up = Value::Null;
    for _ in 0..120 {
        if http_get(prom_port, "/-/ready").await.is_some() {
            up = query(prom_port, r#"up{job="lead-importer"}"#).await;
            if up["data"]["result"][0]["value"][1] == "1" {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let log = std::fs::read_to_string(dir.path().join("prometheus.log")).unwrap_or_default();
    assert_eq!(up["data"]["result"][0]["value"][1], "1", "{up}\n{log}");
    let targets = http_get(prom_port, "/api/v1/targets").await.unwrap();
    let targets: Value = serde_json::from_str(&targets).unwrap();
    assert_eq!(
        targets["data"]["activeTargets"][0]["lastError"], "",
        "{targets}"
    );

    // The shipped rules loaded, all of them.
    let rules: Value =
        serde_json::from_str(&http_get(prom_port, "/api/v1/rules").await.unwrap()).unwrap();
    let loaded = rules["data"]["groups"][0]["rules"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(loaded, 5, "{rules}");

    let queries = shipped_queries();
    assert!(queries.len() >= 15, "{queries:#?}");
    for q in &queries {
        let answer = query(prom_port, q).await;
        assert_eq!(answer["status"], "success", "{q}: {answer}");
    }
    // And the import series are there, as Prometheus read them.
    let dry_runs = query(
        prom_port,
        r#"lead_importer_imports_total{stage="dry_run",outcome="ok"}"#,
    )
    .await;
    assert_eq!(dry_runs["data"]["result"][0]["value"][1], "1", "{dry_runs}");
    let issues = query(
        prom_port,
        r#"lead_importer_validation_issues_total{code="cell.email_invalid"}"#,
    )
    .await;
    assert_eq!(issues["data"]["result"][0]["value"][1], "1", "{issues}");
}
