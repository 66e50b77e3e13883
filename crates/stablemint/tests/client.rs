//! The client against a real HTTP server on 127.0.0.1.

mod support;

use std::time::Duration;

use serde_json::json;
use stablemint::{Client, Credentials, Error, RetryPolicy};
use support::{API_KEY, API_SECRET, Reply, Server, client, ok, request};

/// Every request carries the three headers, and the signature matches the userId of the
/// body the server received.
fn assert_signed(seen: &support::Seen) {
    assert_eq!(seen.header("api_key"), API_KEY);
    let timestamp: u64 = seen.header("timestamp").parse().unwrap();
    let user_id = seen.body["userId"].as_str().unwrap();
    assert_eq!(
        seen.header("signature"),
        stablemint_wire::signature(timestamp, API_SECRET, user_id)
    );
}

#[tokio::test]
async fn sends_signed_headers_and_decodes_the_session() {
    let server = Server::start(vec![ok()]).await;
    let (client, sleeper) = client(&server.url, RetryPolicy::default());
    let session = client.create_embedded_session(&request()).await.unwrap();
    assert_eq!(session.reference, "SM-2026-000123");
    assert_eq!(
        session.expiry(),
        std::time::UNIX_EPOCH + Duration::from_secs(1_764_150_000)
    );
    assert!(session.is_expired_at(std::time::UNIX_EPOCH + Duration::from_secs(1_764_150_000)));
    assert!(!session.is_expired_at(std::time::UNIX_EPOCH + Duration::from_secs(1_764_149_999)));

    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_signed(&seen[0]);
    assert_eq!(seen[0].header("timestamp"), "1700000000");
    assert_eq!(seen[0].body["userId"], "user-8c1f");
    assert!(sleeper.delays().is_empty());
}

#[tokio::test]
async fn a_503_then_200_succeeds_with_one_idempotency_key_and_fresh_signatures() {
    let server = Server::start(vec![
        Reply::json(503, json!({"error": "unavailable"})),
        ok(),
    ])
    .await;
    let (client, sleeper) = client(&server.url, RetryPolicy::default());
    client.create_embedded_session(&request()).await.unwrap();

    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    let keys: Vec<&str> = seen
        .iter()
        .map(|s| s.body["idempotencyKey"].as_str().unwrap())
        .collect();
    assert_eq!(keys[0], keys[1]);
    let key = uuid::Uuid::parse_str(keys[0]).unwrap();
    assert_eq!(key.get_version_num(), 4);
    // Each attempt reads the clock again and is signed again.
    assert_eq!(seen[0].header("timestamp"), "1700000000");
    assert_eq!(seen[1].header("timestamp"), "1700000007");
    assert_ne!(seen[0].header("signature"), seen[1].header("signature"));
    seen.iter().for_each(assert_signed);
    assert_eq!(sleeper.delays().len(), 1);
    assert!(sleeper.delays()[0] <= Duration::from_millis(250));
}

#[tokio::test]
async fn the_callers_own_idempotency_key_is_kept() {
    let server = Server::start(vec![Reply::json(500, json!({})), ok()]).await;
    let (client, _) = client(&server.url, RetryPolicy::default());
    let mut request = request();
    request.idempotency_key = Some("order-42-attempt".into());
    client.create_embedded_session(&request).await.unwrap();
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    for s in &seen {
        assert_eq!(s.body["idempotencyKey"], "order-42-attempt");
    }
}

#[tokio::test]
async fn retries_give_up_after_the_policy_and_return_the_last_answer() {
    let server = Server::start(vec![Reply::json(502, json!({"message": "bad gateway"}))]).await;
    let (client, sleeper) = client(&server.url, RetryPolicy::default());
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(502));
    assert_eq!(server.seen().len(), 3, "one attempt and two retries");
    let delays = sleeper.delays();
    assert_eq!(delays.len(), 2);
    assert!(delays[0] <= Duration::from_millis(250));
    assert!(delays[1] <= Duration::from_millis(500));
}

#[tokio::test]
async fn a_400_is_not_retried_and_keeps_status_and_body() {
    let body = json!({"error": "invalid_request", "message": "currency not enabled"});
    let server = Server::start(vec![
        Reply::json(400, body.clone()).with_header("x-request-id", "req-123"),
    ])
    .await;
    let (client, sleeper) = client(&server.url, RetryPolicy::default());
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert_eq!(server.seen().len(), 1);
    assert!(sleeper.delays().is_empty());
    assert_eq!(error.status(), Some(400));
    let Error::Api(api) = &error else {
        panic!("expected Error::Api, got {error:?}");
    };
    assert_eq!(api.status, 400);
    assert_eq!(api.body.json(), Some(&body));
    assert_eq!(api.body.text(), body.to_string());
    assert_eq!(api.request_id.as_deref(), Some("req-123"));
    assert_eq!(error.request_id(), Some("req-123"));
    let message = error.to_string();
    assert!(message.contains("currency not enabled"), "{message}");
    assert!(message.contains("req-123"), "{message}");
}

