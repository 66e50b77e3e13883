//! The real `stablemint` binary, run as a user would.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use stablemint_mock::{MockConfig, MockServer};
use support::*;

#[test]
fn sign_prints_the_signature_from_the_env_secret() {
    let mut command = stablemint();
    command
        .args(["sign", "--timestamp", "1700000000", "--user-id", "user-1"])
        .env("STABLEMINT_API_SECRET", "secret");
    let run = run(command, None);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // printf '%s' '1700000000,secret,user-1' | sha256sum
    assert_eq!(
        run.stdout,
        "a93e5b22473241dd283fd094db9a119a179cd00360faa5a81a7465d54813b7c0\n"
    );
}

#[test]
fn sign_without_the_secret_is_a_usage_error() {
    let mut command = stablemint();
    command.args(["sign", "--timestamp", "1", "--user-id", "u"]);
    let run = run(command, None);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("STABLEMINT_API_SECRET"),
        "{}",
        run.stderr
    );
}

#[test]
fn validate_accepts_a_valid_file() {
    let file = file_with(VALID);
    let mut command = stablemint();
    command.arg("validate").arg(file.path());
    let run = run(command, None);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout, "valid\n");
}

#[test]
fn validate_lists_every_error_from_stdin_without_values() {
    let body = r#"{"userId": "user-1", "userEmail": "jane.doe@@example.com",
        "userCountryCode": "de", "currency": "EUR", "amount": 10.123,
        "userKyc": {"dateOfBirth": "1990-02-30"}}"#;
    let mut command = stablemint();
    command.args(["validate", "-"]);
    let run = run(command, Some(body));
    assert_eq!(run.code, Some(1));
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 5, "{}", run.stderr);
    assert_eq!(lines[0], "error: the request is invalid:");
    let lines = &lines[1..];
    let pointers: Vec<&str> = lines
        .iter()
        .map(|l| l.trim_start().split(':').next().unwrap())
        .collect();
    assert_eq!(
        pointers,
        [
            "/amount",
            "/userCountryCode",
            "/userEmail",
            "/userKyc/dateOfBirth"
        ]
    );
    for line in lines {
        assert!(line.ends_with(')'), "pointer: message (code): {line}");
    }
    for value in ["jane.doe", "1990-02-30", "10.123"] {
        assert!(
            !run.stderr.contains(value),
            "{value} leaked: {}",
            run.stderr
        );
    }
}

/// `validate` once said `valid` for an empty idempotency key, which `session create`
/// and the client refuse; it runs their check now, so it refuses what a call refuses.
#[test]
fn validate_refuses_an_empty_idempotency_key_as_a_call_does() {
    let body = r#"{"userId":"u","userEmail":"a@example.com","userCountryCode":"DE","currency":"EUR","idempotencyKey":""}"#;
    let mut command = stablemint();
    command.args(["validate", "-", "--format", "json"]);
    let run = run(command, Some(body));
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let document: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(document["valid"], false);
    assert_eq!(document["errors"][0]["pointer"], "/idempotencyKey");
    assert_eq!(document["errors"][0]["code"], "idempotency_key");
    assert_eq!(document["errors"].as_array().map(Vec::len), Some(1));
}

#[test]
fn validate_reports_a_missing_file_as_a_usage_error() {
    let mut command = stablemint();
    command.args(["validate", "/nonexistent/request.json"]);
    let run = run(command, None);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("/nonexistent/request.json"),
        "{}",
        run.stderr
    );
}

