//! Calls an operation added to the spec after this crate's author last looked: the
//! generated `create_probe_hosted_session`, signed, validated and retried like every other.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use stablemint::types::EmbeddedSessionRequest;
use stablemint::{Client, Clock, Credentials, RetryPolicy};

/// A clock that moves 7 s at every reading, so every attempt has its own timestamp.
#[derive(Debug)]
struct Stepping(AtomicU64);

impl Clock for Stepping {
    fn now(&self) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(self.0.fetch_add(7, Ordering::SeqCst))
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = std::env::var("DOWNSTREAM_BASE_URL")?;
    let client = Client::builder(Credentials::new(
        "downstream-key-0001",
        "downstream-made-up-secret",
    ))
    .base_url(&base_url)
    .retry(RetryPolicy::default().with_base_delay(Duration::from_millis(1)))
    .clock(Stepping(AtomicU64::new(1_700_000_000)))
    // The test server's own Date is not this clock's: no correction wanted here.
    .clock_skew_correction(false)
    .build()?;
    let request: EmbeddedSessionRequest = EmbeddedSessionRequest::builder()
        .user_id("hosted-user-1")
        .user_email("jane@example.com")
        .user_country_code("DE")
        .currency("EUR")
        .amount(Some(12.5))
        .try_into()?;
    let session = client.create_probe_hosted_session(&request).await?;
    println!(
        "attempts={} key={} session={}",
        session.attempts(),
        session.idempotency_key().unwrap_or("none"),
        session.session_id
    );
    Ok(())
}
