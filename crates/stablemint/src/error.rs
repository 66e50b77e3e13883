//! What can go wrong with a call.
//!
//! Every text that came from the server (its message, a `Location`, a request id) is
//! shown with its control characters escaped: an error message is often printed to a
//! terminal or a log, and a hostile server must not be able to run escape sequences or
//! forge lines there.

use std::any::Any;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use stablemint_validate::ValidationErrors;
use stablemint_wire::{escape_controls, shown};

/// How many characters of the server's message an error shows.
const MESSAGE_LIMIT: usize = 300;

/// How far (in seconds) the server's `Date` may be from the timestamp a request was
/// signed with before the clock is named as the likely cause of a 401.
pub(crate) const SKEW_TOLERANCE_SECS: i64 = 30;

/// The error of any `stablemint` operation.
///
/// Use the accessors ([`status`](Self::status), [`idempotency_key`](Self::idempotency_key),
/// [`request_id`](Self::request_id)) rather than matching every variant: variants may be
/// added.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request broke a validation rule, so nothing was sent. Every broken rule is
    /// listed, each with the JSON Pointer of its field; values are never shown.
    #[error("the request is invalid, so it was not sent:\n{0}")]
    Validation(ValidationErrors),

    /// StableMint answered with a status other than success (a redirect included: the
    /// client follows none).
    #[error("{0}")]
    Api(Box<ApiError>),

    /// The request did not complete: connection refused or reset, DNS, TLS, or a
    /// timeout of one attempt.
    #[error(
        "{}",
        transport_message(source, idempotency_key.as_deref(), *attempts, *retry_budget_exhausted)
    )]
    #[non_exhaustive]
    Transport {
        /// What reqwest reported.
        source: reqwest::Error,
        /// The idempotency key the call was sent with, if any.
        idempotency_key: Option<String>,
        /// How many attempts the call made.
        attempts: u32,
        /// Whether a retry was due but not made, because the client's
        /// [retry budget](crate::RetryBudget) was spent.
        retry_budget_exhausted: bool,
    },

    /// StableMint answered with success, but the body is not the documented response.
    #[error("{}", decode_message(.0))]
    Decode(Box<DecodeError>),

    /// A response body was longer than the client's limit
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)),
    /// so reading stopped there.
    #[error(
        "StableMint answered HTTP {status} with a body longer than the limit of {limit} bytes, \
         so reading stopped there; raise `ClientBuilder::max_response_bytes` if such bodies \
         are expected{}",
        call_lines(request_id.as_deref(), idempotency_key.as_deref(), *attempts, false)
    )]
    ResponseTooLarge {
        /// The HTTP status of the response.
        status: u16,
        /// The limit, in bytes.
        limit: usize,
        /// The request-id response header, when the server sent one.
        request_id: Option<String>,
        /// The idempotency key the call was sent with, if any.
        idempotency_key: Option<String>,
        /// How many attempts the call made.
        attempts: u32,
    },

    /// The call's overall deadline
    /// ([`ClientBuilder::total_timeout`](crate::ClientBuilder::total_timeout)) passed
    /// during an attempt.
    #[error(
        "no answer from StableMint within the call's deadline of {} ms{}",
        limit.as_millis(),
        call_lines(None, idempotency_key.as_deref(), *attempts, true)
    )]
    Deadline {
        /// The deadline that passed.
        limit: Duration,
        /// How many attempts were started.
        attempts: u32,
        /// The idempotency key the call was sent with, if any.
        idempotency_key: Option<String>,
    },

    /// The client was configured wrongly; the message says which setting and why.
    #[error("invalid client configuration: {0}")]
    Config(String),

    /// An [`AttemptHook`](crate::AttemptHook) panicked, so the call stopped.
    #[error("{0}")]
    Hook(Box<HookError>),
}

