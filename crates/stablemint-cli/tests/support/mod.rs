//! Running the real `stablemint` binary, as a user would.

#![allow(dead_code)]

use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;
use stablemint_mock::MockServer;

pub const KEY: &str = "cli-test-key-0001";
pub const SECRET: &str = "cli-made-up-secret";

pub const VALID: &str = r#"{"userId": "user-1", "userEmail": "jane@example.com",
    "userCountryCode": "DE", "currency": "EUR", "amount": 12.5}"#;

pub fn stablemint() -> Command {
    let mut command = Command::cargo_bin("stablemint").unwrap();
    for name in [
        "STABLEMINT_API_KEY",
        "STABLEMINT_API_SECRET",
        "STABLEMINT_BASE_URL",
    ] {
        command.env_remove(name);
    }
    command
}

pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(mut command: Command, stdin: Option<&str>) -> Run {
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    {
        use std::io::Write;
        let mut pipe = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            // A child that stops reading early (an input limit) closes the pipe.
            let _ = pipe.write_all(text.as_bytes());
        }
    }
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

pub fn file_with(text: &str) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), text).unwrap();
    file
}

pub async fn create_against(server: &MockServer, secret: &str) -> Run {
    create_at(&server.base_url(), secret, VALID, &[]).await
}

/// `stablemint session create` of `body` against `url`, with `extra` arguments.
pub async fn create_at(url: &str, secret: &str, body: &str, extra: &[&str]) -> Run {
    let file = file_with(body);
    let mut command = stablemint();
    command
        .args(["session", "create"])
        .arg(file.path())
        .args(["--base-url", url])
        .args(extra)
        .env("STABLEMINT_API_KEY", KEY)
        .env("STABLEMINT_API_SECRET", secret);
    tokio::task::spawn_blocking(move || {
        let _keep = file;
        run(command, None)
    })
    .await
    .unwrap()
}
