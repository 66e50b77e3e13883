//! Hooks around each attempt: code of the application's that sees every request the
//! client sends, may add headers to it, and sees how it ended.

use std::any::Any;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// Code called around each attempt of every call: before the request is sent (to read it
/// and add headers) and after it ended (to see the status or the error and how long it
/// took). Install it with [`ClientBuilder::hook`](crate::ClientBuilder::hook); several
/// hooks run in the order they were added.
///
/// Uses: propagating a trace context to StableMint (a W3C `traceparent`; off unless you
/// install a hook for it, since StableMint is a third party), a header of your own,
/// counting attempts in your own metrics, an audit line per request.
///
/// Both methods run on the task that makes the call, so keep them short. A hook that
/// panics does not poison the client: the call fails with [`Error::Hook`](crate::Error::Hook)
/// and later calls run as usual. (With `panic = "abort"` there is nothing to catch.)
///
/// # Example: W3C trace context, from the current span
///
/// With `tracing-opentelemetry`, `before_attempt` runs inside the attempt's span, so the
/// server's span becomes its child:
///
/// ```
/// use opentelemetry::propagation::{Injector, TextMapPropagator};
/// use opentelemetry_sdk::propagation::TraceContextPropagator;
/// use stablemint::reqwest::header::{HeaderName, HeaderValue};
/// use stablemint::{AttemptHook, AttemptRequest};
/// use tracing_opentelemetry::OpenTelemetrySpanExt;
///
/// struct TraceContext;
///
/// impl AttemptHook for TraceContext {
///     fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
///         struct Headers<'r, 'a>(&'r mut AttemptRequest<'a>);
///         impl Injector for Headers<'_, '_> {
///             fn set(&mut self, key: &str, value: String) {
///                 if let (Ok(name), Ok(value)) =
///                     (HeaderName::try_from(key), HeaderValue::try_from(value))
///                 {
///                     // Refused only for a header the request already has.
///                     let _ = self.0.add_header(name, value);
///                 }
///             }
///         }
///         let context = tracing::Span::current().context();
///         TraceContextPropagator::new().inject_context(&context, &mut Headers(request));
///     }
/// }
///
/// # fn build(credentials: stablemint::Credentials) -> Result<(), stablemint::Error> {
/// let client = stablemint::Client::builder(credentials)
///     .hook(TraceContext)
///     .build()?;
/// # Ok(()) }
/// ```
///
/// # Example: an audit line and a header of your own
///
/// ```
/// use stablemint::reqwest::header::{HeaderName, HeaderValue};
/// use stablemint::{AttemptHook, AttemptOutcome, AttemptRequest};
///
/// struct Audit;
///
/// impl AttemptHook for Audit {
///     fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
///         let _ = request.add_header(
///             HeaderName::from_static("x-shop-region"),
///             HeaderValue::from_static("eu-1"),
///         );
///     }
///
///     fn after_attempt(&self, outcome: &AttemptOutcome<'_>) {
///         // Neither the URL (it carries parameters) nor any header value: only what
///         // names the request and how it ended.
///         eprintln!(
///             "stablemint {} {} attempt {}: {} in {} ms",
///             outcome.method(),
///             outcome.url_template(),
///             outcome.attempt(),
///             outcome
///                 .status()
///                 .map_or_else(|| outcome.error_type().unwrap_or("?").to_owned(), |s| s.to_string()),
///             outcome.duration().as_millis(),
///         );
///     }
/// }
/// ```
pub trait AttemptHook: Send + Sync + 'static {
    /// Called once the request of an attempt is built (signed, with every header), just
    /// before it is sent. It may add headers ([`AttemptRequest::add_header`]); it cannot
    /// change or remove any header the request already has, the authentication headers
    /// among them.
    fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
        let _ = request;
    }

    /// Called when an attempt ended: answered (any status), failed (a timeout, a broken
    /// connection, ...) or abandoned at the call's deadline.
    fn after_attempt(&self, outcome: &AttemptOutcome<'_>) {
        let _ = outcome;
    }
}

