//! The HTTP client the overhead measurements give their hand-written and raw sides.

use std::time::Duration;

/// An HTTP client configured as `stablemint::Client` configures its own: a 30 s limit
/// for each request, a 50 s pool idle timeout and a `User-Agent`, so that the sides
/// differ only in what the client's layer does.
pub fn careful_http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_idle_timeout(Duration::from_secs(50))
        .user_agent(concat!("stablemint-rs/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("an HTTP client")
}
