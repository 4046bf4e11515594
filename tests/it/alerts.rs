//! The alert webhook against a real HTTP receiver on a local port: what is posted (the
//! JSON, the delivery id, the signature), retries with back-off until the receiver takes
//! it, giving up, old alerts left unsent, and the URL kept out of the recorded error.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use sqlx::PgPool;

use crate::common::*;
use imports::alerts::{Retry, Webhook};
use imports::telemetry::Telemetry;

/// What the receiver saw, and the statuses it answers in turn (the last one repeats).
#[derive(Clone, Default)]
struct Receiver {
    posts: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
    answers: Arc<Mutex<Vec<StatusCode>>>,
}

impl Receiver {
    /// Serves on a local port; answers its URL.
    async fn start(answers: &[StatusCode]) -> (Self, String) {
        let receiver = Receiver::default();
        receiver
            .answers
            .lock()
            .unwrap()
            .extend(answers.iter().rev());
        let state = receiver.clone();
        let app = axum::Router::new().route(
            "/hooks/secret-path-token",
            axum::routing::post(move |headers: HeaderMap, body: Bytes| {
                let state = state.clone();
                async move {
                    state.posts.lock().unwrap().push((headers, body));
                    let mut answers = state.answers.lock().unwrap();
                    if answers.len() > 1 {
                        answers.pop().unwrap()
                    } else {
                        answers[0]
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/hooks/secret-path-token",
            listener.local_addr().unwrap()
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
        (receiver, url)
    }

    fn posts(&self) -> Vec<(HeaderMap, Bytes)> {
        self.posts.lock().unwrap().clone()
    }
}

async fn company(pool: &PgPool) -> uuid::Uuid {
    sqlx::query_scalar("SELECT id FROM companies WHERE slug = 'acme'")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Queues a drift alert for acme, as the drift check does.
async fn raise_drift(pool: &PgPool) {
    let finding = api::DriftFinding {
        kind: api::DriftKind::ColumnMissing,
        field: Some("title".into()),
        column: Some("title".into()),
        value: None,
        leads: None,
        message: "The field title has no column in leads.".into(),
    };
    let mut conn = pool.acquire().await.unwrap();
    let detail = api::AlertDetail::Drift {
        config_version: 1,
        findings: vec![finding],
    };
    imports::alerts::raise(&mut conn, company(pool).await, detail)
        .await
        .unwrap();
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).unwrap().to_str().unwrap()
}

/// `lead_importer_alert_webhook_deliveries_total{outcome}` as the registry renders it.
fn posted(telemetry: &Telemetry, outcome: &str) -> Option<f64> {
    let mut registry = prometheus_client::registry::Registry::with_prefix("lead_importer");
    telemetry.register(&mut registry);
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &registry).unwrap();
    let series = format!("lead_importer_alert_webhook_deliveries_total{{outcome=\"{outcome}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&series))
        .map(|v| v.parse().unwrap())
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn an_alert_is_posted_signed_and_retried_until_the_receiver_takes_it(pool: PgPool) {
    seed(&pool).await;
    raise_drift(&pool).await;
    let (receiver, url) =
        Receiver::start(&[StatusCode::INTERNAL_SERVER_ERROR, StatusCode::NO_CONTENT]).await;
    let telemetry = Telemetry::default();
    // No wait between attempts, so the retry is due at once.
    let retry = Retry {
        base: Duration::ZERO,
        cap: Duration::ZERO,
        max_attempts: 5,
    };
    let webhook = Webhook::new(&url, Some("s3cret".into()), retry, &telemetry).unwrap();

    assert_eq!(webhook.deliver_due(&pool).await.unwrap(), 0);
    let (attempts, error): (i32, Option<String>) =
        sqlx::query_as("SELECT attempts, last_error FROM alert_outbox")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((attempts, error.as_deref()), (1, Some("HTTP 500")));
    assert_eq!(webhook.deliver_due(&pool).await.unwrap(), 1);
    assert_eq!(webhook.deliver_due(&pool).await.unwrap(), 0, "sent once");

    let posts = receiver.posts();
    assert_eq!(posts.len(), 2);
    let (first, second) = (&posts[0], &posts[1]);
    assert_eq!(first.1, second.1, "a retry posts the same body");
    assert_eq!(
        header(&first.0, "x-lead-importer-delivery"),
        header(&second.0, "x-lead-importer-delivery")
    );
    assert_eq!(header(&first.0, "x-lead-importer-attempt"), "1");
    assert_eq!(header(&second.0, "x-lead-importer-attempt"), "2");
    assert_eq!(header(&second.0, "content-type"), "application/json");
    assert_eq!(
        header(&second.0, "x-lead-importer-signature"),
        imports::alerts::signature("s3cret", &second.1)
    );
    let alert: api::WebhookAlert = serde_json::from_slice(&second.1).unwrap();
    assert_eq!(alert.company, "acme");
    assert!(alert.text.contains("acme"), "{}", alert.text);
    let api::AlertDetail::Drift { findings, .. } = &alert.detail else {
        panic!("{alert:?}");
    };
    assert_eq!(findings[0].kind, api::DriftKind::ColumnMissing);
    let json: serde_json::Value = serde_json::from_slice(&second.1).unwrap();
    assert_eq!(json["kind"], "drift");

    let delivered: bool = sqlx::query_scalar(
        "SELECT delivered_at IS NOT NULL AND last_error IS NULL FROM alert_outbox",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(delivered);
    assert_eq!(posted(&telemetry, "retried"), Some(1.0));
    assert_eq!(posted(&telemetry, "delivered"), Some(1.0));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_failing_receiver_is_tried_again_later_then_given_up(pool: PgPool) {
    seed(&pool).await;
    raise_drift(&pool).await;
    let (receiver, url) = Receiver::start(&[StatusCode::SERVICE_UNAVAILABLE]).await;
    let telemetry = Telemetry::default();
    let retry = Retry {
        base: Duration::from_secs(3600),
        cap: Duration::from_secs(7200),
        max_attempts: 2,
    };
    let webhook = Webhook::new(&url, None, retry, &telemetry).unwrap();
    webhook.deliver_due(&pool).await.unwrap();
    let wait: f64 = sqlx::query_scalar(
        "SELECT extract(epoch FROM next_attempt_at - now())::float8 FROM alert_outbox",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        (3500.0..=3600.0).contains(&wait),
        "next attempt in {wait} s"
    );
    webhook.deliver_due(&pool).await.unwrap();
    assert_eq!(receiver.posts().len(), 1, "not due yet");
    assert!(
        !receiver.posts()[0]
            .0
            .contains_key("x-lead-importer-signature"),
        "unsigned without a secret"
    );

    // An hour later: the second and last attempt.
    let due = "UPDATE alert_outbox SET next_attempt_at = now()";
    sqlx::query(due).execute(&pool).await.unwrap();
    webhook.deliver_due(&pool).await.unwrap();
    let (attempts, gave_up, error): (i32, bool, Option<String>) =
        sqlx::query_as("SELECT attempts, gave_up_at IS NOT NULL, last_error FROM alert_outbox")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (attempts, gave_up, error.as_deref()),
        (2, true, Some("HTTP 503"))
    );
    sqlx::query(due).execute(&pool).await.unwrap();
    webhook.deliver_due(&pool).await.unwrap();
    assert_eq!(receiver.posts().len(), 2, "given up: never again");
    assert_eq!(posted(&telemetry, "retried"), Some(1.0));
    assert_eq!(posted(&telemetry, "gave_up"), Some(1.0));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn old_alerts_stay_unsent_and_an_unreachable_url_is_not_written_down(pool: PgPool) {
    seed(&pool).await;
    raise_drift(&pool).await;
    sqlx::query("UPDATE alert_outbox SET created_at = now() - interval '2 days'")
        .execute(&pool)
        .await
        .unwrap();
    let (receiver, url) = Receiver::start(&[StatusCode::OK]).await;
    let webhook = Webhook::new(&url, None, Retry::default(), &Telemetry::default()).unwrap();
    assert_eq!(webhook.deliver_due(&pool).await.unwrap(), 0);
    assert!(receiver.posts().is_empty(), "a day-old alert is old news");

    // Nothing listens on port 9 of this machine: the connection is refused.
    sqlx::query("DELETE FROM alert_outbox")
        .execute(&pool)
        .await
        .unwrap();
    raise_drift(&pool).await;
    let nowhere = Webhook::new(
        "http://127.0.0.1:9/hooks/secret-path-token",
        None,
        Retry::default(),
        &Telemetry::default(),
    )
    .unwrap();
    nowhere.deliver_due(&pool).await.unwrap();
    let error: String = sqlx::query_scalar("SELECT last_error FROM alert_outbox")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(!error.is_empty());
    assert!(!error.contains("secret-path-token"), "{error}");
}
