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
            E::Conflict(_) => StatusCode::CONFLICT,
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
            E::Invalid { code, .. } if code.starts_with("request.") => StatusCode::BAD_REQUEST,
            E::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            E::Intake(i) if i.code() == "file.too_large" => StatusCode::PAYLOAD_TOO_LARGE,
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
