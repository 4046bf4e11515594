//! Router tests for the dry run and its REST API: real files from `../shared/corpus` and
//! generated ones, uploaded through `POST /api/imports/leads/validate` against a fresh
//! database per test.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::Value;
use sqlx::PgPool;

use crate::common::*;

fn corpus(rel: &str) -> Vec<u8> {
    let path = format!("{}/../shared/corpus/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_corpus_csv_is_validated_staged_and_nothing_reaches_leads(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    let res = upload(
        &app,
        &cookie,
        "leads-100.csv",
        &corpus("datablist-original/leads-100.csv"),
        &[],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let report = body_json(res).await;
    assert_eq!(report["file"]["format"], "csv");
    assert_eq!(report["file"]["delimiter"], ",");
    assert_eq!(report["file"]["header_row"], 1);
    assert_eq!(report["stats"]["total_rows"], 100);
    let s = &report["stats"];
    let sum = s["valid_rows"].as_u64().unwrap()
        + s["warning_rows"].as_u64().unwrap()
        + s["error_rows"].as_u64().unwrap();
    assert_eq!(sum, 100);
    assert_eq!(report["rows"].as_array().unwrap().len(), 100);
    assert_eq!(report["page"]["total"], 100);
    let first = &report["rows"][0];
    assert_eq!(
        first["row"], 2,
        "row numbers count the header row like a spreadsheet does"
    );
    assert!(first["original"].is_object());
    let email_col = report["mapping"]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == "email")
        .expect("an email column is suggested");
    assert!(email_col["confidence"].as_f64().unwrap() > 0.5);
    let leads: i64 = sqlx::query_scalar("SELECT count(*) FROM leads")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(leads, 0);
    let staged: i64 = sqlx::query_scalar("SELECT count(*) FROM import_rows")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(staged, 100);

    // The summary and the row pages read back the same import.
    let id = report["import_id"].as_str().unwrap();
    let summary = body_json(
        send(
            &app,
            get_with_cookie(&format!("/api/imports/{id}"), &cookie),
        )
        .await,
    )
    .await;
    assert_eq!(summary["status"], "staged");
    assert_eq!(summary["stats"], report["stats"]);
    let page = body_json(
        send(
            &app,
            get_with_cookie(
                &format!("/api/imports/{id}/rows?offset=95&limit=10"),
                &cookie,
            ),
        )
        .await,
    )
    .await;
    assert_eq!(page["rows"].as_array().unwrap().len(), 5);
    assert_eq!(page["page"]["total"], 100);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn row_issues_carry_row_code_level_value_message_and_hint(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    let csv = "First Name,Last Name,Email,Phone\nAda,Lovelace,ada@example.com,+44 20 7946 0958\nBob,,not-an-email,\nAda,Again,ADA@example.com,\n";
    let report = body_json(upload(&app, &cookie, "messy.csv", csv.as_bytes(), &[]).await).await;
    assert_eq!(report["stats"]["total_rows"], 3);
    assert_eq!(report["stats"]["duplicate_in_file"], 1);
    let bad = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "cell.email_invalid")
        .expect("the invalid email is reported");
    assert_eq!(bad["row"], 3);
    assert_eq!(bad["field"], "email");
    assert_eq!(bad["value"], "not-an-email");
    assert!(bad["message"].as_str().unwrap().len() > 5);
    let dup = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "row.duplicate_in_file")
        .unwrap();
    assert_eq!(dup["row"], 4);
    // Filters by status and code.
    let id = report["import_id"].as_str().unwrap();
    let errors = body_json(
        send(
            &app,
            get_with_cookie(&format!("/api/imports/{id}/rows?status=error"), &cookie),
        )
        .await,
    )
    .await;
    assert_eq!(errors["page"]["total"], 1);
    assert_eq!(errors["rows"][0]["row"], 3);
    let by_code = body_json(
        send(
            &app,
            get_with_cookie(
                &format!("/api/imports/{id}/rows?code=row.duplicate_in_file"),
                &cookie,
            ),
        )
        .await,
    )
    .await;
    assert_eq!(by_code["rows"][0]["row"], 4);
    let by_field = body_json(
        send(
            &app,
            get_with_cookie(&format!("/api/imports/{id}/rows?field=email"), &cookie),
        )
        .await,
    )
    .await;
    assert!(by_field["page"]["total"].as_i64().unwrap() >= 1);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn existing_leads_are_found_with_one_batched_lookup(pool: PgPool) {
    seed(&pool).await;
    let company: uuid::Uuid = sqlx::query_scalar("SELECT id FROM companies WHERE slug = 'acme'")
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO leads (id, company_id, email, email_norm) VALUES ($1, $2, 'grace@example.com', 'grace@example.com')")
        .bind(uuid::Uuid::new_v4())
        .bind(company)
        .execute(&pool)
        .await
        .unwrap();
    let app = app(pool.clone());
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    let csv = "email,first_name,last_name\nGrace@Example.com,Grace,Hopper\nalan@example.com,Alan,Turing\n";
    let report = body_json(upload(&app, &cookie, "dupes.csv", csv.as_bytes(), &[]).await).await;
    assert_eq!(report["stats"]["duplicate_in_db"], 1);
    let id = report["import_id"].as_str().unwrap();
    let page = body_json(
        send(
            &app,
            get_with_cookie(
                &format!("/api/imports/{id}/rows?code=row.duplicate_in_db"),
                &cookie,
            ),
        )
        .await,
    )
    .await;
    assert_eq!(page["page"]["total"], 1);
    assert_eq!(page["rows"][0]["row"], 2);
    assert_eq!(page["rows"][0]["status"], "warning");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_explicit_mapping_overrides_suggestions_and_conflicts_are_refused(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool);
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    let csv = "Kontakt,Mail\nAda,ada@example.com\n";
    let report = body_json(
        upload(
            &app,
            &cookie,
            "m.csv",
            csv.as_bytes(),
            &[("mapping", r#"{"Kontakt": "first_name", "Mail": "email"}"#)],
        )
        .await,
    )
    .await;
    let cols = report["mapping"]["columns"].as_array().unwrap();
    assert_eq!(cols[0]["field"], "first_name");
    assert_eq!(cols[0]["reason"], "chosen");
    assert_eq!(report["rows"][0]["normalized"]["first_name"], "Ada");

    let res = upload(
        &app,
        &cookie,
        "m.csv",
        csv.as_bytes(),
        &[("mapping", r#"{"Kontakt": "email", "Mail": "email"}"#)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body_json(res).await["error"]["code"],
        "header.field_conflict"
    );
    let res = upload(
        &app,
        &cookie,
        "m.csv",
        csv.as_bytes(),
        &[("mapping", r#"{"Kontakt": "shoe_size"}"#)],
    )
    .await;
    assert_eq!(
        body_json(res).await["error"]["code"],
        "mapping.unknown_field"
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_saved_preset_is_applied_to_the_next_file_of_its_source(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool);
    let cookie = login_cookie(&app, MEMBER_EMAIL).await;
    let preset = serde_json::json!({
        "name": "Partner X",
        "source": "partner-x",
        "mapping": { "Kontakt": "first_name", "Mail": "email", "Notiz": null },
        "headers": ["Kontakt", "Mail", "Notiz"]
    });
    let res = send(
        &app,
        json_request("POST", "/api/mapping-presets", &cookie, &preset),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created = body_json(res).await;
    let csv = "Kontakt,Mail,Notiz\nAda,ada@example.com,hi\n";
    let report = body_json(
        upload(
            &app,
            &cookie,
            "x.csv",
            csv.as_bytes(),
            &[("source", "partner-x")],
        )
        .await,
    )
    .await;
    assert_eq!(report["mapping"]["preset_id"], created["id"]);
    assert_eq!(report["mapping"]["columns"][0]["field"], "first_name");
    assert_eq!(report["mapping"]["columns"][2]["field"], Value::Null);

    let list = body_json(send(&app, get_with_cookie("/api/mapping-presets", &cookie)).await).await;
    assert_eq!(list["presets"][0]["usage_count"], 1);

    // A member may not share a preset with the whole company.
    let mut shared = preset.clone();
    shared["scope"] = "company".into();
    shared["name"] = "Shared".into();
    let res = send(
        &app,
        json_request("POST", "/api/mapping-presets", &cookie, &shared),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let id = created["id"].as_str().unwrap();
    let mut renamed = preset.clone();
    renamed["name"] = "Partner X v2".into();
    let res = send(
        &app,
        json_request(
            "PUT",
            &format!("/api/mapping-presets/{id}"),
            &cookie,
            &renamed,
        ),
    )
    .await;
    assert_eq!(body_json(res).await["name"], "Partner X v2");
    let res = send(
        &app,
        json_request(
            "DELETE",
            &format!("/api/mapping-presets/{id}"),
            &cookie,
            &Value::Null,
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn another_companys_import_is_a_404(pool: PgPool) {
    seed(&pool).await;
    seed_other_company(&pool).await;
    let app = app(pool);
    let acme = login_cookie(&app, ADMIN_EMAIL).await;
    let report =
        body_json(upload(&app, &acme, "a.csv", b"email\nada@example.com\n", &[]).await).await;
    let id = report["import_id"].as_str().unwrap();
    let globex = login_cookie(&app, OTHER_ADMIN_EMAIL).await;
    for path in [
        format!("/api/imports/{id}"),
        format!("/api/imports/{id}/rows"),
    ] {
        let res = send(&app, get_with_cookie(&path, &globex)).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(!body_text(res).await.contains("ada@example.com"));
    }
    let history = body_json(send(&app, get_with_cookie("/api/imports", &globex)).await).await;
    assert_eq!(history["imports"].as_array().unwrap().len(), 0);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn hostile_and_wrong_uploads_get_clear_errors(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    // Empty file.
    let res = upload(&app, &cookie, "empty.csv", b"", &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body_json(res).await["error"]["code"], "file.empty");
    // Binary garbage.
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let res = upload(&app, &cookie, "x.csv", &garbage, &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body_json(res).await["error"]["code"],
        "file.unsupported_format"
    );
    // Encrypted workbook from the corpus.
    let res = upload(
        &app,
        &cookie,
        "secret.xlsx",
        &corpus("calamine/pass_protected.xlsx"),
        &[],
    )
    .await;
    assert_eq!(body_json(res).await["error"]["code"], "file.encrypted");
    // Over the upload limit (the test app allows 2 MiB).
    let big = vec![b'a'; 3 * 1024 * 1024];
    let res = upload(&app, &cookie, "big.csv", &big, &[]).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body_json(res).await["error"]["code"], "file.too_large");
    // Not multipart at all.
    let res = send(
        &app,
        Request::post("/api/imports/leads/validate")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "text/csv")
            .body(Body::from("email\na@b.co\n"))
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // No file field.
    let res = upload_fields_only(&app, &cookie, &[("source", "x")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // Nothing was left half-staged by the failures.
    let imports: i64 = sqlx::query_scalar("SELECT count(*) FROM imports")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(imports, 0);
    // And the server still serves.
    assert_eq!(
        send(&app, Request::get("/healthz").body(Body::empty()).unwrap())
            .await
            .status(),
        StatusCode::OK
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_xlsx_and_a_windows_1252_file_from_the_corpus_are_read(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool);
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    let report = body_json(
        upload(
            &app,
            &cookie,
            "issue-1024.xlsx",
            &corpus("frictionless-py/issue-1024.xlsx"),
            &[],
        )
        .await,
    )
    .await;
    assert_eq!(report["file"]["format"], "xlsx");
    assert_eq!(report["file"]["header_row"], 12);
    assert_eq!(report["file"]["sheet"], "IPC");
    let report = body_json(
        upload(
            &app,
            &cookie,
            "prenoms.csv",
            &corpus("league-csv/prenoms.csv"),
            &[],
        )
        .await,
    )
    .await;
    assert_eq!(report["file"]["encoding"], "windows-1252");
    assert_eq!(report["file"]["delimiter"], ";");
    assert_eq!(report["stats"]["total_rows"], 10121);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn uploads_without_a_session_or_token_are_refused(pool: PgPool) {
    let app = app(pool);
    let res = upload(&app, "", "a.csv", b"email\na@b.co\n", &[]).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

async fn dry_run_csv(app: &axum::Router, cookie: &str, csv: &str) -> Value {
    let res = upload(app, cookie, "t.csv", csv.as_bytes(), &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    body_json(res).await
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn fixing_a_cell_revalidates_the_row_and_updates_the_stats(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    let report = dry_run_csv(
        &app,
        &cookie,
        "first_name,last_name,email\nAda,Lovelace,ada@example\nBob,Baker,bob@example.com\n",
    )
    .await;
    assert_eq!(report["stats"]["error_rows"], 1);
    let id = report["import_id"].as_str().unwrap();
    let edit = serde_json::json!({ "edits": [{ "seq": 1, "field": "email", "value": "ada@example.com" }] });
    let res = send(
        &app,
        json_request("PATCH", &format!("/api/imports/{id}/rows"), &cookie, &edit),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let result = body_json(res).await;
    assert_eq!(result["stats"]["error_rows"], 0);
    assert_eq!(
        result["stats"]["valid_rows"].as_u64().unwrap()
            + result["stats"]["warning_rows"].as_u64().unwrap(),
        2
    );
    let row = &result["rows"][0];
    assert_eq!(row["edits"]["email"], "ada@example.com");
    assert_eq!(row["normalized"]["email"], "ada@example.com");
    assert_eq!(
        row["original"]["email"], "ada@example",
        "the original cell is kept"
    );
    // The stored summary agrees.
    let summary = body_json(
        send(
            &app,
            get_with_cookie(&format!("/api/imports/{id}"), &cookie),
        )
        .await,
    )
    .await;
    assert_eq!(summary["stats"], result["stats"]);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn editing_a_key_recomputes_in_file_duplicates_for_the_rows_that_share_it(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    let csv = "first_name,last_name,email\nAda,One,same@example.com\nAda,Two,same@example.com\nAda,Three,other@example.com\n";
    let report = dry_run_csv(&app, &cookie, csv).await;
    assert_eq!(report["stats"]["duplicate_in_file"], 1);
    let id = report["import_id"].as_str().unwrap();
    // Changing the first row's email makes row 2 the first occurrence: no duplicate left.
    let edit = serde_json::json!({ "edits": [{ "seq": 1, "field": "email", "value": "first@example.com" }] });
    let result = body_json(
        send(
            &app,
            json_request("PATCH", &format!("/api/imports/{id}/rows"), &cookie, &edit),
        )
        .await,
    )
    .await;
    assert_eq!(result["stats"]["duplicate_in_file"], 0);
    // Making row 3 collide with row 2 creates one again, on row 3 (row 4 in the sheet).
    let edit = serde_json::json!({ "edits": [{ "seq": 3, "field": "email", "value": "same@example.com" }] });
    let result = body_json(
        send(
            &app,
            json_request("PATCH", &format!("/api/imports/{id}/rows"), &cookie, &edit),
        )
        .await,
    )
    .await;
    assert_eq!(result["stats"]["duplicate_in_file"], 1);
    let page = body_json(
        send(
            &app,
            get_with_cookie(
                &format!("/api/imports/{id}/rows?code=row.duplicate_in_file"),
                &cookie,
            ),
        )
        .await,
    )
    .await;
    assert_eq!(page["rows"][0]["row"], 4);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn bulk_actions_set_defaults_replace_text_exclude_rows_and_apply_fixes(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    let csv = "first_name,last_name,email,company\nAda,Lovelace,ada@example.com,\nBob,Baker,bob@example.com,ACME Ltd\nCy,Cole,cy@example.com,\n";
    let report = dry_run_csv(&app, &cookie, csv).await;
    let id = report["import_id"].as_str().unwrap();
    let bulk =
        |body: Value| json_request("POST", &format!("/api/imports/{id}/bulk"), &cookie, &body);

    let res = body_json(send(&app, bulk(serde_json::json!({ "action": "set_default", "field": "company", "value": "Unknown Co" }))).await).await;
    assert_eq!(res["affected"], 2);
    let res = body_json(send(&app, bulk(serde_json::json!({ "action": "find_replace", "field": "company", "find": "Ltd", "replace": "Limited" }))).await).await;
    assert_eq!(res["affected"], 1);
    let rows = body_json(
        send(
            &app,
            get_with_cookie(&format!("/api/imports/{id}/rows"), &cookie),
        )
        .await,
    )
    .await;
    assert_eq!(rows["rows"][0]["normalized"]["company"], "Unknown Co");
    assert_eq!(rows["rows"][1]["normalized"]["company"], "ACME Limited");

    let res = body_json(
        send(
            &app,
            bulk(serde_json::json!({ "action": "exclude", "seqs": [3] })),
        )
        .await,
    )
    .await;
    assert_eq!(res["affected"], 1);
    assert_eq!(res["stats"]["excluded_rows"], 1);
    let res = body_json(
        send(
            &app,
            bulk(serde_json::json!({ "action": "restore", "seqs": [3] })),
        )
        .await,
    )
    .await;
    assert_eq!(res["stats"]["excluded_rows"], 0);

    let res = body_json(
        send(
            &app,
            bulk(serde_json::json!({ "action": "clear_column", "field": "company" })),
        )
        .await,
    )
    .await;
    assert_eq!(res["affected"], 3);
    let res = send(&app, bulk(serde_json::json!({ "action": "explode" }))).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn applying_a_suggested_fix_everywhere_changes_every_row_with_that_code(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    let csv = "first_name,last_name,email,status\nAda,L,ada@example.com,qualifeid\nBob,B,bob@example.com,qualifeid\n";
    let report = dry_run_csv(&app, &cookie, csv).await;
    let id = report["import_id"].as_str().unwrap();
    let issue = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "cell.enum_unknown");
    let Some(issue) = issue else {
        panic!(
            "an unknown status is an error with a suggested fix: {:#}",
            report["errors"]
        );
    };
    assert!(issue["fix"]["value"].is_string());
    let body = serde_json::json!({ "action": "apply_fix", "code": "cell.enum_unknown" });
    let res = body_json(
        send(
            &app,
            json_request("POST", &format!("/api/imports/{id}/bulk"), &cookie, &body),
        )
        .await,
    )
    .await;
    assert_eq!(res["affected"], 2);
    assert_eq!(res["stats"]["by_code"].get("cell.enum_unknown"), None);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn remapping_reruns_the_dry_run_on_the_staged_cells(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    let report = dry_run_csv(&app, &cookie, "Kontakt,Adresse\nAda,ada@example.com\n").await;
    let id = report["import_id"].as_str().unwrap();
    let body = serde_json::json!({ "mapping": { "Kontakt": "first_name", "Adresse": "email" } });
    let res = send(
        &app,
        json_request("PUT", &format!("/api/imports/{id}/mapping"), &cookie, &body),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let summary = body_json(res).await;
    assert_eq!(summary["mapping"]["columns"][1]["field"], "email");
    let rows = body_json(
        send(
            &app,
            get_with_cookie(&format!("/api/imports/{id}/rows"), &cookie),
        )
        .await,
    )
    .await;
    assert_eq!(rows["rows"][0]["normalized"]["email"], "ada@example.com");
    assert_eq!(rows["rows"][0]["normalized"]["first_name"], "Ada");
    let body = serde_json::json!({ "mapping": { "Nope": "email" } });
    let res = send(
        &app,
        json_request("PUT", &format!("/api/imports/{id}/mapping"), &cookie, &body),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn after_the_retention_period_the_file_and_staged_rows_go_but_history_stays(pool: PgPool) {
    seed(&pool).await;
    let data = std::env::temp_dir().join(format!("li-retention-{}", uuid::Uuid::new_v4()));
    let svc = imports::ImportService {
        pool: pool.clone(),
        files: imports::FileStore::local(&data).unwrap(),
        limits: intake::Limits::default(),
        telemetry: imports::telemetry::Telemetry::default(),
    };
    let principal = auth::login(
        &pool,
        auth::LoginInput {
            email: ADMIN_EMAIL,
            password: PASSWORD,
            client_ip: "t",
            user_agent: "t",
            session_ttl: time::Duration::hours(1),
            previous_session: None,
        },
    )
    .await
    .unwrap()
    .principal;
    let file = data.join("upload.csv");
    std::fs::write(&file, "email\nada@example.com\n").unwrap();
    let report = imports::dry_run(
        &svc,
        &principal,
        imports::Upload {
            path: file,
            file_name: "upload.csv".into(),
            sha256: "x".into(),
            size_bytes: 22,
        },
        imports::DryRunOptions::default(),
    )
    .await
    .unwrap();
    let key: String = sqlx::query_scalar("SELECT storage_key FROM imports")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(data.join(&key).exists());
    assert_eq!(
        imports::retention::purge_expired(&svc, 30).await.unwrap(),
        0,
        "a fresh import is kept"
    );
    sqlx::query("UPDATE imports SET created_at = now() - interval '31 days'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        imports::retention::purge_expired(&svc, 30).await.unwrap(),
        1
    );
    assert!(!data.join(&key).exists());
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM import_rows")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows, 0);
    let summary = imports::rows::summary(&pool, &principal, report.import_id)
        .await
        .unwrap();
    assert_eq!(
        summary.stats.total_rows, 1,
        "the history entry keeps its counts"
    );
}

/// A 1 MiB block of sheet rows deflated once with a full flush and repeated `times`
/// times: a stream that inflates to `times` MiB from about a 300th of that.
fn bomb_stream(times: usize) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let row = br#"<row><c t="inlineStr"><is><t>x</t></is></c></row>"#;
    let chunk: Vec<u8> = row.iter().copied().cycle().take(1 << 20).collect();
    let mut c = Compress::new(Compression::best(), false);
    let mut block = Vec::with_capacity(1 << 16);
    c.compress_vec(&chunk, &mut block, FlushCompress::Full)
        .unwrap();
    let mut out = block.repeat(times);
    out.extend_from_slice(&[0x03, 0x00]); // final empty block
    out
}

/// A workbook whose one sheet is `sheet` (deflated, declaring `declared` bytes); the
/// other parts are stored. CRCs are left at zero: intake refuses the file before any
/// part is checked.
fn bomb_workbook(sheet: &[u8], declared: u32) -> Vec<u8> {
    let parts: [(&str, u16, &[u8], u32); 5] = [
        ("[Content_Types].xml", 0, br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#, 0),
        ("_rels/.rels", 0, br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#, 0),
        ("xl/workbook.xml", 0, br#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Leads" sheetId="1" r:id="rId1"/></sheets></workbook>"#, 0),
        ("xl/_rels/workbook.xml.rels", 0, br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#, 0),
        ("xl/worksheets/sheet1.xml", 8, sheet, declared),
    ];
    let (mut out, mut central) = (Vec::new(), Vec::new());
    for (name, method, data, declared) in parts {
        let declared = if method == 0 {
            data.len() as u32
        } else {
            declared
        };
        let mut head = Vec::new();
        head.extend_from_slice(&20u16.to_le_bytes());
        head.extend_from_slice(&0u16.to_le_bytes());
        head.extend_from_slice(&method.to_le_bytes());
        head.extend_from_slice(&[0, 0, 0x21, 0, 0, 0, 0, 0]); // time, date, crc
        head.extend_from_slice(&(data.len() as u32).to_le_bytes());
        head.extend_from_slice(&declared.to_le_bytes());
        head.extend_from_slice(&(name.len() as u16).to_le_bytes());
        head.extend_from_slice(&0u16.to_le_bytes());
        central.extend_from_slice(b"PK\x01\x02\x14\x00");
        central.extend_from_slice(&head);
        central.extend_from_slice(&[0; 10]);
        central.extend_from_slice(&(out.len() as u32).to_le_bytes());
        central.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&head);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
    }
    let at = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0\x05\0\x05\0");
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_zip_bomb_upload_is_refused_at_once_with_a_file_code(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    // 256 MiB from well under the test app's 2 MiB upload limit, declared honestly…
    let bomb = bomb_stream(256);
    let started = std::time::Instant::now();
    let res = upload(
        &app,
        &cookie,
        "bomb.xlsx",
        &bomb_workbook(&bomb, 256 << 20),
        &[],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body_json(res).await["error"]["code"], "file.zip_bomb");
    // …and declaring 1 MiB, which only the count of inflated bytes can catch.
    let res = upload(
        &app,
        &cookie,
        "liar.xlsx",
        &bomb_workbook(&bomb, 1 << 20),
        &[],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body_json(res).await["error"]["code"], "file.zip_bomb");
    assert!(
        started.elapsed().as_secs_f64() < 2.0,
        "{:?}",
        started.elapsed()
    );
    let imports: i64 = sqlx::query_scalar("SELECT count(*) FROM imports")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(imports, 0);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_workbook_with_a_cover_sheet_is_read_from_its_lead_sheet_and_says_why(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let cover = book.add_worksheet().set_name("Read me").unwrap();
    cover
        .write_string(0, 0, "How to fill in this file")
        .unwrap();
    cover
        .write_string(1, 0, "Put one lead per row on the sheet Leads.")
        .unwrap();
    let leads = book.add_worksheet().set_name("Leads").unwrap();
    for (c, h) in ["First name", "Last name", "Email", "Company"]
        .iter()
        .enumerate()
    {
        leads.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..=3u32 {
        leads.write_string(r, 0, format!("Ada{r}")).unwrap();
        leads.write_string(r, 1, "Lovelace").unwrap();
        leads
            .write_string(r, 2, format!("ada{r}@example.com"))
            .unwrap();
        leads.write_string(r, 3, "Analytical Engines").unwrap();
    }
    let bytes = book.save_to_buffer().unwrap();
    let res = upload(&app, &cookie, "partner.xlsx", &bytes, &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let report = body_json(res).await;
    assert_eq!(report["file"]["sheet"], "Leads");
    assert_eq!(report["stats"]["total_rows"], 3);
    let choice = &report["file"]["sheet_choice"];
    assert_eq!(choice["sheet"], "Leads");
    assert_eq!(choice["ambiguous"], false);
    assert_eq!(choice["skipped"][0]["name"], "Read me");
    assert_eq!(choice["skipped"][0]["reason"], "holds 2 lines of text");
    assert!(
        choice["reason"]
            .as_str()
            .unwrap()
            .starts_with("The first sheet “Read me” holds 2 lines of text; “Leads” has a header row matching 4 lead fields"),
        "{choice}"
    );
    // The decision is stored with the import: its summary says the same.
    let id = report["import_id"].as_str().unwrap();
    let summary = body_json(
        send(
            &app,
            get_with_cookie(&format!("/api/imports/{id}"), &cookie),
        )
        .await,
    )
    .await;
    assert_eq!(summary["file"]["sheet_choice"], *choice);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn nul_characters_are_removed_from_a_file_and_refused_in_requests(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    let mut csv = b"First name,Last name,Email\nAda\x00x,Lovelace,ada@example.org\n".to_vec();
    for i in 0..20 {
        csv.extend_from_slice(format!("Bob{i},Builder,bob{i}@example.org\n").as_bytes());
    }
    let res = upload(&app, &cookie, "nul.csv", &csv, &[]).await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "a NUL in a cell does not fail the upload"
    );
    let report = body_json(res).await;
    let first = &report["rows"][0];
    assert_eq!(first["original"]["First name"], "Adax");
    assert!(
        first["issues"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["code"] == "cell.nul_removed"),
        "{first}"
    );

    let preset = serde_json::json!({ "name": "a\u{0}b", "mapping": { "Email": "email" } });
    let res = send(
        &app,
        json_request("POST", "/api/mapping-presets", &cookie, &preset),
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        body_json(res).await["error"]["code"],
        "request.invalid_json"
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_rows_endpoint_finds_rows_by_text_in_a_cell(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    let csv =
        "first_name,last_name,email\nAda,Lovelace,ada@example.com\nBob,Baker,bob@example.com\n";
    let report = dry_run_csv(&app, &cookie, csv).await;
    let id = report["import_id"].as_str().unwrap();
    let page = body_json(
        send(
            &app,
            get_with_cookie(
                &format!("/api/imports/{id}/rows?q=LOVELACE&status="),
                &cookie,
            ),
        )
        .await,
    )
    .await;
    assert_eq!(page["page"]["total"], 1, "{page}");
    assert_eq!(page["rows"][0]["original"]["first_name"], "Ada");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_renamed_preset_keeps_its_layout_and_every_change_is_audited(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let member = login_cookie(&app, MEMBER_EMAIL).await;
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let preset = serde_json::json!({
        "name": "Partner Y",
        "source": "partner-y",
        "mapping": { "Kontakt": "first_name", "Mail": "email" },
        "headers": ["Kontakt", "Mail"]
    });
    let res = send(
        &app,
        json_request("POST", "/api/mapping-presets", &member, &preset),
    )
    .await;
    let created = body_json(res).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let fingerprint = created["fingerprint"].clone();
    assert_ne!(fingerprint, "", "{created}");

    // Renamed without the headers (as the presets page does): the layout stays.
    let renamed = serde_json::json!({ "name": "Partner Y (2024)", "source": "partner-y", "mapping": preset["mapping"] });
    let res = send(
        &app,
        json_request(
            "PUT",
            &format!("/api/mapping-presets/{id}"),
            &member,
            &renamed,
        ),
    )
    .await;
    let saved = body_json(res).await;
    assert_eq!(saved["fingerprint"], fingerprint, "{saved}");
    assert_eq!(saved["name"], "Partner Y (2024)");
    // `headers: []` drops it: the preset then fits every file of its source.
    let mut wide = renamed.clone();
    wide["headers"] = serde_json::json!([]);
    let res = send(
        &app,
        json_request("PUT", &format!("/api/mapping-presets/{id}"), &member, &wide),
    )
    .await;
    assert_eq!(body_json(res).await["fingerprint"], "");
    let res = send(
        &app,
        json_request(
            "DELETE",
            &format!("/api/mapping-presets/{id}"),
            &member,
            &Value::Null,
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    let res = send(&app, get_with_cookie("/api/audit?action=preset.", &admin)).await;
    let page = body_json(res).await;
    let entries = page["entries"].as_array().unwrap();
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "preset.delete",
            "preset.update",
            "preset.update",
            "preset.create"
        ],
        "{page}"
    );
    assert_eq!(entries[3]["actor"], MEMBER_EMAIL);
    assert_eq!(
        entries[2]["diff"]["name"],
        serde_json::json!({ "from": "Partner Y", "to": "Partner Y (2024)" })
    );
    assert_eq!(entries[0]["diff"]["name"], "Partner Y (2024)");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_history_narrows_by_day_source_status_and_issue_code(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    let clean = b"email\nada@example.com\n";
    let broken = b"email\nnot-an-email\n";
    let mut ids = Vec::new();
    for (name, bytes, source) in [
        ("a.csv", &clean[..], "crm"),
        ("b.csv", &broken[..], "crm"),
        ("c.csv", &clean[..], "fair"),
    ] {
        let report =
            body_json(upload(&app, &cookie, name, bytes, &[("source", source)]).await).await;
        ids.push(report["import_id"].as_str().unwrap().to_owned());
    }
    // a.csv was uploaded three days ago.
    sqlx::query("UPDATE imports SET created_at = now() - interval '3 days' WHERE id = $1::uuid")
        .bind(&ids[0])
        .execute(&pool)
        .await
        .unwrap();
    let code: String = sqlx::query_scalar(
        "SELECT k FROM imports b, jsonb_object_keys(b.stats->'by_code') k
          WHERE b.id = $1::uuid AND NOT EXISTS (SELECT 1 FROM imports a WHERE a.id = $2::uuid AND a.stats->'by_code' ? k)
          LIMIT 1",
    )
    .bind(&ids[1])
    .bind(&ids[0])
    .fetch_one(&pool)
    .await
    .unwrap();
    let today = time::OffsetDateTime::now_utc().date();
    let names = |query: String| {
        let (app, cookie) = (app.clone(), cookie.clone());
        async move {
            let res = send(
                &app,
                get_with_cookie(&format!("/api/imports{query}"), &cookie),
            )
            .await;
            assert_eq!(res.status(), StatusCode::OK, "{query}");
            let body = body_json(res).await;
            let mut names: Vec<String> = body["imports"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["file"]["name"].as_str().unwrap().to_owned())
                .collect();
            names.sort();
            names
        }
    };
    assert_eq!(names(String::new()).await, ["a.csv", "b.csv", "c.csv"]);
    assert_eq!(names("?source=crm".into()).await, ["a.csv", "b.csv"]);
    assert_eq!(
        names(format!("?from={today}&to={today}")).await,
        ["b.csv", "c.csv"]
    );
    assert_eq!(
        names(format!("?to={}", today - time::Duration::days(1))).await,
        ["a.csv"]
    );
    assert_eq!(names(format!("?code={code}")).await, ["b.csv"]);
    assert_eq!(names("?status=staged&source=fair".into()).await, ["c.csv"]);
    assert!(names("?status=applied".into()).await.is_empty());
    let res = send(
        &app,
        get_with_cookie("/api/imports?from=yesterday", &cookie),
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(body_json(res).await["error"]["code"], "request.invalid");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn rest_undoes_and_redoes_the_grids_changes_and_says_when_there_is_nothing_left(
    pool: PgPool,
) {
    seed(&pool).await;
    seed_other_company(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    let report = dry_run_csv(
        &app,
        &cookie,
        "first_name,last_name,email\nAda,Lovelace,ada@example\nBob,Baker,bob@example.com\n",
    )
    .await;
    let id = report["import_id"].as_str().unwrap();
    let (status, nothing) = call(
        &app,
        &cookie,
        "POST",
        &format!("/api/imports/{id}/undo"),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(nothing["error"]["code"], "undo.nothing");

    let edit = serde_json::json!({ "edits": [{ "seq": 1, "field": "email", "value": "ada@example.com" }] });
    let (status, edited) = call(
        &app,
        &cookie,
        "PATCH",
        &format!("/api/imports/{id}/rows"),
        edit,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(edited["stats"]["error_rows"], 0);

    let (status, undone) = call(
        &app,
        &cookie,
        "POST",
        &format!("/api/imports/{id}/undo"),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{undone}");
    assert_eq!(undone["stats"]["error_rows"], 1, "the bad e-mail is back");
    assert_eq!(undone["seqs"], serde_json::json!([1]));
    assert!(undone["state"]["undo"].is_null());
    assert!(undone["state"]["redo"].is_string());
    let (_, row) = get(
        &app,
        &cookie,
        &format!("/api/imports/{id}/rows?status=error"),
    )
    .await;
    assert_eq!(
        row["rows"][0]["edits"],
        serde_json::json!({}),
        "the edit is gone: {row}"
    );
    assert_eq!(row["rows"][0]["original"]["email"], "ada@example");

    let (status, redone) = call(
        &app,
        &cookie,
        "POST",
        &format!("/api/imports/{id}/redo"),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{redone}");
    assert_eq!(redone["stats"]["error_rows"], 0);
    let (status, nothing) = call(
        &app,
        &cookie,
        "POST",
        &format!("/api/imports/{id}/redo"),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(nothing["error"]["code"], "redo.nothing");

    // Another company's admin cannot step through this import's history.
    let globex = login_cookie(&app, OTHER_ADMIN_EMAIL).await;
    for verb in ["undo", "redo"] {
        let (status, body) = call(
            &app,
            &globex,
            "POST",
            &format!("/api/imports/{id}/{verb}"),
            Value::Null,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{verb}: {body}");
    }
    let (_, summary) = get(&app, &cookie, &format!("/api/imports/{id}")).await;
    assert_eq!(
        summary["stats"]["error_rows"], 0,
        "the other company changed nothing"
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_upload_form_without_javascript_lands_on_the_wizard_or_back_on_the_form_with_why(
    pool: PgPool,
) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    let res = upload_as_html_form(&app, &cookie, "leads.csv", b"email\nada@example.com\n").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()[header::LOCATION].to_str().unwrap().to_owned();
    let id = location
        .strip_prefix("/imports/")
        .and_then(|rest| rest.strip_suffix("?step=mapping"))
        .expect("to the wizard's mapping step");
    let (status, summary) = get(&app, &cookie, &format!("/api/imports/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(summary["stats"]["total_rows"], 1);

    // A refused file goes back to the form, which says why.
    let res = upload_as_html_form(&app, &cookie, "empty.csv", b"").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()[header::LOCATION].to_str().unwrap().to_owned();
    assert!(location.starts_with("/imports/new?error="), "{location}");
    let page = body_text(send(&app, get_with_cookie(&location, &cookie)).await).await;
    assert!(
        page.contains("empty"),
        "the upload page shows the refusal: {location}"
    );
    assert!(page.contains("role=\"alert\""), "as an alert");

    // Scripts still get JSON.
    let res = upload(&app, &cookie, "leads.csv", b"email\nbob@example.com\n", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(body_json(res).await["import_id"].is_string());
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn every_issue_code_has_a_help_page_and_an_unknown_code_is_a_404(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    let res = send(
        &app,
        get_with_cookie("/help/codes/cell.email_invalid", &cookie),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = body_text(res).await;
    assert!(page.contains("Not a usable e-mail address."), "the meaning");
    assert!(
        page.contains("An address looks like name@example.com."),
        "how to fix it"
    );
    assert!(page.contains("How to fix it"));

    let res = send(
        &app,
        get_with_cookie("/help/codes/cell.no_such_code", &cookie),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(body_text(res).await.contains("Unknown code"));
}
