//! A local StableMint sandbox server, for offline development and tests.
//!
//! Like stripe-mock, it answers the API with plausible data; unlike it, it also checks
//! what the real API checks, so a test against it catches a wrong key, a clock that
//! drifts, a bad signature or a reused idempotency key. It serves every operation of its
//! spec (`stablemint_raw::operations::ALL`, or those given to [`MockConfig::operations`])
//! with no code of its own per operation:
//!
//! - routing by the spec's path templates (a concrete path before a templated one);
//! - authentication as each operation declares it: the headers `api_key`, `timestamp`
//!   (Unix seconds) and `signature` (lowercase hex SHA-256 of
//!   `"<timestamp>,<api secret>,<signed value>"`, as `stablemint_wire::signature` computes
//!   it), where the signed value is the body property or the parameter the operation
//!   names; an operation declared `auth: none` takes no headers;
//! - parameters (path, query, header) and the JSON body checked with the same rules as
//!   the client's (`stablemint_wire::parse_json`): every problem at once, and an unknown
//!   property or query parameter refused with a did-you-mean hint (switchable with
//!   [`MockConfig::unknown_fields`]);
//! - idempotency, for every operation with an idempotency key field: the same key with
//!   the same request returns the first answer again; with another request, 409; keys
//!   are remembered for a while and up to a number ([see below](#idempotency-keys));
//! - answers made from the response's schema ([see below](#answers)), and error answers
//!   in the shape the operation declares for their status, if it declares one;
//! - scripted answers per operation ([`Answer`], [`MockServer::script`]): a status, a
//!   body of the operation's declared type or raw JSON, a dropped connection or a lost
//!   answer, delayed, once, n times or always; what is not scripted is answered from the
//!   spec;
//! - a journal of what it received ([`MockServer::journal`]): operation, method, path,
//!   query, JSON body, idempotency key, whether the signature verified, and the
//!   answer's status, never an authentication value;
//! - expectations ([`Expect`], [`MockServer::expect`]), checked by
//!   [`MockServer::verify`] and when the server is dropped, failing with what was
//!   received;
//! - fault injection ([`Fault`]), for every operation or one: [`MockServer::fail_next`]
//!   and [`MockServer::fail_next_on`] make the next requests fail with a status, drop
//!   their connection before or after processing them, or answer them late;
//!   [`RandomFaults`] injects faults at random from a seed.
//!
//! # In your own tests
//!
//! With the `kit` feature (`stablemint-mock = { ..., features = ["kit"] }` under
//! `[dev-dependencies]`), `TestKit` starts a mock and a `stablemint::Client` pointed at
//! it, whose retries record their waits instead of sleeping:
//!
//! ```
//! # #[cfg(feature = "kit")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use stablemint::types;
//! use stablemint_mock::{Answer, Expect, TestKit};
//!
//! // In a #[tokio::test]:
//! let kit = TestKit::start().await?;
//! // The first attempt is answered 503; the client retries with the same key.
//! kit.script("createEmbeddedSession", [Answer::status(503)])?;
//! kit.expect(Expect::called("createEmbeddedSession").times(2).with_one_key())?;
//!
//! let request: types::EmbeddedSessionRequest = types::EmbeddedSessionRequest::builder()
//!     .user_id("user-8c1f")
//!     .user_email("jane.doe@example.com")
//!     .user_country_code("DE")
//!     .currency("EUR")
//!     .amount(25.0)
//!     .try_into()?;
//! let session = kit.client().create_embedded_session(&request).await?;
//!
//! assert!(session.reference.starts_with("SM-"));
//! assert_eq!(kit.sessions_created(), 1);
//! assert_eq!(kit.delays().len(), 1); // the backoff, recorded, not slept
//! kit.verify()?;
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "kit"))]
//! # fn main() {}
//! ```
//!
//! Without it, start a [`MockServer`] and point a client at [`MockServer::base_url`]
//! with the credentials given to [`MockConfig::new`].
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
//! | the header fields add up to more than 32 KiB (name, value and 4 bytes each) | 431 | `headers_too_large` |
//! | no operation of the spec has the path (an operation StableMint has but the spec does not describe included); the message lists what is served | 404 | `not_found` |
//! | the path's operations do not take the method (the answer has `Allow` with those they take) | 405 | `method_not_allowed` |
//! | an answer is scripted for the operation ([`Answer::status`], [`Answer::json`], [`Answer::body`]; scripts come before faults), or a [`Fault::Status`] is armed | as scripted or armed | `injected_fault`, or the scripted body |
//! | the operation takes a body, and `Content-Type` is not `application/json` (parameters are fine, but a `charset` other than UTF-8 is not: the body is read as UTF-8) | 415 | `unsupported_media_type` |
//! | the body is larger than the limit ([`MockConfig::body_limit`]) | 413 | `body_too_large` |
//! | the body does not arrive within 30 s | 408 | `request_timeout` |
//! | the body cannot be read (broken chunked framing) | 400 | `unreadable_body` |
//! | for a signed operation: `api_key`, `timestamp` or `signature` is missing | 401 | `missing_header` |
//! | one of them is sent more than once | 400 | `duplicate_header` |
//! | `api_key` is not the configured key | 401 | `unknown_api_key` |
//! | `timestamp` is not plain decimal digits (`+5`, `05` and `5.0` are refused, as the signature covers its text), is negative, or is outside the window ([`MockConfig::timestamp_window`]) | 401 | `stale_timestamp` |
//! | the body is not UTF-8 JSON, or not a JSON object | 400 | `malformed_json` |
//! | a key is given twice in an object of the body, anywhere (`errors` has each at its pointer, code `duplicate`): readers could take either value | 400 | `invalid_body` |
//! | the signed body property is missing or not a string (`errors` says which) | 400 | `invalid_body` |
//! | the signed parameter is missing or wrong, with every other parameter problem | 400 | `invalid_request` |
//! | `signature` does not match | 401 | `bad_signature` |
//! | a parameter is missing, of the wrong kind (a whole number must be written canonically: no `+`, no leading zero), given twice, unknown (a query parameter), breaks its rule, does not percent-decode to UTF-8 (`utf8`), is a path segment the client never sends (`.` or `..`, however encoded: `path_segment`), or a header value that is not visible ASCII (`header_text`); with the body's problems too. These are `stablemint_wire::ParameterCheck`'s checks, the client's own | 400 | `invalid_request` |
//! | a body field (checked by `OperationSpec::check_body`, the client's own check) is missing or of the wrong type (`required`, `type`), is not defined by the API (`unknown`, unless [`MockConfig::unknown_fields`] says to ignore it), breaks a rule (`email`, `alpha2`, `currency`, `date`, `positive`, `precision`), or the idempotency key is empty, longer than 255 characters or not printable ASCII (`idempotency_key`); every problem is listed | 400 | `invalid_body` |
//! | the idempotency key is remembered with another request | 409 | `idempotency_conflict` |
//!
//! A problem with a parameter is at the pointer `/<name>` (`/<name>/<index>` for an item
//! of a list), as the client reports it.
//!
//! The other faults are not answers: [`Fault::DropConnection`] (and
//! [`Answer::drop_connection`]) closes the connection at the same point as
//! [`Fault::Status`], before any check; [`Fault::DropAfterProcessing`]
//! ([`Answer::drop_after_processing`]) and [`Fault::Delay`] ([`Answer::process`] with
//! [`Answer::delayed`]) let the request go through every check (and create its session
//! if it passes), then close the connection without an answer, or hold the answer back.
//!
//! # Answers
//!
//! A request that passes is answered with the operation's success status, and a body
//! made from its response schema (none for a 204). Each property's value comes from the
//! first of:
//!
//! 1. the mock's fixtures, by property name: `expiresAt` is the server time plus
//!    [`MockConfig::session_ttl`], `reference` is `SM-` followed by 16 random uppercase
//!    hex digits, `allowedPaymentMethods` follows the request's `userCountryCode` (see
//!    [`fixtures`]), and `savedBanks` are the banks configured for the request's `userId`
//!    ([`MockConfig::saved_banks`]);
//! 2. the request's own parameters and body properties of the same name, where their
//!    type fits (so `GET /session/{sessionId}` answers with that `sessionId`);
//! 3. a new UUIDv4 for `format: uuid` (so every `sessionId` is new);
//! 4. the spec's `example`;
//! 5. a value made up from the schema: the first `enum` value, the `minimum`, one item
//!    of an array, the required properties of an object.
//!
//! Optional properties are left out unless one of the first four gives them. For
//! `POST /session/embedded` that is: a new `sessionId`, `expiresAt`,
//! `allowedPaymentMethods`, `reference`, and `savedBanks` when configured for the
//! `userId`.
//!
//! # Headers of every answer
//!
//! Every answer the mock writes (200s, every error above, 401s included, and injected
//! faults) carries:
//!
//! - `Date`: the mock's clock ([`MockConfig::clock`]) when the answer is sent, in
//!   IMF-fixdate form (`Tue, 14 Nov 2023 22:13:20 GMT`), so a client can correct its
//!   clock skew from it. hyper's own `Date`, from the system clock, is switched off.
//!   Dates before 1970 or after 9999 are shown as the nearest of those ends.
//! - [`stablemint_wire::headers::REQUEST_ID`] (`x-request-id`): `req_` and 16 lowercase hex
//!   digits, new for every request and never the same twice in one process.
//!
//! # Idempotency keys
//!
//! A key is remembered from the request that was carried out with it, for
//! [`MockConfig::idempotency_ttl`] (default 24 hours) by the mock's clock, and the mock
//! remembers at most [`MockConfig::max_idempotency_keys`] (default 100,000); when a new
//! key would go past that, the oldest is forgotten first. A replay does not make a key
//! younger. A request whose key has expired or been forgotten is a new request: it is
//! carried out again (a new session, with another `sessionId`), whatever its body, and
//! its key is remembered again from then on. Keys of requests that fail a check are not
//! stored. A key is at most 255 characters, and the mock keeps with it only the seed and
//! time its answer is made again from and a SHA-256 digest of the request (the
//! operation, its parameters and its body), never the answer or the body: a few hundred
//! bytes a key (the repository's `BENCHMARKS.md` has the measure).
//!
//! # Malformed HTTP
//!
//! Bytes that hyper cannot parse as an HTTP/1.1 request never reach the mock, so they
//! cannot get its JSON: hyper answers them itself, with only the headers
//! `connection: close` and `content-length: 0`, no body (so no `Date` and no request
//! id), and closes the connection:
//!
//! | what hyper refuses | status |
//! |---|---|
//! | a bad request line (an invalid method, target or version) or a malformed header field | `400 Bad Request` |
//! | more than 100 header fields, or a request head (request line and header fields) over 96 KiB | `431 Request Header Fields Too Large` |
//! | a request target longer than 65,534 bytes | `414 URI Too Long` |
//!
//! Header fields that hyper accepts but that add up to more than 32 KiB get the JSON
//! `headers_too_large` above. Such requests are not counted by
//! [`MockServer::requests_received`] nor reported to [`MockConfig::on_request`].
//!
//! # No panics
//!
//! No public function of this crate panics on its input, whatever the configuration
//! or the request: a fault that cannot be injected is an [`Err`] ([`FaultError`]), and
//! no request makes the server panic or answer 5xx, except a 5xx fault you armed. (Your
//! own [`MockConfig::clock`] or [`MockConfig::on_request`] closures run inside the
//! server; a panic in them ends that request's connection.)
//!
//! # Logs
//!
//! Each request is logged with [`tracing`] at `debug`: method, path (without the query),
//! status, error code, injected fault and request id; and passed as a [`RequestLog`] to
//! the hook of [`MockConfig::on_request`], with its latency. Header values, the secret
//! and bodies are never logged.

#![warn(missing_docs)]

mod auth;
mod body;
mod config;
mod exchange;
mod expect;
pub mod fixtures;
mod idempotency_store;
mod journal;
#[cfg(feature = "kit")]
mod kit;
mod log;
mod params;
mod process;
mod refusal;
mod router;
mod script;
mod server;
mod state;
mod synth;

pub use config::{Fault, FaultError, MockConfig, RandomFaults};
pub use expect::{Expect, Unmet};
pub use journal::{Journal, Received, SignatureCheck};
#[cfg(feature = "kit")]
pub use kit::{RecordingSleeper, TestKit};
pub use log::RequestLog;
pub use script::Answer;
pub use server::MockServer;
pub use stablemint_wire::UnknownFields;
