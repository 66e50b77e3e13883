//! The server process is killed while StableMint is creating a session, restarted on
//! the same database, and the order is retried: it gets the session StableMint created
//! for the first process, not a second one.
//!
//! The real binary runs as a child process, pointed at a sandbox this test owns (through
//! the STABLEMINT_* variables), so the kill is a real `SIGKILL` between StableMint's
//! answer and the write that would have stored it.

// The tests run the in-process sandbox: they need the `sandbox` feature (on by default).
#![cfg(feature = "sandbox")]

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{EMAIL, KEY, SECRET, Shopper, form};
use merchant_example::payments::{Sandbox, SandboxOptions, idempotency_key};
use merchant_example::store::{self, PoolSettings, Store};
use stablemint_mock::Answer;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

/// The server binary, started on `db` against `stablemint`; returns it and its URL.
async fn spawn_server(db: &Path, stablemint: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_merchant-example"))
        .arg("--db")
        .arg(db)
        .args(["--addr", "127.0.0.1:0"])
        .env("STABLEMINT_API_KEY", KEY)
        .env("STABLEMINT_API_SECRET", SECRET)
        .env("STABLEMINT_BASE_URL", stablemint)
        .env_remove("STABLEMINT_WIDGET_SCRIPT_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("cannot start the merchant-example binary");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut printed = Vec::new();
    let url = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(url) = line.strip_prefix("Listening on ") {
                return url.to_owned();
            }
            printed.push(line);
        }
        panic!("the server exited before listening; it printed {printed:?}");
    })
    .await
    .expect("the server did not start within 60 s");
    (child, url)
}

/// Kills `child` with SIGKILL and returns what it wrote to stderr (its log), up to
/// 1 MiB.
async fn kill(mut child: Child) -> String {
    child.start_kill().unwrap();
    child.wait().await.unwrap();
    let mut log = Vec::new();
    if let Some(stderr) = child.stderr.take() {
        stderr
            .take(1024 * 1024)
            .read_to_end(&mut log)
            .await
            .unwrap();
    }
    String::from_utf8_lossy(&log).into_owned()
}

/// Waits until `condition` holds, for at most 30 s.
async fn until(what: &str, condition: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_call_and_restarted_gets_the_same_session() {
    let clock = std::sync::Arc::new(std::time::SystemTime::now);
    let sandbox = Sandbox::start(SandboxOptions::with_credentials(KEY, SECRET), clock)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("orders.db");

    // StableMint creates the session at once and holds its answer back: the process is
    // killed while it waits.
    let (first, url) = spawn_server(&db, &sandbox.base_url()).await;
    let mut shopper = Shopper::new(&url);
    let order = shopper.new_order().await;
    let slow = Answer::process().delayed(Duration::from_secs(120));
    sandbox.script("createEmbeddedSession", [slow]).unwrap();
    let in_flight = tokio::spawn({
        let shopper = shopper.clone();
        let body = form(&order);
        async move { shopper.checkout(&body).await }
    });
    until("the sandbox has created the session", || {
        sandbox.sessions_created() == 1
    })
    .await;

    // The key was stored before the call; the session was not, since no answer came.
    let store = Store::open(&store::sqlite(&db), PoolSettings::default())
        .await
        .unwrap();
    let stored = store
        .order(&order)
        .await
        .unwrap()
        .expect("the order is stored");
    assert_eq!(
        stored.idempotency_key.as_deref(),
        Some(idempotency_key(&order, 1).as_str())
    );
    assert_eq!(stored.session, None);

    let first_log = kill(first).await;
    // The shopper's request got no answer: its task failed on the broken connection.
    assert!(in_flight.await.is_err(), "the killed server answered");
    assert_eq!(store.order(&order).await.unwrap().unwrap().session, None);

    // Restarted on the same database, the retried order gets the session StableMint
    // created for the dead process: the same key is sent, and StableMint replays it.
    let (second, url) = spawn_server(&db, &sandbox.base_url()).await;
    shopper.base = url.clone();
    let retried = shopper.checkout(&form(&order)).await;
    assert_eq!(retried.status, 200, "{}", retried.text);
    assert_eq!(sandbox.sessions_created(), 1);
    assert_eq!(sandbox.requests_received(), 2);
    let session_id = retried.str("sessionId").to_owned();
    let stored = store.order(&order).await.unwrap().unwrap();
    assert_eq!(stored.session.map(|s| s.id), Some(session_id.clone()));
    assert_eq!(
        stored.idempotency_key.as_deref(),
        Some(idempotency_key(&order, 1).as_str())
    );

    // And from now on the stored session is the answer, without a call.
    let again = shopper.checkout(&form(&order)).await;
    assert_eq!(again.str("sessionId"), session_id);
    assert_eq!(sandbox.requests_received(), 2);

    let second_log = kill(second).await;
    for log in [&first_log, &second_log] {
        assert!(
            log.contains(&order),
            "the log says nothing of the order: {log}"
        );
        assert!(!log.contains(EMAIL), "an e-mail address in the log: {log}");
        assert!(!log.contains(SECRET), "the secret in the log: {log}");
    }
    store.close().await;
    sandbox.shutdown().await;
}
