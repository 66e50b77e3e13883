//! OpenTelemetry metrics (the `metrics` feature): `http.client.request.duration` by the
//! stable HTTP client conventions, and the client's retries.
//!
//! Through the `opentelemetry` API only: the application's SDK (its `MeterProvider`)
//! aggregates and exports. Without one the instruments are OpenTelemetry's no-ops.

use std::sync::Arc;
use std::time::Duration;

use opentelemetry::metrics::{Counter, Histogram, Meter, MeterProvider};
use opentelemetry::{InstrumentationScope, KeyValue, Value};

use crate::telemetry::{ErrorType, Server};

/// The bucket boundaries the conventions advise for `http.client.request.duration`, in
/// seconds.
const DURATION_BOUNDARIES: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// The semantic conventions the names and units follow.
const SCHEMA_URL: &str = "https://opentelemetry.io/schemas/1.26.0";

/// The scope the instruments are created in: this crate, by name and version.
fn scope() -> InstrumentationScope {
    InstrumentationScope::builder("stablemint")
        .with_version(env!("CARGO_PKG_VERSION"))
        .with_schema_url(SCHEMA_URL)
        .build()
}

/// The meter of `provider`, in this crate's scope.
pub(crate) fn meter_of<P: MeterProvider + ?Sized>(provider: &P) -> Meter {
    provider.meter_with_scope(scope())
}

/// The meter of the global provider, in this crate's scope.
pub(crate) fn global_meter() -> Meter {
    opentelemetry::global::meter_with_scope(scope())
}

/// The client's instruments, and the attribute values every point shares.
pub(crate) struct Metrics {
    duration: Histogram<f64>,
    retries: Counter<u64>,
    refused: Counter<u64>,
    address: Value,
    port: i64,
}

impl Metrics {
    /// The instruments, created once per client from `meter`.
    pub(crate) fn new(meter: &Meter, server: &Server) -> Self {
        Self {
            duration: meter
                .f64_histogram("http.client.request.duration")
                .with_unit("s")
                .with_description("Duration of HTTP client requests.")
                .with_boundaries(DURATION_BOUNDARIES.to_vec())
                .build(),
            retries: meter
                .u64_counter("stablemint.client.retries")
                .with_unit("{retry}")
                .with_description(
                    "Retries the client made, by operation and by what the attempt before \
                     failed with (error.type).",
                )
                .build(),
            refused: meter
                .u64_counter("stablemint.client.retries_refused")
                .with_unit("{retry}")
                .with_description(
                    "Retries that were due but not made because the client's retry budget \
                     was spent, by operation and by what the attempt before failed with.",
                )
                .build(),
            address: Value::String(Arc::<str>::from(server.address()).into()),
            port: server.port(),
        }
    }

    /// One attempt of a request sent with `method` to `template`, with its status and
    /// its `error.type` when it failed.
    pub(crate) fn attempt(
        &self,
        method: &'static str,
        template: &'static str,
        duration: Duration,
        status: Option<u16>,
        error: Option<ErrorType>,
    ) {
        let mut attributes = Vec::with_capacity(6);
        attributes.extend([
            KeyValue::new("http.request.method", method),
            KeyValue::new("server.address", self.address.clone()),
            KeyValue::new("server.port", self.port),
            KeyValue::new("url.template", template),
        ]);
        if let Some(status) = status {
            attributes.push(KeyValue::new(
                "http.response.status_code",
                i64::from(status),
            ));
        }
        if let Some(error) = error {
            attributes.push(KeyValue::new("error.type", error.to_text()));
        }
        self.duration.record(duration.as_secs_f64(), &attributes);
    }

    /// A retry of `operation` after an attempt that failed with `reason`: made, or
    /// refused by the retry budget.
    pub(crate) fn retry(&self, operation: &'static str, reason: ErrorType, made: bool) {
        let attributes = [
            KeyValue::new("stablemint.operation", operation),
            KeyValue::new("error.type", reason.to_text()),
        ];
        if made {
            self.retries.add(1, &attributes);
        } else {
            self.refused.add(1, &attributes);
        }
    }
}
