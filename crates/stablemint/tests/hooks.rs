//! Hooks around each attempt: what they see, what they may add, the uses they serve (a
//! header of the caller's, counting in the caller's own metrics, an audit line; the
//! trace context is in `opentelemetry.rs`), and a hook that panics.

mod support;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use stablemint::reqwest::header::{HeaderName, HeaderValue};
use stablemint::{
    AttemptHook, AttemptOutcome, AttemptRequest, Client, Credentials, Error, HookStage, RetryPolicy,
};
use support::{API_KEY, API_SECRET, Answer, Hostile, Reply, Server, ok, request};

fn client_with(url: &str, hook: impl AttemptHook) -> Client {
    Client::builder(Credentials::new(API_KEY, API_SECRET))
        .base_url(url)
        .retry(RetryPolicy::default().with_base_delay(Duration::ZERO))
        .hook(hook)
        .build()
        .unwrap()
}

/// Adds a header of the caller's, and tries to replace each authentication header.
struct Header {
    refused: Arc<Mutex<Vec<String>>>,
}

impl AttemptHook for Header {
    fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
        request
            .add_header(
                HeaderName::from_static("x-shop-region"),
                HeaderValue::from_static("eu-1"),
            )
            .unwrap();
        for name in ["api_key", "timestamp", "signature"] {
            let refused = request
                .add_header(
                    HeaderName::from_static(name),
                    HeaderValue::from_static("forged"),
                )
                .unwrap_err();
            self.refused.lock().unwrap().push(refused.to_string());
        }
    }
}

#[tokio::test]
async fn a_hook_adds_a_header_and_cannot_touch_the_authentication_headers() {
    let server = Server::start(vec![ok()]).await;
    let refused = Arc::new(Mutex::new(Vec::new()));
    let client = client_with(
        &server.url,
        Header {
            refused: refused.clone(),
        },
    );
    client.create_embedded_session(&request()).await.unwrap();
    let seen = &server.seen()[0];
    assert_eq!(seen.header("x-shop-region"), "eu-1");
    assert_eq!(seen.header("api_key"), API_KEY);
    let timestamp: u64 = seen.header("timestamp").parse().unwrap();
    assert_eq!(
        seen.header("signature"),
        stablemint_wire::signature(timestamp, API_SECRET, "user-8c1f")
    );
    assert_eq!(seen.headers.get_all("signature").iter().count(), 1);
    let refused = refused.lock().unwrap();
    assert_eq!(refused.len(), 3);
    assert!(
        refused.iter().all(|r| r.contains("authentication header")),
        "{refused:?}"
    );
}

/// Counts attempts by operation and status (or error type), as an application counts
/// in its own metrics, and keeps one audit line per attempt.
#[derive(Default, Clone)]
struct Counter {
    counts: Arc<Mutex<BTreeMap<(String, String), u32>>>,
    audit: Arc<Mutex<Vec<String>>>,
    before: Arc<Mutex<Vec<Looked>>>,
}

/// What `before_attempt` saw: operation, method, template, attempt, the URL's path.
type Looked = (String, String, String, u32, String);

impl AttemptHook for Counter {
    fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
        self.before.lock().unwrap().push((
            request.operation_id().to_owned(),
            request.method().to_owned(),
            request.url_template().to_owned(),
            request.attempt(),
            request.url().path().to_owned(),
        ));
        // What an audit line may show of the headers: the auth values are sensitive.
        let headers = format!("{:?}", request.headers());
        assert!(!headers.contains(API_KEY), "{headers}");
        assert!(headers.contains("Sensitive"), "{headers}");
    }

    fn after_attempt(&self, outcome: &AttemptOutcome<'_>) {
        let result = match (outcome.status(), outcome.error_type()) {
            (Some(status), _) => status.to_string(),
            (None, Some(error)) => error.to_owned(),
            (None, None) => "none".to_owned(),
        };
        *self
            .counts
            .lock()
            .unwrap()
            .entry((outcome.operation_id().to_owned(), result.clone()))
            .or_default() += 1;
        self.audit.lock().unwrap().push(format!(
            "{} {} attempt={} result={} error={:?} request_id={:?} timed={}",
            outcome.method(),
            outcome.url_template(),
            outcome.attempt(),
            result,
            outcome.error_type(),
            outcome.request_id(),
            outcome.duration() > Duration::ZERO,
        ));
    }
}

#[tokio::test]
async fn a_hook_counts_every_attempt_and_writes_an_audit_line() {
    let server = Server::start(vec![
        Reply::json(503, json!({})).with_header("x-request-id", "req-1"),
        Reply::json(502, json!({})),
        ok().with_header("x-request-id", "req-3"),
    ])
    .await;
    let counter = Counter::default();
    let client = client_with(&server.url, counter.clone());
    let session = client.create_embedded_session(&request()).await.unwrap();
    assert_eq!(session.attempts(), 3);

    let before = counter.before.lock().unwrap().clone();
    assert_eq!(
        before,
        (1..=3)
            .map(|attempt| (
                "createEmbeddedSession".to_owned(),
                "POST".to_owned(),
                "/session/embedded".to_owned(),
                attempt,
                "/session/embedded".to_owned(),
            ))
            .collect::<Vec<_>>()
    );
    let counts = counter.counts.lock().unwrap().clone();
    let op = "createEmbeddedSession".to_owned();
    assert_eq!(
        counts,
        BTreeMap::from([
            ((op.clone(), "200".to_owned()), 1),
            ((op.clone(), "502".to_owned()), 1),
            ((op, "503".to_owned()), 1),
        ])
    );
    assert_eq!(
        *counter.audit.lock().unwrap(),
        [
            "POST /session/embedded attempt=1 result=503 error=Some(\"503\") \
             request_id=Some(\"req-1\") timed=true",
            "POST /session/embedded attempt=2 result=502 error=Some(\"502\") \
             request_id=None timed=true",
            "POST /session/embedded attempt=3 result=200 error=None \
             request_id=Some(\"req-3\") timed=true",
        ]
    );
}

