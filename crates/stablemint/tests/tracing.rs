//! One span per call and one per attempt, as a `fmt` subscriber shows them; and nothing
//! secret or personal in any trace output. (What OpenTelemetry receives is in
//! `opentelemetry.rs`.)

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
    for expected in [
        "stablemint.createEmbeddedSession",
        "stablemint.operation=\"createEmbeddedSession\"",
        "stablemint.attempts=2",
        "stablemint.outcome=\"success\"",
        "stablemint.outcome=\"invalid\"",
        "error.type=\"validation\"",
        // The attempts: named after the method, with the conventions' attributes.
        "POST{",
        "http.request.method=\"POST\"",
        "url.template=\"/session/embedded\"",
        "server.address=\"127.0.0.1\"",
        "http.response.status_code=503",
        "error.type=\"503\"",
        "http.request.resend_count=1",
        "http.response.status_code=200",
    ] {
        assert!(
            output.contains(expected),
            "{expected} missing from:\n{output}"
        );
    }
    // Only the second attempt is a resend.
    assert_eq!(
        output.matches("http.request.resend_count").count(),
        output.matches("http.request.resend_count=1").count()
    );

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
