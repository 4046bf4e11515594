//! `/api/imports…`: the dry run upload, the history, one import's summary and its rows.

use std::collections::HashMap;

use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use serde::Deserialize;
use uuid::Uuid;

use api::{
    BulkRequest, BulkResult, CellEdit, DryRunReport, EditResult, ExplicitMapping, ImportId,
    ImportSummary, RowPage, RowQuery, UndoResult,
};
use web::server::AppState;

use super::{upload, ApiError, Caller, Query};

/// `POST /api/imports/leads/validate`: multipart `file` plus optional `source`,
/// `preset_id`, `mapping` (JSON `{header: field}`), `sheet`, `header_row`, `encoding`,
/// `delimiter`. Stages a dry run and answers its report. The upload form of a browser
/// without JavaScript (it asks for HTML) is sent on with a 303: to the import's wizard, or
/// back to the upload page with the refusal's message.
pub async fn validate(
    state: State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let answer = dry_run(state, caller, multipart).await;
    if !wants_html(&headers) {
        return match answer {
            Ok(report) => Json(report).into_response(),
            Err(e) => e.into_response(),
        };
    }
    match answer {
        Ok(report) => {
            Redirect::to(&format!("/imports/{}?step=mapping", report.import_id)).into_response()
        }
        Err(e) => {
            let message: String = e.message.chars().take(300).collect();
            Redirect::to(&format!("/imports/new?error={}", percent_encode(&message)))
                .into_response()
        }
    }
}

/// A plain HTML form post: the browser asks for `text/html` (the page's script and REST
/// clients ask for JSON or anything).
fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html") && !accept.contains("application/json"))
}

/// A query value with every byte but the unreserved ones escaped (RFC 3986).
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn dry_run(
    State(state): State<AppState>,
    Caller(principal): Caller,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<DryRunReport, ApiError> {
    let multipart = multipart.map_err(|e| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "request.not_multipart",
            format!(
                "Send the file as multipart/form-data in a field named “file”: {}",
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
    let options = options_from_fields(&received.fields)?;
    let report = imports::dry_run(
        &state.imports,
        &principal,
        imports::Upload {
            path: received.file.path().to_owned(),
            file_name: received.file_name.clone(),
            sha256: received.sha256.clone(),
            size_bytes: received.size_bytes,
        },
        options,
    )
    .await?;
    // The spooled file is removed here; the kept copy lives in the file store.
    drop(received);
    Ok(report)
}

fn options_from_fields(
    fields: &HashMap<String, String>,
) -> Result<imports::DryRunOptions, ApiError> {
    let text = |k: &str| {
        fields
            .get(k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let invalid = |msg: String| ApiError::new(StatusCode::BAD_REQUEST, "request.invalid", msg);
    let preset_id = text("preset_id")
        .map(|v| {
            v.parse::<Uuid>()
                .map_err(|_| invalid(format!("preset_id “{v}” is not a UUID.")))
        })
        .transpose()?;
    let mapping = text("mapping")
        .map(|v| {
            serde_json::from_str::<ExplicitMapping>(&v).map_err(|e| {
                invalid(format!(
                    "mapping must be a JSON object {{\"header\": \"field\"}}: {e}"
                ))
            })
        })
        .transpose()?;
    let header_row = text("header_row")
        .map(|v| match v.parse::<u32>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(invalid(format!(
                "header_row “{v}” must be a row number from 1."
            ))),
        })
        .transpose()?;
    let delimiter = fields
        .get("delimiter")
        .filter(|v| !v.is_empty())
        .map(|v| {
            intake::delimiter_from_name(v)
                .ok_or_else(|| invalid(format!("delimiter “{v}” must be one character, or “tab”.")))
        })
        .transpose()?;
    Ok(imports::DryRunOptions {
        source: text("source"),
        preset_id,
        mapping,
        sheet: text("sheet"),
        header_row,
        encoding: text("encoding"),
        delimiter,
        page_limit: None,
    })
}

/// `GET /api/imports`: the company's imports, newest first, filtered by the query
/// (`from`, `to`, `source`, `status`, `code`, `offset`, `limit`).
pub async fn history(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Query(q): Query<api::ImportListQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let items = imports::rows::history(&state.pool, &principal, &q).await?;
    Ok(Json(serde_json::json!({
        "imports": items,
        "offset": q.offset.unwrap_or(0),
        "limit": q.limit.unwrap_or(50),
    })))
}

/// `GET /api/imports/{id}`: the import's summary.
pub async fn summary(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
) -> Result<Json<ImportSummary>, ApiError> {
    let id = parse_id(&id)?;
    Ok(Json(
        imports::rows::summary(&state.pool, &principal, id).await?,
    ))
}

/// `GET /api/imports/{id}/rows?offset=&limit=&status=&field=&code=&q=`.
pub async fn rows(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    Query(query): Query<RowQuery>,
) -> Result<Json<RowPage>, ApiError> {
    let id = parse_id(&id)?;
    Ok(Json(
        imports::rows::page(&state.pool, &principal, id, &query).await?,
    ))
}

/// A malformed id cannot name an import of anyone's: 404 like any unknown import.
pub(crate) fn parse_id(id: &str) -> Result<ImportId, ApiError> {
    id.parse().map_err(|_| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "request.not_found",
            format!("No import {id}."),
        )
    })
}

/// `PATCH /api/imports/{id}/rows` body.
#[derive(Debug, Deserialize)]
pub struct EditBody {
    edits: Vec<CellEdit>,
}

type JsonBody<T> = Result<Json<T>, axum::extract::rejection::JsonRejection>;

fn json_body<T>(body: JsonBody<T>, shape: &str) -> Result<T, ApiError> {
    body.map(|Json(v)| v).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "request.invalid_json",
            format!("Send JSON {shape}: {}", e.body_text()),
        )
    })
}

