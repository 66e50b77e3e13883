//! What an attempt's failure means: the raw client's error turned into ours, and
//! whether the attempt may be made again.

use std::time::Duration;

use progenitor_client::Error as RawError;
use reqwest::header::{DATE, HeaderName, LOCATION, RETRY_AFTER};
use stablemint_wire::OperationSpec;

use crate::client::Client;
use crate::error::{
    ApiBody, ApiError, DecodeError, DecodedBody, Error, HookError, HookStage, SKEW_TOLERANCE_SECS,
};
use crate::retry::{parse_retry_after, retryable_status};

/// When an attempt that failed may be made again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    /// Never: the answer will not change.
    Never,
    /// Only when repeating it is harmless (an idempotent method, or an idempotency key):
    /// the request may have reached the server.
    IfIdempotent,
    /// Always: the request certainly did not reach the server.
    Always,
}

impl Retry {
    /// Whether a call that is (or is not) safe to repeat may make another attempt.
    pub(crate) fn allows(self, idempotent: bool) -> bool {
        match self {
            Retry::Always => true,
            Retry::IfIdempotent => idempotent,
            Retry::Never => false,
        }
    }
}

/// An attempt that did not succeed.
pub(crate) struct FailedAttempt {
    pub(crate) error: Error,
    pub(crate) retry: Retry,
    pub(crate) retry_after: Option<Duration>,
    /// The server's clock (Unix seconds) when a 401 came with a `Date` far from the
    /// timestamp the attempt was signed with.
    pub(crate) skewed_server_time: Option<i64>,
}

impl Client {
    /// Turns the raw client's error of an attempt of `operation` into ours, and decides
    /// whether to retry.
    pub(crate) async fn classify(
        &self,
        operation: &'static OperationSpec,
        error: RawError<()>,
        timestamp: u64,
        key: Option<&str>,
        attempt: u32,
    ) -> FailedAttempt {
        let key = key.map(str::to_owned);
        let plain = |error, retry| FailedAttempt {
            error,
            retry,
            retry_after: None,
            skewed_server_time: None,
        };
        match error {
            RawError::UnexpectedResponse(response) => {
                let status = response.status().as_u16();
                let headers = response.headers();
                let request_id = header(headers, &REQUEST_ID);
                let location = header(headers, &LOCATION);
                let server_time = header(headers, &DATE)
                    .and_then(|date| httpdate::parse_http_date(&date).ok())
                    .map(stablemint_wire::unix_seconds);
                let retry_after = header(headers, &RETRY_AFTER)
                    .and_then(|value| parse_retry_after(&value, self.corrected_now()));
                let text = match response.text().await {
                    Ok(text) => text,
                    Err(error) => {
                        return self.body_failure(error, status, request_id, key);
                    }
                };
                let decoded = DecodedBody::declared(operation, status, &text);
                let api = ApiError {
                    status,
                    body: ApiBody::new(text),
                    location,
                    request_id,
                    timestamp,
                    server_time,
                    idempotency_key: key,
                    attempts: 0,
                    retry_budget_exhausted: false,
                    decoded,
                };
                let skewed_server_time = server_time.filter(|&server| {
                    status == 401
                        && i128::from(timestamp).abs_diff(i128::from(server))
                            > SKEW_TOLERANCE_SECS as u128
                });
                FailedAttempt {
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
                    attempts: 0,
                })),
                Retry::Never,
            ),
            RawError::ResponseBodyError(error) => {
                let status = error.status().map_or(200, |s| s.as_u16());
                self.body_failure(error, status, None, key)
            }
            // A request reqwest could not build never left: nothing was sent.
            RawError::CommunicationError(source) if source.is_builder() => plain(
                Error::Config(format!(
                    "the request could not be built, so nothing was sent: {source}"
                )),
                Retry::Never,
            ),
            RawError::CommunicationError(source) | RawError::InvalidUpgrade(source) => {
                let retry = transport_retry(&source);
                plain(
                    Error::Transport {
                        source,
                        idempotency_key: key,
                        attempts: 0,
                        retry_budget_exhausted: false,
                    },
                    retry,
                )
            }
            RawError::ErrorResponse(response) => plain(
                Error::Api(Box::new(ApiError {
                    status: response.status().as_u16(),
                    body: ApiBody::new(String::new()),
                    location: None,
                    request_id: header(response.headers(), &REQUEST_ID),
                    timestamp,
                    server_time: None,
                    idempotency_key: key,
                    attempts: 0,
                    retry_budget_exhausted: false,
                    decoded: None,
                })),
                Retry::Never,
            ),
            // Made only by the hooks' `before_send` (see `stablemint_raw::AttemptSettings`):
            // a hook panicked, and nothing was sent.
            RawError::Custom(message) => plain(
                Error::Hook(Box::new(HookError {
                    stage: HookStage::BeforeAttempt,
                    attempt,
                    message,
                    idempotency_key: key,
                    attempts: 0,
                })),
                Retry::Never,
            ),
            RawError::InvalidRequest(message) => plain(Error::Config(message), Retry::Never),
        }
    }

    /// A response body that could not be read: too large, or the connection broke.
    pub(crate) fn body_failure(
        &self,
        error: reqwest::Error,
        status: u16,
        request_id: Option<String>,
        key: Option<String>,
    ) -> FailedAttempt {
        let plain = |error, retry| FailedAttempt {
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
                    attempts: 0,
                },
                Retry::Never,
            );
        }
        // The answer broke off (reqwest calls it a decode error when the body stops
        // early): the server may have acted, so only an idempotent call may try again.
        plain(
            Error::Transport {
                source: error,
                idempotency_key: key,
                attempts: 0,
                retry_budget_exhausted: false,
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

/// A header's value as text, when it is text.
fn header(headers: &reqwest::header::HeaderMap, name: &HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The response headers the flow reads, parsed once, at compile time.
pub(crate) const REQUEST_ID: HeaderName =
    HeaderName::from_static(stablemint_wire::headers::REQUEST_ID);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_may_be_repeated_is_retried_only_when_it_is_safe() {
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
