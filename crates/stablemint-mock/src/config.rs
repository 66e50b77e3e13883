//! What the mock accepts and how it answers: [`MockConfig`], [`Fault`], [`RandomFaults`]
//! and [`FaultError`].

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use stablemint_raw::types::SavedBank;
use stablemint_wire::{OperationSpec, UnknownFields};
use zeroize::Zeroizing;

use crate::log::RequestLog;

/// The server's time source.
pub(crate) type ClockFn = dyn Fn() -> SystemTime + Send + Sync;

/// What the server calls after each request.
pub(crate) type RequestHook = dyn Fn(&RequestLog) + Send + Sync;

/// The configuration of a [`MockServer`](crate::MockServer): the credentials it accepts,
/// its limits, its clock, the saved banks it knows and the faults it starts with.
///
/// `Debug` never prints the secret, and shows only the last four characters of the key.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use stablemint_mock::{Fault, MockConfig};
///
/// # fn main() -> Result<(), stablemint_mock::FaultError> {
/// let config = MockConfig::new("test_key", "test_secret")
///     .timestamp_window(Duration::from_secs(60))
///     .session_ttl(Duration::from_secs(120))
///     .body_limit(16 * 1024)
///     .idempotency_ttl(Duration::from_secs(3600))
///     .max_idempotency_keys(1_000)
///     .clock(|| SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000))
///     .fail_next(1, Fault::Status(503))?;
/// assert!(!format!("{config:?}").contains("test_secret"));
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct MockConfig {
    pub(crate) api_key: String,
    pub(crate) api_secret: Zeroizing<String>,
    pub(crate) timestamp_window: Duration,
    pub(crate) session_ttl: Duration,
    pub(crate) body_limit: usize,
    pub(crate) idempotency_ttl: Duration,
    pub(crate) max_idempotency_keys: usize,
    pub(crate) saved_banks: HashMap<String, Vec<SavedBank>>,
    pub(crate) clock: Arc<ClockFn>,
    pub(crate) faults: Vec<(Option<String>, usize, Fault)>,
    pub(crate) operations: &'static [OperationSpec],
    pub(crate) unknown_fields: UnknownFields,
    pub(crate) random_faults: Option<RandomFaults>,
    pub(crate) on_request: Option<Arc<RequestHook>>,
    pub(crate) journal_limit: usize,
}

impl MockConfig {
    /// A server that accepts this API key and verifies signatures with this secret.
    ///
    /// Defaults: timestamps within ±300 s of the server clock, sessions that expire
    /// 900 s after creation, request bodies up to 64 KiB, idempotency keys kept for
    /// 24 hours and at most 100,000 of them, the system clock, no saved banks, no
    /// faults, no request hook, and a journal of the last 1,000 requests.
    pub fn new(api_key: impl Into<String>, api_secret: impl Into<String>) -> Self {
        Self {
            api_key: api_key.into(),
            api_secret: Zeroizing::new(api_secret.into()),
            timestamp_window: Duration::from_secs(300),
            session_ttl: Duration::from_secs(900),
            body_limit: 64 * 1024,
            idempotency_ttl: Duration::from_secs(24 * 60 * 60),
            max_idempotency_keys: 100_000,
            saved_banks: HashMap::new(),
            clock: Arc::new(SystemTime::now),
            faults: Vec::new(),
            operations: stablemint_raw::operations::ALL,
            unknown_fields: UnknownFields::Reject,
            random_faults: None,
            on_request: None,
            journal_limit: 1_000,
        }
    }

    /// How many requests the [journal](crate::MockServer::journal) keeps, the oldest
    /// forgotten first. Default 1,000; zero keeps none. It holds request bodies (e-mail
    /// addresses among them): a server that runs for long, or for more than tests, may
    /// want fewer.
    pub fn journal_limit(mut self, limit: usize) -> Self {
        self.journal_limit = limit;
        self
    }

    /// What to do with a request body property the API does not define. Default
    /// [`UnknownFields::Reject`]: 400 `invalid_body`, with code `unknown` and a
    /// did-you-mean hint at the property's pointer, because a misspelled
    /// `idempotencyKey` silently dropped would create duplicate sessions.
    /// StableMint's documentation does not say what the real API does;
    /// [`UnknownFields::Ignore`] behaves like a lenient server.
    pub fn unknown_fields(mut self, unknown: UnknownFields) -> Self {
        self.unknown_fields = unknown;
        self
    }

    /// How far the `timestamp` header may be from the server clock, either way
    /// (inclusive, in whole seconds). Default 300 s.
    pub fn timestamp_window(mut self, window: Duration) -> Self {
        self.timestamp_window = window;
        self
    }

    /// How long a created session lives: `expiresAt` is the server time plus this, in
    /// whole seconds. Default 900 s.
    pub fn session_ttl(mut self, ttl: Duration) -> Self {
        self.session_ttl = ttl;
        self
    }

