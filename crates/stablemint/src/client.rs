//! The client: configuration, and what one call does.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use progenitor_client::Error as RawError;
use stablemint_validate::Validate;
use tracing::Instrument;

use crate::clock::{Clock, Sleeper, SystemClock, TokioSleeper, unix_seconds};
use crate::error::{ApiBody, Error};
use crate::retry::{RetryPolicy, parse_retry_after, retryable_status};
use crate::session::EmbeddedSession;
use crate::types::EmbeddedSessionRequest;
use crate::{Credentials, signature};

/// The production API, as the spec's `servers` names it.
pub const PRODUCTION_URL: &str = "https://paymentinitiationservice-rest.stablemint.io";

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A StableMint API client. Cheap to clone; clones share the connection pool.
///
/// Build one with [`Client::builder`].
#[derive(Clone)]
pub struct Client {
    raw: stablemint_raw::Client,
    base_url: String,
    credentials: Arc<Credentials>,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
    sleeper: Arc<dyn Sleeper>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`].
pub struct ClientBuilder {
    credentials: Credentials,
    base_url: String,
    timeout: Duration,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
    sleeper: Arc<dyn Sleeper>,
    http_client: Option<reqwest::Client>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The API's base URL; the default is [`PRODUCTION_URL`].
    ///
    /// It must be `https`, except that `http` is allowed to a loopback host (`localhost`,
    /// `127.0.0.0/8`, `[::1]`) for local servers such as `stablemint-mock`; [`build`]
    /// refuses anything else, because the request carries the API key and a signature.
    ///
    /// [`build`]: ClientBuilder::build
    pub fn base_url(mut self, base_url: &str) -> Self {
        self.base_url = base_url.to_owned();
        self
    }

    /// The limit for one attempt, from connecting to the end of the response body.
    /// Default 30 s. Ignored when you pass your own [`http_client`](Self::http_client).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// When to retry; the default is [`RetryPolicy::default`] (two retries).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The time source for the `timestamp` header; the default is [`SystemClock`].
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// How to wait between retries; the default is [`TokioSleeper`].
    pub fn sleeper(mut self, sleeper: impl Sleeper + 'static) -> Self {
        self.sleeper = Arc::new(sleeper);
        self
    }

    /// Use this `reqwest::Client` (its pool, proxy and TLS settings) instead of one the
    /// builder makes. [`timeout`](Self::timeout) then does not apply.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// Fails with [`Error::Config`] for a base URL that does not parse, is not `https`
    /// (or `http` to loopback), or has a query or fragment; for an API key that cannot be
    /// sent in a header; and when the HTTP client cannot be built.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = check_base_url(&self.base_url)?;
        if self.credentials.api_key().is_empty() {
            return Err(Error::Config("the API key is empty".into()));
        }
        if reqwest::header::HeaderValue::from_str(self.credentials.api_key()).is_err() {
            return Err(Error::Config(
                "the API key has characters that cannot be sent in an HTTP header; \
                 copy it again from the dashboard"
                    .into(),
            ));
        }
        let http = match self.http_client {
            Some(client) => client,
            None => {
                crate::tls::install_crypto_provider()?;
                reqwest::Client::builder()
                    .timeout(self.timeout)
                    .connect_timeout(CONNECT_TIMEOUT.min(self.timeout))
                    .build()
                    .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?
            }
        };
        Ok(Client {
            raw: stablemint_raw::Client::new_with_client(&base_url, http),
            base_url,
            credentials: Arc::new(self.credentials),
            retry: self.retry,
            clock: self.clock,
            sleeper: self.sleeper,
        })
    }
}

/// The base URL without a trailing slash, or why it is refused.
fn check_base_url(base_url: &str) -> Result<String, Error> {
    let url = reqwest::Url::parse(base_url)
        .map_err(|e| Error::Config(format!("the base URL {base_url:?} does not parse: {e}")))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "the base URL {base_url:?} has a query or fragment; give scheme, host, port and \
             path only"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(
            "the base URL has a user name or password in it; the API key goes in the \
             credentials instead"
                .into(),
        ));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(Error::Config(format!(
                "the base URL {base_url:?} uses plain http to a host that is not loopback; \
                 the API key and signature would cross the network unencrypted, so use \
                 https (http is allowed only to localhost, 127.0.0.0/8 and [::1])"
            )));
        }
        other => {
            return Err(Error::Config(format!(
                "the base URL {base_url:?} has scheme {other:?}; use https"
            )));
        }
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

/// The outcome of one attempt that did not produce a session.
struct Failure {
    error: Error,
    retryable: bool,
    retry_after: Option<Duration>,
}

impl Client {
    /// Starts configuring a client with these credentials.
    pub fn builder(credentials: Credentials) -> ClientBuilder {
        ClientBuilder {
            credentials,
            base_url: PRODUCTION_URL.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            clock: Arc::new(SystemClock),
            sleeper: Arc::new(TokioSleeper),
            http_client: None,
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Creates an embedded session (`POST /session/embedded`).
    ///
    /// 1. Validates `request`; if any rule is broken, returns [`Error::Validation`] with
    ///    every broken rule, and sends nothing.
    /// 2. With retries on and no `idempotency_key` in the request, adds a new UUIDv4 key,
    ///    the same for every attempt of this call. A key you set is sent as it is.
    /// 3. On each attempt, reads the clock for the `timestamp` header, signs
    ///    `timestamp,secret,userId`, sends, and decodes the response.
    /// 4. Retries connection errors, timeouts, 429 and 5xx as the [`RetryPolicy`] says.
    pub async fn create_embedded_session(
        &self,
        request: &EmbeddedSessionRequest,
    ) -> Result<EmbeddedSession, Error> {
        let span = tracing::info_span!(
            "stablemint.create_embedded_session",
            operation = "createEmbeddedSession",
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        self.create_embedded_session_inner(request)
            .instrument(span)
            .await
    }

    async fn create_embedded_session_inner(
        &self,
        request: &EmbeddedSessionRequest,
    ) -> Result<EmbeddedSession, Error> {
        let span = tracing::Span::current();
        let started = Instant::now();
        if let Err(errors) = request.validate() {
            tracing::debug!(errors = errors.len(), "request invalid; nothing sent");
            return Err(Error::Validation(errors));
        }
        // A key of our own when the caller gave none and retries may happen, the same on
        // every attempt. So every retried call carries a key: with retries off, a request
        // without one makes exactly one attempt.
        let added_key = (self.retry.enabled() && request.idempotency_key.is_none())
            .then(|| uuid::Uuid::new_v4().to_string());
        let retries = self.retry.max_retries();

        let mut retry = 0;
        loop {
            span.record("attempt", retry + 1);
            let outcome = self.attempt(request, added_key.as_deref()).await;
            let latency = started.elapsed().as_millis() as u64;
            span.record("latency_ms", latency);
            let failure = match outcome {
                Ok(session) => {
                    span.record("status", 200);
                    tracing::debug!("session created");
                    return Ok(session);
                }
                Err(failure) => failure,
            };
            if let Some(status) = failure.error.status() {
                span.record("status", status);
            }
            if !failure.retryable || retry >= retries {
                tracing::debug!(retryable = failure.retryable, "call failed");
                return Err(failure.error);
            }
            let delay = self.retry.delay(retry, failure.retry_after);
            tracing::debug!(
                delay_ms = delay.as_millis() as u64,
                "attempt failed; retrying with the same idempotency key"
            );
            self.sleeper.sleep(delay).await;
            retry += 1;
        }
    }

    /// One signed attempt, with `added_key` as the idempotency key if there is one.
    async fn attempt(
        &self,
        request: &EmbeddedSessionRequest,
        added_key: Option<&str>,
    ) -> Result<EmbeddedSession, Failure> {
        // progenitor's builder takes the body by value: one copy per attempt.
        let mut body = request.clone();
        if let Some(key) = added_key {
            body.idempotency_key = Some(key.to_owned());
        }
        let timestamp = unix_seconds(self.clock.now());
        let signed = signature(timestamp, self.credentials.api_secret(), &body.user_id);
        let result = self
            .raw
            .create_embedded_session()
            .api_key(self.credentials.api_key())
            .timestamp(i64::try_from(timestamp).unwrap_or(i64::MAX))
            .signature(signed)
            .body(body)
            .send()
            .await;
        match result {
            Ok(response) => Ok(EmbeddedSession::new(response.into_inner())),
            Err(error) => Err(classify(error, timestamp).await),
        }
    }
}

/// Turns the raw client's error into ours, and decides whether to retry.
async fn classify(error: RawError<()>, timestamp: u64) -> Failure {
    let plain = |error, retryable| Failure {
        error,
        retryable,
        retry_after: None,
    };
    match error {
        RawError::UnexpectedResponse(response) => {
            let status = response.status().as_u16();
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let request_id = header("x-request-id");
            let retry_after = header("retry-after").as_deref().and_then(parse_retry_after);
            let text = match response.text().await {
                Ok(text) => text,
                Err(e) => return plain(Error::Transport(e), true),
            };
            Failure {
                error: Error::Api {
                    status,
                    body: ApiBody::new(text),
                    request_id,
                    timestamp,
                },
                retryable: retryable_status(status),
                retry_after,
            }
        }
        RawError::InvalidResponsePayload(bytes, source) => plain(
            Error::Decode {
                status: 200,
                body: String::from_utf8_lossy(&bytes).into_owned(),
                source,
            },
            false,
        ),
        RawError::CommunicationError(e)
        | RawError::ResponseBodyError(e)
        | RawError::InvalidUpgrade(e) => {
            let retryable = e.is_connect() || e.is_timeout() || e.is_request() || e.is_body();
            plain(Error::Transport(e), retryable)
        }
        RawError::ErrorResponse(response) => plain(
            Error::Api {
                status: response.status().as_u16(),
                body: ApiBody::new(String::new()),
                request_id: None,
                timestamp,
            },
            false,
        ),
        RawError::InvalidRequest(message) | RawError::Custom(message) => {
            plain(Error::Config(message), false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        for ok in [
            "https://paymentinitiationservice-rest.stablemint.io",
            "https://example.com/api/",
            "http://localhost:8080",
            "http://127.0.0.1:1234",
            "http://127.9.9.9",
            "http://[::1]:9000",
            "http://LOCALHOST",
        ] {
            assert!(check_base_url(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            check_base_url("https://example.com/api/").unwrap(),
            "https://example.com/api"
        );
        for bad in [
            "http://example.com",
            "http://10.0.0.1",
            "http://localhost.example.com",
            "ftp://example.com",
            "example.com",
            "",
            "https://example.com/?x=1",
            "https://user:pw@example.com",
        ] {
            assert!(
                matches!(check_base_url(bad), Err(Error::Config(_))),
                "{bad}"
            );
        }
    }
}
