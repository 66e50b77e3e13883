//! End to end: the `stablemint` client against the `stablemint-mock` server.

use std::time::{Duration, SystemTime};

use serde_json::json;
use stablemint::types::EmbeddedSessionRequest;
use stablemint::{Client, Clock, Credentials, Error, RetryPolicy};
use stablemint_mock::{Fault, MockConfig, MockServer};

const KEY: &str = "e2e-key-0001";
const SECRET: &str = "e2e-made-up-secret";

fn request() -> EmbeddedSessionRequest {
    serde_json::from_value(json!({
        "userId": "user-e2e-1",
        "userEmail": "jane@example.com",
        "userCountryCode": "DE",
        "currency": "EUR",
        "amount": 49.99
    }))
    .unwrap()
}

async fn mock() -> MockServer {
    MockServer::start(MockConfig::new(KEY, SECRET))
        .await
        .unwrap()
}

fn client(server: &MockServer, secret: &str) -> stablemint::ClientBuilder {
    Client::builder(Credentials::new(KEY, secret))
        .base_url(&server.base_url())
        // Retries in these tests wait only a moment.
        .retry(RetryPolicy::default().with_base_delay(Duration::from_millis(1)))
}

#[tokio::test]
async fn a_session_is_created() {
    let server = mock().await;
    let session = client(&server, SECRET)
        .build()
        .unwrap()
        .create_embedded_session(&request())
        .await
        .unwrap();
    assert_eq!(session.session_id.get_version_num(), 4);
    assert!(!session.is_expired());
    assert!(!session.allowed_payment_methods.is_empty());
    assert!(!session.reference.is_empty());
    assert_eq!(server.sessions_created(), 1);
}

#[tokio::test]
async fn an_idempotent_replay_returns_the_same_session() {
    let server = mock().await;
    let client = client(&server, SECRET).build().unwrap();
    let mut request = request();
    request.idempotency_key = Some("order-7781".into());
    let first = client.create_embedded_session(&request).await.unwrap();
    let second = client.create_embedded_session(&request).await.unwrap();
    assert_eq!(first.session_id, second.session_id);
    assert_eq!(first.reference, second.reference);
    assert_eq!(server.sessions_created(), 1);

    // The same key with another body is a conflict, not a new session.
    request.amount = Some(50.0);
    let error = client.create_embedded_session(&request).await.unwrap_err();
    assert_eq!(error.status(), Some(409));
    assert_eq!(server.sessions_created(), 1);
}

/// The system clock, shifted by a number of seconds.
#[derive(Debug)]
struct Shifted(i64);

impl Clock for Shifted {
    fn now(&self) -> SystemTime {
        let shift = Duration::from_secs(self.0.unsigned_abs());
        if self.0 >= 0 {
            SystemTime::now() + shift
        } else {
            SystemTime::now() - shift
        }
    }
}

const FIFTEEN_MINUTES: i64 = 15 * 60;

async fn skewed_calls_recover(shift: i64) {
    let server = mock().await;
    let client = client(&server, SECRET)
        .clock(Shifted(shift))
        .build()
        .unwrap();
    let first = client.create_embedded_session(&request()).await.unwrap();
    assert_eq!(
        first.attempts(),
        2,
        "the first call corrects the clock and resends"
    );
    let learned = client.clock_offset();
    assert!(
        (learned + shift).abs() <= 2,
        "learned {learned} s for a clock {shift} s off"
    );
    // Clones share what was learned.
    let second = client
        .clone()
        .create_embedded_session(&request())
        .await
        .unwrap();
    assert_eq!(
        second.attempts(),
        1,
        "later calls are signed with the corrected time"
    );
    assert_eq!(server.requests_received(), 3);
    assert_eq!(server.sessions_created(), 2);
}

#[tokio::test]
async fn a_clock_fifteen_minutes_ahead_is_corrected_from_the_date_header() {
    skewed_calls_recover(FIFTEEN_MINUTES).await;
}

#[tokio::test]
async fn a_clock_fifteen_minutes_behind_is_corrected_from_the_date_header() {
    skewed_calls_recover(-FIFTEEN_MINUTES).await;
}

#[tokio::test]
async fn a_wrong_secret_with_the_clock_in_sync_costs_one_attempt() {
    let server = mock().await;
    let error = client(&server, "not-the-secret")
        .build()
        .unwrap()
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Api(api) if api.status == 401),
        "{error:?}"
    );
    assert_eq!(server.requests_received(), 1);
    assert!(!error.to_string().contains("not-the-secret"));
    assert_eq!(server.sessions_created(), 0);
}

#[tokio::test]
async fn without_skew_correction_a_skewed_clock_is_a_401_naming_the_timestamp() {
    let server = mock().await;
    let error = client(&server, SECRET)
        .clock(Shifted(FIFTEEN_MINUTES))
        .clock_skew_correction(false)
        .build()
        .unwrap()
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("expected Error::Api, got {error:?}");
    };
    assert_eq!(api.status, 401);
    assert_eq!(server.requests_received(), 1);
    let message = error.to_string();
    assert!(message.contains(&api.timestamp.to_string()), "{message}");
    assert!(message.contains("clock"), "{message}");
    assert_eq!(server.sessions_created(), 0);
}

#[tokio::test]
async fn injected_503s_are_retried_into_exactly_one_session() {
    let server = mock().await;
    server.fail_next(2, Fault::Status(503)).unwrap();
    let client = client(&server, SECRET).build().unwrap();
    let session = client.create_embedded_session(&request()).await.unwrap();
    assert_eq!(server.requests_received(), 3);
    assert_eq!(server.sessions_created(), 1);
    assert_eq!(session.session_id.get_version_num(), 4);
}

#[tokio::test]
async fn a_dropped_connection_is_retried_too() {
    let server = mock().await;
    server.fail_next(1, Fault::DropConnection).unwrap();
    let client = client(&server, SECRET).build().unwrap();
    client.create_embedded_session(&request()).await.unwrap();
    assert_eq!(server.sessions_created(), 1);
}

#[tokio::test]
async fn the_mock_rejects_what_the_client_would_have_caught() {
    // Bypass the client's own validation with a raw call: the mock validates with the
    // same rules and answers 400 with the pointers.
    let server = mock().await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let timestamp = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let response = reqwest::Client::new()
        .post(format!("{}/session/embedded", server.base_url()))
        .header("api_key", KEY)
        .header("timestamp", timestamp.to_string())
        .header(
            "signature",
            stablemint_wire::signature(timestamp, SECRET, "user-e2e-1"),
        )
        .json(&json!({
            "userId": "user-e2e-1", "userEmail": "nope", "userCountryCode": "de",
            "currency": "EUR"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    let pointers: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(pointers, ["/userCountryCode", "/userEmail"]);
    assert_eq!(server.sessions_created(), 0);
}
