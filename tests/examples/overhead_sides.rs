//! One side of the client-overhead bench, N times, for counting instructions: run it
//! under `valgrind --tool=callgrind` with two values of N and divide the difference by
//! the difference in N, which cancels start-up. Everything (the mock included) runs on
//! one thread, so the count repeats run after run.
//!
//! ```sh
//! cargo build --release -p stablemint-tests --example overhead_sides
//! valgrind --tool=callgrind target/release/examples/overhead_sides client 2000
//! ```
//!
//! Sides: `handwritten` (reqwest alone), `raw` (the generated positional method),
//! `client` (`Client::create_embedded_session`), and the client with what an application
//! may add: `client_hook` (an attempt hook that adds one header), `client_fmt` (a
//! `tracing-subscriber` `fmt` layer at INFO, writing to a sink) and `client_otel`
//! (`tracing-opentelemetry` into an OpenTelemetry SDK with an in-memory exporter).
//! BENCHMARKS.md has the counts.

use std::time::SystemTime;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
use stablemint::reqwest::header::{HeaderName, HeaderValue};
use stablemint::types::EmbeddedSessionRequest;
use stablemint::{AttemptHook, AttemptRequest, Client, Credentials};
use stablemint_mock::{MockConfig, MockServer};
use tracing_subscriber::Layer as _;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;

#[path = "../shared/careful_http.rs"]
mod careful_http;
use careful_http::careful_http;

const API_KEY: &str = "bench-key-0001";
const API_SECRET: &str = "bench-made-up-secret";

fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Adds one header to every attempt: what a hook costs, beside what it does.
struct OneHeader;

impl AttemptHook for OneHeader {
    fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
        let _ = request.add_header(
            HeaderName::from_static("x-bench"),
            HeaderValue::from_static("1"),
        );
    }
}

/// Installs the subscriber of `side`, if it has one, for the whole run.
fn subscribe(side: &str) -> Option<SdkTracerProvider> {
    match side {
        "client_fmt" => {
            let layer = tracing_subscriber::fmt::layer()
                .with_writer(std::io::sink)
                .with_filter(LevelFilter::INFO);
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
                .expect("one subscriber");
            None
        }
        "client_otel" => {
            let provider = SdkTracerProvider::builder()
                .with_simple_exporter(InMemorySpanExporter::default())
                .build();
            let layer = tracing_opentelemetry::layer()
                .with_tracer(provider.tracer("bench"))
                .with_filter(LevelFilter::INFO);
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
                .expect("one subscriber");
            Some(provider)
        }
        _ => None,
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let side = args.next().unwrap_or_default();
    let calls: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let provider = subscribe(&side);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let server = MockServer::start(MockConfig::new(API_KEY, API_SECRET))
            .await
            .expect("the mock starts");
        let _ = rustls::crypto::ring::default_provider().install_default();
        let base_url = server.base_url();
        let url = format!("{base_url}/session/embedded");
        let http = careful_http();
        let raw = stablemint_raw::Client::new_with_client(
            &base_url,
            http.clone(),
            stablemint_raw::Limits::default(),
        );
        let mut client = Client::builder(Credentials::new(API_KEY, API_SECRET))
            .base_url(&base_url)
            .http_client(reqwest::Client::builder());
        if side == "client_hook" {
            client = client.hook(OneHeader);
        }
        let client = client.build().expect("the client builds");
        let request: EmbeddedSessionRequest = serde_json::from_value(serde_json::json!({
            "userId": "bench-user-1",
            "userEmail": "bench@example.com",
            "userCountryCode": "DE",
            "currency": "EUR",
            "amount": 12.5,
            "idempotencyKey": "bench-fixed-key-0001"
        }))
        .expect("a request");
        for _ in 0..calls {
            let timestamp = now_unix();
            match side.as_str() {
                "handwritten" => {
                    let signature =
                        stablemint_wire::signature(timestamp, API_SECRET, &request.user_id);
                    let response = http
                        .post(&url)
                        .header("api_key", API_KEY)
                        .header("timestamp", timestamp.to_string())
                        .header("signature", signature)
                        .json(&request)
                        .send()
                        .await
                        .expect("the mock answers");
                    assert_eq!(response.status(), 200);
                    let session: stablemint::types::EmbeddedSessionResponse =
                        response.json().await.expect("a session");
                    std::hint::black_box(session);
                }
                "raw" => {
                    let signature =
                        stablemint_wire::signature(timestamp, API_SECRET, &request.user_id);
                    let session = raw
                        .create_embedded_session(
                            API_KEY,
                            &signature,
                            i64::try_from(timestamp).unwrap_or(i64::MAX),
                            &request,
                        )
                        .await
                        .expect("a session");
                    std::hint::black_box(session);
                }
                "client" | "client_hook" | "client_fmt" | "client_otel" => {
                    let session = client
                        .create_embedded_session(&request)
                        .await
                        .expect("a session");
                    std::hint::black_box(session);
                }
                other => panic!(
                    "unknown side {other:?}: handwritten, raw, client, client_hook, \
                     client_fmt or client_otel"
                ),
            }
        }
        server.shutdown().await;
    });
    if let Some(provider) = provider {
        let _ = provider.shutdown();
    }
}
