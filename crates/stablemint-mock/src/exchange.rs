//! One request: the header limit, routing to an operation of the spec, injected faults,
//! the answer with its `Date` and request id, and one log line.

use std::time::{Duration, Instant};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper::http::request::Parts;
use hyper::{Request, Response};
use stablemint_wire::headers::REQUEST_ID;

use crate::body;
use crate::journal::{Received, SignatureCheck};
use crate::log::RequestLog;
use crate::process::{Success, process};
use crate::refusal::{Code, Refusal, json_response};
use crate::router::Unmatched;
use crate::script::Action;
use crate::state::{Shared, http_date, request_id};

/// The most header bytes (names, values, and 4 bytes of `: ` and CRLF for each field)
/// the mock accepts; more is answered 431 `headers_too_large`. hyper refuses a head
/// larger than [`MAX_HEAD_BYTES`] or with more than 100 fields itself.
pub(crate) const MAX_HEADER_BYTES: usize = 32 * 1024;

/// The largest request head (request line and header fields) hyper parses for the mock;
/// a larger one gets hyper's own 431. Set explicitly because hyper's default bound is its
/// read buffer (about 400 KB), which a head somewhat over it can slip past when the
/// last read brings the whole head at once. Above the 65,534-byte target limit, so a
/// long target is still a 414.
pub(crate) const MAX_HEAD_BYTES: usize = 96 * 1024;

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
        operation: None,
        latency: Duration::ZERO,
        request_id: request_id(),
    };
    // What the journal keeps of the request, filled in as it is read.
    let mut seen = Seen::default();

    let mut answer = None;
    let mut served = None;
    let result = if header_bytes(&parts.headers) > MAX_HEADER_BYTES {
        Err(Refusal::new(
            Code::HeadersTooLarge,
            format!(
                "the request's headers add up to more than the {MAX_HEADER_BYTES} bytes this \
                 server accepts; send fewer or shorter headers"
            ),
        ))
    } else {
        match shared.router.route(parts.method.as_str(), &log.path) {
            Err(Unmatched::NotFound) => Err(Refusal::new(
                Code::NotFound,
                format!(
                    "there is no such endpoint here: the mock serves the operations of its \
                     spec, and it serves {}; check the path",
                    shared.router.listing()
                ),
            )),
            Err(Unmatched::MethodNotAllowed(allowed)) => {
                let allowed: Vec<&str> = allowed.iter().map(|m| m.as_str()).collect();
                Err(Refusal::method_not_allowed(&log.path, &allowed.join(", ")))
            }
            Ok(matched) => {
                let operation = matched.operation;
                log.operation = Some(operation.id);
                seen.operation = Some(operation);
                seen.path_parameters = matched.path_parameters;
                served = shared.served(operation);
                let taken = shared.take_answer(operation.id);
                log.fault = taken.as_ref().map(|(_, name)| *name);
                answer = taken.map(|(answer, _)| answer);
                let action = answer.as_ref().map_or(&Action::Process, |a| &a.action);
                match (action, served) {
                    (Action::DropConnection, _) => {
                        seen.body = journal_body(&mut body, shared).await;
                        return dropped(shared, log, &parts, seen, started);
                    }
                    (Action::Status(status), _) => {
                        seen.body = journal_body(&mut body, shared).await;
                        Err(Refusal::injected(*status))
                    }
                    (
                        Action::Json {
                            status, body: json, ..
                        },
                        _,
                    ) => {
                        seen.body = journal_body(&mut body, shared).await;
                        Ok(scripted(*status, json))
                    }
                    (_, Some(served)) => {
                        let path = &seen.path_parameters;
                        let now = shared.now();
                        let mut value = None;
                        let result =
                            process(shared, served, path, &parts, &mut body, now, &mut value).await;
                        seen.body = value;
                        result
                    }
                    (_, None) => Err(Refusal::new(
                        Code::NotFound,
                        "the operation is not served; check the mock's operations",
                    )),
                }
            }
        }
    };

    let mut response = match result {
        Ok(Success {
            status,
            body: Some(json),
        }) => json_response(status, json),
        Ok(Success { status, body: None }) => {
            let mut empty = Response::new(Full::new(Bytes::new()));
            *empty.status_mut() = status;
            empty
        }
        Err(error) => {
            log.code = Some(error.code().as_str());
            let declared = served.and_then(|s| s.error_schema(error.status().as_u16()));
            error.into_response(declared)
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

    if answer
        .as_ref()
        .is_some_and(|a| a.action == Action::DropAfterProcessing)
    {
        return dropped(shared, log, &parts, seen, started);
    }
    log.status = Some(response.status().as_u16());
    let request_id = HeaderValue::from_str(&log.request_id).ok();
    // Reported when this goes out of scope: after the answer is handed over, or when a
    // client that gave up on a delayed answer hangs up and the wait is cancelled.
    let _report = ReportOnDrop {
        shared,
        log: Some(log),
        received: Some(seen.received(shared, &parts)),
        started,
    };
    if let Some(delay) = answer.as_ref().and_then(|a| a.delay) {
        tokio::time::sleep(delay).await;
    }

    // Read when the answer goes out, so that a delayed answer is dated when it is sent.
    let headers = response.headers_mut();
    headers.insert(header::DATE, http_date(shared.now()));
    if let Some(id) = request_id {
        headers.insert(HeaderName::from_static(REQUEST_ID), id);
    }
    Reply::Respond(response)
}

/// A scripted JSON answer: its status and its body as given.
fn scripted(status: u16, json: &Result<serde_json::Value, String>) -> Success {
    let text = match json {
        Ok(value) => value.to_string(),
        // Refused when it was scripted; never reached.
        Err(_) => "null".to_owned(),
    };
    Success {
        status: hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::OK),
        body: Some(Bytes::from(text)),
    }
}

