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

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
use serde_json::json;
use stablemint::types::{EmbeddedSessionRequest, ProbeNote, ProbeRefundRequest};
use stablemint::{Client, Credentials, Error, RetryPolicy, options};
use stablemint_mock::{Fault, MockConfig, MockServer};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt;

mod checks;

use checks::{check_metrics, check_redaction, check_results, check_spans, forbidden};

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
    ("getProbe", "GET", "/probes/{probeId}"),
    ("deleteProbe", "DELETE", "/probes/{probeId}"),
    ("putProbeNote", "PUT", "/probes/{probeId}/note"),
    ("amendProbeNote", "PATCH", "/probes/{probeId}/note"),
    ("listProbes", "GET", "/probes"),
    ("createProbeRefund", "POST", "/probe-refunds"),
    ("getProbeServiceStatus", "GET", "/probe-status"),
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

fn note(text: &str, key: Option<&str>) -> ProbeNote {
    let mut note = json!({"userId": "user-note-6b2d", "note": text});
    if let Some(key) = key {
        note["idempotencyKey"] = json!(key);
    }
    serde_json::from_value(note).expect("a note")
}

fn refund(currency: &str) -> ProbeRefundRequest {
    serde_json::from_value(json!({
        "userId": "user-refund-9a3c",
        "probeId": "sess-refund-2f7e",
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

    // getProbe: a GET, retried without a key.
    let op = "getProbe";
    results.insert(
        (op, "success"),
        summary(good.get_probe("sess-path-8d1f").await),
    );
    results.insert((op, "validation"), summary(good.get_probe("..").await));
    results.insert(
        (op, "401"),
        summary(wrong.get_probe("sess-path-8d1f").await),
    );
    fail(op, Fault::Status(409));
    results.insert((op, "409"), summary(good.get_probe("sess-path-8d1f").await));
    fail(op, Fault::Status(503));
    results.insert(
        (op, "503-then-200"),
        summary(good.get_probe("sess-path-8d1f").await),
    );
    fail(op, slow);
    let with_timeout = options::GetProbeOptions::new().timeout(short);
    results.insert(
        (op, "timeout"),
        summary(good.get_probe_with("sess-path-8d1f", &with_timeout).await),
    );

    // deleteProbe: a DELETE answering 204.
    let op = "deleteProbe";
    results.insert(
        (op, "success"),
        summary(good.delete_probe("sess-path-8d1f").await),
    );
    results.insert((op, "validation"), summary(good.delete_probe("").await));
    results.insert(
        (op, "401"),
        summary(wrong.delete_probe("sess-path-8d1f").await),
    );
    fail(op, Fault::Status(409));
    results.insert(
        (op, "409"),
        summary(good.delete_probe("sess-path-8d1f").await),
    );
    fail(op, Fault::Status(503));
    results.insert(
        (op, "503-then-200"),
        summary(good.delete_probe("sess-path-8d1f").await),
    );
    fail(op, slow);
    let with_timeout = options::DeleteProbeOptions::new().timeout(short);
    results.insert(
        (op, "timeout"),
        summary(
            good.delete_probe_with("sess-path-8d1f", &with_timeout)
                .await,
        ),
    );

    // putProbeNote: a PUT with a body and an idempotency key.
    let op = "putProbeNote";
    let first = note("note-text-private-4410", Some("note-key-1"));
    results.insert(
        (op, "success"),
        summary(good.put_probe_note("sess-path-8d1f", &first).await),
    );
    results.insert(
        (op, "validation"),
        summary(good.put_probe_note(".", &first).await),
    );
    results.insert(
        (op, "401"),
        summary(wrong.put_probe_note("sess-path-8d1f", &first).await),
    );
    let other = note("note-text-other-9903", Some("note-key-1"));
    results.insert(
        (op, "409"),
        summary(good.put_probe_note("sess-path-8d1f", &other).await),
    );
    fail(op, Fault::Status(503));
    let plain = note("note-text-private-4410", None);
    results.insert(
        (op, "503-then-200"),
        summary(good.put_probe_note("sess-path-8d1f", &plain).await),
    );
    fail(op, slow);
    let with_timeout = options::PutProbeNoteOptions::new().timeout(short);
    results.insert(
        (op, "timeout"),
        summary(
            good.put_probe_note_with("sess-path-8d1f", &plain, &with_timeout)
                .await,
        ),
    );

    // amendProbeNote: a PATCH without a key: neither the 503 nor the timeout is
    // retried once the request has left; the next call gets its 200.
    let op = "amendProbeNote";
    let plain = note("note-text-private-4410", None);
    results.insert(
        (op, "success"),
        summary(good.amend_probe_note("sess-path-8d1f", &plain).await),
    );
    results.insert(
        (op, "validation"),
        summary(good.amend_probe_note("..", &plain).await),
    );
    results.insert(
        (op, "401"),
        summary(wrong.amend_probe_note("sess-path-8d1f", &plain).await),
    );
    fail(op, Fault::Status(409));
    results.insert(
        (op, "409"),
        summary(good.amend_probe_note("sess-path-8d1f", &plain).await),
    );
    fail(op, Fault::Status(503));
    let unavailable = summary(good.amend_probe_note("sess-path-8d1f", &plain).await);
    let then = summary(good.amend_probe_note("sess-path-8d1f", &plain).await);
    results.insert((op, "503-then-200"), format!("{unavailable} {then}"));
    fail(op, slow);
    let with_timeout = options::AmendProbeNoteOptions::new().timeout(short);
    results.insert(
        (op, "timeout"),
        summary(
            good.amend_probe_note_with("sess-path-8d1f", &plain, &with_timeout)
                .await,
        ),
    );

    // listProbes: a GET with query parameters.
    let op = "listProbes";
    results.insert(
        (op, "success"),
        summary(good.list_probes("user-list-5f9d").await),
    );
    let invalid = options::ListProbesOptions::new().currency("EURO");
    results.insert(
        (op, "validation"),
        summary(good.list_probes_with("user-list-5f9d", &invalid).await),
    );
    results.insert(
        (op, "401"),
        summary(wrong.list_probes("user-list-5f9d").await),
    );
    fail(op, Fault::Status(409));
    results.insert(
        (op, "409"),
        summary(good.list_probes("user-list-5f9d").await),
    );
    fail(op, Fault::Status(503));
    results.insert(
        (op, "503-then-200"),
        summary(good.list_probes("user-list-5f9d").await),
    );
    fail(op, slow);
    let with_timeout = options::ListProbesOptions::new().timeout(short);
    results.insert(
        (op, "timeout"),
        summary(good.list_probes_with("user-list-5f9d", &with_timeout).await),
    );

    // createProbeRefund: a POST without a key field.
    let op = "createProbeRefund";
    results.insert(
        (op, "success"),
        summary(good.create_probe_refund(&refund("EUR")).await),
    );
    results.insert(
        (op, "validation"),
        summary(good.create_probe_refund(&refund("XXQ")).await),
    );
    results.insert(
        (op, "401"),
        summary(wrong.create_probe_refund(&refund("EUR")).await),
    );
    fail(op, Fault::Status(409));
    results.insert(
        (op, "409"),
        summary(good.create_probe_refund(&refund("EUR")).await),
    );
    fail(op, Fault::Status(503));
    let unavailable = summary(good.create_probe_refund(&refund("EUR")).await);
    let then = summary(good.create_probe_refund(&refund("EUR")).await);
    results.insert((op, "503-then-200"), format!("{unavailable} {then}"));
    fail(op, slow);
    let with_timeout = options::CreateProbeRefundOptions::new().timeout(short);
    results.insert(
        (op, "timeout"),
        summary(
            good.create_probe_refund_with(&refund("EUR"), &with_timeout)
                .await,
        ),
    );

    // getProbeServiceStatus: no authentication and no input, so there is nothing to refuse
    // before sending and no signature to get wrong; its 401 is the mock's fault.
    let op = "getProbeServiceStatus";
    results.insert(
        (op, "success"),
        summary(good.get_probe_service_status().await),
    );
    fail(op, Fault::Status(401));
    results.insert((op, "401"), summary(good.get_probe_service_status().await));
    fail(op, Fault::Status(409));
    results.insert((op, "409"), summary(good.get_probe_service_status().await));
    fail(op, Fault::Status(503));
    results.insert(
        (op, "503-then-200"),
        summary(good.get_probe_service_status().await),
    );
    fail(op, slow);
    let with_timeout = options::GetProbeServiceStatusOptions::new().timeout(short);
    results.insert(
        (op, "timeout"),
        summary(good.get_probe_service_status_with(&with_timeout).await),
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
