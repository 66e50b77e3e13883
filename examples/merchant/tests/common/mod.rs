//! What the example's tests share: starting the app on a free port with a fresh
//! database, and talking to it as its page does, with its cookie and its origin.

#![allow(dead_code)] // Each test file uses its own part of this.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use merchant_example::payments::SandboxOptions;
use merchant_example::{BROWSER_COOKIE, Config, Running, StableMint, store};
use serde_json::{Value, json};

/// The made-up secret of the tests' sandboxes; no answer or log may contain it.
pub const SECRET: &str = "test-secret-9f3b71c2-never-shown";
/// The made-up API key of the tests' sandboxes.
pub const KEY: &str = "test_key_0042";
/// The buyer's e-mail in the tests; no log may contain it.
pub const EMAIL: &str = "jane.doe@example.com";

/// The cart most tests order: 2 × 12.50 + 1 × 6.50 = 31.50 EUR.
pub const CART: [(&str, u32); 2] = [("espresso-beans", 2), ("paper-filters", 1)];
/// [`CART`]'s total in cents.
pub const CART_TOTAL_MINOR: i64 = 3150;

/// A clock the test can move forward.
#[derive(Clone, Default)]
pub struct TestClock(Arc<AtomicI64>);

impl TestClock {
    /// Moves the clock `seconds` forward.
    pub fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }

    pub fn now(&self) -> SystemTime {
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
    /// The app on a free port with a fresh SQLite database and its own sandbox.
    pub async fn start() -> App {
        App::start_with(|_| {}).await
    }

    /// As [`start`](Self::start), with `edit` applied to the config first.
    pub async fn start_with(edit: impl FnOnce(&mut Config)) -> App {
        let dir = tempfile::tempdir().unwrap();
        let clock = TestClock::default();
        let mut config = Config::new(
            store::sqlite(dir.path().join("orders.db")),
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

    /// A new shopper (a browser with no cookie yet) on this app.
    pub fn shopper(&self) -> Shopper {
        Shopper::new(&self.running.url())
    }
}

/// A browser: the app's base URL, and the cookie the app gave it.
#[derive(Clone)]
pub struct Shopper {
    pub base: String,
    pub cookie: Option<String>,
}

impl Shopper {
    pub fn new(base: &str) -> Shopper {
        Shopper {
            base: base.to_owned(),
            cookie: None,
        }
    }

    /// `POST /api/orders` for `cart`; keeps the cookie the app sets.
    pub async fn order(&mut self, cart: &[(&str, u32)]) -> Answer {
        let items: Vec<Value> = cart
            .iter()
            .map(|(id, quantity)| json!({"productId": id, "quantity": quantity}))
            .collect();
        let answer = self.post("/api/orders", &json!({ "items": items })).await;
        if let Some(set) = answer.headers.get("set-cookie") {
            let set = set.to_str().unwrap();
            let pair = set.split(';').next().unwrap();
            assert!(pair.starts_with(&format!("{BROWSER_COOKIE}=")), "{set}");
            self.cookie = Some(pair.to_owned());
        }
        answer
    }

    /// Orders [`CART`] and returns the order id.
    pub async fn new_order(&mut self) -> String {
        let answer = self.order(&CART).await;
        assert_eq!(answer.status, 201, "{}", answer.text);
        answer.str("orderId").to_owned()
    }

    /// `POST /api/checkout` with `body`.
    pub async fn checkout(&self, body: &Value) -> Answer {
        self.post("/api/checkout", body).await
    }

    /// `POST {path}` with `body` as JSON, as the page sends it: its own `Origin`, its
    /// cookie.
    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        let mut request = client()
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .json(body);
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        answer(request.send().await.unwrap()).await
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

/// A valid checkout of `order_id`: the order and who pays, nothing else.
pub fn form(order_id: &str) -> Value {
    json!({
        "orderId": order_id,
        "userEmail": EMAIL,
        "userCountryCode": "DE",
    })
}

/// A session as StableMint answers it, for scripted upstreams.
pub fn session_json(expires_at: i64) -> Value {
    json!({
        "sessionId": "0b6f3a52-1f0e-4c7a-9a3e-6f1d2c3b4a59",
        "expiresAt": expires_at,
        "allowedPaymentMethods": [{"paymentMethod": 1}],
        "reference": "SM-0123456789ABCDEF",
    })
}

/// Unix seconds now.
pub fn unix_now() -> i64 {
    merchant_example::payments::unix_seconds(SystemTime::now())
}
