//! Calendar dates written `YYYY-MM-DD`.

use std::borrow::Cow;

use super::Rule;

const SHAPE: &str = "not a calendar date in YYYY-MM-DD form";
const YEAR: &str = "not a calendar date in YYYY-MM-DD form: the year must be 0001 to 9999";
const MONTH: &str = "not a calendar date in YYYY-MM-DD form: the month must be 01 to 12";
const DAY: &str = "not a calendar date in YYYY-MM-DD form: that month has no such day";
const LEAP_DAY: &str =
    "not a calendar date in YYYY-MM-DD form: 29 February exists only in leap years";

/// Why a string is not a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reason {
    /// Not ten ASCII bytes of the form `dddd-dd-dd`.
    Shape,
    Year,
    Month,
    Day,
    /// `29` in February of a common year.
    LeapDay,
}

/// Whether `s` is exactly `YYYY-MM-DD` in ASCII digits and names a real day of the
/// proleptic Gregorian calendar, year 0001 to 9999.
///
/// Leap years follow the Gregorian rule: 2000 and 2024 are leap years, 1900 is not.
/// No trimming, no signs, no time part, no other separators.
///
/// ```
/// use stablemint_validate::is_date;
///
/// assert!(is_date("2000-02-29"));
/// assert!(!is_date("1900-02-29"));
/// assert!(!is_date("2024-1-5"));
/// ```
pub fn is_date(s: &str) -> bool {
    Date::test(s).is_ok()
}

/// The `date` rule: [`is_date`], with a message that says how to fix the value.
pub(crate) struct Date;

impl Rule for Date {
    type Input<'a> = &'a str;
    type Reason = Reason;
    const CODE: &'static str = "date";

    fn test(s: &str) -> Result<(), Reason> {
        let &[y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = s.as_bytes() else {
            return Err(Reason::Shape);
        };
        let (Some(year), Some(month), Some(day)) = (
            number(&[y0, y1, y2, y3]),
            number(&[m0, m1]),
            number(&[d0, d1]),
        ) else {
            return Err(Reason::Shape);
        };
        if year == 0 {
            return Err(Reason::Year);
        }
        if !(1..=12).contains(&month) {
            return Err(Reason::Month);
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(if month == 2 && day == 29 {
                Reason::LeapDay
            } else {
                Reason::Day
            });
        }
        Ok(())
    }

    fn message(reason: Reason) -> Cow<'static, str> {
        Cow::Borrowed(match reason {
            Reason::Shape => SHAPE,
            Reason::Year => YEAR,
            Reason::Month => MONTH,
            Reason::Day => DAY,
            Reason::LeapDay => LEAP_DAY,
        })
    }
}

/// The value of a run of ASCII digits, or `None` if any byte is not one.
fn number(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |value, &byte| {
        byte.is_ascii_digit()
            .then(|| value * 10 + u32::from(byte - b'0'))
    })
}

fn is_leap_year(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(s: &str) -> Result<(), crate::Invalid> {
        crate::rules::date(s)
    }

    #[test]
    fn accepts_real_dates() {
        for s in [
            "0001-01-01",
            "9999-12-31",
            "1990-04-27",
            "2024-02-29",
            "2000-02-29",
            "1600-02-29",
            "2023-01-31",
            "2023-04-30",
            "2023-12-31",
        ] {
            assert!(is_date(s), "{s}");
        }
    }

    #[test]
    fn leap_years_follow_the_gregorian_rule() {
        assert!(is_leap_year(2000));
        assert!(is_leap_year(2024));
        assert!(is_leap_year(1600));
        assert!(!is_leap_year(1900));
        assert!(!is_leap_year(2100));
        assert!(!is_leap_year(2023));
        assert_eq!(Date::test("1900-02-29"), Err(Reason::LeapDay));
        assert_eq!(Date::test("2023-02-29"), Err(Reason::LeapDay));
        assert_eq!(Date::test("2100-02-29"), Err(Reason::LeapDay));
        assert_eq!(Date::test("2024-02-30"), Err(Reason::Day));
    }

    #[test]
    fn years_are_0001_to_9999() {
        assert_eq!(Date::test("0000-01-01"), Err(Reason::Year));
        assert_eq!(Date::test("10000-01-01"), Err(Reason::Shape));
        assert_eq!(Date::test("-0001-01-01"), Err(Reason::Shape));
        assert_eq!(Date::test("+2024-01-01"), Err(Reason::Shape));
    }

    #[test]
    fn months_and_days_are_checked() {
        assert_eq!(Date::test("2024-00-10"), Err(Reason::Month));
        assert_eq!(Date::test("2024-13-10"), Err(Reason::Month));
        assert_eq!(Date::test("2024-99-10"), Err(Reason::Month));
        assert_eq!(Date::test("2024-01-00"), Err(Reason::Day));
        assert_eq!(Date::test("2024-01-32"), Err(Reason::Day));
        for month in ["04", "06", "09", "11"] {
            assert_eq!(Date::test(&format!("2024-{month}-31")), Err(Reason::Day));
            assert_eq!(Date::test(&format!("2024-{month}-30")), Ok(()));
        }
    }

    #[test]
    fn only_the_exact_shape() {
        for s in [
            "",
            "2024-1-05",
            "2024-01-5",
            "24-01-05",
            "2024/01/05",
            "2024-01-05T00:00:00Z",
            " 2024-01-05",
            "2024-01-05 ",
            "2024-01-05\n",
            "2024_01_05",
            "20240105",
            "２０２４-01-05",
            "2024-0a-05",
            "2024-01-0 ",
            "2024--1-05",
            "+024-01-05",
        ] {
            assert_eq!(Date::test(s), Err(Reason::Shape), "{s:?}");
        }
    }

    #[test]
    fn messages() {
        let message = |s| check(s).err().map(|e| e.message().to_owned());
        assert_eq!(message("1990-4-27").as_deref(), Some(SHAPE));
        assert_eq!(message("0000-04-27").as_deref(), Some(YEAR));
        assert_eq!(message("1990-13-27").as_deref(), Some(MONTH));
        assert_eq!(message("1990-04-31").as_deref(), Some(DAY));
        assert_eq!(message("1990-02-29").as_deref(), Some(LEAP_DAY));
        assert_eq!(check("1990-04-27"), Ok(()));
        assert_eq!(check("x").err().map(|e| e.code()), Some("date"));
    }
}
