//! The retry policy as callers configure it: every setting changes what the client does.

mod support;

use std::time::Duration;

use serde_json::json;
use stablemint::{Client, Credentials, Error, RetryBudget, RetryPolicy};
use support::{API_KEY, API_SECRET, Answer, Hostile, RecordingSleeper, Reply, Server, ok, request};

fn failing(times: usize) -> Vec<Reply> {
    let mut replies = vec![Reply::json(503, json!({"message": "busy"})); times];
    replies.push(ok());
    replies
}

fn client_for(url: &str, policy: RetryPolicy) -> (Client, RecordingSleeper) {
    let sleeper = RecordingSleeper::default();
    let client = Client::builder(Credentials::new(API_KEY, API_SECRET))
        .base_url(url)
        .retry(policy)
        .timeout(Duration::from_millis(300))
        .sleeper(sleeper.clone())
        .build()
        .unwrap();
    (client, sleeper)
}

#[tokio::test]
async fn max_retries_sets_how_many_attempts_follow_the_first() {
    let server = Server::start(failing(5)).await;
    let (client, sleeper) = client_for(&server.url, RetryPolicy::default().with_max_retries(5));
    let session = client.create_embedded_session(&request()).await.unwrap();
    assert_eq!(session.attempts(), 6);
    assert_eq!(server.seen().len(), 6);
    assert_eq!(sleeper.delays().len(), 5);

    let server = Server::start(failing(5)).await;
    let (client, _) = client_for(&server.url, RetryPolicy::default().with_max_retries(1));
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn base_delay_scales_the_backoff() {
    let server = Server::start(failing(4)).await;
    let policy = RetryPolicy::default()
        .with_max_retries(4)
        .with_base_delay(Duration::ZERO);
    let (client, sleeper) = client_for(&server.url, policy);
    client.create_embedded_session(&request()).await.unwrap();
    assert_eq!(sleeper.delays(), [Duration::ZERO; 4]);

    // With a real base, each wait stays under base × 2^n (and is jittered below it).
    let server = Server::start(failing(4)).await;
    let policy = RetryPolicy::default()
        .with_max_retries(4)
        .with_base_delay(Duration::from_millis(40))
        .with_max_delay(Duration::from_secs(60));
    let (client, sleeper) = client_for(&server.url, policy);
    client.create_embedded_session(&request()).await.unwrap();
    for (n, delay) in sleeper.delays().into_iter().enumerate() {
        assert!(
            delay <= Duration::from_millis(40 << n),
            "retry {n}: {delay:?}"
        );
    }
}

#[tokio::test]
async fn max_delay_caps_retry_after() {
    let server = Server::start(vec![
        Reply::json(503, json!({})).with_header("retry-after", "60"),
        ok(),
    ])
    .await;
    let policy = RetryPolicy::default().with_max_delay(Duration::from_secs(7));
    let (client, sleeper) = client_for(&server.url, policy);
    client.create_embedded_session(&request()).await.unwrap();
    assert_eq!(sleeper.delays(), [Duration::from_secs(7)]);
}

#[test]
fn the_settings_read_back() {
    let policy = RetryPolicy::default()
        .with_max_retries(4)
        .with_base_delay(Duration::from_millis(10))
        .with_max_delay(Duration::from_secs(3));
    assert_eq!(policy.max_retries(), 4);
    assert_eq!(policy.base_delay(), Duration::from_millis(10));
    assert_eq!(policy.max_delay(), Duration::from_secs(3));
    assert!(policy.enabled());
    let default = RetryPolicy::default();
    assert_eq!(
        (
            default.max_retries(),
            default.base_delay(),
            default.max_delay()
        ),
        (2, Duration::from_millis(250), Duration::from_secs(5))
    );
    assert!(!RetryPolicy::none().enabled());
    assert_eq!(RetryPolicy::none().max_retries(), 0);
}

#[tokio::test]
async fn retry_after_as_a_date_is_read_against_the_corrected_clock() {
    // The stepping clock reads 1700000000 and moves 7 s per reading; the server asks to
    // come back at 1700000030, so the wait is 30 s minus what the clock moved since.
    let date = httpdate::fmt_http_date(std::time::UNIX_EPOCH + Duration::from_secs(1_700_000_030));
    let server = Server::start(vec![
        Reply::json(503, json!({})).with_header("retry-after", &date),
        Reply::json(503, json!({})).with_header("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"),
        Reply::json(503, json!({})).with_header("retry-after", "soon"),
        ok(),
    ])
    .await;
    let policy = RetryPolicy::default()
        .with_max_retries(3)
        .with_base_delay(Duration::ZERO)
        .with_max_delay(Duration::from_secs(60));
    let (client, sleeper) = support::client(&server.url, policy);
    client.create_embedded_session(&request()).await.unwrap();
    // Readings: 1700000000 to sign, 1700000007 for the date → 23 s; a past date → at
    // once; an unreadable value → the backoff (zero here).
    assert_eq!(
        sleeper.delays(),
        [Duration::from_secs(23), Duration::ZERO, Duration::ZERO]
    );
}

/// Each kind of transport failure is retried: the call carries an idempotency key.
#[tokio::test]
async fn timeouts_and_broken_answers_are_retried_like_refused_connections() {
    for answer in [
        Answer::Silence,
        Answer::Raw(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"sess".to_vec()),
        Answer::Raw(b"HTTP/1.1 200 OK\r\n".to_vec()),
    ] {
        let hostile = Hostile::start(answer.clone()).await;
        let policy = RetryPolicy::default().with_base_delay(Duration::ZERO);
        let (client, sleeper) = client_for(&hostile.url, policy);
        let error = client
            .create_embedded_session(&request())
            .await
            .unwrap_err();
        assert!(
            matches!(error, stablemint::Error::Transport { .. }),
            "{answer:?}: {error:?}"
        );
        assert_eq!(hostile.requests(), 3, "{answer:?}: {error}");
        assert_eq!(sleeper.delays().len(), 2, "{answer:?}");
    }
}

/// The client's retry budget decides whether a retry is made: 5 tokens a retry, 10 after
/// a timeout, none left for a third retry here; the error says why it stopped.
#[tokio::test]
async fn the_retry_budget_charges_more_for_a_retry_after_a_timeout() {
    let policy = RetryPolicy::default()
        .with_max_retries(5)
        .with_base_delay(Duration::ZERO);
    let budget = RetryBudget::default().with_capacity(25);

    let silent = Hostile::start(Answer::Silence).await;
    let (client, _) = budgeted(&silent.url, policy, budget);
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    // 25 → 15 → 5: a third retry after a timeout would need 10.
    assert_eq!(error.attempts(), 3, "{error}");
    assert!(error.retry_budget_exhausted(), "{error}");
    assert!(
        matches!(error, stablemint::Error::Transport { .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("retry budget is spent"),
        "{error}"
    );
    assert_eq!(silent.requests(), 3);
    assert_eq!(client.retry_tokens(), Some(5));

    let server = Server::start(failing(10)).await;
    let (client, _) = budgeted(&server.url, policy, budget);
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    // 25 → 20 → ... → 0: five retries of 5.
    assert_eq!(error.attempts(), 6, "{error}");
    assert!(
        !error.retry_budget_exhausted(),
        "the policy stopped it: {error}"
    );
    assert_eq!(client.retry_tokens(), Some(0));
    // The next call's first attempt fails and finds nothing left.
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert_eq!(error.attempts(), 1, "{error}");
    assert!(error.retry_budget_exhausted(), "{error}");
    let Error::Api(api) = &error else {
        panic!("expected an answer, got {error:?}")
    };
    assert!(api.retry_budget_exhausted);
    assert_eq!(server.seen().len(), 7);
}

#[tokio::test]
async fn a_budget_that_cannot_work_is_refused_when_the_client_is_built() {
    for budget in [
        RetryBudget::default().with_retry_cost(0),
        RetryBudget::default().with_capacity(7),
    ] {
        let error = Client::builder(Credentials::new(API_KEY, API_SECRET))
            .retry_budget(budget)
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{error:?}");
        assert!(error.to_string().contains("retry budget"), "{error}");
    }
}

fn budgeted(url: &str, policy: RetryPolicy, budget: RetryBudget) -> (Client, RecordingSleeper) {
    let sleeper = RecordingSleeper::default();
    let client = Client::builder(Credentials::new(API_KEY, API_SECRET))
        .base_url(url)
        .retry(policy)
        .retry_budget(budget)
        .timeout(Duration::from_millis(200))
        .sleeper(sleeper.clone())
        .build()
        .unwrap();
    (client, sleeper)
}
