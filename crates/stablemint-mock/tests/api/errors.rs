//! Every error path, with its status and code, in the documented order of checks.

use serde_json::json;
use stablemint_mock::MockServer;
use stablemint_mock::UnknownFields;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::*;

/// Sends a `POST` to a path that is not served, announcing `length` bytes of body, writes them while reading the
/// answer, and returns the answer's head with lowercased header names.
async fn unwanted_body_answer(server: &MockServer, length: usize) -> String {
    let stream = tokio::net::TcpStream::connect(server.local_addr())
        .await
        .unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let head = format!(
        "POST {} HTTP/1.1\r\nhost: localhost\r\ncontent-length: {length}\r\n\r\n",
        unknown_path()
    );
    let sending = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await?;
        let chunk = vec![b'x'; 64 * 1024];
        let mut left = length;
        while left > 0 {
            let n = left.min(chunk.len());
            writer.write_all(&chunk[..n]).await?;
            left -= n;
        }
        std::io::Result::Ok(writer)
    });
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = reader.read(&mut buffer).await.unwrap();
        assert!(n > 0, "closed before an answer: {answer:?}");
        answer.extend_from_slice(&buffer[..n]);
    }
    // The server may stop reading (and close) before the whole body is written.
    let _ = sending.await.unwrap();
    let text = String::from_utf8_lossy(&answer).to_ascii_lowercase();
    text.split("\r\n\r\n").next().unwrap().to_owned()
}

#[tokio::test]
async fn an_unwanted_body_is_drained_up_to_16_mib_then_the_connection_closes() {
    let server = start().await;
    // Read to its end: the answer keeps the connection open for the next request.
    let small = unwanted_body_answer(&server, 1024).await;
    assert!(small.starts_with("http/1.1 404"), "{small}");
    assert!(!small.contains("connection: close"), "{small}");
    // Exactly at the limit is still read to its end.
    let at_limit = unwanted_body_answer(&server, 16 * 1024 * 1024).await;
    assert!(at_limit.starts_with("http/1.1 404"), "{at_limit}");
    assert!(!at_limit.contains("connection: close"), "{at_limit}");
    // Just over the limit: the server stops reading, answers and closes, though the
    // rest of the body would have arrived at once.
    let large = unwanted_body_answer(&server, 16 * 1024 * 1024 + 64 * 1024).await;
    assert!(large.starts_with("http/1.1 404"), "{large}");
    assert!(large.contains("connection: close"), "{large}");
}

#[tokio::test]
async fn unknown_paths_are_404_json() {
    let server = start().await;
    // Shapes of a path the spec does not serve today; only those it still does not
    // serve are tried, and the one that cannot be served always is.
    let deep = unknown_path();
    let candidates = [
        "/",
        "/session",
        "/session/embedded/",
        "/SESSION/EMBEDDED",
        &deep,
    ];
    let unserved: Vec<&str> = candidates.into_iter().filter(|p| !served(p)).collect();
    assert!(unserved.contains(&deep.as_str()));
    for path in unserved {
        let response = Call::signed(&valid_body()).path(path).send(&server).await;
        let json = error(response, 404, "not_found").await;
        assert_lists_what_is_served(json["message"].as_str().unwrap());
    }
    let response = Call::signed(&valid_body())
        .path(&format!("{}/nope", unknown_path()))
        .method("GET")
        .send(&server)
        .await;
    error(response, 404, "not_found").await;
    assert_eq!(server.sessions_created(), 0);
    assert_eq!(server.requests_received(), 6);
}

