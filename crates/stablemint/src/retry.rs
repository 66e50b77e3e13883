//! When and how long to wait before trying again.

use std::time::{Duration, SystemTime};

/// How many times a failed call is retried, and how long to wait in between.
///
/// A call that may have reached StableMint is retried only when it carries an
/// idempotency key, so that StableMint acts at most once however many attempts reach
/// it. With retries on, the client adds a fresh UUIDv4 key to any request of an
/// operation that takes one (`idempotencyKey` for sessions), and reuses it on every
/// attempt of that call.
///
/// Retried: connection errors, timeouts, `429 Too Many Requests` and `5xx`. Never
/// retried: any other `4xx`, redirects, validation errors, oversized responses and
/// responses that do not decode. An operation without an idempotency key is retried
/// only when the connection could not be made.
///
/// The wait before retry `n` (0-based) is drawn uniformly from
/// `0..=min(max_delay, base_delay * 2^n)` ("full jitter"). A `Retry-After` header
/// (delta-seconds, or an HTTP-date read against the corrected clock) replaces that draw,
/// capped at `max_delay`; a date in the past means at once.
///
/// A 401 caused by this machine's clock is not a retry: the client corrects its clock
/// and resends once, outside this budget (see
/// [`ClientBuilder::clock_skew_correction`](crate::ClientBuilder::clock_skew_correction)).
///
/// This policy bounds the retries of one call; the client's
/// [`RetryBudget`](crate::RetryBudget) bounds those of all its calls together, so a retry
/// this policy allows may still not be made during an outage.
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

/// The wait a `Retry-After` header asks for, in either form of RFC 9110: delta-seconds,
/// or an HTTP-date compared with `now` (the corrected clock); a date in the past means
/// no wait. `None` for a value that is neither, so the backoff applies.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for a u64 is still "a very long time": the cap applies.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
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
    fn retry_after_in_seconds() {
        let now = SystemTime::UNIX_EPOCH;
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
        for bad in ["-1", "+3", "3.5", "", "soon", "1e3"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
    }

    #[test]
    fn retry_after_as_a_date_in_all_three_forms() {
        // Wed, 21 Oct 2026 07:28:00 GMT
        let then = SystemTime::UNIX_EPOCH + Duration::from_secs(1_792_567_680);
        let before = then - Duration::from_secs(90);
        for form in [
            "Wed, 21 Oct 2026 07:28:00 GMT",
            "Wednesday, 21-Oct-26 07:28:00 GMT",
            "Wed Oct 21 07:28:00 2026",
        ] {
            assert_eq!(
                parse_retry_after(form, before),
                Some(Duration::from_secs(90)),
                "{form}"
            );
        }
        // A date in the past means at once.
        assert_eq!(
            parse_retry_after(
                "Wed, 21 Oct 2026 07:28:00 GMT",
                then + Duration::from_secs(5)
            ),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("Wed, 32 Oct 2026 07:28:00 GMT", before),
            None
        );
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
