//! A scripted HTTP server on 127.0.0.1 that records what it receives, and test doubles
//! for the clock and the sleeper.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use stablemint::types::EmbeddedSessionRequest;
use stablemint::{Client, Clock, Credentials, RetryPolicy, SleepFuture, Sleeper};

pub const API_KEY: &str = "test-key-made-up-7f3a";
pub const API_SECRET: &str = "made-up-secret-d41d8cd9";

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub headers: HeaderMap,
    pub body: serde_json::Value,
}

impl Seen {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} header"))
            .to_str()
            .unwrap()
    }
}

/// A canned answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl Reply {
    pub fn ok() -> Self {
        Self::json(200, session_json())
    }

    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self {
            status,
            headers: vec![],
            body: body.to_string(),
        }
    }

    pub fn with_header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }
}

pub fn session_json() -> serde_json::Value {
    json!({
        "sessionId": "5f0c6a52-8f3e-4c1b-9d2a-7b6e1f4a3c21",
        "expiresAt": 1_764_150_000_i64,
        "allowedPaymentMethods": [{"paymentMethod": 1}],
        "reference": "SM-2026-000123"
    })
}

/// A server that answers with `replies` in order (the last one repeats).
pub struct Server {
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    pub async fn start(replies: Vec<Reply>) -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let queue = Arc::new(Mutex::new(VecDeque::from(replies)));
        let record = seen.clone();
        let app = Router::new().fallback(move |headers: HeaderMap, bytes: Bytes| {
            let record = record.clone();
            let queue = queue.clone();
            async move {
                record.lock().unwrap().push(Seen {
                    headers,
                    body: serde_json::from_slice(&bytes).unwrap_or_default(),
                });
                let reply = {
                    let mut queue = queue.lock().unwrap();
                    if queue.len() > 1 {
                        queue.pop_front().unwrap()
                    } else {
                        queue.front().cloned().unwrap()
                    }
                };
                let mut response: Response = (
                    StatusCode::from_u16(reply.status).unwrap(),
                    [("content-type", "application/json")],
                    reply.body,
                )
                    .into_response();
                for (name, value) in reply.headers {
                    response.headers_mut().insert(name, value.parse().unwrap());
                }
                response
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, seen }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// A clock that starts at `start` and moves `step` seconds on every reading.
#[derive(Debug)]
pub struct SteppingClock {
    next: AtomicU64,
    step: u64,
}

impl SteppingClock {
    pub fn new(start: u64, step: u64) -> Self {
        Self {
            next: AtomicU64::new(start),
            step,
        }
    }
}

impl Clock for SteppingClock {
    fn now(&self) -> SystemTime {
        let seconds = self.next.fetch_add(self.step, Ordering::SeqCst);
        SystemTime::UNIX_EPOCH + Duration::from_secs(seconds)
    }
}

/// Records each requested delay and returns at once.
#[derive(Debug, Clone, Default)]
pub struct RecordingSleeper(pub Arc<Mutex<Vec<Duration>>>);

impl RecordingSleeper {
    pub fn delays(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, delay: Duration) -> SleepFuture {
        self.0.lock().unwrap().push(delay);
        Box::pin(std::future::ready(()))
    }
}

pub fn client(url: &str, retry: RetryPolicy) -> (Client, RecordingSleeper) {
    let sleeper = RecordingSleeper::default();
    let client = Client::builder(Credentials::new(API_KEY, API_SECRET))
        .base_url(url)
        .retry(retry)
        .clock(SteppingClock::new(1_700_000_000, 7))
        .sleeper(sleeper.clone())
        .build()
        .unwrap();
    (client, sleeper)
}

pub fn request() -> EmbeddedSessionRequest {
    serde_json::from_value(json!({
        "userId": "user-8c1f",
        "userEmail": "jane.doe@example.com",
        "userCountryCode": "DE",
        "currency": "EUR",
        "amount": 25.5,
        "userKyc": {"dateOfBirth": "1990-02-28", "fullName": "Jane Doe"}
    }))
    .unwrap()
}
