//! Client overhead: the `stablemint` client against a hand-written `reqwest` call that
//! sends the same signed JSON to the same mock, over the same loopback connection pool,
//! in one run. `cargo bench -p stablemint-tests --bench client_overhead`.
//!
//! Both sides send the same JSON, with the same `idempotencyKey`, sign it with a fresh
//! timestamp, and decode the response into the generated type, so the mock does the same
//! work for each: after the first call it replays the stored session. (With a new key per
//! call the mock would store every session, and its growing memory made whichever side
//! ran second look 10-20% slower; the key keeps the comparison about the client.) The
//! client runs with its default retry policy; it adds no key of its own because the
//! request has one.

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime};

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
        "amount": 12.5,
        "idempotencyKey": "bench-fixed-key-0001"
    }))
    .expect("the bench request matches the generated type")
}

/// What a careful user would write by hand with reqwest alone.
async fn handwritten(
    http: &reqwest::Client,
    url: &str,
    request: &EmbeddedSessionRequest,
) -> EmbeddedSessionResponse {
    let timestamp = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let signature = stablemint::signature(timestamp, API_SECRET, &request.user_id);
    let response = http
        .post(url)
        .header("api_key", API_KEY)
        .header("timestamp", timestamp.to_string())
        .header("signature", signature)
        .json(request)
        .send()
        .await
        .expect("the mock answers");
    assert_eq!(response.status(), 200);
    response.json().await.expect("a session")
}

/// The two ways of making the same call.
#[derive(Clone, Copy)]
enum Side {
    Handwritten,
    Client,
}

impl Side {
    fn other(self) -> Self {
        match self {
            Side::Handwritten => Side::Client,
            Side::Client => Side::Handwritten,
        }
    }
}

/// Everything both sides share: one mock, one runtime, one connection pool.
struct Setup {
    runtime: tokio::runtime::Runtime,
    server: MockServer,
    http: reqwest::Client,
    client: Client,
    url: String,
    request: EmbeddedSessionRequest,
}

impl Setup {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let server = runtime
            .block_on(MockServer::start(MockConfig::new(API_KEY, API_SECRET)))
            .expect("the mock starts");
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::new();
        let client = Client::builder(Credentials::new(API_KEY, API_SECRET))
            .base_url(&server.base_url())
            .http_client(http.clone())
            .build()
            .expect("the client builds");
        let url = format!("{}/session/embedded", server.base_url());
        Self {
            runtime,
            server,
            http,
            client,
            url,
            request: request(),
        }
    }

    /// Runs one call of `side` and returns how long it took.
    async fn time(&self, side: Side) -> Duration {
        let start = Instant::now();
        match side {
            Side::Handwritten => self.handwritten().await,
            Side::Client => self.client().await,
        }
        start.elapsed()
    }

    async fn handwritten(&self) {
        black_box(handwritten(&self.http, &self.url, &self.request).await);
    }

    async fn client(&self) {
        black_box(
            self.client
                .create_embedded_session(&self.request)
                .await
                .expect("a session"),
        );
    }
}

/// Each side is timed while the other runs between its calls, untimed, so that both
/// see the same machine and the same server state. Loopback latency on a 2-core machine
/// drifts by more than the 5% being measured between two back-to-back criterion runs.
fn bench(c: &mut Criterion) {
    let setup = Setup::new();
    let mut group = c.benchmark_group("client_overhead");
    group.measurement_time(Duration::from_secs(10));
    for (name, side) in [
        ("handwritten_reqwest", Side::Handwritten),
        ("stablemint_client", Side::Client),
    ] {
        group.bench_function(name, |b| {
            b.to_async(&setup.runtime).iter_custom(|iters| {
                let setup = &setup;
                async move {
                    let mut timed = Duration::ZERO;
                    for _ in 0..iters {
                        timed += setup.time(side).await;
                        setup.time(side.other()).await;
                    }
                    timed
                }
            })
        });
    }
    group.finish();
    paired_ratio(&setup);
}

/// A paired summary: 20,000 rounds of one call each, in alternating order, and the
/// ratio of the median latencies (throughput of the client relative to the hand-written
/// call; 1.0 means no overhead). Medians, because loopback latency here has a long tail
/// that moves the criterion means by more than the difference being measured.
fn paired_ratio(setup: &Setup) {
    const ROUNDS: usize = 20_000;
    let (mut hand, mut ours) = (Vec::with_capacity(ROUNDS), Vec::with_capacity(ROUNDS));
    setup.runtime.block_on(async {
        for round in 0..ROUNDS {
            if round % 2 == 0 {
                hand.push(setup.time(Side::Handwritten).await);
                ours.push(setup.time(Side::Client).await);
            } else {
                ours.push(setup.time(Side::Client).await);
                hand.push(setup.time(Side::Handwritten).await);
            }
        }
    });
    hand.sort_unstable();
    ours.sort_unstable();
    let at = |v: &[Duration], q: f64| v[((v.len() - 1) as f64 * q) as usize];
    println!(
        "client_overhead/paired: {ROUNDS} alternating rounds; handwritten p50 {:?} p90 {:?}; \
         stablemint p50 {:?} p90 {:?}; throughput ratio (p50) {:.3}",
        at(&hand, 0.5),
        at(&hand, 0.9),
        at(&ours, 0.5),
        at(&ours, 0.9),
        at(&hand, 0.5).as_secs_f64() / at(&ours, 0.5).as_secs_f64()
    );
    assert!(
        setup.server.sessions_created() == 1,
        "the fixed key makes every call a replay"
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
