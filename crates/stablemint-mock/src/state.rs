//! What every connection of one server shares: configuration, armed faults, sessions
//! and counters.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use crate::config::{Fault, MockConfig};
use crate::sessions::Sessions;

pub(crate) struct Shared {
    pub(crate) config: MockConfig,
    pub(crate) sessions: Sessions,
    /// Armed faults, oldest first, each with how many requests it still applies to.
    faults: Mutex<VecDeque<(usize, Fault)>>,
    requests: AtomicUsize,
}

impl Shared {
    pub(crate) fn new(mut config: MockConfig) -> Self {
        let faults = std::mem::take(&mut config.faults).into();
        Self {
            config,
            sessions: Sessions::default(),
            faults: Mutex::new(faults),
            requests: AtomicUsize::new(0),
        }
    }

    /// Queues `fault` for the next `count` requests after those already armed.
    pub(crate) fn arm(&self, count: usize, fault: Fault) {
        fault.check();
        if count > 0 {
            self.lock_faults().push_back((count, fault));
        }
    }

    /// The fault for this request, if one is armed; using it counts it down.
    pub(crate) fn take_fault(&self) -> Option<Fault> {
        let mut faults = self.lock_faults();
        let (remaining, fault) = faults.front_mut()?;
        let fault = *fault;
        *remaining -= 1;
        if *remaining == 0 {
            faults.pop_front();
        }
        Some(fault)
    }

    fn lock_faults(&self) -> std::sync::MutexGuard<'_, VecDeque<(usize, Fault)>> {
        // The queue is consistent even if a holder panicked: each change is one call.
        self.faults.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::SeqCst);
    }

    pub(crate) fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// The server clock in Unix seconds (negative before 1970).
    pub(crate) fn now(&self) -> i64 {
        unix_seconds((self.config.clock)())
    }
}

pub(crate) fn unix_seconds(time: SystemTime) -> i64 {
    match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn faults_are_used_in_order_and_counted_down() {
        let shared = Shared::new(MockConfig::new("k", "s").fail_next(2, Fault::Status(503)));
        shared.arm(1, Fault::DropConnection);
        shared.arm(0, Fault::Status(500));
        assert_eq!(shared.take_fault(), Some(Fault::Status(503)));
        assert_eq!(shared.take_fault(), Some(Fault::Status(503)));
        assert_eq!(shared.take_fault(), Some(Fault::DropConnection));
        assert_eq!(shared.take_fault(), None);
    }

    #[test]
    fn unix_seconds_on_both_sides_of_the_epoch() {
        let epoch = SystemTime::UNIX_EPOCH;
        assert_eq!(
            unix_seconds(epoch + Duration::from_millis(1_700_000_000_999)),
            1_700_000_000
        );
        assert_eq!(unix_seconds(epoch - Duration::from_secs(5)), -5);
        assert_eq!(unix_seconds(epoch), 0);
    }
}
