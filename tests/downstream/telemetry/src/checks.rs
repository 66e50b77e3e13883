//! The checks run on what the subscriber and the exporters saw: each scenario ended as
//! it should, no secret or personal value appears anywhere, and every span and metric
//! speaks the conventions.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use opentelemetry::trace::{SpanKind, Status};
use opentelemetry::{Array, KeyValue, Value};
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::trace::SpanData;

use crate::{AMOUNTS, OPERATIONS, SECRET, SENT, SIGNED, WRONG_SECRET};

/// Each scenario ended as it should: the scenarios are real, not silent successes.
pub(crate) fn check_results(results: &BTreeMap<(&str, &str), String>) {
    let expected: BTreeMap<(&str, &str), &str> = BTreeMap::from([
        (("createEmbeddedSession", "success"), "ok(1)"),
        (("createEmbeddedSession", "validation"), "validation"),
        (("createEmbeddedSession", "401"), "401"),
        (("createEmbeddedSession", "409"), "409"),
        (("createEmbeddedSession", "503-then-200"), "ok(2)"),
        (("createEmbeddedSession", "timeout"), "ok(2)"),
        (("getProbe", "success"), "ok(1)"),
        (("getProbe", "validation"), "validation"),
        (("getProbe", "401"), "401"),
        (("getProbe", "409"), "409"),
        (("getProbe", "503-then-200"), "ok(2)"),
        (("getProbe", "timeout"), "ok(2)"),
        (("deleteProbe", "success"), "ok(1)"),
        (("deleteProbe", "validation"), "validation"),
        (("deleteProbe", "401"), "401"),
        (("deleteProbe", "409"), "409"),
        (("deleteProbe", "503-then-200"), "ok(2)"),
        (("deleteProbe", "timeout"), "ok(2)"),
        (("putProbeNote", "success"), "ok(1)"),
        (("putProbeNote", "validation"), "validation"),
        (("putProbeNote", "401"), "401"),
        (("putProbeNote", "409"), "409"),
        (("putProbeNote", "503-then-200"), "ok(2)"),
        (("putProbeNote", "timeout"), "ok(2)"),
        (("amendProbeNote", "success"), "ok(1)"),
        (("amendProbeNote", "validation"), "validation"),
        (("amendProbeNote", "401"), "401"),
        (("amendProbeNote", "409"), "409"),
        (("amendProbeNote", "503-then-200"), "503 ok(1)"),
        (("amendProbeNote", "timeout"), "timeout"),
        (("listProbes", "success"), "ok(1)"),
        (("listProbes", "validation"), "validation"),
        (("listProbes", "401"), "401"),
        (("listProbes", "409"), "409"),
        (("listProbes", "503-then-200"), "ok(2)"),
        (("listProbes", "timeout"), "ok(2)"),
        (("createProbeRefund", "success"), "ok(1)"),
        (("createProbeRefund", "validation"), "validation"),
        (("createProbeRefund", "401"), "401"),
        (("createProbeRefund", "409"), "409"),
        (("createProbeRefund", "503-then-200"), "503 ok(1)"),
        (("createProbeRefund", "timeout"), "timeout"),
        (("getProbeServiceStatus", "success"), "ok(1)"),
        (("getProbeServiceStatus", "401"), "401"),
        (("getProbeServiceStatus", "409"), "409"),
        (("getProbeServiceStatus", "503-then-200"), "ok(2)"),
        (("getProbeServiceStatus", "timeout"), "ok(2)"),
    ]);
    let got: BTreeMap<(&str, &str), &str> = results.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(got, expected);
}

/// The texts no telemetry may hold: the secrets, every signature the calls can have
/// sent (any second of the run, either secret, every signed value), and every value
/// sent in a body or a parameter that is long enough to search for.
pub(crate) fn forbidden(started: u64, ended: u64) -> Vec<String> {
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
pub(crate) fn check_redaction(
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
pub(crate) fn check_spans(spans: &[SpanData], port: i64) -> usize {
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
pub(crate) fn check_metrics(metrics: &[ResourceMetrics], port: i64, attempts: usize) -> usize {
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
    // 503s retried: createEmbeddedSession, getProbe, deleteProbe, putProbeNote,
    // listProbes, getProbeServiceStatus; timeouts retried: the same six.
    assert_eq!(
        retries,
        BTreeMap::from([("503".to_owned(), 6), ("timeout".to_owned(), 6)])
    );
    duration_points
}
