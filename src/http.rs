//! Production HTTP around the application: compressed responses, the static bundle with
//! precompressed files and cache headers, a request id on every request and in every log
//! line it causes, and the security headers (a CSP that matches the environment).

use std::path::PathBuf;

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use leptos::config::{Env, LeptosOptions};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// The header that carries the request id, in and out.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Cache policy of `/pkg/`: cargo-leptos' `hash-files` puts a content hash into every file
/// name, so a file never changes under its name and browsers may keep it for a year; an
/// unhashed bundle (a development build) must be revalidated on every visit instead
/// (`Last-Modified` makes that a 304).
fn pkg_cache_control(options: &LeptosOptions) -> HeaderValue {
    if options.hash_files {
        HeaderValue::from_static("public, max-age=31536000, immutable")
    } else {
        HeaderValue::from_static("no-cache")
    }
}

/// Leptos panics while rendering a page when `hash-files` is on and `hash.txt` is not
/// beside the binary (a binary built without cargo-leptos, or copied alone): fall back to
/// the plain file names then, with a warning, rather than fail every page.
pub fn check_hash_file(options: &mut LeptosOptions) {
    if !options.hash_files {
        return;
    }
    let beside_exe = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())));
    if !beside_exe.as_deref().is_some_and(std::path::Path::exists) {
        tracing::warn!(
            hash_file = %options.hash_file,
            "hash-files is on but the hash file is not beside the binary; serving unhashed bundle names"
        );
        options.hash_files = false;
    }
}

/// `/pkg/*` (the wasm, JS and CSS bundle): served from the site directory, preferring the
/// `.br` / `.gz` siblings that `cargo leptos build --precompress` writes (brotli at its
/// best quality would cost seconds per request if done on the fly).
pub fn pkg_routes<S: Clone + Send + Sync + 'static>(options: &LeptosOptions) -> Router<S> {
    let dir = PathBuf::from(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let serve = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    Router::new()
        .nest_service(&format!("/{}", options.site_pkg_dir), serve)
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            pkg_cache_control(options),
        ))
}

/// Wraps the finished router in the outer layers, outermost last: the request id is set
/// first so the trace span and every handler see it; compression sits inside, so the
/// response logged is the one the handler produced.
pub fn wrap(router: Router) -> Router {
    router
        // Dynamic answers (pages, JSON, CSV reports) on the fly: quality 4 is a good
        // trade for brotli and gzip alike; responses already encoded (the precompressed
        // bundle) are left alone by the layer.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// The span of one request. Only the path (never the query, which may hold a search for
/// a person's name) and the method; the route template is not known yet at this layer.
fn request_span(req: &Request) -> tracing::Span {
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %req.method(),
        path = %req.uri().path(),
        request_id = %id,
    )
}

/// The headers every answer carries; built once from the Leptos options.
#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    csp: HeaderValue,
}

impl SecurityHeaders {
    /// The policy for this environment: only a development build (`env = "DEV"`, the
    /// `cargo leptos watch` loop) may open the live-reload socket.
    pub fn new(options: &LeptosOptions) -> Self {
        let connect = match options.env {
            Env::DEV => format!(
                "'self' ws://{}:{}",
                options.site_addr.ip(),
                options.reload_port
            ),
            Env::PROD => "'self'".to_owned(),
        };
        // Inline scripts stay allowed because Leptos' hydration bootstrap is an inline
        // module script; 'wasm-unsafe-eval' lets the browser compile the bundle.
        let policy = format!(
            "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; \
             style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src {connect}; \
             frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
        );
        SecurityHeaders {
            // Built from an address and a number only, so it is always a valid value.
            csp: HeaderValue::from_str(&policy)
                .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'")),
        }
    }
}

/// Headers that close off common browser attacks.
pub async fn security_headers(
    State(headers): State<SecurityHeaders>,
    req: Request,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert("content-security-policy", headers.csp.clone());
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(env: Env) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("lead-importer")
            .env(env)
            .build()
    }

    #[test]
    fn the_production_policy_does_not_allow_the_reload_socket() {
        let prod = SecurityHeaders::new(&options(Env::PROD));
        let csp = prod.csp.to_str().unwrap_or_default();
        assert!(csp.contains("connect-src 'self';"), "{csp}");
        assert!(!csp.contains("ws://"), "{csp}");
        let dev = SecurityHeaders::new(&options(Env::DEV));
        assert!(dev
            .csp
            .to_str()
            .unwrap_or_default()
            .contains("ws://127.0.0.1:3001"));
    }

    #[test]
    fn without_a_hash_file_beside_the_binary_the_plain_names_are_served() {
        // The test binary has no hash.txt beside it, like a binary built without cargo-leptos.
        let mut o = options(Env::PROD);
        o.hash_files = true;
        check_hash_file(&mut o);
        assert!(!o.hash_files);
        // Off stays off.
        check_hash_file(&mut o);
        assert!(!o.hash_files);
    }

    #[test]
    fn hashed_bundles_are_immutable_and_unhashed_ones_are_revalidated() {
        let mut o = options(Env::PROD);
        assert_eq!(pkg_cache_control(&o), "no-cache");
        o.hash_files = true;
        assert_eq!(pkg_cache_control(&o), "public, max-age=31536000, immutable");
    }
}