    /// The largest request body accepted, in bytes; a larger one is answered with 413.
    /// Default 64 KiB.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// How long an idempotency key is remembered, measured with the server's
    /// [`clock`](Self::clock) from the request that created its session. Default
    /// 24 hours, as Stripe keeps its keys.
    ///
    /// Once a key has expired, a request with it is treated as new: it creates a new
    /// session, whatever its body. A TTL of zero remembers no key.
    pub fn idempotency_ttl(mut self, ttl: Duration) -> Self {
        self.idempotency_ttl = ttl;
        self
    }

    /// The most idempotency keys remembered at once. Default 100,000.
    ///
    /// When a new key would go past the limit, the oldest key (the one stored first) is
    /// forgotten; a request with a forgotten key is treated as new and creates a new
    /// session. Zero remembers no key.
    pub fn max_idempotency_keys(mut self, max: usize) -> Self {
        self.max_idempotency_keys = max;
        self
    }

    /// The `savedBanks` returned for sessions of the user `user_id`. Users without an
    /// entry (and users given an empty list) get no `savedBanks` field. Calling this again
    /// for the same user replaces the list.
    pub fn saved_banks(mut self, user_id: impl Into<String>, banks: Vec<SavedBank>) -> Self {
        self.saved_banks.insert(user_id.into(), banks);
        self
    }

    /// The server's clock, read for the timestamp check, `expiresAt`, the expiry of
    /// idempotency keys and the `Date` header. Default `SystemTime::now`. A fixed clock
    /// makes expiry and skew tests deterministic.
    ///
    /// `Date` can only show years 1970 to 9999: a clock outside them is shown as the
    /// nearest end of that range (the other uses read it as it is).
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The operations served: by default every operation of the spec the crate was
    /// built from (`stablemint_raw::operations::ALL`). Tests of other servers, or of
    /// operations the spec does not have yet, can pass their own.
    pub fn operations(mut self, operations: &'static [OperationSpec]) -> Self {
        self.operations = operations;
        self
    }

    /// Answer the next `count` requests to any operation with `fault`. Faults queue up in
    /// the order they are added; the same is available at run time with
    /// [`MockServer::fail_next`](crate::MockServer::fail_next).
    ///
    /// Fails if `fault` is [`Fault::Status`] with a status outside `200..=599` (see
    /// [`FaultError`]); like every builder method, it takes the configuration, so the
    /// error does not give it back.
    pub fn fail_next(mut self, count: usize, fault: Fault) -> Result<Self, FaultError> {
        fault.check()?;
        if count > 0 {
            self.faults.push((None, count, fault));
        }
        Ok(self)
    }

    /// Answer the next `count` requests to the operation `operation_id` (the spec's
    /// operationId, such as `createEmbeddedSession`) with `fault`, queued with the faults
    /// of [`fail_next`](Self::fail_next).
    ///
    /// Fails if the operations served (see [`operations`](Self::operations)) have no such
    /// id, or as [`fail_next`](Self::fail_next) does.
    pub fn fail_next_on(
        mut self,
        operation_id: &str,
        count: usize,
        fault: Fault,
    ) -> Result<Self, FaultError> {
        fault.check()?;
        check_operation(self.operations, operation_id)?;
        if count > 0 {
            self.faults
                .push((Some(operation_id.to_owned()), count, fault));
        }
        Ok(self)
    }

    /// Injects faults at random into requests that no [`fail_next`](Self::fail_next)
    /// fault applies to; see [`RandomFaults`].
    pub fn random_faults(mut self, faults: RandomFaults) -> Self {
        self.random_faults = Some(faults);
        self
    }

    /// Calls `hook` once for every request the server answers or drops, after it is
    /// answered (see [`RequestLog`] for what it is told: never a header value, a body or
    /// the query string). The `stablemint mock` command prints a line with it.
    ///
    /// The hook runs on the connection's task, so it should be quick. Requests hyper
    /// refuses as malformed HTTP never reach it.
    pub fn on_request(mut self, hook: impl Fn(&RequestLog) + Send + Sync + 'static) -> Self {
        self.on_request = Some(Arc::new(hook));
        self
    }
}

impl fmt::Debug for MockConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut users: Vec<&str> = self.saved_banks.keys().map(String::as_str).collect();
        users.sort_unstable();
        // Masked as the client masks it.
        let masked_key = stablemint_wire::masked(&self.api_key);
        f.debug_struct("MockConfig")
            .field("api_key", &masked_key)
            .field("api_secret", &"** redacted **")
            .field("timestamp_window", &self.timestamp_window)
            .field("session_ttl", &self.session_ttl)
            .field("body_limit", &self.body_limit)
            .field("idempotency_ttl", &self.idempotency_ttl)
            .field("max_idempotency_keys", &self.max_idempotency_keys)
            .field("saved_banks_for", &users)
            .field("faults", &self.faults)
            .field(
                "operations",
                &self.operations.iter().map(|op| op.id).collect::<Vec<_>>(),
            )
            .field("unknown_fields", &self.unknown_fields)
            .field("random_faults", &self.random_faults)
            .field("on_request", &self.on_request.is_some())
            .field("journal_limit", &self.journal_limit)
            .finish_non_exhaustive()
    }
}

