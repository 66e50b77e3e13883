//! Chaos: 240 concurrent calls through `stablemint::Client` against the mock, with faults
//! injected at random from a fixed seed: 503s, connections dropped before the request is
//! processed, connections dropped after the session was created (the answer is lost),
//! and answers slower than the client's timeout.
//!
//! What must hold: every call that succeeded names the one session the mock created for
//! it, the mock created no second session for any call, and at least 98% of the calls
//! succeed with a fast retry policy.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use stablemint::types::EmbeddedSessionRequest;
use stablemint::{Client, Credentials, RetryPolicy};
use stablemint_mock::{Fault, MockConfig, MockServer, RandomFaults};

const KEY: &str = "chaos-key-made-up-0001";
const SECRET: &str = "chaos-made-up-secret";
const CALLS: usize = 240;
const SEED: u64 = 20_261_126;
/// The share of requests that meet a fault.
const RATE: f64 = 0.3;
const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(400);

fn request(call: usize) -> EmbeddedSessionRequest {
    serde_json::from_value(json!({
        "userId": format!("chaos-user-{call}"),
        "userEmail": "chaos@example.com",
        "userCountryCode": "FR",
        "currency": "EUR",
        "amount": 10.5
    }))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_faults_never_duplicate_a_session_and_rarely_fail_a_call() {
    let faults = RandomFaults::new(
        SEED,
        RATE,
        [
            Fault::Status(503),
            Fault::DropConnection,
            Fault::DropAfterProcessing,
            Fault::Delay(ATTEMPT_TIMEOUT * 2),
        ],
    )
    .unwrap();
    let seen: Arc<Mutex<BTreeMap<&'static str, usize>>> = Arc::default();
    let tally = seen.clone();
    let config = MockConfig::new(KEY, SECRET)
        .random_faults(faults)
        .on_request(move |log| {
            let kind = log.fault.unwrap_or("none");
            *tally.lock().unwrap().entry(kind).or_default() += 1;
        });
    let server = MockServer::start(config).await.unwrap();
    let client = Client::builder(Credentials::new(KEY, SECRET))
        .base_url(&server.base_url())
        .timeout(ATTEMPT_TIMEOUT)
        .retry(
            RetryPolicy::default()
                .with_max_retries(5)
                .with_base_delay(Duration::from_millis(5))
                .with_max_delay(Duration::from_millis(50)),
        )
        .build()
        .unwrap();

    let calls = (0..CALLS).map(|call| {
        let client = client.clone();
        tokio::spawn(async move { client.create_embedded_session(&request(call)).await })
    });
    let mut successes = Vec::new();
    let mut failures = Vec::new();
    for (call, outcome) in futures_join(calls).await.into_iter().enumerate() {
        match outcome {
            Ok(session) => successes.push((call, session)),
            Err(error) => failures.push((call, error)),
        }
    }

    let faults = seen.lock().unwrap().clone();
    let injected: usize = faults
        .iter()
        .filter(|(kind, _)| **kind != "none")
        .map(|(_, n)| n)
        .sum();
    println!(
        "chaos: {CALLS} calls, {} requests, faults {faults:?}, {} succeeded, {} failed, \
         {} sessions created",
        server.requests_received(),
        successes.len(),
        failures.len(),
        server.sessions_created()
    );
    for (call, error) in &failures {
        println!("call {call} failed: {error}");
    }

    // Every kind of fault happened, and the run was not trivially calm.
    for kind in [
        "status",
        "drop_connection",
        "drop_after_processing",
        "delay",
    ] {
        assert!(
            faults.get(kind).copied().unwrap_or(0) > 0,
            "no {kind}: {faults:?}"
        );
    }
    assert!(injected >= CALLS / 5, "{faults:?}");

    // At least 98% succeed.
    assert!(
        successes.len() * 100 >= CALLS * 98,
        "{} of {CALLS}",
        successes.len()
    );

    // Every success carries its own key and session.
    let keys: HashSet<&str> = successes
        .iter()
        .map(|(_, s)| s.idempotency_key().unwrap())
        .collect();
    let sessions: HashSet<_> = successes.iter().map(|(_, s)| s.session_id).collect();
    assert_eq!(keys.len(), successes.len());
    assert_eq!(sessions.len(), successes.len());

    // No second session for any call: every session was created under its own key,
    // and no call's key holds more than one.
    assert_eq!(server.sessions_created(), server.idempotency_keys());
    assert!(server.sessions_created() <= CALLS);
    assert!(server.sessions_created() >= successes.len());

    // Each success names the session the mock holds for its key: replaying the call with
    // its key, now with no fault, answers with that same session.
    let calm = Client::builder(Credentials::new(KEY, SECRET))
        .base_url(&server.base_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let before = server.sessions_created();
    let replays = successes.iter().map(|(call, session)| {
        let calm = calm.clone();
        let mut again = request(*call);
        again.idempotency_key = session.idempotency_key().map(str::to_owned);
        tokio::spawn(async move {
            // Random faults still apply to replays; a faulted replay is sent again.
            loop {
                match calm.create_embedded_session(&again).await {
                    Ok(replayed) => return replayed.session_id,
                    Err(error) => assert!(error.status().is_none_or(|s| s == 503), "{error}"),
                }
            }
        })
    });
    for ((call, session), replayed) in successes.iter().zip(futures_join(replays).await) {
        assert_eq!(replayed, session.session_id, "call {call}");
    }
    assert_eq!(
        server.sessions_created(),
        before,
        "a replay created a session"
    );
}

/// Awaits every task, in order.
async fn futures_join<T: Send + 'static>(
    tasks: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<T> {
    let mut out = Vec::new();
    for task in tasks.collect::<Vec<_>>() {
        out.push(task.await.unwrap());
    }
    out
}
