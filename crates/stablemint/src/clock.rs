//! Where the client reads the time, and how it waits between attempts.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

/// The largest clock offset the client learns from a server's `Date`: 24 hours. A
/// clock further off than that is not a drift to correct, and a server that says so is
/// not believed.
pub(crate) const MAX_CLOCK_OFFSET_SECS: u64 = 24 * 60 * 60;

/// The time source for the `timestamp` header (and so the signature).
///
/// The default is [`SystemClock`]. Tests pass their own to control the timestamps. The
/// client adds to it the offset it learns when the server's clock differs (see
/// [`ClientBuilder::clock_skew_correction`](crate::ClientBuilder::clock_skew_correction)).
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A boxed future that completes after a retry delay.
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// How the client waits before retrying.
///
/// The default is [`TokioSleeper`]. Tests pass their own to record the delays without
/// waiting.
pub trait Sleeper: Send + Sync + fmt::Debug {
    /// A future that completes after `delay`.
    fn sleep(&self, delay: Duration) -> SleepFuture;
}

/// Sleeps with `tokio::time::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, delay: Duration) -> SleepFuture {
        Box::pin(tokio::time::sleep(delay))
    }
}
