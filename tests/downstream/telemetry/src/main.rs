//! Redaction, proven, for every operation of `tests/fixtures/every-shape.yaml`.
//!
//! A `fmt` subscriber at TRACE level (every crate: hyper and reqwest too) and an
//! OpenTelemetry SDK with in-memory span and metric exporters watch every operation
//! through success, a validation failure, a 401, a 409, a 503 then a 200, and a
//! timeout, against `stablemint-mock`. Then:
//!
//! - no span, event, attribute, metric or log line holds the API secret, a signature,
//!   the e-mail, or any value of a request body (nor of a path or query parameter);
//! - every attempt is an HTTP client span with the stable conventions' attributes under
//!   their names and with their types, under its call's span;
//! - `http.client.request.duration` and the retry counter carry the same attributes.
//!
//! The idempotency keys are the one exception, by design: the call span records
//! `stablemint.idempotency_key`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use opentelemetry::trace::{SpanKind, Status, TracerProvider as _};
use opentelemetry::{Array, KeyValue, Value};
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use serde_json::json;
use stablemint::types::{EmbeddedSessionRequest, RefundRequest, SessionNote};
use stablemint::{Client, Credentials, Error, RetryPolicy, options};
use stablemint_mock::{Fault, MockConfig, MockServer};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt;

const KEY: &str = "telemetry-key-made-up-0001";
const SECRET: &str = "telemetry-made-up-secret-5b9e";
const WRONG_SECRET: &str = "telemetry-wrong-secret-c3d1";

const EMAIL: &str = "redact.me.please@example.org";
/// Every value of a request body, and of a path or query parameter, that the calls send.
const SENT: [&str; 22] = [
    "user-7c1e-redact",
    EMAIL,
    "PT",
    "EUR",
    "4321.17",
    "web-ref-5521-redact",
    "Redacta Personne",
    "1987-07-14",
    "Rua Secreta 88",
    "+351 21 555 0199",
    "PIN-8842-9917",
    "Coimbra-Redact",
    "custom-note-31337",
    "user-note-6b2d",
    "note-text-private-4410",
    "note-text-other-9903",
    "user-refund-9a3c",
    "sess-refund-2f7e",
    "1234.56",
    "sess-path-8d1f",
    "user-list-5f9d",
    "not-an-email-redact-55",
];
/// The values of `SENT` that are numbers on the wire.
const AMOUNTS: [f64; 2] = [4321.17, 1234.56];
/// The values the signatures cover.
const SIGNED: [&str; 5] = [
    "user-7c1e-redact",
    "user-note-6b2d",
    "user-refund-9a3c",
    "sess-path-8d1f",
    "user-list-5f9d",
];

/// Every operation: its method and path template.
const OPERATIONS: [(&str, &str, &str); 8] = [
    ("createEmbeddedSession", "POST", "/session/embedded"),
    ("getSession", "GET", "/session/{sessionId}"),
    ("deleteSession", "DELETE", "/session/{sessionId}"),
    ("putSessionNote", "PUT", "/session/{sessionId}/note"),
    ("amendSessionNote", "PATCH", "/session/{sessionId}/note"),
    ("listSessions", "GET", "/sessions"),
    ("createRefund", "POST", "/refunds"),
    ("getServiceStatus", "GET", "/status"),
];

#[derive(Clone, Default)]
struct Text(Arc<Mutex<Vec<u8>>>);