impl Error {
    /// The HTTP status of the response this error came from, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode(decode) => Some(decode.status),
            Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::Transport { source, .. } => source.status().map(|s| s.as_u16()),
            Error::Validation(_) | Error::Deadline { .. } | Error::Config(_) | Error::Hook(_) => {
                None
            }
        }
    }

    /// The idempotency key the failed call was sent with: the request's own, or the one
    /// the client added. After a timeout or a transport error, call again with a request
    /// that carries this key: StableMint then creates at most one session for both.
    pub fn idempotency_key(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.idempotency_key.as_deref(),
            Error::Decode(decode) => decode.idempotency_key.as_deref(),
            Error::Transport {
                idempotency_key, ..
            }
            | Error::ResponseTooLarge {
                idempotency_key, ..
            }
            | Error::Deadline {
                idempotency_key, ..
            } => idempotency_key.as_deref(),
            Error::Hook(hook) => hook.idempotency_key.as_deref(),
            Error::Validation(_) | Error::Config(_) => None,
        }
    }

    /// How many attempts the call made before it failed: 0 when nothing was sent (an
    /// invalid request or configuration), else 1 or more, a resend after clock skew
    /// included.
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Api(api) => api.attempts,
            Error::Decode(decode) => decode.attempts,
            Error::Transport { attempts, .. }
            | Error::ResponseTooLarge { attempts, .. }
            | Error::Deadline { attempts, .. } => *attempts,
            Error::Hook(hook) => hook.attempts,
            Error::Validation(_) | Error::Config(_) => 0,
        }
    }

    /// Whether a retry was due but not made because the client's
    /// [retry budget](crate::RetryBudget) was spent: many calls of this client have been
    /// failing and retrying, as during an outage. The budget refills as calls succeed.
    pub fn retry_budget_exhausted(&self) -> bool {
        match self {
            Error::Api(api) => api.retry_budget_exhausted,
            Error::Transport {
                retry_budget_exhausted,
                ..
            } => *retry_budget_exhausted,
            _ => false,
        }
    }

    /// The same error, saying that the retry it was due was refused by the budget.
    pub(crate) fn with_retry_budget_exhausted(mut self) -> Self {
        match &mut self {
            Error::Api(api) => api.retry_budget_exhausted = true,
            Error::Transport {
                retry_budget_exhausted,
                ..
            } => *retry_budget_exhausted = true,
            _ => {}
        }
        self
    }

    /// The same error, saying the call made `made` attempts.
    pub(crate) fn with_attempts(mut self, made: u32) -> Self {
        match &mut self {
            Error::Api(api) => api.attempts = made,
            Error::Decode(decode) => decode.attempts = made,
            Error::Transport { attempts, .. }
            | Error::ResponseTooLarge { attempts, .. }
            | Error::Deadline { attempts, .. } => *attempts = made,
            Error::Hook(hook) => hook.attempts = made,
            Error::Validation(_) | Error::Config(_) => {}
        }
        self
    }

    /// The server's request id (the `x-request-id`
    /// response header), when it sent one; quote it when you contact StableMint.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.request_id.as_deref(),
            Error::Decode(decode) => decode.request_id.as_deref(),
            Error::ResponseTooLarge { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }
}

/// An answer from StableMint with a status other than success.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status code.
    pub status: u16,
    /// The response body.
    pub body: ApiBody,
    /// The `Location` header of a redirect (3xx), which the client does not follow.
    pub location: Option<String>,
    /// The request-id response header, when the server sent one.
    pub request_id: Option<String>,
    /// The `timestamp` header this attempt was signed with (Unix seconds).
    pub timestamp: u64,
    /// The server's clock from its `Date` header (Unix seconds), when it sent one.
    pub server_time: Option<i64>,
    /// The idempotency key the call was sent with, if any.
    pub idempotency_key: Option<String>,
    /// How many attempts the call made.
    pub attempts: u32,
    /// Whether a retry was due but not made, because the client's
    /// [retry budget](crate::RetryBudget) was spent.
    pub retry_budget_exhausted: bool,
    /// The body decoded as the type the spec declares for this status, if it declares
    /// one and the body is one.
    pub(crate) decoded: Option<DecodedBody>,
}

