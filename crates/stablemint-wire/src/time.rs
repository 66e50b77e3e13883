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

/// The proleptic Gregorian calendar date (year, month 1-12, day 1-31) of the UTC day
/// that holds `unix_seconds`: Howard Hinnant's `civil_from_days`, for every `i64`.
///
/// ```
/// assert_eq!(stablemint_wire::civil_date(951_782_400), (2000, 2, 29));
/// assert_eq!(stablemint_wire::civil_date(-1), (1969, 12, 31));
/// ```
pub fn civil_date(unix_seconds: i64) -> (i64, u32, u32) {
    let days = unix_seconds.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    // In range by construction: day 1-31, month 1-12.
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
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

    #[test]
    fn civil_dates_day_by_day_across_two_eras() {
        // Walk the calendar one day at a time from 1600-03-01 to 2400-12-31, across the
        // century and 400-year leap rules, and compare.
        let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let length = |y: i64, m: u32| match m {
            2 if leap(y) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        // 1600-03-01 is 135,080 days before the epoch.
        let mut day = -135_080_i64;
        let (mut y, mut m, mut d) = (1600_i64, 3_u32, 1_u32);
        while y <= 2400 {
            assert_eq!(civil_date(day * 86_400), (y, m, d), "day {day}");
            assert_eq!(civil_date(day * 86_400 + 86_399), (y, m, d), "day {day}");
            day += 1;
            d += 1;
            if d > length(y, m) {
                d = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
    }

    #[test]
    fn civil_dates_at_the_ends() {
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(253_402_300_799), (9999, 12, 31));
        let (year, _, _) = civil_date(i64::MIN);
        assert!(year < -200_000_000_000, "{year}");
        let (year, _, _) = civil_date(i64::MAX);
        assert!(year > 200_000_000_000, "{year}");
    }
}
