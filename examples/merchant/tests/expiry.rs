//! StableMint's `expiresAt`, however odd, never breaks the page: a session that lasts
//! "forever" is shown without a countdown, one already expired is answered with a
//! message and a reference, and the log says what StableMint sent.

// The tests run the in-process sandbox: they need the `sandbox` feature (on by default).
#![cfg(feature = "sandbox")]

mod common;

use common::{App, KEY, SECRET, form};
use merchant_example::StableMint;
use stablemint_test_support::{Capture, Reply, Server};

#[tokio::test]
async fn an_expiry_absurdly_far_away_gives_no_countdown_and_is_logged() {
    let (capture, _guard) = Capture::start();
    let upstream = Server::start(vec![Reply::json(200, common::session_json(i64::MAX))]).await;
    let app = App::start_with(|config| {
        config.stablemint = StableMint::remote(&upstream.url, KEY, SECRET);
    })
    .await;
    let mut shopper = app.shopper();
    let order = shopper.new_order().await;
    let answer = shopper.checkout(&form(&order)).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.json["expiresAt"], serde_json::Value::Null);
    assert_eq!(answer.json["expiresInSeconds"], serde_json::Value::Null);
    assert_eq!(
        answer.str("sessionId"),
        "0b6f3a52-1f0e-4c7a-9a3e-6f1d2c3b4a59"
    );
    // It is stored as StableMint sent it, and is the order's session from then on.
    let stored = app.running.store().order(&order).await.unwrap().unwrap();
    assert_eq!(stored.session.unwrap().expires_at, i64::MAX);
    let again = shopper.checkout(&form(&order)).await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(upstream.seen().len(), 1);
    app.running.shutdown().await;

    let log = capture.text();
    assert!(
        log.lines().any(|line| line.contains("more than a day away")
            && line.contains("expires_at=9223372036854775807")),
        "{log}"
    );
}

#[tokio::test]
async fn an_expiry_in_the_past_is_a_message_for_the_shopper_and_a_line_for_the_operator() {
    let (capture, _guard) = Capture::start();
    let past = common::unix_now() - 3600;
    let upstream = Server::start(vec![Reply::json(200, common::session_json(past))]).await;
    let app = App::start_with(|config| {
        config.stablemint = StableMint::remote(&upstream.url, KEY, SECRET);
    })
    .await;
    let mut shopper = app.shopper();
    let order = shopper.new_order().await;
    let answer = shopper.checkout(&form(&order)).await;
    assert_eq!(answer.status, 502, "{}", answer.text);
    assert_eq!(answer.str("code"), "payment_failed");
    let reference = answer.str("supportReference").to_owned();
    // One call, one replacement under the next key, then it gives up.
    let keys: Vec<String> = upstream
        .seen()
        .iter()
        .map(|seen| seen.body["idempotencyKey"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        keys,
        [
            merchant_example::payments::idempotency_key(&order, 1),
            merchant_example::payments::idempotency_key(&order, 2)
        ]
    );
    app.running.shutdown().await;

    let log = capture.text();
    let expires = format!("expires_at={past}");
    assert!(
        log.lines()
            .any(|line| line.contains("already past") && line.contains(&expires)),
        "{log}"
    );
    assert!(
        log.lines()
            .any(|line| line.contains(&reference) && line.contains(&expires)),
        "{log}"
    );
}