/// An HTTP-date `seconds` after the Unix epoch.
fn http_date(seconds: u64) -> String {
    httpdate::fmt_http_date(std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds))
}

#[tokio::test]
async fn a_401_with_the_clock_in_sync_is_returned_at_once_with_the_servers_message_first() {
    // The client's clock reads 1700000000 for this attempt; the server agrees.
    let server = Server::start(vec![
        Reply::json(401, json!({"message": "bad signature"}))
            .with_header("date", &http_date(1_700_000_001)),
    ])
    .await;
    let (client, sleeper) = client(&server.url, RetryPolicy::default());
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert_eq!(server.seen().len(), 1, "a wrong secret costs one attempt");
    assert!(sleeper.delays().is_empty());
    let message = error.to_string();
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(
        lines[0], "StableMint answered HTTP 401: bad signature",
        "{message}"
    );
    assert_eq!(
        lines[1].trim(),
        "check the API key and the API secret",
        "{message}"
    );
    assert!(!message.contains("clock"), "{message}");
    assert!(!message.contains(API_SECRET));
}

#[tokio::test]
async fn a_401_is_blamed_on_the_clock_only_past_30_seconds_of_skew() {
    // The attempt is signed at 1700000000; the server's Date is `skew` seconds ahead.
    for (skew, attempts) in [(30, 1), (31, 2)] {
        let server = Server::start(vec![
            Reply::json(401, json!({"message": "refused"}))
                .with_header("date", &http_date(1_700_000_000 + skew)),
        ])
        .await;
        let (client, _) = client(&server.url, RetryPolicy::default());
        let error = client
            .create_embedded_session(&request())
            .await
            .unwrap_err();
        assert_eq!(server.seen().len(), attempts, "{skew} s: {error}");
        assert_eq!(server.seen()[0].header("timestamp"), "1700000000");
    }
}

#[tokio::test]
async fn a_401_that_a_clock_correction_does_not_fix_is_blamed_on_the_credentials() {
    // The server's clock is 900 s ahead of the client's, and it refuses every attempt:
    // the client corrects once; the resend agrees with the server's clock and is still
    // refused, so the key or the secret is wrong.
    let server = Server::start(vec![
        Reply::json(401, json!({"message": "stale timestamp"}))
            .with_header("date", &http_date(1_700_000_900)),
    ])
    .await;
    let (client, sleeper) = client(&server.url, RetryPolicy::default());
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert_eq!(server.seen().len(), 2, "one resend after the correction");
    assert!(sleeper.delays().is_empty(), "the resend is not a retry");
    let seen = server.seen();
    // The stepping clock reads 1700000000, then 1700000007 when the 401 arrives (offset
    // +893), then 1700000014 for the resend: 1700000014 + 893.
    assert_eq!(seen[0].header("timestamp"), "1700000000");
    assert_eq!(seen[1].header("timestamp"), "1700000907");
    // The resend signed with the server's time failed too: the offset is not kept.
    assert_eq!(client.clock_offset(), 0);
    let message = error.to_string();
    assert!(
        message.starts_with("StableMint answered HTTP 401: stale timestamp"),
        "{message}"
    );
    assert!(
        message.contains("check the API key and the API secret"),
        "{message}"
    );
    assert!(message.contains("attempts: 2"), "{message}");
    assert!(!message.contains("synchronise"), "{message}");
    let Error::Api(api) = &error else {
        panic!("{error:?}");
    };
    assert!(!api.is_clock_skew());
}

#[tokio::test]
async fn retry_after_is_honoured_and_capped() {
    let server = Server::start(vec![
        Reply::json(429, json!({})).with_header("retry-after", "3"),
        Reply::json(503, json!({})).with_header("retry-after", "120"),
        ok(),
    ])
    .await;
    let (client, sleeper) = client(&server.url, RetryPolicy::default());
    client.create_embedded_session(&request()).await.unwrap();
    assert_eq!(
        sleeper.delays(),
        [Duration::from_secs(3), Duration::from_secs(5)]
    );
}

#[tokio::test]
async fn without_retries_no_key_is_added_and_nothing_is_retried() {
    let server = Server::start(vec![Reply::json(503, json!({})), ok()]).await;
    let (client, sleeper) = client(&server.url, RetryPolicy::none());
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].body.get("idempotencyKey").is_none());
    assert!(sleeper.delays().is_empty());
}

