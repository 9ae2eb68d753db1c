//! `landed-server`: serve (default), `create-tenant NAME`, `rotate-key`.
//!
//! Zero configuration: `landed-server` creates `landed.db` (SQLite, WAL) and listens on 127.0.0.1:8787.

use clap::{Parser, Subcommand};
use landed_server::{app, AppState, Store};

#[derive(Parser)]
#[command(
    name = "landed-server",
    version,
    about = "Landed-cost quotes, signed, with a settlement ledger"
)]
struct Cli {
    /// Database: sqlite://FILE (created on first start) or postgres://...
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://landed.db",
        global = true
    )]
    database_url: String,
    /// Address to listen on.
    #[arg(long, env = "LANDED_LISTEN", default_value = "127.0.0.1:8787")]
    listen: String,
    /// Honour the X-Landed-Today header (tests and demos only).
    #[arg(long, env = "LANDED_TEST_CLOCK")]
    test_clock: bool,
    /// Rate limit per API key: N/s, N/s,burst=M, or off.
    #[arg(long, env = "LANDED_RATE_LIMIT", default_value_t = landed_server::state::DEFAULT_KEY_RATE)]
    rate_limit: landed_server::limit::Rate,
    /// Rate limit per client IP address: N/s, N/s,burst=M, or off.
    #[arg(long, env = "LANDED_ADDR_RATE_LIMIT", default_value_t = landed_server::state::DEFAULT_ADDR_RATE)]
    addr_rate_limit: landed_server::limit::Rate,
    /// Let webhooks go to loopback addresses, over plain http too (tests only).
    #[arg(long, env = "LANDED_ALLOW_LOOPBACK_WEBHOOKS")]
    allow_loopback_webhooks: bool,
    /// Seconds a client has to send a request's headers (also the idle limit between requests).
    #[arg(long, env = "LANDED_HEADER_TIMEOUT_SECS", default_value_t = 10)]
    header_timeout_secs: u64,
    /// Seconds between inspection-rate scans of every tenant.
    #[arg(long, env = "LANDED_ALERT_SCAN_SECS", default_value_t = 3600)]
    alert_scan_secs: u64,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve HTTP (the default).
    Serve,
    /// Create a platform (tenant) and print its API key (shown once).
    CreateTenant {
        /// The platform's name.
        name: String,
    },
    /// Retire the current signing key and create a new one.
    RotateKey,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let store = Store::connect(&cli.database_url).await?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::CreateTenant { name } => {
            let (id, key) = landed_server::create_tenant(&store, &name).await?;
            eprintln!(
                "tenant {id} ({name}) created; its API key (store it now, it is not shown again):"
            );
            println!("{key}");
        }
        Command::RotateKey => {
            let (new, retired) = store.rotate_key(landed_server::now_micros()).await?;
            println!("{new}");
            eprintln!(
                "new signing key {new}; retired: {}",
                if retired.is_empty() {
                    "none".into()
                } else {
                    retired.join(", ")
                }
            );
        }
        Command::Serve => {
            let state = AppState::new(store.clone(), cli.test_clock)?
                .with_rate_limits(cli.rate_limit, cli.addr_rate_limit)
                .with_loopback_webhooks(cli.allow_loopback_webhooks);
            let now = landed_server::now_micros();
            store.active_key(now).await?;
            let purged = store
                .purge_idempotency(now - landed_server::state::IDEMPOTENCY_TTL_SECS * 1_000_000)
                .await?;
            let listener = tokio::net::TcpListener::bind(&cli.listen).await?;
            tracing::info!(listen = %listener.local_addr()?, database = %redact(&cli.database_url), purged_idempotency = purged, test_clock = cli.test_clock, "landed-server listening");
            // Webhook deliveries from the outbox, and the inspection-rate scans.
            tokio::spawn(landed_server::delivery::run_worker(
                state.clone(),
                std::time::Duration::from_secs(cli.alert_scan_secs.max(60)),
            ));
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                    let cutoff = landed_server::now_micros()
                        - landed_server::state::IDEMPOTENCY_TTL_SECS * 1_000_000;
                    if let Err(e) = store.purge_idempotency(cutoff).await {
                        tracing::warn!(error = %e, "purging idempotency records failed");
                    }
                }
            });
            let opts = landed_server::serve::ServeOptions {
                header_read_timeout: std::time::Duration::from_secs(cli.header_timeout_secs.max(1)),
                ..Default::default()
            };
            landed_server::serve::serve(listener, app(state), opts, async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        }
    }
    Ok(())
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***{}", &url[..s], &url[at..]),
        _ => url.to_string(),
    }
}
