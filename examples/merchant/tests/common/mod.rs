//! What the example's tests share: starting the app on a free port with a fresh
//! database, and talking to it as its page does.

#![allow(dead_code)] // Each test file uses its own part of this.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use merchant_example::payments::SandboxOptions;
use merchant_example::{Config, Running, StableMint};
use serde_json::{Value, json};

/// The made-up secret of the tests' sandboxes; no answer may contain it.
pub const SECRET: &str = "test-secret-9f3b71c2-never-shown";
/// The made-up API key of the tests' sandboxes.
pub const KEY: &str = "test_key";
/// The buyer's e-mail in the tests; no log may contain it.
pub const EMAIL: &str = "jane.doe@example.com";

/// A clock the test can move forward.
#[derive(Clone, Default)]
pub struct TestClock(Arc<AtomicI64>);

impl TestClock {
    /// Moves the clock `seconds` forward.
    pub fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }

    fn now(&self) -> SystemTime {
        let offset = self.0.load(Ordering::SeqCst);
        SystemTime::now() + Duration::from_secs(offset.unsigned_abs())
    }
}

/// The app, its database's directory and its clock.
pub struct App {
    pub running: Running,
    pub clock: TestClock,
    pub dir: tempfile::TempDir,
}

impl App {
    /// The app on a free port with a fresh database and its own sandbox.
    pub async fn start() -> App {
        App::start_with(|_| {}).await
    }

    /// As [`start`](Self::start), with `edit` applied to the config first.
    pub async fn start_with(edit: impl FnOnce(&mut Config)) -> App {
        let dir = tempfile::tempdir().unwrap();
        let clock = TestClock::default();
        let mut config = Config::new(
            dir.path().join("orders.db"),
            StableMint::Sandbox(SandboxOptions::with_credentials(KEY, SECRET)),
        );
        config.addr = "127.0.0.1:0".parse().unwrap();
        config.call_timeout = Duration::from_secs(10);
        let moved = clock.clone();
        config.clock = Arc::new(move || moved.now());
        edit(&mut config);
        let running = merchant_example::start(config).await.unwrap();
        App {
            running,
            clock,
            dir,
        }
    }

    pub fn sandbox(&self) -> &merchant_example::payments::Sandbox {
        self.running.sandbox().expect("the app runs a sandbox")
    }

    /// `POST /api/checkout` with `body`.
    pub async fn checkout(&self, body: &Value) -> Answer {
        post(&self.running.url(), body).await
    }
}

/// An answer: status, headers and the body as JSON (`Null` when it is not JSON).
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Answer {
    /// The body's field `name` as a string.
    pub fn str(&self, name: &str) -> &str {
        self.json[name]
            .as_str()
            .unwrap_or_else(|| panic!("no string {name} in {}", self.text))
    }
}

pub fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .no_proxy()
        .build()
        .unwrap()
}

/// `POST {base}/api/checkout` with `body`, as the page sends it.
pub async fn post(base: &str, body: &Value) -> Answer {
    let response = client()
        .post(format!("{base}/api/checkout"))
        .json(body)
        .send()
        .await
        .unwrap();
    answer(response).await
}

/// `GET {base}{path}`.
pub async fn get(base: &str, path: &str) -> Answer {
    answer(client().get(format!("{base}{path}")).send().await.unwrap()).await
}

pub async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        text,
        json,
    }
}

/// A new order id, as the page makes them.
pub fn order_id() -> String {
    format!("ord_{}", uuid::Uuid::new_v4().simple())
}

/// A valid checkout form for `order_id`.
pub fn form(order_id: &str) -> Value {
    json!({
        "orderId": order_id,
        "userEmail": EMAIL,
        "userCountryCode": "DE",
        "amount": "25.00",
        "currency": "EUR",
    })
}
