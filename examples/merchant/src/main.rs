//! `cargo run -p merchant-example`: the merchant example's server, on
//! `http://127.0.0.1:3000` by default.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use merchant_example::{Config, StableMint, WidgetScript};

/// A merchant's checkout backend on StableMint: orders in SQLite, one payment session per
/// order however often it is retried.
///
/// Credentials come from the environment only: STABLEMINT_API_KEY and
/// STABLEMINT_API_SECRET (and STABLEMINT_BASE_URL for a server other than production).
/// Without them, a StableMint sandbox (stablemint-mock) runs inside this process.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// The SQLite file with the orders; created if missing.
    #[arg(long, default_value = "merchant.db")]
    db: PathBuf,

    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:3000")]
    addr: SocketAddr,

    /// The URL of StableMint's widget script. The page loads it and its
    /// Content-Security-Policy allows its origin.
    #[arg(long, env = "STABLEMINT_WIDGET_SCRIPT_URL")]
    widget_script_url: Option<String>,

    /// The deadline for one call to StableMint, retries included, in seconds.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=300))]
    call_timeout: u64,

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
    let mut stablemint = StableMint::from_env().map_err(|e| e.to_string())?;
    match (&mut stablemint, args.sandbox_session_ttl) {
        (StableMint::Sandbox(options), ttl) => {
            options.session_ttl = ttl.map(Duration::from_secs);
        }
        (StableMint::Remote { .. }, Some(_)) => {
            return Err(
                "--sandbox-session-ttl applies to the in-process sandbox only: \
                 unset STABLEMINT_API_KEY and STABLEMINT_API_SECRET to use it"
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
    let sandboxed = matches!(stablemint, StableMint::Sandbox(_));
    let mut config = Config::new(args.db.clone(), stablemint);
    config.addr = args.addr;
    config.widget_script = widget_script;
    config.call_timeout = Duration::from_secs(args.call_timeout);

    let running = merchant_example::start(config)
        .await
        .map_err(|e| e.to_string())?;
    if sandboxed {
        println!(
            "StableMint: STABLEMINT_API_KEY and STABLEMINT_API_SECRET are not set, so sessions \
             come from a sandbox (stablemint-mock) running in this process at {}",
            running.stablemint_url()
        );
    } else {
        println!("StableMint: {}", running.stablemint_url());
    }
    println!("Orders: {}", args.db.display());
    // Tests read this line to find the port.
    println!("Listening on {}", running.url());

    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C ({error}); stopping");
    }
    running.shutdown().await;
    Ok(())
}
