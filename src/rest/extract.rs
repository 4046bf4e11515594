//! REST extractors: `Caller` (the principal the middleware resolved, or 401) and a `Query`
//! whose rejection is a JSON error.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::ApiError;

/// The authenticated caller of a REST handler.
#[derive(Debug, Clone)]
pub struct Caller(pub auth::Principal);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<auth::Principal>()
            .cloned()
            .map(Caller)
            .ok_or_else(ApiError::unauthenticated)
    }
}

/// `axum::extract::Query` whose rejection (`?wait=maybe`, `?limit=-1`) answers the JSON
/// error shape with `request.invalid_query`, like every other REST error.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Query(value)),
            Err(rejection) => Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "request.invalid_query",
                format!("The query string is not valid: {}", rejection.body_text()),
            )),
        }
    }
}

/// A JSON body whose rejection is kept for [`json_body`].
pub type JsonBody<T> = Result<axum::Json<T>, axum::extract::rejection::JsonRejection>;

/// The decoded body, or 400 `request.invalid_json` saying what to send (`shape`).
pub fn json_body<T>(body: JsonBody<T>, shape: &str) -> Result<T, ApiError> {
    body.map(|axum::Json(v)| v).map_err(|e| {
        ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "request.invalid_json",
            format!("Send a JSON {shape}: {}", e.body_text()),
        )
    })
}
