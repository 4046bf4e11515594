//! `/admin/dashboard`: the PRD's metrics rendered on the server (SVG, readable without
//! JavaScript) from the telemetry real uploads, applies and reverts left; the empty state;
//! the filter; admins only.

use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;

use crate::common::*;

const GOOD: &str = "first_name,last_name,email\nAda,Lovelace,ada@example.com\n";
const BAD: &str = "first_name,last_name,email\nBob,Baker,bob@example\n";

async fn dashboard_html(app: &axum::Router, cookie: &str, query: &str) -> (StatusCode, String) {
    let res = send(
        app,
        get_with_cookie(&format!("/admin/dashboard{query}"), cookie),
    )
    .await;
    let status = res.status();
    (status, body_text(res).await)
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_dashboard_shows_the_prd_metrics_from_real_imports(pool: PgPool) {
    seed(&pool).await;
    let app = app(pool.clone());
    let admin = login_cookie(&app, ADMIN_EMAIL).await;
    let (status, html) = dashboard_html(&app, &admin, "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("No uploads in this range"), "{html}");

    // Source "crm-export": a bad file, then the fixed one applied — one episode, two
    // uploads. Source "fair": a good file applied at once.
    for (source, csv, apply) in [
        ("crm-export", BAD, false),
        ("crm-export", GOOD, true),
        ("fair", GOOD, true),
    ] {
        let res = upload(
            &app,
            &admin,
            "leads.csv",
            csv.as_bytes(),
            &[("source", source)],
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);
        let id = body_json(res).await["import_id"]
            .as_str()
            .unwrap()
            .to_owned();
        if apply {
            let res = send(
                &app,
                json_request(
                    "POST",
                    &format!("/api/imports/{id}/apply?wait=true"),
                    &admin,
                    &json!({"duplicate_policy": "upsert"}),
                ),
            )
            .await;
            assert_eq!(res.status(), StatusCode::OK);
        }
    }
    let (status, html) = dashboard_html(&app, &admin, "").await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "Success per day",
        "<svg",
        "Funnel: Uploaded 3, Read 3, Mapped 3, Validated 3, Reviewed 2, Applied 2",
        // Two of three uploads applied; two episodes, of which one at the first attempt.
        "67 %",
        "50 %",
        "Top error codes per week",
        "cell.email_invalid",
        "Worst sources",
        "crm-export",
        "Throughput",
    ] {
        assert!(html.contains(text), "{text} in {html}");
    }
    // The source filter narrows every figure.
    let (_, html) = dashboard_html(&app, &admin, "?source=fair").await;
    assert!(html.contains("Funnel: Uploaded 1,"), "{html}");
    assert!(html.contains("100 %"), "{html}");
    // A range with nothing in it, and a range that is not one.
    let (_, html) = dashboard_html(&app, &admin, "?from=2020-01-01&to=2020-01-31").await;
    assert!(html.contains("No uploads in this range"), "{html}");
    let (_, html) = dashboard_html(&app, &admin, "?from=2020-13-01").await;
    assert!(html.contains("is a day as YYYY-MM-DD"), "{html}");

    let member = login_cookie(&app, MEMBER_EMAIL).await;
    let (status, _) = dashboard_html(&app, &member, "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
