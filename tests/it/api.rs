//! Router tests: the whole app as built for production, driven with `oneshot` against a
//! fresh PostgreSQL database per test (`#[sqlx::test]`), no socket.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::Response;
use axum::Router;
use serde_json::json;
use sqlx::PgPool;

use crate::common::*;

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn health_and_readiness_probes_answer(pool: PgPool) {
    let app = app(pool);
    let res = send(&app, Request::get("/healthz").body(Body::empty()).unwrap()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = send(&app, Request::get("/readyz").body(Body::empty()).unwrap()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(body_text(res).await, "ready");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn readiness_fails_when_the_database_is_gone(pool: PgPool) {
    let app = app(pool.clone());
    pool.close().await;
    let res = send(&app, Request::get("/readyz").body(Body::empty()).unwrap()).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool);
    let wrong = send(&app, login_request(ADMIN_EMAIL, "not the password")).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(session_cookie(&wrong).is_none());
    let wrong = body_json(wrong).await;
    let unknown =
        body_json(send(&app, login_request("nobody@acme.example", "whatever1")).await).await;
    assert_eq!(wrong["error"]["code"], "auth.invalid_credentials");
    assert_eq!(wrong, unknown);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn login_me_and_logout_work_with_the_session_cookie(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool);
    let res = send(&app, login_request("ADA@acme.example ", PASSWORD)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let raw_cookie = res
        .headers()
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(raw_cookie.contains("HttpOnly") && raw_cookie.contains("SameSite=Lax"));
    let cookie = session_cookie(&res).unwrap();

    let me = send(&app, get_with_cookie("/api/me", &cookie)).await;
    assert_eq!(me.status(), StatusCode::OK);
    let me = body_json(me).await;
    assert_eq!(me["email"], ADMIN_EMAIL);
    assert_eq!(me["company"]["slug"], "acme");
    assert_eq!(me["role"], "admin");

    let out = send(
        &app,
        Request::post("/api/auth/logout")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let after = send(&app, get_with_cookie("/api/me", &cookie)).await;
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        body_json(after).await["error"]["code"],
        "auth.unauthenticated"
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn logging_in_again_rotates_the_session(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool);
    let first = login_cookie(&app, ADMIN_EMAIL).await;
    let res = send(
        &app,
        Request::post("/api/auth/login")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, &first)
            .body(Body::from(
                json!({ "email": ADMIN_EMAIL, "password": PASSWORD }).to_string(),
            ))
            .unwrap(),
    )
    .await;
    let second = session_cookie(&res).unwrap();
    assert_ne!(first, second);
    assert_eq!(
        send(&app, get_with_cookie("/api/me", &first))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        send(&app, get_with_cookie("/api/me", &second))
            .await
            .status(),
        StatusCode::OK
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn repeated_failures_throttle_the_account_even_for_the_right_password(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool);
    for _ in 0..5 {
        let res = send(&app, login_request(MEMBER_EMAIL, "guessing-wrong")).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = send(&app, login_request(MEMBER_EMAIL, PASSWORD)).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body_json(res).await["error"]["code"], "auth.throttled");
    // Another account is not affected.
    assert_eq!(
        send(&app, login_request(ADMIN_EMAIL, PASSWORD))
            .await
            .status(),
        StatusCode::OK
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_expired_session_is_refused(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    sqlx::query("UPDATE sessions SET expires_at = now() - interval '1 minute'")
        .execute(&pool)
        .await
        .unwrap();
    let res = send(&app, get_with_cookie("/api/me", &cookie)).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn api_tokens_authenticate_and_bad_tokens_are_refused(pool: PgPool) {
    seed(&pool).await;
    let token = auth::create_api_token(&pool, "acme", MEMBER_EMAIL, "nightly sync")
        .await
        .unwrap();
    assert!(token.starts_with("li_"));
    let app = app(pool.clone());
    let res = send(
        &app,
        Request::get("/api/me")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(body_json(res).await["role"], "member");

    let stored: Vec<u8> = sqlx::query_scalar("SELECT token_hash FROM api_tokens")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_ne!(stored, token.as_bytes(), "only the hash is stored");

    let res = send(
        &app,
        Request::get("/api/me")
            .header(header::AUTHORIZATION, "Bearer li_forged")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(body_json(res).await["error"]["code"], "auth.invalid_token");

    let res = send(&app, Request::get("/api/me").body(Body::empty()).unwrap()).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn cross_site_posts_are_refused_and_change_nothing(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let cookie = login_cookie(&app, ADMIN_EMAIL).await;
    for (name, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
    ] {
        let res = send(
            &app,
            Request::post("/api/fn/users/add")
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::COOKIE, &cookie)
                .header(name, value)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(
                    "email=eve%40evil.example&display_name=&role=admin&password=evilevil1",
                ))
                .unwrap(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{name}");
        assert_eq!(body_json(res).await["error"]["code"], "request.cross_site");
    }
    let count: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE email = 'eve@evil.example'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(count, 0);
    // Same-origin requests pass the check.
    let res = send(
        &app,
        Request::post("/api/auth/logout")
            .header(header::HOST, "127.0.0.1:3000")
            .header("origin", "http://127.0.0.1:3000")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

async fn add_user_via_server_fn(app: &Router, cookie: &str, email: &str) -> Response {
    send(
        app,
        Request::post("/api/fn/users/add")
            .header(header::COOKIE, cookie)
            .header("sec-fetch-site", "same-origin")
            .header(header::ACCEPT, "application/json")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "email={}&display_name=New&role=member&password=longenough1",
                email.replace('@', "%40")
            )))
            .unwrap(),
    )
    .await
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn only_admins_can_add_users(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let member = login_cookie(&app, MEMBER_EMAIL).await;
    let res = add_user_via_server_fn(&app, &member, "new1@acme.example").await;
    assert!(res.status().is_server_error() || res.status().is_client_error());
    assert!(body_text(res).await.contains("auth.forbidden"));

    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let res = add_user_via_server_fn(&app, &admin, "new2@acme.example").await;
    assert!(res.status().is_success(), "{}", res.status());

    let emails: Vec<String> = sqlx::query_scalar("SELECT email FROM users ORDER BY email")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(emails.contains(&"new2@acme.example".to_owned()));
    assert!(!emails.contains(&"new1@acme.example".to_owned()));
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'user.add' AND actor_id IS NOT NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn pages_send_visitors_to_the_login_page(pool: PgPool) {
    let app = app(pool);
    let res = send(
        &app,
        Request::get("/admin/users").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/login?next=/admin/users");
    let res = send(&app, Request::get("/login").body(Body::empty()).unwrap()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(body_text(res).await.contains("Sign in to Lead Importer"));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_member_gets_403_on_the_admin_page_and_an_admin_sees_the_users(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool);
    let member = login_cookie(&app, MEMBER_EMAIL).await;
    let res = send(&app, get_with_cookie("/admin/users", &member)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(body_text(res).await.contains("Admins only"));

    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let res = send(&app, get_with_cookie("/admin/users", &admin)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = body_text(res).await;
    assert!(
        html.contains(MEMBER_EMAIL),
        "the member list is rendered on the server"
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn responses_carry_security_headers_and_unknown_api_paths_are_json_404(pool: PgPool) {
    let app = app(pool);
    let res = send(&app, Request::get("/api/nope").body(Body::empty()).unwrap()).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.headers()["x-frame-options"], "DENY");
    assert!(res.headers().contains_key("content-security-policy"));
    assert_eq!(body_json(res).await["error"]["code"], "request.not_found");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_first_start_creates_a_demo_admin_once(pool: PgPool) {
    let demo = auth::bootstrap_demo(&pool)
        .await
        .unwrap()
        .expect("created on an empty database");
    assert!(auth::bootstrap_demo(&pool).await.unwrap().is_none());
    let app = app(pool);
    let res = send(&app, login_request(&demo.email, &demo.password)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(body_json(res).await["role"], "admin");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_user_added_outside_the_app_is_audited_too(pool: PgPool) {
    // What `lead-importer user add` does: no actor, the same service call.
    auth::create_company(&pool, "globex", "Globex")
        .await
        .unwrap();
    let user_id = auth::create_user(
        &pool,
        auth::NewUserInput {
            company_slug: "globex",
            email: "Hank@Globex.example",
            display_name: "Hank",
            password: PASSWORD,
            role: auth::Role::Member,
            added_by: None,
        },
    )
    .await
    .unwrap();
    let (entity_id, actor, diff): (Option<String>, Option<uuid::Uuid>, serde_json::Value) =
        sqlx::query_as("SELECT entity_id, actor_id, diff FROM audit_log WHERE action = 'user.add'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(entity_id, Some(user_id.to_string()));
    assert_eq!(actor, None);
    assert_eq!(diff["email"], "hank@globex.example");
    assert_eq!(diff["role"], "member");
}
