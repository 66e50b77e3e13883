//! Client for the StableMint payment API.
//!
//! Creates embedded payment sessions (`POST /session/embedded`). Each call:
//!
//! - **validates first**: the request's fields are checked against the rules from the
//!   spec (ISO 3166-1 country codes, ISO 4217 currencies, e-mail, `YYYY-MM-DD` dates,
//!   positive amounts with no more decimals than the currency has); an invalid request
//!   returns [`Error::Validation`] listing every problem, and nothing is sent;
//! - **signs every attempt**: `timestamp` from the clock and `signature` =
//!   hex SHA-256 of `"timestamp,api_secret,userId"` (see [`signature`]);
//! - **retries safely**: with an `idempotencyKey` (added for you when absent), on
//!   connection errors, timeouts, 429 and 5xx, with exponential backoff and full jitter
//!   (see [`RetryPolicy`]);
//! - **fails clearly**: [`Error`] tells a validation problem, an API answer (with its
//!   status and body), a transport failure and an undecodable response apart.
//!
//! The secret never appears in `Debug` output, errors or traces; nor do e-mails, dates
//! of birth or other KYC fields.
//!
//! # Quickstart
//!
//! ```no_run
//! use stablemint::{Client, Credentials, types};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let credentials = Credentials::new(
//!     std::env::var("STABLEMINT_API_KEY")?,
//!     std::env::var("STABLEMINT_API_SECRET")?,
//! );
//! let client = Client::builder(credentials).build()?;
//!
//! // The builder keeps compiling when the API gains optional fields.
//! let request: types::EmbeddedSessionRequest = types::EmbeddedSessionRequest::builder()
//!     .user_id("user-8c1f")
//!     .user_email("jane.doe@example.com")
//!     .user_country_code("DE")
//!     .currency("EUR")
//!     .amount(Some(25.0))
//!     .try_into()?;
//!
//! match client.create_embedded_session(&request).await {
//!     Ok(session) => println!("session {} expires at {:?}", session.session_id, session.expires_at()),
//!     Err(stablemint::Error::Validation(errors)) => {
//!         for error in &errors {
//!             eprintln!("{}: {} ({})", error.pointer(), error.message(), error.code());
//!         }
//!     }
//!     Err(other) => eprintln!("{other}"),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # TLS
//!
//! HTTPS uses rustls on the `ring` crypto provider (the default feature), or on
//! `aws-lc-rs` with the `aws-lc-rs` feature. The client installs that provider as the
//! process default when it builds its HTTP client, unless the application installed one
//! first. OpenSSL is never used.

#![warn(missing_docs)]

mod client;
mod clock;
mod credentials;
mod error;
mod json;
mod retry;
mod session;
mod signing;
mod tls;

pub use client::{Client, ClientBuilder, PRODUCTION_URL};
pub use clock::{Clock, SleepFuture, Sleeper, SystemClock, TokioSleeper};
pub use credentials::Credentials;
pub use error::{ApiBody, Error};
pub use json::request_from_json;
pub use retry::RetryPolicy;
pub use session::EmbeddedSession;
pub use signing::signature;
pub use stablemint_validate::{Validate, ValidationError, ValidationErrors};

/// The request and response types, generated from the OpenAPI spec (re-exported from
/// `stablemint-raw`).
pub mod types {
    pub use stablemint_raw::types::*;
}

/// The README's Rust examples compile as doctests, so they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
