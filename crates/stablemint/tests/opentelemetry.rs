//! What OpenTelemetry receives through `tracing-opentelemetry`: a span per call and, under
//! it, an HTTP client span per attempt with the stable conventions' attribute names and
//! types; and a W3C `traceparent` sent only when a hook is installed for it.

mod support;

use std::time::Duration;

use opentelemetry::Value;
use opentelemetry::propagation::{Injector, TextMapPropagator};
use opentelemetry::trace::{SpanKind, Status};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use serde_json::json;
use stablemint::reqwest::header::{HeaderName, HeaderValue};
use stablemint::{AttemptHook, AttemptRequest, Client, Credentials, RetryPolicy};
use support::otel::{Otel, attributes, int, is_client, text};
use support::{API_KEY, API_SECRET, Answer, Hostile, Reply, Server, client, ok, request};
use tracing_opentelemetry::OpenTelemetrySpanExt;

fn port(url: &str) -> i64 {
    url.rsplit(':').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn each_attempt_is_an_http_client_span_under_the_call_span() {
    let otel = Otel::start();
    let server = Server::start(vec![
        Reply::json(503, json!({"message": "busy"})).with_header("x-request-id", "req-first"),
        ok().with_header("x-request-id", "req-second"),
    ])
    .await;
    let (client, _) = client(&server.url, RetryPolicy::default());
    let session = client.create_embedded_session(&request()).await.unwrap();
    let key = session.idempotency_key().unwrap().to_owned();

    let spans = otel.spans();
    let names: Vec<&str> = spans.iter().map(|s| s.name.as_ref()).collect();
    assert_eq!(
        names,
        [
            "POST /session/embedded",
            "POST /session/embedded",
            "stablemint.createEmbeddedSession"
        ]
    );
    let (first, second, call) = (&spans[0], &spans[1], &spans[2]);
    assert_eq!(call.span_kind, SpanKind::Internal);
    for attempt in [first, second] {
        assert!(is_client(attempt));
        assert_eq!(attempt.parent_span_id, call.span_context.span_id());
        assert_eq!(
            attempt.span_context.trace_id(),
            call.span_context.trace_id()
        );
    }

    let common = [
        ("http.request.method", text("POST")),
        ("server.address", text("127.0.0.1")),
        ("server.port", int(port(&server.url))),
        ("url.template", text("/session/embedded")),
    ];
    let mut expected: Vec<(&str, Value)> = common.to_vec();
    expected.extend([
        ("http.response.status_code", int(503)),
        ("error.type", text("503")),
    ]);
    assert_eq!(attributes(first), as_map(&expected));
    assert!(
        matches!(first.status, Status::Error { .. }),
        "{:?}",
        first.status
    );

    let mut expected: Vec<(&str, Value)> = common.to_vec();
    expected.extend([
        ("http.request.resend_count", int(1)),
        ("http.response.status_code", int(200)),
    ]);
    assert_eq!(attributes(second), as_map(&expected));
    assert_eq!(second.status, Status::Unset);

    assert_eq!(
        attributes(call),
        as_map(&[
            ("stablemint.operation", text("createEmbeddedSession")),
            ("stablemint.idempotency_key", text(&key)),
            ("stablemint.request_id", text("req-second")),
            ("stablemint.attempts", int(2)),
            ("stablemint.outcome", text("success")),
        ])
    );
    assert_eq!(call.status, Status::Unset);
}

fn as_map(pairs: &[(&str, Value)]) -> std::collections::BTreeMap<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

#[tokio::test]
async fn failures_without_an_answer_have_a_short_error_type() {
    let otel = Otel::start();
    // No answer within the attempt's timeout: not retried, since without retries the
    // call carries no idempotency key.
    let silent = Hostile::start(Answer::Silence).await;
    let quiet = Client::builder(Credentials::new(API_KEY, API_SECRET))
        .base_url(&silent.url)
        .retry(RetryPolicy::none())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    quiet.create_embedded_session(&request()).await.unwrap_err();
    // A refused connection, retried once, then given up.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let (refused, _) = client(&url, RetryPolicy::default().with_max_retries(1));
    refused
        .create_embedded_session(&request())
        .await
        .unwrap_err();

    let spans = otel.spans();
    /// A span's name, `error.type`, `http.response.status_code` and `stablemint.outcome`.
    type Summary = (String, Option<Value>, Option<Value>, Option<Value>);
    let summary: Vec<Summary> = spans
        .iter()
        .map(|span| {
            let attributes = attributes(span);
            (
                span.name.to_string(),
                attributes.get("error.type").cloned(),
                attributes.get("http.response.status_code").cloned(),
                attributes.get("stablemint.outcome").cloned(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "POST /session/embedded".into(),
                Some(text("timeout")),
                None,
                None
            ),
            (
                "stablemint.createEmbeddedSession".into(),
                Some(text("timeout")),
                None,
                Some(text("failed"))
            ),
            (
                "POST /session/embedded".into(),
                Some(text("connect")),
                None,
                None
            ),
            (
                "POST /session/embedded".into(),
                Some(text("connect")),
                None,
                None
            ),
            (
                "stablemint.createEmbeddedSession".into(),
                Some(text("connect")),
                None,
                Some(text("retries_exhausted"))
            ),
        ]
    );
    assert!(
        spans
            .iter()
            .all(|span| matches!(span.status, Status::Error { .. }))
    );
    assert_eq!(
        attributes(&spans[3]).get("http.request.resend_count"),
        Some(&int(1))
    );
}

#[tokio::test]
async fn an_invalid_request_is_a_call_span_without_attempts() {
    let otel = Otel::start();
    let server = Server::start(vec![ok()]).await;
    let (client, _) = client(&server.url, RetryPolicy::default());
    let mut invalid = request();
    invalid.user_email = "not-an-email".into();
    client.create_embedded_session(&invalid).await.unwrap_err();
    let spans = otel.spans();
    assert_eq!(spans.len(), 1);
    assert_eq!(
        attributes(&spans[0]),
        as_map(&[
            ("stablemint.operation", text("createEmbeddedSession")),
            ("stablemint.attempts", int(0)),
            ("stablemint.outcome", text("invalid")),
            ("error.type", text("validation")),
        ])
    );
    assert!(server.seen().is_empty());
}

/// The W3C trace context of the span current when the hook runs: the attempt's.
struct TraceContext;

impl AttemptHook for TraceContext {
    fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
        struct Headers<'r, 'a>(&'r mut AttemptRequest<'a>);
        impl Injector for Headers<'_, '_> {
            fn set(&mut self, key: &str, value: String) {
                let name = HeaderName::try_from(key).unwrap();
                self.0
                    .add_header(name, HeaderValue::try_from(value).unwrap())
                    .unwrap();
            }
        }
        let context = tracing::Span::current().context();
        TraceContextPropagator::new().inject_context(&context, &mut Headers(request));
    }
}

#[tokio::test]
async fn a_traceparent_is_sent_only_with_the_hook_and_names_the_attempt_span() {
    let otel = Otel::start();
    let server = Server::start(vec![
        Reply::json(503, json!({})),
        Reply::json(503, json!({})),
        ok(),
    ])
    .await;

    // Off by default: StableMint is a third party.
    let (plain, _) = client(&server.url, RetryPolicy::none());
    plain.create_embedded_session(&request()).await.unwrap_err();
    assert!(!server.seen()[0].headers.contains_key("traceparent"));

    let client = Client::builder(Credentials::new(API_KEY, API_SECRET))
        .base_url(&server.url)
        .retry(RetryPolicy::default().with_base_delay(Duration::ZERO))
        .hook(TraceContext)
        .build()
        .unwrap();
    client.create_embedded_session(&request()).await.unwrap();

    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    let attempts: Vec<_> = otel
        .spans()
        .into_iter()
        .filter(is_client)
        .skip(1) // the plain client's attempt
        .collect();
    assert_eq!(attempts.len(), 2);
    for (request, span) in seen[1..].iter().zip(&attempts) {
        let context = &span.span_context;
        assert_eq!(
            request.header("traceparent"),
            format!("00-{}-{}-01", context.trace_id(), context.span_id())
        );
    }
    // One trace, two attempts: the same trace id, different parents.
    assert_ne!(seen[1].header("traceparent"), seen[2].header("traceparent"));
    assert_eq!(
        attempts[0].span_context.trace_id(),
        attempts[1].span_context.trace_id()
    );
}
