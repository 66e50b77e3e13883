//! The shared test servers, and test doubles for the clock and the sleeper.

#![allow(dead_code, unused_imports)]

pub mod otel;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde_json::json;
use stablemint::types::EmbeddedSessionRequest;
use stablemint::{Client, Clock, Credentials, RetryPolicy, SleepFuture, Sleeper};
pub use stablemint_test_support::{Answer, Capture, Hostile, Reply, Seen, Server};

pub const API_KEY: &str = "test-key-made-up-7f3a";
pub const API_SECRET: &str = "made-up-secret-d41d8cd9";

/// A 200 with a session.
pub fn ok() -> Reply {
    Reply::json(200, session_json())
}

pub fn session_json() -> serde_json::Value {
    json!({
        "sessionId": "5f0c6a52-8f3e-4c1b-9d2a-7b6e1f4a3c21",
        "expiresAt": 1_764_150_000_i64,
        "allowedPaymentMethods": [{"paymentMethod": 1}],
        "reference": "SM-2026-000123"
    })
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