impl Write for Text {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn embedded(email: &str, amount: f64) -> EmbeddedSessionRequest {
    serde_json::from_value(json!({
        "userId": "user-7c1e-redact",
        "userEmail": email,
        "userCountryCode": "PT",
        "currency": "EUR",
        "amount": amount,
        // One key per amount, without the amount's text (the key is recorded; the
        // amount must not be).
        "idempotencyKey": format!("order-key-{}", (amount * 100.0) as u64 + 7),
        "websiteReference": "web-ref-5521-redact",
        "userKyc": {
            "fullName": "Redacta Personne",
            "dateOfBirth": "1987-07-14",
            "residenceAddress": "Rua Secreta 88",
            "mobilePhone": "+351 21 555 0199",
            "personalIdentificationNumber": "PIN-8842-9917",
            "placeOfBirth": "Coimbra-Redact"
        },
        "customFields": {"orderNote": "custom-note-31337"}
    }))
    .expect("a request")
}

fn note(text: &str, key: Option<&str>) -> SessionNote {
    let mut note = json!({"userId": "user-note-6b2d", "note": text});
    if let Some(key) = key {
        note["idempotencyKey"] = json!(key);
    }
    serde_json::from_value(note).expect("a note")
}

fn refund(currency: &str) -> RefundRequest {
    serde_json::from_value(json!({
        "userId": "user-refund-9a3c",
        "sessionId": "sess-refund-2f7e",
        "amount": 1234.56,
        "currency": currency
    }))
    .expect("a refund")
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// What one scenario of one operation ended with: `ok`, or the error's `error.type`-like
/// summary (status, `validation`, `timeout`, ...).
fn summary<T>(outcome: Result<stablemint::Response<T>, Error>) -> String {
    match outcome {
        Ok(response) => format!("ok({})", response.attempts()),
        Err(Error::Validation(_)) => "validation".into(),
        Err(Error::Transport { source, .. }) if source.is_timeout() => "timeout".into(),
        Err(error) => match error.status() {
            Some(status) => status.to_string(),
            None => format!("other: {error}"),
        },
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let spans = InMemorySpanExporter::default();
    let tracer_provider = SdkTracerProvider::builder()
        .with_simple_exporter(spans.clone())
        .build();
    let metrics = InMemoryMetricExporter::default();
    let meter_provider = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(metrics.clone()).build())
        .build();
    let text = Text::default();
    let writer = text.clone();
    let subscriber = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(move || writer.clone())
                .with_ansi(false)
                .with_span_events(FmtSpan::FULL),
        )
        .with(tracing_opentelemetry::layer().with_tracer(tracer_provider.tracer("redaction")));
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");

    let server = MockServer::start(MockConfig::new(KEY, SECRET))
        .await
        .expect("the mock starts");
    let port = i64::from(server.local_addr().port());
    let client = |secret: &str| {
        Client::builder(Credentials::new(KEY, secret))
            .base_url(&server.base_url())
            .retry(RetryPolicy::default().with_base_delay(Duration::from_millis(1)))
            .meter_provider(&meter_provider)
            .build()
            .expect("a client")
    };
    let good = client(SECRET);
    let wrong = client(WRONG_SECRET);
    let started = unix_now();

    // Each operation through every scenario: what it ended with, by scenario.
    let mut results: BTreeMap<(&str, &str), String> = BTreeMap::new();
    let slow = Fault::Delay(Duration::from_millis(800));
    let short = Duration::from_millis(250);
    let fail = |op: &str, fault: Fault| server.fail_next_on(op, 1, fault).expect("a fault");

    // createEmbeddedSession: keyed, so retried.
    let op = "createEmbeddedSession";
    let request = embedded(EMAIL, 4321.17);
    results.insert(
        (op, "success"),
        summary(good.create_embedded_session(&request).await),
    );
    let invalid = embedded("not-an-email-redact-55", 4321.17);
    results.insert(
        (op, "validation"),
        summary(good.create_embedded_session(&invalid).await),
    );
    results.insert(
        (op, "401"),
        summary(wrong.create_embedded_session(&request).await),
    );
    // The same key with another body: the mock's own 409.
    let mut conflicting = embedded(EMAIL, 4321.17);
    conflicting.amount = Some(4322.0);
    results.insert(
        (op, "409"),
        summary(good.create_embedded_session(&conflicting).await),
    );
    fail(op, Fault::Status(503));
    let fresh = embedded(EMAIL, 1.5);
    results.insert(
        (op, "503-then-200"),
        summary(good.create_embedded_session(&fresh).await),
    );
    fail(op, slow);
    let later = embedded(EMAIL, 2.5);
    let with_timeout = options::CreateEmbeddedSessionOptions::new().timeout(short);
    results.insert(
        (op, "timeout"),
        summary(
            good.create_embedded_session_with(&later, &with_timeout)
                .await,
        ),
    );

    // getSession: a GET, retried without a key.
    let op = "getSession";
    results.insert(
        (op, "success"),
        summary(good.get_session("sess-path-8d1f").await),
    );
    results.insert((op, "validation"), summary(good.get_session("..").await));
    results.insert(
        (op, "401"),
        summary(wrong.get_session("sess-path-8d1f").await),
    );
    fail(op, Fault::Status(409));
    results.insert(
        (op, "409"),
        summary(good.get_session("sess-path-8d1f").await),
    );
    fail(op, Fault::Status(503));
    results.insert(
        (op, "503-then-200"),
        summary(good.get_session("sess-path-8d1f").await),
    );
    fail(op, slow);
    let with_timeout = options::GetSessionOptions::new().timeout(short);
    results.insert(
        (op, "timeout"),
        summary(good.get_session_with("sess-path-8d1f", &with_timeout).await),
    );

    // deleteSession: a DELETE answering 204.
    let op = "deleteSession";
    results.insert(
        (op, "success"),
        summary(good.delete_session("sess-path-8d1f").await),
    );
    results.insert((op, "validation"), summary(good.delete_session("").await));
    results.insert(
        (op, "401"),
        summary(wrong.delete_session("sess-path-8d1f").await),
    );
    fail(op, Fault::Status(409));
    results.insert(
        (op, "409"),
        summary(good.delete_session("sess-path-8d1f").await),
    );
    fail(op, Fault::Status(503));
    results.insert(
        (op, "503-then-200"),
        summary(good.delete_session("sess-path-8d1f").await),
    );
    fail(op, slow);
    let with_timeout = options::DeleteSessionOptions::new().timeout(short);
    results.insert(
        (op, "timeout"),
        summary(
            good.delete_session_with("sess-path-8d1f", &with_timeout)
                .await,
        ),
    );

    // putSessionNote: a PUT with a body and an idempotency key.
    let op = "putSessionNote";
    let first = note("note-text-private-4410", Some("note-key-1"));
    results.insert(
        (op, "success"),
        summary(good.put_session_note("sess-path-8d1f", &first).await),
    );
    results.insert(
        (op, "validation"),
        summary(good.put_session_note(".", &first).await),
    );
    results.insert(
        (op, "401"),
        summary(wrong.put_session_note("sess-path-8d1f", &first).await),
    );
    let other = note("note-text-other-9903", Some("note-key-1"));
    results.insert(
        (op, "409"),
        summary(good.put_session_note("sess-path-8d1f", &other).await),
    );
    fail(op, Fault::Status(503));
    let plain = note("note-text-private-4410", None);
    results.insert(
        (op, "503-then-200"),
        summary(good.put_session_note("sess-path-8d1f", &plain).await),
    );
    fail(op, slow);
    let with_timeout = options::PutSessionNoteOptions::new().timeout(short);
    results.insert(
        (op, "timeout"),
        summary(
            good.put_session_note_with("sess-path-8d1f", &plain, &with_timeout)
                .await,
        ),
    );

    // amendSessionNote: a PATCH without a key: neither the 503 nor the timeout is
    // retried once the request has left; the next call gets its 200.
    let op = "amendSessionNote";
    let plain = note("note-text-private-4410", None);
    results.insert(
        (op, "success"),
        summary(good.amend_session_note("sess-path-8d1f", &plain).await),
    );
    results.insert(
        (op, "validation"),
        summary(good.amend_session_note("..", &plain).await),
    );
    results.insert(
        (op, "401"),
        summary(wrong.amend_session_note("sess-path-8d1f", &plain).await),
    );
    fail(op, Fault::Status(409));
    results.insert(
        (op, "409"),
        summary(good.amend_session_note("sess-path-8d1f", &plain).await),
    );
    fail(op, Fault::Status(503));
    let unavailable = summary(good.amend_session_note("sess-path-8d1f", &plain).await);
    let then = summary(good.amend_session_note("sess-path-8d1f", &plain).await);
    results.insert((op, "503-then-200"), format!("{unavailable} {then}"));
    fail(op, slow);
    let with_timeout = options::AmendSessionNoteOptions::new().timeout(short);
    results.insert(
        (op, "timeout"),
        summary(
            good.amend_session_note_with("sess-path-8d1f", &plain, &with_timeout)
                .await,
        ),
    );

    // listSessions: a GET with query parameters.
    let op = "listSessions";
    results.insert(
        (op, "success"),
        summary(good.list_sessions("user-list-5f9d").await),
    );
    let invalid = options::ListSessionsOptions::new().currency("EURO");
    results.insert(
        (op, "validation"),
        summary(good.list_sessions_with("user-list-5f9d", &invalid).await),
    );
    results.insert(
        (op, "401"),
        summary(wrong.list_sessions("user-list-5f9d").await),
    );
    fail(op, Fault::Status(409));
    results.insert(
        (op, "409"),
        summary(good.list_sessions("user-list-5f9d").await),
    );
    fail(op, Fault::Status(503));
    results.insert(
        (op, "503-then-200"),
        summary(good.list_sessions("user-list-5f9d").await),
    );
    fail(op, slow);
    let with_timeout = options::ListSessionsOptions::new().timeout(short);
    results.insert(
        (op, "timeout"),
        summary(
            good.list_sessions_with("user-list-5f9d", &with_timeout)
                .await,
        ),
    );

    // createRefund: a POST without a key field.
    let op = "createRefund";
    results.insert(
        (op, "success"),
        summary(good.create_refund(&refund("EUR")).await),
    );
    results.insert(
        (op, "validation"),
        summary(good.create_refund(&refund("XXQ")).await),
    );
    results.insert(
        (op, "401"),
        summary(wrong.create_refund(&refund("EUR")).await),
    );
    fail(op, Fault::Status(409));
    results.insert(
        (op, "409"),
        summary(good.create_refund(&refund("EUR")).await),
    );
    fail(op, Fault::Status(503));
    let unavailable = summary(good.create_refund(&refund("EUR")).await);
    let then = summary(good.create_refund(&refund("EUR")).await);
    results.insert((op, "503-then-200"), format!("{unavailable} {then}"));
    fail(op, slow);
    let with_timeout = options::CreateRefundOptions::new().timeout(short);
    results.insert(
        (op, "timeout"),
        summary(good.create_refund_with(&refund("EUR"), &with_timeout).await),
    );

    // getServiceStatus: no authentication and no input, so there is nothing to refuse
    // before sending and no signature to get wrong; its 401 is the mock's fault.
    let op = "getServiceStatus";
    results.insert((op, "success"), summary(good.get_service_status().await));
    fail(op, Fault::Status(401));
    results.insert((op, "401"), summary(good.get_service_status().await));
    fail(op, Fault::Status(409));
    results.insert((op, "409"), summary(good.get_service_status().await));
    fail(op, Fault::Status(503));
    results.insert(
        (op, "503-then-200"),
        summary(good.get_service_status().await),
    );
    fail(op, slow);
    let with_timeout = options::GetServiceStatusOptions::new().timeout(short);
    results.insert(
        (op, "timeout"),
        summary(good.get_service_status_with(&with_timeout).await),
    );

    let ended = unix_now();
    server.shutdown().await;
    tracer_provider.force_flush().expect("spans flushed");
    meter_provider.force_flush().expect("metrics flushed");

    check_results(&results);
    let spans = spans.get_finished_spans().expect("the spans");
    let metrics = metrics.get_finished_metrics().expect("the metrics");
    // The client's log: without the mock's own lines, which show what it received (the
    // mock is the other side of the wire, not the client).
    let text: String =
        String::from_utf8_lossy(&text.0.lock().unwrap_or_else(PoisonError::into_inner))
            .lines()
            .filter(|line| !line.contains(" stablemint_mock::"))
            .map(|line| format!("{line}\n"))
            .collect();

    let forbidden = forbidden(started, ended);
    check_redaction(&spans, &metrics, &text, &forbidden);
    let attempts = check_spans(&spans, port);
    let points = check_metrics(&metrics, port, attempts);
    println!(
        "operations={} scenarios={} attempts={attempts} duration_points={points} forbidden={}",
        OPERATIONS.len(),
        results.len(),
        forbidden.len()
    );
}

/// Each scenario ended as it should: the scenarios are real, not silent successes.
fn check_results(results: &BTreeMap<(&str, &str), String>) {
    let expected: BTreeMap<(&str, &str), &str> = BTreeMap::from([
        (("createEmbeddedSession", "success"), "ok(1)"),
        (("createEmbeddedSession", "validation"), "validation"),
        (("createEmbeddedSession", "401"), "401"),
        (("createEmbeddedSession", "409"), "409"),
        (("createEmbeddedSession", "503-then-200"), "ok(2)"),
        (("createEmbeddedSession", "timeout"), "ok(2)"),
        (("getSession", "success"), "ok(1)"),
        (("getSession", "validation"), "validation"),
        (("getSession", "401"), "401"),
        (("getSession", "409"), "409"),
        (("getSession", "503-then-200"), "ok(2)"),
        (("getSession", "timeout"), "ok(2)"),
        (("deleteSession", "success"), "ok(1)"),
        (("deleteSession", "validation"), "validation"),
        (("deleteSession", "401"), "401"),
        (("deleteSession", "409"), "409"),
        (("deleteSession", "503-then-200"), "ok(2)"),
        (("deleteSession", "timeout"), "ok(2)"),
        (("putSessionNote", "success"), "ok(1)"),
        (("putSessionNote", "validation"), "validation"),
        (("putSessionNote", "401"), "401"),
        (("putSessionNote", "409"), "409"),
        (("putSessionNote", "503-then-200"), "ok(2)"),
        (("putSessionNote", "timeout"), "ok(2)"),
        (("amendSessionNote", "success"), "ok(1)"),
        (("amendSessionNote", "validation"), "validation"),
        (("amendSessionNote", "401"), "401"),
        (("amendSessionNote", "409"), "409"),
        (("amendSessionNote", "503-then-200"), "503 ok(1)"),
        (("amendSessionNote", "timeout"), "timeout"),
        (("listSessions", "success"), "ok(1)"),
        (("listSessions", "validation"), "validation"),
        (("listSessions", "401"), "401"),
        (("listSessions", "409"), "409"),
        (("listSessions", "503-then-200"), "ok(2)"),
        (("listSessions", "timeout"), "ok(2)"),
        (("createRefund", "success"), "ok(1)"),
        (("createRefund", "validation"), "validation"),
        (("createRefund", "401"), "401"),
        (("createRefund", "409"), "409"),
        (("createRefund", "503-then-200"), "503 ok(1)"),
        (("createRefund", "timeout"), "timeout"),
        (("getServiceStatus", "success"), "ok(1)"),
        (("getServiceStatus", "401"), "401"),
        (("getServiceStatus", "409"), "409"),
        (("getServiceStatus", "503-then-200"), "ok(2)"),
        (("getServiceStatus", "timeout"), "ok(2)"),
    ]);
    let got: BTreeMap<(&str, &str), &str> = results.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(got, expected);
}

/// The texts no telemetry may hold: the secrets, every signature the calls can have
/// sent (any second of the run, either secret, every signed value), and every value
/// sent in a body or a parameter that is long enough to search for.
fn forbidden(started: u64, ended: u64) -> Vec<String> {
    let mut out = vec![SECRET.to_owned(), WRONG_SECRET.to_owned()];
    for timestamp in started.saturating_sub(2)..=ended + 2 {
        for secret in [SECRET, WRONG_SECRET] {
            for value in SIGNED {
                out.push(stablemint_wire::signature(timestamp, secret, value));
            }
        }
    }
    out.extend(
        SENT.iter()
            .filter(|v| v.len() >= 6)
            .map(|v| (*v).to_owned()),
    );
    out
}

/// Every text of every span (name, attribute keys and values, events, status), every
/// metric (name, description, attribute keys and values), and the log, searched for
/// each forbidden text; every attribute value compared with every value sent, short
/// ones (`PT`, `EUR`) and amounts included.
fn check_redaction(
    spans: &[SpanData],
    metrics: &[ResourceMetrics],
    text: &str,
    forbidden: &[String],
) {
    let mut attributes: Vec<KeyValue> = Vec::new();
    let mut texts: Vec<String> = vec![text.to_owned()];
    for span in spans {
        texts.push(span.name.to_string());
        attributes.extend(span.attributes.iter().cloned());
        for event in span.events.iter() {
            texts.push(event.name.to_string());
            attributes.extend(event.attributes.iter().cloned());
        }
        if let Status::Error { description } = &span.status {
            texts.push(description.to_string());
        }
    }
    for resource in metrics {
        for scope in resource.scope_metrics() {
            for metric in scope.metrics() {
                texts.push(metric.name().to_owned());
                texts.push(metric.description().to_owned());
                attributes.extend(metric_attributes(metric.data()));
            }
        }
    }
    for kv in &attributes {
        texts.push(kv.key.as_str().to_owned());
        match &kv.value {
            Value::String(s) => {
                assert!(
                    !SENT.contains(&s.as_str()),
                    "the attribute {} holds a value that was sent: {s}",
                    kv.key
                );
                texts.push(s.as_str().to_owned());
            }
            Value::F64(f) => assert!(!AMOUNTS.contains(f), "{} holds an amount", kv.key),
            Value::Array(Array::String(items)) => {
                texts.extend(items.iter().map(|s| s.as_str().to_owned()))
            }
            other => texts.push(other.as_str().into_owned()),
        }
    }
    for needle in forbidden {
        for haystack in &texts {
            assert!(
                !haystack.contains(needle.as_str()),
                "{needle:?} leaked into telemetry:\n{}",
                haystack
                    .lines()
                    .filter(|line| line.contains(needle.as_str()))
                    .take(3)
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
    // The log is not empty: it would hold the values if the client recorded them.
    assert!(text.contains("stablemint.createEmbeddedSession"), "{text}");
}

fn metric_attributes(data: &AggregatedMetrics) -> Vec<KeyValue> {
    fn of<T: Copy>(data: &MetricData<T>) -> Vec<KeyValue> {
        match data {
            MetricData::Histogram(h) => h
                .data_points()
                .flat_map(|p| p.attributes().cloned().collect::<Vec<_>>())
                .collect(),
            MetricData::Sum(s) => s
                .data_points()
                .flat_map(|p| p.attributes().cloned().collect::<Vec<_>>())
                .collect(),
            MetricData::Gauge(g) => g
                .data_points()
                .flat_map(|p| p.attributes().cloned().collect::<Vec<_>>())
                .collect(),
            MetricData::ExponentialHistogram(e) => e
                .data_points()
                .flat_map(|p| p.attributes().cloned().collect::<Vec<_>>())
                .collect(),
        }
    }
    match data {
        AggregatedMetrics::F64(d) => of(d),
        AggregatedMetrics::U64(d) => of(d),
        AggregatedMetrics::I64(d) => of(d),
    }
}

fn attribute<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a Value> {
    attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| &kv.value)
}

fn string(value: Option<&Value>) -> Option<&str> {
    match value {
        Some(Value::String(s)) => Some(s.as_str()),
        _ => None,
    }
}

fn int(value: Option<&Value>) -> Option<i64> {
    match value {
        Some(Value::I64(i)) => Some(*i),
        _ => None,
    }
}

/// Every attempt is an HTTP client span with the conventions' attributes, typed as
/// they say, under a call span; the number of attempts.
fn check_spans(spans: &[SpanData], port: i64) -> usize {
    let calls: HashMap<_, &SpanData> = spans
        .iter()
        .filter(|s| s.name.starts_with("stablemint."))
        .map(|s| (s.span_context.span_id(), s))
        .collect();
    let mut statuses = BTreeSet::new();
    let mut error_types = BTreeSet::new();
    let mut templates = BTreeSet::new();
    let mut resent = 0;
    let attempts: Vec<&SpanData> = spans
        .iter()
        .filter(|s| s.span_kind == SpanKind::Client)
        .collect();
    for span in &attempts {
        let a = &span.attributes;
        let method = string(attribute(a, "http.request.method")).expect("http.request.method");
        let template = string(attribute(a, "url.template")).expect("url.template");
        assert!(
            OPERATIONS
                .iter()
                .any(|(_, m, t)| *m == method && *t == template),
            "{method} {template}"
        );
        assert_eq!(span.name, format!("{method} {template}"));
        assert_eq!(string(attribute(a, "server.address")), Some("127.0.0.1"));
        assert_eq!(int(attribute(a, "server.port")), Some(port));
        templates.insert(template.to_owned());
        if let Some(status) = attribute(a, "http.response.status_code") {
            statuses.insert(int(Some(status)).expect("http.response.status_code is an int"));
        }
        match (&span.status, attribute(a, "error.type")) {
            (Status::Error { .. }, Some(error)) => {
                let error = string(Some(error)).expect("error.type is a string");
                error_types.insert(error.to_owned());
            }
            (Status::Unset, None) => {}
            (status, error) => panic!("{}: status {status:?} with error.type {error:?}", span.name),
        }
        if let Some(count) = attribute(a, "http.request.resend_count") {
            assert!(int(Some(count)).is_some_and(|c| c >= 1), "{count:?}");
            resent += 1;
        }
        let call = calls
            .get(&span.parent_span_id)
            .expect("every attempt is under its call");
        let operation =
            string(attribute(&call.attributes, "stablemint.operation")).expect("an operation");
        assert!(
            OPERATIONS
                .iter()
                .any(|(id, m, t)| *id == operation && *m == method && *t == template)
        );
        // Nothing but the conventions' names, and what `tracing-opentelemetry` adds to
        // every span (`code.*`, `thread.*`, `target`, `busy_ns`, `idle_ns`).
        for kv in a {
            let key = kv.key.as_str();
            assert!(
                [
                    "http.request.method",
                    "server.address",
                    "server.port",
                    "url.template",
                    "http.response.status_code",
                    "error.type",
                    "http.request.resend_count",
                ]
                .contains(&key)
                    || key.starts_with("code.")
                    || key.starts_with("thread.")
                    || ["target", "busy_ns", "idle_ns"].contains(&key),
                "an attempt span has the attribute {key}"
            );
        }
    }
    for call in calls.values() {
        let a = &call.attributes;
        assert_eq!(call.span_kind, SpanKind::Internal);
        assert!(
            string(attribute(a, "stablemint.outcome")).is_some(),
            "{}",
            call.name
        );
        assert!(
            int(attribute(a, "stablemint.attempts")).is_some(),
            "{}",
            call.name
        );
    }
    let every_template: BTreeSet<String> =
        OPERATIONS.iter().map(|(_, _, t)| (*t).to_owned()).collect();
    assert_eq!(templates, every_template);
    assert_eq!(
        statuses,
        BTreeSet::from([200, 201, 204, 401, 409, 503]),
        "the statuses the attempts saw"
    );
    assert_eq!(
        error_types,
        ["401", "409", "503", "timeout"].map(str::to_owned).into(),
        "the error types the attempts ended with"
    );
    assert!(resent >= 10, "{resent} resent attempts");
    attempts.len()
}

/// `http.client.request.duration` holds one measurement per attempt, with the
/// conventions' attributes and types; the retry counter counts by reason. The number of
/// duration data points.
fn check_metrics(metrics: &[ResourceMetrics], port: i64, attempts: usize) -> usize {
    let mut duration_points = 0;
    let mut measured = 0;
    let mut retries: BTreeMap<String, u64> = BTreeMap::new();
    for resource in metrics {
        for scope in resource.scope_metrics() {
            for metric in scope.metrics() {
                match (metric.name(), metric.data()) {
                    (
                        "http.client.request.duration",
                        AggregatedMetrics::F64(MetricData::Histogram(histogram)),
                    ) => {
                        assert_eq!(metric.unit(), "s");
                        for point in histogram.data_points() {
                            let a: Vec<KeyValue> = point.attributes().cloned().collect();
                            assert!(string(attribute(&a, "http.request.method")).is_some());
                            assert!(string(attribute(&a, "url.template")).is_some());
                            assert_eq!(string(attribute(&a, "server.address")), Some("127.0.0.1"));
                            assert_eq!(int(attribute(&a, "server.port")), Some(port));
                            if let Some(status) = attribute(&a, "http.response.status_code") {
                                assert!(int(Some(status)).is_some(), "{status:?}");
                            }
                            if let Some(error) = attribute(&a, "error.type") {
                                assert!(string(Some(error)).is_some(), "{error:?}");
                            }
                            assert_eq!(
                                point.bounds().collect::<Vec<_>>(),
                                [
                                    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0,
                                    2.5, 5.0, 7.5, 10.0
                                ]
                            );
                            duration_points += 1;
                            measured += point.count() as usize;
                        }
                    }
                    ("stablemint.client.retries", AggregatedMetrics::U64(MetricData::Sum(sum))) => {
                        assert_eq!(metric.unit(), "{retry}");
                        for point in sum.data_points() {
                            let a: Vec<KeyValue> = point.attributes().cloned().collect();
                            assert!(string(attribute(&a, "stablemint.operation")).is_some());
                            let reason = string(attribute(&a, "error.type")).expect("a reason");
                            *retries.entry(reason.to_owned()).or_default() += point.value();
                        }
                    }
                    (name, _) => panic!("an unexpected metric: {name}"),
                }
            }
        }
    }
    assert_eq!(measured, attempts, "one duration per attempt");
    // 503s retried: createEmbeddedSession, getSession, deleteSession, putSessionNote,
    // listSessions, getServiceStatus; timeouts retried: the same six.
    assert_eq!(
        retries,
        BTreeMap::from([("503".to_owned(), 6), ("timeout".to_owned(), 6)])
    );
    duration_points
}
