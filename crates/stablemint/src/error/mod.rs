//! What can go wrong with a call.
//!
//! Every text that came from the server (its message, a `Location`, a request id) is
//! shown with its control characters escaped: an error message is often printed to a
//! terminal or a log, and a hostile server must not be able to run escape sequences or
//! forge lines there.

mod api;
mod lines;

use std::fmt;
use std::time::Duration;

use stablemint_validate::ValidationErrors;
use stablemint_wire::shown;

pub use api::{ApiBody, ApiError};
pub(crate) use api::{DecodedBody, SKEW_TOLERANCE_SECS};
use lines::{BUDGET_LINE, MESSAGE_LIMIT, call_lines};

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
