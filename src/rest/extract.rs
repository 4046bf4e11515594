//! The `Caller` extractor: the principal the middleware resolved, or 401.

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
