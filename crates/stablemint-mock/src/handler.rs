//! One request: routing, injected faults, the answer, and one log line.

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use crate::Fault;
use crate::api_error::{ApiError, Code, json_response};
use crate::state::Shared;
use crate::{body, create_session};

/// The one route the mock serves.
pub(crate) const ROUTE: &str = "/session/embedded";

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
    shared.count_request();
    let (parts, mut body) = request.into_parts();
    // Only the path is logged: a query string could carry anything.
    let path = parts.uri.path();

    let result = if path != ROUTE {
        Err(ApiError::new(
            Code::NotFound,
            format!("there is no such endpoint; the mock serves POST {ROUTE}"),
        ))
    } else if parts.method != Method::POST {
        Err(ApiError::new(
            Code::MethodNotAllowed,
            format!("{ROUTE} accepts only POST; send the request with POST"),
        ))
    } else {
        match shared.take_fault() {
            Some(Fault::DropConnection) => {
                tracing::debug!(method = %parts.method, path, fault = "drop_connection", "request");
                return Reply::DropConnection;
            }
            Some(Fault::Status(status)) => Err(ApiError::injected(status)),
            None => create_session::create(shared, &parts.headers, &mut body).await,
        }
    };

    let (mut response, code) = match result {
        Ok(session) => (json_response(StatusCode::OK, session), None),
        Err(error) => {
            let code = error.code();
            (error.into_response(), Some(code.as_str()))
        }
    };
    tracing::debug!(
        method = %parts.method,
        path,
        status = response.status().as_u16(),
        code,
        "request"
    );

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
    Reply::Respond(response)
}
