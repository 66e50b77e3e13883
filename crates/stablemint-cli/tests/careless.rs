//! Careless input gets one clear report: nothing is silently dropped, every problem is
//! listed at once, input is read only up to a limit, and a timestamp is signed only in
//! the form the server sees.

mod support;

use stablemint_mock::{MockConfig, MockServer};
use support::*;

fn validate(body: &str, extra: &[&str]) -> Run {
    let mut command = stablemint();
    command.args(["validate", "-"]).args(extra);
    run(command, Some(body))
}

#[test]
fn input_is_read_up_to_one_mebibyte() {
    let mut command = stablemint();
    command.args(["validate", "/dev/zero"]);
    let zero = run(command, None);
    assert_eq!(zero.code, Some(2), "{}", zero.stderr);
    assert_eq!(
        zero.stderr,
        "error: /dev/zero is larger than 1048576 bytes (1 MiB); a request body is a few \
         kilobytes, so check the path\n"
    );

    let padded = format!("{VALID}{}", " ".repeat(1024 * 1024));
    let stdin = validate(&padded, &[]);
    assert_eq!(stdin.code, Some(2), "{}", stdin.stderr);
    assert!(
        stdin.stderr.starts_with("error: standard input is larger"),
        "{}",
        stdin.stderr
    );

    // Exactly at the limit is fine.
    let at_limit = format!("{VALID}{}", " ".repeat(1024 * 1024 - VALID.len()));
    assert_eq!(validate(&at_limit, &[]).code, Some(0));
}

#[test]
fn a_json_array_is_not_a_request() {
    let run = validate(
        r#"[null,"EUR",{},null,"DE","jane@example.com","u1",null,null]"#,
        &[],
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: the request is invalid:\n  : the request must be a JSON object with the \
         fields of EmbeddedSessionRequest (type)\n"
    );
}

#[test]
fn a_misspelled_field_is_refused_with_the_right_spelling() {
    let body = VALID.replace("\"amount\"", "\"idempotencykey\": \"order-42\", \"amount\"");
    let run = validate(&body, &[]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "/idempotencykey: is not a field of EmbeddedSessionRequest; did you mean \
             `idempotencyKey`? (nothing was sent) (unknown)"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("order-42"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_misspelled_key_sent_twice_creates_no_session() {
    let server = MockServer::start(MockConfig::new(KEY, SECRET))
        .await
        .unwrap();
    let body = VALID.replace("\"amount\"", "\"idempotencykey\": \"order-42\", \"amount\"");
    for _ in 0..2 {
        let run = create_at(&server.base_url(), SECRET, &body, &[]).await;
        assert_eq!(run.code, Some(1), "{}", run.stderr);
    }
    assert_eq!(server.requests_received(), 0);
    assert_eq!(server.sessions_created(), 0);
}

#[test]
fn every_problem_is_reported_at_once() {
    let run = validate("{}", &[]);
    assert_eq!(run.code, Some(1));
    let pointers: Vec<&str> = run
        .stderr
        .lines()
        .skip(1)
        .map(|l| l.trim_start().split(':').next().unwrap())
        .collect();
    assert_eq!(
        pointers,
        ["/currency", "/userCountryCode", "/userEmail", "/userId"]
    );

    let run = validate(
        r#"{"userId": "u", "userEmail": "jane@@example.com", "currency": "EURO"}"#,
        &[],
    );
    let codes: Vec<&str> = run
        .stderr
        .lines()
        .skip(1)
        .map(|l| l.rsplit('(').next().unwrap().trim_end_matches(')'))
        .collect();
    assert_eq!(codes, ["currency", "required", "email"], "{}", run.stderr);
    assert!(!run.stderr.contains("jane@@"));
}

#[test]
fn validate_speaks_json_on_request() {
    let ok = validate(VALID, &["--format", "json"]);
    assert_eq!(ok.code, Some(0));
    let document: serde_json::Value = serde_json::from_str(&ok.stdout).unwrap();
    assert_eq!(document, serde_json::json!({"valid": true, "errors": []}));

    let bad = validate(r#"{"userId": 5}"#, &["--format", "json"]);
    assert_eq!(bad.code, Some(1));
    assert_eq!(bad.stderr, "");
    let document: serde_json::Value = serde_json::from_str(&bad.stdout).unwrap();
    assert_eq!(document["valid"], false);
    let errors = document["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 4, "{document}");
    assert_eq!(errors[3]["pointer"], "/userId");
    assert_eq!(errors[3]["code"], "type");
    assert_eq!(
        errors[3]["message"],
        "must be a string, not a whole number; fix the value's type"
    );
}

#[test]
fn sign_takes_only_the_canonical_timestamp() {
    for bad in [
        "01700000000",
        "+1700000000",
        "-5",
        "17e8",
        " 1700000000",
        "",
        "18446744073709551616",
    ] {
        let mut command = stablemint();
        command
            .args(["sign", "--timestamp", bad, "--user-id", "u"])
            .env("STABLEMINT_API_SECRET", "made-up");
        let run = run(command, None);
        assert_eq!(run.code, Some(2), "{bad:?}: {}", run.stdout);
        assert!(run.stdout.is_empty(), "{bad:?} signed: {}", run.stdout);
    }
    for good in ["0", "1700000000", "18446744073709551615"] {
        let mut command = stablemint();
        command
            .args(["sign", "--timestamp", good, "--user-id", "u"])
            .env("STABLEMINT_API_SECRET", "made-up");
        assert_eq!(run(command, None).code, Some(0), "{good}");
    }
}

#[test]
fn key_names_cannot_drive_the_terminal_or_forge_lines() {
    let body = VALID.replace(
        "\"amount\"",
        "\"\\u001b]0;PWNED\\u0007\\u001b[2J\": 1, \"a\\nerror: forged line\": 2, \
         \"b\\u009b\\u202e\\u2028\": 3, \"amount\"",
    );
    for format in [&[][..], &["--format", "json"][..]] {
        let run = validate(&body, format);
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        let output = format!("{}{}", run.stdout, run.stderr);
        for raw in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\u{2028}'] {
            assert!(!output.contains(raw), "{format:?}: {raw:?} in {output:?}");
        }
        assert!(
            !output.lines().any(|line| line.starts_with("error: forged")),
            "{format:?}: {output}"
        );
        assert!(
            output.contains("PWNED"),
            "{format:?}: the key is shown, escaped"
        );
    }
}

#[test]
fn a_password_in_the_base_url_is_never_shown() {
    for url in [
        "https://user:hunter2@h/#f",
        "http://user:hunter2@example.com",
    ] {
        let mut command = stablemint();
        command
            .args(["session", "create", "-", "--base-url", url])
            .env("STABLEMINT_API_KEY", "cli-key-0001")
            .env("STABLEMINT_API_SECRET", "cli-made-up-secret");
        let run = run(command, Some(VALID));
        assert_eq!(run.code, Some(2), "{url}: {}", run.stderr);
        assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
        assert!(run.stderr.contains("base URL"), "{}", run.stderr);
    }
}
