//! The cases, by what they check: the page ([`page`]), the session's expiry
//! ([`expiry`]), failures and retries ([`failures`]), requests a shopper altered
//! ([`tampering`]), and a double click ([`concurrency`]). Here: the cart the cases
//! order and the steps and checks they share.

mod concurrency;
mod expiry;
mod failures;
mod page;
mod tampering;

use merchant_example::Running;
use merchant_example::catalog::format_money;
use merchant_example::payments::Sandbox;

use crate::World;
use crate::browser::{Context, Outcome};

pub(crate) use concurrency::double_click;
pub(crate) use expiry::{expired_session, far_future_expiry};
pub(crate) use failures::{database_busy, hostile_error, lost_answer, status_503};
pub(crate) use page::{csp, happy_path, invalid_email};
pub(crate) use tampering::altered_amount;

/// The cart the cases order: 2 × 12.50 + 1 × 6.50.
const CART: [(&str, u32); 2] = [("espresso-beans", 2), ("paper-filters", 1)];
/// Its total as the page must show it.
const CART_TOTAL: &str = "31.50 EUR";

/// The payer's e-mail address in every case.
const EMAIL: &str = "jane.doe@example.com";

/// The in-process sandbox behind `app`.
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
