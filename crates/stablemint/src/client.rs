//! The client and its configuration. What one call does is in `call.rs`; the
//! methods for each operation are generated into `operations.rs`.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use crate::Credentials;
use stablemint_wire::unix_seconds;

use crate::base_url::check_base_url;
use crate::clock::{Clock, MAX_CLOCK_OFFSET_SECS, Sleeper, SystemClock, TokioSleeper};
use crate::error::Error;
use crate::hook::{AttemptHook, Hooks};
use crate::retry::RetryPolicy;
use crate::retry_budget::{RetryBudget, TokenBucket};
use crate::telemetry::Server;

/// The production API, as the spec's `servers` names it.
pub const PRODUCTION_URL: &str = "https://paymentinitiationservice-rest.stablemint.io";

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a connection may sit unused in the pool before it is closed: under the 60 s
/// after which load balancers commonly close idle connections (reqwest's own default is
/// 90 s). A request written onto a connection that the other side has just closed fails
/// after it may have been sent, and only an idempotent call can then be retried.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(50);

/// A StableMint API client. Cheap to clone: clones share the connection pool, the
/// learned clock offset, the retry budget and the hooks.
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
    /// The retries all calls may still make.
    pub(crate) retry_budget: TokenBucket,
    /// `server.address` and `server.port` of every attempt.
    pub(crate) server: Server,
    /// `None` when there are none, so that a call without hooks checks one pointer.
    pub(crate) hooks: Option<Arc<Hooks>>,
    pub(crate) pool_idle_timeout: Duration,
    #[cfg(feature = "metrics")]
    pub(crate) metrics: crate::metrics::Metrics,
}

impl Config {
    /// Whether attempts are timed: only when a hook or a metric wants the duration, so
    /// that a call without either reads no clock for it.
    pub(crate) fn times_attempts(&self) -> bool {
        self.hooks.is_some() || cfg!(feature = "metrics")
    }
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
            .field("retry_budget", &config.retry_budget.budget())
            .field("retry_tokens", &config.retry_budget.tokens())
            .field("pool_idle_timeout", &config.pool_idle_timeout)
            .field(
                "hooks",
                &config.hooks.as_ref().map_or(0, |hooks| hooks.len()),
            )
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
    app_info: Option<(String, String)>,
    retry_budget: RetryBudget,
    pool_idle_timeout: Duration,
    hooks: Hooks,
    #[cfg(feature = "metrics")]
    meter: Option<opentelemetry::metrics::Meter>,
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
            .field("app_info", &self.app_info)
            .field("retry_budget", &self.retry_budget)
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("hooks", &self.hooks.len())
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
    /// Default 30 s. It is set on a builder you pass to
    /// [`http_client`](Self::http_client) too (replacing its own), and a call can change
    /// it for itself (the `timeout` of its options type).
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

