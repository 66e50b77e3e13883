//! The test kit over real HTTP: the journal of what was received, scripted answers,
//! expectations, and a client whose retries wait no time.

use std::time::Duration;

use serde_json::json;
use stablemint::types::{EmbeddedSessionRequest, EmbeddedSessionResponse};
use stablemint::{Error, RetryPolicy};
use stablemint_mock::{Answer, Expect, Fault, MockConfig, SignatureCheck, TestKit};

use crate::support::*;

const CREATE: &str = "createEmbeddedSession";

/// A kit whose mock runs on the system clock with the tests' credentials, so that both
/// its client and requests signed by hand ([`Call::signed_at`] with [`now`]) pass.
async fn kit_with(config: MockConfig) -> TestKit {
    TestKit::with_config(config).await.unwrap()
}

fn now() -> u64 {
    u64::try_from(stablemint_wire::unix_seconds(std::time::SystemTime::now())).unwrap()
}

fn request(key: Option<&str>) -> EmbeddedSessionRequest {
    let mut body = valid_body();
    if let Some(key) = key {
        body["idempotencyKey"] = json!(key);
    }
    serde_json::from_value(body).unwrap()
}

#[tokio::test]
async fn the_journal_keeps_every_request_however_it_was_answered() {
    let kit = kit_with(MockConfig::new(KEY, SECRET)).await;
    kit.fail_next(1, Fault::Status(503)).unwrap();
    kit.fail_next(1, Fault::DropConnection).unwrap();
    let session = kit
        .client()
        .create_embedded_session(&request(Some("order:7")))
        .await
        .unwrap();
    assert_eq!(session.attempts(), 3);
    // A wrong signature, an unknown path and an invalid body.
    let call = |body: &serde_json::Value| Call::signed_at(body, now());
    error(
        call(&valid_body())
            .header("signature", "0")
            .send(&kit)
            .await,
        401,
        "bad_signature",
    )
    .await;
    error(
        call(&valid_body()).path(&unknown_path()).send(&kit).await,
        404,
        "not_found",
    )
    .await;
    let mut invalid = keyed("order:8");
    invalid["userEmail"] = json!("nope");
    error(call(&invalid).send(&kit).await, 400, "invalid_body").await;

    let journal = kit.journal();
    let seen: Vec<_> = journal
        .iter()
        .map(|r| {
            (
                r.operation,
                r.idempotency_key.as_deref(),
                r.signature,
                r.status,
                r.fault,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                Some(CREATE),
                Some("order:7"),
                SignatureCheck::Verified,
                Some(503),
                Some("status")
            ),
            (
                Some(CREATE),
                Some("order:7"),
                SignatureCheck::Verified,
                None,
                Some("drop_connection")
            ),
            (
                Some(CREATE),
                Some("order:7"),
                SignatureCheck::Verified,
                Some(200),
                None
            ),
            (Some(CREATE), None, SignatureCheck::Wrong, Some(401), None),
            (None, None, SignatureCheck::NotSigned, Some(404), None),
            (
                Some(CREATE),
                Some("order:8"),
                SignatureCheck::Verified,
                Some(400),
                None
            ),
        ]
    );
    let first = journal.iter().next().unwrap();
    assert_eq!(
        (first.method.as_str(), first.path.as_str()),
        ("POST", ROUTE)
    );
    assert_eq!(first.body.as_ref().unwrap()["userId"], "user-1");
    assert_eq!(journal.of(CREATE).count(), 5);
    // Nothing of the authentication headers is kept.
    let shown = format!("{journal:?}");
    assert!(!shown.contains(SECRET) && !shown.contains(KEY), "{shown}");
    assert!(kit.delays().len() == 2, "{:?}", kit.delays());
}

