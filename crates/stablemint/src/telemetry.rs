//! What the client tells `tracing` about calls and attempts, in OpenTelemetry's terms.
//!
//! Every call is one span, opened by its generated method with [`call_span!`] (the
//! logical operation: `stablemint.operation`, `stablemint.idempotency_key`,
//! `stablemint.request_id`, `stablemint.attempts`, `stablemint.outcome`). Under it, each
//! attempt is one span named after its method ([`attempt_span!`]) with the stable HTTP
//! client conventions' attributes, so that `tracing-opentelemetry` exports it as an
//! HTTP client span. Both are created by macros so that every operation has call sites
//! of its own with literal names, and so that a span nobody listens to evaluates none of
//! its fields.
//!
//! Integer attributes are recorded as `i64`: `tracing-opentelemetry` exports `u64` and
//! `u16` fields as text, and the conventions type `server.port`,
//! `http.response.status_code` and `http.request.resend_count` as `int`.

#[cfg(any(feature = "metrics", test))]
use std::borrow::Cow;

use crate::error::Error;

/// The span of one call, opened by the generated method of operation `$id`.
macro_rules! call_span {
    ($name:literal, $id:literal) => {
        tracing::info_span!(
            $name,
            "stablemint.operation" = $id,
            "stablemint.idempotency_key" = tracing::field::Empty,
            "stablemint.request_id" = tracing::field::Empty,
            "stablemint.attempts" = tracing::field::Empty,
            "stablemint.outcome" = tracing::field::Empty,
            "error.type" = tracing::field::Empty,
            "otel.status_code" = tracing::field::Empty,
        )
    };
}
pub(crate) use call_span;

/// The span of one attempt (the physical request) of an operation sent with `$method`
/// to the path template `$template`: an HTTP client span by OpenTelemetry's stable
/// conventions, named `{method}` for `tracing` and `{method} {url.template}` for
/// OpenTelemetry (`otel.name`), as the conventions ask when a template is known.
macro_rules! attempt_span {
    ($method:literal, $template:literal, $server:expr, $attempt:expr) => {{
        let server: &$crate::telemetry::Server = $server;
        let attempt: u32 = $attempt;
        tracing::info_span!(
            $method,
            "otel.name" = concat!($method, " ", $template),
            "otel.kind" = "client",
            "otel.status_code" = tracing::field::Empty,
            "http.request.method" = $method,
            "server.address" = server.address(),
            "server.port" = server.port(),
            "url.template" = $template,
            "http.request.resend_count" = $crate::telemetry::resend_count(attempt),
            "http.response.status_code" = tracing::field::Empty,
            "error.type" = tracing::field::Empty,
        )
    }};
}
pub(crate) use attempt_span;

/// The server requests go to, as the conventions name it.
#[derive(Debug, Clone)]
pub(crate) struct Server {
    /// `server.address`: the base URL's host (an IPv6 address without brackets).
    address: String,
    /// `server.port`: the base URL's port, or its scheme's.
    port: i64,
}

impl Server {
    /// The host and port of `url`.
    pub(crate) fn of(url: &reqwest::Url) -> Self {
        let host = url.host_str().unwrap_or_default();
        let address = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        Self {
            address,
            port: url.port_or_known_default().map_or(0, i64::from),
        }
    }

    /// `server.address`.
    pub(crate) fn address(&self) -> &str {
        &self.address
    }

    /// `server.port`.
    pub(crate) fn port(&self) -> i64 {
        self.port
    }
}

/// `http.request.resend_count` for attempt number `attempt` (1 for the first): absent on
/// the first attempt, 1 on the second.
pub(crate) fn resend_count(attempt: u32) -> Option<i64> {
    (attempt > 1).then(|| i64::from(attempt - 1))
}

/// Why an attempt or a call failed, as `error.type` says it: the status code of an
/// answer, or a short name of a fixed list (see the README's "Observability").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorType {
    /// An answer with this status.
    Status(u16),
    /// A failure without an answer, by name.
    Named(&'static str),
}

impl ErrorType {
    /// No answer within the attempt's timeout.
    pub(crate) const TIMEOUT: ErrorType = ErrorType::Named("timeout");
    /// The call's deadline passed during the attempt, which was then abandoned.
    pub(crate) const DEADLINE: ErrorType = ErrorType::Named("deadline");
    /// The request was invalid, so nothing was sent.
    pub(crate) const VALIDATION: ErrorType = ErrorType::Named("validation");
    /// An attempt hook panicked.
    pub(crate) const HOOK: ErrorType = ErrorType::Named("hook");

    /// The `error.type` of `error`.
    pub(crate) fn of(error: &Error) -> ErrorType {
        match error {
            Error::Api(api) => ErrorType::Status(api.status),
            Error::Transport { source, .. } => ErrorType::Named(if source.is_timeout() {
                "timeout"
            } else if source.is_connect() {
                "connect"
            } else if source.is_body() || source.is_decode() {
                "response_body"
            } else {
                "request"
            }),
            Error::Decode(_) => ErrorType::Named("decode"),
            Error::ResponseTooLarge { .. } => ErrorType::Named("response_too_large"),
            Error::Deadline { .. } => ErrorType::DEADLINE,
            Error::Validation(_) => ErrorType::VALIDATION,
            Error::Config(_) => ErrorType::Named("config"),
            Error::Hook(_) => ErrorType::HOOK,
        }
    }