    /// How many retries the client (with its clones) may make across all its calls; the
    /// default is [`RetryBudget::default`], AWS standard mode's token bucket.
    /// [`RetryBudget::unlimited`] turns it off.
    ///
    /// [`build`](Self::build) refuses a budget whose costs are 0 or whose capacity is
    /// smaller than a retry's cost.
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.retry_budget = budget;
        self
    }

    /// How long an unused connection stays in the pool before it is closed; default
    /// [`DEFAULT_POOL_IDLE_TIMEOUT`] (50 s).
    ///
    /// Keep it below the idle timeout of whatever is in front of StableMint (load
    /// balancers commonly close idle connections at 60 s): a request written onto a
    /// connection the other side has just closed fails once it may have been sent, and a
    /// call without an idempotency key cannot then be retried. It is set on a builder you
    /// pass to [`http_client`](Self::http_client) too, replacing its own.
    pub fn pool_idle_timeout(mut self, idle: Duration) -> Self {
        self.pool_idle_timeout = idle;
        self
    }

    /// Adds `hook`, called around each attempt of every call (see [`AttemptHook`]).
    /// Hooks run in the order they were added. None is installed by default.
    pub fn hook(mut self, hook: impl AttemptHook) -> Self {
        self.hooks.push(hook);
        self
    }

    /// Creates the client's metric instruments with `provider` (needs the `metrics`
    /// feature). Without it, they come from OpenTelemetry's global provider as it is when
    /// [`build`](Self::build) runs: install yours before building the client.
    #[cfg(feature = "metrics")]
    pub fn meter_provider<P>(mut self, provider: &P) -> Self
    where
        P: opentelemetry::metrics::MeterProvider + ?Sized,
    {
        self.meter = Some(crate::metrics::meter_of(provider));
        self
    }

    /// Whether the client corrects its clock from the server's `Date` header. On by
    /// default.
    ///
    /// When an attempt is answered 401 and the response's `Date` is more than 30 s from
    /// the timestamp the attempt was signed with (but less than 24 hours: a server
    /// further off is not believed), the client signs again with the server's time and
    /// resends once; that resend does not count against the retry budget. Only if the
    /// resend succeeds is the offset kept (shared by all clones of the client) for later
    /// calls; a later 401 that the kept offset does not explain drops it again. A 401
    /// whose `Date` agrees with the client's clock (a wrong key or secret) is returned at
    /// once.
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
    /// connect-timeout settings). The client sets [`timeout`](Self::timeout),
    /// [`pool_idle_timeout`](Self::pool_idle_timeout), its redirect policy and its
    /// `User-Agent` on it, replacing the builder's own.
    ///
    /// The client always sets `redirect::Policy::none()` on it, because a redirect would
    /// carry the API key, the signature and personal data to another address.
    pub fn http_client(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http_client = Some(builder);
        self
    }

    /// Names your application in the `User-Agent` header, after this crate's own:
    /// `stablemint-rs/0.1.0 shop/2.3`. StableMint's logs then tell your integration's
    /// requests and versions apart. [`build`](Self::build) refuses a name or version
    /// that is not an HTTP token (letters, digits and ``!#$%&'*+-.^_`|~``).
    pub fn app_info(mut self, name: &str, version: &str) -> Self {
        self.app_info = Some((name.to_owned(), version.to_owned()));
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// Fails with [`Error::Config`] for a base URL that does not parse, is not `https`
    /// (or `http` to loopback), or has a query, fragment or credentials; for an API key
    /// that is empty or cannot be sent in a header; for a zero `timeout`; for
    /// [`app_info`](Self::app_info) that is not an HTTP token; for a
    /// [`retry_budget`](Self::retry_budget) that cannot work; and when the HTTP client
    /// cannot be built. Durations too long to represent are no limit, never a panic.
    pub fn build(self) -> Result<Client, Error> {
        let (base_url, loopback_http) = check_base_url(&self.base_url)?;
        if self.timeout.is_zero() {
            return Err(Error::Config(
                "the timeout is zero, so every attempt would fail at once; give each attempt \
                 some time (the default is 30 s)"
                    .into(),
            ));
        }
        let user_agent = user_agent(self.app_info.as_ref())?;
        self.retry_budget.check().map_err(Error::Config)?;
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
            None => reqwest::Client::builder().connect_timeout(CONNECT_TIMEOUT.min(self.timeout)),
        };
        // On a builder of the caller's too: each attempt's limit is this client's
        // setting, and only a call's own options change it (per request).
        http = http
            .timeout(self.timeout)
            .pool_idle_timeout(self.pool_idle_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(user_agent);
        if loopback_http {
            // Plain http stays on this machine: a proxy from the environment would
            // carry the key and the body across the network unencrypted.
            http = http.no_proxy();
        }
        let http = http
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        let limits = stablemint_raw::Limits::new(self.max_response_bytes);
        let server = Server::of(&base_url.parse().map_err(|e| {
            Error::Config(format!("the base URL does not parse once trimmed: {e}"))
        })?);
        #[cfg(feature = "metrics")]
        let metrics = crate::metrics::Metrics::new(
            &self.meter.unwrap_or_else(crate::metrics::global_meter),
            &server,
        );
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
                retry_budget: TokenBucket::new(self.retry_budget),
                server,
                hooks: (!self.hooks.is_empty()).then(|| Arc::new(self.hooks)),
                pool_idle_timeout: self.pool_idle_timeout,
                #[cfg(feature = "metrics")]
                metrics,
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
            app_info: None,
            retry_budget: RetryBudget::default(),
            pool_idle_timeout: DEFAULT_POOL_IDLE_TIMEOUT,
            hooks: Hooks::default(),
            #[cfg(feature = "metrics")]
            meter: None,
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    /// The offset, in seconds, the client adds to its clock when it signs: the server's
    /// time minus this machine's, as learned from a 401's `Date` header and kept once a
    /// resend signed with it succeeded; 0 until then.
    pub fn clock_offset(&self) -> i64 {
        self.config.clock_offset.load(Ordering::Relaxed)
    }

    /// The tokens left in the client's retry budget (shared by its clones), or `None`
    /// when the budget is [`unlimited`](RetryBudget::unlimited). Worth exporting as a
    /// gauge: a bucket near empty means calls are failing and being retried.
    pub fn retry_tokens(&self) -> Option<u32> {
        self.config.retry_budget.tokens()
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// This machine's clock moved by `offset` seconds (saturating at the ends of
    /// `SystemTime`).
    pub(crate) fn shifted_now(&self, offset: i64) -> SystemTime {
        let now = self.config.clock.now();
        let shift = Duration::from_secs(offset.unsigned_abs());
        let corrected = if offset >= 0 {
            now.checked_add(shift)
        } else {
            now.checked_sub(shift)
        };
        corrected.unwrap_or(now)
    }

    /// The clock with the learned offset.
    pub(crate) fn corrected_now(&self) -> SystemTime {
        self.shifted_now(self.clock_offset())
    }

    /// The `timestamp` header for an attempt signed with the clock moved by `offset`:
    /// Unix seconds (0 before 1970).
    pub(crate) fn timestamp_with(&self, offset: i64) -> u64 {
        u64::try_from(unix_seconds(self.shifted_now(offset))).unwrap_or(0)
    }

    /// The offset that makes this machine's clock read `server_time` now, if it is
    /// within [`MAX_CLOCK_OFFSET_SECS`]: a server whose clock is further off than that
    /// is not believed.
    pub(crate) fn offset_to(&self, server_time: i64) -> Option<i64> {
        let offset = server_time.saturating_sub(unix_seconds(self.config.clock.now()));
        (offset.unsigned_abs() <= MAX_CLOCK_OFFSET_SECS).then_some(offset)
    }

    /// Keeps `offset` for later calls (and clones), once an attempt signed with it
    /// succeeded.
    pub(crate) fn keep_clock_offset(&self, offset: i64) {
        self.config.clock_offset.store(offset, Ordering::Relaxed);
    }

    /// Forgets the learned offset, if it is still `offset`: a 401 it did not fix.
    pub(crate) fn drop_clock_offset(&self, offset: i64) {
        let _ = self.config.clock_offset.compare_exchange(
            offset,
            0,
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }
}

/// `stablemint-rs/<version>`, then the application's `name/version` if it gave one.
fn user_agent(app_info: Option<&(String, String)>) -> Result<String, Error> {
    let mut agent = format!("stablemint-rs/{}", env!("CARGO_PKG_VERSION"));
    if let Some((name, version)) = app_info {
        let token = |text: &str| {
            !text.is_empty()
                && text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        };
        if !token(name) || !token(version) {
            return Err(Error::Config(format!(
                "app_info({:?}, {:?}) is not a product token: use letters, digits and \
                 !#$%&'*+-.^_`|~ only, e.g. app_info(\"shop\", \"2.3\")",
                stablemint_wire::shown(name, 64),
                stablemint_wire::shown(version, 64)
            )));
        }
        agent.push_str(&format!(" {name}/{version}"));
    }
    Ok(agent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_agent_names_this_crate_then_the_application() {
        let own = format!("stablemint-rs/{}", env!("CARGO_PKG_VERSION"));
        assert_eq!(user_agent(None).unwrap(), own);
        let app = ("shop".to_owned(), "2.3".to_owned());
        assert_eq!(user_agent(Some(&app)).unwrap(), format!("{own} shop/2.3"));
        for (name, version) in [("", "1"), ("my shop", "1"), ("shop", "1/2"), ("é", "1")] {
            let bad = (name.to_owned(), version.to_owned());
            assert!(
                matches!(user_agent(Some(&bad)), Err(Error::Config(_))),
                "{name:?} {version:?}"
            );
        }
    }
}
