//! The StableMint API client, generated from `openapi/stablemint.yaml`.
//!
//! **`src/generated.rs` is generated.** `cargo xtask gen` writes it (progenitor 0.15 with
//! the positional interface, formatted with prettyplease), and it is never edited by
//! hand: change the spec or the generator in `crates/stablemint-codegen`, run
//! `cargo xtask gen`, and commit both. CI runs `cargo xtask gen --check`, and the
//! workspace's `freshness` test fails when the file is out of date. This file holds the
//! one hand-written piece progenitor asks for: the [`ClientHooks`] that cap response
//! bodies and apply what [`with_attempt`] asks of a request.
//!
//! This crate states the wire contract exactly: the three authentication headers
//! (`api_key`, `timestamp`, `signature`) are ordinary required parameters, each method
//! borrows its request body, and the request types derive [`stablemint_validate::Validate`]
//! from the spec's `format`s. [`operations`] describes every operation as data (method,
//! path, parameters, what the signature covers, the idempotency key, the body and the
//! declared responses), for servers such as `stablemint-mock` that serve the spec.
//! Error answers come back unread as `Error::UnexpectedResponse`, whatever the spec
//! declares for them, so that a caller keeps their text; `stablemint` decodes the
//! declared ones. Every schema type is `#[non_exhaustive]`: build it with
//! its `builder()` or deserialise it. Most users want the `stablemint` crate instead,
//! which computes the headers, validates before sending and retries safely.
//!
//! Every request also carries an `api-version` header with the spec's `info.version`,
//! which progenitor adds.
//!
//! # Response size
//!
//! Every response body (success or error) is read up to [`Limits::max_response_bytes`]
//! and no further: a longer body fails with an error whose source chain holds
//! [`ResponseTooLarge`] (find it with [`ResponseTooLarge::find`]).
//!
//! # TLS
//!
//! reqwest is built with rustls and no default crypto provider, so that the `stablemint`
//! crate can choose one (ring by default). Build the [`Client`] with
//! [`Client::new_with_client`] and a `reqwest::Client` whose TLS is configured (or
//! install a process-wide provider first), and which follows no redirects. The
//! generator leaves out progenitor's `Client::new`: it would build its own
//! `reqwest::Client` and panic when that fails.

use std::cell::Cell;
use std::error::Error as StdError;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use progenitor_client::{ClientHooks, OperationInfo};

// The generated code is what progenitor emits, formatted by prettyplease; lints and
// rustfmt are turned off here, never by editing the file.
#[rustfmt::skip]
#[allow(
    missing_docs,
    clippy::all,
    clippy::pedantic,
    unused_imports,
    rustdoc::all
)]
mod generated;

use std::future::Future;
use std::time::Duration;

pub use generated::*;

tokio::task_local! {
    /// What [`with_attempt`] asks of the request being sent.
    static ATTEMPT: AttemptSettings;
}

/// What a caller changes in the request of one call of a generated method, beside what
/// the method writes into it: given to [`with_attempt`].
///
/// Built through its methods; it starts changing nothing.
#[derive(Default)]
#[non_exhaustive]
pub struct AttemptSettings {
    timeout: Option<Duration>,
    // Taken by the one request the scope sends; a `Cell` because a task-local is only
    // ever lent out by shared reference.
    before_send: Cell<Option<BeforeSend>>,
}

/// A function that sees (and may change) the request a generated method built, just
/// before it is sent; `Err(message)` stops it from being sent.
pub type BeforeSend = Box<dyn FnOnce(&mut reqwest::Request) -> Result<(), String> + Send>;

impl AttemptSettings {
    /// Settings that change nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// `timeout` as the limit of the request, from connecting to the end of the response
    /// body, whatever the `reqwest::Client` it is sent with was built with.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Runs `before_send` on the request once it is built (its URL, headers and body
    /// complete), before it is sent. When it returns `Err(message)`, nothing is sent and
    /// the generated method fails with `Error::Custom(message)`: no generated method
    /// makes that variant any other way.
    pub fn before_send(
        self,
        before_send: impl FnOnce(&mut reqwest::Request) -> Result<(), String> + Send + 'static,
    ) -> Self {
        self.before_send.set(Some(Box::new(before_send)));
        self
    }
}

impl fmt::Debug for AttemptSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let before_send = self.before_send.take();
        let has_before_send = before_send.is_some();
        self.before_send.set(before_send);
        f.debug_struct("AttemptSettings")
            .field("timeout", &self.timeout)
            .field("before_send", &has_before_send)
            .finish()
    }
}

/// Runs `future` (a call of a generated method) with `settings` applied to the one
/// request it sends.
///
/// A timeout rides on reqwest's own per-request timeout, so a request that runs past it
/// fails like any reqwest timeout (`reqwest::Error::is_timeout`).
pub async fn with_attempt<F: Future>(settings: AttemptSettings, future: F) -> F::Output {
    ATTEMPT.scope(settings, future).await
}

/// Runs `future` (a call of a generated method) with `timeout` as the limit of its
/// request, from connecting to the end of the response body: [`with_attempt`] with
/// only [`AttemptSettings::timeout`].
pub async fn with_attempt_timeout<F: Future>(timeout: Duration, future: F) -> F::Output {
    with_attempt(AttemptSettings::new().timeout(timeout), future).await
}

