//! Logging set-up: `RUST_LOG` filters, `LOG_FORMAT=json` for machine-readable lines.

use tracing_subscriber::EnvFilter;

/// Installs the global tracing subscriber; call once at start-up.
pub fn init(format: &str) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second init (tests) is harmless: the first subscriber stays.
    let _ = if format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
