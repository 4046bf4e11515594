//! Receiving a multipart upload: the one `file` field is streamed to a temporary file
//! while its SHA-256 is computed and its size counted against the limit (413 past it);
//! the small text fields beside it are collected. Nothing is held whole in memory.

use std::collections::HashMap;

use axum::extract::multipart::{Field, Multipart, MultipartError};
use axum::http::StatusCode;
use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;
use tokio::io::AsyncWriteExt;

use super::ApiError;

/// Text fields longer than this are refused (the mapping JSON is the largest).
const MAX_TEXT_FIELD: usize = 1 << 20;

/// A received upload: the spooled file (deleted when dropped) and the other fields.
#[derive(Debug)]
pub struct Received {
    pub file: NamedTempFile,
    pub file_name: String,
    pub sha256: String,
    pub size_bytes: u64,
    pub fields: HashMap<String, String>,
}

/// Reads the whole multipart body.
pub async fn receive(
    mut multipart: Multipart,
    max_bytes: u64,
    tmp_dir: &std::path::Path,
) -> Result<Received, ApiError> {
    let mut file: Option<(NamedTempFile, String, String, u64)> = None;
    let mut fields = HashMap::new();
    while let Some(field) = multipart.next_field().await.map_err(bad_multipart)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            if file.is_some() {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "request.invalid",
                    "Send exactly one file field named “file”.",
                ));
            }
            let file_name = field
                .file_name()
                .map(sanitize_file_name)
                .unwrap_or_else(|| "upload".to_owned());
            let (tmp, sha, size) = spool(field, max_bytes, tmp_dir).await?;
            file = Some((tmp, file_name, sha, size));
        } else {
            let text = read_text(field).await?;
            fields.insert(name, text);
        }
    }
    let (file, file_name, sha256, size_bytes) = file.ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "request.invalid",
            "The upload has no file: send it in a multipart field named “file”.",
        )
    })?;
    Ok(Received {
        file,
        file_name,
        sha256,
        size_bytes,
        fields,
    })
}

async fn spool(
    mut field: Field<'_>,
    max_bytes: u64,
    tmp_dir: &std::path::Path,
) -> Result<(NamedTempFile, String, u64), ApiError> {
    std::fs::create_dir_all(tmp_dir).map_err(internal)?;
    let tmp = NamedTempFile::new_in(tmp_dir).map_err(internal)?;
    let mut out = tokio::fs::File::from_std(tmp.reopen().map_err(internal)?);
    let mut hasher = Sha256::new();
    let mut size: u64 = 0;
    while let Some(chunk) = field.chunk().await.map_err(bad_multipart)? {
        size += chunk.len() as u64;
        if size > max_bytes {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "file.too_large",
                format!(
                    "The file is larger than the limit of {} MiB.",
                    max_bytes / (1024 * 1024)
                ),
            ));
        }
        hasher.update(&chunk);
        out.write_all(&chunk).await.map_err(internal)?;
    }
    out.flush().await.map_err(internal)?;
    Ok((tmp, hex::encode(hasher.finalize()), size))
}

async fn read_text(mut field: Field<'_>) -> Result<String, ApiError> {
    let name = field.name().unwrap_or_default().to_owned();
    let mut buf = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(bad_multipart)? {
        buf.extend_from_slice(&chunk);
        if buf.len() > MAX_TEXT_FIELD {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "request.too_large",
                format!("The field “{name}” is too long."),
            ));
        }
    }
    let text = String::from_utf8(buf).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "request.invalid",
            format!("The field “{name}” is not UTF-8 text."),
        )
    })?;
    // PostgreSQL cannot store NUL in text; refuse it here rather than fail later.
    if text.contains('\0') {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "request.invalid",
            format!("The field “{name}” may not contain NUL characters."),
        ));
    }
    Ok(text)
}

/// Keeps only the last path segment and drops control characters.
fn sanitize_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base.chars().filter(|c| !c.is_control()).take(255).collect();
    if clean.trim().is_empty() {
        "upload".to_owned()
    } else {
        clean
    }
}

fn bad_multipart(err: MultipartError) -> ApiError {
    let status = err.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(
            status,
            "file.too_large",
            "The upload is larger than the limit.",
        );
    }
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "request.invalid_multipart",
        format!("The multipart body could not be read: {}", err.body_text()),
    )
}

fn internal(err: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %err, "upload spooling failed");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "Something went wrong on our side.",
    )
}

#[cfg(test)]
mod tests {
    use super::sanitize_file_name;

    #[test]
    fn file_names_lose_their_directories_and_control_characters() {
        assert_eq!(sanitize_file_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_file_name("C:\\Users\\x\\leads.csv"), "leads.csv");
        assert_eq!(sanitize_file_name("a\u{0}b.csv"), "ab.csv");
        assert_eq!(sanitize_file_name(""), "upload");
    }
}