    /// As text: `"503"`, `"timeout"`. A status is written into `buffer`, so that a span
    /// can record it without allocating.
    pub(crate) fn as_str<'b>(&self, buffer: &'b mut [u8; 3]) -> &'b str {
        match *self {
            ErrorType::Named(name) => name,
            ErrorType::Status(status) if (100..=999).contains(&status) => {
                buffer[0] = b'0' + (status / 100) as u8;
                buffer[1] = b'0' + (status / 10 % 10) as u8;
                buffer[2] = b'0' + (status % 10) as u8;
                std::str::from_utf8(buffer).unwrap_or("_OTHER")
            }
            ErrorType::Status(_) => "_OTHER",
        }
    }

    /// As owned or static text.
    #[cfg(any(feature = "metrics", test))]
    pub(crate) fn to_text(self) -> Cow<'static, str> {
        match self {
            ErrorType::Named(name) => Cow::Borrowed(name),
            status => {
                let mut buffer = [0; 3];
                Cow::Owned(status.as_str(&mut buffer).to_owned())
            }
        }
    }
}

/// Why a call stopped, as `stablemint.outcome` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// An attempt succeeded.
    Success,
    /// The request was invalid; nothing was sent.
    Invalid,
    /// An attempt failed in a way that is not retried (a 4xx, a call that is not safe to
    /// repeat, an answer that does not decode).
    Failed,
    /// Every retry the policy allows was made.
    RetriesExhausted,
    /// A retry was due, but the client's retry budget was spent.
    RetryBudgetExhausted,
    /// The call's deadline passed, or left no time for another attempt.
    Deadline,
    /// An attempt hook panicked.
    HookPanicked,
}

impl Outcome {
    /// The value of `stablemint.outcome`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Invalid => "invalid",
            Outcome::Failed => "failed",
            Outcome::RetriesExhausted => "retries_exhausted",
            Outcome::RetryBudgetExhausted => "retry_budget_exhausted",
            Outcome::Deadline => "deadline",
            Outcome::HookPanicked => "hook_panicked",
        }
    }
}

/// Records the end of the call on its span (only called when the span is enabled).
pub(crate) fn record_call_end(
    span: &tracing::Span,
    outcome: Outcome,
    attempts: u32,
    error: Option<ErrorType>,
    request_id: Option<&str>,
) {
    span.record("stablemint.outcome", outcome.as_str());
    span.record("stablemint.attempts", i64::from(attempts));
    if let Some(id) = request_id {
        // Server text: escaped, and cut.
        span.record(
            "stablemint.request_id",
            stablemint_wire::shown(id, 200).as_str(),
        );
    }
    if let Some(error) = error {
        let mut buffer = [0; 3];
        span.record("error.type", error.as_str(&mut buffer));
        span.record("otel.status_code", "ERROR");
    }
}

/// Records the end of an attempt on its span (only called when the span is enabled): the
/// status of the answer, if one came, and why it failed, if it did.
pub(crate) fn record_attempt_end(
    span: &tracing::Span,
    status: Option<u16>,
    error: Option<ErrorType>,
) {
    if let Some(status) = status {
        span.record("http.response.status_code", i64::from(status));
    }
    if let Some(error) = error {
        let mut buffer = [0; 3];
        span.record("error.type", error.as_str(&mut buffer));
        span.record("otel.status_code", "ERROR");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_written_as_three_digits_and_names_as_given() {
        let mut buffer = [0; 3];
        assert_eq!(ErrorType::Status(503).as_str(&mut buffer), "503");
        assert_eq!(ErrorType::Status(401).as_str(&mut buffer), "401");
        assert_eq!(ErrorType::Status(100).as_str(&mut buffer), "100");
        assert_eq!(ErrorType::Status(999).as_str(&mut buffer), "999");
        assert_eq!(ErrorType::Status(42).as_str(&mut buffer), "_OTHER");
        assert_eq!(ErrorType::Status(1000).as_str(&mut buffer), "_OTHER");
        assert_eq!(ErrorType::TIMEOUT.as_str(&mut buffer), "timeout");
        assert_eq!(ErrorType::Status(409).to_text(), "409");
        assert_eq!(ErrorType::DEADLINE.to_text(), "deadline");
    }

    #[test]
    fn the_resend_count_starts_at_the_second_attempt() {
        assert_eq!(resend_count(1), None);
        assert_eq!(resend_count(2), Some(1));
        assert_eq!(resend_count(7), Some(6));
    }

    #[test]
    fn the_server_is_the_base_urls_host_and_port() {
        let server = Server::of(&"https://api.example.com/v1".parse().unwrap());
        assert_eq!((server.address(), server.port()), ("api.example.com", 443));
        let server = Server::of(&"http://127.0.0.1:8080".parse().unwrap());
        assert_eq!((server.address(), server.port()), ("127.0.0.1", 8080));
        let server = Server::of(&"http://[::1]:9000".parse().unwrap());
        assert_eq!((server.address(), server.port()), ("::1", 9000));
    }
}
