//! One span per call with operation, attempt, status and latency; and nothing secret or
//! personal in any trace output.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::json;
use stablemint::RetryPolicy;
use support::{API_SECRET, Reply, Server, client, request};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn traces_carry_the_call_but_no_secrets_or_personal_data() {
    let capture = Capture::default();
    let writer = capture.clone();
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_span_events(FmtSpan::CLOSE);
    // Everything at every level, from every crate: hyper and reqwest included.
    let subscriber = tracing_subscriber::registry().with(layer);
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = Server::start(vec![Reply::json(503, json!({})), Reply::ok()]).await;
    let (client, _) = client(&server.url, RetryPolicy::default());
    let mut request = request();
    let kyc = request.user_kyc.as_mut().unwrap();
    kyc.mobile_phone = Some("+49 30 5550123".into());
    kyc.personal_identification_number = Some("ID-PERSONAL-778899".into());
    kyc.residence_address = Some("Lindenweg 12, Potsdam".into());
    client.create_embedded_session(&request).await.unwrap();

    // A failing call too, so that error paths are traced.
    let mut invalid = request.clone();
    invalid.user_email = "jane.doe@@example.com".into();
    client.create_embedded_session(&invalid).await.unwrap_err();

    let output = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        output.contains("stablemint.createEmbeddedSession"),
        "{output}"
    );
    assert!(
        output.contains("operation=\"createEmbeddedSession\""),
        "{output}"
    );
    assert!(output.contains("attempt=2"), "{output}");
    assert!(output.contains("status=200"), "{output}");
    assert!(output.contains("latency_ms="), "{output}");

    let signatures: Vec<String> = server
        .seen()
        .iter()
        .map(|s| s.header("signature").to_owned())
        .collect();
    assert_eq!(signatures.len(), 2);
    let forbidden = [
        API_SECRET,
        &signatures[0],
        &signatures[1],
        "jane.doe",
        "example.com",
        "1990-02-28",
        "Jane Doe",
        "+49 30 5550123",
        "ID-PERSONAL-778899",
        "Lindenweg",
    ];
    for needle in forbidden {
        assert!(
            !output.contains(needle),
            "{needle:?} leaked into traces:\n{output}"
        );
    }
}
