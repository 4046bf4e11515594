//! Every real spreadsheet in `../shared/corpus` goes through the REST dry run: each one is
//! either staged or refused with a stable file code — never a 500 — and the mapping
//! suggestions for the lead-shaped files are the ones a person would pick.

use std::path::{Path, PathBuf};

use axum::http::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

use crate::common::*;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

fn corpus_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            corpus_files(&path, out);
        } else if path.file_name().is_some_and(|n| n != "SOURCES.md") {
            out.push(path);
        }
    }
}

fn field_of(report: &Value, header: &str) -> Value {
    report["mapping"]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["header"] == header)
        .map(|c| c["field"].clone())
        .unwrap_or_else(|| panic!("no column {header}"))
}

async fn dry_run(app: &axum::Router, cookie: &str, rel: &str) -> Value {
    let bytes = std::fs::read(corpus_dir().join(rel)).unwrap();
    let res = upload(app, cookie, rel.rsplit('/').next().unwrap(), &bytes, &[]).await;
    assert_eq!(res.status(), StatusCode::OK, "{rel}");
    body_json(res).await
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn every_corpus_file_is_staged_or_refused_with_a_file_code(pool: PgPool) {
    seed(&pool).await;
    let app = app_with_upload_limit(pool.clone(), 64 * 1024 * 1024);
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    let mut files = Vec::new();
    corpus_files(&corpus_dir(), &mut files);
    files.sort();
    assert!(files.len() >= 40, "the corpus is where it should be");
    let mut staged = 0;
    for path in &files {
        let name = path
            .strip_prefix(corpus_dir())
            .unwrap()
            .display()
            .to_string();
        let bytes = std::fs::read(path).unwrap();
        let res = upload(&app, &cookie, &name, &bytes, &[]).await;
        let status = res.status();
        let body = body_json(res).await;
        match status {
            StatusCode::OK => {
                staged += 1;
                let stats = &body["stats"];
                let sum = stats["valid_rows"].as_u64().unwrap()
                    + stats["warning_rows"].as_u64().unwrap()
                    + stats["error_rows"].as_u64().unwrap();
                assert_eq!(sum, stats["total_rows"].as_u64().unwrap(), "{name}");
                assert_eq!(
                    body["page"]["total"], stats["total_rows"],
                    "{name}: every row is staged"
                );
            }
            StatusCode::UNPROCESSABLE_ENTITY | StatusCode::PAYLOAD_TOO_LARGE => {
                let code = body["error"]["code"].as_str().unwrap_or_default();
                assert!(code.starts_with("file."), "{name}: {body}");
            }
            other => panic!("{name}: unexpected {other}: {body}"),
        }
    }
    assert!(
        staged >= 35,
        "most corpus files are readable ({staged} staged)"
    );
    let leads: i64 = sqlx::query_scalar("SELECT count(*) FROM leads")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(leads, 0, "a dry run never writes leads");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn lead_shaped_corpus_files_get_the_obvious_mapping(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool);
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;

    let r = dry_run(&app, &cookie, "datablist-original/leads-100.csv").await;
    assert_eq!(field_of(&r, "First Name"), "first_name");
    assert_eq!(field_of(&r, "Last Name"), "last_name");
    assert_eq!(field_of(&r, "Company"), "company");
    assert_eq!(field_of(&r, "Email 1"), "email");
    assert_eq!(field_of(&r, "Phone 1"), "phone");
    assert_eq!(field_of(&r, "Source"), "source");
    assert_eq!(field_of(&r, "Notes"), "notes");
    assert_eq!(field_of(&r, "Index"), Value::Null);

    let r = dry_run(&app, &cookie, "datablist-original/people-1000.csv").await;
    assert_eq!(field_of(&r, "Email"), "email");
    assert_eq!(field_of(&r, "Job Title"), "title");

    let r = dry_run(&app, &cookie, "datablist-original/customers-100.csv").await;
    assert_eq!(field_of(&r, "Country"), "country");

    let r = dry_run(&app, &cookie, "thunderbird-addrbook-tests/export.csv").await;
    assert_eq!(field_of(&r, "First Name"), "first_name");
    assert_eq!(field_of(&r, "Primary Email"), "email");

    let r = dry_run(&app, &cookie, "odoo-base-import/res.partner.csv").await;
    assert_eq!(field_of(&r, "Email"), "email");
    assert_eq!(field_of(&r, "Phone"), "phone");

    // The semicolon file Excel re-saved in Europe reads the same as the original.
    let eu = dry_run(&app, &cookie, "datablist-excel-eu-resave/customers-100.csv").await;
    assert_eq!(eu["file"]["delimiter"], ";");
    assert_eq!(eu["stats"]["total_rows"], 100);
    assert_eq!(field_of(&eu, "First Name"), "first_name");
}
