//! The session's expiry as the page shows it: no countdown for an expiry at the end of
//! time, and an expired session replaced by a new one.

use super::{check, check_eq, sandbox, shown_session, valid_order};
use crate::World;
use crate::browser::{Context, Outcome};

/// An expiry at the end of time shows the session without a countdown.
pub(crate) async fn far_future_expiry(w: &mut World) -> Outcome<()> {
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

/// An expired session is shown as expired, and renewing it replaces it.
pub(crate) async fn expired_session(w: &mut World) -> Outcome<()> {
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
