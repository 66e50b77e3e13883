//! The client and its configuration. What one call does is in `operation.rs`; the
//! methods for each operation are generated into `operations.rs`.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use crate::Credentials;
use stablemint_wire::unix_seconds;

use crate::clock::{Clock, Sleeper, SystemClock, TokioSleeper};
use crate::error::Error;
use crate::retry::RetryPolicy;

/// The production API, as the spec's `servers` names it.
pub const PRODUCTION_URL: &str = "https://paymentinitiationservice-rest.stablemint.io";

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A StableMint API client. Cheap to clone: clones share the connection pool and the
/// learned clock offset.
///
/// Build one with [`Client::builder`]. Each operation of the API is a method, named
/// after its operationId: [`create_embedded_session`](Client::create_embedded_session),
/// and beside it a `_with` method that takes the operation's options type from
/// [`options`](crate::options) (optional parameters, and per-call timeout, deadline and
/// retry policy).
#[derive(Clone)]
pub struct Client {
    config: Arc<Config>,
}

/// Everything a client holds; shared by its clones.
pub(crate) struct Config {
    pub(crate) raw: stablemint_raw::Client,
    pub(crate) base_url: String,
    pub(crate) credentials: Credentials,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) total_timeout: Option<Duration>,
    pub(crate) clock_skew_correction: bool,
    pub(crate) clock: Box<dyn Clock>,
    pub(crate) sleeper: Box<dyn Sleeper>,
    /// Seconds to add to the clock: the server's time minus ours, learned from a 401's
    /// `Date` header.
    clock_offset: AtomicI64,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = self.config();
        f.debug_struct("Client")
            .field("base_url", &config.base_url)
            .field("credentials", &config.credentials)
            .field("retry", &config.retry)
            .field("timeout", &config.timeout)
            .field("total_timeout", &config.total_timeout)
            .field("clock_skew_correction", &config.clock_skew_correction)
            .field("clock_offset_s", &self.clock_offset())
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`].
pub struct ClientBuilder {
    credentials: Credentials,
    base_url: String,
    timeout: Duration,
    total_timeout: Option<Duration>,
    max_response_bytes: usize,
    retry: RetryPolicy,
    clock_skew_correction: bool,
    clock: Box<dyn Clock>,
    sleeper: Box<dyn Sleeper>,
    http_client: Option<reqwest::ClientBuilder>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("total_timeout", &self.total_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("retry", &self.retry)
            .field("clock_skew_correction", &self.clock_skew_correction)
            .field("custom_http_client", &self.http_client.is_some())
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The API's base URL; the default is [`PRODUCTION_URL`].
    ///
    /// It must be `https`, except that `http` is allowed to a loopback host (`localhost`,
    /// `127.0.0.0/8`, `[::1]`) for local servers such as `stablemint-mock`; [`build`]
    /// refuses anything else, because the request carries the API key and a signature.
    /// Requests go to this origin only: the client follows no redirect.
    ///
    /// [`build`]: ClientBuilder::build
    pub fn base_url(mut self, base_url: &str) -> Self {
        self.base_url = base_url.to_owned();
        self
    }

    /// The limit for one attempt, from connecting to the end of the response body.
    /// Default 30 s. It applies with a builder you pass to
    /// [`http_client`](Self::http_client) too, and a call can change it for itself (the
    /// `timeout` of its options type).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// A deadline for the whole call: every attempt and every wait between attempts.
    /// Default: none, so a call's worst case is `(max_retries + 1) × timeout` plus the
    /// waits, about 100 s with the defaults (3 × 30 s + 2 × at most 5 s).
    ///
    /// When the deadline passes during an attempt, the call fails with
    /// [`Error::Deadline`]; when the next wait would end past it, the call fails at once
    /// with the last attempt's error. Either way the error carries the idempotency key:
    /// call again with it to retry without creating a duplicate.
    pub fn total_timeout(mut self, total: Duration) -> Self {
        self.total_timeout = Some(total);
        self
    }

    /// The most bytes of a response body the client reads, success or error. Default
    /// 1 MiB. A longer body fails the call with [`Error::ResponseTooLarge`].
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// When to retry; the default is [`RetryPolicy::default`] (two retries).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Whether the client corrects its clock from the server's `Date` header. On by
    /// default.
    ///
    /// When an attempt is answered 401 and the response's `Date` is more than 30 s from
    /// the timestamp the attempt was signed with, the client learns the offset (shared
    /// by all clones of the client), signs again with the corrected time and resends
    /// once; that resend does not count against the retry budget. Later calls are
    /// signed with the corrected time too. A 401 whose `Date` agrees with the client's
    /// clock (a wrong key or secret) is returned at once.
    pub fn clock_skew_correction(mut self, on: bool) -> Self {
        self.clock_skew_correction = on;
        self
    }

    /// The time source for the `timestamp` header (and so the signature); the default
    /// is [`SystemClock`].
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Box::new(clock);
        self
    }

    /// How to wait between retries; the default is [`TokioSleeper`].
    pub fn sleeper(mut self, sleeper: impl Sleeper + 'static) -> Self {
        self.sleeper = Box::new(sleeper);
        self
    }

    /// Build the HTTP client from this `reqwest::ClientBuilder` (its proxy, TLS, pool and
    /// connect-timeout settings). [`timeout`](Self::timeout) still limits each attempt.
    ///
    /// The client always sets `redirect::Policy::none()` on it, because a redirect would
    /// carry the API key, the signature and personal data to another address.
    pub fn http_client(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http_client = Some(builder);
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// Fails with [`Error::Config`] for a base URL that does not parse, is not `https`
    /// (or `http` to loopback), or has a query, fragment or credentials; for an API key
    /// that is empty or cannot be sent in a header; and when the HTTP client cannot be
    /// built.
    pub fn build(self) -> Result<Client, Error> {
        let (base_url, loopback_http) = check_base_url(&self.base_url)?;
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
        crate::tls::install_crypto_provider()?;
        let mut http = match self.http_client {
            Some(builder) => builder,
            None => reqwest::Client::builder()
                .timeout(self.timeout)
                .connect_timeout(CONNECT_TIMEOUT.min(self.timeout)),
        };
        http = http.redirect(reqwest::redirect::Policy::none());
        if loopback_http {
            // Plain http stays on this machine: a proxy from the environment would
            // carry the key and the body across the network unencrypted.
            http = http.no_proxy();
        }
        let http = http
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        let limits = stablemint_raw::Limits::new(self.max_response_bytes);
        Ok(Client {
            config: Arc::new(Config {
                raw: stablemint_raw::Client::new_with_client(&base_url, http, limits),
                base_url,
                credentials: self.credentials,
                retry: self.retry,
                timeout: self.timeout,
                total_timeout: self.total_timeout,
                clock_skew_correction: self.clock_skew_correction,
                clock: self.clock,
                sleeper: self.sleeper,
                clock_offset: AtomicI64::new(0),
            }),
        })
    }
}

impl Client {
    /// Starts configuring a client with these credentials.
    pub fn builder(credentials: Credentials) -> ClientBuilder {
        ClientBuilder {
            credentials,
            base_url: PRODUCTION_URL.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            total_timeout: None,
            max_response_bytes: stablemint_raw::Limits::DEFAULT_MAX_RESPONSE_BYTES,
            retry: RetryPolicy::default(),
            clock_skew_correction: true,
            clock: Box::new(SystemClock),
            sleeper: Box::new(TokioSleeper),
            http_client: None,
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    /// The offset, in seconds, the client adds to its clock when it signs: the server's
    /// time minus this machine's, as learned from a 401's `Date` header; 0 until then.
    pub fn clock_offset(&self) -> i64 {
        self.config.clock_offset.load(Ordering::Relaxed)
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// The clock with the learned offset.
    pub(crate) fn corrected_now(&self) -> SystemTime {
        let now = self.config.clock.now();
        let offset = self.clock_offset();
        let shift = Duration::from_secs(offset.unsigned_abs());
        let corrected = if offset >= 0 {
            now.checked_add(shift)
        } else {
            now.checked_sub(shift)
        };
        corrected.unwrap_or(now)
    }

    /// The `timestamp` header for an attempt: the corrected clock in Unix seconds (0
    /// before 1970).
    pub(crate) fn timestamp(&self) -> u64 {
        u64::try_from(unix_seconds(self.corrected_now())).unwrap_or(0)
    }

    /// Stores the offset that makes this machine's clock read `server_time` now, and
    /// returns it.
    pub(crate) fn learn_clock_offset(&self, server_time: i64) -> i64 {
        let offset = server_time.saturating_sub(unix_seconds(self.config.clock.now()));
        self.config.clock_offset.store(offset, Ordering::Relaxed);
        offset
    }
}

/// The base URL without a trailing slash, and whether it is plain http to loopback; or
/// why it is refused.
fn check_base_url(base_url: &str) -> Result<(String, bool), Error> {
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
    let loopback_http = match url.scheme() {
        "https" => false,
        "http" if is_loopback(&url) => true,
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
    };
    Ok((url.as_str().trim_end_matches('/').to_owned(), loopback_http))
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
            ("https://example.com/api".to_owned(), false)
        );
        assert_eq!(
            check_base_url("http://127.0.0.1:8080").unwrap(),
            ("http://127.0.0.1:8080".to_owned(), true)
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
            "https://user@example.com",
            "https://:pw@example.com",
        ] {
            assert!(
                matches!(check_base_url(bad), Err(Error::Config(_))),
                "{bad}"
            );
        }
    }
}
