//! An OpenTelemetry SDK with an in-memory span exporter behind `tracing-opentelemetry`,
//! and readers of what it exported.

use std::collections::BTreeMap;

use opentelemetry::trace::{SpanKind, Status, TracerProvider as _};
use opentelemetry::{Array, Value};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use tracing::subscriber::DefaultGuard;
use tracing_subscriber::layer::SubscriberExt;

/// Spans exported while the guard lives (this thread only: use a current-thread runtime).
pub struct Otel {
    exporter: InMemorySpanExporter,
    provider: SdkTracerProvider,
    _guard: DefaultGuard,
}

impl Otel {
    pub fn start() -> Otel {
        // As in `Capture::start`: a global subscriber too, so that no call site caches
        // "nobody listens" from another test thread's default.
        let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry());
        let exporter = InMemorySpanExporter::default();
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(exporter.clone())
            .build();
        let layer = tracing_opentelemetry::layer().with_tracer(provider.tracer("tests"));
        let guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer));
        Otel {
            exporter,
            provider,
            _guard: guard,
        }
    }

    /// Every span ended so far, in the order they ended.
    pub fn spans(&self) -> Vec<SpanData> {
        let _ = self.provider.force_flush();
        self.exporter.get_finished_spans().unwrap()
    }
}

/// The attributes of `span` that this crate sets: without the layer's own (`code.*`,
/// `thread.*`, `target`, `busy_ns`, `idle_ns`).
pub fn attributes(span: &SpanData) -> BTreeMap<String, Value> {
    span.attributes
        .iter()
        .filter(|kv| !is_the_layers(kv.key.as_str()))
        .map(|kv| (kv.key.as_str().to_owned(), kv.value.clone()))
        .collect()
}

/// Whether `tracing-opentelemetry` adds attribute `key` to every span by itself.
pub fn is_the_layers(key: &str) -> bool {
    key.starts_with("code.")
        || key.starts_with("thread.")
        || ["target", "busy_ns", "idle_ns"].contains(&key)
}

pub fn text(value: &str) -> Value {
    Value::String(value.to_owned().into())
}

pub fn int(value: i64) -> Value {
    Value::I64(value)
}

/// Every text a span holds: its name, its attribute values, its events' names and
/// attribute values, its status message.
pub fn texts(span: &SpanData) -> Vec<String> {
    fn value_texts(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Array(Array::String(items)) => {
                out.extend(items.iter().map(|s| s.as_str().to_owned()))
            }
            other => out.push(other.as_str().into_owned()),
        }
    }
    let mut out = vec![span.name.to_string()];
    for kv in &span.attributes {
        out.push(kv.key.as_str().to_owned());
        value_texts(&kv.value, &mut out);
    }
    for event in span.events.iter() {
        out.push(event.name.to_string());
        for kv in &event.attributes {
            out.push(kv.key.as_str().to_owned());
            value_texts(&kv.value, &mut out);
        }
    }
    if let Status::Error { description } = &span.status {
        out.push(description.to_string());
    }
    out
}

pub fn is_client(span: &SpanData) -> bool {
    span.span_kind == SpanKind::Client
}
