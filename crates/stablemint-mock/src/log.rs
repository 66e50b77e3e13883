//! What the server reports about each request: [`RequestLog`].

use std::fmt;
use std::time::Duration;

/// One request, as reported to the hook of
/// [`MockConfig::on_request`](crate::MockConfig::on_request) and logged with `tracing`.
///
/// It holds nothing a client sent except the method and the path (without the query
/// string): no header value, no body, no credential.
///
/// `Display` writes it as one line, as the `stablemint mock` command prints it:
///
/// ```text
/// POST /session/embedded 401 bad_signature 0.4 ms req_3f9c0a7d51e2b846
/// POST /session/embedded dropped (drop_connection) 0.1 ms req_91d0c3a4b5e6f708
/// ```
///
/// Control characters in the path are escaped, so a line cannot be forged or colour a
/// terminal.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestLog {
    /// The request method, such as `POST`.
    pub method: String,
    /// The request path, without the query string.
    pub path: String,
    /// The operation the request was routed to (its operationId), if any.
    pub operation: Option<&'static str>,
    /// The status answered, or `None` when the connection was dropped without an
    /// answer (an injected fault).
    pub status: Option<u16>,
    /// The error code of an error answer (`bad_signature`, …), `None` for a 200.
    pub code: Option<&'static str>,
    /// The injected fault that applied to the request, by name (`status`,
    /// `drop_connection`, `drop_after_processing`, `delay`), if any.
    pub fault: Option<&'static str>,
    /// The time from the request's head arriving to its answer being handed to the
    /// connection (or the connection being dropped), injected delays included.
    pub latency: Duration,
    /// The request id sent in the `x-request-id` header (made for
    /// dropped requests too, though never sent for them).
    pub request_id: String,
}

impl fmt::Display for RequestLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} ",
            self.method,
            stablemint_wire::escape_controls(&self.path)
        )?;
        match (self.status, self.code) {
            (Some(status), Some(code)) => write!(f, "{status} {code}")?,
            (Some(status), None) => write!(f, "{status}")?,
            (None, _) => write!(f, "dropped ({})", self.fault.unwrap_or("fault"))?,
        }
        let millis = self.latency.as_secs_f64() * 1000.0;
        write!(f, " {millis:.1} ms {}", self.request_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(status: Option<u16>, code: Option<&'static str>, path: &str) -> RequestLog {
        RequestLog {
            method: "POST".into(),
            path: path.into(),
            operation: None,
            status,
            code,
            fault: None,
            latency: Duration::from_micros(1_250),
            request_id: "req_0123456789abcdef".into(),
        }
    }

    #[test]
    fn one_line_per_request() {
        assert_eq!(
            log(Some(200), None, "/session/embedded").to_string(),
            "POST /session/embedded 200 1.2 ms req_0123456789abcdef"
        );
        assert_eq!(
            log(Some(401), Some("bad_signature"), "/session/embedded").to_string(),
            "POST /session/embedded 401 bad_signature 1.2 ms req_0123456789abcdef"
        );
        let mut dropped = log(None, None, "/session/embedded");
        dropped.fault = Some("drop_connection");
        assert_eq!(
            dropped.to_string(),
            "POST /session/embedded dropped (drop_connection) 1.2 ms req_0123456789abcdef"
        );
    }

    #[test]
    fn control_characters_in_the_path_are_escaped() {
        let line = log(Some(404), Some("not_found"), "/a\nPOST /b\x1b[31m").to_string();
        assert!(!line.contains('\n') && !line.contains('\x1b'), "{line:?}");
    }
}
