//! Client overhead: the `stablemint` client against a hand-written `reqwest` call that
//! sends the same signed JSON to the same mock, in one run.
//! `cargo bench -p stablemint-tests --bench client_overhead`.
//!
//! Three ways of making the same call are compared:
//! - `handwritten_reqwest`: what a careful user would write with reqwest alone;
//! - `raw_positional`: the generated positional method of `stablemint-raw`, signed, and
//!   nothing else (no validation, no retry loop, no tracing). The `stablemint` client
//!   sends through this method, so this is the floor under the client;
//! - `stablemint_client`: `Client::create_embedded_session`.
//!
//! Each side has its own connection pool, configured alike: a 30 s limit for each
//! request and the client's `User-Agent` (`careful_http` for the hand-written and raw
//! sides; the client sets both on the default `reqwest::ClientBuilder` it is given, with
//! its own redirect policy, so it cannot share a pool with the others). Each pool keeps its
//! connections to the mock alive, so after warm-up every side reuses one connection per
//! concurrent caller.
//!
//! All three send the same JSON, with the same `idempotencyKey`, sign it with a fresh
//! timestamp, and decode the response into the generated type, so the mock does the same
//! work for each: after the first call it replays the stored session. (With a new key per
//! call the mock would store every session, and its growing memory made whichever side
//! ran second look 10-20% slower; the key keeps the comparison about the client.) The
//! client runs with its default retry policy; it adds no key of its own because the
//! request has one.
//!
//! Three measures, all interleaved so that every side sees the same machine:
//! 1. criterion, one call at a time, each timed call followed by an untimed call of the
//!    next side;
//! 2. sequential throughput: rounds of 10 consecutive calls per side, the sides in
//!    rotating order, and the ratio of total calls per second;
//! 3. CPU-bound throughput: 8 concurrent callers per side, on the same single worker
//!    thread that serves the mock, in alternating blocks. No thread ever waits for
//!    another, so this measures the CPU each call costs, client and server together;
//!    it is the steadiest of the three on this 2-core machine.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use criterion::{Criterion, criterion_group, criterion_main};
use stablemint::types::{EmbeddedSessionRequest, EmbeddedSessionResponse};
use stablemint::{Client, Credentials};
use stablemint_mock::{MockConfig, MockServer};

#[path = "../shared/careful_http.rs"]
mod careful_http;
use careful_http::careful_http;

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

fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The three ways of making the same call.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Handwritten,
    RawPositional,
    Client,
}

impl Side {
    const ALL: [Side; 3] = [Side::Handwritten, Side::RawPositional, Side::Client];

    fn name(self) -> &'static str {
        match self {
            Side::Handwritten => "handwritten_reqwest",
            Side::RawPositional => "raw_positional",
            Side::Client => "stablemint_client",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The side after this one, round the three.
    fn next(self) -> Self {
        Side::ALL[(self.index() + 1) % Side::ALL.len()]
    }
}

/// What every call needs; cheap to clone, so concurrent callers each hold one.
#[derive(Clone)]
struct Callers {
    http: reqwest::Client,
    raw: stablemint_raw::Client,
    client: Client,
    url: Arc<str>,
    request: Arc<EmbeddedSessionRequest>,
}

impl Callers {
    /// Makes one call of `side`.
    async fn call(&self, side: Side) {
        match side {
            Side::Handwritten => {
                black_box(self.handwritten().await);
            }
            Side::RawPositional => {
                black_box(self.raw_positional().await);
            }
            Side::Client => {
                black_box(
                    self.client
                        .create_embedded_session(&self.request)
                        .await
                        .expect("a session"),
                );
            }
        }
    }

    /// What a careful user would write by hand with reqwest alone.
    async fn handwritten(&self) -> EmbeddedSessionResponse {
        let timestamp = now_unix();
        let signature = stablemint_wire::signature(timestamp, API_SECRET, &self.request.user_id);
        let response = self
            .http
            .post(&*self.url)
            .header("api_key", API_KEY)
            .header("timestamp", timestamp.to_string())
            .header("signature", signature)
            .json(&*self.request)
            .send()
            .await
            .expect("the mock answers");
        assert_eq!(response.status(), 200);
        response.json().await.expect("a session")
    }

