//! Run-time configuration from flags and environment variables (see `.env.example`).

use std::net::SocketAddr;

use clap::Args;

/// Database settings shared by every command.
#[derive(Debug, Clone, Args)]
pub struct DbConfig {
    /// PostgreSQL connection URL.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: String,
    /// Upper bound on pooled connections per process.
    #[arg(long, env = "DB_MAX_CONNECTIONS", default_value_t = 10)]
    pub db_max_connections: u32,
    /// Statement timeout in milliseconds, set on every connection.
    #[arg(long, env = "DB_STATEMENT_TIMEOUT_MS", default_value_t = 30_000)]
    pub db_statement_timeout_ms: u64,
}

/// Settings of `serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeConfig {
    /// Address to listen on; defaults to `site-addr` in Leptos.toml (127.0.0.1:3000).
    #[arg(long, env = "LEAD_IMPORTER_ADDR")]
    pub addr: Option<SocketAddr>,
    /// Path of the runtime Leptos options file.
    #[arg(long, env = "LEPTOS_CONFIG", default_value = "Leptos.toml")]
    pub leptos_config: String,
    /// Session lifetime in hours.
    #[arg(long, env = "SESSION_TTL_HOURS", default_value_t = 168)]
    pub session_ttl_hours: i64,
    /// Mark cookies `Secure` (set to true when served over HTTPS).
    #[arg(long, env = "COOKIE_SECURE", default_value_t = false)]
    pub cookie_secure: bool,
    /// Seconds a request may take before it is answered with 408.
    #[arg(long, env = "REQUEST_TIMEOUT_SECS", default_value_t = 120)]
    pub request_timeout_secs: u64,
    /// Where original uploads and reports are kept (a local object store).
    #[arg(long, env = "DATA_DIR", default_value = "data")]
    pub data_dir: std::path::PathBuf,
    /// The largest upload accepted, in bytes (default 512 MiB).
    #[arg(long, env = "MAX_UPLOAD_BYTES", default_value_t = 512 * 1024 * 1024)]
    pub max_upload_bytes: u64,
    /// Zip bombs: the largest inflated/compressed ratio of a workbook part, and of all
    /// parts together, once they inflate past 1 MiB (real workbooks: 4–17×).
    #[arg(long, env = "INTAKE_MAX_ZIP_RATIO", default_value_t = 100)]
    pub intake_max_zip_ratio: u64,
    /// The largest inflated size of one workbook part, in bytes (default 1 GiB).
    #[arg(long, env = "INTAKE_MAX_ZIP_ENTRY_BYTES", default_value_t = 1024 * 1024 * 1024)]
    pub intake_max_zip_entry_bytes: u64,
    /// Time opening an upload may take (sniffing, inflation check, sheet choice,
    /// preview), in milliseconds, before it is refused with `file.too_slow`…
    #[arg(long, env = "INTAKE_OPEN_BUDGET_MS", default_value_t = 2000)]
    pub intake_open_budget_ms: u64,
    /// …plus this many milliseconds per MiB of the upload beyond its first 10 MiB.
    #[arg(long, env = "INTAKE_OPEN_BUDGET_PER_MIB_MS", default_value_t = 200)]
    pub intake_open_budget_per_mib_ms: u64,
    /// Time the whole read of one upload may take, in seconds.
    #[arg(long, env = "INTAKE_READ_BUDGET_SECS", default_value_t = 900)]
    pub intake_read_budget_secs: u64,
    /// Days an import's original file and staged rows are kept.
    #[arg(long, env = "RETENTION_DAYS", default_value_t = 30)]
    pub retention_days: u32,
    /// A bearer token `GET /metrics` requires; unset, the scrape is open (serve the port
    /// where only Prometheus reaches it).
    #[arg(long, env = "METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Where alerts are posted as JSON (drift findings, failed applies), retried with
    /// back-off; unset, alerts are only queued (for teams without Alertmanager).
    #[arg(long, env = "ALERT_WEBHOOK_URL", hide_env_values = true)]
    pub alert_webhook_url: Option<String>,
    /// Signs every alert post: `X-Lead-Importer-Signature: sha256=<HMAC of the body>`.
    #[arg(long, env = "ALERT_WEBHOOK_SECRET", hide_env_values = true)]
    pub alert_webhook_secret: Option<String>,
    /// Skip creating the demo company on an empty database.
    #[arg(long, env = "NO_DEMO", default_value_t = false)]
    pub no_demo: bool,
}
