//! Router tests for `/api/alias-proposals`: a member proposes a spelling met in Review,
//! with its evidence; an admin approves it (published as a new version, and the next dry
//! run passes) or rejects it; members cannot decide, other companies see nothing, and
//! every step is audited.

use axum::http::StatusCode;
use serde_json::{json, Value};
use sqlx::PgPool;

use crate::common::*;

/// Two rows whose status uses a German label the default configuration does not know.
const WARM_CSV: &str = "First Name,Last Name,Email,Status\n\
Ada,Lovelace,ada@example.com,Warmer Kontakt\n\
Bob,Baker,bob@example.com,Warmer Kontakt\n\
Cy,Cole,cy@example.com,new\n";

fn proposal(import_id: &Value) -> Value {
    json!({ "field": "status", "alias": "Warmer Kontakt", "value": "contacted", "import_id": import_id })
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_members_proposal_approved_by_an_admin_makes_the_next_dry_run_pass(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let member = login_cookie(&app, MEMBER_EMAIL).await;
    let report = body_json(upload(&app, &member, "warm.csv", WARM_CSV.as_bytes(), &[]).await).await;
    assert_eq!(report["stats"]["error_rows"], 2, "{}", report["stats"]);
    let import_id = report["import_id"].clone();

    let (status, p) = call(
        &app,
        &member,
        "POST",
        "/api/alias-proposals",
        proposal(&import_id),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    assert_eq!(p["status"], "pending");
    assert_eq!(p["proposed_by"], MEMBER_EMAIL);
    assert_eq!(p["import_id"], import_id);
    assert_eq!(p["evidence"], json!({ "rows": 2, "imports": 1 }), "{p}");
    // The same proposal again, in another case, finds the first.
    let mut again = proposal(&import_id);
    again["alias"] = json!("warmer kontakt");
    let (status, same) = call(&app, &admin, "POST", "/api/alias-proposals", again).await;
    assert_eq!(status, StatusCode::OK, "{same}");
    assert_eq!(same["id"], p["id"]);

    let id = p["id"].as_str().unwrap();
    let (status, err) = call(
        &app,
        &member,
        "POST",
        &format!("/api/alias-proposals/{id}/approve"),
        Value::Null,
    )
    .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("auth.forbidden"))
    );

    let (status, approved) = call(
        &app,
        &admin,
        "POST",
        &format!("/api/alias-proposals/{id}/approve"),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["decided_by"], ADMIN_EMAIL);
    assert_eq!(approved["config_version"], 2);
    let res = send(&app, get_with_cookie("/api/config", &member)).await;
    let active = body_json(res).await;
    assert_eq!(active["version"], 2);
    let status_field = active["config"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "status")
        .unwrap()
        .clone();
    assert!(
        status_field.to_string().contains("Warmer Kontakt"),
        "{status_field}"
    );

    let after =
        body_json(upload(&app, &member, "warm-again.csv", WARM_CSV.as_bytes(), &[]).await).await;
    assert_eq!(after["stats"]["error_rows"], 0, "{}", after["stats"]);
    assert_eq!(after["config_version"], 2);

    // Decided once: approving or rejecting again is a 404, and the list says who decided.
    let (status, _) = call(
        &app,
        &admin,
        "POST",
        &format!("/api/alias-proposals/{id}/reject"),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let res = send(&app, get_with_cookie("/api/alias-proposals", &member)).await;
    let list = body_json(res).await;
    assert_eq!(list["proposals"][0]["status"], "approved");
    // Proposing a spelling the rules accept now is refused with a reason.
    let (status, err) = call(
        &app,
        &member,
        "POST",
        "/api/alias-proposals",
        proposal(&import_id),
    )
    .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("alias.known"))
    );

    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'alias.%' OR action LIKE 'config.%' ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        actions,
        ["alias.propose", "config.publish", "alias.approve"]
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_rejected_proposal_changes_no_rules_and_bad_proposals_are_refused(pool: PgPool) {
    seed(&pool).await;
    seed_other_company(&pool).await;
    let app = app(pool.clone());
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let member = login_cookie(&app, MEMBER_EMAIL).await;
    let other = login_cookie(&app, OTHER_ADMIN_EMAIL).await;

    for (body, code) in [
        (
            json!({ "field": "email", "alias": "x", "value": "y" }),
            "request.invalid",
        ),
        (
            json!({ "field": "status", "alias": "x", "value": "no-such-value" }),
            "request.invalid",
        ),
        (
            json!({ "field": "status", "alias": "  ", "value": "contacted" }),
            "request.invalid",
        ),
        (
            json!({ "field": "status", "alias": "Contacted", "value": "contacted" }),
            "alias.known",
        ),
        (json!({ "field": "status" }), "request.invalid_json"),
    ] {
        let (status, err) = call(&app, &member, "POST", "/api/alias-proposals", body.clone()).await;
        assert_eq!(err["error"]["code"], code, "{body}: {status} {err}");
    }
    let (status, _) = call(&app, &member, "POST", "/api/alias-proposals",
        json!({ "field": "status", "alias": "Stufe 3", "value": "qualified", "import_id": "6f1c2a4e-8b9d-4c3e-9f00-1a2b3c4d5e6f" })).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "an import of nobody");

    let (_, p) = call(
        &app,
        &member,
        "POST",
        "/api/alias-proposals",
        json!({ "field": "status", "alias": "Stufe 3", "value": "qualified" }),
    )
    .await;
    let id = p["id"].as_str().unwrap();
    assert_eq!(p["evidence"], json!({ "rows": 0, "imports": 0 }));
    // Another company neither sees nor decides it.
    let res = send(&app, get_with_cookie("/api/alias-proposals", &other)).await;
    assert_eq!(body_json(res).await["proposals"], json!([]));
    let (status, _) = call(
        &app,
        &other,
        "POST",
        &format!("/api/alias-proposals/{id}/approve"),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(
        &app,
        &admin,
        "POST",
        "/api/alias-proposals/not-an-id/approve",
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, rejected) = call(
        &app,
        &admin,
        "POST",
        &format!("/api/alias-proposals/{id}/reject"),
        json!({ "comment": "too vague" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{rejected}");
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["reason"], "too vague");
    assert_eq!(rejected["config_version"], Value::Null);
    let versions: i64 = sqlx::query_scalar("SELECT count(*) FROM import_configs")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        versions <= 2,
        "no version published for a rejection (one seeded per company at most)"
    );
    let res = send(&app, get_with_cookie("/api/config", &admin)).await;
    assert_eq!(body_json(res).await["version"], 1);
    // Once rejected, the same spelling may be proposed again.
    let (status, _) = call(
        &app,
        &member,
        "POST",
        "/api/alias-proposals",
        json!({ "field": "status", "alias": "Stufe 3", "value": "qualified" }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn approving_after_the_value_was_removed_is_refused_and_keeps_the_proposal(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let (_, p) = call(
        &app,
        &admin,
        "POST",
        "/api/alias-proposals",
        json!({ "field": "status", "alias": "Stufe 9", "value": "lost" }),
    )
    .await;
    let id = p["id"].as_str().unwrap().to_owned();
    // An admin removes the value `lost` by publishing a configuration without it.
    let res = send(&app, get_with_cookie("/api/config", &admin)).await;
    let mut config = body_json(res).await["config"].clone();
    for f in config["fields"].as_array_mut().unwrap() {
        if f["key"] == "status" {
            f["constraints"]["allowed"]
                .as_array_mut()
                .unwrap()
                .retain(|a| a["value"] != "lost");
        }
    }
    let (status, published) = call(
        &app,
        &admin,
        "PUT",
        "/api/config",
        json!({ "base_version": 1, "config": config }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{published}");

    let (status, err) = call(
        &app,
        &admin,
        "POST",
        &format!("/api/alias-proposals/{id}/approve"),
        Value::Null,
    )
    .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("alias.stale")),
        "{err}"
    );
    let res = send(&app, get_with_cookie("/api/alias-proposals", &admin)).await;
    assert_eq!(
        body_json(res).await["proposals"][0]["status"],
        "pending",
        "the refusal decided nothing"
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_staged_import_is_revalidated_with_the_newer_rules_on_request(pool: PgPool) {
    seed(&pool).await;
    seed_other_company(&pool).await;
    let app = app(pool.clone());
    let member = login_cookie(&app, MEMBER_EMAIL).await;
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let report = body_json(upload(&app, &member, "warm.csv", WARM_CSV.as_bytes(), &[]).await).await;
    let id = report["import_id"].as_str().unwrap().to_owned();
    assert_eq!(report["config_version"], 1);
    let (_, p) = call(
        &app,
        &member,
        "POST",
        "/api/alias-proposals",
        proposal(&report["import_id"]),
    )
    .await;
    let approve = format!("/api/alias-proposals/{}/approve", p["id"].as_str().unwrap());
    assert_eq!(
        call(&app, &admin, "POST", &approve, Value::Null).await.0,
        StatusCode::OK
    );

    // The staged import still names the version it was checked with, until asked.
    let res = send(
        &app,
        get_with_cookie(&format!("/api/imports/{id}"), &member),
    )
    .await;
    let before = body_json(res).await;
    assert_eq!(
        (
            before["config_version"].clone(),
            before["stats"]["error_rows"].clone()
        ),
        (json!(1), json!(2))
    );
    let other = login_cookie(&app, OTHER_ADMIN_EMAIL).await;
    let (status, _) = call(
        &app,
        &other,
        "POST",
        &format!("/api/imports/{id}/revalidate"),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, after) = call(
        &app,
        &member,
        "POST",
        &format!("/api/imports/{id}/revalidate"),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{after}");
    assert_eq!(after["config_version"], 2);
    assert_eq!(after["stats"]["error_rows"], 0, "{}", after["stats"]);
    let res = send(
        &app,
        get_with_cookie(&format!("/api/imports/{id}/rows?status=error"), &member),
    )
    .await;
    assert_eq!(body_json(res).await["rows"], json!([]));
}