impl ApiError {
    /// The body decoded as `T`, when the spec declares an error type for this answer's
    /// status, `T` is that type, and the body decoded as it. The generated method's
    /// documentation names the type for each status.
    ///
    /// The body's text is kept either way ([`body`](Self::body)), so nothing is lost
    /// when a server sends something else.
    pub fn decoded<T: Any>(&self) -> Option<&T> {
        self.decoded.as_ref()?.value.downcast_ref()
    }

    /// The Rust type the body was decoded as (`stablemint_raw::types::Problem`), if it
    /// was.
    pub fn decoded_type(&self) -> Option<&'static str> {
        self.decoded.as_ref().map(|d| d.type_name)
    }

    /// Whether the timestamp is the likely cause of a 401: the server's `Date` header is
    /// more than 30 s from the timestamp the attempt was signed with. Decided from the
    /// two clocks only, never from the server's wording: a 401 whose `Date` agrees (or
    /// that has none) is a wrong key or secret.
    pub fn is_clock_skew(&self) -> bool {
        self.status == 401
            && self
                .skew()
                .is_some_and(|s| s.unsigned_abs() > SKEW_TOLERANCE_SECS as u128)
    }

    /// The attempt's timestamp minus the server's clock, in seconds, if the server sent
    /// `Date`.
    fn skew(&self) -> Option<i128> {
        self.server_time
            .map(|server| i128::from(self.timestamp) - i128::from(server))
    }

    fn hint(&self) -> String {
        match self.status {
            300..=399 => format!(
                "the client follows no redirect, so nothing was sent to {}; check the base URL",
                self.location
                    .as_deref()
                    .map_or_else(|| "another address".to_owned(), |l| shown(l, 200))
            ),
            401 if self.is_clock_skew() => {
                let ahead = self.skew().unwrap_or_default();
                let (amount, side) = if ahead >= 0 {
                    (ahead, "ahead of")
                } else {
                    (-ahead, "behind")
                };
                if amount.unsigned_abs() > u128::from(crate::clock::MAX_CLOCK_OFFSET_SECS) {
                    format!(
                        "the request was signed with timestamp {}, {amount} s {side} the \
                         server's Date header: more than a day, too far to be this machine's \
                         drift, so the client did not correct it; check the base URL and \
                         this machine's clock",
                        self.timestamp
                    )
                } else {
                    format!(
                        "the request was signed with timestamp {}, {amount} s {side} \
                         StableMint's clock (its Date header): synchronise this machine's \
                         clock, or leave clock-skew correction on",
                        self.timestamp
                    )
                }
            }
            401 => "check the API key and the API secret".into(),
            403 => "check that this API key may call this operation".into(),
            404 | 405 => "StableMint does not know this endpoint: check the base URL".into(),
            409 => "the idempotency key was used before with a different request: use a \
                    new key for a new request"
                .into(),
            429 => "StableMint is rate limiting this client: retry later, more slowly".into(),
            400..=499 => "StableMint rejected the request: fix it before sending it again".into(),
            500..=599 => "StableMint had a server error: retry later with the same \
                          idempotency key"
                .into(),
            _ => "an unexpected status".into(),
        }
    }
}

impl fmt::Display for ApiError {
    /// One idea per line: the status and the server's own message, then the likely
    /// cause, then the request id and the idempotency key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StableMint answered HTTP {}", self.status)?;
        let said = self.body.message();
        if !said.is_empty() {
            write!(f, ": {said}")?;
        }
        write!(f, "\n  {}", self.hint())?;
        if self.retry_budget_exhausted {
            f.write_str(BUDGET_LINE)?;
        }
        f.write_str(&call_lines(
            self.request_id.as_deref(),
            self.idempotency_key.as_deref(),
            self.attempts,
            crate::retry::retryable_status(self.status),
        ))
    }
}

/// An error body decoded as the type the spec declares for its status.
#[derive(Clone)]
pub(crate) struct DecodedBody {
    value: Arc<dyn Any + Send + Sync>,
    type_name: &'static str,
}