/// The body of a request answered without processing, read for the journal only (up to
/// the body limit, within the body timeout), as JSON when it is.
async fn journal_body(body: &mut Incoming, shared: &Shared) -> Option<serde_json::Value> {
    let bytes = body::read(body, shared.config.body_limit).await.ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// What the journal keeps of a request, gathered while it is handled.
#[derive(Default)]
struct Seen {
    operation: Option<&'static stablemint_wire::OperationSpec>,
    path_parameters: Vec<(&'static str, String)>,
    body: Option<serde_json::Value>,
}

impl Seen {
    /// The journal's entry, with the status answered (`None`: dropped).
    fn received(self, shared: &Shared, parts: &Parts) -> Received {
        let spec = self.operation;
        let idempotency_key = spec
            .zip(self.body.as_ref())
            .and_then(|(spec, body)| spec.json_key(body))
            .map(str::to_owned);
        let signature = match spec {
            Some(spec) => crate::auth::verdict(
                spec,
                &parts.headers,
                &self.path_parameters,
                parts.uri.query(),
                self.body.as_ref(),
                &shared.config,
            ),
            None => SignatureCheck::NotSigned,
        };
        Received {
            operation: spec.map(|s| s.id),
            method: parts.method.to_string(),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(str::to_owned),
            body: self.body,
            idempotency_key,
            signature,
            status: None,
            fault: None,
        }
    }
}

/// Reports its request when dropped.
struct ReportOnDrop<'a> {
    shared: &'a Shared,
    log: Option<RequestLog>,
    received: Option<Received>,
    started: Instant,
}

impl Drop for ReportOnDrop<'_> {
    fn drop(&mut self) {
        if let (Some(log), Some(received)) = (self.log.take(), self.received.take()) {
            report(self.shared, log, received, self.started);
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
fn dropped(shared: &Shared, log: RequestLog, parts: &Parts, seen: Seen, started: Instant) -> Reply {
    let received = seen.received(shared, parts);
    report(shared, log, received, started);
    Reply::DropConnection
}

/// Logs the request at `debug`, tells the configured hook, and keeps it in the journal.
fn report(shared: &Shared, mut log: RequestLog, mut received: Received, started: Instant) {
    received.status = log.status;
    received.fault = log.fault;
    shared.journal.push(received);
    log.latency = started.elapsed();
    tracing::debug!(
        method = %log.method,
        path = log.path.as_str(),
        operation = log.operation,
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
