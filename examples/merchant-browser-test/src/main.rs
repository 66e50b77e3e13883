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
use merchant_example::catalog::format_money;
use merchant_example::payments::{ATTEMPTS_PER_CALL, Sandbox, SandboxOptions};
use merchant_example::{Running, WidgetScript, page};
use serde_json::{Value, json};
use sqlx::{Connection, Executor};
use stablemint_mock::Answer;

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

/// The cart the cases order: 2 × 12.50 + 1 × 6.50.
const CART: [(&str, u32); 2] = [("espresso-beans", 2), ("paper-filters", 1)];
/// Its total as the page must show it.
const CART_TOTAL: &str = "31.50 EUR";

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

/// Fails if `text`, shown to the shopper, holds anything meant for the operator.
fn no_internals(what: &str, text: &str) -> Outcome<()> {
    let lower = text.to_lowercase();
    for internal in [
        "http",
        "127.0.0.1",
        "req_",
        "order:",
        "idempotency",
        "attempt",
        "api_key",
        "signature",
        "secret",
        "stablemint answered",
        "<img",
        servers::KEY,
        EMAIL,
    ] {
        check(!lower.contains(internal), || {
            format!("{what} shows {internal:?} to the shopper: {text:?}")
        })?;
    }
    Ok(())
}

/// Opens `app`'s page, orders [`CART`], checks the total the page shows against the
/// order the server stored, and fills in the payment form; returns the order id.
async fn valid_order(w: &World, app: &Running) -> Outcome<String> {
    w.browser.open(&app.url()).await?;
    let order_id = w.browser.order(&CART).await?;
    let shown = w.browser.text("#order-total").await?;
    let stored = app
        .store()
        .order(&order_id)
        .await
        .doing("reading the order")?
        .ok_or_else(|| format!("the order {order_id} is not stored"))?;
    check_eq(
        "the total shown",
        shown.as_str(),
        format_money(stored.total_minor, &stored.currency).as_str(),
    )?;
    check_eq("the total", shown.as_str(), CART_TOTAL)?;
    w.browser.fill(EMAIL, "DE").await?;
    Ok(order_id)
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
        .await
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
    w.browser.open(&w.shop.url()).await?;
    let banner = w.browser.text("#sandbox-banner").await?;
    check(banner.starts_with(page::SANDBOX_BANNER), || {
        format!("the sandbox banner reads {banner:?}")
    })?;
    w.browser.shot("catalog").await?;
    let order_id = valid_order(w, &w.shop).await?;
    let lines = w
        .browser
        .client
        .find_all(fantoccini::Locator::Css("#order-lines tr"))
        .await
        .doing("reading the order's lines")?;
    check_eq("order lines shown", lines.len(), CART.len())?;
    w.browser.shot("order-and-payment-form").await?;
    // A slow answer, so that the loading state can be seen.
    let slow = Answer::process().delayed(Duration::from_secs(2));
    sandbox
        .script("createEmbeddedSession", [slow])
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
    check_eq("the widget script ran", loaded, Value::Bool(true))?;
    check_eq("sessions created", sandbox.sessions_created(), before + 1)?;
    w.browser.shot("session").await?;
    Ok(())
}

async fn invalid_email(w: &mut World) -> Outcome<()> {
    let sandbox = sandbox(&w.shop)?;
    let requests = sandbox.requests_received();
    w.browser.open(&w.shop.url()).await?;
    w.browser.order(&CART).await?;
    w.browser.fill("jane.doe@", "DE").await?;
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
    check(!w.browser.visible("#userCountryCode-error").await?, || {
        "#userCountryCode-error is shown".into()
    })?;
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
        Answer::status(503).times(ATTEMPTS_PER_CALL),
        0,
    )
    .await
}

async fn lost_answer(w: &mut World) -> Outcome<()> {
    // StableMint creates the session, and every answer about it is lost.
    failure_then_retry(
        w,
        "answer-lost",
        Answer::drop_after_processing().times(ATTEMPTS_PER_CALL),
        1,
    )
    .await
}

