//! Signing in and out, and who is signed in.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::Me;

/// The signed-in user, or `None` for a visitor.
#[server(prefix = "/api/fn", endpoint = "me")]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    Ok(crate::server::current_principal().map(|p| Me {
        email: p.email,
        display_name: p.display_name,
        company_slug: p.company_slug,
        company_name: p.company_name,
        role: p.role,
    }))
}

/// Signs in with email and password, sets the session cookie and answers the path to go to
/// (`next` inside the app, or the home page). A plain form post (no JavaScript) is
/// redirected there; the hydrated page loads it fresh so every part sees the new session.
#[server(prefix = "/api/fn", endpoint = "login")]
pub async fn login(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<String, AppError> {
    use crate::server::{app_state, cookies, ClientIp};
    use http::header::{HeaderValue, SET_COOKIE};

    let state = app_state()?;
    let parts = use_context::<http::request::Parts>().ok_or_else(AppError::internal)?;
    let client_ip = parts
        .extensions
        .get::<ClientIp>()
        .map(|ip| ip.0.clone())
        .unwrap_or_else(|| "unknown".into());
    let user_agent = parts
        .headers
        .get(http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let ok = auth::login(
        &state.pool,
        auth::LoginInput {
            email: &email,
            password: &password,
            client_ip: &client_ip,
            user_agent,
            session_ttl: state.settings.session_ttl,
            previous_session: cookies::session_token(&parts.headers).as_deref(),
        },
    )
    .await?;
    let cookie = cookies::set_session(
        &ok.session_token,
        state.settings.session_ttl,
        state.settings.cookie_secure,
    );
    let response = expect_context::<leptos_axum::ResponseOptions>();
    response.append_header(
        SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|_| AppError::internal())?,
    );
    let target = safe_next(next.as_deref());
    let plain_form = parts
        .headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if plain_form {
        leptos_axum::redirect(&target);
    }
    Ok(target)
}

/// Signs out: ends the session and clears the cookie.
#[server(prefix = "/api/fn", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::{app_state, cookies};
    use http::header::{HeaderValue, SET_COOKIE};

    let state = app_state()?;
    let parts = use_context::<http::request::Parts>().ok_or_else(AppError::internal)?;
    if let Some(token) = cookies::session_token(&parts.headers) {
        auth::logout(&state.pool, &token).await?;
    }
    let response = expect_context::<leptos_axum::ResponseOptions>();
    response.append_header(
        SET_COOKIE,
        HeaderValue::from_str(&cookies::clear_session(state.settings.cookie_secure))
            .map_err(|_| AppError::internal())?,
    );
    leptos_axum::redirect("/login");
    Ok(())
}

/// Only same-site absolute paths are followed after login, so `?next=` cannot send the user
/// to another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p.to_owned(),
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_paths_outside_the_app_fall_back_to_home() {
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn next_paths_inside_the_app_are_kept() {
        assert_eq!(safe_next(Some("/admin/users")), "/admin/users");
    }
}
