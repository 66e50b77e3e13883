//! Failures and retries: StableMint answering 503 or losing its answer, a locked
//! database, StableMint refusing with hostile text. The page shows a message and a
//! support reference and nothing for the operator, and a retry gives one session.

use merchant_example::payments::ATTEMPTS_PER_CALL;
use sqlx::{Connection, Executor};
use stablemint_mock::Answer;

use super::{EMAIL, check, check_eq, sandbox, shown_session, valid_order};
use crate::browser::{Context, Outcome};
use crate::{World, servers};

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

/// A 503 from StableMint shows a message and a reference, and a retry creates one
/// session.
pub(crate) async fn status_503(w: &mut World) -> Outcome<()> {
    // Every attempt of the first call fails; the client's own retries do not help.
    failure_then_retry(
        w,
        "stablemint-503",
        Answer::status(503).times(ATTEMPTS_PER_CALL),
        0,
    )
    .await
}

/// A lost answer, then a retry, gives the same session.
pub(crate) async fn lost_answer(w: &mut World) -> Outcome<()> {
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

/// Pay with every attempt of the call failing as `failure` answers: the page shows a
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

/// A locked database shows a message and a reference, and a retry works.
pub(crate) async fn database_busy(w: &mut World) -> Outcome<()> {
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

/// StableMint refusing shows a reference and nothing of its text.
pub(crate) async fn hostile_error(w: &mut World) -> Outcome<()> {
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
