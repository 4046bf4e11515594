//! The session cookie: reading it from a request and writing or clearing it.

use http::header::{HeaderMap, COOKIE};

use auth::SESSION_COOKIE;

/// The session token in the request's `Cookie` header, if present.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value that stores a new session. HttpOnly keeps it away from scripts;
/// SameSite=Lax keeps it off cross-site POSTs while links into the app still work.
pub fn set_session(token: &str, ttl: time::Duration, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        ttl.whole_seconds()
    )
}

/// A `Set-Cookie` value that removes the session cookie.
pub fn clear_session(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}
