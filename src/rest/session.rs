//! `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/me`.

use axum::extract::State;
use axum::http::header::{HeaderMap, HeaderValue, SET_COOKIE, USER_AGENT};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

use web::server::{cookies, AppState, ClientIp};

use super::{ApiError, Caller};

#[derive(Debug, Deserialize)]
pub struct LoginRequest {
    email: String,
    password: String,
}

/// The signed-in identity as the API reports it.
#[derive(Debug, Serialize)]
pub struct MeResponse {
    email: String,
    display_name: String,
    company: CompanyRef,
    role: auth::Role,
}

#[derive(Debug, Serialize)]
struct CompanyRef {
    slug: String,
    name: String,
}

impl From<auth::Principal> for MeResponse {
    fn from(p: auth::Principal) -> Self {
        MeResponse {
            email: p.email,
            display_name: p.display_name,
            company: CompanyRef {
                slug: p.company_slug,
                name: p.company_name,
            },
            role: p.role,
        }
    }
}

/// Signs in and sets the session cookie; answers the signed-in identity.
pub async fn login(
    State(state): State<AppState>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    body: Result<Json<LoginRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body.map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "request.invalid_json",
            format!("Send JSON {{\"email\", \"password\"}}: {}", e.body_text()),
        )
    })?;
    let user_agent = headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let ok = auth::login(
        &state.pool,
        auth::LoginInput {
            email: &body.email,
            password: &body.password,
            client_ip: &ip.0,
            user_agent,
            session_ttl: state.settings.session_ttl,
            previous_session: cookies::session_token(&headers).as_deref(),
        },
    )
    .await?;
    let cookie = cookies::set_session(
        &ok.session_token,
        state.settings.session_ttl,
        state.settings.cookie_secure,
    );
    let mut res = Json(MeResponse::from(ok.principal)).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(SET_COOKIE, v);
    }
    Ok(res)
}

/// Ends the session (if any) and clears the cookie; always 204.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = cookies::session_token(&headers) {
        auth::logout(&state.pool, &token).await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&cookies::clear_session(state.settings.cookie_secure)) {
        res.headers_mut().append(SET_COOKIE, v);
    }
    Ok(res)
}

/// The caller's identity; 401 without a valid session or token.
pub async fn me(Caller(principal): Caller) -> Json<MeResponse> {
    Json(MeResponse::from(principal))
}