/// What every hook call knows of its attempt.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AttemptInfo {
    pub(crate) operation_id: &'static str,
    pub(crate) method: &'static str,
    pub(crate) url_template: &'static str,
    pub(crate) attempt: u32,
}

/// The request of one attempt, as [`AttemptHook::before_attempt`] sees it.
pub struct AttemptRequest<'a> {
    info: &'a AttemptInfo,
    request: &'a mut reqwest::Request,
}

impl AttemptRequest<'_> {
    /// The operation's id in the spec: `createEmbeddedSession`.
    pub fn operation_id(&self) -> &'static str {
        self.info.operation_id
    }

    /// The HTTP method: `POST`.
    pub fn method(&self) -> &'static str {
        self.info.method
    }

    /// The spec's path template: `/session/{sessionId}`. Low-cardinality: fit for metric
    /// attributes and log lines.
    pub fn url_template(&self) -> &'static str {
        self.info.url_template
    }

    /// The URL the request goes to, with its path and query parameters filled in. Those
    /// are your users' and sessions' identifiers: do not log or export it.
    pub fn url(&self) -> &reqwest::Url {
        self.request.url()
    }

    /// Which attempt of the call this is: 1 for the first.
    pub fn attempt(&self) -> u32 {
        self.info.attempt
    }

    /// The request's headers as they will be sent, except those reqwest adds when it
    /// sends (`User-Agent`, `Host`, `Content-Length`). The authentication headers are
    /// marked sensitive, so that their `Debug` output is `Sensitive`; never log their
    /// values.
    pub fn headers(&self) -> &HeaderMap {
        self.request.headers()
    }

    /// Adds the header `name: value` to the request.
    ///
    /// Refused, and the request left as it was, for a header the request already has
    /// (the authentication headers, `api-version`, `accept`, `content-type`, or one an
    /// earlier hook added), for the authentication headers' names even where an
    /// operation sends none, and for the headers that frame the message or the
    /// connection (`host`, `content-length`, `transfer-encoding`, `connection`, `te`,
    /// `trailer`, `upgrade`, `keep-alive`, `proxy-connection`), which reqwest writes.
    pub fn add_header(
        &mut self,
        name: HeaderName,
        value: HeaderValue,
    ) -> Result<(), HeaderRefused> {
        let reason = if stablemint_wire::headers::AUTH_HEADERS.contains(&name.as_str()) {
            Some("it is an authentication header, which the client computes")
        } else if FRAMING.contains(&name.as_str()) {
            Some("it frames the message or the connection, which reqwest writes")
        } else if self.request.headers().contains_key(&name) {
            Some("the request has it already, and a hook may only add headers")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(HeaderRefused { name, reason }),
            None => {
                self.request.headers_mut().insert(name, value);
                Ok(())
            }
        }
    }
}

impl fmt::Debug for AttemptRequest<'_> {
    /// The operation, the method, the template, the attempt and the headers (the
    /// authentication headers' values shown as `Sensitive`); not the URL, which carries
    /// parameters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttemptRequest")
            .field("operation_id", &self.info.operation_id)
            .field("method", &self.info.method)
            .field("url_template", &self.info.url_template)
            .field("attempt", &self.info.attempt)
            .field("headers", self.request.headers())
            .finish_non_exhaustive()
    }
}

/// The headers a hook may not add: reqwest and hyper write these themselves.
const FRAMING: [&str; 9] = [
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "te",
    "trailer",
    "upgrade",
    "keep-alive",
    "proxy-connection",
];

/// A header [`AttemptRequest::add_header`] did not add, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderRefused {
    name: HeaderName,
    reason: &'static str,
}

impl HeaderRefused {
    /// The header's name.
    pub fn name(&self) -> &HeaderName {
        &self.name
    }
}

impl fmt::Display for HeaderRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the hook's header `{}` was not added: {}",
            self.name, self.reason
        )
    }
}

impl std::error::Error for HeaderRefused {}

/// How an attempt ended, as [`AttemptHook::after_attempt`] sees it.
#[derive(Debug)]
pub struct AttemptOutcome<'a> {
    pub(crate) info: &'a AttemptInfo,
    pub(crate) status: Option<u16>,
    pub(crate) error_type: Option<&'a str>,
    pub(crate) duration: Duration,
    pub(crate) request_id: Option<&'a str>,
}

