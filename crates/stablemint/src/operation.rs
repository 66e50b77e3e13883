//! The generic call flow, written once for every operation.
//!
//! What differs per operation (its types, the body field the signature covers, where
//! the idempotency key goes, the raw method) is an [`Operation`] impl that
//! `cargo xtask gen` writes into `operations.rs` from the spec's `x-stablemint`
//! declarations. Everything else is here: validation, the idempotency key, signing
//! every attempt, clock-skew correction, retries with backoff, the deadline, and
//! turning the raw client's errors into [`Error`].

use std::future::Future;
use std::time::Duration;

use progenitor_client::{Error as RawError, ResponseValue};
use stablemint_validate::Validate;
use tokio::time::Instant;

use crate::client::Client;
use crate::error::{ApiBody, ApiError, DecodeError, Error, SKEW_TOLERANCE_SECS};
use crate::response::Response;
use crate::retry::{parse_retry_after, retryable_status};
use crate::signing::signature;

/// The response header that carries the server's request id.
///
/// StableMint's documentation names none; `x-request-id` is the common convention, and
/// the mock sends it. This constant is the one place the name lives.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// What the raw client's positional methods return.
pub(crate) type RawResult<T> = Result<ResponseValue<T>, RawError<()>>;

/// The authentication headers of one attempt.
#[derive(Clone, Copy)]
pub(crate) struct Auth<'a> {
    pub(crate) api_key: &'a str,
    pub(crate) timestamp: i64,
    pub(crate) signature: &'a str,
}

/// One operation of the API, as the generic flow needs it. Implemented by the generated
/// `operations.rs`, never by hand.
pub(crate) trait Operation {
    /// The request body.
    type Request: Validate + Clone + Send + Sync;
    /// The success response.
    type Response: Send;

    /// The spec's operationId.
    const ID: &'static str;
    /// The wire name of the body property that carries the idempotency key, if the
    /// operation takes one.
    const IDEMPOTENCY_KEY_FIELD: Option<&'static str>;

    /// The body value the signature covers.
    fn signed_value(request: &Self::Request) -> &str;
    /// The request's idempotency key, if it has one.
    fn idempotency_key(request: &Self::Request) -> Option<&str>;
    /// A copy of `request` carrying `key`.
    fn with_idempotency_key(request: &Self::Request, key: String) -> Self::Request;
    /// Sends one attempt through the raw client's generated method.
    fn send<'a>(
        raw: &'a stablemint_raw::Client,
        auth: Auth<'a>,
        request: &'a Self::Request,
    ) -> impl Future<Output = RawResult<Self::Response>> + Send + 'a;
}

/// When an attempt that failed may be made again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Retry {
    /// Never: the answer will not change.
    Never,
    /// Only with an idempotency key: the request may have reached the server.
    IfIdempotent,
    /// Always: the request certainly did not reach the server.
    Always,
}

impl Retry {
    /// Whether a call with (or without) an idempotency key may make another attempt.
    fn allows(self, keyed: bool) -> bool {
        match self {
            Retry::Always => true,
            Retry::IfIdempotent => keyed,
            Retry::Never => false,
        }
    }
}

/// An attempt that did not succeed.
struct Failure {
    error: Error,
    retry: Retry,
    retry_after: Option<Duration>,
    /// The server's clock (Unix seconds) when a 401 came with a `Date` far from the
    /// timestamp the attempt was signed with.
    skewed_server_time: Option<i64>,
}