#[tokio::test]
async fn an_invalid_request_sends_nothing() {
    let server = Server::start(vec![ok()]).await;
    let (client, _) = client(&server.url, RetryPolicy::default());
    let mut request = request();
    request.user_country_code = "de".into();
    request.currency = "EURO".into();
    request.user_kyc.as_mut().unwrap().date_of_birth = Some("1990-02-30".into());
    let error = client.create_embedded_session(&request).await.unwrap_err();
    let Error::Validation(errors) = &error else {
        panic!("expected Error::Validation, got {error:?}");
    };
    let pointers: Vec<&str> = errors.iter().map(|e| e.pointer()).collect();
    assert_eq!(
        pointers,
        ["/currency", "/userCountryCode", "/userKyc/dateOfBirth"]
    );
    assert_eq!(error.status(), None);
    assert!(!error.to_string().contains("1990-02-30"));
    assert!(server.seen().is_empty(), "a request was sent");
}

#[tokio::test]
async fn a_200_that_does_not_decode_keeps_the_body() {
    let server = Server::start(vec![Reply::json(200, json!({"sessionId": "not-a-uuid"}))]).await;
    let (client, sleeper) = client(&server.url, RetryPolicy::default());
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("expected Error::Decode, got {error:?}");
    };
    assert_eq!(decode.status, 200);
    assert_eq!(decode.body, r#"{"sessionId":"not-a-uuid"}"#);
    assert!(sleeper.delays().is_empty(), "decode errors are not retried");
}

#[tokio::test]
async fn connection_errors_are_retried_then_reported() {
    // Bind and drop a listener to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (client, sleeper) = client(&format!("http://127.0.0.1:{port}"), RetryPolicy::default());
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(sleeper.delays().len(), 2);
    assert!(error.to_string().contains("could not reach StableMint"));
}

#[test]
fn non_loopback_http_is_refused() {
    let error = Client::builder(Credentials::new(API_KEY, API_SECRET))
        .base_url("http://payments.example.com")
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)));
    let message = error.to_string();
    assert!(message.contains("use https"), "{message}");
    assert!(message.contains("loopback"), "{message}");
}

#[test]
fn the_default_base_url_is_production_over_https() {
    let client = Client::builder(Credentials::new(API_KEY, API_SECRET))
        .build()
        .unwrap();
    assert_eq!(
        client.base_url(),
        "https://paymentinitiationservice-rest.stablemint.io"
    );
}

#[test]
fn debug_output_never_shows_the_secret_or_the_whole_key() {
    let credentials = Credentials::new(API_KEY, API_SECRET);
    let shown = format!("{credentials:?}");
    assert!(!shown.contains(API_SECRET), "{shown}");
    assert!(!shown.contains(API_KEY), "{shown}");
    assert!(
        shown.contains("7f3a"),
        "the last four characters help tell keys apart"
    );
    let client = Client::builder(credentials.clone())
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    for shown in [
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{:?}", Client::builder(credentials.clone())),
    ] {
        assert!(!shown.contains(API_SECRET), "{shown}");
        assert!(!shown.contains(API_KEY), "{shown}");
    }
    // What Debug does show: the settings that explain a client's behaviour.
    assert_eq!(
        format!("{client:?}"),
        "Client { base_url: \"http://127.0.0.1:9\", credentials: Credentials { api_key: \
         \"*****************7f3a\", api_secret: \"** redacted **\" }, retry: RetryPolicy { \
         max_retries: 2, base_delay: 250ms, max_delay: 5s }, timeout: 30s, total_timeout: \
         None, clock_skew_correction: true, clock_offset_s: 0, retry_budget: RetryBudget { \
         capacity: 500, retry_cost: 5, timeout_retry_cost: 10, success_refill: 1 }, \
         retry_tokens: Some(500), pool_idle_timeout: 50s, hooks: 0, .. }"
    );
    let builder = format!(
        "{:?}",
        Client::builder(credentials).total_timeout(std::time::Duration::from_secs(9))
    );
    for part in [
        "base_url: \"https://paymentinitiationservice-rest.stablemint.io\"",
        "timeout: 30s",
        "total_timeout: Some(9s)",
        "max_response_bytes: 1048576",
        "clock_skew_correction: true",
        "custom_http_client: false",
        "retry_budget: RetryBudget { capacity: 500,",
        "pool_idle_timeout: 50s",
        "hooks: 0",
    ] {
        assert!(builder.contains(part), "{part} missing from {builder}");
    }
}
