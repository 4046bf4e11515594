//! Alerts for teams without Alertmanager: drift findings and failed applies, queued in
//! `alert_outbox` by the work that raises them and posted as JSON ([`api::WebhookAlert`])
//! to `ALERT_WEBHOOK_URL` by the server's delivery loop, retried with exponential back-off.
//!
//! Queuing does not depend on a webhook being configured (the CLI's drift check queues
//! too; the server delivers). Alerts older than a day are not sent, so a webhook set up
//! later does not receive old news. Each post carries `X-Lead-Importer-Delivery` (the same
//! on every retry, for receivers that drop repeats) and, with `ALERT_WEBHOOK_SECRET`,
//! `X-Lead-Importer-Signature: sha256=<hex HMAC of the body>`.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

use crate::telemetry::Telemetry;
use crate::ImportError;
use api::{AlertDetail, WebhookAlert};

/// Alerts claimed per round.
const BATCH: i64 = 20;
/// How long a claimed alert is someone's: longer than a post may take.
const LEASE_SECS: f64 = 60.0;
/// Alerts older than this are not delivered.
const MAX_AGE_SECS: f64 = 24.0 * 3600.0;
/// How long one post may take.
const POST_TIMEOUT: Duration = Duration::from_secs(10);

/// Queues an alert about `company_id` (and an import of it) for the webhook.
pub async fn raise(
    conn: &mut sqlx::PgConnection,
    company_id: Uuid,
    detail: AlertDetail,
) -> Result<(), ImportError> {
    let subject = store::alerts::subject(&mut *conn, company_id, None).await?;
    queue(conn, company_id, subject.company, detail).await
}

/// Writes the alert's row.
async fn queue(
    conn: &mut sqlx::PgConnection,
    company_id: Uuid,
    company: String,
    detail: AlertDetail,
) -> Result<(), ImportError> {
    let text = match &detail {
        AlertDetail::Drift {
            config_version,
            findings,
        } => format!(
            "Lead Importer: {company}'s rules (version {config_version}) and the leads table disagree in {} place(s). First: {}",
            findings.len(),
            findings.first().map_or("", |f| f.message.as_str())
        ),
        AlertDetail::ApplyFailed {
            file_name, reason, ..
        } => format!(
            "Lead Importer: an apply of “{file_name}” failed for {company}. {reason}"
        ),
    };
    let alert = WebhookAlert {
        text,
        company,
        raised_at: time::OffsetDateTime::now_utc(),
        detail,
    };
    let payload = serde_json::to_value(&alert).map_err(ImportError::internal)?;
    store::alerts::enqueue(&mut *conn, Some(company_id), alert.detail.kind(), &payload).await?;
    Ok(())
}

/// Queues the alert of a failed apply (the failure path: outside the apply's transaction,
/// which rolled back). A failure to queue is logged, never the apply's error.
pub async fn apply_failed(pool: &sqlx::PgPool, company_id: Uuid, import_id: Uuid, reason: &str) {
    let queued = async {
        let mut conn = pool.acquire().await?;
        let subject = store::alerts::subject(&mut *conn, company_id, Some(import_id)).await?;
        let detail = AlertDetail::ApplyFailed {
            import_id: import_id.into(),
            file_name: subject.file_name.unwrap_or_default(),
            source: subject.source_key.unwrap_or_default(),
            reason: reason.to_owned(),
        };
        queue(&mut conn, company_id, subject.company, detail).await
    };
    if let Err(e) = queued.await {
        tracing::warn!(error = %e, import = %import_id, "could not queue the failed apply's alert");
    }
}

/// When to try again: `base`, doubling with every failed attempt, at most `cap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    pub base: Duration,
    pub cap: Duration,
    /// Attempts before giving up.
    pub max_attempts: u32,
}

impl Default for Retry {
    /// 30 s, 1, 2, 4 … minutes up to an hour: ten attempts span about five hours.
    fn default() -> Self {
        Retry {
            base: Duration::from_secs(30),
            cap: Duration::from_secs(3600),
            max_attempts: 10,
        }
    }
}

impl Retry {
    /// The wait after the `failed`-th failed attempt (1 for the first).
    pub fn delay(&self, failed: u32) -> Duration {
        let doublings = failed.saturating_sub(1).min(31);
        self.base
            .checked_mul(1u32 << doublings)
            .map_or(self.cap, |d| d.min(self.cap))
    }
}