    /// The generated positional method alone, as the client uses it.
    async fn raw_positional(&self) -> EmbeddedSessionResponse {
        let timestamp = now_unix();
        let signature = stablemint_wire::signature(timestamp, API_SECRET, &self.request.user_id);
        self.raw
            .create_embedded_session(
                API_KEY,
                &signature,
                i64::try_from(timestamp).unwrap_or(i64::MAX),
                &self.request,
            )
            .await
            .expect("a session")
            .into_inner()
    }
}

/// Everything the sides share: one mock and one runtime.
struct Setup {
    runtime: tokio::runtime::Runtime,
    server: MockServer,
    callers: Callers,
}

impl Setup {
    fn new() -> Self {
        // One worker thread: the mock and reqwest's connection tasks run on it, the
        // timed calls on the bench thread (except in the CPU-bound measure).
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let server = runtime
            .block_on(MockServer::start(MockConfig::new(API_KEY, API_SECRET)))
            .expect("the mock starts");
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = careful_http();
        let base_url = server.base_url();
        let client = Client::builder(Credentials::new(API_KEY, API_SECRET))
            .base_url(&base_url)
            .http_client(reqwest::Client::builder())
            .build()
            .expect("the client builds");
        let callers = Callers {
            raw: stablemint_raw::Client::new_with_client(
                &base_url,
                careful_http(),
                stablemint_raw::Limits::default(),
            ),
            http,
            client,
            url: format!("{base_url}/session/embedded").into(),
            request: Arc::new(request()),
        };
        Self {
            runtime,
            server,
            callers,
        }
    }
}

fn bench(c: &mut Criterion) {
    let setup = Setup::new();
    per_call(c, &setup);
    let sequential = sequential_throughput(&setup);
    let cpu_bound = cpu_bound_throughput(&setup);
    for (measure, rates) in [("sequential", sequential), ("cpu-bound", cpu_bound)] {
        println!("{}", report(measure, &rates));
    }
    assert_eq!(
        setup.server.sessions_created(),
        1,
        "the fixed key makes every call a replay"
    );
}

/// criterion: each timed call of a side is followed by one untimed call of the next
/// side, so that every side sees the same machine and the same server state. Loopback
/// latency on a 2-core machine drifts between back-to-back runs by more than the
/// difference being measured.
fn per_call(c: &mut Criterion, setup: &Setup) {
    let mut group = c.benchmark_group("client_overhead");
    group.measurement_time(Duration::from_secs(10));
    for side in Side::ALL {
        group.bench_function(side.name(), |b| {
            b.to_async(&setup.runtime).iter_custom(|iters| {
                let callers = &setup.callers;
                async move {
                    let mut timed = Duration::ZERO;
                    for _ in 0..iters {
                        let start = Instant::now();
                        callers.call(side).await;
                        timed += start.elapsed();
                        callers.call(side.next()).await;
                    }
                    timed
                }
            })
        });
    }
    group.finish();
}

/// Calls per second of each side, one sample per round, sides indexed by `Side::index`.
type Rates = [Vec<f64>; 3];

/// Runs `rounds` rounds in which each side in turn makes `calls` calls through `run`,
/// the order of the sides rotating from round to round, and returns each side's calls
/// per second in every round.
fn in_rotating_rounds(
    setup: &Setup,
    rounds: usize,
    calls: usize,
    mut run: impl AsyncFnMut(Side),
) -> Rates {
    let mut rates: Rates = Default::default();
    setup.runtime.block_on(async {
        for round in 0..rounds {
            for offset in 0..Side::ALL.len() {
                let side = Side::ALL[(round + offset) % Side::ALL.len()];
                let start = Instant::now();
                run(side).await;
                rates[side.index()].push(calls as f64 / start.elapsed().as_secs_f64());
            }
        }
    });
    rates
}

/// One call at a time from the bench thread: 1,500 rounds of 10 consecutive calls per
/// side.
fn sequential_throughput(setup: &Setup) -> Rates {
    const CALLS: usize = 10;
    in_rotating_rounds(setup, 1_500, CALLS, async |side| {
        for _ in 0..CALLS {
            setup.callers.call(side).await;
        }
    })
}

/// 8 concurrent callers per side, spawned on the worker thread that also runs the mock
/// and the connections: 40 rounds of 1,600 calls per side.
fn cpu_bound_throughput(setup: &Setup) -> Rates {
    const CALLERS: usize = 8;
    const CALLS_EACH: usize = 200;
    in_rotating_rounds(setup, 40, CALLERS * CALLS_EACH, async |side| {
        let mut callers = tokio::task::JoinSet::new();
        for _ in 0..CALLERS {
            let these = setup.callers.clone();
            callers.spawn(async move {
                for _ in 0..CALLS_EACH {
                    these.call(side).await;
                }
            });
        }
        while let Some(done) = callers.join_next().await {
            done.expect("a caller finishes");
        }
    })
}

/// One line per side: calls per second over the whole measure, and its throughput
/// relative to the hand-written call, both over the whole run (total calls over total
/// time) and as the median and quartiles of the round-by-round ratios.
fn report(measure: &str, rates: &Rates) -> String {
    let hand = &rates[Side::Handwritten.index()];
    let overall = |r: &[f64]| r.len() as f64 / r.iter().map(|x| 1.0 / x).sum::<f64>();
    let mut lines = vec![format!(
        "client_overhead/{measure}: {} rounds; {} {:.0} calls/s",
        hand.len(),
        Side::Handwritten.name(),
        overall(hand)
    )];
    for side in [Side::RawPositional, Side::Client] {
        let ours = &rates[side.index()];
        let mut ratios: Vec<f64> = ours.iter().zip(hand).map(|(o, h)| o / h).collect();
        ratios.sort_unstable_by(f64::total_cmp);
        let at = |q: f64| ratios[((ratios.len() - 1) as f64 * q) as usize];
        lines.push(format!(
            "  {} {:.0} calls/s: throughput ratio {:.3} (round by round: median {:.3}, \
             quartiles {:.3}-{:.3})",
            side.name(),
            overall(ours),
            overall(ours) / overall(hand),
            at(0.5),
            at(0.25),
            at(0.75)
        ));
    }
    lines.join("\n")
}

criterion_group!(benches, bench);
criterion_main!(benches);