impl AttemptOutcome<'_> {
    /// The operation's id in the spec: `createEmbeddedSession`.
    pub fn operation_id(&self) -> &'static str {
        self.info.operation_id
    }

    /// The HTTP method: `POST`.
    pub fn method(&self) -> &'static str {
        self.info.method
    }

    /// The spec's path template: `/session/{sessionId}`.
    pub fn url_template(&self) -> &'static str {
        self.info.url_template
    }

    /// Which attempt of the call this was: 1 for the first.
    pub fn attempt(&self) -> u32 {
        self.info.attempt
    }

    /// The status of the answer, when one came.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// Why the attempt failed, as the spans' `error.type` says it: the status (`"503"`)
    /// for an answer that is not a success, or `timeout`, `connect`, `request`,
    /// `response_body`, `decode`, `response_too_large`, `deadline`, `config`. `None`
    /// when it succeeded.
    pub fn error_type(&self) -> Option<&str> {
        self.error_type
    }

    /// How long the attempt took, from signing to the end of the answer.
    pub fn duration(&self) -> Duration {
        self.duration
    }

    /// The server's request id (the `x-request-id` response header), when it sent one.
    /// It is server text: escape it before showing it
    /// ([`escape_controls`](crate::escape_controls)).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id
    }
}

/// The hooks of a client, in the order they were added.
#[derive(Default)]
pub(crate) struct Hooks(Vec<Box<dyn AttemptHook>>);

