//! What a shopper sees of each kind of failure, and what the operator's log gets: the
//! shopper a short message and a support reference; the log the whole diagnosis under
//! that reference, and never a secret, a signature or an e-mail address, even from an
//! upstream that echoes them back.

// The tests run the in-process sandbox: they need the `sandbox` feature (on by default).
#![cfg(feature = "sandbox")]

mod common;

use std::time::Duration;

use common::{App, EMAIL, KEY, SECRET, form};
use merchant_example::StableMint;
use serde_json::json;
use stablemint_test_support::{Answer as Raw, Capture, Hostile, Reply, Server};

const REQUEST_ID: &str = "req_5e1f0c2a9b7d4e83";
/// What a careless upstream might echo back: the key, a signature, the e-mail.
const SIGNATURE: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

fn echo_body() -> serde_json::Value {
    json!({
        "message": format!(
            "rejected: api_key: {KEY} | signature: {SIGNATURE} | secret {SECRET} | user {EMAIL}"
        )
    })
}

/// Starts an app on `upstream` with a short call deadline, orders, checks out once,
/// and checks the answer and the log; returns the answer's JSON.
async fn failure(
    capture: &Capture,
    upstream: &str,
    status: u16,
    code: &str,
    logged: &[&str],
) -> serde_json::Value {
    let app = App::start_with(|config| {
        config.stablemint = StableMint::remote(upstream, KEY, SECRET);
        config.call_timeout = Duration::from_secs(2);
    })
    .await;
    let mut shopper = app.shopper();
    let order = shopper.new_order().await;
    let answer = shopper.checkout(&form(&order)).await;
    assert_eq!(answer.status, status, "{}", answer.text);
    assert_eq!(answer.str("code"), code, "{}", answer.text);
    let reference = answer.str("supportReference").to_owned();
    assert!(reference.starts_with("SR-"), "{reference}");
    let shown = answer.text.to_lowercase();
    for internal in [
        "http://",
        "127.0.0.1",
        "req_",
        "order:",
        "attempt",
        "secret",
        "api_key",
        "signature",
        "stablemint answered",
        &KEY.to_lowercase(),
        &EMAIL.to_lowercase(),
        &SIGNATURE.to_lowercase(),
    ] {
        assert!(
            !shown.contains(internal),
            "{internal:?} shown to the shopper: {}",
            answer.text
        );
    }
    if status == 503 {
        assert_eq!(answer.headers["retry-after"], "2");
    }
    app.running.shutdown().await;

    let log = capture.text();
    let line = log
        .lines()
        .find(|line| line.contains(&reference))
        .unwrap_or_else(|| panic!("no log line with {reference}:\n{log}"));
    assert!(
        line.contains(&order),
        "the order is not in the log line: {line}"
    );
    for wanted in logged {
        assert!(
            line.contains(wanted),
            "{wanted:?} not in the log line: {line}"
        );
    }
    for never in [SECRET, KEY, EMAIL, SIGNATURE] {
        assert!(!log.contains(never), "{never:?} in the log:\n{log}");
    }
    answer.json
}

#[tokio::test]
async fn a_401_is_a_reference_for_the_shopper_and_the_diagnosis_for_the_log() {
    let (capture, _guard) = Capture::start();
    let upstream = Server::start(vec![
        Reply::json(401, echo_body()).with_header("x-request-id", REQUEST_ID),
    ])
    .await;
    let body = failure(
        &capture,
        &upstream.url,
        502,
        "payment_failed",
        &[REQUEST_ID, "kind=\"refused\"", "status=401", "attempts=1"],
    )
    .await;
    assert_eq!(body["retryable"], false);
}

#[tokio::test]
async fn a_409_is_refused_and_logged() {
    let (capture, _guard) = Capture::start();
    let upstream = Server::start(vec![
        Reply::json(409, echo_body()).with_header("x-request-id", REQUEST_ID),
    ])
    .await;
    failure(
        &capture,
        &upstream.url,
        502,
        "payment_failed",
        &[REQUEST_ID, "status=409", "idempotency_key=\"order:ord_"],
    )
    .await;
}

#[tokio::test]
async fn a_5xx_after_every_retry_is_a_503_with_retry_after() {
    let (capture, _guard) = Capture::start();
    let upstream = Server::start(vec![
        Reply::json(503, echo_body()).with_header("x-request-id", REQUEST_ID),
    ])
    .await;
    let body = failure(
        &capture,
        &upstream.url,
        503,
        "payment_unavailable",
        &[
            REQUEST_ID,
            "kind=\"unavailable\"",
            "status=503",
            "attempts=3",
        ],
    )
    .await;
    assert_eq!(body["retryable"], true);
    assert_eq!(upstream.seen().len(), 3);
}

#[tokio::test]
async fn a_refused_connection_is_a_503() {
    let (capture, _guard) = Capture::start();
    // A port nobody listens on any more.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    failure(
        &capture,
        &url,
        503,
        "payment_unavailable",
        &["kind=\"unreachable\"", "idempotency_key=\"order:ord_"],
    )
    .await;
}

#[tokio::test]
async fn a_timeout_is_a_503() {
    let (capture, _guard) = Capture::start();
    let silent = Hostile::start(Raw::Silence).await;
    failure(
        &capture,
        &silent.url,
        503,
        "payment_unavailable",
        &["kind=\"timeout\"", "idempotency_key=\"order:ord_"],
    )
    .await;
}

#[tokio::test]
async fn an_undecodable_answer_is_refused_and_logged() {
    let (capture, _guard) = Capture::start();
    let upstream = Server::start(vec![
        Reply::json(200, json!({"unexpected": EMAIL})).with_header("x-request-id", REQUEST_ID),
    ])
    .await;
    // `stablemint` keeps no request id for an answer it cannot decode (the generated
    // client drops the headers of such an answer), so the line carries the key.
    failure(
        &capture,
        &upstream.url,
        502,
        "payment_failed",
        &[
            "kind=\"undecodable\"",
            "status=200",
            "idempotency_key=\"order:ord_",
            "missing field",
        ],
    )
    .await;
}

#[tokio::test]
async fn a_validation_error_names_fields_and_nothing_else() {
    let (capture, _guard) = Capture::start();
    let app = App::start().await;
    let mut shopper = app.shopper();
    let order = shopper.new_order().await;
    let mut body = form(&order);
    body["userEmail"] = json!("jane.doe@@example");
    let answer = shopper.checkout(&body).await;
    assert_eq!(answer.status, 400, "{}", answer.text);
    assert_eq!(answer.json["errors"][0]["pointer"], "/userEmail");
    let shown = answer.text.to_lowercase();
    for internal in [
        "http://",
        "req_",
        "order:",
        "secret",
        "api_key",
        "signature",
        "jane.doe",
    ] {
        assert!(!shown.contains(internal), "{internal:?} in {}", answer.text);
    }
    app.running.shutdown().await;
    assert!(!capture.text().contains("jane.doe"), "{}", capture.text());
}