#[tokio::test]
async fn other_methods_are_405_json_with_allow() {
    let server = start().await;
    for method in ["GET", "PUT", "PATCH", "DELETE", "OPTIONS", "BREW"] {
        let response = Call::signed(&valid_body())
            .method(method)
            .send(&server)
            .await;
        assert_eq!(response.headers()["allow"], "POST", "{method}");
        error(response, 405, "method_not_allowed").await;
    }
    // HEAD answers carry no body, but the status and Allow all the same.
    let response = Call::signed(&valid_body())
        .method("HEAD")
        .send(&server)
        .await;
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    assert_eq!(response.headers()["content-type"], "application/json");
    // The query string is not part of the route, but a parameter the operation does
    // not take is refused like an unknown body field, unless unknown fields are ignored.
    let response = Call::signed(&valid_body())
        .path("/session/embedded?idempotencyKey=1")
        .send(&server)
        .await;
    let json = error(response, 400, "invalid_request").await;
    assert_eq!(json["errors"][0]["pointer"], "/idempotencyKey");
    assert_eq!(json["errors"][0]["code"], "unknown");
    let lenient = MockServer::start(config().unknown_fields(UnknownFields::Ignore))
        .await
        .unwrap();
    let response = Call::signed(&valid_body())
        .path("/session/embedded?x=1")
        .send(&lenient)
        .await;
    success(response).await;
}

#[tokio::test]
async fn the_content_type_must_be_json() {
    let server = start().await;
    let missing = Call::signed(&valid_body())
        .without("content-type")
        .send(&server)
        .await;
    error(missing, 415, "unsupported_media_type").await;
    for other in [
        &b"text/plain"[..],
        b"application/x-www-form-urlencoded",
        b"application/jsonp",
        b"application/json\xff",
    ] {
        let response = Call::signed(&valid_body())
            .header("content-type", other)
            .send(&server)
            .await;
        error(response, 415, "unsupported_media_type").await;
    }
    for fine in ["application/json; charset=utf-8", "Application/JSON"] {
        let response = Call::signed(&valid_body())
            .header("content-type", fine)
            .send(&server)
            .await;
        success(response).await;
    }
    assert_eq!(server.sessions_created(), 2);
}

