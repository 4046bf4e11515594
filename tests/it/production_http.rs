//! Production HTTP through the real router: compressed answers, the static bundle sent
//! precompressed with its cache policy, a request id on every answer and in the log lines
//! of its request, and the environment's security policy.

use crate::common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use leptos::config::{Env, LeptosOptions};
use sqlx::PgPool;

async fn bytes(res: axum::response::Response) -> Vec<u8> {
    res.into_body().collect().await.unwrap().to_bytes().to_vec()
}

fn get(path: &str, accept_encoding: Option<&str>) -> Request<Body> {
    let mut req = Request::builder().uri(path);
    if let Some(enc) = accept_encoding {
        req = req.header(header::ACCEPT_ENCODING, enc);
    }
    req.body(Body::empty()).unwrap()
}

#[sqlx::test]
async fn json_answers_are_compressed_with_brotli_or_gzip_as_the_client_accepts(pool: PgPool) {
    let app = common::app(pool);
    let plain = common::send(&app, get("/api/openapi.json", None)).await;
    assert_eq!(plain.status(), StatusCode::OK);
    assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
    let plain = bytes(plain).await;
    assert!(plain.len() > 10_000, "the document is worth compressing");

    let br = common::send(&app, get("/api/openapi.json", Some("br, gzip"))).await;
    assert_eq!(br.headers()[header::CONTENT_ENCODING], "br");
    let packed = bytes(br).await;
    assert!(
        packed.len() * 4 < plain.len(),
        "{} vs {}",
        packed.len(),
        plain.len()
    );
    let mut unpacked = Vec::new();
    brotli_decompressor::Decompressor::new(&packed[..], 4096)
        .read_to_end(&mut unpacked)
        .unwrap();
    assert_eq!(unpacked, plain);

    let gz = common::send(&app, get("/api/openapi.json", Some("gzip"))).await;
    assert_eq!(gz.headers()[header::CONTENT_ENCODING], "gzip");
    let mut unpacked = Vec::new();
    flate2::read::GzDecoder::new(&bytes(gz).await[..])
        .read_to_end(&mut unpacked)
        .unwrap();
    assert_eq!(unpacked, plain);
}

/// A site directory like the one `cargo leptos build --precompress` leaves.
fn site_with_bundle() -> (tempfile::TempDir, Vec<u8>, Vec<u8>) {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let wasm: Vec<u8> = b"\0asm\x01\0\0\0"
        .iter()
        .copied()
        .cycle()
        .take(64 * 1024)
        .collect();
    // The server must send the sibling as it is: any bytes tell whether it did.
    let br = b"precompressed brotli bytes".to_vec();
    std::fs::write(pkg.join("lead-importer.0a1b2c.wasm"), &wasm).unwrap();
    std::fs::write(pkg.join("lead-importer.0a1b2c.wasm.br"), &br).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&wasm).unwrap();
    std::fs::write(
        pkg.join("lead-importer.0a1b2c.wasm.gz"),
        gz.finish().unwrap(),
    )
    .unwrap();
    (site, wasm, br)
}

fn options_for(site: &std::path::Path, hash_files: bool) -> LeptosOptions {
    let mut options = LeptosOptions::builder()
        .output_name("lead-importer")
        .site_root(site.to_str().unwrap())
        .env(Env::PROD)
        .build();
    options.hash_files = hash_files;
    options
}

#[sqlx::test]
async fn the_bundle_is_sent_precompressed_and_hashed_files_are_cached_for_a_year(pool: PgPool) {
    let (site, wasm, br) = site_with_bundle();
    let app = common::app_with_options(pool.clone(), options_for(site.path(), true));
    let path = "/pkg/lead-importer.0a1b2c.wasm";

    let res = common::send(&app, get(path, Some("br, gzip"))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(res.headers()[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(
        res.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        bytes(res).await,
        br,
        "the .br sibling, not compressed again"
    );

    let res = common::send(&app, get(path, Some("gzip"))).await;
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "gzip");
    let mut unpacked = Vec::new();
    flate2::read::GzDecoder::new(&bytes(res).await[..])
        .read_to_end(&mut unpacked)
        .unwrap();
    assert_eq!(unpacked, wasm);

    let res = common::send(&app, get(path, None)).await;
    assert!(res.headers().get(header::CONTENT_ENCODING).is_none());
    assert_eq!(bytes(res).await, wasm);

    // Without hashed names the browser must ask again each visit (a 304 when unchanged).
    let app = common::app_with_options(pool, options_for(site.path(), false));
    let res = common::send(&app, get(path, Some("br"))).await;
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-cache");
    let modified = res.headers()[header::LAST_MODIFIED].clone();
    let again = Request::builder()
        .uri(path)
        .header(header::IF_MODIFIED_SINCE, modified)
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        common::send(&app, again).await.status(),
        StatusCode::NOT_MODIFIED
    );
}

#[sqlx::test]
async fn every_answer_has_a_request_id_and_a_callers_id_is_kept(pool: PgPool) {
    let app = common::app(pool);
    let a = common::send(&app, get("/healthz", None)).await;
    let b = common::send(&app, get("/healthz", None)).await;
    let id_a = a.headers()["x-request-id"].to_str().unwrap().to_owned();
    let id_b = b.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id_a.len(), 36, "a UUID: {id_a}");
    assert_ne!(id_a, id_b);

    let req = Request::builder()
        .uri("/api/nothing-here")
        .header("x-request-id", "lb-7f3a")
        .body(Body::empty())
        .unwrap();
    let res = common::send(&app, req).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.headers()["x-request-id"], "lb-7f3a");
}

