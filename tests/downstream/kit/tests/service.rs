//! The service's handlers, tested with the kit alone: no network, no real sleep.
use axum::{body::Body, http::Request, http::StatusCode};
use serde_json::{Value, json};
use stablemint::types::CreateProbeRefund400Error;
use stablemint_mock::{Answer, Expect, TestKit};
use tower::ServiceExt;

async fn post(kit: &TestKit, uri: &str, body: Value) -> (StatusCode, String) {
    let request = Request::post(uri).header("content-type", "application/json");
    let app = downstream_kit::app(kit.client().clone());
    let response = app.oneshot(request.body(Body::from(body.to_string())).unwrap());
    let (parts, body) = response.await.unwrap().into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    (parts.status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn checkout(kit: &TestKit, email: &str) -> StatusCode {
    let order = json!({"orderId": "o-1", "email": email, "country": "DE", "cents": 2550});
    post(kit, "/checkout", order).await.0
}

#[tokio::test]
async fn a_checkout_creates_a_session() {
    let kit = TestKit::start().await.unwrap();
    assert_eq!(checkout(&kit, "jane@example.com").await, StatusCode::OK);
    assert_eq!(kit.journal().of("createEmbeddedSession").count(), 1);
}

#[tokio::test]
async fn a_bad_email_sends_nothing() {
    let kit = TestKit::start().await.unwrap();
    kit.expect(Expect::called("createEmbeddedSession").never()).unwrap();
    assert_eq!(checkout(&kit, "jane@@example.com").await, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_503_is_retried_with_one_key_and_no_real_wait() {
    let kit = TestKit::start().await.unwrap();
    kit.script("createEmbeddedSession", [Answer::status(503)]).unwrap();
    kit.expect(Expect::called("createEmbeddedSession").times(2).with_one_key()).unwrap();
    assert_eq!(checkout(&kit, "jane@example.com").await, StatusCode::OK);
    let journal = kit.journal();
    let seen: Vec<_> = journal.iter().map(|r| (r.status, r.idempotency_key.as_deref())).collect();
    assert_eq!(seen, [(Some(503), Some("order:o-1")), (Some(200), Some("order:o-1"))]);
    assert_eq!(kit.delays().len(), 1, "one backoff, recorded, not slept");
}

#[tokio::test]
async fn a_conflict_and_a_declared_refusal_are_told_apart() {
    let kit = TestKit::start().await.unwrap();
    kit.script("createEmbeddedSession", [Answer::status(409)]).unwrap();
    assert_eq!(checkout(&kit, "jane@example.com").await, StatusCode::CONFLICT);
    let refusal = json!({"code": "too_late", "message": "The refund window closed."});
    let refusal: CreateProbeRefund400Error = serde_json::from_value(refusal).unwrap();
    kit.script("createProbeRefund", [Answer::body(400, &refusal)]).unwrap();
    let refund = post(&kit, "/refund", json!({"sessionId": "p-1", "cents": 100})).await;
    assert_eq!(refund, (StatusCode::BAD_REQUEST, "The refund window closed.".into()));
}

#[tokio::test]
async fn an_unmet_expectation_says_what_was_received() {
    let kit = TestKit::start().await.unwrap();
    kit.expect(Expect::called("createEmbeddedSession").times(2)).unwrap();
    checkout(&kit, "jane@example.com").await;
    let unmet = kit.verify().unwrap_err().to_string();
    assert!(unmet.contains("expected to be called 2 times, and was called once"), "{unmet}");
    assert!(unmet.contains("1. createEmbeddedSession POST /session/embedded key=order:o-1 signed"));
}
