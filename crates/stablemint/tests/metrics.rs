//! The `metrics` feature: `http.client.request.duration` by the stable HTTP client
//! conventions, and the retries by reason, read back from an OpenTelemetry SDK with an
//! in-memory exporter. (`cargo test -p stablemint --features metrics`; CI runs it.)

#![cfg(feature = "metrics")]

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use opentelemetry::{KeyValue, Value};
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use serde_json::json;
use stablemint::{Client, Credentials, RetryBudget, RetryPolicy};
use support::otel::{int, text};
use support::{API_KEY, API_SECRET, Reply, Server, ok, request};

/// A data point: its attributes, and its count (a histogram) or value (a counter).
type Point = (BTreeMap<String, Value>, u64);

struct Meters {
    exporter: InMemoryMetricExporter,
    provider: SdkMeterProvider,
}

impl Meters {
    fn new() -> Self {
        let exporter = InMemoryMetricExporter::default();
        let provider = SdkMeterProvider::builder()
            .with_reader(PeriodicReader::builder(exporter.clone()).build())
            .build();
        Self { exporter, provider }
    }

    fn client(&self, url: &str, budget: RetryBudget) -> Client {
        Client::builder(Credentials::new(API_KEY, API_SECRET))
            .base_url(url)
            .retry(RetryPolicy::default().with_base_delay(Duration::ZERO))
            .retry_budget(budget)
            .meter_provider(&self.provider)
            .build()
            .unwrap()
    }

    /// Every data point of every metric: name → (attributes, count or value) in order.
    fn points(&self) -> BTreeMap<String, Vec<Point>> {
        self.provider.force_flush().unwrap();
        let exported: Vec<ResourceMetrics> = self.exporter.get_finished_metrics().unwrap();
        let mut out: BTreeMap<String, Vec<_>> = BTreeMap::new();
        let map = |attributes: &mut dyn Iterator<Item = &KeyValue>| {
            attributes
                .map(|kv| (kv.key.as_str().to_owned(), kv.value.clone()))
                .collect::<BTreeMap<_, _>>()
        };
        for resource in exported.iter().rev().take(1) {
            for scope in resource.scope_metrics() {
                assert_eq!(scope.scope().name(), "stablemint");
                for metric in scope.metrics() {
                    let entry = out.entry(metric.name().to_owned()).or_default();
                    match metric.data() {
                        AggregatedMetrics::F64(MetricData::Histogram(h)) => {
                            assert_eq!(metric.unit(), "s");
                            for p in h.data_points() {
                                entry.push((map(&mut p.attributes()), p.count()));
                            }
                        }
                        AggregatedMetrics::U64(MetricData::Sum(s)) => {
                            assert_eq!(metric.unit(), "{retry}");
                            for p in s.data_points() {
                                entry.push((map(&mut p.attributes()), p.value()));
                            }
                        }
                        other => panic!("{}: {other:?}", metric.name()),
                    }
                }
            }
        }
        // In a fixed order: by the attributes' text.
        let key = |attributes: &BTreeMap<String, Value>| {
            attributes
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str()))
                .collect::<Vec<_>>()
        };
        for points in out.values_mut() {
            points.sort_by_key(|(attributes, _)| key(attributes));
        }
        out
    }
}

fn attributes(pairs: &[(&str, Value)]) -> BTreeMap<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

fn port(url: &str) -> i64 {
    url.rsplit(':').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn every_attempt_is_measured_and_every_retry_counted_by_reason() {
    let meters = Meters::new();
    let server = Server::start(vec![Reply::json(503, json!({})), ok()]).await;
    let client = meters.client(&server.url, RetryBudget::default());
    client.create_embedded_session(&request()).await.unwrap();

    let common = [
        ("http.request.method", text("POST")),
        ("server.address", text("127.0.0.1")),
        ("server.port", int(port(&server.url))),
        ("url.template", text("/session/embedded")),
    ];
    let with = |extra: &[(&str, Value)]| {
        let mut all = common.to_vec();
        all.extend_from_slice(extra);
        attributes(&all)
    };
    let points = meters.points();
    assert_eq!(
        points["http.client.request.duration"],
        [
            (
                with(&[
                    ("error.type", text("503")),
                    ("http.response.status_code", int(503))
                ]),
                1
            ),
            (with(&[("http.response.status_code", int(200))]), 1),
        ]
    );
    assert_eq!(
        points["stablemint.client.retries"],
        [(
            attributes(&[
                ("error.type", text("503")),
                ("stablemint.operation", text("createEmbeddedSession")),
            ]),
            1
        )]
    );
    assert!(!points.contains_key("stablemint.client.retries_refused"));
}

#[tokio::test]
async fn a_retry_the_budget_refuses_is_counted_apart() {
    let meters = Meters::new();
    let server = Server::start(vec![Reply::json(503, json!({}))]).await;
    // Room for one retry: the second is refused.
    let budget = RetryBudget::default().with_capacity(10).with_retry_cost(6);
    let client = meters.client(&server.url, budget);
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert!(error.retry_budget_exhausted());
    let points = meters.points();
    let reason = attributes(&[
        ("error.type", text("503")),
        ("stablemint.operation", text("createEmbeddedSession")),
    ]);
    assert_eq!(points["stablemint.client.retries"], [(reason.clone(), 1)]);
    assert_eq!(points["stablemint.client.retries_refused"], [(reason, 1)]);
    assert_eq!(points["http.client.request.duration"][0].1, 2);
}