/// A failure the mock produces instead of, or on top of, processing a request, to test
/// a client's error handling, timeouts and retries. Armed with
/// [`MockConfig::fail_next`], [`MockServer::fail_next`](crate::MockServer::fail_next) or
/// at random with [`RandomFaults`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this HTTP status and the error JSON, with code `injected_fault`,
    /// without processing the request. The status must be a final one, `200..=599`:
    /// hyper cannot send a 1xx status as an answer. 204 and 304 are sent without a body,
    /// as HTTP requires.
    Status(u16),
    /// Close the TCP connection without processing the request or writing anything;
    /// the client sees a connection error, and no session is created.
    DropConnection,
    /// Process the request as usual (a valid one creates its session and stores its
    /// idempotency key), then close the connection without sending the answer: the
    /// server has acted, but the client sees a connection error. A retry with the same
    /// idempotency key gets the session that was created.
    DropAfterProcessing,
    /// Process the request as usual and at once (a valid one creates its session
    /// straight away), then hold the answer back for this long before sending it, to
    /// be slower than a client's timeout. The delay is real time, not the mock's
    /// [`clock`](MockConfig::clock), which the `Date` header still reads when the
    /// answer is sent. A client that gives up meanwhile closes the connection; the
    /// answer is then never sent, but the session stays created.
    /// [`MockServer::shutdown`](crate::MockServer::shutdown) waits for a delayed answer
    /// for up to 5 seconds, as for any request in flight, then closes the connection.
    Delay(Duration),
}

impl Fault {
    /// Refuses statuses that cannot be sent as a final response with the error JSON.
    pub(crate) fn check(self) -> Result<(), FaultError> {
        match self {
            Fault::Status(status) if !(200..=599).contains(&status) => {
                Err(FaultError::Status(status))
            }
            _ => Ok(()),
        }
    }

    /// The fault's name in logs.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Fault::Status(_) => "status",
            Fault::DropConnection => "drop_connection",
            Fault::DropAfterProcessing => "drop_after_processing",
            Fault::Delay(_) => "delay",
        }
    }
}

/// Faults injected at random, from a seeded generator, so that a chaos test can be
/// replayed.
///
/// Each request (to any operation, or only to the one given to
/// [`only_on`](Self::only_on)) that no queued ([`fail_next`](MockConfig::fail_next))
/// fault applies to draws from the generator:
/// with probability `rate` it gets one of `faults`, chosen uniformly. The n-th such
/// request always makes the n-th draw, so the same seed gives the same sequence of
/// faults; which request is the n-th depends on the order requests arrive in, which
/// concurrent clients do not fix.
///
/// ```
/// use std::time::Duration;
/// use stablemint_mock::{Fault, MockConfig, RandomFaults};
///
/// # fn main() -> Result<(), stablemint_mock::FaultError> {
/// let chaos = RandomFaults::new(
///     42,
///     0.25,
///     [Fault::Status(503), Fault::DropAfterProcessing, Fault::Delay(Duration::from_secs(5))],
/// )?;
/// let config = MockConfig::new("test_key", "test_secret").random_faults(chaos);
/// # let _ = config;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct RandomFaults {
    pub(crate) seed: u64,
    pub(crate) rate: f64,
    pub(crate) faults: Vec<Fault>,
    pub(crate) operation: Option<String>,
}

impl RandomFaults {
    /// Faults from `faults`, each request getting one with probability `rate`, drawn
    /// from a generator seeded with `seed`.
    ///
    /// Fails if `rate` is not in `0.0..=1.0`, if `faults` is empty, or if one of them
    /// is a [`Fault::Status`] outside `200..=599`.
    pub fn new(
        seed: u64,
        rate: f64,
        faults: impl IntoIterator<Item = Fault>,
    ) -> Result<Self, FaultError> {
        if !(0.0..=1.0).contains(&rate) {
            return Err(FaultError::Rate(rate));
        }
        let faults: Vec<Fault> = faults.into_iter().collect();
        if faults.is_empty() {
            return Err(FaultError::NoFaults);
        }
        for fault in &faults {
            fault.check()?;
        }
        Ok(Self {
            seed,
            rate,
            faults,
            operation: None,
        })
    }

