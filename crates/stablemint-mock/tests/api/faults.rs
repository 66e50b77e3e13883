//! Injected faults: statuses, connections dropped before or after processing, late
//! answers, seeded random faults, and a client retrying through them.

use std::time::Duration;

use stablemint::types::EmbeddedSessionRequest;
use stablemint::{Client, Credentials, RetryPolicy};
use stablemint_mock::{Fault, FaultError, MockConfig, MockServer, RandomFaults};

use crate::support::*;

#[tokio::test]
async fn two_503s_then_success() {
    let server = start().await;
    server.fail_next(2, Fault::Status(503)).unwrap();
    for _ in 0..2 {
        let response = Call::signed(&valid_body()).send(&server).await;
        let json = error(response, 503, "injected_fault").await;
        assert!(
            json["message"].as_str().unwrap().contains("HTTP 503"),
            "{json}"
        );
    }
    success(Call::signed(&valid_body()).send(&server).await).await;
    assert_eq!(server.sessions_created(), 1);
    assert_eq!(server.requests_received(), 3);
}

#[tokio::test]
async fn faults_queue_in_order_and_can_be_configured_up_front() {
    let config = config()
        .fail_next(1, Fault::Status(429))
        .unwrap()
        .fail_next(1, Fault::Status(400))
        .unwrap();
    let server = MockServer::start(config).await.unwrap();
    server.fail_next(1, Fault::Status(200)).unwrap();
    error(
        Call::signed(&valid_body()).send(&server).await,
        429,
        "injected_fault",
    )
    .await;
    error(
        Call::signed(&valid_body()).send(&server).await,
        400,
        "injected_fault",
    )
    .await;
    // A 200 with the error body, to test how a client handles an undecodable answer.
    let response = Call::signed(&valid_body()).send(&server).await;
    assert_eq!(response.status(), 200);
    let json: serde_json::Value = response.json().await.unwrap();
    assert_eq!(json["code"], "injected_fault");
    success(Call::signed(&valid_body()).send(&server).await).await;
}

#[tokio::test]
async fn faults_come_before_any_check_but_after_routing() {
    let server = start().await;
    server.fail_next(1, Fault::Status(502)).unwrap();
    error(
        Call::signed(&valid_body())
            .path(&unknown_path())
            .send(&server)
            .await,
        404,
        "not_found",
    )
    .await;
    let get = Call::signed(&valid_body())
        .method("GET")
        .send(&server)
        .await;
    error(get, 405, "method_not_allowed").await;
    // Unauthenticated and not even JSON: the fault still answers.
    let response = Call::signed(&valid_body())
        .without("api_key")
        .without("content-type")
        .body("garbage")
        .send(&server)
        .await;
    error(response, 502, "injected_fault").await;
    assert_eq!(server.requests_received(), 3);
}