/// `PATCH /api/imports/{id}/rows`: cell edits, revalidated on the server.
pub async fn edit_rows(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    body: JsonBody<EditBody>,
) -> Result<Json<EditResult>, ApiError> {
    let id = parse_id(&id)?;
    let body = json_body(body, r#"{"edits": [{"seq", "field", "value"}]}"#)?;
    Ok(Json(
        imports::edits::edit_cells(&state.imports, &principal, id, body.edits).await?,
    ))
}

/// `POST /api/imports/{id}/bulk`: a bulk action on a column or a selection.
pub async fn bulk(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    body: JsonBody<BulkRequest>,
) -> Result<Json<BulkResult>, ApiError> {
    let id = parse_id(&id)?;
    let body = json_body(
        body,
        r#"{"action", "field", "value", "find", "replace", "code", "seqs", "status"}"#,
    )?;
    Ok(Json(
        imports::edits::bulk(&state.imports, &principal, id, body).await?,
    ))
}

/// `PUT /api/imports/{id}/mapping` body.
#[derive(Debug, Deserialize)]
pub struct MappingBody {
    mapping: ExplicitMapping,
}

/// `PUT /api/imports/{id}/mapping`: re-map the columns and re-run the dry run.
pub async fn remap(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    body: JsonBody<MappingBody>,
) -> Result<Json<ImportSummary>, ApiError> {
    let id = parse_id(&id)?;
    let body = json_body(body, r#"{"mapping": {"header": "field or null"}}"#)?;
    Ok(Json(
        imports::edits::remap(&state.imports, &principal, id, body.mapping).await?,
    ))
}

/// `POST /api/imports/{id}/revalidate`: check the staged rows again with the company's
/// active rules version (edits, mapping and date orders kept).
pub async fn revalidate(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
) -> Result<Json<ImportSummary>, ApiError> {
    let id = parse_id(&id)?;
    Ok(Json(
        imports::edits::revalidate(&state.imports, &principal, id).await?,
    ))
}

/// `POST /api/imports/{id}/undo`: reverts the newest cell edit or bulk action that is not
/// undone yet (the same history the grid's Ctrl+Z walks) and revalidates the rows.
pub async fn undo(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
) -> Result<Json<UndoResult>, ApiError> {
    let id = parse_id(&id)?;
    Ok(Json(
        imports::undo::undo(&state.imports, &principal, id).await?,
    ))
}

/// `POST /api/imports/{id}/redo`: re-applies the oldest undone change.
pub async fn redo(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
) -> Result<Json<UndoResult>, ApiError> {
    let id = parse_id(&id)?;
    Ok(Json(
        imports::undo::redo(&state.imports, &principal, id).await?,
    ))
}
