//! Malformed HTTP: what hyper answers before the mock sees the request, and the JSON
//! for headers that hyper accepts but the mock finds too large.

use serde_json::Value;
use stablemint_mock::MockServer;
use tokio::io::AsyncWriteExt;

use crate::support::*;

/// The head (status line and header lines, lowercased names) and body of a raw answer.
fn parts(answer: &[u8]) -> (String, Vec<String>, String) {
    let text = String::from_utf8_lossy(answer).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap_or_default().to_owned();
    let headers = lines.map(|l| l.to_ascii_lowercase()).collect();
    (status, headers, body.to_owned())
}

/// Asserts hyper's own answer: this status line, `connection: close` and
/// `content-length: 0`, no body, no
/// `Date`, no request id, and the connection closed.
fn assert_hyper_answer(answer: &[u8], status_line: &str) {
    let (status, headers, body) = parts(answer);
    assert_eq!(status, status_line, "{}", String::from_utf8_lossy(answer));
    assert_eq!(
        headers,
        ["connection: close", "content-length: 0"],
        "{headers:?}"
    );
    assert_eq!(body, "");
}

#[tokio::test]
async fn a_bad_request_line_is_an_empty_400_from_hyper() {
    let server = start().await;
    for line in [
        "POST /session/embedded HTTP/9.9",
        "POST /session/embedded",
        "PO ST /session/embedded HTTP/1.1",
        "POST /session/\x01embedded HTTP/1.1",
        "P\u{e9}ST /session/embedded HTTP/1.1",
        "POST session/embedded HTTP/1.1",
    ] {
        let answer = raw(&server, format!("{line}\r\nhost: x\r\n\r\n").as_bytes()).await;
        assert_hyper_answer(&answer, "HTTP/1.1 400 Bad Request");
    }
    let answer = raw(
        &server,
        b"POST /session/embedded HTTP/1.1\r\nbad header\r\n\r\n",
    )
    .await;
    assert_hyper_answer(&answer, "HTTP/1.1 400 Bad Request");
    assert_eq!(server.requests_received(), 0);
    // The server carries on.
    success(Call::signed(&valid_body()).send(&server).await).await;
}

#[tokio::test]
async fn too_many_or_too_large_headers_are_an_empty_431_from_hyper() {
    let server = start().await;
    let many = format!(
        "POST /session/embedded HTTP/1.1\r\n{}\r\n",
        (0..101)
            .map(|i| format!("x-{i}: y\r\n"))
            .collect::<String>()
    );
    assert_hyper_answer(
        &raw(&server, many.as_bytes()).await,
        "HTTP/1.1 431 Request Header Fields Too Large",
    );
    // Just over the 96 KiB head bound, and far over it (past hyper's read buffer).
    for size in [100_000, 500_000] {
        let huge = format!(
            "POST /session/embedded HTTP/1.1\r\nx-big: {}\r\n\r\n",
            "a".repeat(size)
        );
        assert_hyper_answer(
            &raw(&server, huge.as_bytes()).await,
            "HTTP/1.1 431 Request Header Fields Too Large",
        );
    }
    assert_eq!(server.requests_received(), 0);
}

#[tokio::test]
async fn a_very_long_target_is_an_empty_414_from_hyper() {
    let server = start().await;
    let long = format!("GET /{} HTTP/1.1\r\nhost: x\r\n\r\n", "a".repeat(70_000));
    assert_hyper_answer(
        &raw(&server, long.as_bytes()).await,
        "HTTP/1.1 414 URI Too Long",
    );
}

#[tokio::test]
async fn headers_past_32_kib_that_hyper_accepts_get_the_json_431() {
    let server = start().await;
    let call = Call::signed(&valid_body())
        .header("x-one", "a".repeat(20_000))
        .header("x-two", "b".repeat(20_000));
    let response = call.send(&server).await;
    assert!(response.headers().contains_key("date"));
    assert!(response.headers().contains_key("x-request-id"));
    let json = error(response, 431, "headers_too_large").await;
    assert!(
        json["message"].as_str().unwrap().contains("32768"),
        "{json}"
    );
    // A head just under hyper's 96 KiB bound still reaches the mock and gets its JSON.
    let call = Call::signed(&valid_body()).header("x-one", "a".repeat(90_000));
    error(call.send(&server).await, 431, "headers_too_large").await;
    // Just under the limit is fine.
    let call = Call::signed(&valid_body()).header("x-one", "a".repeat(30_000));
    success(call.send(&server).await).await;
    assert_eq!(server.requests_received(), 3);
}

#[tokio::test]
async fn headers_of_exactly_32_kib_are_accepted_and_one_byte_more_is_not() {
    let server = start().await;
    let body = serde_json::to_vec(&valid_body()).unwrap();
    let head = raw_head(
        &valid_body(),
        &format!("content-length: {}\r\n", body.len()),
    );
    // The mock counts each header as its name, its value and 4 bytes (": " and CRLF).
    let counted: usize = head
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(": "))
        .map(|(name, value)| name.len() + value.len() + 4)
        .sum();
    let padding = |extra: usize| {
        let value = "p".repeat(32 * 1024 - counted - "x-pad".len() - 4 + extra);
        let mut request = head.trim_end_matches("\r\n").to_owned();
        request.push_str(&format!("\r\nx-pad: {value}\r\n\r\n"));
        let mut bytes = request.into_bytes();
        bytes.extend_from_slice(&body);
        bytes
    };
    for (extra, status) in [(0, 200), (1, 431)] {
        let answer = raw(&server, &padding(extra)).await;
        let shown = String::from_utf8_lossy(&answer);
        assert_eq!(raw_status(&answer), Some(status), "{shown}");
        if status == 431 {
            assert_eq!(raw_json(&answer)["code"], "headers_too_large");
        }
    }
}

#[tokio::test]
async fn a_huge_declared_body_with_a_huge_limit_is_not_allocated_up_front() {
    let server = MockServer::start(config().body_limit(usize::MAX))
        .await
        .unwrap();
    let head = raw_head(&valid_body(), "content-length: 4611686018427387904\r\n");
    let mut stream = tokio::net::TcpStream::connect(server.local_addr())
        .await
        .unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(b"{\"userId\": ").await.unwrap();
    stream.shutdown().await.unwrap();
    let mut answer = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(&mut stream, &mut answer)
        .await
        .unwrap();
    assert_eq!(
        raw_status(&answer),
        Some(400),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    let json: Value = raw_json(&answer);
    assert_eq!(json["code"], "unreadable_body");
}
