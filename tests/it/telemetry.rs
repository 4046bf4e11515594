//! Import telemetry: every stage (upload, dry run, edit, re-map, apply, revert) leaves its
//! `import_telemetry` row and moves its Prometheus counters; a rejected upload leaves a
//! rejected row; the apply queue's gauges read the jobs table; `METRICS_TOKEN` guards the
//! scrape.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};
use sqlx::PgPool;

use crate::common::*;
use crate::metrics::{scrape, value};

/// The telemetry rows, oldest first, as JSON objects.
async fn telemetry_rows(pool: &PgPool) -> Vec<Value> {
    sqlx::query_scalar::<_, Value>(
        "SELECT to_jsonb(t) - 'id' - 'at' - 'company_id' FROM import_telemetry t ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

fn of_stage<'a>(rows: &'a [Value], stage: &str) -> Vec<&'a Value> {
    rows.iter().filter(|r| r["stage"] == stage).collect()
}

const CSV: &str = "first_name,last_name,email\nAda,Lovelace,ada@example\nBob,Baker,bob@example.com\nCy,Young,cy@example.com\n";

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn every_stage_leaves_its_row_and_moves_its_counters(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;

    let res = upload(
        &app,
        &cookie,
        "partner.csv",
        CSV.as_bytes(),
        &[("source", "partner-x")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let report = body_json(res).await;
    let id = report["import_id"].as_str().unwrap().to_owned();
    let rows = telemetry_rows(&pool).await;
    let upload = of_stage(&rows, "upload");
    let dry_run = of_stage(&rows, "dry_run");
    assert_eq!((upload.len(), dry_run.len()), (1, 1), "{rows:#?}");
    let (upload, dry_run) = (upload[0], dry_run[0]);
    assert_eq!(upload["outcome"], "ok");
    assert_eq!(upload["format"], "csv");
    assert_eq!(upload["bytes"], CSV.len());
    assert_eq!(upload["source_key"], "partner-x");
    assert_eq!(upload["import_id"], id.as_str());
    assert!(upload["read_ms"].is_i64());
    assert_eq!(dry_run["outcome"], "ok");
    assert_eq!(dry_run["import_id"], id.as_str());
    assert_eq!(dry_run["config_version"], 1);
    assert_eq!(
        (
            &dry_run["rows_in"],
            &dry_run["rows_valid"],
            &dry_run["rows_error"]
        ),
        (&json!(3), &json!(2), &json!(1))
    );
    for phase in ["read_ms", "validate_ms", "stage_ms", "duration_ms"] {
        assert!(dry_run[phase].is_i64(), "{phase}: {dry_run}");
    }
    assert!(dry_run["apply_ms"].is_null());
    assert!(
        dry_run["issue_counts"].as_array().unwrap().contains(
            &json!({"code": "cell.email_invalid", "level": "error", "field": "email", "count": 1})
        ),
        "{dry_run}"
    );

    // An edit batch, then the apply and its revert.
    let edit = json!({ "edits": [{ "seq": 1, "field": "email", "value": "ada@example.com" }] });
    let res = send(
        &app,
        json_request("PATCH", &format!("/api/imports/{id}/rows"), &cookie, &edit),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = send(
        &app,
        json_request(
            "POST",
            &format!("/api/imports/{id}/apply?wait=true"),
            &cookie,
            &json!({"duplicate_policy": "upsert"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = send(
        &app,
        json_request(
            "POST",
            &format!("/api/imports/{id}/revert"),
            &cookie,
            &json!({}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);

    let rows = telemetry_rows(&pool).await;
    let edit = of_stage(&rows, "edit");
    assert_eq!(edit.len(), 1, "{rows:#?}");
    assert_eq!(
        (
            &edit[0]["outcome"],
            &edit[0]["rows_in"],
            &edit[0]["rows_error"]
        ),
        (&json!("ok"), &json!(1), &json!(0))
    );
    let apply = of_stage(&rows, "apply");
    assert_eq!(apply.len(), 1, "{rows:#?}");
    let apply = apply[0];
    assert_eq!(apply["outcome"], "ok");
    assert_eq!(
        (&apply["mode"], &apply["duplicate_policy"]),
        (&json!("valid_only"), &json!("upsert"))
    );
    assert_eq!(
        (
            &apply["source_key"],
            &apply["format"],
            &apply["config_version"]
        ),
        (&json!("partner-x"), &json!("csv"), &json!(1))
    );
    for phase in ["stage_ms", "apply_ms", "commit_ms"] {
        assert!(apply[phase].is_i64(), "{phase}: {apply}");
    }
    let revert = of_stage(&rows, "revert");
    assert_eq!(revert.len(), 1, "{rows:#?}");
    assert_eq!(
        (&revert[0]["outcome"], &revert[0]["rows_in"]),
        (&json!("ok"), &json!(3))
    );

    let (text, samples) = scrape(&app).await;
    let at =
        |series: &str| value(&samples, series).unwrap_or_else(|| panic!("no {series} in {text}"));
    for stage in ["upload", "dry_run", "edit", "apply", "revert"] {
        assert_eq!(
            at(&format!(
                r#"lead_importer_imports_total{{stage="{stage}",outcome="ok"}}"#
            )),
            1.0,
            "{stage}"
        );
    }
    assert_eq!(
        at(r#"lead_importer_rows_processed_total{stage="dry_run",format="csv"}"#),
        3.0
    );
    assert_eq!(
        at(r#"lead_importer_rows_processed_total{stage="apply",format="csv"}"#),
        3.0
    );
    assert_eq!(
        at(r#"lead_importer_validation_rows_total{verdict="error",config_version="1"}"#),
        1.0
    );
    assert_eq!(
        at(r#"lead_importer_validation_rows_total{verdict="valid",config_version="1"}"#),
        2.0
    );
    assert_eq!(
        at(
            r#"lead_importer_validation_issues_total{code="cell.email_invalid",level="error",config_version="1"}"#
        ),
        1.0
    );
    assert_eq!(at("lead_importer_dry_run_duration_seconds_count"), 1.0);
    assert_eq!(at("lead_importer_apply_duration_seconds_count"), 1.0);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_rejected_upload_and_a_refused_edit_leave_rejected_rows(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, MEMBER_EMAIL).await;
    let res = upload(&app, &cookie, "empty.csv", b"", &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let code = body_json(res).await["error"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let rows = telemetry_rows(&pool).await;
    assert_eq!(rows.len(), 1, "only the upload stage ran: {rows:#?}");
    assert_eq!(
        (&rows[0]["stage"], &rows[0]["outcome"]),
        (&json!("upload"), &json!("rejected"))
    );
    assert_eq!(rows[0]["code"], code.as_str());
    assert!(
        rows[0]["import_id"].is_null(),
        "a rejected file leaves no import"
    );

    let report = body_json(upload(&app, &cookie, "ok.csv", CSV.as_bytes(), &[]).await).await;
    let id = report["import_id"].as_str().unwrap();
    let edit = json!({ "edits": [{ "seq": 1, "field": "no_such_field", "value": "x" }] });
    let res = send(
        &app,
        json_request("PATCH", &format!("/api/imports/{id}/rows"), &cookie, &edit),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let rows = telemetry_rows(&pool).await;
    let edit = of_stage(&rows, "edit");
    assert_eq!(edit.len(), 1, "{rows:#?}");
    assert_eq!(
        (&edit[0]["outcome"], &edit[0]["code"]),
        (&json!("rejected"), &json!("mapping.unknown_field"))
    );

    let (text, samples) = scrape(&app).await;
    let at =
        |series: &str| value(&samples, series).unwrap_or_else(|| panic!("no {series} in {text}"));
    assert_eq!(
        at(r#"lead_importer_imports_total{stage="upload",outcome="rejected"}"#),
        1.0
    );
    assert_eq!(
        at(r#"lead_importer_imports_total{stage="edit",outcome="rejected"}"#),
        1.0
    );
    assert_eq!(
        at(r#"lead_importer_imports_total{stage="upload",outcome="ok"}"#),
        1.0
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_queue_gauges_read_the_jobs_table(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let (_, samples) = scrape(&app).await;
    assert_eq!(
        value(&samples, r#"lead_importer_apply_jobs{state="queued"}"#),
        Some(0.0)
    );
    assert_eq!(
        value(
            &samples,
            "lead_importer_apply_jobs_oldest_queued_age_seconds"
        ),
        Some(0.0)
    );
    // Two jobs waiting, the older for a quarter of an hour, one of them claimed before.
    sqlx::query(
        "INSERT INTO jobs (id, company_id, kind, status, attempts, created_at)
         SELECT gen_random_uuid(), id, 'apply', 'queued', n, now() - make_interval(mins => 15 * n)
           FROM companies, generate_series(1, 2) AS n",
    )
    .execute(&pool)
    .await
    .unwrap();
    let (text, samples) = scrape(&app).await;
    assert_eq!(
        value(&samples, r#"lead_importer_apply_jobs{state="queued"}"#),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        value(&samples, r#"lead_importer_apply_jobs{state="retried"}"#),
        Some(1.0),
        "{text}"
    );
    let age = value(
        &samples,
        "lead_importer_apply_jobs_oldest_queued_age_seconds",
    )
    .unwrap();
    assert!((1800.0..1900.0).contains(&age), "{age}");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn metrics_token_guards_the_scrape(pool: PgPool) {
    let app = app_with_metrics_token(pool, "s3cret-scrape");
    let get = |auth: Option<&str>| {
        let mut req = Request::get("/metrics");
        if let Some(a) = auth {
            req = req.header(header::AUTHORIZATION, a);
        }
        req.body(Body::empty()).unwrap()
    };
    let res = send(&app, get(None)).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers().contains_key(header::WWW_AUTHENTICATE));
    assert_eq!(
        send(&app, get(Some("Bearer wrong"))).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let res = send(&app, get(Some("Bearer s3cret-scrape"))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(body_text(res)
        .await
        .contains("lead_importer_db_pool_connections_max"));
}
