//! The CLI against hostile servers and unreachable ones: no redirect is followed, no
//! answer is read without bound, no server text reaches the terminal raw, and a failure
//! says what happened and what to do.

mod support;

use serde_json::json;
use stablemint_test_support::{Answer, Hostile, Reply, Server};
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_sends_nothing_elsewhere() {
    let elsewhere = Server::start(vec![Reply::json(200, json!({}))]).await;
    let hostile = Hostile::start(Answer::Raw(
        format!(
            "HTTP/1.1 307 Temporary Redirect\r\nlocation: {}/elsewhere\r\ncontent-length: 0\r\n\r\n",
            elsewhere.url
        )
        .into_bytes(),
    ))
    .await;
    let run = create_at(&hostile.url, SECRET, VALID, &[]).await;
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    assert!(
        elsewhere.seen().is_empty(),
        "the request followed the redirect"
    );
    assert!(
        run.stderr.contains("error: StableMint answered HTTP 307"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("/elsewhere"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_answer_is_cut_at_the_limit() {
    let hostile = Hostile::start(Answer::Huge {
        size: 200 << 20,
        chunked: true,
    })
    .await;
    let run = create_at(&hostile.url, SECRET, VALID, &[]).await;
    assert_eq!(run.code, Some(4), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("body longer than the limit of 1048576 bytes"),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_text_cannot_drive_the_terminal_or_forge_lines() {
    let message = "\u{1b}]0;pwned\u{7}\u{1b}[2J\nfake line: session created OK";
    let server = Server::start(vec![Reply::json(400, json!({"message": message}))]).await;
    for format in ["text", "json"] {
        let run = create_at(&server.url, SECRET, VALID, &["--format", format]).await;
        assert_eq!(run.code, Some(3), "{}", run.stderr);
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(!all.contains('\u{1b}') && !all.contains('\u{7}'), "{all:?}");
        assert!(!all.lines().any(|l| l.starts_with("fake line")), "{all}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_loopback_url_suggests_the_mock() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let run = create_at(&format!("http://127.0.0.1:{port}"), SECRET, VALID, &[]).await;
    assert_eq!(run.code, Some(4), "{}", run.stderr);
    assert!(run.stderr.contains("Connection refused"), "{}", run.stderr);
    assert!(run.stderr.contains("stablemint mock"), "{}", run.stderr);
    let prefixed = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .count();
    assert_eq!(prefixed, 1, "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_timeout_flag_bounds_each_attempt() {
    let hostile = Hostile::start(Answer::Silence).await;
    let run = create_at(
        &hostile.url,
        SECRET,
        VALID,
        &["--timeout", "1", "--format", "json"],
    )
    .await;
    assert_eq!(run.code, Some(4), "{}", run.stdout);
    let document: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(document["error"]["kind"], "transport", "{document}");
    assert!(
        document["error"]["idempotencyKey"].is_string(),
        "{document}"
    );
    assert!(
        document["error"]["message"]
            .as_str()
            .unwrap()
            .contains("timed out"),
        "{document}"
    );
    assert!(run.stderr.contains("1 s per attempt"), "{}", run.stderr);
    assert_eq!(hostile.requests(), 3, "two retries after the first timeout");
}

#[test]
fn an_invalid_body_stops_before_the_target_line() {
    let file = file_with("{}");
    let mut command = stablemint();
    command
        .args(["session", "create"])
        .arg(file.path())
        .env("STABLEMINT_API_KEY", KEY)
        .env("STABLEMINT_API_SECRET", SECRET);
    let invalid = run(command, None);
    assert_eq!(invalid.code, Some(1));
    assert!(!invalid.stderr.contains('→'), "{}", invalid.stderr);
}