    /// The same faults, for requests to the operation `operation_id` only. The server
    /// refuses to start ([`MockServer::start`](crate::MockServer::start) fails with
    /// `InvalidInput`) if it serves no such operation.
    pub fn only_on(mut self, operation_id: impl Into<String>) -> Self {
        self.operation = Some(operation_id.into());
        self
    }
}

/// Whether `operations` has one with `id`.
pub(crate) fn check_operation(operations: &[OperationSpec], id: &str) -> Result<(), FaultError> {
    if operations.iter().any(|op| op.id == id) {
        Ok(())
    } else {
        Err(FaultError::UnknownOperation(id.to_owned()))
    }
}

/// Why a fault cannot be armed.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum FaultError {
    /// [`Fault::Status`] with a status that is not a final HTTP status (`200..=599`).
    /// hyper cannot send a 1xx status as the answer to a request, and there are no
    /// statuses past 599.
    Status(u16),
    /// A [`RandomFaults`] rate that is not a probability in `0.0..=1.0`.
    Rate(f64),
    /// A [`RandomFaults`] with no fault to choose from.
    NoFaults,
    /// A fault for an operation the server does not serve: its id as given.
    UnknownOperation(String),
    /// A scripted body the operation could not answer with: not JSON, or not of the type
    /// the operation declares for the status ([`Answer::body`](crate::Answer::body)).
    Body {
        /// The operation's id.
        operation: String,
        /// The status it was scripted with.
        status: u16,
        /// What is wrong with it.
        problem: String,
    },
}

impl fmt::Display for FaultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultError::Status(status) => write!(
                f,
                "Fault::Status({status}) cannot be injected: use a final HTTP status in \
                 200..=599 (hyper cannot send a 1xx status as an answer)"
            ),
            FaultError::Rate(rate) => write!(
                f,
                "a random fault rate of {rate} is not a probability: use a number in 0.0..=1.0"
            ),
            FaultError::NoFaults => {
                f.write_str("random faults need at least one fault to choose from")
            }
            FaultError::Body {
                operation,
                status,
                problem,
            } => write!(
                f,
                "the body scripted for {operation}'s {status} answer cannot be sent: {}",
                stablemint_wire::shown(problem, 300)
            ),
            FaultError::UnknownOperation(id) => write!(
                f,
                "the mock serves no operation `{}`; give the spec's operationId, such as \
                 `createEmbeddedSession`",
                stablemint_wire::shown(id, 100)
            ),
        }
    }
}

impl std::error::Error for FaultError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret_and_most_of_the_key() {
        let config = MockConfig::new("pk_test_1234abcd", "very-secret")
            .saved_banks("user-2", vec![])
            .saved_banks("user-1", vec![SavedBank::default()]);
        let debug = format!("{config:?}");
        assert!(!debug.contains("very-secret"), "{debug}");
        assert!(debug.contains(r#"api_key: "************abcd""#), "{debug}");
        assert!(
            debug.contains(r#"saved_banks_for: ["user-1", "user-2"]"#),
            "{debug}"
        );
    }

    #[test]
    fn zero_faults_are_not_queued() {
        let config = MockConfig::new("k", "s")
            .fail_next(0, Fault::DropConnection)
            .unwrap();
        assert!(config.faults.is_empty());
    }

    #[test]
    fn statuses_that_are_not_final_are_refused() {
        for status in [0, 99, 100, 101, 103, 199, 600, u16::MAX] {
            let error = MockConfig::new("k", "s")
                .fail_next(1, Fault::Status(status))
                .unwrap_err();
            assert_eq!(error, FaultError::Status(status));
            let message = error.to_string();
            assert!(
                message.contains(&format!("Fault::Status({status}) cannot be injected")),
                "{message}"
            );
        }
        for status in [200, 204, 304, 418, 599] {
            assert!(
                MockConfig::new("k", "s")
                    .fail_next(1, Fault::Status(status))
                    .is_ok()
            );
        }
    }

    #[test]
    fn random_faults_are_checked() {
        for rate in [-0.1, 1.5, f64::NAN, f64::INFINITY] {
            let error = RandomFaults::new(1, rate, [Fault::DropConnection]).unwrap_err();
            assert!(matches!(error, FaultError::Rate(_)), "{error}");
            assert!(error.to_string().contains("not a probability"), "{error}");
        }
        assert_eq!(
            RandomFaults::new(1, 0.5, []).unwrap_err(),
            FaultError::NoFaults
        );
        assert_eq!(
            RandomFaults::new(1, 0.5, [Fault::DropConnection, Fault::Status(100)]).unwrap_err(),
            FaultError::Status(100)
        );
        assert!(RandomFaults::new(1, 0.0, [Fault::DropConnection]).is_ok());
        assert!(RandomFaults::new(1, 1.0, [Fault::Delay(Duration::MAX)]).is_ok());
    }
}
