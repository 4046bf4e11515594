//! Router tests for `/api/users` and `/api/tokens`: admins list, add, change roles,
//! deactivate and remove members, and create, list and revoke tokens; the last admin is
//! kept; a deactivated or removed member and a revoked token are refused at once; members
//! get 403 and another company 404; every change is audited. Also the CLI's `token list`
//! and `token revoke`.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use clap::Parser;
use serde_json::{json, Value};
use sqlx::PgPool;

use crate::common::*;

/// `GET /api/me` with a Bearer token.
async fn me_with_token(app: &axum::Router, token: &str) -> StatusCode {
    let req = Request::get("/api/me")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    send(app, req).await.status()
}

async fn user_id(app: &axum::Router, admin: &str, email: &str) -> String {
    let (status, list) = get(app, admin, "/api/users").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == email)
        .unwrap_or_else(|| panic!("{email} in {list}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn audit_actions(app: &axum::Router, admin: &str, prefix: &str) -> Vec<Value> {
    let (status, page) = get(app, admin, &format!("/api/audit?action={prefix}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["entries"].as_array().unwrap().clone()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn admins_list_and_add_members_and_members_are_refused(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let member = login_cookie(&app, MEMBER_EMAIL).await;

    let (status, list) = get(&app, &admin, "/api/users").await;
    assert_eq!(status, StatusCode::OK);
    let users = list["users"].as_array().unwrap();
    assert_eq!(users.len(), 2);
    assert_eq!(users[0]["email"], ADMIN_EMAIL, "admins first");
    assert_eq!(users[0]["role"], "admin");
    assert_eq!(users[0]["active"], true);
    assert_eq!(users[1]["role"], "member");

    let (status, added) = call(
        &app,
        &admin,
        "POST",
        "/api/users",
        json!({ "email": " Eve@Acme.Example ", "display_name": "Eve", "role": "member", "password": "long enough pw" }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["email"], "eve@acme.example");
    assert_eq!(added["active"], true);
    let (status, again) = call(
        &app,
        &admin,
        "POST",
        "/api/users",
        json!({ "email": "eve@acme.example", "role": "member", "password": "long enough pw" }),
    )
    .await;
    assert_eq!(
        (status, again["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("request.conflict"))
    );
    let (status, bad) = call(
        &app,
        &admin,
        "POST",
        "/api/users",
        json!({ "email": "x@acme.example", "role": "owner", "password": "long enough pw" }),
    )
    .await;
    assert_eq!(
        (status, bad["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("request.invalid_json"))
    );

    let eve = added["id"].as_str().unwrap();
    for (method, path, body) in [
        ("GET", "/api/users".to_owned(), Value::Null),
        (
            "POST",
            "/api/users".to_owned(),
            json!({ "email": "y@acme.example", "role": "admin", "password": "long enough pw" }),
        ),
        (
            "PATCH",
            format!("/api/users/{eve}"),
            json!({ "role": "admin" }),
        ),
        ("DELETE", format!("/api/users/{eve}"), Value::Null),
    ] {
        let (status, body) = call(&app, &member, method, &path, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {body}");
        assert_eq!(body["error"]["code"], "auth.forbidden");
    }
    // A field the patch does not know is refused, not ignored.
    let (status, err) = call(
        &app,
        &admin,
        "PATCH",
        &format!("/api/users/{eve}"),
        json!({ "display_name": "Evelyn" }),
    )
    .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("request.invalid_json")),
        "{err}"
    );
    let roles: Vec<String> = sqlx::query_scalar("SELECT role FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = 'eve@acme.example'")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(roles, ["member"], "the member's PATCH changed nothing");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_last_active_admin_cannot_be_demoted_deactivated_or_removed(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let ada = user_id(&app, &admin, ADMIN_EMAIL).await;
    let max = user_id(&app, &admin, MEMBER_EMAIL).await;

    for (method, body) in [
        ("PATCH", json!({ "role": "member" })),
        ("PATCH", json!({ "active": false })),
        ("DELETE", Value::Null),
    ] {
        let (status, err) = call(
            &app,
            &admin,
            method,
            &format!("/api/users/{ada}"),
            body.clone(),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{method} {body}: {err}");
        assert_eq!(err["error"]["code"], "user.last_admin");
    }

    // With a second admin, the first may step down; the audit log says who changed what.
    let (status, promoted) = call(
        &app,
        &admin,
        "PATCH",
        &format!("/api/users/{max}"),
        json!({ "role": "admin" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{promoted}");
    assert_eq!(promoted["role"], "admin");
    let (status, demoted) = call(
        &app,
        &admin,
        "PATCH",
        &format!("/api/users/{ada}"),
        json!({ "role": "member" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{demoted}");
    assert_eq!(demoted["role"], "member");
    // Ada is a member now: her own session says so at once.
    let (status, _) = get(&app, &admin, "/api/users").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let max_cookie = login_cookie(&app, MEMBER_EMAIL).await;
    let entries = audit_actions(&app, &max_cookie, "user.update").await;
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(entries[0]["actor"], ADMIN_EMAIL);
    assert_eq!(entries[0]["entity_id"], ada.as_str());
    assert_eq!(
        entries[0]["diff"]["role"],
        json!({ "from": "admin", "to": "member" })
    );
    // Max, the last admin now, cannot demote himself either.
    let (status, err) = call(
        &app,
        &max_cookie,
        "PATCH",
        &format!("/api/users/{max}"),
        json!({ "role": "member" }),
    )
    .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("user.last_admin"))
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_deactivated_member_is_signed_out_at_once_and_activation_restores_their_token(
    pool: PgPool,
) {
    seed(&pool).await;
    let app = app(pool.clone());
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let member = login_cookie(&app, MEMBER_EMAIL).await;
    let token = auth::create_api_token(&pool, "acme", MEMBER_EMAIL, "sync")
        .await
        .unwrap();
    assert_eq!(me_with_token(&app, &token).await, StatusCode::OK);
    let max = user_id(&app, &admin, MEMBER_EMAIL).await;

    let (status, view) = call(
        &app,
        &admin,
        "PATCH",
        &format!("/api/users/{max}"),
        json!({ "active": false }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["active"], false);
    let (status, _) = get(&app, &member, "/api/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the session ended");
    let sessions: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1",
    )
    .bind(MEMBER_EMAIL)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(sessions, 0, "deactivation deletes the sessions");
    assert_eq!(
        me_with_token(&app, &token).await,
        StatusCode::UNAUTHORIZED,
        "the token is refused"
    );
    let res = send(&app, login_request(MEMBER_EMAIL, PASSWORD)).await;
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "a deactivated member cannot sign in"
    );
    let (_, list) = get(&app, &admin, "/api/users").await;
    assert!(list["users"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["email"] == MEMBER_EMAIL && u["active"] == false));

    let (status, view) = call(
        &app,
        &admin,
        "PATCH",
        &format!("/api/users/{max}"),
        json!({ "active": true }),
    )
    .await;
    assert_eq!(
        (status, view["active"].clone()),
        (StatusCode::OK, json!(true))
    );
    assert_eq!(
        me_with_token(&app, &token).await,
        StatusCode::OK,
        "activation restores the token"
    );
    login_cookie(&app, MEMBER_EMAIL).await;
    let entries = audit_actions(&app, &admin, "user.update").await;
    assert_eq!(
        entries[1]["diff"]["active"],
        json!({ "from": true, "to": false })
    );
    assert_eq!(entries[1]["diff"]["sessions_ended"], 1);
    assert_eq!(
        entries[0]["diff"]["active"],
        json!({ "from": false, "to": true })
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_removed_member_loses_sessions_and_tokens_even_when_added_again(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let member = login_cookie(&app, MEMBER_EMAIL).await;
    let token = auth::create_api_token(&pool, "acme", MEMBER_EMAIL, "sync")
        .await
        .unwrap();
    let max = user_id(&app, &admin, MEMBER_EMAIL).await;

    let res = send(
        &app,
        json_request("DELETE", &format!("/api/users/{max}"), &admin, &Value::Null),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        get(&app, &member, "/api/me").await.0,
        StatusCode::UNAUTHORIZED
    );
    let (_, list) = get(&app, &admin, "/api/users").await;
    assert_eq!(list["users"].as_array().unwrap().len(), 1);
    let (status, _) = call(
        &app,
        &admin,
        "DELETE",
        &format!("/api/users/{max}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "removed already");

    let (status, _) = call(
        &app,
        &admin,
        "POST",
        "/api/users",
        json!({ "email": MEMBER_EMAIL, "role": "member" }),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "an existing account is added back without a password"
    );
    assert_eq!(
        me_with_token(&app, &token).await,
        StatusCode::UNAUTHORIZED,
        "the old token stays revoked"
    );
    let entries = audit_actions(&app, &admin, "user.remove").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["diff"]["email"], MEMBER_EMAIL);
    assert_eq!(entries[0]["diff"]["tokens_revoked"], 1);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn tokens_are_created_once_listed_without_secrets_and_revoked_at_once(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let member = login_cookie(&app, MEMBER_EMAIL).await;

    let (status, created) = call(
        &app,
        &admin,
        "POST",
        "/api/tokens",
        json!({ "name": " nightly sync " }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let secret = created["token"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("li_"));
    assert_eq!(created["name"], "nightly sync");
    assert_eq!(created["owner"], ADMIN_EMAIL);
    assert_eq!(created["last_used_at"], Value::Null);
    let id = created["id"].as_str().unwrap().to_owned();

    assert_eq!(me_with_token(&app, &secret).await, StatusCode::OK);
    let (status, list) = get(&app, &admin, "/api/tokens").await;
    assert_eq!(status, StatusCode::OK);
    let tokens = list["tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0]["id"], id.as_str());
    assert!(tokens[0]["last_used_at"].is_string(), "{list}");
    assert!(
        !list.to_string().contains(&secret),
        "the list never holds a secret"
    );

    let (status, dup) = call(
        &app,
        &admin,
        "POST",
        "/api/tokens",
        json!({ "name": "nightly sync" }),
    )
    .await;
    assert_eq!(
        (status, dup["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("request.conflict"))
    );
    let (status, empty) = call(&app, &admin, "POST", "/api/tokens", json!({ "name": "  " })).await;
    assert_eq!(
        (status, empty["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("request.invalid"))
    );
    for (method, path, body) in [
        ("GET", "/api/tokens".to_owned(), Value::Null),
        ("POST", "/api/tokens".to_owned(), json!({ "name": "mine" })),
        ("DELETE", format!("/api/tokens/{id}"), Value::Null),
    ] {
        let (status, body) = call(&app, &member, method, &path, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {body}");
    }

    let res = send(
        &app,
        json_request("DELETE", &format!("/api/tokens/{id}"), &admin, &Value::Null),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let req = Request::get("/api/me")
        .header(header::AUTHORIZATION, format!("Bearer {secret}"))
        .body(Body::empty())
        .unwrap();
    let res = send(&app, req).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(body_json(res).await["error"]["code"], "auth.invalid_token");
    assert_eq!(
        call(
            &app,
            &admin,
            "DELETE",
            &format!("/api/tokens/{id}"),
            Value::Null
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(
            &app,
            &admin,
            "DELETE",
            "/api/tokens/nightly%20sync",
            Value::Null
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, &admin, "/api/tokens").await.1["tokens"],
        json!([])
    );
    // The name is free again once the token is revoked.
    let (status, again) = call(
        &app,
        &admin,
        "POST",
        "/api/tokens",
        json!({ "name": "nightly sync" }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{again}");

    let entries = audit_actions(&app, &admin, "token.").await;
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["token.create", "token.revoke", "token.create"]);
    assert_eq!(entries[1]["diff"]["name"], "nightly sync");
    assert!(
        !entries.iter().any(|e| e.to_string().contains(&secret)),
        "no secret in the audit log"
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn another_company_sees_none_of_the_members_or_tokens(pool: PgPool) {
    seed(&pool).await;
    seed_other_company(&pool).await;
    let app = app(pool.clone());
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let other = login_cookie(&app, OTHER_ADMIN_EMAIL).await;
    let max = user_id(&app, &admin, MEMBER_EMAIL).await;
    let (_, created) = call(
        &app,
        &admin,
        "POST",
        "/api/tokens",
        json!({ "name": "sync" }),
    )
    .await;
    let token_id = created["id"].as_str().unwrap();

    let (_, list) = get(&app, &other, "/api/users").await;
    let emails: Vec<&str> = list["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, [OTHER_ADMIN_EMAIL]);
    assert_eq!(
        get(&app, &other, "/api/tokens").await.1["tokens"],
        json!([])
    );
    for (method, path, body) in [
        (
            "PATCH",
            format!("/api/users/{max}"),
            json!({ "active": false }),
        ),
        ("DELETE", format!("/api/users/{max}"), Value::Null),
        ("DELETE", format!("/api/tokens/{token_id}"), Value::Null),
        (
            "PATCH",
            "/api/users/not-a-uuid".to_owned(),
            json!({ "active": false }),
        ),
    ] {
        let (status, body) = call(&app, &other, method, &path, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {body}");
        assert_eq!(body["error"]["code"], "request.not_found");
    }
    assert_eq!(
        me_with_token(&app, created["token"].as_str().unwrap()).await,
        StatusCode::OK
    );
    let (_, list) = get(&app, &admin, "/api/users").await;
    assert!(list["users"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["active"] == true));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_cli_revokes_a_token_by_name(pool: PgPool) {
    seed(&pool).await;
    let token = auth::create_api_token(&pool, "acme", MEMBER_EMAIL, "nightly")
        .await
        .unwrap();
    let db = pool.connect_options().get_database().unwrap().to_owned();
    let base = std::env::var("DATABASE_URL").unwrap();
    let url = format!("{}/{db}", base.rsplit_once('/').unwrap().0);
    let run = |args: &[&str]| {
        let mut argv = vec!["lead-importer", "token"];
        argv.extend_from_slice(args);
        argv.extend_from_slice(&["--database-url", &url]);
        lead_importer::cli::Cli::parse_from(argv)
    };
    lead_importer::cli::run(run(&["list", "--company", "acme"]))
        .await
        .unwrap();
    lead_importer::cli::run(run(&["revoke", "--company", "acme", "nightly"]))
        .await
        .unwrap();
    let app = app(pool.clone());
    assert_eq!(me_with_token(&app, &token).await, StatusCode::UNAUTHORIZED);
    let again = lead_importer::cli::run(run(&["revoke", "--company", "acme", "nightly"])).await;
    assert!(
        again.unwrap_err().to_string().contains("No token"),
        "revoked already"
    );
    let actor: Option<uuid::Uuid> =
        sqlx::query_scalar("SELECT actor_id FROM audit_log WHERE action = 'token.revoke'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(actor, None, "the command line has no actor");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn two_admins_demoting_each_other_at_once_leave_one_admin(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let ada_cookie = login_cookie(&app, ADMIN_EMAIL).await;
    let ada = user_id(&app, &ada_cookie, ADMIN_EMAIL).await;
    let max = user_id(&app, &ada_cookie, MEMBER_EMAIL).await;
    call(
        &app,
        &ada_cookie,
        "PATCH",
        &format!("/api/users/{max}"),
        json!({ "role": "admin" }),
    )
    .await;
    let max_cookie = login_cookie(&app, MEMBER_EMAIL).await;
    let (max_path, ada_path) = (format!("/api/users/{max}"), format!("/api/users/{ada}"));
    for _ in 0..5 {
        let demote_max = call(
            &app,
            &ada_cookie,
            "PATCH",
            &max_path,
            json!({ "role": "member" }),
        );
        let demote_ada = call(
            &app,
            &max_cookie,
            "PATCH",
            &ada_path,
            json!({ "role": "member" }),
        );
        let ((a, _), (b, _)) = tokio::join!(demote_max, demote_ada);
        let admins: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM memberships WHERE role = 'admin' AND deactivated_at IS NULL",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(admins, 1, "answers {a} and {b}");
        // Whichever lost was answered 409, or 403 when the winner's demotion came first.
        assert!(a == StatusCode::OK || b == StatusCode::OK, "{a} {b}");
        // Make both admins again for the next round.
        sqlx::query("UPDATE memberships SET role = 'admin'")
            .execute(&pool)
            .await
            .unwrap();
    }
}
