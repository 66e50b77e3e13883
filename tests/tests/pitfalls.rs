//! What a backend developer's first integration ran into, each reproduced: advice that
//! was wrong, a server answer that poisoned the client for good, configurations that
//! panicked, careless input that was accepted, and the HTTP conventions a client is
//! expected to keep.

use std::time::{Duration, SystemTime};

use serde_json::json;
use stablemint::types::EmbeddedSessionRequest;
use stablemint::{Client, Credentials, Error, IdempotencyKey, RetryPolicy};
use stablemint_mock::{Fault, MockConfig, MockServer};
use stablemint_test_support::{Answer, Hostile, Reply, Server};

const KEY: &str = "pitfall-key-0001";
const SECRET: &str = "pitfall-made-up-secret";

fn request() -> EmbeddedSessionRequest {
    EmbeddedSessionRequest::builder()
        .user_id("user-1")
        .user_email("jane@example.com")
        .user_country_code("DE")
        .currency("EUR")
        .amount(25)
        .try_into()
        .unwrap()
}

fn session_json() -> serde_json::Value {
    json!({
        "sessionId": "5f0c6a52-8f3e-4c1b-9d2a-7b6e1f4a3c21",
        "expiresAt": 1_764_150_000_i64,
        "allowedPaymentMethods": [],
        "reference": "SM-1"
    })
}

fn client(url: &str, secret: &str) -> Client {
    Client::builder(Credentials::new(KEY, secret))
        .base_url(url)
        .retry(RetryPolicy::default().with_base_delay(Duration::from_millis(1)))
        .build()
        .unwrap()
}

