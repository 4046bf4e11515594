//! Router tests for applying, reverting and reporting: the policy × duplicate matrix,
//! locked fields, idempotency, concurrent applies, a connection killed mid-apply, revert
//! with conflicts, apply-then-revert over generated imports, and the error reports with
//! their round trip — all against a fresh PostgreSQL database per test.

use std::time::Duration;

use axum::http::StatusCode;
use axum::Router;
use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

use crate::common::*;

/// Four rows against one existing lead (ada@known.example, title CEO, no company):
/// a new lead, a duplicate of the existing one, a row with errors, and a later
/// occurrence of the first row.
const SCENARIO: &str = "First Name,Last Name,Email,Phone,Company,Title
Nora,New,new@fresh.example,,Fresh Ltd,Buyer
Ada,Lovelace,ADA@known.example,,Known Inc,CTO
Bad,Row,not-an-email,,,
Nora,Again,new@fresh.example,,Fresh Ltd,Buyer
";

async fn company_id(pool: &PgPool) -> Uuid {
    sqlx::query_scalar("SELECT id FROM companies WHERE slug = 'acme'")
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn existing_lead(pool: &PgPool, email: &str, title: &str) -> Uuid {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO leads (id, company_id, first_name, email, email_norm, title, status, updated_at)
         VALUES ($1, $2, 'Ada', $3, lower($3), $4, 'qualified', '2020-01-01T00:00:00Z')",
    )
    .bind(id)
    .bind(company_id(pool).await)
    .bind(email)
    .bind(title)
    .execute(pool)
    .await
    .unwrap();
    id
}

