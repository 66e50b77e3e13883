//! How many retries one client may make across all its calls: a token bucket, as the AWS
//! SDKs' standard retry mode keeps one.

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};

/// A budget of retries shared by a client and its clones, so that an outage cannot
/// multiply the traffic it receives.
///
/// [`RetryPolicy`](crate::RetryPolicy) bounds the retries of one call; this bounds the
/// retries of all calls together. The client holds a bucket of tokens, full at the
/// start. Each retry takes [`retry_cost`](Self::retry_cost) tokens (a retry after a
/// timeout takes [`timeout_retry_cost`](Self::timeout_retry_cost), since a timeout is the
/// stronger sign of a struggling server); a retry that finds too few tokens is not made,
/// and the call fails with its last error, which says so
/// ([`Error::retry_budget_exhausted`](crate::Error::retry_budget_exhausted)). A call
/// that succeeds at its first attempt puts [`success_refill`](Self::success_refill)
/// tokens back; one that succeeds after retrying gives back the tokens of its last
/// retry. The bucket never holds more than [`capacity`](Self::capacity).
///
/// The default is AWS standard mode's: 500 tokens, 5 a retry, 10 a retry after a
/// timeout, 1 back for each success. With it, 1,000 calls in flight during an outage
/// make at most 1,000 + 500 / 5 = 1,100 requests instead of the 3,000 their
/// [`RetryPolicy`](crate::RetryPolicy) alone would allow.
///
/// The resend after a 401 caused by this machine's clock is not a retry and takes no
/// token (see
/// [`ClientBuilder::clock_skew_correction`](crate::ClientBuilder::clock_skew_correction)).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RetryBudget {
    /// `None`: no budget at all.
    limits: Option<Limits>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Limits {
    capacity: u32,
    retry_cost: u32,
    timeout_retry_cost: u32,
    success_refill: u32,
}

impl fmt::Debug for RetryBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.limits {
            None => f.write_str("RetryBudget::unlimited"),
            Some(limits) => f
                .debug_struct("RetryBudget")
                .field("capacity", &limits.capacity)
                .field("retry_cost", &limits.retry_cost)
                .field("timeout_retry_cost", &limits.timeout_retry_cost)
                .field("success_refill", &limits.success_refill)
                .finish(),
        }
    }
}

impl Default for RetryBudget {
    /// 500 tokens; 5 a retry, 10 a retry after a timeout; 1 back for each success.
    fn default() -> Self {
        Self {
            limits: Some(Limits {
                capacity: 500,
                retry_cost: 5,
                timeout_retry_cost: 10,
                success_refill: 1,
            }),
        }
    }
}

impl RetryBudget {
    /// No budget: every call retries as its [`RetryPolicy`](crate::RetryPolicy) allows,
    /// however many other calls are retrying.
    pub fn unlimited() -> Self {
        Self { limits: None }
    }

    /// The same budget with a bucket of `capacity` tokens (full at the start). A budget
    /// that was [`unlimited`](Self::unlimited) gets the default costs.
    pub fn with_capacity(self, capacity: u32) -> Self {
        self.with(|limits| limits.capacity = capacity)
    }

    /// The same budget with `cost` tokens taken by each retry that does not follow a
    /// timeout.
    pub fn with_retry_cost(self, cost: u32) -> Self {
        self.with(|limits| limits.retry_cost = cost)
    }

    /// The same budget with `cost` tokens taken by each retry that follows a timeout.
    pub fn with_timeout_retry_cost(self, cost: u32) -> Self {
        self.with(|limits| limits.timeout_retry_cost = cost)
    }

    /// The same budget with `tokens` put back by each call that succeeds at its first
    /// attempt.
    pub fn with_success_refill(self, tokens: u32) -> Self {
        self.with(|limits| limits.success_refill = tokens)
    }

    /// Whether retries are limited at all.
    pub fn is_limited(&self) -> bool {
        self.limits.is_some()
    }

    /// The most tokens the bucket holds; `None` when [`unlimited`](Self::unlimited).
    pub fn capacity(&self) -> Option<u32> {
        self.limits.map(|l| l.capacity)
    }

