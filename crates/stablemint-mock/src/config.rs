//! What the mock accepts and how it answers: [`MockConfig`] and [`Fault`].

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use stablemint::UnknownFields;
use stablemint_raw::types::SavedBank;
use zeroize::Zeroizing;

/// The server's time source.
pub(crate) type ClockFn = dyn Fn() -> SystemTime + Send + Sync;

/// The configuration of a [`MockServer`](crate::MockServer): the credentials it accepts,
/// its limits, its clock, the saved banks it knows and the faults it starts with.
///
/// `Debug` never prints the secret, and shows only the last four characters of the key.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use stablemint_mock::{Fault, MockConfig};
///
/// let config = MockConfig::new("test_key", "test_secret")
///     .timestamp_window(Duration::from_secs(60))
///     .session_ttl(Duration::from_secs(120))
///     .body_limit(16 * 1024)
///     .clock(|| SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000))
///     .fail_next(1, Fault::Status(503));
/// assert!(!format!("{config:?}").contains("test_secret"));
/// ```
#[derive(Clone)]
pub struct MockConfig {
    pub(crate) api_key: String,
    pub(crate) api_secret: Zeroizing<String>,
    pub(crate) timestamp_window: Duration,
    pub(crate) session_ttl: Duration,
    pub(crate) body_limit: usize,
    pub(crate) saved_banks: HashMap<String, Vec<SavedBank>>,
    pub(crate) clock: Arc<ClockFn>,
    pub(crate) faults: Vec<(usize, Fault)>,
    pub(crate) unknown_fields: UnknownFields,
}

impl MockConfig {
    /// A server that accepts this API key and verifies signatures with this secret.
    ///
    /// Defaults: timestamps within ±300 s of the server clock, sessions that expire
    /// 900 s after creation, request bodies up to 64 KiB, the system clock, no saved
    /// banks and no faults.
    pub fn new(api_key: impl Into<String>, api_secret: impl Into<String>) -> Self {
        Self {
            api_key: api_key.into(),
            api_secret: Zeroizing::new(api_secret.into()),
            timestamp_window: Duration::from_secs(300),
            session_ttl: Duration::from_secs(900),
            body_limit: 64 * 1024,
            saved_banks: HashMap::new(),
            clock: Arc::new(SystemTime::now),
            faults: Vec::new(),
            unknown_fields: UnknownFields::Reject,
        }
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

    /// The `savedBanks` returned for sessions of the user `user_id`. Users without an
    /// entry (and users given an empty list) get no `savedBanks` field. Calling this again
    /// for the same user replaces the list.
    pub fn saved_banks(mut self, user_id: impl Into<String>, banks: Vec<SavedBank>) -> Self {
        self.saved_banks.insert(user_id.into(), banks);
        self
    }

    /// The server's clock, read for the timestamp check and for `expiresAt`. Default
    /// `SystemTime::now`. A fixed clock makes expiry and skew tests deterministic.
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Answer the next `count` requests to `POST /session/embedded` with `fault` instead
    /// of processing them. Faults queue up in the order they are added; the same is
    /// available at run time with [`MockServer::fail_next`](crate::MockServer::fail_next).
    ///
    /// # Panics
    ///
    /// If `fault` is [`Fault::Status`] with a code outside `200..=599`.
    pub fn fail_next(mut self, count: usize, fault: Fault) -> Self {
        fault.check();
        if count > 0 {
            self.faults.push((count, fault));
        }
        self
    }
}

impl fmt::Debug for MockConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut users: Vec<&str> = self.saved_banks.keys().map(String::as_str).collect();
        users.sort_unstable();
        f.debug_struct("MockConfig")
            .field("api_key", &masked(&self.api_key))
            .field("api_secret", &"** redacted **")
            .field("timestamp_window", &self.timestamp_window)
            .field("session_ttl", &self.session_ttl)
            .field("body_limit", &self.body_limit)
            .field("saved_banks_for", &users)
            .field("faults", &self.faults)
            .field("unknown_fields", &self.unknown_fields)
            .finish_non_exhaustive()
    }
}

/// `key` with all but its last four characters replaced by `*`, as the client shows it.
pub(crate) fn masked(key: &str) -> String {
    let shown_from = key.chars().count().saturating_sub(4);
    key.chars()
        .enumerate()
        .map(|(i, c)| if i < shown_from { '*' } else { c })
        .collect()
}

/// A failure the mock produces instead of processing a request, to test a client's
/// error handling and retries. Armed with [`MockConfig::fail_next`] or
/// [`MockServer::fail_next`](crate::MockServer::fail_next).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this HTTP status (`200..=599`) and the error JSON, with code
    /// `injected_fault`.
    Status(u16),
    /// Close the TCP connection without writing any response; the client sees a
    /// connection error.
    DropConnection,
}

impl Fault {
    /// Refuses statuses that cannot carry the error JSON as a final response.
    pub(crate) fn check(self) {
        if let Fault::Status(status) = self {
            assert!(
                (200..=599).contains(&status),
                "Fault::Status({status}) cannot be injected: use a final HTTP status in 200..=599"
            );
        }
    }
}

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
    fn masking_counts_characters_not_bytes() {
        assert_eq!(masked("ключ-1234"), "*****1234");
        assert_eq!(masked("abc"), "abc");
        assert_eq!(masked(""), "");
    }

    #[test]
    fn zero_faults_are_not_queued() {
        let config = MockConfig::new("k", "s").fail_next(0, Fault::DropConnection);
        assert!(config.faults.is_empty());
    }

    #[test]
    #[should_panic(expected = "Fault::Status(99) cannot be injected")]
    fn informational_statuses_are_refused() {
        let _ = MockConfig::new("k", "s").fail_next(1, Fault::Status(99));
    }
}
