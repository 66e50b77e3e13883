//! Idempotency keys: replays, conflicts, concurrent requests with one key, and the
//! bounds of the store (expiry by the mock's clock, and the oldest key going first).

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use stablemint_mock::MockServer;

use crate::support::*;

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
    server
        .fail_next(1, stablemint_mock::Fault::Status(503))
        .unwrap();
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

/// Sends a keyed request signed at the clock's time; the session it was answered with.
async fn session_for(server: &MockServer, clock: &Clock, key: &str) -> (String, String) {
    let response = Call::signed_at(&keyed(key), clock.now()).send(server).await;
    let (_, session) = success(response).await;
    (session.session_id.to_string(), session.reference)
}

#[tokio::test]
async fn a_key_is_replayed_until_its_ttl_and_is_new_after_it() {
    let (clock, config) = Clock::config();
    let server = MockServer::start(config.idempotency_ttl(Duration::from_secs(3600)))
        .await
        .unwrap();
    let first = session_for(&server, &clock, "order-ttl").await;
    clock.advance(3599);
    assert_eq!(session_for(&server, &clock, "order-ttl").await, first);
    assert_eq!(server.sessions_created(), 1);

    clock.advance(1);
    // Expired: the same request creates a new session, and a new body is no conflict.
    let second = session_for(&server, &clock, "order-ttl").await;
    assert_ne!(second.0, first.0);
    assert_eq!(server.sessions_created(), 2);
    // The key is remembered again from its new session on.
    clock.advance(10);
    assert_eq!(session_for(&server, &clock, "order-ttl").await, second);
    let mut other = keyed("order-ttl");
    other["amount"] = json!(99);
    let response = Call::signed_at(&other, clock.now()).send(&server).await;
    error(response, 409, "idempotency_conflict").await;
    clock.advance(3600);
    success(Call::signed_at(&other, clock.now()).send(&server).await).await;
    assert_eq!(server.sessions_created(), 3);
}

#[tokio::test]
async fn the_default_ttl_is_a_day() {
    let (clock, config) = Clock::config();
    let server = MockServer::start(config).await.unwrap();
    let first = session_for(&server, &clock, "order-day").await;
    clock.advance(24 * 3600 - 1);
    assert_eq!(session_for(&server, &clock, "order-day").await, first);
    clock.advance(1);
    assert_ne!(session_for(&server, &clock, "order-day").await, first);
}

#[tokio::test]
async fn the_oldest_key_goes_first_when_the_store_is_full() {
    let (clock, config) = Clock::config();
    let server = MockServer::start(config.max_idempotency_keys(3))
        .await
        .unwrap();
    let mut sessions = Vec::new();
    for n in 0..3 {
        sessions.push(session_for(&server, &clock, &format!("order-cap-{n}")).await);
    }
    assert_eq!(server.idempotency_keys(), 3);
    // Within the bound, every key replays (and a replay does not make a key younger).
    for (n, session) in sessions.iter().enumerate() {
        let key = format!("order-cap-{n}");
        assert_eq!(&session_for(&server, &clock, &key).await, session);
    }
    // A fourth key pushes out the first.
    session_for(&server, &clock, "order-cap-3").await;
    assert_eq!(server.idempotency_keys(), 3);
    assert_eq!(server.sessions_created(), 4);
    let again = session_for(&server, &clock, "order-cap-0").await;
    assert_ne!(again, sessions[0]);
    assert_eq!(server.sessions_created(), 5);
    // That pushed out order-cap-1; order-cap-2 is still there.
    assert_eq!(
        session_for(&server, &clock, "order-cap-2").await,
        sessions[2]
    );
    assert_ne!(
        session_for(&server, &clock, "order-cap-1").await,
        sessions[1]
    );
    assert_eq!(server.idempotency_keys(), 3);
}

#[tokio::test]
async fn many_keys_stay_within_the_bound() {
    let server = MockServer::start(config().max_idempotency_keys(10))
        .await
        .unwrap();
    let client = http();
    for n in 0..50 {
        let call = Call::signed(&keyed(&format!("order-many-{n}")));
        success(call.try_send_with(&client, &server).await.unwrap()).await;
        assert!(server.idempotency_keys() <= 10);
    }
    assert_eq!(server.idempotency_keys(), 10);
    assert_eq!(server.sessions_created(), 50);
}
