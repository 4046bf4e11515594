//! The REST error shape and the mapping from service errors to HTTP statuses.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// An error answered as `{"error": {"code": "...", "message": "..."}}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    /// Extra members of the error object (e.g. a revert's conflicts).
    pub details: Option<serde_json::Map<String, serde_json::Value>>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.to_owned(),
            message: message.into(),
            details: None,
        }
    }

    /// Adds members to the error object beside `code` and `message`.
    pub fn with_details(mut self, details: serde_json::Map<String, serde_json::Value>) -> Self {
        self.details = Some(details);
        self
    }

    pub fn unauthenticated() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "auth.unauthenticated",
            "Sign in or send an API token (Authorization: Bearer …).",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = self.details.unwrap_or_default();
        error.insert("code".into(), self.code.into());
        error.insert("message".into(), self.message.into());
        let body = serde_json::json!({ "error": error });
        (self.status, Json(body)).into_response()
    }
}

impl From<auth::AuthError> for ApiError {
    fn from(err: auth::AuthError) -> Self {
        use auth::AuthError as E;
        let status = match &err {
            E::InvalidCredentials | E::Unauthenticated => StatusCode::UNAUTHORIZED,
            E::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            E::Forbidden => StatusCode::FORBIDDEN,
            E::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            E::Conflict(_) | E::LastAdmin(_) => StatusCode::CONFLICT,
            E::NotFound(_) => StatusCode::NOT_FOUND,
            E::Internal(inner) => {
                tracing::error!(error = %inner, "internal error");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        ApiError::new(status, err.code(), err.to_string())
    }
}

/// Unknown `/api/...` paths answer JSON, not the HTML 404 page.
pub async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "request.not_found",
        "No such API endpoint.",
    )
}

impl From<imports::ImportError> for ApiError {
    fn from(err: imports::ImportError) -> Self {
        use imports::ImportError as E;
        let status = match &err {
            E::NotFound(_) => StatusCode::NOT_FOUND,
            E::Forbidden(_) => StatusCode::FORBIDDEN,
            E::BadRequest(_) => StatusCode::BAD_REQUEST,
            E::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            E::Intake(
                intake::IntakeError::TooLarge { .. } | intake::IntakeError::TooManyCells { .. },
            ) => StatusCode::PAYLOAD_TOO_LARGE,
            E::Intake(_) => StatusCode::UNPROCESSABLE_ENTITY,
            E::Conflict { .. } => StatusCode::CONFLICT,
            E::Internal(cause) => {
                tracing::error!(error = %cause, "import service failed");
                return ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Something went wrong on our side. Please try again.",
                );
            }
        };
        let message = match &err {
            E::Intake(i) => format!("{} {}", sentence(&i.message()), i.hint()),
            other => other.to_string(),
        };
        ApiError::new(status, err.code(), message)
    }
}

/// Intake reports its findings as error phrases ("the file is empty"); in front of the hint
/// they read as a sentence.
fn sentence(phrase: &str) -> String {
    let mut chars = phrase.trim_end_matches('.').chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// The stable code for an error status that was not produced by a handler (the router's
/// 405, a body limit's 413, the timeout's 408, an extractor's plain-text rejection).
fn code_for_status(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "request.invalid",
        StatusCode::NOT_FOUND => "request.not_found",
        StatusCode::METHOD_NOT_ALLOWED => "request.method_not_allowed",
        StatusCode::REQUEST_TIMEOUT => "request.timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "request.too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "request.unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "request.unprocessable",
        s if s.is_server_error() => "internal",
        _ => "request.failed",
    }
}

/// Every REST error answers `{"error": {"code", "message"}}`: an error response under
/// `/api/` that is not JSON yet (produced below the handlers' own mapping) is rewritten,
/// keeping its status and headers such as `Allow`. Server functions (`/api/fn/`) have
/// their own error encoding and are left alone.
pub async fn json_errors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let path = req.uri().path();
    let is_rest = path.starts_with("/api/") && !path.starts_with("/api/fn/");
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if !is_rest || !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    // The plain-text rejections say what went wrong in a sentence; keep it (bounded).
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_owned();
    let message = if text.is_empty() || status.is_server_error() {
        status
            .canonical_reason()
            .unwrap_or("The request failed.")
            .to_owned()
    } else {
        text
    };
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    parts.headers.remove(axum::http::header::CONTENT_TYPE);
    let json = ApiError::new(status, code_for_status(status), message).into_response();
    let (json_parts, json_body) = json.into_parts();
    parts.headers.extend(json_parts.headers);
    Response::from_parts(parts, json_body)
}

#[cfg(test)]
mod tests {
    use super::sentence;

    #[test]
    fn an_intake_phrase_becomes_a_sentence_before_its_hint() {
        assert_eq!(sentence("the file is empty"), "The file is empty.");
        assert_eq!(sentence("already a sentence."), "Already a sentence.");
        assert_eq!(sentence(""), "");
    }
}
