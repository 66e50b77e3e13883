//! One debug line per request, the `on_request` hook, and nothing secret or personal in
//! any log output.

#[path = "api/support.rs"]
#[allow(dead_code)]
mod support;

use std::sync::{Arc, Mutex};

use serde_json::json;
use stablemint_mock::{Fault, MockServer, RequestLog};
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
    server.fail_next(1, Fault::DropConnection).unwrap();
    Call::signed(&body).try_send(&server).await.unwrap_err();
    let query = Call::signed(&body)
        .path(&format!("{}?token=query-secret", unknown_path()))
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
        requests[5].contains(&format!("path=\"{}\" status=404", unknown_path())),
        "{output}"
    );

    let signature = stablemint_wire::signature(NOW, SECRET, "user-1");
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

/// The `on_request` hook hears of every request, dropped ones included, with nothing a
/// client sent but the method and the path.
#[tokio::test]
async fn the_request_hook_hears_every_request() {
    let heard: Arc<Mutex<Vec<RequestLog>>> = Arc::default();
    let sink = heard.clone();
    let config = config().on_request(move |log| sink.lock().unwrap().push(log.clone()));
    let server = MockServer::start(config).await.unwrap();

    let ok = Call::signed(&valid_body()).send(&server).await;
    let ok_id = ok.headers()["x-request-id"].to_str().unwrap().to_owned();
    success(ok).await;
    let bad = Call::signed(&valid_body()).header("signature", "ab".repeat(32));
    error(bad.send(&server).await, 401, "bad_signature").await;
    let other = Call::signed(&valid_body()).path(&format!("{}?token=query-secret", unknown_path()));
    error(other.send(&server).await, 404, "not_found").await;
    server.fail_next(1, Fault::DropConnection).unwrap();
    Call::signed(&valid_body())
        .try_send(&server)
        .await
        .unwrap_err();

    let heard = heard.lock().unwrap().clone();
    assert_eq!(heard.len(), 4, "{heard:?}");
    assert_eq!(
        (heard[0].method.as_str(), heard[0].path.as_str()),
        ("POST", ROUTE)
    );
    assert_eq!((heard[0].status, heard[0].code), (Some(200), None));
    assert_eq!(heard[0].request_id, ok_id);
    assert_eq!(
        (heard[1].status, heard[1].code),
        (Some(401), Some("bad_signature"))
    );
    assert_eq!(heard[2].path, unknown_path());
    assert_eq!(heard[2].status, Some(404));
    assert_eq!(
        (heard[3].status, heard[3].fault),
        (None, Some("drop_connection"))
    );
    let ids: std::collections::HashSet<&str> =
        heard.iter().map(|l| l.request_id.as_str()).collect();
    assert_eq!(ids.len(), 4);
    let lines: String = heard.iter().map(|l| format!("{l}\n")).collect();
    assert!(lines.starts_with("POST /session/embedded 200 "), "{lines}");
    for forbidden in [
        SECRET,
        KEY,
        "abababab",
        "query-secret",
        "jane.doe",
        "user-1",
    ] {
        assert!(!lines.contains(forbidden), "{forbidden:?} in:\n{lines}");
    }
}