    /// The tokens a retry takes; `None` when [`unlimited`](Self::unlimited).
    pub fn retry_cost(&self) -> Option<u32> {
        self.limits.map(|l| l.retry_cost)
    }

    /// The tokens a retry after a timeout takes; `None` when
    /// [`unlimited`](Self::unlimited).
    pub fn timeout_retry_cost(&self) -> Option<u32> {
        self.limits.map(|l| l.timeout_retry_cost)
    }

    /// The tokens a first-attempt success puts back; `None` when
    /// [`unlimited`](Self::unlimited).
    pub fn success_refill(&self) -> Option<u32> {
        self.limits.map(|l| l.success_refill)
    }

    fn with(self, change: impl FnOnce(&mut Limits)) -> Self {
        let mut limits = self
            .limits
            .unwrap_or_else(|| RetryBudget::default().limits.unwrap_or(Limits::NONE));
        change(&mut limits);
        Self {
            limits: Some(limits),
        }
    }

    /// Why this budget cannot work as configured, if it cannot.
    pub(crate) fn check(&self) -> Result<(), String> {
        let Some(limits) = self.limits else {
            return Ok(());
        };
        if limits.retry_cost == 0 || limits.timeout_retry_cost == 0 {
            return Err(
                "the retry budget has a retry cost of 0 tokens, so it limits nothing; use \
                 RetryBudget::unlimited() to turn the budget off, or a cost of at least 1"
                    .into(),
            );
        }
        if limits.capacity < limits.retry_cost.max(limits.timeout_retry_cost) {
            return Err(format!(
                "the retry budget holds {} tokens but a retry costs {} (after a timeout {}), \
                 so some retries could never be made; raise its capacity, or use \
                 RetryPolicy::none() to turn retries off",
                limits.capacity, limits.retry_cost, limits.timeout_retry_cost
            ));
        }
        Ok(())
    }
}

impl Limits {
    const NONE: Limits = Limits {
        capacity: 0,
        retry_cost: 0,
        timeout_retry_cost: 0,
        success_refill: 0,
    };
}

/// The bucket of one client (shared by its clones).
#[derive(Debug)]
pub(crate) struct TokenBucket {
    limits: Option<Limits>,
    tokens: AtomicU32,
}

impl TokenBucket {
    /// A full bucket for `budget`.
    pub(crate) fn new(budget: RetryBudget) -> Self {
        Self {
            limits: budget.limits,
            tokens: AtomicU32::new(budget.limits.map_or(0, |l| l.capacity)),
        }
    }

    /// The budget it was made with.
    pub(crate) fn budget(&self) -> RetryBudget {
        RetryBudget {
            limits: self.limits,
        }
    }

    /// The tokens left; `None` without a budget.
    pub(crate) fn tokens(&self) -> Option<u32> {
        self.limits.map(|_| self.tokens.load(Ordering::Relaxed))
    }

