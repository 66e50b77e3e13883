//! Idempotency keys: replays, conflicts, and concurrent requests with one key.

use std::sync::Arc;

use serde_json::{Value, json};
use stablemint_mock::MockServer;

use crate::support::*;

fn keyed(key: &str) -> Value {
    let mut body = valid_body();
    body["idempotencyKey"] = json!(key);
    body
}

#[tokio::test]
async fn a_replay_returns_the_stored_response() {
    let server = start().await;
    let first = Call::signed(&keyed("order-1"))
        .send(&server)
        .await
        .bytes()
        .await
        .unwrap();
    // Signed again a few seconds later: a new timestamp and signature, the same body.
    let again = Call::signed_at(&keyed("order-1"), NOW + 7)
        .send(&server)
        .await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.bytes().await.unwrap(), first);
    assert_eq!(server.sessions_created(), 1);
    assert_eq!(server.requests_received(), 2);
}

#[tokio::test]
async fn bodies_are_compared_as_json_not_as_bytes() {
    let server = start().await;
    let (_, first) = success(Call::signed(&keyed("order-2")).send(&server).await).await;
    let reordered = r#"{ "amount" : 25.5, "idempotencyKey": "order-2",
        "currency": "EUR", "userCountryCode": "DE",
        "userEmail": "jane.doe@example.com", "userId": "user-1" }"#;
    let response = Call::signed(&keyed("order-2"))
        .body(reordered)
        .send(&server)
        .await;
    let (_, again) = success(response).await;
    assert_eq!(again.session_id, first.session_id);
    assert_eq!(again.reference, first.reference);
    assert_eq!(server.sessions_created(), 1);
}

#[tokio::test]
async fn a_key_reused_with_another_body_is_a_conflict() {
    let server = start().await;
    let (_, first) = success(Call::signed(&keyed("order-3")).send(&server).await).await;

    let mut other_amount = keyed("order-3");
    other_amount["amount"] = json!(30);
    let mut other_user = keyed("order-3");
    other_user["userId"] = json!("user-2");
    let mut extra_field = keyed("order-3");
    extra_field["websiteReference"] = json!("cart-1");
    for body in [other_amount, other_user, extra_field] {
        let response = Call::signed(&body).send(&server).await;
        let json = error(response, 409, "idempotency_conflict").await;
        assert!(
            json["message"].as_str().unwrap().contains("new key"),
            "{json}"
        );
    }
    // The first response is still there.
    let (_, again) = success(Call::signed(&keyed("order-3")).send(&server).await).await;
    assert_eq!(again.session_id, first.session_id);
    assert_eq!(server.sessions_created(), 1);
}

#[tokio::test]
async fn without_a_key_every_request_creates_a_session() {
    let server = start().await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let (_, session) = success(Call::signed(&valid_body()).send(&server).await).await;
        ids.push(session.session_id);
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3);
    assert_eq!(server.sessions_created(), 3);
}

#[tokio::test]
async fn a_refused_request_does_not_use_up_its_key() {
    let server = start().await;
    let mut invalid = keyed("order-4");
    invalid["userEmail"] = json!("not-an-email");
    error(
        Call::signed(&invalid).send(&server).await,
        400,
        "invalid_body",
    )
    .await;
    let unsigned = Call::signed(&keyed("order-4")).header("signature", "0".repeat(64));
    error(unsigned.send(&server).await, 401, "bad_signature").await;
    server.fail_next(1, stablemint_mock::Fault::Status(503));
    error(
        Call::signed(&keyed("order-4")).send(&server).await,
        503,
        "injected_fault",
    )
    .await;
    assert_eq!(server.sessions_created(), 0);

    success(Call::signed(&keyed("order-4")).send(&server).await).await;
    assert_eq!(server.sessions_created(), 1);
    // Validation runs before the key is looked up, so an invalid body stays a 400.
    error(
        Call::signed(&invalid).send(&server).await,
        400,
        "invalid_body",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_with_one_key_create_one_session() {
    let server = Arc::new(start().await);
    let client = http();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let server = server.clone();
        let client = client.clone();
        tasks.spawn(async move {
            let response = Call::signed(&keyed("order-5"))
                .try_send_with(&client, &server)
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            response.bytes().await.unwrap()
        });
    }
    let bodies = tasks.join_all().await;
    assert_eq!(bodies.len(), 20);
    assert!(bodies.iter().all(|body| *body == bodies[0]));
    assert_eq!(server.sessions_created(), 1);
    assert_eq!(server.requests_received(), 20);
}

#[tokio::test]
async fn keys_belong_to_one_server() {
    let first = start().await;
    let second = MockServer::start(config()).await.unwrap();
    let (_, a) = success(Call::signed(&keyed("order-6")).send(&first).await).await;
    let (_, b) = success(Call::signed(&keyed("order-6")).send(&second).await).await;
    assert_ne!(a.session_id, b.session_id);
}
