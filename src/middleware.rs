//! Cross-cutting request handling: who is calling, cross-site protection and page sign-in
//! redirects.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use web::server::{cookies, AppState, ClientIp};

use crate::rest::ApiError;

/// Paths whose requests never need a principal (static files, probes): skipping them saves
/// a database round trip per asset.
fn is_public_asset(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path == "/healthz"
        || path == "/readyz"
        || path == "/metrics"
        || path == "/favicon.svg"
        || path == "/favicon.ico"
}

/// Resolves the caller from a Bearer token or the session cookie and stores the
/// `auth::Principal` (and the client address) in the request's extensions.
pub async fn resolve_principal(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    req.extensions_mut().insert(ClientIp(ip));
    if is_public_asset(req.uri().path()) {
        return next.run(req).await;
    }
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    let resolved = match bearer {
        Some(token) => match auth::principal_from_api_token(&state.pool, &token).await {
            // A Bearer header that is wrong is an error, not an anonymous request: a
            // script with a revoked token should hear about it.
            Ok(None) => {
                return ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "auth.invalid_token",
                    "The API token is not valid or was revoked.",
                )
                .into_response()
            }
            other => other,
        },
        None => match cookies::session_token(req.headers()) {
            Some(token) => auth::principal_from_session(&state.pool, &token).await,
            None => Ok(None),
        },
    };
    match resolved {
        Ok(Some(principal)) => {
            req.extensions_mut().insert(principal);
        }
        Ok(None) => {}
        Err(err) => return ApiError::from(err).into_response(),
    }
    next.run(req).await
}

/// Refuses state-changing requests that a browser sent from another site (CSRF). Browsers
/// label requests with `Sec-Fetch-Site` and `Origin`; scripts with a Bearer token and no
/// cookie are not at risk and pass.
pub async fn reject_cross_site(req: Request, next: Next) -> Response {
    let safe_method = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe_method || !is_cross_site(&req) {
        return next.run(req).await;
    }
    tracing::warn!(path = %req.uri().path(), "cross-site request refused");
    ApiError::new(
        StatusCode::FORBIDDEN,
        "request.cross_site",
        "Cross-site requests are not allowed.",
    )
    .into_response()
}

fn is_cross_site(req: &Request) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest.trim_end_matches('/'));
    match (origin_host, host) {
        (Some(o), Some(h)) => !o.eq_ignore_ascii_case(h),
        _ => true,
    }
}

/// Sends visitors who open an app page without a session to the login page, so pages work
/// the same with JavaScript off and nothing private is rendered first.
pub async fn require_login_for_pages(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let is_page = req.method() == Method::GET
        && !path.starts_with("/api/")
        && !path.starts_with("/pkg/")
        && path != "/login"
        && !is_public_asset(path)
        && !path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'));
    if is_page && req.extensions().get::<auth::Principal>().is_none() {
        let next_path = req
            .uri()
            .path_and_query()
            .map(|pq| pq.as_str())
            .unwrap_or("/");
        let target = format!("/login?next={}", urlencode(next_path));
        return Redirect::to(&target).into_response();
    }
    next.run(req).await
}

fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Refuses a JSON or form body that carries a NUL character (`\u0000`, `%00`) with 400:
/// PostgreSQL cannot store NUL in text or JSON, so such a value would otherwise fail deep
/// inside a service as a 500. A body over `limit` is refused as the JSON extractor would.
pub async fn refuse_nul_text(req: Request, next: Next, limit: usize) -> Response {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let needle: &[u8] = if content_type.starts_with("application/json") {
        b"\\u0000"
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        b"%00"
    } else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "request.invalid_json",
            format!("The request body could not be read, or is larger than {limit} bytes."),
        )
        .into_response();
    };
    if bytes
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
    {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "request.invalid_json",
            "Text in the request may not contain NUL characters (\\u0000).",
        )
        .into_response();
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::urlencode;

    #[test]
    fn next_paths_are_percent_encoded_except_path_characters() {
        assert_eq!(urlencode("/admin/users?x=1&y"), "/admin/users%3Fx%3D1%26y");
    }
}