#[tokio::test]
async fn a_dropped_connection_is_a_transport_error() {
    let server = start().await;
    server.fail_next(1, Fault::DropConnection).unwrap();
    let client = http();
    let error = Call::signed(&valid_body())
        .try_send_with(&client, &server)
        .await
        .unwrap_err();
    assert!(error.status().is_none(), "{error:?}");
    assert!(
        error.is_request() || error.is_connect() || error.is_body(),
        "{error:?}"
    );
    assert_eq!(server.sessions_created(), 0);
    // The server carries on, on a new connection.
    success(
        Call::signed(&valid_body())
            .try_send_with(&client, &server)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(server.requests_received(), 2);
}

#[tokio::test]
async fn a_dropped_connection_sends_no_bytes() {
    let server = start().await;
    server.fail_next(1, Fault::DropConnection).unwrap();
    let body = serde_json::to_string(&valid_body()).unwrap();
    let head = raw_head(
        &valid_body(),
        &format!("content-length: {}\r\n", body.len()),
    );
    let answer = raw(&server, format!("{head}{body}").as_bytes()).await;
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
}

fn request() -> EmbeddedSessionRequest {
    EmbeddedSessionRequest::builder()
        .user_id("user-8c1f")
        .user_email("jane.doe@example.com")
        .user_country_code("GB")
        .currency("GBP")
        .try_into()
        .unwrap()
}

fn client(server: &MockServer, retry: RetryPolicy) -> Client {
    Client::builder(Credentials::new(KEY, SECRET))
        .base_url(&server.base_url())
        .retry(retry.with_base_delay(Duration::from_millis(1)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_client_retries_through_faults_and_creates_one_session() {
    let server = MockServer::start(MockConfig::new(KEY, SECRET))
        .await
        .unwrap();
    server.fail_next(1, Fault::Status(503)).unwrap();
    server.fail_next(1, Fault::DropConnection).unwrap();
    let client = client(&server, RetryPolicy::default());
    let session = client.create_embedded_session(&request()).await.unwrap();
    assert_eq!(session.allowed_payment_methods[0].payment_method, Some(3));
    assert_eq!(server.sessions_created(), 1);
    assert_eq!(server.requests_received(), 3);
}

#[tokio::test]
async fn without_retries_the_client_reports_the_fault() {
    let server = MockServer::start(MockConfig::new(KEY, SECRET))
        .await
        .unwrap();
    let client = client(&server, RetryPolicy::none());

    server.fail_next(1, Fault::DropConnection).unwrap();
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert!(
        matches!(error, stablemint::Error::Transport { .. }),
        "{error:?}"
    );

    server.fail_next(1, Fault::Status(503)).unwrap();
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, stablemint::Error::Api(api) if api.status == 503),
        "{error:?}"
    );
    assert_eq!(server.sessions_created(), 0);
}

#[tokio::test]
async fn statuses_that_are_not_final_are_refused_without_panicking() {
    let server = start().await;
    // hyper cannot send a 1xx as an answer, and nothing is past 599.
    for status in [0, 100, 101, 199, 600, u16::MAX] {
        let error = server.fail_next(1, Fault::Status(status)).unwrap_err();
        assert_eq!(error, FaultError::Status(status));
        assert!(error.to_string().contains("200..=599"), "{error}");
        let error = config().fail_next(1, Fault::Status(status)).unwrap_err();
        assert_eq!(error, FaultError::Status(status));
    }
    // Nothing was armed.
    success(Call::signed(&valid_body()).send(&server).await).await;
}

#[tokio::test]
async fn drop_after_processing_creates_the_session_but_sends_nothing() {
    let server = start().await;
    server.fail_next(1, Fault::DropAfterProcessing).unwrap();
    let body = serde_json::to_string(&keyed("order-dap-1")).unwrap();
    let head = raw_head(
        &keyed("order-dap-1"),
        &format!("content-length: {}\r\n", body.len()),
    );
    let answer = raw(&server, format!("{head}{body}").as_bytes()).await;
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
    assert_eq!(server.sessions_created(), 1);
    assert_eq!(server.idempotency_keys(), 1);

    // The caller never heard back; its retry with the same key gets that session.
    let (_, replay) = success(Call::signed(&keyed("order-dap-1")).send(&server).await).await;
    let (_, again) = success(Call::signed(&keyed("order-dap-1")).send(&server).await).await;
    assert_eq!(replay.session_id, again.session_id);
    assert_eq!(server.sessions_created(), 1);
}

#[tokio::test]
async fn drop_after_processing_still_runs_the_checks() {
    let server = start().await;
    server.fail_next(1, Fault::DropAfterProcessing).unwrap();
    let bad = Call::signed(&valid_body()).header("signature", "0".repeat(64));
    let error = bad.try_send(&server).await.unwrap_err();
    assert!(error.status().is_none(), "{error:?}");
    assert_eq!(server.sessions_created(), 0);
}

#[tokio::test]
async fn the_client_retries_a_dropped_answer_into_the_session_it_created() {
    let server = MockServer::start(MockConfig::new(KEY, SECRET))
        .await
        .unwrap();
    server.fail_next(1, Fault::DropAfterProcessing).unwrap();
    let client = client(&server, RetryPolicy::default());
    let session = client.create_embedded_session(&request()).await.unwrap();
    assert_eq!(session.attempts(), 2);
    assert_eq!(server.requests_received(), 2);
    assert_eq!(server.sessions_created(), 1);
}

/// Waits (up to 10 s) until the server has created `count` sessions.
async fn until_created(server: &MockServer, count: usize) {
    for _ in 0..1000 {
        if server.sessions_created() >= count {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{} sessions, not {count}", server.sessions_created());
}

#[tokio::test]
async fn a_delayed_answer_is_processed_at_once_and_sent_late() {
    let server = start().await;
    // The longest delay there is: waiting for it must not overflow.
    server.fail_next(1, Fault::Delay(Duration::MAX)).unwrap();
    let impatient = http_with_timeout(Duration::from_millis(300));
    let error = Call::signed(&keyed("order-late-1"))
        .try_send_with(&impatient, &server)
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    // The session was created before the answer was held back.
    until_created(&server, 1).await;
    let (_, replay) = success(Call::signed(&keyed("order-late-1")).send(&server).await).await;
    let (_, again) = success(Call::signed(&keyed("order-late-1")).send(&server).await).await;
    assert_eq!(replay.session_id, again.session_id);
    assert_eq!(server.sessions_created(), 1);
}

#[tokio::test]
async fn a_short_delay_still_answers_normally() {
    let server = start().await;
    server
        .fail_next(2, Fault::Delay(Duration::from_millis(20)))
        .unwrap();
    success(Call::signed(&valid_body()).send(&server).await).await;
    let bad = Call::signed(&valid_body()).without("api_key");
    error(bad.send(&server).await, 401, "missing_header").await;
    assert_eq!(server.sessions_created(), 1);
}

#[tokio::test]
async fn the_client_times_out_on_a_delay_and_its_retry_gets_the_session() {
    let server = MockServer::start(MockConfig::new(KEY, SECRET))
        .await
        .unwrap();
    server
        .fail_next(1, Fault::Delay(Duration::from_secs(3600)))
        .unwrap();
    let client = Client::builder(Credentials::new(KEY, SECRET))
        .base_url(&server.base_url())
        .timeout(Duration::from_millis(500))
        .retry(RetryPolicy::default().with_base_delay(Duration::from_millis(1)))
        .build()
        .unwrap();
    let session = client.create_embedded_session(&request()).await.unwrap();
    assert_eq!(session.attempts(), 2);
    assert_eq!(server.sessions_created(), 1);
}

/// The statuses of 40 requests under seeded random faults (a drop shows as 0).
async fn chaos_run(seed: u64) -> Vec<u16> {
    let faults = [Fault::Status(503), Fault::DropConnection];
    let random = RandomFaults::new(seed, 0.5, faults).unwrap();
    let server = MockServer::start(config().random_faults(random))
        .await
        .unwrap();
    // One connection per request: a pooled one that the server dropped could be retried
    // by the HTTP client itself, which would take a draw that is not the test's.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let mut statuses = Vec::new();
    for _ in 0..40 {
        let call = Call::signed(&valid_body());
        let status = match call.try_send_with(&client, &server).await {
            Ok(response) => response.status().as_u16(),
            Err(_) => 0,
        };
        statuses.push(status);
    }
    let created = statuses.iter().filter(|s| **s == 200).count();
    assert_eq!(server.sessions_created(), created);
    statuses
}

#[tokio::test]
async fn random_faults_are_reproducible_from_their_seed() {
    let first = chaos_run(2024).await;
    assert_eq!(first, chaos_run(2024).await);
    assert_ne!(first, chaos_run(2025).await);
    for status in [0, 200, 503] {
        assert!(first.contains(&status), "{first:?}");
    }
}
