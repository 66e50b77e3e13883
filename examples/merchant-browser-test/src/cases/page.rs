//! What the page shows and loads: the happy path from the catalog to the session, a
//! field error, and the Content-Security-Policy.

use std::time::{Duration, Instant};

use merchant_example::page;
use serde_json::{Value, json};
use stablemint_mock::Answer;

use super::{CART, check, check_eq, sandbox, shown_session, valid_order};
use crate::World;
use crate::browser::{self, Context, Outcome, is_csp_violation};

/// The happy path shows the server's total, the loading state, then the session.
pub(crate) async fn happy_path(w: &mut World) -> Outcome<()> {
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

/// An invalid e-mail address shows the error at its field, and nothing is sent.
pub(crate) async fn invalid_email(w: &mut World) -> Outcome<()> {
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

/// The CSP header is present, scripts come from the shop only, and there is no CSP
/// violation; an inline script is refused and the refusal is logged.
pub(crate) async fn csp(w: &mut World) -> Outcome<()> {
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
