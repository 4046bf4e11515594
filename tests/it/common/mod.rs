//! Shared helpers for the router tests: the app on a test database, seeded accounts,
//! requests with the session cookie, multipart uploads.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // reason: test helpers; each binary uses a subset

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::Response;
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use sqlx::PgPool;
use tower::ServiceExt;

pub const ADMIN_EMAIL: &str = "ada@acme.example";
pub const MEMBER_EMAIL: &str = "max@acme.example";
pub const PASSWORD: &str = "correct horse battery";
/// The admin of the second company `seed_other_company` makes.
pub const OTHER_ADMIN_EMAIL: &str = "hank@globex.example";

pub fn app(pool: PgPool) -> Router {
    app_with_upload_limit(pool, 2 * 1024 * 1024)
}

/// The app with a chosen upload limit (the default test app allows 2 MiB).
pub fn app_with_upload_limit(pool: PgPool, max_upload_bytes: u64) -> Router {
    let options = leptos::config::LeptosOptions::builder()
        .output_name("lead-importer")
        .build();
    app_with(pool, options, max_upload_bytes)
}

/// The app with chosen Leptos options (site directory, environment, hashed files).
pub fn app_with_options(pool: PgPool, options: leptos::config::LeptosOptions) -> Router {
    app_with(pool, options, 2 * 1024 * 1024)
}

/// The app with `METRICS_TOKEN` set.
pub fn app_with_metrics_token(pool: PgPool, token: &str) -> Router {
    let options = leptos::config::LeptosOptions::builder()
        .output_name("lead-importer")
        .build();
    build(pool, options, 2 * 1024 * 1024, Some(token.to_owned()))
}

fn app_with(pool: PgPool, options: leptos::config::LeptosOptions, max_upload_bytes: u64) -> Router {
    build(pool, options, max_upload_bytes, None)
}

fn build(
    pool: PgPool,
    options: leptos::config::LeptosOptions,
    max_upload_bytes: u64,
    metrics_token: Option<String>,
) -> Router {
    let data = std::env::temp_dir().join(format!("lead-importer-test-{}", uuid::Uuid::new_v4()));
    let state = web::server::AppState {
        pool: pool.clone(),
        leptos_options: options,
        settings: Arc::new(web::server::Settings {
            session_ttl: time::Duration::hours(1),
            cookie_secure: false,
            max_upload_bytes,
            upload_tmp_dir: data.join("tmp"),
            metrics_token,
        }),
        imports: imports::ImportService {
            pool,
            files: imports::FileStore::local(&data.join("files")).unwrap(),
            limits: intake::Limits::default(),
            telemetry: imports::telemetry::Telemetry::default(),
        },
    };
    lead_importer::build_router(state, Duration::from_secs(30))
}

pub async fn seed(pool: &PgPool) {
    auth::create_company(pool, "acme", "Acme GmbH")
        .await
        .unwrap();
    for (email, role) in [
        (ADMIN_EMAIL, auth::Role::Admin),
        (MEMBER_EMAIL, auth::Role::Member),
    ] {
        auth::create_user(
            pool,
            auth::NewUserInput {
                company_slug: "acme",
                email,
                display_name: "",
                password: PASSWORD,
                role,
                added_by: None,
            },
        )
        .await
        .unwrap();
    }
}

/// A second company, `globex`, with one admin, for tests that another company's caller
/// sees nothing of the first.
pub async fn seed_other_company(pool: &PgPool) {
    auth::create_company(pool, "globex", "Globex")
        .await
        .unwrap();
    auth::create_user(
        pool,
        auth::NewUserInput {
            company_slug: "globex",
            email: OTHER_ADMIN_EMAIL,
            display_name: "",
            password: PASSWORD,
            role: auth::Role::Admin,
            added_by: None,
        },
    )
    .await
    .unwrap();
}

pub async fn send(app: &Router, req: Request<Body>) -> Response {
    app.clone().oneshot(req).await.unwrap()
}

