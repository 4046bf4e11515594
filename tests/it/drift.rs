//! The schema drift check against a real `leads` table: each test database is a scratch
//! copy, altered here to produce every kind of finding, which the report, the gauge and the
//! audit log then carry.

use axum::http::StatusCode;
use serde_json::{json, Value};
use sqlx::PgPool;

use crate::common::*;
use crate::metrics::{scrape, value};

fn kinds(report: &Value) -> Vec<(String, Option<String>)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().to_owned(),
                f["column"]
                    .as_str()
                    .or(f["field"].as_str())
                    .map(str::to_owned),
            )
        })
        .collect()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_migrated_table_is_in_sync_and_members_may_not_read_the_report(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let (status, report) = get(&app, &admin, "/api/admin/drift").await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["in_sync"], true, "{report}");
    assert_eq!(report["findings"], json!([]));
    assert_eq!(report["config_version"], 1);
    let member = login_cookie(&app, MEMBER_EMAIL).await;
    let (status, body) = get(&app, &member, "/api/admin/drift").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (_, samples) = scrape(&app).await;
    assert_eq!(value(&samples, "lead_importer_config_drift"), Some(0.0));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn every_kind_of_drift_is_found(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let company: uuid::Uuid = sqlx::query_scalar("SELECT id FROM companies WHERE slug = 'acme'")
        .fetch_one(&pool)
        .await
        .unwrap();
    // A lead whose status the new rules will not allow.
    sqlx::query("INSERT INTO leads (id, company_id, email, email_norm, status) VALUES (gen_random_uuid(), $1, 'a@b.example', 'a@b.example', 'contacted')")
        .bind(company)
        .execute(&pool)
        .await
        .unwrap();
    // The rules: `title` locked, a custom field `region`, and `contacted` no longer a
    // status.
    let (_, active) = get(&app, &admin, "/api/config").await;
    let mut config = active["config"].clone();
    let fields = config["fields"].as_array_mut().unwrap();
    for f in fields.iter_mut() {
        if f["key"] == "title" {
            f["locked"] = json!(true);
        }
        if f["key"] == "status" {
            let allowed = f["constraints"]["allowed"].as_array_mut().unwrap();
            allowed.retain(|a| a["value"] != "contacted");
        }
    }
    fields.push(json!({ "key": "region", "label": "Region", "type": "text", "custom": true }));
    let (status, body) = call(
        &app,
        &admin,
        "PUT",
        "/api/config",
        json!({ "base_version": 1, "config": config }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    after_publish_check(&pool, 2).await;
    // A version stored by an older build that today's check would refuse: duplicates by
    // phone without a phone field.
    let changed = sqlx::query(
        "UPDATE import_configs SET config = jsonb_set(jsonb_set(config, '{duplicates,keys}', '[\"email\", \"phone\"]'),
             '{fields}', (SELECT jsonb_agg(f) FROM jsonb_array_elements(config->'fields') f WHERE f->>'key' <> 'phone'))
          WHERE company_id = $1 AND version = 2",
    )
    .bind(company)
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(changed.rows_affected(), 1);
    // The table: `title` gone, `country` a number, `region` and `linkedin` added.
    sqlx::query(
        "ALTER TABLE leads DROP COLUMN title,
             ALTER COLUMN country TYPE integer USING NULL,
             ADD COLUMN region text,
             ADD COLUMN linkedin text",
    )
    .execute(&pool)
    .await
    .unwrap();

    let reports = imports::drift::check_all(&pool).await.unwrap();
    assert_eq!(reports.len(), 1);
    let (slug, report) = &reports[0];
    assert_eq!(slug, "acme");
    assert!(!report.in_sync);
    let (status, report) = get(&app, &admin, "/api/admin/drift").await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["config_version"], 2);
    let found = kinds(&report);
    for want in [
        ("locked_field_missing", Some("title")),
        ("column_type", Some("country")),
        ("custom_key_collides", Some("region")),
        ("column_unknown", Some("linkedin")),
        ("dedupe_field_missing", None),
        ("enum_value_orphaned", Some("status")),
    ] {
        assert!(
            found.contains(&(want.0.to_owned(), want.1.map(str::to_owned))),
            "{want:?} in {found:?}"
        );
    }
    // `phone` is no field any more, but the column is still there.
    assert!(
        found.contains(&("column_unknown".to_owned(), Some("phone".to_owned()))),
        "{found:?}"
    );
    assert_eq!(found.len(), 7, "{report:#}");
    let orphan = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "enum_value_orphaned")
        .unwrap();
    assert_eq!(
        (&orphan["value"], &orphan["leads"]),
        (&json!("contacted"), &json!(1))
    );

    let (_, samples) = scrape(&app).await;
    assert_eq!(value(&samples, "lead_importer_config_drift"), Some(7.0));
    let (_, audit) = get(&app, &admin, "/api/audit?action=config.drift").await;
    let entries = audit["entries"].as_array().unwrap();
    assert!(!entries.is_empty(), "{audit}");
    assert_eq!(entries[0]["diff"]["findings"], 7);
    // The webhook's alert carries the findings; the same report again queues none.
    let newest_alert =
        "SELECT payload FROM alert_outbox WHERE kind = 'drift' ORDER BY id DESC LIMIT 1";
    let alert: Value = sqlx::query_scalar(newest_alert)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(alert["kind"], "drift");
    assert_eq!(alert["company"], "acme");
    assert_eq!(alert["config_version"], 2);
    assert_eq!(alert["findings"].as_array().unwrap().len(), 7, "{alert}");
    let alerts = "SELECT count(*) FROM alert_outbox";
    let queued: i64 = sqlx::query_scalar(alerts).fetch_one(&pool).await.unwrap();
    imports::drift::check_all(&pool).await.unwrap();
    let again: i64 = sqlx::query_scalar(alerts).fetch_one(&pool).await.unwrap();
    assert_eq!(again, queued, "an unchanged report is not sent twice");

    // Put the table back the way the rules want it: in sync again, the gauge at 0.
    sqlx::query("ALTER TABLE leads ADD COLUMN title text, ALTER COLUMN country TYPE text, DROP COLUMN linkedin, DROP COLUMN region")
        .execute(&pool)
        .await
        .unwrap();
    let (status, body) = publish_default(&app, &admin, 2).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    after_publish_check(&pool, 3).await;
    sqlx::query("DELETE FROM leads")
        .execute(&pool)
        .await
        .unwrap();
    let reports = imports::drift::check_all(&pool).await.unwrap();
    assert!(reports[0].1.in_sync, "{:?}", reports[0].1.findings);
    let (_, samples) = scrape(&app).await;
    assert_eq!(value(&samples, "lead_importer_config_drift"), Some(0.0));
}

