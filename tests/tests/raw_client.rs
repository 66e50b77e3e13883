//! The generated client against a real HTTP server on 127.0.0.1.

use axum::http::Method;
use serde_json::json;
use stablemint_raw::types::EmbeddedSessionRequest;
use stablemint_test_support::{Reply, Server};

/// Serves every request with `status` and the JSON `body`, recording what it receives.
async fn serve(status: u16, body: &str) -> Server {
    Server::start(vec![Reply::json(
        status,
        serde_json::from_str(body).unwrap(),
    )])
    .await
}

fn client(base_url: &str) -> stablemint_raw::Client {
    // reqwest is built without a default crypto provider; the `stablemint` crate picks
    // one, and so must anyone who uses the raw client directly.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    stablemint_raw::Client::new_with_client(base_url, http, stablemint_raw::Limits::default())
}

fn request() -> EmbeddedSessionRequest {
    serde_json::from_value(json!({
        "userId": "user-1",
        "userEmail": "jane@example.com",
        "userCountryCode": "DE",
        "currency": "EUR",
        "amount": 10.5
    }))
    .unwrap()
}

const OK_BODY: &str = r#"{
    "sessionId": "5f0c6a52-8f3e-4c1b-9d2a-7b6e1f4a3c21",
    "expiresAt": 1764150000,
    "allowedPaymentMethods": [{"paymentMethod": 1}],
    "reference": "SM-2026-000123"
}"#;

#[tokio::test]
async fn sends_the_headers_and_body_and_parses_a_200() {
    let server = serve(200, OK_BODY).await;
    let signature = "ab".repeat(32);
    let response = client(&server.url)
        .create_embedded_session("test-key-0001", &signature, 1_700_000_000, &request())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.reference, "SM-2026-000123");
    assert_eq!(response.expires_at, 1_764_150_000);

    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    let seen = &seen[0];
    assert_eq!(seen.method, Method::POST);
    assert_eq!(seen.path, "/session/embedded");
    assert_eq!(seen.headers["api_key"], "test-key-0001");
    assert_eq!(seen.headers["timestamp"], "1700000000");
    assert_eq!(seen.headers["signature"], "ab".repeat(32).as_str());
    assert_eq!(seen.headers["content-type"], "application/json");
    assert_eq!(seen.headers["api-version"], "1.0.0");
    assert_eq!(
        seen.body,
        json!({
            "userId": "user-1",
            "userEmail": "jane@example.com",
            "userCountryCode": "DE",
            "currency": "EUR",
            "amount": 10.5
        })
    );
}

async fn error_status_and_body(status: u16, body: &'static str) -> (u16, String) {
    let server = serve(status, body).await;
    let error = client(&server.url)
        .create_embedded_session("test-key-0001", "00", 1_700_000_000, &request())
        .await
        .unwrap_err();
    match error {
        stablemint_raw::Error::UnexpectedResponse(response) => {
            let status = response.status().as_u16();
            (status, response.text().await.unwrap())
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn a_4xx_surfaces_its_status_and_body() {
    let body = r#"{"error":"invalid_signature","message":"signature mismatch"}"#;
    assert_eq!(
        error_status_and_body(401, body).await,
        (401, body.to_owned())
    );
}

#[tokio::test]
async fn a_5xx_surfaces_its_status_and_body() {
    let body = r#"{"error":"unavailable"}"#;
    assert_eq!(
        error_status_and_body(503, body).await,
        (503, body.to_owned())
    );
}
