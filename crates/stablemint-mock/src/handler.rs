//! One request: the header limit, routing, injected faults, the answer with its `Date`
//! and request id, and one log line.

use std::time::{Duration, Instant};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use crate::Fault;
use crate::api_error::{ApiError, Code, json_response};
use crate::log::RequestLog;
use crate::state::{Shared, http_date, request_id};
use crate::{body, create_session};

/// The one route the mock serves.
pub(crate) const ROUTE: &str = "/session/embedded";

/// The most header bytes (names, values, and 4 bytes of `: ` and CRLF for each field)
/// the mock accepts; more is answered 431 `headers_too_large`. hyper refuses a head
/// larger than its buffer (about 400 KB) or with more than 100 fields itself.
pub(crate) const MAX_HEADER_BYTES: usize = 32 * 1024;

/// How the connection should answer.
pub(crate) enum Reply {
    /// Write this response.
    Respond(Response<Full<Bytes>>),
    /// Close the connection without writing anything (an injected fault).
    DropConnection,
}

/// Answers one request. Never panics on any input, and answers every failure with the
/// JSON error shape.
pub(crate) async fn handle(shared: &Shared, request: Request<Incoming>) -> Reply {
    let started = Instant::now();
    shared.count_request();
    let (parts, mut body) = request.into_parts();
    let mut log = RequestLog {
        method: parts.method.to_string(),
        // Only the path is kept: a query string could carry anything.
        path: parts.uri.path().to_owned(),
        status: None,
        code: None,
        fault: None,
        latency: Duration::ZERO,
        request_id: request_id(),
    };

    let mut fault = None;
    let result = if header_bytes(&parts.headers) > MAX_HEADER_BYTES {
        Err(ApiError::new(
            Code::HeadersTooLarge,
            format!(
                "the request's headers add up to more than the {MAX_HEADER_BYTES} bytes this \
                 server accepts; send fewer or shorter headers"
            ),
        ))
    } else if log.path != ROUTE {
        Err(ApiError::new(
            Code::NotFound,
            format!(
                "there is no such endpoint here: the mock serves only POST {ROUTE}, and does \
                 not implement StableMint's other operations"
            ),
        ))
    } else if parts.method != Method::POST {
        Err(ApiError::new(
            Code::MethodNotAllowed,
            format!("{ROUTE} accepts only POST; send the request with POST"),
        ))
    } else {
        fault = shared.take_fault();
        log.fault = fault.map(Fault::name);
        match fault {
            Some(Fault::DropConnection) => return dropped(shared, log, started),
            Some(Fault::Status(status)) => Err(ApiError::injected(status)),
            _ => create_session::create(shared, &parts.headers, &mut body, shared.now()).await,
        }
    };

    let mut response = match result {
        Ok(session) => json_response(StatusCode::OK, session),
        Err(error) => {
            log.code = Some(error.code().as_str());
            error.into_response()
        }
    };

    // A body the server did not read (an early answer) is drained, so that the client
    // finishes sending and reads the answer instead of meeting a reset connection. With
    // `Expect: 100-continue` the client has not sent it yet and need not.
    let expects_continue = parts.headers.contains_key(header::EXPECT);
    let finished = if expects_continue {
        hyper::body::Body::is_end_stream(&body)
    } else {
        body::drain(&mut body).await
    };
    if !finished {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }

    if let Some(Fault::DropAfterProcessing) = fault {
        return dropped(shared, log, started);
    }
    log.status = Some(response.status().as_u16());
    let request_id = HeaderValue::from_str(&log.request_id).ok();
    // Reported when this goes out of scope: after the answer is handed over, or when a
    // client that gave up on a delayed answer hangs up and the wait is cancelled.
    let _report = ReportOnDrop {
        shared,
        log: Some(log),
        started,
    };
    if let Some(Fault::Delay(delay)) = fault {
        tokio::time::sleep(delay).await;
    }

    // Read when the answer goes out, so that a delayed answer is dated when it is sent.
    let headers = response.headers_mut();
    headers.insert(header::DATE, http_date(shared.now()));
    if let Some(id) = request_id {
        headers.insert(
            HeaderName::from_static(stablemint_wire::headers::REQUEST_ID),
            id,
        );
    }
    Reply::Respond(response)
}

/// Reports its request when dropped.
struct ReportOnDrop<'a> {
    shared: &'a Shared,
    log: Option<RequestLog>,
    started: Instant,
}

impl Drop for ReportOnDrop<'_> {
    fn drop(&mut self) {
        if let Some(log) = self.log.take() {
            report(self.shared, log, self.started);
        }
    }
}

/// The sum of the header fields' sizes, as [`MAX_HEADER_BYTES`] counts them.
fn header_bytes(headers: &HeaderMap) -> usize {
    headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum()
}

/// Reports a request whose connection is dropped without an answer.
fn dropped(shared: &Shared, log: RequestLog, started: Instant) -> Reply {
    report(shared, log, started);
    Reply::DropConnection
}

/// Logs the request at `debug` and tells the configured hook.
fn report(shared: &Shared, mut log: RequestLog, started: Instant) {
    log.latency = started.elapsed();
    tracing::debug!(
        method = %log.method,
        path = log.path.as_str(),
        status = log.status,
        code = log.code,
        fault = log.fault,
        request_id = %log.request_id,
        "request"
    );
    if let Some(hook) = &shared.config.on_request {
        hook(&log);
    }
}