impl Client {
    /// Runs operation `O` for `request`. The caller's span (named after the
    /// operationId) is current.
    pub(crate) async fn call<O: Operation>(
        &self,
        request: &O::Request,
    ) -> Result<Response<O::Response>, Error> {
        let span = tracing::Span::current();
        let started = Instant::now();
        if let Err(errors) = request.validate() {
            tracing::debug!(errors = errors.len(), "request invalid; nothing sent");
            return Err(Error::Validation(errors));
        }
        let config = self.config();
        let idempotent = O::IDEMPOTENCY_KEY_FIELD.is_some();
        // The one copy a call may make: the request with a key of our own, when the
        // operation takes a key, the caller gave none, and retries may happen. It is
        // sent as it is on every attempt.
        let keyed = (idempotent && config.retry.enabled() && O::idempotency_key(request).is_none())
            .then(|| O::with_idempotency_key(request, uuid::Uuid::new_v4().to_string()));
        let body = keyed.as_ref().unwrap_or(request);
        let key = O::idempotency_key(body);
        let deadline = config.total_timeout.map(|limit| started + limit);

        let mut attempts = 0;
        let mut retries = 0;
        let mut skew_resent = false;
        loop {
            attempts += 1;
            span.record("attempt", attempts);
            let attempt = self.attempt::<O>(body, key);
            let outcome = match deadline {
                Some(deadline) => match tokio::time::timeout_at(deadline, attempt).await {
                    Ok(outcome) => outcome,
                    Err(_) => {
                        tracing::debug!("deadline passed during an attempt");
                        return Err(Error::Deadline {
                            limit: config.total_timeout.unwrap_or_default(),
                            attempts,
                            idempotency_key: key.map(str::to_owned),
                        });
                    }
                },
                None => attempt.await,
            };
            span.record("latency_ms", started.elapsed().as_millis() as u64);
            let failure = match outcome {
                Ok((value, request_id)) => {
                    span.record("status", 200);
                    tracing::debug!("call succeeded");
                    return Ok(Response::new(
                        value,
                        key.map(str::to_owned),
                        request_id,
                        attempts,
                    ));
                }
                Err(failure) => failure,
            };
            if let Some(status) = failure.error.status() {
                span.record("status", status);
            }
            if let Some(server_time) = failure.skewed_server_time
                && config.clock_skew_correction
                && !skew_resent
            {
                let offset = self.learn_clock_offset(server_time);
                tracing::info!(
                    offset_s = offset,
                    "clock skew corrected from the server's Date header; resending once"
                );
                skew_resent = true;
                continue;
            }
            let may_retry = failure.retry.allows(key.is_some());
            if !may_retry || retries >= config.retry.max_retries() {
                tracing::debug!(operation = O::ID, may_retry, "call failed");
                return Err(failure.error);
            }
            let delay = config.retry.delay(retries, failure.retry_after);
            if deadline.is_some_and(|deadline| Instant::now() + delay >= deadline) {
                tracing::debug!("no time for another attempt before the deadline");
                return Err(failure.error);
            }
            tracing::debug!(
                delay_ms = delay.as_millis() as u64,
                "attempt failed; retrying with the same idempotency key"
            );
            config.sleeper.sleep(delay).await;
            retries += 1;
        }
    }

    /// One signed attempt; on success, the value and the request id.
    async fn attempt<O: Operation>(
        &self,
        body: &O::Request,
        key: Option<&str>,
    ) -> Result<(O::Response, Option<String>), Failure> {
        let config = self.config();
        let timestamp = self.timestamp();
        let signed = signature(
            timestamp,
            config.credentials.api_secret(),
            O::signed_value(body),
        );
        let auth = Auth {
            api_key: config.credentials.api_key(),
            timestamp: i64::try_from(timestamp).unwrap_or(i64::MAX),
            signature: &signed,
        };
        match O::send(&config.raw, auth, body).await {
            Ok(response) => {
                let request_id = header(response.headers(), REQUEST_ID_HEADER);
                Ok((response.into_inner(), request_id))
            }
            Err(error) => Err(self.classify(error, timestamp, key).await),
        }
    }

