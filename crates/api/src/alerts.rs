//! What the optional alert webhook (`ALERT_WEBHOOK_URL`) receives: one JSON object per
//! alert, tagged by `kind`. `text` is a one-line summary, so a chat incoming webhook that
//! reads only `text` (Slack, Mattermost, Rocket.Chat) shows something useful as it is.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{DriftFinding, ImportId};

/// One alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WebhookAlert {
    /// The one-line summary.
    pub text: String,
    /// The company's slug.
    pub company: String,
    #[serde(with = "crate::timestamp")]
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub raised_at: OffsetDateTime,
    #[serde(flatten)]
    pub detail: AlertDetail,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AlertDetail {
    /// The company's configuration and the `leads` table disagree (a changed report with
    /// findings; the same findings again are not sent twice).
    Drift {
        config_version: i32,
        findings: Vec<DriftFinding>,
    },
    /// An apply failed; nothing of it was written.
    ApplyFailed {
        import_id: ImportId,
        file_name: String,
        source: String,
        /// Why, in words for the user.
        reason: String,
    },
}

impl AlertDetail {
    /// The `kind` tag, also the outbox's kind column.
    pub fn kind(&self) -> &'static str {
        match self {
            AlertDetail::Drift { .. } => "drift",
            AlertDetail::ApplyFailed { .. } => "apply_failed",
        }
    }
}