/// Checks the failure the page shows: a message, a support reference, nothing for the
/// operator; returns the message.
async fn shown_failure(w: &World, retryable: bool) -> Outcome<String> {
    w.browser.wait_visible("#failure").await?;
    let message = w.browser.text("#failure-message").await?;
    let reference = w.browser.text("#failure-reference-code").await?;
    check(
        reference.starts_with("SR-") && reference.len() == 15,
        || format!("the support reference reads {reference:?}"),
    )?;
    let whole = w.browser.text("#failure").await?;
    no_internals("the failure", &whole)?;
    check_eq(
        "the retry button",
        w.browser.visible("#retry").await?,
        retryable,
    )?;
    Ok(message)
}

/// Pay with every attempt of the call failing as `arm` makes it fail: the page shows a
/// failure with a message, a support reference and a retry button, and StableMint has
/// created `created_by_failure` sessions. Then the retry shows one session for the
/// order, and no second one was created.
async fn failure_then_retry(
    w: &mut World,
    name: &str,
    failure: Answer,
    created_by_failure: usize,
) -> Outcome<()> {
    let sandbox = sandbox(&w.shop)?;
    let (sessions, requests) = (sandbox.sessions_created(), sandbox.requests_received());
    let order_id = valid_order(w, &w.shop).await?;
    sandbox
        .script("createEmbeddedSession", [failure])
        .doing("arming the faults")?;
    w.browser.click("#pay").await?;
    let message = shown_failure(w, true).await?;
    check(message.contains("try again in a moment"), || {
        format!("the failure reads {message:?}")
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

async fn database_busy(w: &mut World) -> Outcome<()> {
    let order_id = valid_order(w, &w.shop).await?;
    let path = w.dir.path().join("shop.db");
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .doing("opening the shop's database beside it")?;
    other
        .execute("BEGIN EXCLUSIVE")
        .await
        .doing("locking the database")?;
    w.browser.click("#pay").await?;
    let shown = shown_failure(w, true).await;
    let shot = w.browser.shot("database-busy").await;
    other
        .execute("ROLLBACK")
        .await
        .doing("unlocking the database")?;
    drop(other);
    let message = shown?;
    shot?;
    check(message.contains("busy"), || {
        format!("the failure reads {message:?}")
    })?;
    w.browser.click("#retry").await?;
    shown_session(w, &w.shop, &order_id).await?;
    Ok(())
}

async fn hostile_error(w: &mut World) -> Outcome<()> {
    valid_order(w, &w.hostile).await?;
    w.browser.click("#pay").await?;
    let message = shown_failure(w, false).await?;
    check(message.contains("contact us"), || {
        format!("the failure reads {message:?}")
    })?;
    let whole = w.browser.text("#failure").await?;
    check(!whole.contains("bold"), || {
        format!("StableMint's text reached the shopper: {whole:?}")
    })?;
    let injected = w
        .browser
        .client
        .find_all(fantoccini::Locator::Css("#failure img, #failure b"))
        .await
        .doing("looking for injected elements")?;
    check_eq("elements made from the message", injected.len(), 0)?;
    w.browser.shot("stablemint-refused").await?;
    Ok(())
}

/// `fetch(path)` from the page with `body`, as a tampering shopper would send it from
/// the console; returns the status and the JSON answer.
async fn tampered(w: &World, path: &str, body: &Value) -> Outcome<(u64, Value)> {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         fetch({path}, {{ method: 'POST', headers: {{ 'Content-Type': 'application/json' }},
           body: JSON.stringify({body}) }})
           .then((r) => r.json().then((b) => done([r.status, b])))
           .catch((e) => done(['error', String(e)]));",
        path = serde_json::to_string(path).doing("quoting the path")?,
    );
    let answer = w.browser.run_async(&script).await?;
    let status = answer[0]
        .as_u64()
        .ok_or_else(|| format!("the tampered request failed: {answer}"))?;
    Ok((status, answer[1].clone()))
}

async fn altered_amount(w: &mut World) -> Outcome<()> {
    let order_id = valid_order(w, &w.recorded).await?;
    // A price in the order, an amount or a currency in the checkout: each refused.
    let (status, body) = tampered(
        w,
        "/api/orders",
        &json!({"items": [{"productId": "espresso-beans", "quantity": 1, "price": 1}]}),
    )
    .await?;
    check_eq("the status of an order with a price", status, 400)?;
    check_eq(
        "the refused field",
        &body["errors"][0]["pointer"],
        &json!("/items/0/price"),
    )?;
    let (status, body) = tampered(
        w,
        "/api/checkout",
        &json!({"orderId": order_id, "userEmail": EMAIL, "userCountryCode": "DE",
                "amount": "0.01", "currency": "EUR"}),
    )
    .await?;
    check_eq("the status of a checkout with an amount", status, 400)?;
    check_eq(
        "the refused fields",
        body["errors"].as_array().map(|errors| {
            errors
                .iter()
                .map(|e| e["pointer"].clone())
                .collect::<Vec<_>>()
        }),
        Some(vec![json!("/amount"), json!("/currency")]),
    )?;
    check_eq(
        "requests that reached StableMint",
        w.sent.lock().map(|sent| sent.len()).unwrap_or(usize::MAX),
        0,
    )?;

    w.browser.click("#pay").await?;
    shown_session(w, &w.recorded, &order_id).await?;
    let sent = w.sent.lock().map(|sent| sent.clone()).unwrap_or_default();
    check_eq("requests that reached StableMint", sent.len(), 1)?;
    check_eq("the session's amount", &sent[0]["amount"], &json!(31.5))?;
    check_eq(
        "the session's currency",
        &sent[0]["currency"],
        &json!("EUR"),
    )?;
    check_eq(
        "the session's order",
        &sent[0]["websiteReference"],
        &json!(order_id),
    )?;
    w.browser.shot("altered-amount-refused-then-paid").await?;
    Ok(())
}

async fn far_future_expiry(w: &mut World) -> Outcome<()> {
    let order_id = valid_order(w, &w.forever).await?;
    w.browser.click("#pay").await?;
    shown_session(w, &w.forever, &order_id).await?;
    let countdown = w.browser.text("#session-countdown").await?;
    check_eq("the countdown", countdown.as_str(), "no end given")?;
    let at = w.browser.text("#session-expires-at").await?;
    check_eq("the expiry shown", at.as_str(), "")?;
    let entries = w.browser.console().await?;
    let errors: Vec<&String> = entries
        .iter()
        .filter(|e| e.contains("Uncaught") || e.contains("RangeError"))
        .collect();
    w.console.extend(entries.iter().cloned());
    check(errors.is_empty(), || format!("the page threw: {errors:?}"))?;
    w.browser.shot("expiry-at-the-end-of-time").await?;
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
        .await
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
    let slow = Answer::process().delayed(Duration::from_secs(1));
    sandbox
        .script("createEmbeddedSession", [slow])
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

    // Every script of the page is a file from the shop's origin (or the configured
    // widget's), none inline, and no element carries an event handler attribute.
    w.browser.open(&w.shop.url()).await?;
    let scripts = w
        .browser
        .run("return Array.from(document.scripts).map((s) => [s.src, s.text.length]);")
        .await?;
    let scripts = scripts.as_array().cloned().unwrap_or_default();
    check(!scripts.is_empty(), || "the page has no script".into())?;
    let own = format!("{}/", w.shop.url());
    for script in &scripts {
        let src = script[0].as_str().unwrap_or_default();
        check(
            src.starts_with(&own) || src.starts_with(w.widget.origin()),
            || format!("a script from elsewhere: {script}"),
        )?;
        check_eq("an inline script's length", script[1].as_u64(), Some(0))?;
    }
    let handlers = w
        .browser
        .run(
            "return Array.from(document.querySelectorAll('*')).flatMap((e) => \
             Array.from(e.attributes).map((a) => a.name)).filter((n) => n.startsWith('on'));",
        )
        .await?;
    check_eq("inline event handlers", handlers, json!([]))?;

    // The control: an inline script is refused, and the refusal reaches the log that
    // was just found clean. Without it, a log that never reports anything would pass.
    let ran = w
        .browser
        .run(
            "const s = document.createElement('script'); \
             s.textContent = 'window.inlineScriptRan = true;'; \
             document.head.append(s); \
             return window.inlineScriptRan === true;",
        )
        .await?;
    check_eq("an inline script ran", ran, Value::Bool(false))?;
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
