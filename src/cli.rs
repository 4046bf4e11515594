//! The command line: `serve` (the default) and the admin commands for operators and
//! scripts (`migrate`, `company add`, `user add`, `token create`, `drift-check`).

use std::io::Read;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use leptos::config::get_configuration;

use crate::config::{DbConfig, ServeConfig};

/// Lead Importer: turn messy partner spreadsheets into clean CRM leads.
#[derive(Debug, Parser)]
#[command(name = "lead-importer", version, about)]
pub struct Cli {
    /// Log format: text or json.
    #[arg(long, env = "LOG_FORMAT", default_value = "text", global = true)]
    pub log_format: String,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app and the REST API (the default).
    Serve {
        #[command(flatten)]
        db: DbConfig,
        #[command(flatten)]
        serve: ServeConfig,
    },
    /// Apply pending database migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DbConfig,
    },
    /// Manage companies.
    Company {
        #[command(subcommand)]
        action: CompanyCommand,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        action: TokenCommand,
    },
    /// Compare every company's active rules with the real leads table; exits 0 when they
    /// agree and 1 with the findings otherwise (kept for GET /api/admin/drift).
    DriftCheck {
        /// Print the reports as JSON instead of lines of text.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DbConfig,
    },
}

#[derive(Debug, Subcommand)]
pub enum CompanyCommand {
    /// Create a company.
    Add {
        /// URL-safe identifier (lower-case letters, digits, dashes).
        slug: String,
        /// Display name.
        #[arg(long)]
        name: String,
        #[command(flatten)]
        db: DbConfig,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user to a company; the password is read from standard input.
    Add {
        #[arg(long)]
        company: String,
        #[arg(long)]
        email: String,
        /// admin or member.
        #[arg(long, default_value = "member")]
        role: String,
        /// Display name.
        #[arg(long, default_value = "")]
        name: String,
        #[command(flatten)]
        db: DbConfig,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a member of a company; printed once, stored hashed.
    Create {
        #[arg(long)]
        company: String,
        #[arg(long)]
        email: String,
        /// A label to recognise the token by.
        #[arg(long)]
        name: String,
        #[command(flatten)]
        db: DbConfig,
    },
    /// List a company's tokens that are not revoked: id, name, owner, created, last used.
    List {
        #[arg(long)]
        company: String,
        #[command(flatten)]
        db: DbConfig,
    },
    /// Revoke a token by its id or name; it is refused from the next request on.
    Revoke {
        #[arg(long)]
        company: String,
        /// The token's id (from `token list`) or its name.
        token: String,
        #[command(flatten)]
        db: DbConfig,
    },
}

/// Runs the parsed command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let command = match cli.command {
        Some(command) => command,
        // `lead-importer` alone serves, reading everything from the environment.
        None => Cli::parse_from(["lead-importer", "serve"])
            .command
            .context("no command")?,
    };
    match command {
        Command::Serve { db, serve } => serve_app(db, serve).await,
        Command::DriftCheck { json, db } => {
            let pool = open(&db).await?;
            let reports = imports::drift::check_all(&pool).await?;
            pool.close().await;
            let findings: usize = reports.iter().map(|(_, r)| r.findings.len()).sum();
            if json {
                let all: serde_json::Map<String, serde_json::Value> = reports
                    .iter()
                    .map(|(slug, r)| Ok((slug.clone(), serde_json::to_value(r)?)))
                    .collect::<Result<_, serde_json::Error>>()?;
                println!("{}", serde_json::Value::Object(all));
            } else {
                for (slug, report) in &reports {
                    if report.in_sync {
                        println!("{slug}: in sync (rules version {})", report.config_version);
                    }
                    for f in &report.findings {
                        println!("{slug}: {}: {}", f.kind.as_str(), f.message);
                    }
                }
            }
            if findings > 0 {
                eprintln!("{findings} drift finding(s)");
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Migrate { db } => {
            let pool = open(&db).await?;
            println!("migrations applied");
            pool.close().await;
            Ok(())
        }
        Command::Company {
            action: CompanyCommand::Add { slug, name, db },
        } => {
            let pool = open(&db).await?;
            let company = auth::create_company(&pool, &slug, &name).await?;
            println!("created company {} ({})", company.slug, company.name);
            Ok(())
        }
        Command::User {
            action:
                UserCommand::Add {
                    company,
                    email,
                    role,
                    name,
                    db,
                },
        } => {
            let role: auth::Role = role.parse()?;
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            let pool = open(&db).await?;
            auth::create_user(
                &pool,
                auth::NewUserInput {
                    company_slug: &company,
                    email: &email,
                    display_name: &name,
                    password,
                    role,
                    added_by: None,
                },
            )
            .await?;
            println!(
                "added {} to {company} as {role}",
                email.trim().to_lowercase()
            );
            Ok(())
        }
        Command::Token {
            action:
                TokenCommand::Create {
                    company,
                    email,
                    name,
                    db,
                },
        } => {
            let pool = open(&db).await?;
            let token = auth::create_api_token(&pool, &company, &email, &name).await?;
            println!("{token}");
            Ok(())
        }
        Command::Token {
            action: TokenCommand::List { company, db },
        } => {
            let pool = open(&db).await?;
            let list = auth::list_tokens(&pool, auth::TokenActor::CommandLine, &company).await?;
            println!("id\tname\towner\tcreated\tlast used");
            for t in list.tokens {
                let last = t.last_used_at.map_or_else(|| "never".to_owned(), rfc3339);
                println!(
                    "{}\t{}\t{}\t{}\t{last}",
                    t.id,
                    t.name,
                    t.owner,
                    rfc3339(t.created_at)
                );
            }
            Ok(())
        }
        Command::Token {
            action: TokenCommand::Revoke { company, token, db },
        } => {
            let pool = open(&db).await?;
            let t =
                auth::revoke_token(&pool, auth::TokenActor::CommandLine, &company, &token).await?;
            println!("revoked {} ({}, {})", t.id, t.name, t.owner);
            Ok(())
        }
    }
}

/// A timestamp as the CLI prints it (UTC, RFC 3339).
fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

/// Connects and migrates: every command works on an up-to-date schema.
async fn open(db: &DbConfig) -> anyhow::Result<sqlx::PgPool> {
    let pool = crate::db::connect(db)
        .await
        .context("connecting to PostgreSQL (is DATABASE_URL right and the server up?)")?;
    store::migrate(&pool).await.context("applying migrations")?;
    Ok(pool)
}

async fn serve_app(db: DbConfig, serve: ServeConfig) -> anyhow::Result<()> {
    let conf = get_configuration(Some(&serve.leptos_config))
        .with_context(|| format!("reading {}", serve.leptos_config))?;
    let mut leptos_options = conf.leptos_options;
    if let Some(addr) = serve.addr {
        leptos_options.site_addr = addr;
    }
    let addr = leptos_options.site_addr;
    crate::http::check_hash_file(&mut leptos_options);
    let pool = open(&db).await?;
    if !serve.no_demo {
        if let Some(demo) = auth::bootstrap_demo(&pool).await? {
            println!(
                "\nFirst start: created the demo company \"{}\".\n  Sign in at http://{addr}/login\n  email:    {}\n  password: {}\n(This password is shown only once.)\n",
                demo.company_slug, demo.email, demo.password
            );
        }
    }
    let files = imports::FileStore::local(&serve.data_dir.join("files"))
        .with_context(|| format!("opening the file store in {}", serve.data_dir.display()))?;
    let limits = intake::Limits {
        max_file_bytes: serve.max_upload_bytes,
        max_zip_ratio: serve.intake_max_zip_ratio,
        max_zip_entry_bytes: serve.intake_max_zip_entry_bytes,
        open_time_budget: std::time::Duration::from_millis(serve.intake_open_budget_ms),
        open_time_per_mib: std::time::Duration::from_millis(serve.intake_open_budget_per_mib_ms),
        read_time_budget: std::time::Duration::from_secs(serve.intake_read_budget_secs),
        ..intake::Limits::default()
    };
    let state = web::server::AppState {
        pool: pool.clone(),
        leptos_options,
        settings: Arc::new(web::server::Settings {
            session_ttl: time::Duration::hours(serve.session_ttl_hours),
            cookie_secure: serve.cookie_secure,
            max_upload_bytes: serve.max_upload_bytes,
            upload_tmp_dir: serve.data_dir.join("tmp"),
            metrics_token: serve.metrics_token.clone(),
        }),
        imports: imports::ImportService {
            pool: pool.clone(),
            files,
            limits,
            telemetry: imports::telemetry::Telemetry::default(),
        },
    };
    if let Some(url) = serve.alert_webhook_url.as_deref().filter(|u| !u.is_empty()) {
        let webhook = imports::alerts::Webhook::new(
            url,
            serve.alert_webhook_secret.clone(),
            imports::alerts::Retry::default(),
            &state.imports.telemetry,
        )
        .map_err(anyhow::Error::msg)?;
        tokio::spawn(webhook.deliver_forever(pool.clone(), std::time::Duration::from_secs(5)));
    }
    spawn_housekeeping(state.imports.clone(), serve.retention_days);
    // Applies are started by the request that asks for them; this worker picks up what
    // nobody is running: jobs queued by a replica that went away, or whose worker crashed.
    tokio::spawn(imports::apply::work_forever(
        state.imports.clone(),
        std::time::Duration::from_secs(5),
    ));
    let app = crate::router::build_router(
        state,
        std::time::Duration::from_secs(serve.request_timeout_secs),
    );
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    tracing::info!(%addr, "listening");
    println!("Lead Importer is listening on http://{addr}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    pool.close().await;
    tracing::info!("shut down cleanly");
    Ok(())
}

/// Once an hour: purges expired sessions and old login failures, and the files and staged
/// rows of imports past the retention period.
fn spawn_housekeeping(imports: imports::ImportService, retention_days: u32) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match store::accounts::purge_expired(&imports.pool).await {
                Ok(n) => tracing::debug!(sessions = n, "purged expired sessions"),
                Err(e) => tracing::warn!(error = %e, "session purge failed"),
            }
            match imports::retention::purge_expired(&imports, retention_days).await {
                Ok(n) if n > 0 => tracing::info!(imports = n, "retention purge"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "retention purge failed"),
            }
            // Nightly; whichever replica claims it first runs it.
            if let Err(e) = imports::drift::run_if_due(&imports.pool).await {
                tracing::warn!(error = %e, "drift check failed");
            }
        }
    });
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests finish before the process exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