#[test]
fn every_subcommand_has_help_with_exit_codes() {
    for args in [
        &["--help"][..],
        &["sign", "--help"],
        &["validate", "--help"],
        &["session", "create", "--help"],
        &["mock", "--help"],
    ] {
        let mut command = stablemint();
        command.args(args);
        let run = run(command, None);
        assert_eq!(run.code, Some(0), "{args:?}");
        assert!(
            run.stdout.contains("Exit codes:"),
            "{args:?}:\n{}",
            run.stdout
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_create_against_the_mock_prints_the_session() {
    let server = MockServer::start(MockConfig::new(KEY, SECRET))
        .await
        .unwrap();
    let run = create_at(&server.base_url(), SECRET, VALID, &["--format", "json"]).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let document: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let session = &document["session"];
    assert!(session["sessionId"].is_string(), "{document}");
    assert!(session["expiresAt"].is_i64(), "{document}");
    let expires = document["expiresAt"].as_str().unwrap();
    assert!(expires.len() == 20 && expires.ends_with('Z'), "{document}");
    assert_eq!(document["attempts"], 1);
    assert!(document["idempotencyKey"].is_string(), "{document}");
    assert_eq!(server.sessions_created(), 1);
    assert_eq!(
        run.stderr,
        format!(
            "→ {}/session/embedded (STABLEMINT_BASE_URL or --base-url; 30 s per attempt)\n",
            server.base_url()
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_create_with_a_wrong_secret_keeps_status_and_message() {
    let server = MockServer::start(MockConfig::new(KEY, SECRET))
        .await
        .unwrap();
    let run = create_against(&server, "wrong-secret").await;
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    assert!(run.stderr.contains("HTTP 401"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("HTTP 401: the `signature` header does not match"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("wrong-secret"), "{}", run.stderr);
    assert_eq!(server.sessions_created(), 0);
}

#[test]
fn session_create_refuses_plain_http_to_a_remote_host() {
    let file = file_with(VALID);
    let mut command = stablemint();
    command
        .args(["session", "create"])
        .arg(file.path())
        .env("STABLEMINT_BASE_URL", "http://payments.example.com")
        .env("STABLEMINT_API_KEY", KEY)
        .env("STABLEMINT_API_SECRET", SECRET);
    let run = run(command, None);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("use https"), "{}", run.stderr);
}

#[test]
fn mock_prints_its_url_and_serves_until_killed() {
    let mut child = stablemint()
        .args([
            "mock",
            "--port",
            "0",
            "--api-key",
            KEY,
            "--api-secret",
            SECRET,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("StableMint mock listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    // The CLI's own `session create` against it.
    let file = file_with(VALID);
    let mut command = stablemint();
    command
        .args(["session", "create"])
        .arg(file.path())
        .env("STABLEMINT_BASE_URL", &url)
        .env("STABLEMINT_API_KEY", KEY)
        .env("STABLEMINT_API_SECRET", SECRET);
    let created = run(command, None);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(created.code, Some(0), "{}", created.stderr);
    let lines: Vec<&str> = created.stdout.lines().collect();
    assert_eq!(lines[0], "session created", "{}", created.stdout);
    assert!(lines[1].starts_with("  sessionId:"), "{}", created.stdout);
    let expires = lines
        .iter()
        .find_map(|l| l.strip_prefix("  expires at:"))
        .unwrap()
        .trim();
    assert!(expires.len() == 20 && expires.ends_with('Z'), "{expires}");
}

/// A `stablemint mock` child on a free port, and the lines of its banner.
fn spawn_mock(extra: &[&str]) -> (std::process::Child, Vec<String>) {
    let mut child = stablemint()
        .args(["mock", "--port", "0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut banner = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let last = line.contains("Ctrl-C");
        banner.push(line);
        if last {
            break;
        }
    }
    // Keep reading, so that the pipe stays open until the child ends.
    std::thread::spawn(move || lines.for_each(drop));
    (child, banner)
}

/// Kills `child` and returns what it wrote on stderr.
fn stop(mut child: std::process::Child) -> String {
    use std::io::Read;
    child.kill().unwrap();
    child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    stderr
}

/// Runs the banner's export lines in `sh` and prints the three variables.
fn exported(banner: &[String]) -> Vec<String> {
    let exports: Vec<&str> = banner
        .iter()
        .filter_map(|l| l.trim().strip_prefix("export "))
        .collect();
    assert_eq!(exports.len(), 3, "{banner:?}");
    let script = format!(
        "export {}\nprintf '%s\\n' \"$STABLEMINT_BASE_URL\" \"$STABLEMINT_API_KEY\" \"$STABLEMINT_API_SECRET\"",
        exports.join("\nexport ")
    );
    let output = Command::new("sh").arg("-c").arg(script).output().unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn mock_banner_exports_work_when_pasted_into_a_shell() {
    let secret = "made up 'secret' $HOME";
    let (child, banner) = spawn_mock(&["--api-key", KEY, "--api-secret", secret]);
    let stderr = stop(child);
    let values = exported(&banner);
    assert!(values[0].starts_with("http://127.0.0.1:"), "{values:?}");
    assert_eq!(values[1], KEY);
    assert_eq!(values[2], secret);
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn mock_logs_one_line_per_request_without_secrets() {
    let (child, banner) = spawn_mock(&["--api-key", KEY, "--api-secret", SECRET]);
    let values = exported(&banner);

    let file = file_with(VALID);
    let create = |secret: &str| {
        let mut command = stablemint();
        command
            .args(["session", "create"])
            .arg(file.path())
            .env("STABLEMINT_BASE_URL", &values[0])
            .env("STABLEMINT_API_KEY", &values[1])
            .env("STABLEMINT_API_SECRET", secret);
        run(command, None)
    };
    assert_eq!(create(&values[2]).code, Some(0));
    assert_eq!(create("wrong-secret").code, Some(3));
    let stderr = stop(child);

    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    // method, path, status, [code,] latency, request id
    let ok: Vec<&str> = lines[0].split(' ').collect();
    assert_eq!(ok[..3], ["POST", "/session/embedded", "200"], "{stderr}");
    assert!(ok[3].parse::<f64>().is_ok() && ok[4] == "ms", "{stderr}");
    assert!(ok[5].starts_with("req_") && ok[5].len() == 20, "{stderr}");
    assert!(
        lines[1].starts_with("POST /session/embedded 401 bad_signature "),
        "{stderr}"
    );
    for secret in [KEY, SECRET, "wrong-secret", "user-1", "jane@example.com"] {
        assert!(!stderr.contains(secret), "{secret} in {stderr}");
    }
}

#[test]
fn mock_quiet_logs_nothing_and_takes_the_idempotency_limits() {
    let (child, banner) = spawn_mock(&[
        "-q",
        "--api-key",
        KEY,
        "--api-secret",
        SECRET,
        "--idempotency-ttl",
        "60",
        "--max-idempotency-keys",
        "1",
    ]);
    let values = exported(&banner);
    let keyed = |key: &str| {
        let mut body: serde_json::Value = serde_json::from_str(VALID).unwrap();
        body["idempotencyKey"] = key.into();
        let file = file_with(&body.to_string());
        let mut command = stablemint();
        command
            .args(["session", "create", "--format", "json"])
            .arg(file.path())
            .env("STABLEMINT_BASE_URL", &values[0])
            .env("STABLEMINT_API_KEY", KEY)
            .env("STABLEMINT_API_SECRET", SECRET);
        let run = run(command, None);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let response: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        response["session"]["sessionId"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let first = keyed("order-a");
    assert_eq!(keyed("order-a"), first);
    // One key at most: order-b pushes order-a out, so order-a is new again.
    keyed("order-b");
    assert_ne!(keyed("order-a"), first);
    let stderr = stop(child);
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn mock_refuses_a_bad_limit_as_a_usage_error() {
    let mut command = stablemint();
    command.args(["mock", "--port", "0", "--max-idempotency-keys", "-5"]);
    let run = run(command, None);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
}
