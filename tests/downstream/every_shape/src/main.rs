//! Calls every operation of `tests/fixtures/every-shape.yaml` through
//! `stablemint::Client`, against `stablemint-mock` serving that spec: none of it was
//! written by hand for these operations.
//!
//! `serve` only starts the mock and prints its address, for tools that exercise it from
//! outside (schemathesis), and serves until it is stopped.

use std::time::Duration;

use stablemint::types::{
    CreateProbeRefund400Error, ProbeNote, ProbeProblem, ProbeRefundRequest, ProbeStatusState,
};
use stablemint::{Client, Credentials, Error, RetryPolicy, options};
use stablemint_mock::{Fault, MockConfig, MockServer};
use stablemint_wire::{OperationSpec, ResponseSpec};

const KEY: &str = "every-shape-key-0001";
const SECRET: &str = "every-shape-made-up-secret";

/// `getProbe` as a later version of the API answers it: with a `state` the spec does
/// not list.
static TOMORROW: [OperationSpec; 1] = [OperationSpec {
    success: ResponseSpec {
        example: Some(r#"{"probeId": "p-0", "status": "ok", "state": "refunded", "expiresAt": 1}"#),
        ..stablemint_raw::operations::GET_PROBE.success
    },
    ..stablemint_raw::operations::GET_PROBE
}];

fn client_with(server: &MockServer, secret: &str) -> Client {
    Client::builder(Credentials::new(KEY, secret))
        .base_url(&server.base_url())
        .retry(RetryPolicy::default().with_base_delay(Duration::from_millis(1)))
        .build()
        .expect("a client")
}

fn api(error: Error) -> Box<stablemint::ApiError> {
    match error {
        Error::Api(api) => api,
        other => panic!("expected an answer from the mock, got: {other}"),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = MockConfig::new(KEY, SECRET);
    let server = MockServer::start(config).await?;
    if std::env::args().nth(1).as_deref() == Some("serve") {
        println!("StableMint mock listening on {}", server.base_url());
        std::future::pending::<()>().await;
    }
    let client = client_with(&server, SECRET);

    // A GET signed over its path parameter; a 503 first is retried without a key.
    server.fail_next_on("getProbe", 1, Fault::Status(503))?;
    let probe = client.get_probe("p-1").await?;
    assert_eq!(probe.probe_id, "p-1");
    assert_eq!(probe.state, ProbeStatusState::Open);
    assert_eq!(probe.attempts(), 2);
    assert_eq!(probe.idempotency_key(), None);
    let traced = client
        .get_probe_with(
            "p-2",
            &options::GetProbeOptions::new()
                .x_trace_id("trace-1")
                .timeout(Duration::from_secs(5)),
        )
        .await?;
    assert_eq!(traced.probe_id, "p-2");

    // A list with required and optional query parameters, answering an array.
    let probes = client
        .list_probes_with(
            "user-1",
            &options::ListProbesOptions::new()
                .limit(5)
                .active(true)
                .status(["open", "closed"])
                .currency("EUR")
                .since("2026-01-31"),
        )
        .await?;
    assert_eq!(probes.len(), 1);
    // A parameter that breaks its rule is refused before anything is sent.
    let sent = server.requests_received();
    let invalid = client
        .list_probes_with(
            "user-1",
            &options::ListProbesOptions::new()
                .currency("EURO")
                .since("2026-02-30"),
        )
        .await
        .unwrap_err();
    let Error::Validation(errors) = invalid else {
        panic!("expected a validation error, got: {invalid}");
    };
    let found: Vec<(&str, &str)> = errors.iter().map(|e| (e.pointer(), e.code())).collect();
    assert_eq!(found, [("/currency", "currency"), ("/since", "date")]);
    assert_eq!(server.requests_received(), sent);

    // A PUT with a body, keyed.
    let note: ProbeNote = ProbeNote::builder()
        .user_id("user-1")
        .note("left at the door")
        .try_into()?;
    let stored = client.put_probe_note("p-1", &note).await?;
    assert_eq!(stored.note, "left at the door");
    assert!(stored.idempotency_key().is_some());

    // A PATCH with a body and no idempotency key: answered, and a 503 once the request
    // has left is not retried, as PATCH is not idempotent.
    let amended = client.amend_probe_note("p-1", &note).await?;
    assert_eq!(amended.note, "left at the door");
    assert_eq!(amended.idempotency_key(), None);
    let sent = server.requests_received();
    server.fail_next_on("amendProbeNote", 1, Fault::Status(503))?;
    let unavailable = api(client.amend_probe_note("p-1", &note).await.unwrap_err());
    assert_eq!(unavailable.status, 503);
    assert_eq!(server.requests_received(), sent + 1);

    // A DELETE answering 204.
    let deleted = client.delete_probe("p-1").await?;
    let () = deleted.into_inner();

    // A POST answering 201, with a declared 400 schema and a `default` one.
    let refund: ProbeRefundRequest = ProbeRefundRequest::builder()
        .user_id("user-1")
        .probe_id("p-1")
        .amount(10.5)
        .currency("EUR")
        .try_into()?;
    let created = client.create_probe_refund(&refund).await?;
    assert_eq!(created.amount, 10.5);
    // A 503 on a POST without a key field is not retried once the request has left.
    let sent = server.requests_received();
    server.fail_next_on("createProbeRefund", 1, Fault::Status(503))?;
    let unavailable = api(client.create_probe_refund(&refund).await.unwrap_err());
    assert_eq!(unavailable.status, 503);
    assert_eq!(server.requests_received(), sent + 1);
    // The 400's body decodes as its type, and any other error's as `default`'s.
    server.fail_next_on("createProbeRefund", 1, Fault::Status(400))?;
    let rejected = api(client.create_probe_refund(&refund).await.unwrap_err());
    let problem: &CreateProbeRefund400Error = rejected.decoded().expect("a decoded 400");
    assert_eq!(problem.code, "injected_fault");
    let wrong = client_with(&server, "not-the-secret");
    let refused = api(wrong.create_probe_refund(&refund).await.unwrap_err());
    assert_eq!(refused.status, 401);
    let problem: &ProbeProblem = refused.decoded().expect("a decoded 401");
    assert_eq!(problem.code, "bad_signature");
    // The signature covers what each operation declares: the wrong secret fails them all.
    assert_eq!(api(wrong.get_probe("p-1").await.unwrap_err()).status, 401);

    // An operation without authentication: even the wrong secret does not matter.
    let status = wrong.get_probe_service_status().await?;
    assert_eq!(status.status, "text");

    // A state the spec does not list yet, from a server that has it: the answer decodes,
    // and the value is kept as sent.
    let tomorrow = MockServer::start(MockConfig::new(KEY, SECRET).operations(&TOMORROW)).await?;
    let later = client_with(&tomorrow, SECRET).get_probe("p-9").await?;
    assert_eq!(
        later.state,
        ProbeStatusState::Unknown("refunded".to_owned())
    );
    assert_eq!(later.state.to_string(), "refunded");
    assert_eq!(later.probe_id, "p-9");
    tomorrow.shutdown().await;

    println!(
        "operations=8 get_attempts={} refunds={} deleted=1",
        probe.attempts(),
        server.carried_out("createProbeRefund").unwrap_or_default()
    );
    server.shutdown().await;
    Ok(())
}
