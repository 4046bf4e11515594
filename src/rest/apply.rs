//! `/api/imports/{id}/apply`, `/revert`, `/report.csv`, `/report.xlsx` and
//! `/corrections`: writing an import to the leads, undoing it, the error reports and their
//! round trip. Thin: decode, call the service, map the answer.

use axum::body::{Body, Bytes};
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::StreamExt;
use serde::Deserialize;

use api::{ApplyRequest, CorrectionResult, ImportSummary, Invalid, RevertOutcome, RevertRequest};
use imports::apply::Wait;
use imports::reports::ReportFormat;
use web::server::AppState;

use super::imports::parse_id;
use super::{upload, ApiError, Caller, Query};

/// `?wait=true` makes the apply call block until the apply has finished.
#[derive(Debug, Default, Deserialize)]
pub struct WaitQuery {
    #[serde(default)]
    wait: bool,
}

/// A JSON body that may be empty (then every field takes its default), read by the
/// request type's own `from_json` so an unknown choice is named by its own code.
fn optional_json<T: Default>(
    body: &Bytes,
    shape: &str,
    from_json: fn(serde_json::Value) -> Result<T, Invalid>,
) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    let invalid_json = |e: &dyn std::fmt::Display| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "request.invalid_json",
            format!("Send a JSON object {shape}: {e}"),
        )
    };
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| invalid_json(&e))?;
    from_json(value).map_err(|e| match e {
        Invalid::Json(message) => invalid_json(&message),
        Invalid::Choice { code, message } => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
        }
    })
}

/// `POST /api/imports/{id}/apply` with `{"mode", "duplicate_policy", "fill_empty_only"}`:
/// 202 with the summary (status `applying`, `progress`), or with `?wait=true` 200 once
/// applied. An import applied before answers 200 with its first result.
pub async fn apply(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    Query(query): Query<WaitQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<ImportSummary>), ApiError> {
    let id = parse_id(&id)?;
    let req = optional_json(
        &body,
        r#"{"mode": "valid_only"|"all", "duplicate_policy": "skip"|"update"|"upsert", "fill_empty_only": bool}"#,
        ApplyRequest::from_json,
    )?;
    let wait = if query.wait {
        Wait::Finished
    } else {
        Wait::Queued
    };
    let started = imports::apply::start(&state.imports, &principal, id, &req, wait).await?;
    let status = if started.finished {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    Ok((status, Json(started.summary)))
}

/// `POST /api/imports/{id}/revert` with an optional `{"on_conflict": "abort"|"keep"|"overwrite"}`:
/// 200 with the summary, or 409 `import.revert_conflicts` listing leads changed since.
pub async fn revert(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<ImportSummary>, ApiError> {
    let id = parse_id(&id)?;
    let req = optional_json(
        &body,
        r#"{"on_conflict": "abort"|"keep"|"overwrite"}"#,
        RevertRequest::from_json,
    )?;
    match imports::revert::revert(&state.imports, &principal, id, &req).await? {
        RevertOutcome::Reverted { summary } => Ok(Json(*summary)),
        RevertOutcome::Conflicts(found) => {
            let mut details = serde_json::Map::new();
            details.insert("total".into(), found.total.into());
            details.insert(
                "conflicts".into(),
                serde_json::to_value(&found.conflicts).unwrap_or_default(),
            );
            Err(ApiError::new(
                StatusCode::CONFLICT,
                "import.revert_conflicts",
                format!(
                    "{} lead(s) were changed after this import. Send {{\"on_conflict\": \"keep\"}} to leave them as they are, or \"overwrite\" to revert them too.",
                    found.total
                ),
            )
            .with_details(details))
        }
    }
}

/// `?shape=rows|issues` of the CSV report.
#[derive(Debug, Default, Deserialize)]
pub struct ShapeQuery {
    shape: Option<String>,
}

/// `GET /api/imports/{id}/report.csv[?shape=rows|issues]`: the failed rows with all their
/// columns (default) or one line per issue.
pub async fn report_csv(
    state: State<AppState>,
    caller: Caller,
    id: Path<String>,
    Query(query): Query<ShapeQuery>,
) -> Result<Response, ApiError> {
    let format = match query.shape.as_deref() {
        None | Some("rows") => ReportFormat::CsvRows,
        Some("issues") => ReportFormat::CsvIssues,
        Some(other) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "request.invalid",
                format!("Unknown report shape “{other}”: use rows or issues."),
            ))
        }
    };
    report(state, caller, id, format).await
}

/// `GET /api/imports/{id}/report.xlsx`.
pub async fn report_xlsx(
    state: State<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<Response, ApiError> {
    report(state, caller, id, ReportFormat::Xlsx).await
}

async fn report(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    format: ReportFormat,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let download = imports::reports::download(&state.imports, &principal, id, format).await?;
    let body = Body::from_stream(download.stream.map(|chunk| {
        chunk.map_err(|e| {
            tracing::error!(error = %e, "error report stream failed");
            std::io::Error::other("report stream failed")
        })
    }));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&download.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266).
fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_. ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// `POST /api/imports/{id}/corrections`: multipart `file`, the import's XLSX error report
/// after fixing it; patches the rows it names.
pub async fn corrections(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Json<CorrectionResult>, ApiError> {
    let id = parse_id(&id)?;
    let multipart = multipart.map_err(|e| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "request.not_multipart",
            format!(
                "Send the corrected report as multipart/form-data in a field named “file”: {}",
                e.body_text()
            ),
        )
    })?;
    let received = upload::receive(
        multipart,
        state.settings.max_upload_bytes,
        &state.settings.upload_tmp_dir,
    )
    .await?;
    let result = imports::corrections::apply_corrections(
        &state.imports,
        &principal,
        id,
        received.file.path(),
    )
    .await?;
    Ok(Json(result))
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn download_names_keep_an_ascii_fallback_and_the_exact_name() {
        assert_eq!(
            content_disposition("Müller \"leads\".csv"),
            "attachment; filename=\"M_ller _leads_.csv\"; filename*=UTF-8''M%C3%BCller%20%22leads%22.csv"
        );
    }
}