/// Publishes the default configuration over `base`.
async fn publish_default(app: &axum::Router, cookie: &str, base: i32) -> (StatusCode, Value) {
    let config = serde_json::to_value(rules::ImportConfig::default_leads()).unwrap();
    call(
        app,
        cookie,
        "PUT",
        "/api/config",
        json!({ "base_version": base, "config": config }),
    )
    .await
}

/// Waits for the check a publish starts on its own task to have stored its report.
async fn after_publish_check(pool: &PgPool, version: i32) {
    for _ in 0..100 {
        let stored: Option<i32> = sqlx::query_scalar("SELECT config_version FROM config_drift")
            .fetch_optional(pool)
            .await
            .unwrap();
        if stored == Some(version) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no drift report for version {version} after its publish");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_nightly_check_runs_once_however_many_replicas_ask(pool: PgPool) {
    seed(&pool).await;
    // Two replicas' housekeeping loops at the same moment: one claims the run.
    let (a, b) = tokio::join!(
        imports::drift::run_if_due(&pool),
        imports::drift::run_if_due(&pool)
    );
    assert_eq!(
        [a.unwrap(), b.unwrap()].iter().filter(|ran| **ran).count(),
        1
    );
    let reports: i64 = sqlx::query_scalar("SELECT count(*) FROM config_drift")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(reports, 1, "the company was checked");
    // Not due again until tomorrow.
    assert!(!imports::drift::run_if_due(&pool).await.unwrap());
}