#[tokio::test]
async fn scripted_answers_come_in_order_then_the_spec_answers() {
    let kit = TestKit::start().await.unwrap();
    let scripted: EmbeddedSessionResponse = serde_json::from_value(json!({
        "sessionId": "1c3a9f5e-2a8b-4c6d-9e0f-123456789abc",
        "expiresAt": 1_800_000_000_i64,
        "allowedPaymentMethods": [],
        "reference": "SM-SCRIPTED",
    }))
    .unwrap();
    kit.script(
        CREATE,
        [
            Answer::status(503).times(2),
            Answer::body(200, &scripted),
            Answer::json(409, json!({"code": "conflict"})),
            Answer::drop_after_processing(),
        ],
    )
    .unwrap();
    let client = kit.client();
    let first = client
        .create_embedded_session(&request(None))
        .await
        .unwrap();
    assert_eq!(first.attempts(), 3);
    assert_eq!(first.reference, "SM-SCRIPTED");
    // The waits between the attempts were asked for, not slept: the policy's backoff.
    assert_eq!(kit.delays().len(), 2);
    assert!(
        kit.delays()
            .iter()
            .all(|d| *d <= RetryPolicy::default().max_delay())
    );

    let conflict = client
        .create_embedded_session(&request(Some("k-2")))
        .await
        .unwrap_err();
    let Error::Api(api) = conflict else {
        panic!("{conflict}")
    };
    assert_eq!(
        (api.status, api.body.text()),
        (409, r#"{"code":"conflict"}"#)
    );

    // Processed, then the answer lost: the retry replays the session created.
    let lost = client
        .create_embedded_session(&request(Some("k-3")))
        .await
        .unwrap();
    assert_eq!(lost.attempts(), 2);
    assert_eq!(kit.sessions_created(), 1);
    // Nothing left scripted: as the spec says.
    let fresh = client
        .create_embedded_session(&request(None))
        .await
        .unwrap();
    assert_eq!(fresh.attempts(), 1);
    assert!(fresh.reference.starts_with("SM-"));
    // `always` keeps answering.
    kit.script(CREATE, [Answer::status(500).always()]).unwrap();
    let none = kit
        .client_builder()
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    for _ in 0..3 {
        assert_eq!(
            none.create_embedded_session(&request(None))
                .await
                .unwrap_err()
                .status(),
            Some(500)
        );
    }
}

#[tokio::test]
async fn a_delayed_answer_is_late_and_scripts_check_what_they_are_given() {
    let kit = TestKit::start().await.unwrap();
    kit.script(
        CREATE,
        [Answer::process().delayed(Duration::from_millis(300))],
    )
    .unwrap();
    let quick = kit
        .client_builder()
        .timeout(Duration::from_millis(50))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let late = quick
        .create_embedded_session(&request(Some("k-9")))
        .await
        .unwrap_err();
    assert!(matches!(late, Error::Transport { .. }), "{late}");
    assert!(kit.script("noSuchOperation", [Answer::process()]).is_err());
    let wrong = kit
        .script(CREATE, [Answer::body(200, &json!({"sessionId": 1}))])
        .unwrap_err();
    assert!(
        wrong
            .to_string()
            .contains("does not decode as types::EmbeddedSessionResponse"),
        "{wrong}"
    );
}

#[tokio::test]
async fn expectations_fail_with_what_was_received() {
    let kit = TestKit::start().await.unwrap();
    kit.expect(Expect::called(CREATE).times(1).with_one_key())
        .unwrap();
    kit.expect(Expect::called(CREATE).never()).unwrap();
    assert!(kit.expect(Expect::called("noSuchOperation")).is_err());
    kit.client()
        .create_embedded_session(&request(Some("order:1")))
        .await
        .unwrap();
    let unmet = kit.verify().unwrap_err();
    assert_eq!(
        unmet.to_string(),
        "createEmbeddedSession was expected to be called 0 times, and was called once\n\
         the mock received:\n\
         1. createEmbeddedSession POST /session/embedded key=order:1 signed → 200"
    );
    // Verified once: a drop does not report it again.
    drop(kit);

    // Not verified: the drop does, with the same message.
    let kit = TestKit::start().await.unwrap();
    kit.expect(Expect::called(CREATE)).unwrap();
    let dropped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(kit))).unwrap_err();
    let message = dropped.downcast_ref::<String>().unwrap();
    assert!(
        message.contains("createEmbeddedSession was expected to be called\n"),
        "{message}"
    );
    assert!(
        message.contains("the mock received:\n(no request)"),
        "{message}"
    );
}

#[tokio::test]
async fn the_journal_keeps_the_newest_within_its_limit() {
    let kit = kit_with(MockConfig::new(KEY, SECRET).journal_limit(2)).await;
    for _ in 0..3 {
        kit.client()
            .create_embedded_session(&request(None))
            .await
            .unwrap();
    }
    let journal = kit.journal();
    assert_eq!((journal.len(), journal.forgotten()), (2, 1));
    let off = kit_with(MockConfig::new(KEY, SECRET).journal_limit(0)).await;
    off.client()
        .create_embedded_session(&request(None))
        .await
        .unwrap();
    assert!(off.journal().is_empty());
}
