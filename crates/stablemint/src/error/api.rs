//! An answer from StableMint with a status other than success: [`ApiError`], its body
//! ([`ApiBody`]) and the declared error type it decodes as.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use stablemint_wire::{escape_controls, shown};

use super::lines::{BUDGET_LINE, MESSAGE_LIMIT, call_lines};

/// How far (in seconds) the server's `Date` may be from the timestamp a request was
/// signed with before the clock is named as the likely cause of a 401.
pub(crate) const SKEW_TOLERANCE_SECS: i64 = 30;

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