fn http_date(unix: u64) -> String {
    httpdate::fmt_http_date(SystemTime::UNIX_EPOCH + Duration::from_secs(unix))
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn a_wrong_secret_is_blamed_on_the_secret_not_the_clock() {
    let server = MockServer::start(MockConfig::new(KEY, SECRET))
        .await
        .unwrap();
    let error = client(&server.base_url(), "wrong")
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(api.status, 401);
    assert!(!api.is_clock_skew());
    let message = error.to_string();
    assert!(
        message.contains("check the API key and the API secret"),
        "{message}"
    );
    assert!(!message.contains("clock"), "{message}");
    // Sending it again with the key cannot help: no such advice.
    assert!(message.contains("idempotency key: "), "{message}");
    assert!(!message.contains("send the request again"), "{message}");
    assert_eq!(error.attempts(), 1);
}

#[tokio::test]
async fn the_advice_to_resend_with_the_key_comes_only_where_it_can_help() {
    let server = MockServer::start(MockConfig::new(KEY, SECRET))
        .await
        .unwrap();
    let client = client(&server.base_url(), SECRET);
    let mut keyed = request();
    keyed.idempotency_key = Some("order-41".into());
    client.create_embedded_session(&keyed).await.unwrap();
    keyed.amount = Some(30.0);
    let conflict = client.create_embedded_session(&keyed).await.unwrap_err();
    assert_eq!(conflict.status(), Some(409));
    let message = conflict.to_string();
    assert!(message.contains("idempotency key: order-41"), "{message}");
    assert!(!message.contains("send the request again"), "{message}");

    server
        .fail_next_on("createEmbeddedSession", 3, Fault::Status(503))
        .unwrap();
    let unavailable = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert_eq!(unavailable.attempts(), 3);
    let message = unavailable.to_string();
    assert!(message.contains("attempts: 3"), "{message}");
    assert!(
        message.contains("to retry without creating a duplicate, send the request again"),
        "{message}"
    );
}

#[tokio::test]
async fn a_date_thousands_of_years_away_moves_no_clock() {
    let far = Server::start(vec![
        Reply::json(401, json!({"message": "no"}))
            .with_header("date", "Fri, 31 Dec 9999 23:59:59 GMT"),
    ])
    .await;
    let client = client(&far.url, SECRET);
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert_eq!(far.seen().len(), 1, "no resend: the server is not believed");
    assert_eq!(client.clock_offset(), 0);
    assert!(error.to_string().contains("more than a day"), "{error}");
}

#[tokio::test]
async fn an_offset_is_kept_only_once_it_worked_and_dropped_when_it_stops_working() {
    let ahead = now() + 900;
    let server = Server::start(vec![
        // A skewed 401, then the resend signed with the server's time is refused too:
        // nothing is kept.
        Reply::json(401, json!({})).with_header("date", &http_date(ahead)),
        Reply::json(401, json!({})).with_header("date", &http_date(ahead)),
        // A skewed 401, and the resend succeeds: the offset is kept.
        Reply::json(401, json!({})).with_header("date", &http_date(ahead)),
        Reply::json(200, session_json()),
        // A failure that is not a 401 says nothing about the clock: the offset stays.
        Reply::json(409, json!({"message": "conflict"})),
        // A 401 whose `Date` agrees with the time the kept offset signed with: the clock
        // is not what is wrong, and the offset did not help, so it goes.
        Reply::json(401, json!({})).with_header("date", &http_date(ahead)),
        Reply::json(200, session_json()),
    ])
    .await;
    let client = client(&server.url, SECRET);
    client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert_eq!(client.clock_offset(), 0);
    let session = client.create_embedded_session(&request()).await.unwrap();
    assert_eq!(session.attempts(), 2);
    let kept = client.clock_offset();
    assert!((kept - 900).abs() <= 5, "{kept}");
    let conflict = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert_eq!(conflict.status(), Some(409));
    assert_eq!(client.clock_offset(), kept);
    let signed: u64 = server.seen()[4].header("timestamp").parse().unwrap();
    assert!(signed.abs_diff(now() + 900) <= 5, "{signed}");
    client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert_eq!(client.clock_offset(), 0);
    // Signed with this machine's clock again.
    client.create_embedded_session(&request()).await.unwrap();
    let last: u64 = server.seen()[6].header("timestamp").parse().unwrap();
    assert!(last.abs_diff(now()) <= 5, "{last}");
}

#[tokio::test]
async fn no_duration_and_no_retry_after_can_make_a_call_panic() {
    let server = Server::start(vec![
        Reply::json(503, json!({})).with_header("retry-after", "99999999999999999999999"),
    ])
    .await;
    let client = Client::builder(Credentials::new(KEY, SECRET))
        .base_url(&server.url)
        .retry(RetryPolicy::default().with_max_delay(Duration::MAX))
        .total_timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert_eq!(
        error.status(),
        Some(503),
        "the wait would end past the deadline"
    );

    let server = Server::start(vec![Reply::json(200, session_json())]).await;
    let unbounded = Client::builder(Credentials::new(KEY, SECRET))
        .base_url(&server.url)
        .timeout(Duration::MAX)
        .total_timeout(Duration::MAX)
        .build()
        .unwrap();
    unbounded.create_embedded_session(&request()).await.unwrap();

    let zero = Client::builder(Credentials::new(KEY, SECRET))
        .timeout(Duration::ZERO)
        .build()
        .unwrap_err();
    assert!(zero.to_string().contains("the timeout is zero"), "{zero}");
}

#[tokio::test]
async fn the_timeout_applies_to_the_callers_own_http_client_and_to_one_call() {
    let silent = Hostile::start(Answer::Silence).await;
    let own = Client::builder(Credentials::new(KEY, SECRET))
        .base_url(&silent.url)
        .http_client(stablemint::reqwest::Client::builder())
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    // The guard only keeps a broken client from hanging the test run.
    let error = tokio::time::timeout(
        Duration::from_secs(60),
        own.create_embedded_session(&request()),
    )
    .await
    .expect("the client's own timeout ends the call")
    .unwrap_err();
    let Error::Transport { source, .. } = &error else {
        panic!("{error:?}");
    };
    assert!(source.is_timeout());

    let patient = client(&silent.url, SECRET);
    let options = stablemint::options::CreateEmbeddedSessionOptions::new()
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::none());
    let error = tokio::time::timeout(
        Duration::from_secs(60),
        patient.create_embedded_session_with(&request(), &options),
    )
    .await
    .expect("the call's own timeout ends it")
    .unwrap_err();
    assert_eq!(error.attempts(), 1);
}

