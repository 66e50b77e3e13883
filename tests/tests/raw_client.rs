//! The generated client against a real HTTP server on 127.0.0.1.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use serde_json::json;
use stablemint_raw::types::EmbeddedSessionRequest;

/// What the server saw of one request.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path: String,
    headers: HeaderMap,
    body: serde_json::Value,
}

/// Serves every request with `status` and `body`, recording what it receives.
async fn serve(status: u16, body: &'static str) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let app = Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, bytes: Bytes| {
            let record = record.clone();
            async move {
                record.lock().unwrap().push(Seen {
                    method,
                    path: uri.path().to_owned(),
                    headers,
                    body: serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
                });
                (
                    StatusCode::from_u16(status).unwrap(),
                    [("content-type", "application/json")],
                    body,
                )
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

fn client(base_url: &str) -> stablemint_raw::Client {
    // reqwest is built without a default crypto provider; the `stablemint` crate picks
    // one, and so must anyone who uses the raw client directly.
    let _ = rustls::crypto::ring::default_provider().install_default();
    stablemint_raw::Client::new(base_url, stablemint_raw::Limits::default())
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
    let (url, seen) = serve(200, OK_BODY).await;
    let signature = "ab".repeat(32);
    let response = client(&url)
        .create_embedded_session("test-key-0001", &signature, 1_700_000_000, &request())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.reference, "SM-2026-000123");
    assert_eq!(response.expires_at, 1_764_150_000);

    let seen = seen.lock().unwrap().clone();
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
    let (url, _) = serve(status, body).await;
    let error = client(&url)
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