/// `GET path` with a session cookie: the status and the JSON body.
pub async fn get(app: &Router, cookie: &str, path: &str) -> (StatusCode, Value) {
    let res = send(app, get_with_cookie(path, cookie)).await;
    let status = res.status();
    (status, body_json(res).await)
}

/// Any method with a JSON body (`Value::Null` for none): the status and the JSON body.
pub async fn call(
    app: &Router,
    cookie: &str,
    method: &str,
    path: &str,
    body: Value,
) -> (StatusCode, Value) {
    let res = send(app, json_request(method, path, cookie, &body)).await;
    let status = res.status();
    (status, body_json(res).await)
}

pub async fn body_json(res: Response) -> Value {
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| json!({ "raw": String::from_utf8_lossy(&bytes) }))
}

pub async fn body_text(res: Response) -> String {
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

pub fn login_request(email: &str, password: &str) -> Request<Body> {
    Request::post("/api/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({ "email": email, "password": password }).to_string(),
        ))
        .unwrap()
}

/// Logs in through the REST API and returns the `name=value` cookie pair.
pub async fn login_cookie(app: &Router, email: &str) -> String {
    let res = send(app, login_request(email, PASSWORD)).await;
    assert_eq!(res.status(), StatusCode::OK);
    session_cookie(&res).expect("login sets a session cookie")
}

pub fn session_cookie(res: &Response) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("li_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

pub fn get_with_cookie(path: &str, cookie: &str) -> Request<Body> {
    Request::get(path)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap()
}

pub fn json_request(method: &str, path: &str, cookie: &str, body: &Value) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(if body.is_null() {
            String::new()
        } else {
            body.to_string()
        }))
        .unwrap()
}

const BOUNDARY: &str = "----lead-importer-test-boundary";

fn multipart_body(file: Option<(&str, &[u8])>, fields: &[(&str, &str)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    if let Some((file_name, bytes)) = file {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn multipart_request(cookie: &str, body: Vec<u8>) -> Request<Body> {
    let mut req = Request::post("/api/imports/leads/validate").header(
        header::CONTENT_TYPE,
        format!("multipart/form-data; boundary={BOUNDARY}"),
    );
    if !cookie.is_empty() {
        req = req.header(header::COOKIE, cookie);
    }
    req.body(Body::from(body)).unwrap()
}

/// Uploads a file for a dry run with extra form fields.
pub async fn upload(
    app: &Router,
    cookie: &str,
    file_name: &str,
    bytes: &[u8],
    fields: &[(&str, &str)],
) -> Response {
    send(
        app,
        multipart_request(cookie, multipart_body(Some((file_name, bytes)), fields)),
    )
    .await
}

/// Sends a multipart body with no file field.
pub async fn upload_fields_only(app: &Router, cookie: &str, fields: &[(&str, &str)]) -> Response {
    send(app, multipart_request(cookie, multipart_body(None, fields))).await
}

/// Uploads a file as multipart `file` to any path (e.g. a corrected report).
pub async fn upload_to(
    app: &Router,
    cookie: &str,
    path: &str,
    file_name: &str,
    bytes: &[u8],
) -> Response {
    let req = Request::post(path)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::COOKIE, cookie)
        .body(Body::from(multipart_body(Some((file_name, bytes)), &[])))
        .unwrap();
    send(app, req).await
}

/// Uploads a file the way the upload page's form does without JavaScript: a plain HTML
/// form post whose browser asks for a page.
pub async fn upload_as_html_form(
    app: &Router,
    cookie: &str,
    file_name: &str,
    bytes: &[u8],
) -> Response {
    let mut req = multipart_request(cookie, multipart_body(Some((file_name, bytes)), &[]));
    req.headers_mut().insert(
        header::ACCEPT,
        header::HeaderValue::from_static(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        ),
    );
    send(app, req).await
}
