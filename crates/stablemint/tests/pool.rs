//! Pooled connections never fail a call: an idle connection is dropped from the pool
//! before the server (a load balancer) closes it. The test servers close keep-alive
//! connections after 1 s idle and the calls are 1.2 s apart; the client's idle timeout
//! is set under the server's, as the default (50 s) is under the common 60 s.
//!
//! These tests wait in real time (about 10 s in all); they assert counts, never times.

mod support;

use std::time::Duration;

use stablemint::{Client, Credentials, DEFAULT_POOL_IDLE_TIMEOUT, RetryPolicy};
use stablemint_test_support::{IdleClose, KeepAlive};
use support::{API_KEY, API_SECRET, request, session_json};

const SERVER_IDLE: Duration = Duration::from_secs(1);
const SPACING: Duration = Duration::from_millis(1200);

fn client(url: &str, pool_idle: Duration, retry: RetryPolicy) -> Client {
    Client::builder(Credentials::new(API_KEY, API_SECRET))
        .base_url(url)
        .pool_idle_timeout(pool_idle)
        .retry(retry.with_base_delay(Duration::ZERO))
        .build()
        .unwrap()
}

#[test]
fn the_default_idle_timeout_is_under_the_common_load_balancer_cutoff() {
    assert!(DEFAULT_POOL_IDLE_TIMEOUT < Duration::from_secs(60));
    let shown = format!(
        "{:?}",
        Client::builder(Credentials::new(API_KEY, API_SECRET))
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap()
    );
    assert!(shown.contains("pool_idle_timeout: 50s"), "{shown}");
}

#[tokio::test]
async fn calls_spaced_past_the_servers_idle_close_all_succeed_each_sent_once() {
    for close in [
        IdleClose::AfterIdle(SERVER_IDLE),
        IdleClose::OnLateRequest(SERVER_IDLE),
    ] {
        let server = KeepAlive::start(close, session_json().to_string()).await;
        // Calls with the client's own idempotency key (retried if they failed), and
        // calls with none (retries off): none may be sent twice.
        let keyed = client(
            &server.url,
            Duration::from_millis(500),
            RetryPolicy::default(),
        );
        let unkeyed = keyed.clone();
        let mut calls = 0;
        for round in 0..2 {
            if round > 0 {
                tokio::time::sleep(SPACING).await;
            }
            let session = keyed.create_embedded_session(&request()).await;
            let session = session.unwrap_or_else(|e| panic!("{close:?}, round {round}: {e}"));
            assert_eq!(session.attempts(), 1, "{close:?}");
            tokio::time::sleep(SPACING).await;
            let plain = unkeyed
                .create_embedded_session_with(
                    &request(),
                    &stablemint::options::CreateEmbeddedSessionOptions::new()
                        .retry(RetryPolicy::none()),
                )
                .await
                .unwrap_or_else(|e| panic!("{close:?}, round {round}, without a key: {e}"));
            assert_eq!(plain.idempotency_key(), None);
            calls += 2;
        }
        assert_eq!(
            server.requests(),
            calls,
            "{close:?}: a request was sent twice"
        );
        assert_eq!(server.unanswered(), 0, "{close:?}");
        // Each call found the pooled connection expired and opened its own.
        assert_eq!(server.connections(), calls, "{close:?}");
    }
}

/// The same server and spacing with an idle timeout above the server's: the hazard the
/// timeout avoids is real, so the test above can fail.
#[tokio::test]
async fn with_a_longer_idle_timeout_the_late_close_fails_a_call_without_a_key() {
    let server = KeepAlive::start(
        IdleClose::OnLateRequest(SERVER_IDLE),
        session_json().to_string(),
    )
    .await;
    let client = client(&server.url, Duration::from_secs(30), RetryPolicy::none());
    client.create_embedded_session(&request()).await.unwrap();
    tokio::time::sleep(SPACING).await;
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert!(
        matches!(error, stablemint::Error::Transport { .. }),
        "{error:?}"
    );
    // The request reached the server, which closed without answering: without a key,
    // the client could not know whether it was carried out, so it did not resend it.
    assert_eq!(server.requests(), 2);
    assert_eq!(server.unanswered(), 1);
    assert_eq!(server.connections(), 1);
}
