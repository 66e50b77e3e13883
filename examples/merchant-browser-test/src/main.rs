//! The merchant example's checkout page, driven in headless Chromium through WebDriver
//! (chromedriver), against apps and sandboxes this process starts on `127.0.0.1`.
//!
//! `scripts/browser-test.sh` installs Chromium and chromedriver, builds this and runs
//! it; it is not part of `cargo test`. Each case prints `ok` or what failed; a screenshot
//! of each state goes to `--screenshots` (`target/browser-test` by default).

mod browser;
mod servers;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use merchant_example::payments::{ATTEMPTS_PER_CALL, Sandbox};
use merchant_example::{Running, WidgetScript, page};

use browser::{Browser, Context, Outcome, is_csp_violation};
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
    widget: WidgetScript,
    /// Every console entry of the run.
    console: Vec<String>,
    _servers: Vec<Local>,
    _dir: tempfile::TempDir,
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
    case!("the happy path shows the session", happy_path);
    case!(
        "an invalid e-mail shows the error at the field",
        invalid_email
    );
    case!(
        "a 503 from StableMint is retried and creates one session",
        status_503
    );
    case!(
        "a lost answer, then a retry, gives the same session",
        lost_answer
    );
    case!("an expired session is replaced", expired_session);
    case!("a double click on Pay creates one session", double_click);
    case!("StableMint's error text is shown as text", hostile_error);
    case!(
        "the CSP header is present and the console shows no CSP violation",
        csp
    );

    let World {
        browser,
        shop,
        short,
        hostile,
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
    for app in [shop, short, hostile] {
        app.shutdown().await;
    }
    println!("screenshots: {}", args.screenshots.display());
    println!("wall time: {:.1} s", started.elapsed().as_secs_f64());
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

async fn setup(args: &Args) -> Outcome<World> {
    let dir = tempfile::tempdir().doing("making a directory for the databases")?;
    let widget_origin = servers::widget_origin().await?;
    let widget = WidgetScript::parse(&format!("{}/widget.js", widget_origin.url))
        .doing("the widget stand-in's URL")?;
    let hostile_stablemint = servers::hostile_stablemint().await?;
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
    let browser =
        Browser::start(&args.chromedriver, &args.chromium, args.screenshots.clone()).await?;
    Ok(World {
        browser,
        shop,
        short,
        hostile,
        widget,
        console: Vec::new(),
        _servers: vec![widget_origin, hostile_stablemint],
        _dir: dir,
    })
}

fn sandbox(app: &Running) -> Outcome<&Sandbox> {
    app.sandbox()
        .ok_or_else(|| "this app has no sandbox".to_owned())
}

/// Fails with `message` unless `condition` holds.
fn check(condition: bool, message: impl FnOnce() -> String) -> Outcome<()> {
    if condition { Ok(()) } else { Err(message()) }
}

/// Fails unless `actual == expected`, naming `what`.
fn check_eq<T: PartialEq + std::fmt::Debug>(what: &str, actual: T, expected: T) -> Outcome<()> {
    check(actual == expected, || {
        format!("{what}: expected {expected:?}, got {actual:?}")
    })
}

const EMAIL: &str = "jane.doe@example.com";

/// Opens `app`'s page and fills in a valid order.
async fn valid_order(w: &World, app: &Running) -> Outcome<String> {
    w.browser.open(&app.url()).await?;
    w.browser.fill(EMAIL, "DE", "25.00", "EUR").await?;
    w.browser.text("#order-id").await
}

/// Waits for the session and checks what the page shows of it against the database:
/// returns the session id.
async fn shown_session(w: &World, app: &Running, order_id: &str) -> Outcome<String> {
    w.browser.wait_visible("#session").await?;
    let id = w.browser.text("#session-id").await?;
    check(id.len() == 36 && id.matches('-').count() == 4, || {
        format!("the session id {id:?} is not a UUID")
    })?;
    let reference = w.browser.text("#session-reference").await?;
    check(reference.starts_with("SM-"), || {
        format!("the reference {reference:?} is not StableMint's")
    })?;
    let stored = app
        .store()
        .order(order_id)
        .doing("reading the order")?
        .and_then(|order| order.session)
        .ok_or_else(|| format!("no session stored for {order_id}"))?;
    check_eq("the stored session id", stored.id.as_str(), id.as_str())?;
    check_eq(
        "the stored reference",
        stored.reference.as_str(),
        reference.as_str(),
    )?;
    let slot = w.browser.find("#stablemint-widget").await?;
    let slot_id = slot
        .attr("data-session-id")
        .await
        .doing("reading the widget slot")?;
    check_eq(
        "the widget slot's session id",
        slot_id.as_deref(),
        Some(id.as_str()),
    )?;
    Ok(id)
}

async fn happy_path(w: &mut World) -> Outcome<()> {
    let sandbox = sandbox(&w.shop)?;
    let before = sandbox.sessions_created();
    let order_id = valid_order(w, &w.shop).await?;
    w.browser.shot("checkout-form").await?;
    // A slow answer, so that the loading state can be seen.
    sandbox
        .delay_next_answers(1, Duration::from_secs(2))
        .doing("arming a delay")?;
    w.browser.click("#pay").await?;
    check(w.browser.visible("#loading").await?, || {
        "no loading state while the session is created".into()
    })?;
    let pay_enabled = w.browser.enabled("#pay").await?;
    check(!pay_enabled, || "Pay is still enabled while pending".into())?;
    w.browser.shot("loading").await?;

    shown_session(w, &w.shop, &order_id).await?;
    let countdown = w.browser.text("#session-countdown").await?;
    check(
        countdown.starts_with("in 14:") || countdown == "in 15:00",
        || format!("the countdown reads {countdown:?}"),
    )?;
    check(!w.browser.visible("#loading").await?, || {
        "the loading state stayed".into()
    })?;
    let loaded = w
        .browser
        .run("return window.widgetScriptLoaded === true;")
        .await?;
    check_eq(
        "the widget script ran",
        loaded,
        serde_json::Value::Bool(true),
    )?;
    check_eq("sessions created", sandbox.sessions_created(), before + 1)?;
    w.browser.shot("session").await?;
    Ok(())
}

async fn invalid_email(w: &mut World) -> Outcome<()> {
    let sandbox = sandbox(&w.shop)?;
    let requests = sandbox.requests_received();
    w.browser.open(&w.shop.url()).await?;
    w.browser.fill("jane.doe@", "DE", "25.00", "EUR").await?;
    w.browser.click("#pay").await?;
    let error = w.browser.wait_visible("#userEmail-error").await?;
    let message = error.text().await.doing("reading the e-mail error")?;
    check(message.contains("not a valid e-mail address"), || {
        format!("the e-mail error reads {message:?}")
    })?;
    let invalid = w
        .browser
        .find("#userEmail")
        .await?
        .attr("aria-invalid")
        .await
        .doing("reading aria-invalid")?;
    check_eq("#userEmail aria-invalid", invalid.as_deref(), Some("true"))?;
    for other in ["#userCountryCode-error", "#amount-error", "#currency-error"] {
        check(!w.browser.visible(other).await?, || {
            format!("{other} is shown")
        })?;
    }
    let pay_enabled = w.browser.enabled("#pay").await?;
    check(pay_enabled, || {
        "Pay stays disabled after a field error".into()
    })?;
    check_eq(
        "requests to StableMint",
        sandbox.requests_received(),
        requests,
    )?;
    w.browser.shot("invalid-email").await?;
    Ok(())
}

async fn status_503(w: &mut World) -> Outcome<()> {
    // Every attempt of the first call fails; the client's own retries do not help.
    failure_then_retry(
        w,
        "stablemint-503",
        |sandbox| sandbox.fail_next_with_status(ATTEMPTS_PER_CALL, 503),
        "HTTP 503",
        0,
    )
    .await
}

async fn lost_answer(w: &mut World) -> Outcome<()> {
    // StableMint creates the session, and every answer about it is lost.
    failure_then_retry(
        w,
        "answer-lost",
        |sandbox| sandbox.lose_next_answers(ATTEMPTS_PER_CALL),
        "did not answer",
        1,
    )
    .await
}

/// Pay with every attempt of the call failing as `arm` makes it fail: the page shows a
/// failure that says `says`, with a retry button, and StableMint has created
/// `created_by_failure` sessions. Then the retry shows one session for the order, and
/// no second one was created.
async fn failure_then_retry(
    w: &mut World,
    name: &str,
    arm: impl FnOnce(&Sandbox) -> Result<(), String>,
    says: &str,
    created_by_failure: usize,
) -> Outcome<()> {
    let sandbox = sandbox(&w.shop)?;
    let (sessions, requests) = (sandbox.sessions_created(), sandbox.requests_received());
    let order_id = valid_order(w, &w.shop).await?;
    arm(sandbox).doing("arming the faults")?;
    w.browser.click("#pay").await?;
    w.browser.wait_visible("#failure").await?;
    let message = w.browser.text("#failure-message").await?;
    check(message.contains(says), || {
        format!("the failure reads {message:?}")
    })?;
    check(w.browser.visible("#retry").await?, || {
        "no retry button".into()
    })?;
    check_eq(
        "sessions after the failure",
        sandbox.sessions_created(),
        sessions + created_by_failure,
    )?;
    w.browser.shot(name).await?;

    w.browser.click("#retry").await?;
    shown_session(w, &w.shop, &order_id).await?;
    check_eq("sessions created", sandbox.sessions_created(), sessions + 1)?;
    check_eq(
        "requests to StableMint",
        sandbox.requests_received(),
        requests + ATTEMPTS_PER_CALL + 1,
    )?;
    check(!w.browser.visible("#failure").await?, || {
        "the failure stayed".into()
    })?;
    w.browser.shot(&format!("after-{name}-retry")).await?;
    Ok(())
}

async fn expired_session(w: &mut World) -> Outcome<()> {
    let sandbox = sandbox(&w.short)?;
    let order_id = valid_order(w, &w.short).await?;
    w.browser.click("#pay").await?;
    let first = shown_session(w, &w.short, &order_id).await?;
    w.browser.wait_visible("#session-expired").await?;
    let countdown = w.browser.text("#session-countdown").await?;
    check_eq("the countdown", countdown.as_str(), "expired")?;
    check(!w.browser.visible("#stablemint-widget").await?, || {
        "the widget slot is still shown for an expired session".into()
    })?;
    w.browser.shot("expired").await?;

    w.browser.click("#renew").await?;
    w.browser
        .wait_text("#session-id", |id| !id.is_empty() && id != first)
        .await?;
    let second = shown_session(w, &w.short, &order_id).await?;
    check_eq(
        "the order id",
        w.browser.text("#order-id").await?,
        order_id.clone(),
    )?;
    check_eq("sessions created", sandbox.sessions_created(), 2)?;
    let replaced: Vec<String> = w
        .short
        .store()
        .replaced_sessions(&order_id)
        .doing("reading replaced sessions")?
        .into_iter()
        .map(|session| session.id)
        .collect();
    check_eq("replaced sessions", replaced, vec![first])?;
    check(!second.is_empty(), || "no new session".into())?;
    w.browser.shot("renewed").await?;
    Ok(())
}

async fn double_click(w: &mut World) -> Outcome<()> {
    let sandbox = sandbox(&w.shop)?;
    let (sessions, checkouts) = (sandbox.sessions_created(), w.shop.checkout_requests());
    let order_id = valid_order(w, &w.shop).await?;
    sandbox
        .delay_next_answers(1, Duration::from_secs(1))
        .doing("arming a delay")?;
    let pay = w.browser.find("#pay").await?;
    let clicks = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: pay,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    w.browser
        .client
        .perform_actions(clicks)
        .await
        .doing("double-clicking Pay")?;
    shown_session(w, &w.shop, &order_id).await?;
    check_eq(
        "requests to the backend",
        w.shop.checkout_requests(),
        checkouts + 1,
    )?;
    check_eq("sessions created", sandbox.sessions_created(), sessions + 1)?;
    w.browser.shot("double-click").await?;
    Ok(())
}

async fn hostile_error(w: &mut World) -> Outcome<()> {
    valid_order(w, &w.hostile).await?;
    w.browser.click("#pay").await?;
    w.browser.wait_visible("#failure").await?;
    let detail = w.browser.text("#failure-detail").await?;
    check(detail.contains(servers::HOSTILE_MESSAGE), || {
        format!("the detail does not show the message as text: {detail:?}")
    })?;
    let injected = w
        .browser
        .client
        .find_all(fantoccini::Locator::Css("#failure img, #failure b"))
        .await
        .doing("looking for injected elements")?;
    check_eq("elements made from the message", injected.len(), 0)?;
    w.browser.shot("hostile-error").await?;
    Ok(())
}

async fn csp(w: &mut World) -> Outcome<()> {
    let expected = page::content_security_policy(Some(&w.widget));
    for path in ["/", page::SCRIPT_PATH, "/api/checkout"] {
        let (_, headers, _) = browser::get(&format!("{}{path}", w.shop.url())).await?;
        let policy = headers
            .get("content-security-policy")
            .and_then(|value| value.to_str().ok());
        check_eq(
            &format!("the Content-Security-Policy of {path}"),
            policy,
            Some(expected.as_str()),
        )?;
    }
    let violations: Vec<&String> = w.console.iter().filter(|e| is_csp_violation(e)).collect();
    check(violations.is_empty(), || {
        format!("CSP violations in the console: {violations:?}")
    })?;

    // The control: an inline script is refused, and the refusal reaches the log that
    // was just found clean. Without it, a log that never reports anything would pass.
    w.browser.open(&w.shop.url()).await?;
    let ran = w
        .browser
        .run(
            "const s = document.createElement('script'); \
             s.textContent = 'window.inlineScriptRan = true;'; \
             document.head.append(s); \
             return window.inlineScriptRan === true;",
        )
        .await?;
    check_eq("an inline script ran", ran, serde_json::Value::Bool(false))?;
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let entries = w.browser.console().await?;
        if entries.iter().any(|e| is_csp_violation(e)) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(
                "the refused inline script left no CSP violation in the log, so the \
                        log cannot show violations"
                    .into(),
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
