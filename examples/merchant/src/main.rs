//! `cargo run -p merchant-example`: the merchant example's server, on
//! `http://127.0.0.1:3000` by default.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use merchant_example::store::{self, Database, PoolSettings};
use merchant_example::{Config, PublicOrigin, StableMint, WidgetScript};

/// A shop's checkout backend on StableMint: a catalog, orders the server prices, and one
/// payment session per order however often, and on however many replicas, it is
/// retried.
///
/// With no STABLEMINT_* variable, a StableMint sandbox (stablemint-mock) runs inside
/// this process and the page says "Sandbox: no money moves". Setting any of
/// STABLEMINT_API_KEY, STABLEMINT_API_SECRET and STABLEMINT_BASE_URL means production:
/// the key and the secret are then both required, and the sandbox is never used.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// The SQLite file with the orders; created if missing. Ignored with
    /// --database-url.
    #[arg(long, default_value = "merchant.db")]
    db: PathBuf,

    /// The orders database as a URL: postgres://user@host:5432/db for PostgreSQL (what
    /// several replicas share), or sqlite:path. Prefer the environment variable: a
    /// password on the command line is visible to other users.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,

    /// How long one request may wait for the database in all, in seconds; past it the
    /// request is answered 503 with Retry-After.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=60))]
    db_wait: u64,

    /// The most database connections this process opens.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=200))]
    db_connections: u32,

    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:3000")]
    addr: SocketAddr,

    /// An origin the browser reaches the shop at besides the listen address, such as
    /// https://shop.example.com behind a proxy or load balancer (repeatable). Requests
    /// for other hosts are refused.
    #[arg(long = "public-origin")]
    public_origins: Vec<String>,

    /// The URL of StableMint's widget script. The page loads it and its
    /// Content-Security-Policy allows its origin.
    #[arg(long, env = "STABLEMINT_WIDGET_SCRIPT_URL")]
    widget_script_url: Option<String>,

    /// The deadline for one call to StableMint, retries included, in seconds.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=300))]
    call_timeout: u64,

    /// How long requests in flight may take to finish after SIGTERM or Ctrl-C, in
    /// seconds.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    drain_timeout: u64,

    /// How long sandbox sessions live, in seconds (sandbox only; StableMint decides for
    /// itself).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    sandbox_session_ttl: Option<u64>,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    #[cfg_attr(not(feature = "sandbox"), allow(unused_mut))]
    let mut stablemint = StableMint::from_env().map_err(|e| e.to_string())?;
    match (&mut stablemint, args.sandbox_session_ttl) {
        #[cfg(feature = "sandbox")]
        (StableMint::Sandbox(options), ttl) => {
            options.session_ttl = ttl.map(Duration::from_secs);
        }
        (StableMint::Remote { .. }, Some(_)) => {
            return Err(
                "--sandbox-session-ttl applies to the in-process sandbox only, and a \
                 STABLEMINT_* variable is set (production): unset them all to use the sandbox"
                    .into(),
            );
        }
        (StableMint::Remote { .. }, None) => {}
    }
    let widget_script = args
        .widget_script_url
        .as_deref()
        .map(WidgetScript::parse)
        .transpose()
        .map_err(|e| e.to_string())?;
    let public_origins = args
        .public_origins
        .iter()
        .map(|origin| PublicOrigin::parse(origin))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let database = match &args.database_url {
        Some(url) => Database::from_url(url).map_err(|e| e.to_string())?,
        None => store::sqlite(&args.db),
    };
    let sandboxed = stablemint.is_sandbox();
    let mut config = Config::new(database.clone(), stablemint);
    config.addr = args.addr;
    config.public_origins = public_origins;
    config.widget_script = widget_script;
    config.call_timeout = Duration::from_secs(args.call_timeout);
    config.pool = PoolSettings {
        max_connections: args.db_connections,
        wait: Duration::from_secs(args.db_wait),
    };

    let running = merchant_example::start(config)
        .await
        .map_err(|e| e.to_string())?;
    if sandboxed {
        println!(
            "Sandbox: no money moves. No STABLEMINT_* variable is set, so sessions come \
             from a StableMint sandbox (stablemint-mock) inside this process at {}",
            running.stablemint_url()
        );
    } else {
        println!("StableMint: {}", running.stablemint_url());
    }
    println!("Orders: {}", database.shown());
    // Tests and scripts read this line to find the port.
    println!("Listening on {}", running.url());

    let signal = stop_signal().await;
    println!("{signal}: finishing the requests in flight, then stopping");
    let drained = running
        .shutdown_within(Duration::from_secs(args.drain_timeout))
        .await;
    if drained {
        println!("Stopped");
        Ok(())
    } else {
        Err(format!(
            "requests were still in flight after {} s (--drain-timeout); they were cut off",
            args.drain_timeout
        ))
    }
}

/// Waits for Ctrl-C or, on Unix, SIGTERM (what `kill`, systemd and container runtimes
/// send); returns its name.
async fn stop_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => "Ctrl-C",
                    _ = terminate.recv() => "SIGTERM",
                }
            }
            Err(error) => {
                eprintln!(
                    "warning: cannot wait for SIGTERM ({error}); only Ctrl-C stops the server"
                );
                let _ = tokio::signal::ctrl_c().await;
                "Ctrl-C"
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}
