//! Client overhead: the `stablemint` client against a hand-written `reqwest` call that
//! sends the same signed JSON to the same mock, over the same loopback connection pool,
//! in one run. `cargo bench -p stablemint-tests --bench client_overhead`.
//!
//! Both sides send a fresh UUIDv4 `idempotencyKey` per call (the client adds one because
//! retries are on), sign with a fresh timestamp, and decode the response into the
//! generated type, so the mock does the same work for each.

use std::hint::black_box;
use std::time::SystemTime;

use criterion::{Criterion, criterion_group, criterion_main};
use stablemint::types::{EmbeddedSessionRequest, EmbeddedSessionResponse};
use stablemint::{Client, Credentials};
use stablemint_mock::{MockConfig, MockServer};

const API_KEY: &str = "bench-key-0001";
const API_SECRET: &str = "bench-made-up-secret";

fn request() -> EmbeddedSessionRequest {
    serde_json::from_value(serde_json::json!({
        "userId": "bench-user-1",
        "userEmail": "bench@example.com",
        "userCountryCode": "DE",
        "currency": "EUR",
        "amount": 12.5
    }))
    .expect("the bench request matches the generated type")
}

/// What a careful user would write by hand with reqwest alone.
async fn handwritten(
    http: &reqwest::Client,
    url: &str,
    request: &EmbeddedSessionRequest,
) -> EmbeddedSessionResponse {
    let mut body = request.clone();
    body.idempotency_key = Some(uuid::Uuid::new_v4().to_string());
    let timestamp = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let signature = stablemint::signature(timestamp, API_SECRET, &body.user_id);
    let response = http
        .post(url)
        .header("api_key", API_KEY)
        .header("timestamp", timestamp.to_string())
        .header("signature", signature)
        .json(&body)
        .send()
        .await
        .expect("the mock answers");
    assert_eq!(response.status(), 200);
    response.json().await.expect("a session")
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let server = runtime
        .block_on(MockServer::start(MockConfig::new(API_KEY, API_SECRET)))
        .expect("the mock starts");
    let _ = rustls::crypto::ring::default_provider().install_default();
    // One pool for both sides.
    let http = reqwest::Client::new();
    let client = Client::builder(Credentials::new(API_KEY, API_SECRET))
        .base_url(&server.base_url())
        .http_client(http.clone())
        .build()
        .expect("the client builds");
    let url = format!("{}/session/embedded", server.base_url());
    let request = request();

    let mut group = c.benchmark_group("client_overhead");
    group.bench_function("handwritten_reqwest", |b| {
        b.to_async(&runtime)
            .iter(|| async { black_box(handwritten(&http, &url, &request).await) })
    });
    group.bench_function("stablemint_client", |b| {
        b.to_async(&runtime).iter(|| async {
            black_box(
                client
                    .create_embedded_session(&request)
                    .await
                    .expect("a session"),
            )
        })
    });
    group.finish();
    drop(server);
}

criterion_group!(benches, bench);
criterion_main!(benches);