/// A valid signed body of exactly `size` bytes (padded in `websiteReference`).
fn body_of_size(size: usize) -> Vec<u8> {
    let mut body = valid_body();
    body["websiteReference"] = json!("");
    let base = serde_json::to_vec(&body).unwrap().len();
    body["websiteReference"] = json!("x".repeat(size - base));
    let bytes = serde_json::to_vec(&body).unwrap();
    assert_eq!(bytes.len(), size);
    bytes
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_json() {
    let server = MockServer::start(config().body_limit(1024)).await.unwrap();
    let at_limit = Call::signed(&valid_body()).body(body_of_size(1024));
    success(at_limit.send(&server).await).await;
    let over = Call::signed(&valid_body()).body(body_of_size(1025));
    let json = error(over.send(&server).await, 413, "body_too_large").await;
    assert!(
        json["message"].as_str().unwrap().contains("1024 bytes"),
        "{json}"
    );
    // Much larger, and not even JSON: the size is checked first.
    let huge = Call::signed(&valid_body()).body(vec![b'x'; 300_000]);
    error(huge.send(&server).await, 413, "body_too_large").await;
    // Without a Content-Length, counted while reading.
    let head = raw_head(&valid_body(), "transfer-encoding: chunked\r\n");
    let chunk = "y".repeat(700);
    let chunked = format!("{head}2bc\r\n{chunk}\r\n2bc\r\n{chunk}\r\n0\r\n\r\n");
    let answer = raw(&server, chunked.as_bytes()).await;
    assert_eq!(
        raw_status(&answer),
        Some(413),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert_eq!(raw_json(&answer)["code"], "body_too_large");
    assert_eq!(server.sessions_created(), 1);
}

#[tokio::test]
async fn the_default_limit_is_64_kib() {
    let server = start().await;
    let at_limit = Call::signed(&valid_body()).body(body_of_size(64 * 1024));
    success(at_limit.send(&server).await).await;
    let over = Call::signed(&valid_body()).body(body_of_size(64 * 1024 + 1));
    error(over.send(&server).await, 413, "body_too_large").await;
}

#[tokio::test]
async fn broken_chunked_framing_is_400() {
    let server = start().await;
    let head = raw_head(&valid_body(), "transfer-encoding: chunked\r\n");
    let answer = raw(&server, format!("{head}zz\r\n{{}}\r\n0\r\n\r\n").as_bytes()).await;
    assert_eq!(
        raw_status(&answer),
        Some(400),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert_eq!(raw_json(&answer)["code"], "unreadable_body");
}

/// Sends the valid request without header `name`: a 401 whose message names it.
async fn missing_header_is_named(server: &MockServer, name: &str) {
    let response = Call::signed(&valid_body()).without(name).send(server).await;
    let json = error(response, 401, "missing_header").await;
    let message = json["message"].as_str().unwrap();
    assert!(message.contains(&format!("`{name}`")), "{json}");
}

#[tokio::test]
async fn the_api_key_must_be_the_configured_one() {
    let server = start().await;
    missing_header_is_named(&server, "api_key").await;

    for wrong in [
        &b"mock-key-made-up-3f9"[..],
        b"mock-key-made-up-3f9cX",
        b"",
        b"\xff\xfe",
    ] {
        let response = Call::signed(&valid_body())
            .header("api_key", wrong)
            .send(&server)
            .await;
        let json = error(response, 401, "unknown_api_key").await;
        assert!(!json.to_string().contains("mock-key"), "{json}");
    }
    let twice = Call::signed(&valid_body())
        .append("api_key", KEY)
        .send(&server)
        .await;
    error(twice, 400, "duplicate_header").await;
    assert_eq!(server.sessions_created(), 0);
}

#[tokio::test]
async fn the_timestamp_must_be_within_the_window() {
    let server = start().await;
    missing_header_is_named(&server, "timestamp").await;

    for edge in [NOW - 300, NOW + 300] {
        success(Call::signed_at(&valid_body(), edge).send(&server).await).await;
    }
    for (stale, words) in [
        (NOW - 301, "is 301 s behind the server time 1700000000"),
        (NOW + 301, "is 301 s ahead of the server time 1700000000"),
        (NOW - 86_400, "86400 s behind"),
        (0, "the timestamp 0 is 1700000000 s behind"),
    ] {
        let response = Call::signed_at(&valid_body(), stale).send(&server).await;
        let json = error(response, 401, "stale_timestamp").await;
        let message = json["message"].as_str().unwrap();
        assert!(message.contains(&stale.to_string()), "{message}");
        assert!(message.contains(words), "{message}");
    }
    let millis = NOW * 1000 + 5;
    let response = Call::signed_at(&valid_body(), millis).send(&server).await;
    let json = error(response, 401, "stale_timestamp").await;
    assert!(
        json["message"].as_str().unwrap().contains("milliseconds"),
        "{json}"
    );

    for bad in [
        "soon",
        "1700000000.0",
        "+1700000000",
        "01700000000",
        "-1",
        "",
    ] {
        let response = Call::signed(&valid_body())
            .header("timestamp", bad)
            .send(&server)
            .await;
        let json = error(response, 401, "stale_timestamp").await;
        assert!(
            json["message"].as_str().unwrap().contains("1700000000"),
            "{json}"
        );
    }
    assert_eq!(server.sessions_created(), 2);
}

#[tokio::test]
async fn a_narrower_window_is_honoured() {
    let server = MockServer::start(config().timestamp_window(std::time::Duration::from_secs(5)))
        .await
        .unwrap();
    success(Call::signed_at(&valid_body(), NOW + 5).send(&server).await).await;
    let response = Call::signed_at(&valid_body(), NOW + 6).send(&server).await;
    let json = error(response, 401, "stale_timestamp").await;
    assert!(
        json["message"].as_str().unwrap().contains("5 s allowed"),
        "{json}"
    );
}

#[tokio::test]
async fn the_body_must_be_a_json_object() {
    let server = start().await;
    for body in [
        &b""[..],
        b"not json",
        b"{\"userId\": ",
        b"{\"userId\": \"user-1\"} trailing",
        b"[]",
        b"\"user-1\"",
        b"null",
        b"{\"userId\": \"\xff\"}",
    ] {
        let response = Call::signed(&valid_body()).body(body).send(&server).await;
        error(response, 400, "malformed_json").await;
    }
}

#[tokio::test]
async fn the_user_id_must_be_a_string() {
    let server = start().await;
    let mut missing = valid_body();
    missing.as_object_mut().unwrap().remove("userId");
    let json = error(
        Call::signed(&missing).send(&server).await,
        400,
        "invalid_body",
    )
    .await;
    assert_eq!(field_errors(&json), [("/userId".into(), "required".into())]);

    for wrong in [
        json!(42),
        json!(null),
        json!(["user-1"]),
        json!({"id": "user-1"}),
    ] {
        let mut body = valid_body();
        body["userId"] = wrong;
        let json = error(Call::signed(&body).send(&server).await, 400, "invalid_body").await;
        assert_eq!(field_errors(&json), [("/userId".into(), "type".into())]);
    }
}

#[tokio::test]
async fn the_signature_must_match() {
    let server = start().await;
    missing_header_is_named(&server, "signature").await;

    let good = stablemint_wire::signature(NOW, SECRET, "user-1");
    let wrong = [
        good.to_uppercase(),
        good[..63].to_owned(),
        format!("{good}0"),
        stablemint_wire::signature(NOW, SECRET, "user-2"),
        stablemint_wire::signature(NOW + 1, SECRET, "user-1"),
        stablemint_wire::signature(NOW, "another-secret", "user-1"),
        String::new(),
    ];
    for signature in &wrong {
        let response = Call::signed(&valid_body())
            .header("signature", signature)
            .send(&server)
            .await;
        let json = error(response, 401, "bad_signature").await;
        let text = json.to_string();
        assert!(!text.contains(&good) && !text.contains(SECRET), "{text}");
        if !signature.is_empty() {
            assert!(!text.contains(signature.as_str()), "{text}");
        }
    }
    // A body signed for one user cannot be sent for another.
    let mut other_user = valid_body();
    other_user["userId"] = json!("user-2");
    let response = Call::signed(&valid_body())
        .body(serde_json::to_vec(&other_user).unwrap())
        .send(&server)
        .await;
    error(response, 401, "bad_signature").await;
    let twice = Call::signed(&valid_body())
        .append("signature", &good)
        .send(&server)
        .await;
    error(twice, 400, "duplicate_header").await;
    assert_eq!(server.sessions_created(), 0);
}

#[tokio::test]
async fn invalid_fields_are_all_listed_without_their_values() {
    let server = start().await;
    let body = json!({
        "userId": "user-1",
        "userEmail": "jane.doe@@example.com",
        "userCountryCode": "UK",
        "currency": "EURO",
        "amount": -5,
        "userKyc": {"dateOfBirth": "1990-02-30", "citizenshipCountryCode": "de"},
    });
    let response = Call::signed(&body).send(&server).await;
    let json = error(response, 400, "invalid_body").await;
    let mut errors = field_errors(&json);
    errors.sort();
    let expected: Vec<(String, String)> = [
        ("/amount", "positive"),
        ("/currency", "currency"),
        ("/userCountryCode", "alpha2"),
        ("/userEmail", "email"),
        ("/userKyc/citizenshipCountryCode", "alpha2"),
        ("/userKyc/dateOfBirth", "date"),
    ]
    .iter()
    .map(|(p, c)| (p.to_string(), c.to_string()))
    .collect();
    assert_eq!(errors, expected, "{json}");
    let text = json.to_string();
    for value in [
        "jane.doe",
        "example.com",
        "EURO",
        "1990-02-30",
        "\"de\"",
        "-5",
    ] {
        assert!(!text.contains(value), "{value} in {text}");
    }
    assert!(
        json["message"].as_str().unwrap().contains("6 rules"),
        "{json}"
    );
    assert_eq!(server.sessions_created(), 0);
}

#[tokio::test]
async fn wrong_types_and_missing_fields_have_pointers() {
    let server = start().await;
    let mut body = valid_body();
    body["userEmail"] = json!(7);
    let json = error(Call::signed(&body).send(&server).await, 400, "invalid_body").await;
    assert_eq!(field_errors(&json), [("/userEmail".into(), "type".into())]);

    let mut body = valid_body();
    body.as_object_mut().unwrap().remove("currency");
    let json = error(Call::signed(&body).send(&server).await, 400, "invalid_body").await;
    assert_eq!(
        field_errors(&json),
        [("/currency".into(), "required".into())]
    );

    let mut body = valid_body();
    body["userKyc"] = json!({"mobilePhone": 4930555});
    let json = error(Call::signed(&body).send(&server).await, 400, "invalid_body").await;
    assert_eq!(
        field_errors(&json),
        [("/userKyc/mobilePhone".into(), "type".into())]
    );
    assert!(!json.to_string().contains("4930555"), "{json}");

    let mut body = valid_body();
    body["customFields"] = json!("free-text-value-42");
    let json = error(Call::signed(&body).send(&server).await, 400, "invalid_body").await;
    assert_eq!(
        field_errors(&json),
        [("/customFields".into(), "type".into())]
    );
    assert!(!json.to_string().contains("free-text-value-42"), "{json}");
}

#[tokio::test]
async fn checks_run_in_the_documented_order() {
    let server = start().await;
    let garbage = b"not json at all".to_vec();
    // 415 before 413 and before authentication.
    let response = Call::signed(&valid_body())
        .without("content-type")
        .without("api_key")
        .body(vec![b'x'; 100_000])
        .send(&server)
        .await;
    error(response, 415, "unsupported_media_type").await;
    // 413 before authentication.
    let response = Call::signed(&valid_body())
        .without("api_key")
        .body(vec![b'x'; 100_000])
        .send(&server)
        .await;
    error(response, 413, "body_too_large").await;
    // The key before the timestamp, and both before the body is parsed.
    let response = Call::signed_at(&valid_body(), 5)
        .header("api_key", "wrong")
        .body(garbage.clone())
        .send(&server)
        .await;
    error(response, 401, "unknown_api_key").await;
    let response = Call::signed_at(&valid_body(), 5)
        .body(garbage)
        .send(&server)
        .await;
    error(response, 401, "stale_timestamp").await;
    // The signature before the fields' rules: an unauthenticated caller learns nothing
    // about the body.
    let mut invalid = valid_body();
    invalid["userEmail"] = json!("nope");
    let response = Call::signed(&valid_body())
        .body(serde_json::to_vec(&invalid).unwrap())
        .header("signature", "0".repeat(64))
        .send(&server)
        .await;
    error(response, 401, "bad_signature").await;
    assert_eq!(server.sessions_created(), 0);
}

#[tokio::test]
async fn a_client_that_sends_everything_before_reading_gets_the_413() {
    let server = MockServer::start(config().body_limit(1024)).await.unwrap();
    let body = vec![b'x'; 4 * 1024 * 1024];
    let mut stream = open_request(&server, body.len()).await;
    // More than the socket buffers hold: this completes only if the server reads it.
    stream.write_all(&body).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    assert_eq!(
        raw_status(&answer),
        Some(413),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert_eq!(raw_json(&answer)["code"], "body_too_large");
}

/// An operation the spec does not have is a JSON 404 (with the request id, and the
/// list of what is served), not a 500, and nothing is created.
#[tokio::test]
async fn an_operation_the_spec_does_not_have_is_a_json_404() {
    let server = start().await;
    let response = Call::signed(&valid_body())
        .path(&unknown_path())
        .send(&server)
        .await;
    assert!(response.headers().contains_key("x-request-id"));
    let json = error(response, 404, "not_found").await;
    assert_lists_what_is_served(json["message"].as_str().unwrap());
    assert_eq!(server.sessions_created(), 0);
}