/// Every lead as JSON, ordered: the whole table's state for before/after comparisons.
async fn leads_snapshot(pool: &PgPool) -> Value {
    sqlx::query_scalar("SELECT COALESCE(jsonb_agg(to_jsonb(l) ORDER BY l.id), '[]') FROM leads l")
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn lead_by_email(pool: &PgPool, email_norm: &str) -> Value {
    sqlx::query_scalar("SELECT to_jsonb(l) FROM leads l WHERE email_norm = $1")
        .bind(email_norm)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn stage(app: &Router, cookie: &str, name: &str, csv: &str) -> String {
    let res = upload(app, cookie, name, csv.as_bytes(), &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    body_json(res).await["import_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn apply_wait(app: &Router, cookie: &str, id: &str, body: Value) -> (StatusCode, Value) {
    let res = send(
        app,
        json_request(
            "POST",
            &format!("/api/imports/{id}/apply?wait=true"),
            cookie,
            &body,
        ),
    )
    .await;
    let status = res.status();
    (status, body_json(res).await)
}

fn result_counts(summary: &Value) -> (u64, u64, u64, u64) {
    let r = &summary["result"];
    (
        r["inserted"].as_u64().unwrap(),
        r["updated"].as_u64().unwrap(),
        r["skipped"].as_u64().unwrap(),
        r["failed"].as_u64().unwrap(),
    )
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn each_duplicate_policy_writes_exactly_what_it_promises(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, MEMBER_EMAIL).await;
    // (policy, fill_empty_only) → (inserted, updated, skipped, failed), Ada's title after.
    let cases = [
        ("skip", false, (1, 0, 2, 1), "CEO"),
        ("update", false, (0, 1, 2, 1), "CTO"),
        ("upsert", false, (1, 1, 1, 1), "CTO"),
        ("upsert", true, (1, 1, 1, 1), "CEO"),
    ];
    for (policy, fill, expected, title) in cases {
        sqlx::query("DELETE FROM leads")
            .execute(&pool)
            .await
            .unwrap();
        existing_lead(&pool, "ada@known.example", "CEO").await;
        let id = stage(&app, &cookie, "partners.csv", SCENARIO).await;
        let (status, summary) = apply_wait(
            &app,
            &cookie,
            &id,
            json!({"mode": "valid_only", "duplicate_policy": policy, "fill_empty_only": fill}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{policy}: {summary}");
        assert_eq!(summary["status"], "applied");
        assert_eq!(summary["duplicate_policy"], policy);
        assert_eq!(summary["mode"], "valid_only");
        assert_eq!(result_counts(&summary), expected, "{policy} fill={fill}");
        assert_eq!(summary["result"]["duplicates_in_file"], 1);
        assert_eq!(summary["progress"]["done"], summary["progress"]["total"]);

        let ada = lead_by_email(&pool, "ada@known.example").await;
        assert_eq!(ada["title"], title, "{policy} fill={fill}");
        // A configured default ("status: new") never overwrites an existing lead.
        assert_eq!(ada["status"], "qualified");
        let expected_company = if policy == "skip" {
            Value::Null
        } else {
            json!("Known Inc")
        };
        assert_eq!(ada["company"], expected_company, "empty fields are filled");
        let new_leads: i64 =
            sqlx::query_scalar("SELECT count(*) FROM leads WHERE email_norm = 'new@fresh.example'")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(new_leads, i64::from(policy != "update"));
        if policy != "update" {
            let nora = lead_by_email(&pool, "new@fresh.example").await;
            assert_eq!(
                nora["last_name"], "New",
                "the first occurrence in the file wins"
            );
            assert_eq!(
                nora["status"], "new",
                "new leads get the configured default"
            );
        }
        let bad: i64 = sqlx::query_scalar("SELECT count(*) FROM leads WHERE first_name = 'Bad'")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(bad, 0, "rows with errors are never imported");
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn locked_fields_keep_their_value_when_a_duplicate_is_updated(pool: PgPool) {
    seed(&pool).await;
    let company = company_id(&pool).await;
    let mut config = serde_json::to_value(rules::ImportConfig::default_leads()).unwrap();
    for field in config["fields"].as_array_mut().unwrap() {
        if field["key"] == "title" {
            field["locked"] = json!(true);
        }
    }
    sqlx::query("INSERT INTO import_configs (id, company_id, version, config, is_active) VALUES ($1, $2, 1, $3, true)")
        .bind(Uuid::new_v4())
        .bind(company)
        .bind(&config)
        .execute(&pool)
        .await
        .unwrap();
    existing_lead(&pool, "ada@known.example", "CEO").await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, MEMBER_EMAIL).await;
    let id = stage(&app, &cookie, "partners.csv", SCENARIO).await;
    let (status, summary) =
        apply_wait(&app, &cookie, &id, json!({"duplicate_policy": "update"})).await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    let ada = lead_by_email(&pool, "ada@known.example").await;
    assert_eq!(ada["title"], "CEO", "the locked title stays");
    assert_eq!(ada["company"], "Known Inc", "unlocked fields are updated");
    assert_eq!(ada["last_name"], "Lovelace");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn applying_twice_or_the_same_file_again_creates_nothing_new(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    let id = stage(&app, &cookie, "partners.csv", SCENARIO).await;
    let (status, first) = apply_wait(&app, &cookie, &id, json!({"duplicate_policy": "skip"})).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let after_first = leads_snapshot(&pool).await;

    let (status, again) =
        apply_wait(&app, &cookie, &id, json!({"duplicate_policy": "upsert"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["result"], first["result"], "the first result stands");
    assert_eq!(again["duplicate_policy"], "skip");
    assert_eq!(leads_snapshot(&pool).await, after_first);

    // The same file with the same mapping and configuration, uploaded again: the dry run
    // already says so.
    let res = upload(
        &app,
        &cookie,
        "partners-again.csv",
        SCENARIO.as_bytes(),
        &[],
    )
    .await;
    let report = body_json(res).await;
    assert_eq!(report["already_imported"]["import_id"], id.as_str());
    let second = report["import_id"].as_str().unwrap().to_owned();
    let summary = body_json(
        send(
            &app,
            get_with_cookie(&format!("/api/imports/{second}"), &cookie),
        )
        .await,
    )
    .await;
    assert_eq!(summary["already_imported"]["import_id"], id.as_str());
    assert_eq!(summary["already_imported"]["applied_by"], ADMIN_EMAIL);
    assert!(summary["already_imported"]["applied_at"].is_string());
    let (status, repeat) =
        apply_wait(&app, &cookie, &second, json!({"duplicate_policy": "skip"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(repeat["result"]["inserted"], 0);
    assert_eq!(leads_snapshot(&pool).await, after_first);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn mode_all_is_refused_while_error_rows_remain(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, MEMBER_EMAIL).await;
    let id = stage(&app, &cookie, "partners.csv", SCENARIO).await;
    let (status, body) = apply_wait(&app, &cookie, &id, json!({"mode": "all"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "apply.errors_remain");
    assert!(body["error"]["message"].as_str().unwrap().contains("1 row"));
    assert_eq!(leads_snapshot(&pool).await, json!([]));

    let res = send(
        &app,
        json_request(
            "POST",
            &format!("/api/imports/{id}/bulk"),
            &cookie,
            &json!({"action": "exclude", "status": "error"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (status, summary) = apply_wait(&app, &cookie, &id, json!({"mode": "all"})).await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    assert_eq!(summary["result"]["inserted"], 2);
    assert_eq!(summary["result"]["failed"], 0);
    assert_eq!(summary["result"]["excluded"], 1);

    for (body, code) in [
        (json!({"mode": "most"}), "apply.invalid_mode"),
        (json!({"duplicate_policy": "merge"}), "apply.invalid_policy"),
    ] {
        let other = stage(&app, &cookie, "p.csv", SCENARIO).await;
        let (status, answer) = apply_wait(&app, &cookie, &other, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(answer["error"]["code"], code);
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_apply_without_wait_answers_202_and_reports_progress_until_applied(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, MEMBER_EMAIL).await;
    let id = stage(&app, &cookie, "partners.csv", SCENARIO).await;
    let res = send(
        &app,
        json_request(
            "POST",
            &format!("/api/imports/{id}/apply"),
            &cookie,
            &Value::Null,
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let summary = body_json(res).await;
    assert!(
        matches!(summary["status"].as_str(), Some("applying" | "applied")),
        "{summary}"
    );
    assert!(summary["progress"]["total"].is_u64());
    let summary = wait_for_status(&app, &cookie, &id, "applied").await;
    assert_eq!(
        summary["duplicate_policy"], "skip",
        "the configuration's default policy"
    );
    assert_eq!(summary["result"]["inserted"], 2);
    let history = body_json(send(&app, get_with_cookie("/api/imports", &cookie)).await).await;
    let entry = history["imports"]
        .as_array()
        .or_else(|| history.as_array())
        .unwrap()
        .iter()
        .find(|i| i["id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(entry["status"], "applied");
    assert_eq!(entry["result"]["inserted"], 2);
    assert_eq!(entry["config_version"], 1);
    assert_eq!(entry["mode"], "valid_only");
}

async fn wait_for_status(app: &Router, cookie: &str, id: &str, want: &str) -> Value {
    for _ in 0..200 {
        let summary =
            body_json(send(app, get_with_cookie(&format!("/api/imports/{id}"), cookie)).await)
                .await;
        if summary["status"] == want {
            return summary;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("import {id} never reached {want}");
}

/// Holds a lock on the existing lead so the next apply that updates it waits; returns the
/// open transaction (dropping it releases the lock).
async fn hold_lead_lock(pool: &PgPool) -> sqlx::Transaction<'static, sqlx::Postgres> {
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("SELECT id FROM leads WHERE email_norm = 'ada@known.example' FOR UPDATE")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx
}

/// Waits until the apply's session is blocked on a lock; returns its backend pid.
async fn blocked_apply_pid(pool: &PgPool, id: &str) -> i32 {
    for _ in 0..200 {
        let pid: Option<i32> = sqlx::query_scalar(
            "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
        )
        .bind(format!("lead-importer apply {id}"))
        .fetch_optional(pool)
        .await
        .unwrap();
        if let Some(pid) = pid {
            return pid;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the apply of {id} never blocked");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn of_two_applies_at_the_same_moment_one_runs_and_the_other_is_told(pool: PgPool) {
    seed(&pool).await;
    existing_lead(&pool, "ada@known.example", "CEO").await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, MEMBER_EMAIL).await;
    let id = stage(&app, &cookie, "partners.csv", SCENARIO).await;
    let lock = hold_lead_lock(&pool).await;
    let first = {
        let (app, cookie, id) = (app.clone(), cookie.clone(), id.clone());
        tokio::spawn(async move {
            apply_wait(&app, &cookie, &id, json!({"duplicate_policy": "upsert"})).await
        })
    };
    blocked_apply_pid(&pool, &id).await;
    let (status, body) =
        apply_wait(&app, &cookie, &id, json!({"duplicate_policy": "upsert"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "import.apply_in_progress");
    drop(lock);
    let (status, summary) = first.await.unwrap();
    assert_eq!(status, StatusCode::OK, "{summary}");
    assert_eq!(result_counts(&summary), (1, 1, 1, 1));
    let changes: i64 = sqlx::query_scalar("SELECT count(*) FROM import_changes")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(changes, 2, "the apply ran exactly once");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_connection_killed_mid_apply_leaves_no_partial_data_and_a_retry_succeeds(pool: PgPool) {
    seed(&pool).await;
    existing_lead(&pool, "ada@known.example", "CEO").await;
    let before = leads_snapshot(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, MEMBER_EMAIL).await;
    let id = stage(&app, &cookie, "partners.csv", SCENARIO).await;
    let lock = hold_lead_lock(&pool).await;
    let apply = {
        let (app, cookie, id) = (app.clone(), cookie.clone(), id.clone());
        tokio::spawn(async move {
            apply_wait(&app, &cookie, &id, json!({"duplicate_policy": "upsert"})).await
        })
    };
    // By now the new lead may already be inserted inside the apply's transaction.
    let pid = blocked_apply_pid(&pool, &id).await;
    let killed: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)")
        .bind(pid)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(killed);
    let (status, body) = apply.await.unwrap();
    drop(lock);
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "import.apply_failed");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("nothing was written"));
    assert_eq!(
        leads_snapshot(&pool).await,
        before,
        "no lead is half-written"
    );
    // The apply's own telemetry row rolled back with it; the failure path left this one.
    let failed: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT outcome, reason FROM import_telemetry WHERE stage = 'apply' AND import_id = $1::uuid",
    )
    .bind(&id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].0, "failed");
    assert!(failed[0]
        .1
        .as_deref()
        .unwrap()
        .contains("nothing was written"));
    let (_, samples) = crate::metrics::scrape(&app).await;
    assert_eq!(
        crate::metrics::value(
            &samples,
            r#"lead_importer_imports_total{stage="apply",outcome="failed"}"#
        ),
        Some(1.0)
    );
    // …and the webhook's alert is queued, naming the import.
    let alert: Value =
        sqlx::query_scalar("SELECT payload FROM alert_outbox WHERE kind = 'apply_failed'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(alert["import_id"], json!(id));
    assert_eq!(alert["file_name"], "partners.csv");
    assert!(
        alert["reason"]
            .as_str()
            .unwrap()
            .contains("nothing was written"),
        "{alert}"
    );
    let summary = body_json(
        send(
            &app,
            get_with_cookie(&format!("/api/imports/{id}"), &cookie),
        )
        .await,
    )
    .await;
    assert_eq!(summary["status"], "failed");
    assert!(summary["failure"].as_str().unwrap().contains("connection"));

    // A failed import can still be fixed before the retry.
    let errors = body_json(
        send(
            &app,
            get_with_cookie(&format!("/api/imports/{id}/rows?status=error"), &cookie),
        )
        .await,
    )
    .await;
    let bad_seq = errors["rows"][0]["seq"].clone();
    let res = send(
        &app,
        json_request(
            "PATCH",
            &format!("/api/imports/{id}/rows"),
            &cookie,
            &json!({"edits": [{"seq": bad_seq, "field": "email", "value": "bad.fixed@example.com"}]}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);

    let (status, summary) =
        apply_wait(&app, &cookie, &id, json!({"duplicate_policy": "upsert"})).await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    assert_eq!(summary["status"], "applied");
    assert_eq!(
        result_counts(&summary),
        (2, 1, 1, 0),
        "the fixed row is imported too"
    );
    assert!(summary["failure"].is_null());
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn revert_restores_the_leads_and_asks_before_overwriting_later_changes(pool: PgPool) {
    seed(&pool).await;
    existing_lead(&pool, "ada@known.example", "CEO").await;
    existing_lead(&pool, "grace@known.example", "CFO").await;
    let before = leads_snapshot(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, MEMBER_EMAIL).await;
    let csv = format!("{SCENARIO}Grace,Hopper,grace@known.example,,Navy,Admiral\n");
    let id = stage(&app, &cookie, "partners.csv", &csv).await;
    let (status, _) = apply_wait(&app, &cookie, &id, json!({"duplicate_policy": "upsert"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(leads_snapshot(&pool).await, before);

    // Someone edits a lead the import updated, and one it created.
    sqlx::query("UPDATE leads SET title = 'Chair' WHERE email_norm = 'grace@known.example'")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE leads SET notes = 'called' WHERE email_norm = 'new@fresh.example'")
        .execute(&pool)
        .await
        .unwrap();
    let revert =
        |body: Value| json_request("POST", &format!("/api/imports/{id}/revert"), &cookie, &body);
    let res = send(&app, revert(Value::Null)).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body = body_json(res).await;
    assert_eq!(body["error"]["code"], "import.revert_conflicts");
    assert_eq!(body["error"]["total"], 2);
    let conflicts = body["error"]["conflicts"].as_array().unwrap();
    let grace = conflicts
        .iter()
        .find(|c| c["email"] == "grace@known.example")
        .unwrap();
    assert_eq!(grace["action"], "updated");
    assert_eq!(grace["fields"][0]["field"], "title");
    assert_eq!(grace["fields"][0]["imported"], "Admiral");
    assert_eq!(grace["fields"][0]["current"], "Chair");
    let summary = body_json(
        send(
            &app,
            get_with_cookie(&format!("/api/imports/{id}"), &cookie),
        )
        .await,
    )
    .await;
    assert_eq!(
        summary["status"], "applied",
        "nothing changed without a decision"
    );

    let res = send(&app, revert(json!({"on_conflict": "keep"}))).await;
    assert_eq!(res.status(), StatusCode::OK);
    let summary = body_json(res).await;
    assert_eq!(summary["status"], "reverted");
    assert_eq!(summary["revert_result"]["restored"], 1, "Ada is restored");
    assert_eq!(summary["revert_result"]["kept"], 2);
    assert_eq!(summary["reverted_by"], MEMBER_EMAIL);
    let ada = lead_by_email(&pool, "ada@known.example").await;
    assert_eq!(ada["title"], "CEO");
    assert!(ada["company"].is_null());
    assert_eq!(
        ada["updated_at"],
        updated_at_of(&before, "ada@known.example"),
        "even updated_at"
    );
    assert_eq!(
        lead_by_email(&pool, "grace@known.example").await["title"],
        "Chair"
    );
    assert_eq!(
        lead_by_email(&pool, "new@fresh.example").await["notes"],
        "called"
    );

    // Reverting again answers the same summary; applying a reverted import is refused.
    let res = send(&app, revert(Value::Null)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let (status, body) = apply_wait(&app, &cookie, &id, Value::Null).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "import.reverted");

    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE entity = 'import' AND entity_id = $1 ORDER BY id",
    )
    .bind(&id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(actions, ["import.applied", "import.reverted"]);
}

/// `updated_at` of the lead with this e-mail in a snapshot.
fn updated_at_of(snapshot: &Value, email: &str) -> Value {
    snapshot
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["email_norm"] == email)
        .map(|l| l["updated_at"].clone())
        .unwrap()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_revert_with_overwrite_also_restores_changed_leads(pool: PgPool) {
    seed(&pool).await;
    existing_lead(&pool, "ada@known.example", "CEO").await;
    let before = leads_snapshot(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, MEMBER_EMAIL).await;
    let id = stage(&app, &cookie, "partners.csv", SCENARIO).await;
    apply_wait(&app, &cookie, &id, json!({"duplicate_policy": "upsert"})).await;
    sqlx::query("UPDATE leads SET title = 'Chair' WHERE email_norm = 'ada@known.example'")
        .execute(&pool)
        .await
        .unwrap();
    let res = send(
        &app,
        json_request(
            "POST",
            &format!("/api/imports/{id}/revert"),
            &cookie,
            &json!({"on_conflict": "overwrite"}),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(leads_snapshot(&pool).await, before);
}

/// A tiny deterministic generator (xorshift), so every case can be replayed by its seed.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn apply_then_revert_leaves_the_leads_table_exactly_as_before(pool: PgPool) {
    seed(&pool).await;
    let company = company_id(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, MEMBER_EMAIL).await;
    let names = ["Ada", "Grace", "Linus", "Margaret", "", "  Ken  "];
    let companies = ["Acme", "", "Initech", "=HYPERLINK(\"x\")"];
    let phones = ["", "+49 30 1234567", "030 7654321", "+1 415 555 0100", "12"];
    for seed_value in 1..=12u64 {
        let mut g = Gen(seed_value.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        // Existing leads, some of which the file will hit by e-mail or phone.
        sqlx::query("DELETE FROM leads")
            .execute(&pool)
            .await
            .unwrap();
        for i in 0..g.below(6) {
            sqlx::query(
                "INSERT INTO leads (id, company_id, first_name, email, email_norm, phone, phone_e164, company, title, updated_at)
                 VALUES ($1, $2, $3, $4, $4, $5, $5, $6, $7, '2021-06-01T12:00:00Z')",
            )
            .bind(Uuid::new_v4())
            .bind(company)
            .bind(g.pick(&names))
            .bind(format!("person{i}@example.com"))
            .bind(if g.below(2) == 0 { None } else { Some(format!("+4930100000{i}")) })
            .bind(g.pick(&companies))
            .bind(if g.below(2) == 0 { None } else { Some("Boss") })
            .execute(&pool)
            .await
            .unwrap();
        }
        let before = leads_snapshot(&pool).await;
        let mut csv = String::from("First Name,Email,Phone,Company,Title\n");
        for _ in 0..(3 + g.below(25)) {
            let email = match g.below(5) {
                0 => "not an email".to_owned(),
                1 => String::new(),
                _ => format!("PERSON{}@example.com", g.below(9)),
            };
            let phone = if g.below(3) == 0 {
                format!("+4930100000{}", g.below(6))
            } else {
                g.pick(&phones).to_owned()
            };
            csv.push_str(&format!(
                "{},{email},{phone},\"{}\",{}\n",
                g.pick(&names),
                g.pick(&companies).replace('"', "\"\""),
                g.pick(&["", "CTO", "Intern"]),
            ));
        }
        let policy = g.pick(&["skip", "update", "upsert"]);
        let fill = g.below(2) == 0;
        let id = stage(&app, &cookie, "generated.csv", &csv).await;
        let (status, summary) = apply_wait(
            &app,
            &cookie,
            &id,
            json!({"duplicate_policy": policy, "fill_empty_only": fill}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "seed {seed_value}: {summary}");
        let (inserted, updated, skipped, failed) = result_counts(&summary);
        assert_eq!(
            inserted + updated + skipped + failed,
            summary["stats"]["total_rows"].as_u64().unwrap(),
            "seed {seed_value}: every row is accounted for"
        );
        let res = send(
            &app,
            json_request(
                "POST",
                &format!("/api/imports/{id}/revert"),
                &cookie,
                &Value::Null,
            ),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "seed {seed_value}");
        assert_eq!(
            leads_snapshot(&pool).await,
            before,
            "seed {seed_value} ({policy}, fill={fill}):\n{csv}"
        );
    }
}

const HOSTILE: &str = "First Name,Last Name,Email,Phone,Company
=HYPERLINK(\"http://evil.example\"),Smith,=cmd|' /C calc'!A0,,+Corp
@SUM(A1),-Jones,bad@,,\tTabbed
Fine,Person,fine@example.com,,Good Co
";

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_csv_report_is_bom_prefixed_and_neutralises_formula_cells(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, MEMBER_EMAIL).await;
    let id = stage(&app, &cookie, "hostile leads.csv", HOSTILE).await;
    let res = send(
        &app,
        get_with_cookie(
            &format!("/api/imports/{id}/report.csv?shape=issues"),
            &cookie,
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.contains("hostile leads-errors.csv"),
        "{disposition}"
    );
    let text = body_text(res).await;
    assert!(text.starts_with('\u{feff}'), "UTF-8 BOM for Excel");
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    for h in [
        "Row",
        "Row id",
        "Field",
        "Code",
        "Original value",
        "Normalized value",
        "Message",
        "Hint",
    ] {
        assert!(headers.iter().any(|x| x == h), "header {h}");
    }
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(records
        .iter()
        .any(|r| &r[0] == "2" && r.iter().any(|c| c == "cell.email_invalid")));
    assert!(
        !records.iter().any(|r| &r[0] == "4"),
        "a clean row is not in the report"
    );
    for record in &records {
        for cell in record {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']),
                "unneutralised cell {cell:?}"
            );
        }
    }
    assert!(
        text.contains("'=cmd|' /C calc'!A0"),
        "the original value is kept, neutralised"
    );
    assert!(
        records
            .iter()
            .all(|r| !r[10].is_empty() || &r[6] != "cell.email_invalid"),
        "hints are filled"
    );
}

/// A partner file whose e-mail column needs a chosen mapping ("Kontakt"), with an
/// unmapped column, phones with a country code, formula-like and plain cells: rows 3 and 5
/// have errors, rows 2 and 4 are clean.
const PARTNER: &str = "Vorname,Nachname,Kontakt,Telefon,Firma,Internal,Notes,-Tag
Ada,Lovelace,ada@example.com,+49 151 23456789,Analytical,x1,fine,a
Bob,Builder,not-an-email,+49 151 23456780,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"klick\"\")\",x2,=cmd|' /C calc'!A0,b
Cy,Clean,cy@example.com,,Cy Co,x3,- call back Monday,c
Dee,Dup,dee@,,Dee Co,x4,,d
";

fn csv_records(text: &str) -> (Vec<String>, Vec<csv::StringRecord>) {
    assert!(text.starts_with('\u{feff}'), "UTF-8 BOM for Excel");
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    (headers, reader.records().map(Result::unwrap).collect())
}

fn mapping_of(view: &Value) -> Vec<(String, Value, f64, String)> {
    view["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["header"].as_str().unwrap().to_owned(),
                c["field"].clone(),
                c["confidence"].as_f64().unwrap(),
                c["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_failed_rows_csv_has_every_column_and_maps_exactly_when_uploaded_again(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, MEMBER_EMAIL).await;
    let id = stage(&app, &cookie, "partner.csv", PARTNER).await;
    // The user sends "Kontakt" to the e-mail field and edits a company.
    let res = send(
        &app,
        json_request(
            "PUT",
            &format!("/api/imports/{id}/mapping"),
            &cookie,
            &json!({ "mapping": { "Vorname": "first_name", "Nachname": "last_name", "Kontakt": "email",
                                  "Telefon": "phone", "Firma": "company", "Internal": null, "Notes": "notes" } }),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = send(
        &app,
        json_request(
            "PATCH",
            &format!("/api/imports/{id}/rows"),
            &cookie,
            &json!({ "edits": [{ "seq": 4, "field": "company", "value": "Dee Corp" }] }),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let first = body_json(
        send(
            &app,
            get_with_cookie(&format!("/api/imports/{id}"), &cookie),
        )
        .await,
    )
    .await;
    assert_eq!(first["stats"]["error_rows"], 2, "{first}");

    let res = send(
        &app,
        get_with_cookie(&format!("/api/imports/{id}/report.csv"), &cookie),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.contains("partner-failed-rows.csv"),
        "{disposition}"
    );
    let text = body_text(res).await;
    let (headers, records) = csv_records(&text);
    assert_eq!(
        headers,
        [
            "Row id",
            "Row",
            "Row status",
            "Problems",
            "Vorname",
            "Nachname",
            "Kontakt",
            "Telefon",
            "Firma",
            "Internal",
            "Notes",
            "'-Tag"
        ],
        "the report's columns, then the original ones in their order (headers neutralised too)"
    );
    assert_eq!(records.len(), 2, "one line per row with issues: {text}");
    let bob = &records[0];
    assert_eq!(&bob[0], "2");
    assert_eq!(&bob[1], "3");
    assert_eq!(&bob[2], "error");
    assert!(bob[3].contains("email: "), "{:?}", &bob[3]);
    assert!(bob[3].contains("formula"), "{:?}", &bob[3]);
    assert_eq!(&bob[4], "Bob");
    assert_eq!(&bob[6], "not-an-email");
    assert_eq!(
        &bob[7], "'+49 151 23456780",
        "neutralised like every + cell"
    );
    assert_eq!(&bob[8], "'=HYPERLINK(\"http://evil.example\",\"klick\")");
    assert_eq!(&bob[9], "x2", "unmapped columns are kept");
    assert_eq!(&bob[11], "b");
    assert_eq!(&bob[10], "'=cmd|' /C calc'!A0");
    let dee = &records[1];
    assert_eq!(&dee[1], "5");
    assert_eq!(&dee[8], "Dee Corp", "current values include edits");
    for record in &records {
        for cell in record {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']),
                "unneutralised cell {cell:?}"
            );
        }
    }

    // Uploaded again as a new file: every column maps as in the first import, exactly,
    // and the report's own columns feed nothing and say nothing.
    let res = upload(&app, &cookie, "partner-fixed.csv", text.as_bytes(), &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let again = body_json(res).await;
    let before = mapping_of(&first["mapping"]);
    let after = mapping_of(&again["mapping"]);
    assert_eq!(after.len(), before.len() + 4);
    for (header, field, confidence, reason) in &after[..4] {
        assert_eq!(field, &Value::Null, "{header} is the report's own column");
        assert_eq!(reason, "error report column", "{header}");
        assert_eq!(*confidence, 0.0);
    }
    for ((header, field, _, _), (h2, f2, confidence, reason)) in before.iter().zip(&after[4..]) {
        assert_eq!(header, h2);
        assert_eq!(field, f2, "{header} maps as in the first import");
        if !field.is_null() {
            assert_eq!(*confidence, 1.0, "{header}");
            assert_eq!(reason, "as in import “partner.csv”", "{header}");
        }
    }
    assert_eq!(
        again["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["row"] == 0)
            .count(),
        0,
        "{again}"
    );
    assert!(
        !again["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["row"] == 0),
        "no file or header warnings: {}",
        again["warnings"]
    );
    let new_id = again["import_id"].as_str().unwrap();
    let summary = body_json(
        send(
            &app,
            get_with_cookie(&format!("/api/imports/{new_id}"), &cookie),
        )
        .await,
    )
    .await;
    let unmapped: Vec<&str> = summary["file_issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"] == "header.unmapped")
        .map(|i| i["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        unmapped,
        ["Internal", "-Tag"],
        "only the columns the import left unmapped, the header unescaped"
    );
    assert_eq!(again["stats"]["total_rows"], 2);
    assert_eq!(
        again["stats"]["error_rows"], 2,
        "the e-mails are still to fix"
    );
    let rows = &again["rows"];
    assert_eq!(
        rows[0]["original"]["Telefon"], "+49 151 23456780",
        "the report's ' is taken off again"
    );
    assert_eq!(rows[0]["normalized"]["phone"], "+4915123456780");
    assert_eq!(
        rows[0]["original"]["Firma"],
        "=HYPERLINK(\"http://evil.example\",\"klick\")"
    );
    assert!(
        rows[0]["issues"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["code"] == "cell.formula_like" && i["field"] == "company"),
        "a formula is still flagged after the round trip: {}",
        rows[0]
    );
    assert_eq!(rows[1]["original"]["Firma"], "Dee Corp");
    assert!(
        rows[0]["normalized"]
            .get("status")
            .is_none_or(|s| s == "new"),
        "“Row status” is not the status field"
    );

    // The failed rows of the re-import have the same columns as the first report.
    let res = send(
        &app,
        get_with_cookie(
            &format!("/api/imports/{new_id}/report.csv?shape=rows"),
            &cookie,
        ),
    )
    .await;
    let (headers_again, _) = csv_records(&body_text(res).await);
    assert_eq!(headers_again, headers);

    let res = send(
        &app,
        get_with_cookie(
            &format!("/api/imports/{id}/report.csv?shape=cells"),
            &cookie,
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let err = body_json(res).await;
    assert_eq!(err["error"]["code"], "request.invalid", "{err}");
    assert!(err["error"]["message"]
        .as_str()
        .unwrap()
        .contains("rows or issues"));
}

const FORMULAS: &str = "First Name,Last Name,Email,Company,Notes
Ada,Lovelace,ada@example.com,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"klick\"\")\",=cmd|' /C calc'!A0
Cy,Clean,cy@example.com,Cy Co,- call back Monday
";

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn formula_like_values_are_warnings_whose_bulk_fix_neutralises_what_is_stored(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, MEMBER_EMAIL).await;
    let res = upload(&app, &cookie, "formulas.csv", FORMULAS.as_bytes(), &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let report = body_json(res).await;
    let id = report["import_id"].as_str().unwrap().to_owned();
    let found: Vec<&Value> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"] == "cell.formula_like")
        .collect();
    assert_eq!(found.len(), 2, "{}", report["warnings"]);
    for (issue, field, value) in [
        (
            found[0],
            "company",
            "=HYPERLINK(\"http://evil.example\",\"klick\")",
        ),
        (found[1], "notes", "=cmd|' /C calc'!A0"),
    ] {
        assert_eq!(issue["row"], 2);
        assert_eq!(issue["field"], field);
        assert_eq!(issue["level"], "warning");
        assert_eq!(issue["value"], value);
        assert_eq!(issue["fix"]["value"], format!("'{value}"), "{issue}");
    }
    assert_eq!(
        report["stats"]["warning_rows"], 1,
        "the plain bullet in row 3 is no formula"
    );
    assert_eq!(report["stats"]["valid_rows"], 1);

    let res = send(
        &app,
        json_request(
            "POST",
            &format!("/api/imports/{id}/bulk"),
            &cookie,
            &json!({ "action": "apply_fix", "code": "cell.formula_like" }),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let fixed = body_json(res).await;
    assert_eq!(fixed["stats"]["warning_rows"], 0, "{fixed}");
    assert_eq!(fixed["stats"]["valid_rows"], 2);
    let rows = body_json(
        send(
            &app,
            get_with_cookie(&format!("/api/imports/{id}/rows"), &cookie),
        )
        .await,
    )
    .await;
    let ada = &rows["rows"][0];
    assert_eq!(
        ada["edits"]["company"],
        "'=HYPERLINK(\"http://evil.example\",\"klick\")"
    );
    assert_eq!(ada["normalized"]["notes"], "'=cmd|' /C calc'!A0");
    assert_eq!(
        ada["original"]["Notes"], "=cmd|' /C calc'!A0",
        "the original cell is kept"
    );

    let (status, summary) = apply_wait(&app, &cookie, &id, Value::Null).await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    let lead = lead_by_email(&pool, "ada@example.com").await;
    assert_eq!(
        lead["company"],
        "'=HYPERLINK(\"http://evil.example\",\"klick\")"
    );
    assert_eq!(lead["notes"], "'=cmd|' /C calc'!A0");
    assert_eq!(
        lead_by_email(&pool, "cy@example.com").await["notes"],
        "- call back Monday"
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_formula_like_value_makes_an_error_row_when_the_configuration_raises_it(pool: PgPool) {
    seed(&pool).await;
    let mut config = serde_json::to_value(rules::ImportConfig::default_leads()).unwrap();
    config["formula_like"] = json!("error");
    sqlx::query("INSERT INTO import_configs (id, company_id, version, config, is_active) VALUES ($1, $2, 1, $3, true)")
        .bind(Uuid::new_v4())
        .bind(company_id(&pool).await)
        .bind(&config)
        .execute(&pool)
        .await
        .unwrap();
    let app = app(pool.clone());
    let cookie = login_cookie(&app, MEMBER_EMAIL).await;
    let res = upload(&app, &cookie, "formulas.csv", FORMULAS.as_bytes(), &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let report = body_json(res).await;
    assert_eq!(report["stats"]["error_rows"], 1, "{}", report["stats"]);
    assert_eq!(report["stats"]["valid_rows"], 1);
    let errors: Vec<&Value> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"] == "cell.formula_like")
        .collect();
    assert_eq!(errors.len(), 2, "{}", report["errors"]);
    assert!(errors
        .iter()
        .all(|i| i["level"] == "error" && i["fix"]["value"].is_string()));
    let id = report["import_id"].as_str().unwrap();
    let (status, summary) = apply_wait(&app, &cookie, id, Value::Null).await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    assert_eq!(
        summary["result"]["failed"], 1,
        "the row stays out until neutralised"
    );
    assert_eq!(summary["result"]["inserted"], 1);
}

fn xlsx_rows(bytes: &[u8], sheet: &str) -> Vec<Vec<calamine::Data>> {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    range.rows().map(<[calamine::Data]>::to_vec).collect()
}

async fn body_bytes(res: axum::response::Response) -> Vec<u8> {
    use http_body_util::BodyExt;
    res.into_body().collect().await.unwrap().to_bytes().to_vec()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_xlsx_report_is_text_only_and_its_fixes_come_back_as_edits(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, MEMBER_EMAIL).await;
    let id = stage(&app, &cookie, "hostile.csv", HOSTILE).await;
    let res = send(
        &app,
        get_with_cookie(&format!("/api/imports/{id}/report.xlsx"), &cookie),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = body_bytes(res).await;
    let fix = xlsx_rows(&bytes, "Fix these rows");
    let header: Vec<String> = fix[0].iter().map(ToString::to_string).collect();
    assert_eq!(&header[..4], ["Row id", "Row", "Row status", "Problems"]);
    let email_col = header.iter().position(|h| h == "Email").unwrap();
    assert_eq!(fix.len(), 3, "header and the two rows with issues");
    for row in &fix[1..] {
        for cell in row {
            assert!(
                matches!(cell, calamine::Data::String(_) | calamine::Data::Empty),
                "every cell is text: {cell:?}"
            );
        }
    }
    assert_eq!(
        fix[1][email_col].to_string(),
        "=cmd|' /C calc'!A0",
        "kept verbatim as text"
    );
    let issues = xlsx_rows(&bytes, "Issues");
    assert!(issues.len() > 2);

    // Fix both e-mails in a spreadsheet program, save, upload back.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("Fix these rows").unwrap();
    for (r, row) in fix.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let mut value = cell.to_string();
            if r > 0 && c == email_col {
                value = format!("fixed{r}@example.com");
            }
            sheet.write_string(r as u32, c as u16, value).unwrap();
        }
    }
    let corrected = book.save_to_buffer().unwrap();
    let res = upload_to(
        &app,
        &cookie,
        &format!("/api/imports/{id}/corrections"),
        "fixed.xlsx",
        &corrected,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let result = body_json(res).await;
    assert_eq!(result["rows_patched"], 2, "{result}");
    assert_eq!(result["cells_changed"], 2);
    assert_eq!(result["stats"]["error_rows"], 0, "{result}");
    let rows = body_json(
        send(
            &app,
            get_with_cookie(&format!("/api/imports/{id}/rows"), &cookie),
        )
        .await,
    )
    .await;
    assert_eq!(rows["rows"][0]["edits"]["email"], "fixed1@example.com");

    // Something that is not this import's report is refused with a clear code.
    let res = upload_to(
        &app,
        &cookie,
        &format!("/api/imports/{id}/corrections"),
        "other.csv",
        b"a,b\n1,2\n",
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body_json(res).await["error"]["code"],
        "corrections.no_row_id"
    );

    let downloads: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'import.report_downloaded'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(downloads, 1);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_applied_import_keeps_its_reports_and_another_company_sees_nothing(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, MEMBER_EMAIL).await;
    let id = stage(&app, &cookie, "partners.csv", SCENARIO).await;
    apply_wait(&app, &cookie, &id, Value::Null).await;
    // The reports are written right after the apply's answer.
    let mut keys = Value::Null;
    for _ in 0..100 {
        keys = sqlx::query_scalar("SELECT report_keys FROM imports WHERE id = $1::uuid")
            .bind(&id)
            .fetch_one(&pool)
            .await
            .unwrap();
        if keys["xlsx"].is_string() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        keys["csv"].is_string() && keys["csv_rows"].is_string() && keys["xlsx"].is_string(),
        "{keys}"
    );
    assert_ne!(
        keys["csv"], keys["csv_rows"],
        "each shape is a file of its own"
    );
    // What is served is the stored file: the staged rows are gone, a generated report
    // would be empty.
    sqlx::query("DELETE FROM import_rows WHERE import_id = $1::uuid")
        .bind(&id)
        .execute(&pool)
        .await
        .unwrap();
    let res = send(
        &app,
        get_with_cookie(
            &format!("/api/imports/{id}/report.csv?shape=issues"),
            &cookie,
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (headers, records) = csv_records(&body_text(res).await);
    assert_eq!(headers[3], "Field", "the issue list");
    assert!(records
        .iter()
        .any(|r| r.iter().any(|c| c == "cell.email_invalid")));
    for path in [
        format!("/api/imports/{id}/report.csv"),
        format!("/api/imports/{id}/report.csv?shape=rows"),
    ] {
        let res = send(&app, get_with_cookie(&path, &cookie)).await;
        assert_eq!(res.status(), StatusCode::OK);
        let (headers, records) = csv_records(&body_text(res).await);
        assert_eq!(
            headers,
            [
                "Row id",
                "Row",
                "Row status",
                "Problems",
                "First Name",
                "Last Name",
                "Email",
                "Phone",
                "Company",
                "Title"
            ],
            "{path}: the failed rows"
        );
        assert!(
            records
                .iter()
                .any(|r| &r[1] == "4" && &r[6] == "not-an-email"),
            "{path}"
        );
    }

    auth::create_company(&pool, "other", "Other AG")
        .await
        .unwrap();
    auth::create_user(
        &pool,
        auth::NewUserInput {
            company_slug: "other",
            email: "eve@other.example",
            display_name: "",
            password: PASSWORD,
            role: auth::Role::Admin,
            added_by: None,
        },
    )
    .await
    .unwrap();
    let eve = login_cookie(&app, "eve@other.example").await;
    for (method, path) in [
        ("GET", format!("/api/imports/{id}/report.csv")),
        ("GET", format!("/api/imports/{id}/report.xlsx")),
        ("POST", format!("/api/imports/{id}/apply")),
        ("POST", format!("/api/imports/{id}/revert")),
    ] {
        let res = send(&app, json_request(method, &path, &eve, &Value::Null)).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{method} {path}");
    }
}
