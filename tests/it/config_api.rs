//! Router tests for `/api/config`: reading, checking, previewing, publishing (stale and
//! invalid drafts refused), diffs, rollback and the audit trail; members and other
//! companies kept out; the next dry run using a new version without a restart.

use axum::http::StatusCode;
use serde_json::{json, Value};
use sqlx::PgPool;

use crate::common::*;

/// A CSV whose status cells use a German label the default configuration does not know.
const WARM_CSV: &str = "First Name,Last Name,Email,Company,Status\n\
Ada,Lovelace,ada@example.com,Acme,Warmer Kontakt\n\
Bob,Baker,bob@example.com,,Warmer Kontakt\n\
Cy,Cole,cy@example.com,,new\n";

/// `PUT /api/config` of `config` on `base`, without a comment.
async fn publish(
    app: &axum::Router,
    cookie: &str,
    base: i32,
    config: &Value,
) -> (StatusCode, Value) {
    call(
        app,
        cookie,
        "PUT",
        "/api/config",
        json!({ "base_version": base, "config": config }),
    )
    .await
}

/// The active configuration with an alias added to `contacted`.
fn with_alias(config: &Value, alias: &str) -> Value {
    let mut c = config.clone();
    let status = c["fields"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|f| f["key"] == "status")
        .unwrap();
    let contacted = status["constraints"]["allowed"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|a| a["value"] == "contacted")
        .unwrap();
    contacted["aliases"]
        .as_array_mut()
        .unwrap()
        .push(json!(alias));
    c
}

