//! A local StableMint sandbox server, for offline development and tests.
//!
//! Like stripe-mock, it answers the API with plausible data; unlike it, it also checks
//! what the real API checks, so a test against it catches a wrong key, a clock that
//! drifts, a bad signature or a reused idempotency key:
//!
//! - `POST /session/embedded` with the headers `api_key`, `timestamp` (Unix seconds)
//!   and `signature` (lowercase hex SHA-256 of `"<timestamp>,<api secret>,<userId>"`,
//!   as [`stablemint::signature`] computes it) and a JSON body that passes the same
//!   validation as the client's ([`stablemint::request_from_json`]): every problem at
//!   once, and an unknown property refused with a did-you-mean hint (switchable with
//!   [`MockConfig::unknown_fields`]);
//! - idempotency: the same `idempotencyKey` with the same body returns the first
//!   response again (same `sessionId`); with another body, 409;
//! - fault injection: [`MockServer::fail_next`] makes the next requests fail with a
//!   status, or drops their connection without an answer;
//! - fixtures: the payment methods depend on `userCountryCode` (see [`fixtures`]), and
//!   saved banks can be configured per user ([`MockConfig::saved_banks`]).
//!
//! # In your own tests
//!
//! ```
//! use stablemint::{Client, Credentials, types};
//! use stablemint_mock::{Fault, MockConfig, MockServer};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // In a #[tokio::test]:
//! let server = MockServer::start(MockConfig::new("test_key", "test_secret")).await?;
//! let client = Client::builder(Credentials::new("test_key", "test_secret"))
//!     .base_url(&server.base_url())
//!     .build()?;
//!
//! // The first attempt fails with 503; the client retries with the same idempotency key.
//! server.fail_next(1, Fault::Status(503));
//! let request: types::EmbeddedSessionRequest = types::EmbeddedSessionRequest::builder()
//!     .user_id("user-8c1f")
//!     .user_email("jane.doe@example.com")
//!     .user_country_code("DE")
//!     .currency("EUR")
//!     .amount(Some(25.0))
//!     .try_into()?;
//! let session = client.create_embedded_session(&request).await?;
//!
//! assert!(session.reference.starts_with("SM-"));
//! assert_eq!(server.sessions_created(), 1);
//! assert_eq!(server.requests_received(), 2);
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! # Checks, in order
//!
//! Every failure is answered with `Content-Type: application/json` and one shape:
//!
//! ```json
//! {"code": "invalid_body", "message": "what happened and what to do",
//!  "errors": [{"pointer": "/userEmail", "code": "email", "message": "..."}]}
//! ```
//!
//! `errors` is present only for `invalid_body`. No message contains the secret, a
//! signature, the API key or any value from the body; the only value echoed is a stale
//! `timestamp`, with the server time, so that clock skew can be diagnosed.
//!
//! | check | status | `code` |
//! |---|---|---|
//! | the path is not `/session/embedded` | 404 | `not_found` |
//! | the method is not `POST` (the answer has `Allow: POST`) | 405 | `method_not_allowed` |
//! | a fault is armed ([`Fault::Status`]) | as armed | `injected_fault` |
//! | `Content-Type` is not `application/json` (parameters are fine) | 415 | `unsupported_media_type` |
//! | the body is larger than the limit ([`MockConfig::body_limit`]) | 413 | `body_too_large` |
//! | the body does not arrive within 30 s | 408 | `request_timeout` |
//! | the body cannot be read (broken chunked framing) | 400 | `unreadable_body` |
//! | `api_key`, `timestamp` or `signature` is missing | 401 | `missing_header` |
//! | one of them is sent more than once | 400 | `duplicate_header` |
//! | `api_key` is not the configured key | 401 | `unknown_api_key` |
//! | `timestamp` is not plain decimal digits (`+5`, `05` and `5.0` are refused, as the signature covers its text), is negative, or is outside the window ([`MockConfig::timestamp_window`]) | 401 | `stale_timestamp` |
//! | the body is not UTF-8 JSON, or not a JSON object | 400 | `malformed_json` |
//! | `userId` is missing or not a string (`errors` says which) | 400 | `invalid_body` |
//! | `signature` does not match | 401 | `bad_signature` |
//! | a field is missing or of the wrong type (`required`, `type`), is not defined by the API (`unknown`, unless [`MockConfig::unknown_fields`] says to ignore it), or breaks a rule (`email`, `alpha2`, `currency`, `date`, `positive`, `precision`); every problem is listed | 400 | `invalid_body` |
//! | `idempotencyKey` was used before with another body | 409 | `idempotency_conflict` |
//!
//! A request that passes is answered 200 with an `EmbeddedSessionResponse`:
//! `sessionId` a new UUIDv4, `expiresAt` the server time plus
//! [`MockConfig::session_ttl`], `allowedPaymentMethods` from [`fixtures`], `savedBanks`
//! when configured for the `userId` (otherwise absent), and `reference` `SM-` followed
//! by 16 random uppercase hex digits.
//!
//! No input makes the server panic or answer 5xx, except a 5xx fault you armed. Bytes
//! that are not HTTP at all are refused by hyper before the mock sees them, with an
//! empty-bodied 400, 414 or 431.
//!
//! # Logs
//!
//! Each request is logged with [`tracing`] at `debug`: method, path (without the query),
//! status and error code. Header values, the secret and bodies are never logged.

#![warn(missing_docs)]

mod api_error;
mod auth;
mod body;
mod config;
mod create_session;
pub mod fixtures;
mod handler;
mod server;
mod sessions;
mod state;

pub use config::{Fault, MockConfig};
pub use server::MockServer;
pub use stablemint::UnknownFields;