    /// Takes the tokens of one retry (after a timeout, or not), if there are enough: the
    /// tokens taken (0 without a budget), or `None` when the retry must not be made.
    pub(crate) fn take_retry(&self, after_timeout: bool) -> Option<u32> {
        let Some(limits) = self.limits else {
            return Some(0);
        };
        let cost = if after_timeout {
            limits.timeout_retry_cost
        } else {
            limits.retry_cost
        };
        self.tokens
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |tokens| {
                tokens.checked_sub(cost)
            })
            .ok()
            .map(|_| cost)
    }

    /// A call succeeded: `retry_tokens` is what its last retry took (0 when it succeeded
    /// at its first attempt), which goes back; a first-attempt success refills instead.
    ///
    /// On every successful call, so the common case (a full bucket, no retry) is one
    /// relaxed load and a comparison.
    #[inline]
    pub(crate) fn succeeded(&self, retry_tokens: u32) {
        let Some(limits) = self.limits else {
            return;
        };
        let refill = if retry_tokens > 0 {
            retry_tokens
        } else {
            limits.success_refill
        };
        if refill == 0 || self.tokens.load(Ordering::Relaxed) >= limits.capacity {
            return;
        }
        self.refill(refill, limits.capacity);
    }

    #[cold]
    fn refill(&self, tokens: u32, capacity: u32) {
        let _ = self
            .tokens
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |now| {
                Some(now.saturating_add(tokens).min(capacity))
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_aws_standard_mode() {
        let budget = RetryBudget::default();
        assert!(budget.is_limited());
        assert_eq!(budget.capacity(), Some(500));
        assert_eq!(budget.retry_cost(), Some(5));
        assert_eq!(budget.timeout_retry_cost(), Some(10));
        assert_eq!(budget.success_refill(), Some(1));
        let unlimited = RetryBudget::unlimited();
        assert!(!unlimited.is_limited());
        assert_eq!(unlimited.capacity(), None);
        assert_eq!(unlimited.retry_cost(), None);
        assert_eq!(unlimited.timeout_retry_cost(), None);
        assert_eq!(unlimited.success_refill(), None);
    }

    #[test]
    fn every_setting_reads_back() {
        let budget = RetryBudget::unlimited()
            .with_capacity(40)
            .with_retry_cost(4)
            .with_timeout_retry_cost(8)
            .with_success_refill(2);
        assert_eq!(budget.capacity(), Some(40));
        assert_eq!(budget.retry_cost(), Some(4));
        assert_eq!(budget.timeout_retry_cost(), Some(8));
        assert_eq!(budget.success_refill(), Some(2));
        // From unlimited, the costs not given are the default's.
        let budget = RetryBudget::unlimited().with_capacity(40);
        assert_eq!(budget.retry_cost(), Some(5));
    }

    #[test]
    fn debug_shows_the_settings() {
        assert_eq!(
            format!("{:?}", RetryBudget::default()),
            "RetryBudget { capacity: 500, retry_cost: 5, timeout_retry_cost: 10, \
             success_refill: 1 }"
        );
        assert_eq!(
            format!("{:?}", RetryBudget::unlimited()),
            "RetryBudget::unlimited"
        );
    }

    #[test]
    fn retries_take_tokens_until_too_few_are_left() {
        let bucket = TokenBucket::new(RetryBudget::default().with_capacity(23));
        assert_eq!(bucket.take_retry(false), Some(5));
        assert_eq!(bucket.take_retry(true), Some(10));
        assert_eq!(bucket.tokens(), Some(8));
        assert_eq!(bucket.take_retry(true), None);
        assert_eq!(bucket.tokens(), Some(8));
        assert_eq!(bucket.take_retry(false), Some(5));
        assert_eq!(bucket.take_retry(false), None);
        assert_eq!(bucket.tokens(), Some(3));
    }

    #[test]
    fn successes_refill_up_to_the_capacity() {
        let bucket = TokenBucket::new(RetryBudget::default().with_capacity(12));
        bucket.take_retry(true);
        assert_eq!(bucket.tokens(), Some(2));
        bucket.succeeded(0);
        assert_eq!(bucket.tokens(), Some(3));
        // A success after a retry gives back what that retry took.
        bucket.succeeded(5);
        assert_eq!(bucket.tokens(), Some(8));
        bucket.succeeded(10);
        assert_eq!(bucket.tokens(), Some(12));
        bucket.succeeded(0);
        assert_eq!(bucket.tokens(), Some(12));
    }

    #[test]
    fn without_a_budget_every_retry_is_free() {
        let bucket = TokenBucket::new(RetryBudget::unlimited());
        for _ in 0..1000 {
            assert_eq!(bucket.take_retry(true), Some(0));
        }
        bucket.succeeded(0);
        assert_eq!(bucket.tokens(), None);
    }

    #[test]
    fn budgets_that_cannot_work_are_refused() {
        assert!(RetryBudget::default().check().is_ok());
        assert!(RetryBudget::unlimited().check().is_ok());
        let zero = RetryBudget::default()
            .with_retry_cost(0)
            .check()
            .unwrap_err();
        assert!(zero.contains("RetryBudget::unlimited()"), "{zero}");
        let zero = RetryBudget::default().with_timeout_retry_cost(0).check();
        assert!(zero.is_err());
        let small = RetryBudget::default().with_capacity(9).check().unwrap_err();
        assert!(small.contains("holds 9 tokens"), "{small}");
        assert!(RetryBudget::default().with_capacity(10).check().is_ok());
    }
}
