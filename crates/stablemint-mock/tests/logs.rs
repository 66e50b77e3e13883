//! One debug line per request, and nothing secret or personal in any log output.

#[path = "api/support.rs"]
#[allow(dead_code)]
mod support;

use serde_json::json;
use stablemint_mock::Fault;
use stablemint_test_support::Capture;

use crate::support::*;

// A current-thread runtime, so the server's tasks log on this thread's subscriber.
#[tokio::test]
async fn requests_are_logged_without_secrets_or_personal_data() {
    // Every level, from every crate.
    let (capture, _guard) = Capture::start();

    let server = start().await;
    let mut body = valid_body();
    body["idempotencyKey"] = json!("order-log-1");
    body["userKyc"] = json!({"fullName": "Jane Doe", "dateOfBirth": "1990-02-28"});
    success(Call::signed(&body).send(&server).await).await;
    success(Call::signed(&body).send(&server).await).await;
    let bad = Call::signed(&body).header("signature", "ab".repeat(32));
    error(bad.send(&server).await, 401, "bad_signature").await;
    let mut invalid = body.clone();
    invalid["userEmail"] = json!("jane.doe@@example.com");
    error(
        Call::signed(&invalid).send(&server).await,
        400,
        "invalid_body",
    )
    .await;
    server.fail_next(1, Fault::DropConnection);
    Call::signed(&body).try_send(&server).await.unwrap_err();
    let query = Call::signed(&body)
        .path("/other?token=query-secret")
        .send(&server)
        .await;
    error(query, 404, "not_found").await;
    server.shutdown().await;

    let output = capture.text();
    let requests: Vec<&str> = output.lines().filter(|l| l.contains(" request ")).collect();
    assert_eq!(requests.len(), 6, "{output}");
    assert!(requests[0].contains("DEBUG"), "{output}");
    assert!(requests[0].contains("method=POST"), "{output}");
    assert!(
        requests[0].contains("path=\"/session/embedded\""),
        "{output}"
    );
    assert!(requests[0].contains("status=200"), "{output}");
    assert!(output.contains("idempotent replay"), "{output}");
    assert!(
        requests[2].contains("status=401 code=\"bad_signature\""),
        "{output}"
    );
    assert!(
        requests[3].contains("status=400 code=\"invalid_body\""),
        "{output}"
    );
    assert!(
        requests[4].contains("fault=\"drop_connection\""),
        "{output}"
    );
    assert!(
        requests[5].contains("path=\"/other\" status=404"),
        "{output}"
    );

    let signature = stablemint::signature(NOW, SECRET, "user-1");
    for forbidden in [
        SECRET,
        KEY,
        &signature,
        "abababab",
        "jane.doe",
        "example.com",
        "Jane Doe",
        "1990-02-28",
        "order-log-1",
        "user-1",
        "query-secret",
        "1700000000",
    ] {
        assert!(
            !output.contains(forbidden),
            "{forbidden:?} logged:\n{output}"
        );
    }
}