/// What an optional field's builder setter takes: the value itself in any form the
/// required setters take (`"text"`, a `String`, a number without `Some`), or an
/// `Option` of it (`None` unsets the field).
///
/// ```
/// use stablemint_raw::types::EmbeddedSessionRequest;
///
/// let key = String::from("order-77");
/// let request: EmbeddedSessionRequest = EmbeddedSessionRequest::builder()
///     .user_id("user-1")
///     .user_email("jane@example.com")
///     .user_country_code("DE")
///     .currency("EUR")
///     .amount(25)
///     .idempotency_key(&key)
///     .website_reference("order-77")
///     .website_reference(None)
///     .try_into()
///     .unwrap();
/// assert_eq!(request.amount, Some(25.0));
/// assert_eq!(request.idempotency_key.as_deref(), Some("order-77"));
/// assert_eq!(request.website_reference, None);
/// ```
pub trait IntoOptional<T> {
    /// The field's new value.
    fn into_optional(self) -> Option<T>;
}

impl<T> IntoOptional<T> for T {
    fn into_optional(self) -> Option<T> {
        Some(self)
    }
}

impl<T> IntoOptional<T> for Option<T> {
    fn into_optional(self) -> Option<T> {
        self
    }
}

/// `value` converted to `T` where the conversion loses nothing (`From`): text for
/// `String` fields, smaller numbers for wider ones.
macro_rules! into_optional_from {
    ($target:ty: $($source:ty),+) => {$(
        impl IntoOptional<$target> for $source {
            fn into_optional(self) -> Option<$target> {
                Some(<$target>::from(self))
            }
        }
    )+};
}

into_optional_from!(String: &str, &String, Box<str>, std::borrow::Cow<'_, str>, char);
into_optional_from!(f64: f32, i32, u32, i16, u16, i8, u8);
into_optional_from!(i64: i32, u32, i16, u16, i8, u8);
into_optional_from!(i32: i16, u16, i8, u8);

/// The limits the generated [`Client`] applies to every call (progenitor's "inner"
/// value, given to [`Client::new_with_client`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    max_response_bytes: usize,
}

impl Limits {
    /// The default cap on a response body: 1 MiB. StableMint's documented responses
    /// are a few kilobytes.
    pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1 << 20;

    /// Limits with this cap on every response body, in bytes.
    pub fn new(max_response_bytes: usize) -> Self {
        Self { max_response_bytes }
    }

    /// The most bytes of a response body that are read.
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }
}

impl Default for Limits {
    /// [`Limits::DEFAULT_MAX_RESPONSE_BYTES`].
    fn default() -> Self {
        Self::new(Self::DEFAULT_MAX_RESPONSE_BYTES)
    }
}

/// A response body was longer than [`Limits::max_response_bytes`]; reading stopped
/// there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseTooLarge {
    limit: usize,
}

impl ResponseTooLarge {
    /// The limit, in bytes, that the body went past.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The `ResponseTooLarge` in `error`'s source chain (`error` included), if any.
    pub fn find<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a ResponseTooLarge> {
        let mut next = Some(error);
        while let Some(error) = next {
            if let Some(found) = error.downcast_ref::<ResponseTooLarge>() {
                return Some(found);
            }
            next = error.source();
        }
        None
    }
}

impl fmt::Display for ResponseTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the response body is larger than the limit of {} bytes, so reading stopped there",
            self.limit
        )
    }
}

impl StdError for ResponseTooLarge {}

impl ClientHooks<Limits> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let before_send = ATTEMPT.try_with(|attempt| {
            if let Some(timeout) = attempt.timeout {
                *request.timeout_mut() = Some(timeout);
            }
            attempt.before_send.take()
        });
        if let Ok(Some(before_send)) = before_send {
            before_send(request).map_err(progenitor_client::Error::Custom)?;
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let response = self.client().execute(request).await?;
        Ok(cap_body(response, self.inner().max_response_bytes))
    }
}

/// `response` with a body that fails once it goes past `limit` bytes.
///
/// A declared `Content-Length` within the limit needs no wrapper: hyper ends the body
/// at the declared length.
fn cap_body(response: reqwest::Response, limit: usize) -> reqwest::Response {
    let declared = response.content_length();
    if declared.is_some_and(|length| u64::try_from(limit).is_ok_and(|limit| length <= limit)) {
        return response;
    }
    let url = response.url().clone();
    let (mut parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
    // reqwest keeps the URL in an extension it alone can name; carry it over so errors
    // still say where the response came from.
    use reqwest::ResponseBuilderExt as _;
    if let Ok(with_url) = http::Response::builder().url(url).body(()) {
        parts.extensions.extend(with_url.into_parts().0.extensions);
    }
    let capped = Capped {
        inner: body,
        remaining: limit,
        limit,
    };
    reqwest::Response::from(http::Response::from_parts(
        parts,
        reqwest::Body::wrap(capped),
    ))
}

/// A body that yields at most `limit` bytes of data, then fails with
/// [`ResponseTooLarge`].
struct Capped {
    inner: reqwest::Body,
    remaining: usize,
    limit: usize,
}

impl Body for Capped {
    type Data = Bytes;
    type Error = Box<dyn StdError + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        match ready!(Pin::new(&mut this.inner).poll_frame(cx)) {
            Some(Ok(frame)) => {
                if let Some(data) = frame.data_ref() {
                    if data.len() > this.remaining {
                        this.remaining = 0;
                        return Poll::Ready(Some(Err(Box::new(ResponseTooLarge {
                            limit: this.limit,
                        }))));
                    }
                    this.remaining -= data.len();
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Some(Err(error)) => Poll::Ready(Some(Err(Box::new(error)))),
            None => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