/// Log lines written while the test binary runs, as JSON lines.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

/// Every log line of this test binary: one global subscriber, installed once. (A
/// thread-local subscriber per test missed the events of call sites that other tests'
/// threads registered at the same moment, which made these tests flaky.) Tests find their
/// own lines by their request id.
fn logs() -> &'static Captured {
    static LOGS: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_max_level(tracing::Level::INFO)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global subscriber in the test binary");
        captured
    })
}

impl Captured {
    /// The lines so far, parsed.
    fn lines(&self) -> (String, Vec<serde_json::Value>) {
        let text = String::from_utf8(self.0.lock().unwrap().clone()).unwrap();
        let lines = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (text, lines)
    }
}

/// Whether a log line was written inside the request with this id.
fn in_request(line: &serde_json::Value, id: &str) -> bool {
    line["spans"]
        .as_array()
        .is_some_and(|spans| spans.iter().any(|s| s["request_id"] == id))
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[sqlx::test]
async fn the_log_lines_of_a_request_carry_its_id(pool: PgPool) {
    let logs = logs();
    let app = common::app(pool);
    // A cross-site POST: the CSRF check logs a warning inside the request.
    let req = Request::builder()
        .method("POST")
        .uri("/api/auth/logout")
        .header("sec-fetch-site", "cross-site")
        .body(Body::empty())
        .unwrap();
    let res = common::send(&app, req).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();

    let (text, lines) = logs.lines();
    let warning = lines
        .iter()
        .find(|l| l["fields"]["message"] == "cross-site request refused" && in_request(l, &id))
        .unwrap_or_else(|| panic!("no CSRF warning of request {id} in {text}"));
    assert_eq!(warning["span"]["request_id"], id.as_str(), "{warning}");
    let finished = lines
        .iter()
        .find(|l| l["fields"]["message"] == "finished processing request" && in_request(l, &id))
        .unwrap_or_else(|| panic!("no request log line of request {id} in {text}"));
    assert_eq!(finished["span"]["request_id"], id.as_str());
    assert_eq!(finished["fields"]["status"], 403);
    assert!(
        !text.contains("sec-fetch-site"),
        "headers stay out of the log"
    );
}

#[sqlx::test]
async fn production_answers_carry_a_policy_without_the_reload_socket(pool: PgPool) {
    let site = tempfile::tempdir().unwrap();
    let app = common::app_with_options(pool, options_for(site.path(), false));
    let res = common::send(&app, get("/healthz", None)).await;
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("connect-src 'self';"), "{csp}");
    assert!(!csp.contains("ws:"), "{csp}");
    assert_eq!(res.headers()["x-frame-options"], "DENY");
}

#[sqlx::test]
async fn errors_below_the_handlers_answer_the_json_error_shape(pool: PgPool) {
    common::seed(&pool).await;
    let app = common::app(pool);
    let cookie = common::login_cookie(&app, common::ADMIN_EMAIL).await;

    // An extractor's rejection: a query value of the wrong type.
    let req = common::json_request(
        "POST",
        &format!("/api/imports/{}/apply?wait=maybe", uuid::Uuid::new_v4()),
        &cookie,
        &serde_json::json!({}),
    );
    let res = common::send(&app, req).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body = common::body_json(res).await;
    assert_eq!(body["error"]["code"], "request.invalid_query", "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("wait"));

    // The router's own 405 keeps its Allow header and speaks JSON.
    let res = common::send(&app, get("/api/auth/login", None)).await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(res.headers().contains_key(header::ALLOW));
    assert!(res.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let body = common::body_json(res).await;
    assert_eq!(body["error"]["code"], "request.method_not_allowed");
}

#[sqlx::test]
async fn an_apply_started_by_a_request_logs_with_that_requests_id(pool: PgPool) {
    common::seed(&pool).await;
    let logs = logs();
    let app = common::app(pool);
    let cookie = common::login_cookie(&app, common::ADMIN_EMAIL).await;
    let csv = b"First name,Last name,Email\nAda,Lovelace,ada@example.org\n";
    let res = common::upload(&app, &cookie, "one.csv", csv, &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let import_id = common::body_json(res).await["import_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let req = common::json_request(
        "POST",
        &format!("/api/imports/{import_id}/apply?wait=true"),
        &cookie,
        &serde_json::json!({}),
    );
    let res = common::send(&app, req).await;
    assert_eq!(res.status(), StatusCode::OK);
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    let summary = common::body_json(res).await;
    assert_eq!(
        summary["status"], "applied",
        "?wait=true answers once applied"
    );

    let (text, lines) = logs.lines();
    let applied = lines
        .into_iter()
        .find(|l| {
            l["fields"]["message"] == "[ImportTelemetry] import applied"
                && l["fields"]["import_id"] == import_id.as_str()
        })
        .unwrap_or_else(|| panic!("no apply event of import {import_id} in {text}"));
    let spans = applied["spans"].as_array().unwrap();
    assert!(
        spans.iter().any(|s| s["request_id"] == id.as_str()),
        "{applied}"
    );
    assert!(
        !text.contains("ada@example.org"),
        "no personal data in the log"
    );
}