impl DecodedBody {
    /// The body `text` of an answer with `status`, decoded as the type `operation`
    /// declares for that status (an exact status, then a range, then `default`), if it
    /// declares one and the body is one.
    pub(crate) fn declared(
        operation: &stablemint_wire::OperationSpec,
        status: u16,
        text: &str,
    ) -> Option<Self> {
        let declared = operation.error_for(status)?;
        let value = (declared.decode?)(text.as_bytes()).ok()?;
        Some(Self {
            value: Arc::from(value),
            type_name: declared.rust_type.unwrap_or("the declared type"),
        })
    }
}

impl fmt::Debug for DecodedBody {
    /// The type only: the value came from the server, and the text is in the error
    /// already.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DecodedBody<{}>", self.type_name)
    }
}

/// A success response whose body is not the documented response.
#[derive(Debug)]
#[non_exhaustive]
pub struct DecodeError {
    /// The HTTP status code.
    pub status: u16,
    /// The body as received (at most the client's response limit).
    pub body: String,
    /// Why it does not decode.
    pub source: serde_json::Error,
    /// The request-id response header, when the server sent one.
    pub request_id: Option<String>,
    /// The idempotency key the call was sent with, if any.
    pub idempotency_key: Option<String>,
    /// How many attempts the call made.
    pub attempts: u32,
}

fn decode_message(decode: &DecodeError) -> String {
    format!(
        "StableMint answered HTTP {} with a body that is not a valid response ({}); the API \
         may have changed, so check for a newer stablemint crate{}",
        decode.status,
        shown(&decode.source.to_string(), MESSAGE_LIMIT),
        call_lines(
            decode.request_id.as_deref(),
            decode.idempotency_key.as_deref(),
            decode.attempts,
            false
        )
    )
}

fn transport_message(
    source: &reqwest::Error,
    idempotency_key: Option<&str>,
    attempts: u32,
    retry_budget_exhausted: bool,
) -> String {
    // reqwest's own message is generic ("error sending request"); the cause (refused,
    // DNS, TLS, timeout) is in its source chain.
    let mut message = format!(
        "could not reach StableMint: {}",
        shown(&source.to_string(), 500)
    );
    let mut cause = std::error::Error::source(source);
    while let Some(error) = cause {
        message.push_str(": ");
        message.push_str(&shown(&error.to_string(), 300));
        cause = error.source();
    }
    if source.is_timeout() {
        message.push_str("\n  the attempt timed out: raise `ClientBuilder::timeout` or retry");
    } else if source.is_connect() {
        message.push_str("\n  check the base URL and the network, then retry");
    }
    if retry_budget_exhausted {
        message.push_str(BUDGET_LINE);
    }
    message.push_str(&call_lines(None, idempotency_key, attempts, true));
    message
}

/// What an error says when the retry budget stopped its call.
const BUDGET_LINE: &str = "\n  no retry was made: this client's retry budget is spent, \
                           because many of its calls failed and were retried lately (as \
                           when StableMint is failing); it refills as calls succeed";

/// Which side of an attempt a panicking hook was called on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HookStage {
    /// [`AttemptHook::before_attempt`](crate::AttemptHook::before_attempt): the attempt
    /// was not sent.
    BeforeAttempt,
    /// [`AttemptHook::after_attempt`](crate::AttemptHook::after_attempt): the attempt
    /// was sent and ended; its result was not used.
    AfterAttempt,
}

/// An [`AttemptHook`](crate::AttemptHook) panicked: which side of which attempt, and
/// its message.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HookError {
    pub(crate) stage: HookStage,
    pub(crate) attempt: u32,
    pub(crate) message: String,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) attempts: u32,
}

impl HookError {
    /// Which side of the attempt the hook panicked on.
    pub fn stage(&self) -> HookStage {
        self.stage
    }

