//! Unix time, as the `timestamp` header carries it.

use std::time::SystemTime;

/// Whole seconds since the Unix epoch, negative before it; saturates at the ends of
/// `i64`.
///
/// ```
/// use std::time::{Duration, SystemTime};
///
/// let moment = SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_999);
/// assert_eq!(stablemint_wire::unix_seconds(moment), 1_700_000_000);
/// ```
pub fn unix_seconds(time: SystemTime) -> i64 {
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
