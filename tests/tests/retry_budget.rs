//! The retry budget against the mock during an outage: 100 concurrent calls against a
//! mock that answers 503 make at most 100 + 500 / 5 requests, not the 300 their retry
//! policies alone would allow; once the mock recovers, successes refill the budget and
//! retries are made again.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::json;
use stablemint::types::EmbeddedSessionRequest;
use stablemint::{Client, Credentials, Error, RetryBudget, RetryPolicy, SleepFuture, Sleeper};
use stablemint_mock::{Fault, MockConfig, MockServer};

const KEY: &str = "budget-key-made-up-0001";
const SECRET: &str = "budget-made-up-secret";
const CALLS: usize = 100;

/// Counts the waits between attempts and returns at once (the mock's 503 asks for
/// `Retry-After`, which would otherwise be waited for in real time).
#[derive(Debug, Clone, Default)]
struct CountingSleeper(Arc<AtomicUsize>);

impl Sleeper for CountingSleeper {
    fn sleep(&self, _: Duration) -> SleepFuture {
        self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(std::future::ready(()))
    }
}

fn request(call: usize) -> EmbeddedSessionRequest {
    serde_json::from_value(json!({
        "userId": format!("budget-user-{call}"),
        "userEmail": "budget@example.com",
        "userCountryCode": "FR",
        "currency": "EUR",
        "amount": 10.5
    }))
    .unwrap()
}

fn client(
    server: &MockServer,
    budget: RetryBudget,
    policy: RetryPolicy,
) -> (Client, CountingSleeper) {
    let sleeper = CountingSleeper::default();
    let client = Client::builder(Credentials::new(KEY, SECRET))
        .base_url(&server.base_url())
        .retry(policy)
        .retry_budget(budget)
        .sleeper(sleeper.clone())
        .build()
        .unwrap();
    (client, sleeper)
}

/// Runs `CALLS` calls at once, each through its own clone of `client`.
async fn storm(client: &Client) -> Vec<Result<stablemint::EmbeddedSession, Error>> {
    let tasks: Vec<_> = (0..CALLS)
        .map(|call| {
            let client = client.clone();
            tokio::spawn(async move { client.create_embedded_session(&request(call)).await })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    outcomes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_costs_at_most_one_request_per_call_plus_the_budget() {
    let server = MockServer::start(MockConfig::new(KEY, SECRET))
        .await
        .unwrap();
    // The outage: a 503 for every request the budget can allow, and exactly that many,
    // so the mock recovers once they are used. Each call may retry 10 times, so only
    // the budget can stop them sooner.
    let bound = CALLS + 500 / 5;
    server.fail_next(bound, Fault::Status(503)).unwrap();
    let policy = RetryPolicy::default().with_max_retries(10);
    let (client, sleeper) = client(&server, RetryBudget::default(), policy);

    let outcomes = storm(&client).await;
    assert_eq!(server.requests_received(), bound);
    assert_eq!(client.retry_tokens(), Some(0));
    assert_eq!(sleeper.0.load(Ordering::SeqCst), bound - CALLS);
    let mut attempts = 0;
    let mut refused = 0;
    for outcome in &outcomes {
        let error = outcome
            .as_ref()
            .expect_err("no call can succeed during the outage");
        assert_eq!(error.status(), Some(503), "{error}");
        attempts += error.attempts() as usize;
        if error.retry_budget_exhausted() {
            refused += 1;
            let message = error.to_string();
            assert!(
                message.contains("no retry was made: this client's retry budget is spent"),
                "{message}"
            );
        } else {
            // The only other way out: every retry of its policy made.
            assert_eq!(error.attempts(), 11, "{error}");
        }
    }
    assert_eq!(attempts, bound);
    assert!(
        refused >= CALLS - 10,
        "{refused} calls stopped by the budget"
    );

    // The mock has recovered: successes refill the budget, one token each.
    for call in 0..4 {
        let session = client
            .create_embedded_session(&request(call))
            .await
            .unwrap();
        assert_eq!(session.attempts(), 1);
    }
    assert_eq!(client.retry_tokens(), Some(4));
    // Four tokens do not pay for a retry (five)...
    server.fail_next(1, Fault::Status(503)).unwrap();
    let error = client
        .create_embedded_session(&request(0))
        .await
        .unwrap_err();
    assert!(error.retry_budget_exhausted(), "{error}");
    assert_eq!(error.attempts(), 1);
    // ...five do: the retry is made, and its success gives its tokens back.
    client.create_embedded_session(&request(1)).await.unwrap();
    assert_eq!(client.retry_tokens(), Some(5));
    server.fail_next(1, Fault::Status(503)).unwrap();
    let session = client.create_embedded_session(&request(2)).await.unwrap();
    assert_eq!(session.attempts(), 2);
    assert_eq!(client.retry_tokens(), Some(5));
    // Clones share the bucket.
    assert_eq!(client.clone().retry_tokens(), Some(5));
    assert_eq!(server.requests_received(), bound + 4 + 1 + 1 + 2);
    server.shutdown().await;
}

/// Without the budget, the same outage takes every retry every call's policy allows:
/// what the budget prevents.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_budget_every_call_retries_as_its_policy_allows() {
    let server = MockServer::start(MockConfig::new(KEY, SECRET))
        .await
        .unwrap();
    let allowed = CALLS * 3;
    server.fail_next(allowed, Fault::Status(503)).unwrap();
    let (client, _) = client(&server, RetryBudget::unlimited(), RetryPolicy::default());
    let outcomes = storm(&client).await;
    assert_eq!(server.requests_received(), allowed);
    assert!(outcomes.iter().all(|o| {
        o.as_ref()
            .is_err_and(|e| e.attempts() == 3 && !e.retry_budget_exhausted())
    }));
    assert_eq!(client.retry_tokens(), None);
    server.shutdown().await;
}
