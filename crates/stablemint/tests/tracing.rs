//! One span per call with operation, attempt, status and latency; and nothing secret or
//! personal in any trace output.

mod support;

use serde_json::json;
use stablemint::RetryPolicy;
use support::{API_SECRET, Capture, Reply, Server, client, ok, request};

// A current-thread runtime (the default), so the server's tasks trace on this thread.
#[tokio::test]
async fn traces_carry_the_call_but_no_secrets_or_personal_data() {
    // Everything at every level, from every crate: hyper and reqwest included.
    let (capture, _guard) = Capture::start();

    let server = Server::start(vec![Reply::json(503, json!({})), ok()]).await;
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

    let output = capture.text();
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