    /// Turns the raw client's error into ours, and decides whether to retry.
    async fn classify(&self, error: RawError<()>, timestamp: u64, key: Option<&str>) -> Failure {
        let key = key.map(str::to_owned);
        let plain = |error, retry| Failure {
            error,
            retry,
            retry_after: None,
            skewed_server_time: None,
        };
        match error {
            RawError::UnexpectedResponse(response) => {
                let status = response.status().as_u16();
                let headers = response.headers();
                let request_id = header(headers, REQUEST_ID_HEADER);
                let location = header(headers, "location");
                let server_time = header(headers, "date")
                    .and_then(|date| httpdate::parse_http_date(&date).ok())
                    .map(crate::clock::unix_seconds);
                let retry_after = header(headers, "retry-after")
                    .and_then(|value| parse_retry_after(&value, self.corrected_now()));
                let text = match response.text().await {
                    Ok(text) => text,
                    Err(error) => {
                        return self.body_failure(error, status, request_id, key);
                    }
                };
                let api = ApiError {
                    status,
                    body: ApiBody::new(text),
                    location,
                    request_id,
                    timestamp,
                    server_time,
                    idempotency_key: key,
                };
                let skewed_server_time = server_time.filter(|&server| {
                    status == 401
                        && i128::from(timestamp).abs_diff(i128::from(server))
                            > SKEW_TOLERANCE_SECS as u128
                });
                Failure {
                    error: Error::Api(Box::new(api)),
                    retry: if retryable_status(status) {
                        Retry::IfIdempotent
                    } else {
                        Retry::Never
                    },
                    retry_after,
                    skewed_server_time,
                }
            }
            RawError::InvalidResponsePayload(bytes, source) => plain(
                Error::Decode(Box::new(DecodeError {
                    status: 200,
                    body: String::from_utf8_lossy(&bytes).into_owned(),
                    source,
                    request_id: None,
                    idempotency_key: key,
                })),
                Retry::Never,
            ),
            RawError::ResponseBodyError(error) => {
                let status = error.status().map_or(200, |s| s.as_u16());
                self.body_failure(error, status, None, key)
            }
            RawError::CommunicationError(source) | RawError::InvalidUpgrade(source) => {
                let retry = transport_retry(&source);
                plain(
                    Error::Transport {
                        source,
                        idempotency_key: key,
                    },
                    retry,
                )
            }
            RawError::ErrorResponse(response) => plain(
                Error::Api(Box::new(ApiError {
                    status: response.status().as_u16(),
                    body: ApiBody::new(String::new()),
                    location: None,
                    request_id: header(response.headers(), REQUEST_ID_HEADER),
                    timestamp,
                    server_time: None,
                    idempotency_key: key,
                })),
                Retry::Never,
            ),
            RawError::InvalidRequest(message) | RawError::Custom(message) => {
                plain(Error::Config(message), Retry::Never)
            }
        }
    }

    /// A response body that could not be read: too large, or the connection broke.
    fn body_failure(
        &self,
        error: reqwest::Error,
        status: u16,
        request_id: Option<String>,
        key: Option<String>,
    ) -> Failure {
        let plain = |error, retry| Failure {
            error,
            retry,
            retry_after: None,
            skewed_server_time: None,
        };
        if let Some(too_large) = stablemint_raw::ResponseTooLarge::find(&error) {
            return plain(
                Error::ResponseTooLarge {
                    status,
                    limit: too_large.limit(),
                    request_id,
                    idempotency_key: key,
                },
                Retry::Never,
            );
        }
        // The answer broke off (reqwest calls it a decode error when the body stops
        // early): the server may have acted, so only a keyed call may try again.
        plain(
            Error::Transport {
                source: error,
                idempotency_key: key,
            },
            Retry::IfIdempotent,
        )
    }
}

/// Which transport errors may be retried. A connection that was never made cannot have
/// reached the server; a timeout or a broken request or response body may have.
fn transport_retry(error: &reqwest::Error) -> Retry {
    if error.is_connect() {
        Retry::Always
    } else if error.is_timeout() || error.is_request() || error.is_body() {
        Retry::IfIdempotent
    } else {
        Retry::Never
    }
}

/// A header's value as text, when it is text. `name` is a lowercase constant, so it is
/// not parsed again on every call.
fn header(headers: &reqwest::header::HeaderMap, name: &'static str) -> Option<String> {
    headers
        .get(reqwest::header::HeaderName::from_static(name))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_key_only_a_connection_never_made_is_retried() {
        assert!(Retry::Always.allows(false));
        assert!(Retry::Always.allows(true));
        assert!(!Retry::IfIdempotent.allows(false));
        assert!(Retry::IfIdempotent.allows(true));
        assert!(!Retry::Never.allows(true));
        assert!(!Retry::Never.allows(false));
    }

    #[tokio::test]
    async fn transport_errors_are_sorted_by_whether_the_request_left() {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let refused = reqwest::Client::new()
            .get(format!("http://127.0.0.1:{port}/"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(transport_retry(&refused), Retry::Always);

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let _silent = tokio::spawn(async move {
            let (_stream, _) = listener.accept().await.unwrap();
            std::future::pending::<()>().await;
        });
        let timed_out = reqwest::Client::builder()
            .timeout(Duration::from_millis(100))
            .build()
            .unwrap()
            .get(url)
            .send()
            .await
            .unwrap_err();
        assert!(timed_out.is_timeout() && !timed_out.is_connect());
        assert_eq!(transport_retry(&timed_out), Retry::IfIdempotent);

        let builder = reqwest::Client::new()
            .get("http://[::1")
            .build()
            .unwrap_err();
        assert_eq!(transport_retry(&builder), Retry::Never);
    }
}