#[tokio::test]
async fn a_hook_hears_of_failures_without_an_answer() {
    let hostile = Hostile::start(Answer::Silence).await;
    let counter = Counter::default();
    let client = Client::builder(Credentials::new(API_KEY, API_SECRET))
        .base_url(&hostile.url)
        .retry(RetryPolicy::default().with_base_delay(Duration::ZERO))
        .timeout(Duration::from_millis(200))
        .hook(counter.clone())
        .build()
        .unwrap();
    client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    let audit = counter.audit.lock().unwrap().clone();
    assert_eq!(audit.len(), 3, "{audit:?}");
    assert!(
        audit.iter().all(|line| line.contains("result=timeout")),
        "{audit:?}"
    );

    // The call's deadline abandons the attempt in flight: the hook hears of that too.
    let counter = Counter::default();
    let client = Client::builder(Credentials::new(API_KEY, API_SECRET))
        .base_url(&hostile.url)
        .total_timeout(Duration::from_millis(200))
        .hook(counter.clone())
        .build()
        .unwrap();
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Deadline { .. }), "{error:?}");
    assert_eq!(
        *counter.audit.lock().unwrap(),
        [
            "POST /session/embedded attempt=1 result=deadline error=Some(\"deadline\") \
          request_id=None timed=true"
        ]
    );
}

/// Panics in `before_attempt` once, then behaves.
#[derive(Default, Clone)]
struct PanicsBeforeOnce {
    panicked: Arc<AtomicBool>,
    calls: Arc<AtomicU32>,
}

impl AttemptHook for PanicsBeforeOnce {
    fn before_attempt(&self, _: &mut AttemptRequest<'_>) {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if !self.panicked.swap(true, Ordering::SeqCst) {
            panic!("the hook's own bug");
        }
    }
}

#[tokio::test]
async fn a_hook_that_panics_before_fails_the_call_sends_nothing_and_poisons_nothing() {
    let server = Server::start(vec![ok()]).await;
    let hook = PanicsBeforeOnce::default();
    let counter = Counter::default();
    let client = Client::builder(Credentials::new(API_KEY, API_SECRET))
        .base_url(&server.url)
        .hook(hook.clone())
        .hook(counter.clone())
        .build()
        .unwrap();
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    let Error::Hook(hook_error) = &error else {
        panic!("expected a hook error, got {error:?}");
    };
    assert_eq!(hook_error.stage(), HookStage::BeforeAttempt);
    assert_eq!(hook_error.attempt(), 1);
    assert_eq!(hook_error.message(), "the hook's own bug");
    assert_eq!(error.attempts(), 1);
    assert!(error.idempotency_key().is_some());
    let message = error.to_string();
    assert!(
        message.contains("panicked before attempt 1 was sent (the hook's own bug)"),
        "{message}"
    );
    assert!(message.contains("a hook must not panic"), "{message}");
    // Nothing was sent, the panicking hook was not retried, and the hooks after it were
    // not called for an attempt that never happened.
    assert!(server.seen().is_empty());
    assert_eq!(hook.calls.load(Ordering::SeqCst), 1);
    assert!(counter.before.lock().unwrap().is_empty());
    assert!(counter.audit.lock().unwrap().is_empty());

    // The same client (and a clone) still works.
    client.create_embedded_session(&request()).await.unwrap();
    client
        .clone()
        .create_embedded_session(&request())
        .await
        .unwrap();
    assert_eq!(server.seen().len(), 2);
}

struct PanicsAfter;

impl AttemptHook for PanicsAfter {
    fn after_attempt(&self, outcome: &AttemptOutcome<'_>) {
        if outcome.status() == Some(200) {
            panic!("{}", String::from("after\u{1b}[31m"));
        }
    }
}

#[tokio::test]
async fn a_hook_that_panics_after_fails_the_call_with_the_key_to_call_again() {
    let server = Server::start(vec![Reply::json(503, json!({})), ok()]).await;
    let client = client_with(&server.url, PanicsAfter);
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    let Error::Hook(hook_error) = &error else {
        panic!("expected a hook error, got {error:?}");
    };
    assert_eq!(hook_error.stage(), HookStage::AfterAttempt);
    assert_eq!(hook_error.attempt(), 2);
    assert_eq!(error.attempts(), 2);
    // The panic's text is escaped like any text from outside.
    assert_eq!(hook_error.message(), r"after\u{1b}[31m");
    let key = error.idempotency_key().unwrap().to_owned();
    let message = error.to_string();
    assert!(
        message.contains("may have carried out the request"),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "idempotency key: {key}; to retry without creating a duplicate"
        )),
        "{message}"
    );
    assert!(!message.contains('\u{1b}'), "{message}");
    assert_eq!(server.seen().len(), 2);
}