#[tokio::test]
async fn idempotency_keys_no_one_can_share_are_refused_by_client_and_mock() {
    let server = MockServer::start(MockConfig::new(KEY, SECRET))
        .await
        .unwrap();
    let client = client(&server.base_url(), SECRET);
    for key in [String::new(), "k".repeat(5_000), "bell\u{7}".to_owned()] {
        let mut careless = request();
        careless.idempotency_key = Some(key.clone());
        let error = client.create_embedded_session(&careless).await.unwrap_err();
        let Error::Validation(errors) = &error else {
            panic!("{key:?}: {error:?}");
        };
        let found: Vec<(&str, &str)> = errors.iter().map(|e| (e.pointer(), e.code())).collect();
        assert_eq!(found, [("/idempotencyKey", "idempotency_key")], "{key:?}");
        assert_eq!(error.attempts(), 0);
    }
    assert_eq!(server.requests_received(), 0, "nothing was sent");

    // Sent by hand, the mock refuses them too, and stores nothing.
    for key in ["", &"k".repeat(256)] {
        let body = json!({"userId": "u", "userEmail": "a@b.co", "userCountryCode": "DE",
                          "currency": "EUR", "idempotencyKey": key});
        let timestamp = now();
        let response = stablemint::reqwest::Client::new()
            .post(format!("{}/session/embedded", server.base_url()))
            .header("api_key", KEY)
            .header("timestamp", timestamp.to_string())
            .header(
                "signature",
                stablemint_wire::signature(timestamp, SECRET, "u"),
            )
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        let json: serde_json::Value = response.json().await.unwrap();
        assert_eq!(json["errors"][0]["pointer"], "/idempotencyKey");
        assert_eq!(json["errors"][0]["code"], "idempotency_key");
    }
    assert_eq!(server.idempotency_keys(), 0);
}

#[tokio::test]
async fn requests_name_this_crate_and_the_application() {
    let server = Server::start(vec![
        Reply::json(200, session_json()),
        Reply::json(200, session_json()),
    ])
    .await;
    let own = format!("stablemint-rs/{}", env!("CARGO_PKG_VERSION"));
    let plain = client(&server.url, SECRET);
    plain.create_embedded_session(&request()).await.unwrap();
    let named = Client::builder(Credentials::new(KEY, SECRET))
        .base_url(&server.url)
        .http_client(stablemint::reqwest::Client::builder())
        .app_info("shop", "2.3")
        .build()
        .unwrap();
    named.create_embedded_session(&request()).await.unwrap();
    let seen = server.seen();
    assert_eq!(seen[0].header("user-agent"), own);
    assert_eq!(seen[1].header("user-agent"), format!("{own} shop/2.3"));
}

#[test]
fn optional_setters_take_what_required_ones_take() {
    let reference = String::from("order-77");
    let key = IdempotencyKey::for_order("order-77");
    let built: EmbeddedSessionRequest = EmbeddedSessionRequest::builder()
        .user_id("user-1")
        .user_email("jane@example.com")
        .user_country_code("DE")
        .currency("EUR")
        .amount(25)
        .idempotency_key(&key)
        .website_reference(&reference)
        .try_into()
        .unwrap();
    assert_eq!(built.amount, Some(25.0));
    assert_eq!(built.idempotency_key.as_deref(), Some("order:order-77"));
    assert_eq!(built.website_reference.as_deref(), Some("order-77"));
    // `None` still unsets, and `Some` still works.
    let unset: EmbeddedSessionRequest = EmbeddedSessionRequest::builder()
        .user_id("user-1")
        .user_email("jane@example.com")
        .user_country_code("DE")
        .currency("EUR")
        .amount(Some(25.0))
        .amount(None)
        .try_into()
        .unwrap();
    assert_eq!(unset.amount, None);
}

#[test]
fn amounts_from_cents() {
    assert_eq!(stablemint::amount_from_minor_units(2550, "EUR"), Ok(25.5));
    assert_eq!(stablemint::amount_from_minor_units(2550, "JPY"), Ok(2550.0));
    let unknown = stablemint::amount_from_minor_units(2550, "EURO").unwrap_err();
    assert_eq!(unknown.code(), "currency");
}