    /// The attempt the hook was called for: 1 for the first.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The panic's message, with control characters escaped.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.stage {
            HookStage::BeforeAttempt => write!(
                f,
                "an attempt hook panicked before attempt {} was sent ({}), so the call \
                 stopped and that attempt was not sent\n  fix the hook: a hook must not \
                 panic; the client itself is unaffected",
                self.attempt, self.message
            )?,
            HookStage::AfterAttempt => write!(
                f,
                "an attempt hook panicked after attempt {} ({}), so the call stopped and \
                 its result was not used; StableMint may have carried out the request\n  \
                 fix the hook: a hook must not panic; the client itself is unaffected",
                self.attempt, self.message
            )?,
        }
        f.write_str(&call_lines(
            None,
            self.idempotency_key.as_deref(),
            self.attempts,
            self.stage == HookStage::AfterAttempt,
        ))
    }
}

impl std::error::Error for HookError {}

/// The lines that identify a call: its request id, its attempts and its idempotency
/// key. The advice to send the request again with the key is given only when `retry`
/// says that can help: the request may or may not have been carried out (a transport
/// error, a timeout, 429 or 5xx), not when StableMint refused it.
fn call_lines(
    request_id: Option<&str>,
    idempotency_key: Option<&str>,
    attempts: u32,
    retry: bool,
) -> String {
    let mut lines = String::new();
    if let Some(id) = request_id {
        lines.push_str(&format!("\n  request id: {}", shown(id, 200)));
    }
    if attempts > 0 {
        lines.push_str(&format!("\n  attempts: {attempts}"));
    }
    if let Some(key) = idempotency_key {
        let key = escape_controls(key);
        if retry {
            lines.push_str(&format!(
                "\n  idempotency key: {key}; to retry without creating a duplicate, send \
                 the request again with this key"
            ));
        } else {
            lines.push_str(&format!("\n  idempotency key: {key}"));
        }
    }
    lines
}

/// The body of an error response: the raw text, and the same parsed as JSON when it is
/// JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiBody {
    // Boxed so that `Error` stays small.
    inner: Box<(String, Option<serde_json::Value>)>,
}

impl ApiBody {
    pub(crate) fn new(text: String) -> Self {
        let json = serde_json::from_str(&text).ok();
        Self {
            inner: Box::new((text, json)),
        }
    }

    /// The body exactly as received (up to the client's response limit). It is server
    /// text: escape it before showing it (see [`escape_controls`](crate::escape_controls)).
    pub fn text(&self) -> &str {
        &self.inner.0
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<&serde_json::Value> {
        self.inner.1.as_ref()
    }

    /// The server's own explanation, safe to print: the JSON `message` (or `error`,
    /// `detail`, `title`) string when there is one, else the text; control characters
    /// escaped, shortened to 300 characters.
    pub fn message(&self) -> String {
        let from_json = self.json().and_then(|json| {
            ["message", "error", "detail", "title"]
                .iter()
                .find_map(|key| json.get(key)?.as_str())
        });
        shown(from_json.unwrap_or(self.text()), MESSAGE_LIMIT)
    }
}

impl fmt::Display for ApiBody {
    /// The body's text with control characters escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape_controls(self.text()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_text_body_is_escaped_when_shown() {
        let body = ApiBody::new("bad\u{1b}[2J\nfake line".into());
        assert_eq!(body.to_string(), r"bad\u{1b}[2J\u{a}fake line");
        assert_eq!(body.message(), r"bad\u{1b}[2J\u{a}fake line");
        assert_eq!(body.text(), "bad\u{1b}[2J\nfake line");
        assert!(body.json().is_none());
    }

    #[test]
    fn the_message_prefers_the_json_fields_in_order_and_is_cut() {
        let body = ApiBody::new(r#"{"error": "e", "message": "m"}"#.into());
        assert_eq!(body.message(), "m");
        let body = ApiBody::new(r#"{"title": "t", "detail": "d"}"#.into());
        assert_eq!(body.message(), "d");
        let long = ApiBody::new("y".repeat(400));
        assert_eq!(long.message().chars().count(), 301);
        assert!(long.message().ends_with('…'));
    }
}
