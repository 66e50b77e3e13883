//! When and how long to wait before trying again.

use std::time::Duration;

/// How many times a failed call is retried, and how long to wait in between.
///
/// A call is retried only when it carries an `idempotencyKey`, so that StableMint
/// creates at most one session however many attempts reach it. With retries on, the
/// client adds a fresh UUIDv4 key to any request that has none, and reuses it on every
/// attempt of that call.
///
/// Retried: connection errors, timeouts, `429 Too Many Requests` and `5xx`. Never
/// retried: any other `4xx`, validation errors and responses that do not decode.
///
/// The wait before retry `n` (0-based) is drawn uniformly from
/// `0..=min(max_delay, base_delay * 2^n)` ("full jitter"). A `Retry-After` header in
/// seconds replaces that draw, capped at `max_delay`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    base_delay: Duration,
    max_delay: Duration,
}

impl Default for RetryPolicy {
    /// Two retries, base delay 250 ms, capped at 5 s.
    fn default() -> Self {
        Self {
            max_retries: 2,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// No retries: each call makes exactly one attempt, and no idempotency key is added.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The same policy with `max_retries` retries after the first attempt.
    pub fn with_max_retries(self, max_retries: u32) -> Self {
        Self {
            max_retries,
            ..self
        }
    }

    /// The same policy with another base delay for the exponential backoff.
    pub fn with_base_delay(self, base_delay: Duration) -> Self {
        Self { base_delay, ..self }
    }

    /// The same policy with another cap on any single wait, `Retry-After` included.
    pub fn with_max_delay(self, max_delay: Duration) -> Self {
        Self { max_delay, ..self }
    }

    /// How many retries follow a failed first attempt.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The base delay of the exponential backoff.
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The longest single wait.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// Whether calls are retried at all.
    pub fn enabled(&self) -> bool {
        self.max_retries > 0
    }

    /// The wait before retry number `retry` (0 for the first retry).
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_delay);
        }
        let ceiling = self
            .base_delay
            .checked_mul(2u32.saturating_pow(retry))
            .unwrap_or(self.max_delay)
            .min(self.max_delay);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }
}

/// Whether a response status is worth another attempt.
pub(crate) fn retryable_status(status: u16) -> bool {
    status == 429 || (500..=599).contains(&status)
}

/// A `Retry-After` header in delta-seconds. The HTTP-date form is ignored (the backoff
/// applies instead), because comparing it needs a clock the server shares.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_under_the_exponential_ceiling_and_the_cap() {
        let policy = RetryPolicy::default();
        for retry in 0..40 {
            let ceiling = Duration::from_millis(250)
                .saturating_mul(1 << retry.min(20))
                .min(Duration::from_secs(5));
            for _ in 0..200 {
                assert!(policy.delay(retry, None) <= ceiling, "retry {retry}");
            }
        }
    }

    #[test]
    fn backoff_is_jittered() {
        let policy = RetryPolicy::default();
        let draws: std::collections::BTreeSet<_> = (0..50).map(|_| policy.delay(3, None)).collect();
        assert!(draws.len() > 10, "{draws:?}");
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.delay(0, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(
            policy.delay(0, Some(Duration::from_secs(60))),
            Duration::from_secs(5)
        );
    }

    #[test]
    fn retry_after_parsing() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }

    #[test]
    fn statuses() {
        for s in [429, 500, 502, 503, 504, 599] {
            assert!(retryable_status(s), "{s}");
        }
        for s in [200, 400, 401, 403, 404, 409, 422, 428, 600] {
            assert!(!retryable_status(s), "{s}");
        }
    }
}