impl Hooks {
    pub(crate) fn push(&mut self, hook: impl AttemptHook) {
        self.0.push(Box::new(hook));
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What runs just before the request of attempt `info` is sent: it marks the
/// authentication headers sensitive and calls every hook's `before_attempt`; a panic is
/// caught and becomes the `Err` that stops the request.
pub(crate) fn before_send(
    hooks: Arc<Hooks>,
    info: AttemptInfo,
) -> impl FnOnce(&mut reqwest::Request) -> Result<(), String> + Send + 'static {
    move |request: &mut reqwest::Request| {
        for name in stablemint_wire::headers::AUTH_HEADERS {
            if let Some(value) = request.headers_mut().get_mut(name) {
                value.set_sensitive(true);
            }
        }
        for hook in &hooks.0 {
            let mut view = AttemptRequest {
                info: &info,
                request: &mut *request,
            };
            // Unwind safety: a hook that panics leaves at most a half-changed request,
            // which is then dropped unsent; the client holds no lock and no state that
            // the hook could have seen half-updated. The hook's own state is its own.
            catch_unwind(AssertUnwindSafe(|| hook.before_attempt(&mut view)))
                .map_err(panic_text)?;
        }
        Ok(())
    }
}

/// Calls every hook's `after_attempt`; the text of the first panic, if one panicked.
pub(crate) fn after_attempt(hooks: &Hooks, outcome: &AttemptOutcome<'_>) -> Result<(), String> {
    for hook in &hooks.0 {
        // As in `before_send`: the outcome is read-only, and the client's state is not
        // in the middle of a change.
        catch_unwind(AssertUnwindSafe(|| hook.after_attempt(outcome))).map_err(panic_text)?;
    }
    Ok(())
}

/// A panic's message, escaped and cut, as an error may show it.
fn panic_text(payload: Box<dyn Any + Send>) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
    match text {
        Some(text) => stablemint_wire::shown(text, 300),
        None => "a panic whose payload is not text".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> reqwest::Request {
        let mut request = reqwest::Request::new(
            reqwest::Method::POST,
            "http://127.0.0.1:1/session/embedded".parse().unwrap(),
        );
        let headers = request.headers_mut();
        headers.insert("api_key", HeaderValue::from_static("made-up-key"));
        headers.insert("signature", HeaderValue::from_static("made-up-signature"));
        headers.insert("timestamp", HeaderValue::from_static("1700000000"));
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        request
    }

    const INFO: AttemptInfo = AttemptInfo {
        operation_id: "createEmbeddedSession",
        method: "POST",
        url_template: "/session/embedded",
        attempt: 2,
    };

    #[test]
    fn hooks_add_headers_but_change_none_the_request_has() {
        let mut request = request();
        let mut view = AttemptRequest {
            info: &INFO,
            request: &mut request,
        };
        view.add_header(
            HeaderName::from_static("x-custom"),
            HeaderValue::from_static("1"),
        )
        .unwrap();
        for name in [
            "signature",
            "api_key",
            "timestamp",
            "content-type",
            "x-custom",
        ] {
            let refused = view
                .add_header(HeaderName::from_static(name), HeaderValue::from_static("x"))
                .unwrap_err();
            assert_eq!(refused.name(), name);
            assert!(refused.to_string().contains(name), "{refused}");
        }
        for name in ["host", "content-length", "transfer-encoding", "connection"] {
            let refused = view
                .add_header(HeaderName::from_static(name), HeaderValue::from_static("x"))
                .unwrap_err();
            assert!(refused.to_string().contains("frames"), "{refused}");
        }
        assert_eq!(request.headers()["signature"], "made-up-signature");
        assert_eq!(request.headers()["x-custom"], "1");
        assert_eq!(request.headers().get_all("signature").iter().count(), 1);
        assert_eq!(request.headers().len(), 5);
    }

    #[test]
    fn an_operation_without_authentication_still_gets_no_auth_header_from_a_hook() {
        let mut request =
            reqwest::Request::new(reqwest::Method::GET, "http://127.0.0.1:1/".parse().unwrap());
        let mut view = AttemptRequest {
            info: &INFO,
            request: &mut request,
        };
        let refused = view
            .add_header(
                HeaderName::from_static("signature"),
                HeaderValue::from_static("forged"),
            )
            .unwrap_err();
        assert!(refused.to_string().contains("authentication"), "{refused}");
        assert!(request.headers().is_empty());
    }

    #[test]
    fn the_view_shows_the_attempt_and_hides_the_auth_values() {
        struct Look;
        impl AttemptHook for Look {
            fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
                assert_eq!(request.operation_id(), "createEmbeddedSession");
                assert_eq!(request.method(), "POST");
                assert_eq!(request.url_template(), "/session/embedded");
                assert_eq!(request.url().path(), "/session/embedded");
                assert_eq!(request.attempt(), 2);
                let shown = format!("{request:?}");
                assert!(!shown.contains("made-up-signature"), "{shown}");
                assert!(!shown.contains("made-up-key"), "{shown}");
                assert!(shown.contains("Sensitive"), "{shown}");
                assert!(shown.contains("application/json"), "{shown}");
                assert!(!shown.contains("127.0.0.1"), "{shown}");
            }
        }
        let mut hooks = Hooks::default();
        hooks.push(Look);
        let mut request = request();
        before_send(Arc::new(hooks), INFO)(&mut request).unwrap();
        assert!(request.headers()["signature"].is_sensitive());
    }

    #[test]
    fn a_panic_becomes_text_and_later_hooks_do_not_run() {
        struct Panics;
        impl AttemptHook for Panics {
            fn before_attempt(&self, _: &mut AttemptRequest<'_>) {
                panic!("hook broke\u{1b}[2J");
            }
        }
        struct Adds;
        impl AttemptHook for Adds {
            fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
                request
                    .add_header(
                        HeaderName::from_static("x-after"),
                        HeaderValue::from_static("1"),
                    )
                    .unwrap();
            }
        }
        let mut hooks = Hooks::default();
        hooks.push(Panics);
        hooks.push(Adds);
        let mut request = request();
        let error = before_send(Arc::new(hooks), INFO)(&mut request).unwrap_err();
        assert_eq!(error, r"hook broke\u{1b}[2J");
        assert!(!request.headers().contains_key("x-after"));

        assert_eq!(
            panic_text(Box::new(String::from("owned"))),
            "owned".to_owned()
        );
        assert_eq!(
            panic_text(Box::new(7_u8)),
            "a panic whose payload is not text"
        );
    }
}