/// Where alerts go and how.
#[derive(Debug, Clone)]
pub struct Webhook {
    client: reqwest::Client,
    url: reqwest::Url,
    secret: Option<String>,
    pub retry: Retry,
    telemetry: Telemetry,
}

impl Webhook {
    /// A webhook posting to `url` (http or https), signing with `secret` when given and
    /// counting its posts in `telemetry`.
    pub fn new(
        url: &str,
        secret: Option<String>,
        retry: Retry,
        telemetry: &Telemetry,
    ) -> Result<Self, String> {
        let url = reqwest::Url::parse(url).map_err(|e| format!("ALERT_WEBHOOK_URL: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!(
                "ALERT_WEBHOOK_URL: an http or https address, not {}:",
                url.scheme()
            ));
        }
        // The crypto provider rustls uses (ring, as for the database's TLS); installing it
        // a second time is refused harmlessly.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(POST_TIMEOUT)
            .user_agent(concat!("lead-importer/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("the webhook's HTTP client: {e}"))?;
        Ok(Webhook {
            client,
            url,
            secret: secret.filter(|s| !s.is_empty()),
            retry,
            telemetry: telemetry.clone(),
        })
    }

    /// Posts one alert; a non-2xx answer is an error.
    async fn post(&self, alert: &store::alerts::PendingAlert) -> Result<(), String> {
        let body = serde_json::to_vec(&alert.payload).map_err(|e| e.to_string())?;
        let mut request = self
            .client
            .post(self.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("x-lead-importer-delivery", alert.delivery_id.to_string())
            .header("x-lead-importer-attempt", (alert.attempts + 1).to_string());
        if let Some(secret) = &self.secret {
            request = request.header("x-lead-importer-signature", signature(secret, &body));
        }
        // Never the URL in the error: chat webhooks carry their secret in it.
        let answer = request
            .body(body)
            .send()
            .await
            .map_err(|e| e.without_url().to_string())?;
        let status = answer.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("HTTP {}", status.as_u16()))
        }
    }

    /// Posts every alert that is due; answers how many were delivered.
    pub async fn deliver_due(&self, pool: &sqlx::PgPool) -> Result<usize, ImportError> {
        let due = store::alerts::claim_due(pool, BATCH, LEASE_SECS, MAX_AGE_SECS).await?;
        let mut delivered = 0;
        for alert in &due {
            match self.post(alert).await {
                Ok(()) => {
                    store::alerts::mark_delivered(pool, alert.id).await?;
                    self.telemetry.alert_posted("delivered");
                    delivered += 1;
                }
                Err(error) => {
                    let failed = u32::try_from(alert.attempts + 1).unwrap_or(u32::MAX);
                    let give_up = failed >= self.retry.max_attempts;
                    let after = self.retry.delay(failed).as_secs_f64();
                    store::alerts::mark_failed(pool, alert.id, &error, after, give_up).await?;
                    self.telemetry
                        .alert_posted(if give_up { "gave_up" } else { "retried" });
                    tracing::warn!(kind = %alert.kind, attempt = failed, give_up, %error, "alert webhook post failed");
                }
            }
        }
        Ok(delivered)
    }

    /// The delivery loop: every `every`, posts what is due.
    pub async fn deliver_forever(self, pool: sqlx::PgPool, every: Duration) {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(e) = self.deliver_due(&pool).await {
                tracing::warn!(error = %e, "alert delivery round failed");
            }
        }
    }
}

/// `sha256=` and the hex HMAC-SHA256 of `body` under `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    // An HMAC key may have any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256=");
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_the_cap() {
        let r = Retry {
            base: Duration::from_secs(30),
            cap: Duration::from_secs(600),
            max_attempts: 10,
        };
        let waits: Vec<u64> = (1..=7).map(|n| r.delay(n).as_secs()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 600, 600]);
        assert_eq!(r.delay(200), Duration::from_secs(600));
    }

    #[test]
    fn the_signature_is_the_hmac_of_the_body() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn only_http_addresses_are_taken() {
        assert!(Webhook::new(
            "ftp://example.com/x",
            None,
            Retry::default(),
            &Telemetry::default()
        )
        .is_err());
        assert!(Webhook::new("not a url", None, Retry::default(), &Telemetry::default()).is_err());
        assert!(Webhook::new(
            "https://hooks.example.com/T0/B0",
            None,
            Retry::default(),
            &Telemetry::default()
        )
        .is_ok());
    }
}
