//! The binary as an operator runs it: SIGTERM drains a checkout in flight, any
//! `STABLEMINT_*` variable means production and half a set refuses to start, and the
//! one-command start says it is a sandbox.

// The tests run the in-process sandbox: they need the `sandbox` feature (on by default).
#![cfg(feature = "sandbox")]

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{KEY, SECRET, Shopper, form};
use merchant_example::payments::{Sandbox, SandboxOptions};
use stablemint_mock::Answer;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::Command;

fn server(db: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_merchant-example"));
    command
        .arg("--db")
        .arg(db)
        .args(["--addr", "127.0.0.1:0"])
        .env_remove("STABLEMINT_API_KEY")
        .env_remove("STABLEMINT_API_SECRET")
        .env_remove("STABLEMINT_BASE_URL")
        .env_remove("STABLEMINT_WIDGET_SCRIPT_URL")
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_the_checkout_in_flight_finish() {
    drains_on("TERM", "SIGTERM").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_lets_the_checkout_in_flight_finish() {
    drains_on("INT", "Ctrl-C").await;
}

/// Sends `signal` to the server while a checkout is in flight: the checkout gets its
/// session, and the server says `named` and stops with status 0.
async fn drains_on(signal: &str, named: &str) {
    let clock = std::sync::Arc::new(std::time::SystemTime::now);
    let sandbox = Sandbox::start(SandboxOptions::with_credentials(KEY, SECRET), clock)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut child = server(&dir.path().join("orders.db"))
        .env("STABLEMINT_API_KEY", KEY)
        .env("STABLEMINT_API_SECRET", SECRET)
        .env("STABLEMINT_BASE_URL", sandbox.base_url())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut url = None;
    while let Some(line) = lines.next_line().await.unwrap() {
        assert!(!line.contains("Sandbox"), "production said sandbox: {line}");
        if let Some(found) = line.strip_prefix("Listening on ") {
            url = Some(found.to_owned());
            break;
        }
    }
    let url = url.expect("the server exited before listening");
    let mut shopper = Shopper::new(&url);
    let order = shopper.new_order().await;

    let slow = Answer::process().delayed(Duration::from_secs(2));
    sandbox.script("createEmbeddedSession", [slow]).unwrap();
    let in_flight = tokio::spawn({
        let shopper = shopper.clone();
        let body = form(&order);
        async move { shopper.checkout(&body).await }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    while sandbox.sessions_created() == 0 {
        assert!(
            Instant::now() < deadline,
            "the checkout never reached StableMint"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let pid = child.id().unwrap().to_string();
    let killed = Command::new("kill")
        .args([format!("-{signal}"), pid])
        .status()
        .await
        .unwrap();
    assert!(killed.success());

    let answer = in_flight.await.unwrap();
    assert_eq!(answer.status, 200, "{}", answer.text);
    let status = tokio::time::timeout(Duration::from_secs(60), child.wait())
        .await
        .expect("the server did not stop after SIGTERM")
        .unwrap();
    assert!(status.success(), "{signal}: {status:?}");
    let mut rest = Vec::new();
    while let Some(line) = lines.next_line().await.unwrap() {
        rest.push(line);
    }
    assert_eq!(
        rest,
        [
            format!("{named}: finishing the requests in flight, then stopping"),
            "Stopped".to_owned()
        ]
    );
    sandbox.shutdown().await;
}

/// Runs the binary with `vars` and returns its exit code and what it wrote to stderr.
async fn refused(vars: &[(&str, &str)]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut command = server(&dir.path().join("orders.db"));
    for (name, value) in vars {
        command.env(name, value);
    }
    let mut child = command.spawn().unwrap();
    let status = tokio::time::timeout(Duration::from_secs(60), child.wait())
        .await
        .expect("the server started instead of refusing")
        .unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .take(64 * 1024)
        .read_to_string(&mut stderr)
        .await
        .unwrap();
    assert!(
        !dir.path().join("orders.db").exists(),
        "a refused start created the database"
    );
    (status.code(), stderr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_a_production_set_refuses_to_start_and_never_falls_back_to_the_sandbox() {
    for (vars, says) in [
        (
            &[("STABLEMINT_API_KEY", "pk_live_x")][..],
            "STABLEMINT_API_SECRET is not set (or empty), but STABLEMINT_API_KEY is",
        ),
        (
            &[("STABLEMINT_BASE_URL", "https://example.com")][..],
            "STABLEMINT_API_KEY and STABLEMINT_API_SECRET are not set (or empty)",
        ),
        (
            &[("STABLEMINT_API_KEY", ""), ("STABLEMINT_API_SECRET", "")][..],
            "means production",
        ),
    ] {
        let (code, stderr) = refused(vars).await;
        assert_eq!(code, Some(2), "{vars:?}: {stderr}");
        assert!(stderr.contains(says), "{vars:?}: {stderr}");
        assert!(!stderr.contains("pk_live_x"), "{stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_variable_at_all_is_the_sandbox_and_it_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = server(&dir.path().join("orders.db")).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next_line().await.unwrap().unwrap();
    assert!(
        first.starts_with("Sandbox: no money moves."),
        "the first line is {first:?}"
    );
    let mut url = None;
    while let Some(line) = lines.next_line().await.unwrap() {
        if let Some(found) = line.strip_prefix("Listening on ") {
            url = Some(found.to_owned());
            break;
        }
    }
    let page = common::get(&url.unwrap(), "/").await;
    assert!(
        page.text.contains("Sandbox: no money moves"),
        "{}",
        page.text
    );
    child.start_kill().unwrap();
    child.wait().await.unwrap();
}