fn with_requirement(config: &Value, key: &str, level: &str) -> Value {
    let mut c = config.clone();
    let f = c["fields"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|f| f["key"] == key)
        .unwrap();
    f["requirement"] = json!(level);
    c
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn members_read_the_active_version_and_its_schema(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let member = login_cookie(&app, MEMBER_EMAIL).await;
    let (status, active) = get(&app, &member, "/api/config").await;
    assert_eq!(status, StatusCode::OK, "{active}");
    assert_eq!(active["version"], 1);
    assert_eq!(active["active"], true);
    assert!(active["created_by"].is_null());
    assert!(active["created_at"].as_str().unwrap().contains('T'));
    assert_eq!(
        active["config"],
        serde_json::to_value(rules::ImportConfig::default_leads()).unwrap()
    );
    let (status, schema) = get(&app, &member, "/api/config/schema").await;
    assert_eq!(status, StatusCode::OK);
    assert!(schema["properties"]["fields"].is_object(), "{schema}");
    let (status, versions) = get(&app, &member, "/api/config/versions").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(versions["versions"].as_array().unwrap().len(), 1);
    // Reading is for members; changing is for admins.
    let draft = json!({ "config": active["config"] });
    for (method, path, body) in [
        ("POST", "/api/config/check", draft.clone()),
        ("POST", "/api/config/preview", draft.clone()),
        (
            "PUT",
            "/api/config",
            json!({ "base_version": 1, "config": active["config"], "comment": "x" }),
        ),
        ("POST", "/api/config/rollback", json!({ "version": 1 })),
    ] {
        let (status, body) = call(&app, &member, method, path, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {body}");
        assert_eq!(body["error"]["code"], "auth.forbidden");
    }
    let anonymous = send(&app, get_with_cookie("/api/config", "")).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_published_alias_makes_the_next_dry_run_pass_without_a_restart(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let before = body_json(upload(&app, &admin, "warm.csv", WARM_CSV.as_bytes(), &[]).await).await;
    assert_eq!(before["stats"]["error_rows"], 2, "{}", before["stats"]);
    assert!(before["errors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["code"] == "cell.enum_unknown"));

    let (_, active) = get(&app, &admin, "/api/config").await;
    let draft = with_alias(&active["config"], "Warmer Kontakt");
    let (status, published) = call(
        &app,
        &admin,
        "PUT",
        "/api/config",
        json!({ "base_version": 1, "config": draft, "comment": "German partner label" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{published}");
    assert_eq!(published["version"], 2);
    assert_eq!(published["active"], true);
    assert_eq!(published["created_by"], ADMIN_EMAIL);
    assert_eq!(published["comment"], "German partner label");

    let after =
        body_json(upload(&app, &admin, "warm-again.csv", WARM_CSV.as_bytes(), &[]).await).await;
    assert_eq!(after["stats"]["error_rows"], 0, "{}", after["stats"]);
    assert_eq!(
        after["config_version"], 2,
        "the dry run names the version it used"
    );

    let (status, diff) = get(&app, &admin, "/api/config/diff?from=1&to=2").await;
    assert_eq!(status, StatusCode::OK, "{diff}");
    let changes = diff["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{diff}");
    assert_eq!(
        changes[0]["at"],
        "fields.status.constraints.allowed.contacted.aliases"
    );
    assert!(
        changes[0]["summary"]
            .as_str()
            .unwrap()
            .contains("“Warmer Kontakt” added"),
        "{diff}"
    );

    let audit: (String, String, Value) = sqlx::query_as(
        "SELECT action, entity_id, diff FROM audit_log WHERE action LIKE 'config.%' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audit.0, "config.publish");
    assert_eq!(audit.1, "2");
    assert_eq!(audit.2["from"], 1);
    assert_eq!(audit.2["changes"][0]["at"], changes[0]["at"]);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_stale_draft_is_refused_with_what_changed_meanwhile(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let (_, active) = get(&app, &admin, "/api/config").await;
    let first = with_requirement(&active["config"], "company", "warning");
    let (status, _) = publish(&app, &admin, 1, &first).await;
    assert_eq!(status, StatusCode::OK);
    // A colleague's draft, also started from version 1.
    let second = with_alias(&active["config"], "Lauwarm");
    let (status, body) = publish(&app, &admin, 1, &second).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "config.stale");
    assert_eq!(body["error"]["active_version"], 2);
    assert_eq!(
        body["error"]["changes"][0]["at"],
        "fields.company.requirement"
    );
    let (_, versions) = get(&app, &admin, "/api/config/versions").await;
    assert_eq!(
        versions["versions"].as_array().unwrap().len(),
        2,
        "nothing was stored"
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_invalid_draft_is_answered_with_json_pointers_and_not_stored(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let (_, active) = get(&app, &admin, "/api/config").await;
    let mut bad = active["config"].clone();
    bad["fields"][4]["constraints"]["pattern"] = json!("([a-z");
    bad["phone"]["default_region"] = json!("XX");
    let (status, checked) = call(
        &app,
        &admin,
        "POST",
        "/api/config/check",
        json!({ "config": bad }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let pointers: Vec<&str> = checked["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(
        pointers,
        ["/fields/4/constraints/pattern", "/phone/default_region"],
        "{checked}"
    );

    let (status, body) = publish(&app, &admin, 1, &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "config.invalid");
    assert_eq!(
        body["error"]["problems"][0]["pointer"],
        "/fields/4/constraints/pattern"
    );

    // A draft of the wrong shape is located too, rather than refused as bad JSON.
    let mut shape = active["config"].clone();
    shape["fields"][2]["type"] = json!("telepathy");
    let (status, checked) = call(
        &app,
        &admin,
        "POST",
        "/api/config/check",
        json!({ "config": shape }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        checked["problems"][0]["pointer"], "/fields/2/type",
        "{checked}"
    );
    let (_, clean) = call(
        &app,
        &admin,
        "POST",
        "/api/config/check",
        json!({ "config": active["config"] }),
    )
    .await;
    assert_eq!(clean["problems"], json!([]));

    let (_, versions) = get(&app, &admin, "/api/config/versions").await;
    assert_eq!(versions["versions"].as_array().unwrap().len(), 1);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_rollback_publishes_the_old_content_as_a_new_version(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let (_, v1) = get(&app, &admin, "/api/config").await;
    let draft = with_requirement(&v1["config"], "email", "error");
    publish(&app, &admin, 1, &draft).await;
    let (status, rolled) = call(
        &app,
        &admin,
        "POST",
        "/api/config/rollback",
        json!({ "version": 1 }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{rolled}");
    assert_eq!(rolled["version"], 3);
    assert_eq!(rolled["config"], v1["config"]);
    assert_eq!(rolled["comment"], "Rollback to version 1");
    let (_, v2) = get(&app, &admin, "/api/config/versions/2").await;
    assert_eq!(v2["active"], false);
    assert_eq!(
        v2["config"]["fields"][2]["requirement"], "error",
        "history is kept as it was"
    );
    let (status, missing) = call(
        &app,
        &admin,
        "POST",
        "/api/config/rollback",
        json!({ "version": 9 }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    let action: String = sqlx::query_scalar("SELECT action FROM audit_log WHERE entity_id = '3'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(action, "config.rollback");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_preview_counts_what_a_draft_would_change_in_recent_imports_and_leads(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let report = body_json(upload(&app, &admin, "warm.csv", WARM_CSV.as_bytes(), &[]).await).await;
    let import_id = report["import_id"].as_str().unwrap().to_owned();
    // Leads that hold a status the draft below removes.
    let company: uuid::Uuid = sqlx::query_scalar("SELECT id FROM companies WHERE slug = 'acme'")
        .fetch_one(&pool)
        .await
        .unwrap();
    for i in 0..3 {
        sqlx::query("INSERT INTO leads (id, company_id, email, email_norm, status) VALUES ($1, $2, $3, $3, 'lost')")
            .bind(uuid::Uuid::new_v4()).bind(company).bind(format!("old{i}@example.com"))
            .execute(&pool).await.unwrap();
    }
    let (_, active) = get(&app, &admin, "/api/config").await;
    let mut draft = with_alias(&active["config"], "Warmer Kontakt");
    draft = with_requirement(&draft, "company", "error");
    let status_field = draft["fields"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|f| f["key"] == "status")
        .unwrap();
    status_field["constraints"]["allowed"]
        .as_array_mut()
        .unwrap()
        .retain(|a| a["value"] != "lost");

    let (status, impact) = call(
        &app,
        &admin,
        "POST",
        "/api/config/preview",
        json!({ "config": draft }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{impact}");
    assert_eq!(impact["rows_checked"], 3);
    assert_eq!(impact["truncated"], false);
    let one = &impact["imports"][0];
    assert_eq!(one["import_id"], import_id.as_str());
    assert_eq!(one["file_name"], "warm.csv");
    assert_eq!(one["rows_checked"], 3);
    // Ada: the alias fixes her status and she has a company → newly passing.
    // Bob: the alias fixes his status, but the company is now required → still failing.
    // Cy: was valid, now lacks a company → newly failing.
    assert_eq!(one["newly_passing"], 1, "{one}");
    assert_eq!(one["newly_failing"], 1, "{one}");
    assert_eq!(one["by_field"]["company"]["newly_failing"], 1, "{one}");
    assert_eq!(one["by_field"]["status"]["newly_passing"], 1, "{one}");
    assert_eq!(
        one["by_field"]["status"]["changed"], 2,
        "two statuses now read as contacted: {one}"
    );
    assert!(
        one["samples"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["kind"] == "newly_failing" && s["field"] == "company" && s["row"] == 4),
        "{one}"
    );
    assert_eq!(
        impact["orphaned_values"],
        json!([{ "field": "status", "value": "lost", "leads": 3 }])
    );
    // Nothing was stored by the preview.
    let (_, versions) = get(&app, &admin, "/api/config/versions").await;
    assert_eq!(versions["versions"].as_array().unwrap().len(), 1);

    let mut bad = draft.clone();
    bad["fields"][0]["key"] = json!("Bad Key");
    let (status, body) = call(
        &app,
        &admin,
        "POST",
        "/api/config/preview",
        json!({ "config": bad }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "config.invalid");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn another_companys_versions_are_not_found(pool: PgPool) {
    seed(&pool).await;
    seed_other_company(&pool).await;
    let app = app(pool.clone());
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let (_, active) = get(&app, &admin, "/api/config").await;
    let draft = with_requirement(&active["config"], "email", "error");
    publish(&app, &admin, 1, &draft).await;

    let other = login_cookie(&app, OTHER_ADMIN_EMAIL).await;
    let (status, own) = get(&app, &other, "/api/config").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(own["version"], 1, "each company has its own versions");
    let (status, body) = get(&app, &other, "/api/config/versions/2").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, _) = get(&app, &other, "/api/config/diff?from=1&to=2").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = get(&app, &other, "/api/config/diff?from=1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "request.invalid_query");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_rules_editor_renders_every_field_on_the_server_for_admins_only(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool);
    let member = login_cookie(&app, MEMBER_EMAIL).await;
    let res = send(&app, get_with_cookie("/admin/rules", &member)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(body_text(res).await.contains("Admins only"));

    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let res = send(&app, get_with_cookie("/admin/rules", &admin)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = body_text(res).await;
    for field in rules::ImportConfig::default_leads().fields {
        assert!(
            html.contains(&format!("({})", field.key)),
            "{} is listed",
            field.key
        );
    }
    for text in [
        "Import rules",
        "Rules over several fields",
        "Duplicates",
        "Review and publish",
        "Configuration versions",
        "New alias for contacted",
    ] {
        assert!(html.contains(text), "{text} is rendered");
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_audit_log_lists_publishes_for_admins_of_the_company_only(pool: PgPool) {
    seed(&pool).await;
    seed_other_company(&pool).await;
    let app = app(pool.clone());
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let (_, active) = get(&app, &admin, "/api/config").await;
    let draft = with_requirement(&active["config"], "email", "error");
    publish(&app, &admin, 1, &draft).await;
    call(
        &app,
        &admin,
        "POST",
        "/api/config/rollback",
        json!({ "version": 1 }),
    )
    .await;

    let (status, page) = get(&app, &admin, "/api/audit?action=config.&limit=1").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["page"], json!({ "offset": 0, "limit": 1, "total": 2 }));
    let newest = &page["entries"][0];
    assert_eq!(newest["action"], "config.rollback");
    assert_eq!(newest["actor"], ADMIN_EMAIL);
    assert_eq!(newest["entity"], "import_config");
    assert_eq!(newest["entity_id"], "3");
    assert_eq!(newest["diff"]["restored"], 1);
    let (_, by_actor) = get(
        &app,
        &admin,
        &format!("/api/audit?actor={}", ADMIN_EMAIL.to_uppercase()),
    )
    .await;
    assert!(
        by_actor["page"]["total"].as_i64().unwrap() >= 2,
        "{by_actor}"
    );
    let (_, nobody) = get(&app, &admin, "/api/audit?actor=nobody@example.com").await;
    assert_eq!(nobody["page"]["total"], 0);
    let (status, body) = get(&app, &admin, "/api/audit?limit=0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    let member = login_cookie(&app, MEMBER_EMAIL).await;
    let (status, _) = get(&app, &member, "/api/audit").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let other = login_cookie(&app, OTHER_ADMIN_EMAIL).await;
    let (status, theirs) = get(&app, &other, "/api/audit?action=config.").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        theirs["page"]["total"], 0,
        "another company sees none of these entries"
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn two_publishes_from_the_same_version_at_once_store_exactly_one(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let (_, active) = get(&app, &admin, "/api/config").await;
    let a = with_requirement(&active["config"], "company", "warning");
    let b = with_alias(&active["config"], "Lauwarm");
    let ((sa, _), (sb, _)) =
        tokio::join!(publish(&app, &admin, 1, &a), publish(&app, &admin, 1, &b));
    let mut statuses = [sa, sb];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let (_, versions) = get(&app, &admin, "/api/config/versions").await;
    assert_eq!(versions["versions"].as_array().unwrap().len(), 2);
}
