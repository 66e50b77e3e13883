//! The merchant example's checkout page, driven in headless Chromium through WebDriver
//! (chromedriver), against apps and sandboxes this process starts on `127.0.0.1`.
//!
//! `scripts/browser-test.sh` installs Chromium and chromedriver, builds this and runs
//! it; it is not part of `cargo test`. Each case prints `ok` or what failed; a screenshot
//! of each state goes to `--screenshots` (`target/browser-test` by default).
//!
//! This file is the driver: it starts what the cases run against ([`World`]) and runs
//! the cases ([`cases`]) one after another.

mod browser;
mod cases;
mod servers;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use merchant_example::payments::{Sandbox, SandboxOptions};
use merchant_example::{Running, WidgetScript};

use browser::{Browser, Context, Outcome};
use cases::{
    altered_amount, csp, database_busy, double_click, expired_session, far_future_expiry,
    happy_path, hostile_error, invalid_email, lost_answer, status_503,
};
use servers::Local;

/// Drives the merchant example's checkout page in headless Chromium.
#[derive(Debug, Parser)]
struct Args {
    /// The Chromium binary.
    #[arg(long, default_value = "/usr/bin/chromium")]
    chromium: PathBuf,
    /// The chromedriver binary.
    #[arg(long, default_value = "/usr/bin/chromedriver")]
    chromedriver: PathBuf,
    /// Where the screenshots go.
    #[arg(long, default_value = "target/browser-test")]
    screenshots: PathBuf,
}

/// Everything the cases use.
struct World {
    browser: Browser,
    /// The shop, on a sandbox with the default session lifetime.
    shop: Running,
    /// The same shop on a sandbox whose sessions live 3 s, for the expiry case.
    short: Running,
    /// The shop on a StableMint that answers with hostile markup.
    hostile: Running,
    /// The shop on a StableMint whose sessions expire at the end of time.
    forever: Running,
    /// The shop on a sandbox behind a recorder of what the shop sends.
    recorded: Running,
    /// What the recorder saw.
    sent: servers::Recorded,
    /// The sandbox behind the recorder.
    recorded_sandbox: Sandbox,
    widget: WidgetScript,
    /// Every console entry of the run.
    console: Vec<String>,
    _servers: Vec<Local>,
    dir: tempfile::TempDir,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let started = Instant::now();
    let mut world = match setup(&args).await {
        Ok(world) => world,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "set up in {:.1} s: shop at {}, widget origin {}",
        started.elapsed().as_secs_f64(),
        world.shop.url(),
        world.widget.origin()
    );

    let mut failed = 0;
    let mut passed = 0;
    macro_rules! case {
        ($name:literal, $case:ident) => {{
            let start = Instant::now();
            let outcome = $case(&mut world).await;
            let outcome = match world.browser.console().await {
                Ok(entries) => {
                    world.console.extend(entries);
                    outcome
                }
                Err(error) => outcome.and(Err(error)),
            };
            let seconds = start.elapsed().as_secs_f64();
            match outcome {
                Ok(()) => {
                    passed += 1;
                    println!("case {}: ok ({seconds:.1} s)", $name);
                }
                Err(error) => {
                    failed += 1;
                    println!("case {}: FAILED ({seconds:.1} s): {error}", $name);
                    if let Ok(path) = world
                        .browser
                        .shot(concat!("failed-", stringify!($case)))
                        .await
                    {
                        println!("  screenshot: {}", path.display());
                    }
                }
            }
        }};
    }
    case!(
        "the happy path shows the server's total, then the session",
        happy_path
    );
    case!(
        "an invalid e-mail shows the error at the field",
        invalid_email
    );
    case!(
        "a 503 from StableMint shows a message and a reference, and a retry creates one session",
        status_503
    );
    case!(
        "a lost answer, then a retry, gives the same session",
        lost_answer
    );
    case!(
        "a locked database shows a message and a reference, and a retry works",
        database_busy
    );
    case!(
        "StableMint refusing shows a reference and nothing of its text",
        hostile_error
    );
    case!(
        "a request altered to carry an amount is refused; the session's amount is the order's",
        altered_amount
    );
    case!(
        "an expiry at the end of time shows the session without a countdown",
        far_future_expiry
    );
    case!("an expired session is replaced", expired_session);
    case!("a double click on Pay creates one session", double_click);
    case!(
        "the CSP header is present, scripts come from the shop only, no CSP violation",
        csp
    );

    let World {
        browser,
        shop,
        short,
        hostile,
        forever,
        recorded,
        recorded_sandbox,
        console,
        ..
    } = world;
    // Failed loads of the API's error answers are expected here; anything else is
    // worth a look.
    println!("browser console: {} entries over the run", console.len());
    for entry in &console {
        println!("  {entry}");
    }
    browser.close().await;
    for app in [shop, short, hostile, forever, recorded] {
        app.shutdown().await;
    }
    recorded_sandbox.shutdown().await;
    println!("screenshots: {}", args.screenshots.display());
    println!("wall time: {:.1} s", started.elapsed().as_secs_f64());
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Starts the servers, the apps and the browser the cases use.
async fn setup(args: &Args) -> Outcome<World> {
    let dir = tempfile::tempdir().doing("making a directory for the databases")?;
    let widget_origin = servers::widget_origin().await?;
    let widget = WidgetScript::parse(&format!("{}/widget.js", widget_origin.url))
        .doing("the widget stand-in's URL")?;
    let hostile_stablemint = servers::hostile_stablemint().await?;
    let forever_stablemint = servers::fixed_session_stablemint(i64::MAX).await?;
    let recorded_sandbox = Sandbox::start(
        SandboxOptions::with_credentials(servers::KEY, servers::SECRET),
        std::sync::Arc::new(std::time::SystemTime::now),
    )
    .await
    .doing("starting the recorded sandbox")?;
    let (recorder, sent) = servers::recorder(recorded_sandbox.base_url()).await?;
    let shop = servers::app(dir.path(), "shop", servers::sandbox(None), &widget).await?;
    let short = servers::app(
        dir.path(),
        "short",
        servers::sandbox(Some(Duration::from_secs(3))),
        &widget,
    )
    .await?;
    let hostile = servers::app(
        dir.path(),
        "hostile",
        servers::remote(&hostile_stablemint.url),
        &widget,
    )
    .await?;
    let forever = servers::app(
        dir.path(),
        "forever",
        servers::remote(&forever_stablemint.url),
        &widget,
    )
    .await?;
    let recorded = servers::app(
        dir.path(),
        "recorded",
        servers::remote(&recorder.url),
        &widget,
    )
    .await?;
    let browser =
        Browser::start(&args.chromedriver, &args.chromium, args.screenshots.clone()).await?;
    Ok(World {
        browser,
        shop,
        short,
        hostile,
        forever,
        recorded,
        sent,
        recorded_sandbox,
        widget,
        console: Vec::new(),
        _servers: vec![
            widget_origin,
            hostile_stablemint,
            forever_stablemint,
            recorder,
        ],
        dir,
    })
}
