//! Amounts: positive, and no more precise than their currency allows.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use super::Rule;
use crate::{MinorUnits, currency_minor_units};

const NOT_POSITIVE: &str = "the amount must be a finite number greater than 0";

/// Whether `amount` is finite and greater than zero.
///
/// `NaN`, both infinities, `0.0` and `-0.0` are rejected; the smallest subnormal is
/// accepted.
///
/// ```
/// use stablemint_validate::is_positive;
///
/// assert!(is_positive(0.01));
/// assert!(!is_positive(0.0));
/// assert!(!is_positive(f64::NAN));
/// assert!(!is_positive(f64::INFINITY));
/// ```
pub fn is_positive(amount: f64) -> bool {
    amount.is_finite() && amount > 0.0
}

/// The number of digits after the decimal point in the shortest decimal that reads back
/// as `amount` (what Rust's `{}` prints: `0.1` has 1, `0.1 + 0.2` has 17, `100.0` has
/// 0); `None` if `amount` is not finite.
///
/// Counts the digits as they are formatted, so it never allocates.
///
/// ```
/// use stablemint_validate::fraction_digits;
///
/// assert_eq!(fraction_digits(10.25), Some(2));
/// assert_eq!(fraction_digits(0.1 + 0.2), Some(17));
/// assert_eq!(fraction_digits(1e21), Some(0));
/// assert_eq!(fraction_digits(f64::NAN), None);
/// ```
pub fn fraction_digits(amount: f64) -> Option<u32> {
    if !amount.is_finite() {
        return None;
    }
    let mut counter = FractionDigits::default();
    write!(counter, "{amount}").ok()?;
    Some(counter.digits)
}

/// Whether `amount` is finite, `currency` is an active ISO 4217 code, and `amount` has
/// no more fractional digits than the currency's minor unit (any number when ISO 4217
/// gives none, as for XAU).
///
/// ```
/// use stablemint_validate::fits_precision;
///
/// assert!(fits_precision(10.12, "EUR"));
/// assert!(!fits_precision(10.123, "EUR"));
/// assert!(!fits_precision(100.5, "JPY"));
/// assert!(fits_precision(1.234, "BHD"));
/// assert!(!fits_precision(0.1 + 0.2, "EUR"));
/// ```
pub fn fits_precision(amount: f64, currency: &str) -> bool {
    if !amount.is_finite() {
        return false;
    }
    match currency_minor_units(currency) {
        Some(MinorUnits::Digits(allowed)) => has_at_most(amount, allowed),
        Some(MinorUnits::NotApplicable) => true,
        None => false,
    }
}

/// The amount that `minor_units` of `currency` make, for those who keep money in
/// integer minor units (cents): `2550` EUR is `25.50`, `2550` JPY is `2550.0`, `2550`
/// BHD is `2.55`.
///
/// Fails (with the code of the rule it breaks, and a message that never repeats the
/// number) when `currency` is not an active ISO 4217 code (`currency`), when ISO 4217
/// gives the currency no minor unit, as for gold, so minor units mean nothing
/// (`precision`), when the number has more than 15 digits, which an `f64` may not hold
/// exactly (`precision`), and when the amount is not greater than zero (`positive`). The
/// result always passes the `precision` rule for `currency`.
///
/// ```
/// use stablemint_validate::amount_from_minor_units;
///
/// assert_eq!(amount_from_minor_units(2550, "EUR"), Ok(25.5));
/// assert_eq!(amount_from_minor_units(2550, "JPY"), Ok(2550.0));
/// assert_eq!(amount_from_minor_units(2550, "BHD"), Ok(2.55));
/// assert_eq!(amount_from_minor_units(2550, "XAU").unwrap_err().code(), "precision");
/// assert_eq!(amount_from_minor_units(0, "EUR").unwrap_err().code(), "positive");
/// ```
pub fn amount_from_minor_units(minor_units: i64, currency: &str) -> Result<f64, crate::Invalid> {
    crate::rules::currency(currency)?;
    let Some(MinorUnits::Digits(digits)) = currency_minor_units(currency) else {
        return Err(crate::Invalid::new(
            "precision",
            "ISO 4217 gives this currency no minor unit, so minor units mean nothing: give \
             the amount itself",
        ));
    };
    // A decimal of at most 15 significant digits survives the trip through an f64 (the
    // nearest f64 prints back as that decimal); 16 digits may not.
    if minor_units.unsigned_abs() > MAX_MINOR_UNITS {
        return Err(crate::Invalid::new(
            "precision",
            "that many minor units cannot be held exactly as a number: give at most 15 \
             digits",
        ));
    }
    let amount = minor_units as f64 / 10f64.powi(i32::from(digits));
    crate::rules::positive(amount)?;
    Ok(amount)
}

/// The most minor units [`amount_from_minor_units`] takes: 15 digits.
const MAX_MINOR_UNITS: u64 = 999_999_999_999_999;

/// Whether the finite `amount` has at most `allowed` digits after the point, as
/// [`fraction_digits`] counts them.
///
/// Amounts of an everyday size that fit are answered without formatting: scaling by
/// `10^allowed` and rounding gives an integer `n` below 2^53, and `n / 10^allowed`
/// (one correctly rounded division) reads back as `amount` exactly when the decimal
/// `n / 10^allowed` does. That decimal then has at most `allowed` fraction digits and
/// at most 13 significant digits. The shortest decimal of `amount` has no more
/// significant digits, and its leading digit is in the same place (two decimals this
/// close with leading digits in different places, like 0.99… and 1.00…, need at least
/// 16 significant digits), so it has no more fraction digits.
/// Everything else (too precise, very large, or more than 4 digits allowed) is decided
/// by counting the formatted digits.
fn has_at_most(amount: f64, allowed: u8) -> bool {
    fits_without_formatting(amount, allowed)
        || fraction_digits(amount).is_some_and(|digits| digits <= u32::from(allowed))
}

/// The fast half of [`has_at_most`]: `true` when `amount` is below [`FAST_LIMIT`] in
/// magnitude, at most 4 digits are allowed, and `amount` reads back from its value
/// rounded to `allowed` decimals. `false` means "not decided here", not "does not fit".
fn fits_without_formatting(amount: f64, allowed: u8) -> bool {
    const SCALES: [f64; 5] = [1.0, 10.0, 100.0, 1_000.0, 10_000.0];
    SCALES.get(usize::from(allowed)).is_some_and(|&scale| {
        amount.abs() < FAST_LIMIT && (amount * scale).round() / scale == amount
    })
}

/// Below this magnitude [`fits_without_formatting`]'s answer is exact (see
/// [`has_at_most`]).
const FAST_LIMIT: f64 = 1e9;

/// The `positive` rule: [`is_positive`], with a message.
pub(crate) struct Positive;

/// Why an amount is not positive: it is zero, negative or not finite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NotPositive;

impl Rule for Positive {
    type Input<'a> = f64;
    type Reason = NotPositive;
    const CODE: &'static str = "positive";

    fn test(amount: f64) -> Result<(), NotPositive> {
        if is_positive(amount) {
            Ok(())
        } else {
            Err(NotPositive)
        }
    }

    fn message(NotPositive: NotPositive) -> Cow<'static, str> {
        Cow::Borrowed(NOT_POSITIVE)
    }
}

/// The `precision` rule. Passes when the amount is not finite or the currency is not an
/// active code: the `positive` and `currency` rules report those.
pub(crate) struct Precision;

/// Why an amount is too precise: its currency and the digits that currency allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TooPrecise {
    /// The currency's code, from the table rather than the input.
    code: &'static str,
    allowed: u8,
}

impl Rule for Precision {
    type Input<'a> = (f64, &'a str);
    type Reason = TooPrecise;
    const CODE: &'static str = "precision";

    // Inlined into `rules::precision`, its one caller (see `Alpha2::test`).
    #[inline]
    fn test((amount, currency): (f64, &str)) -> Result<(), TooPrecise> {
        let Some(table_entry) = crate::tables::active_currency(currency) else {
            return Ok(());
        };
        let MinorUnits::Digits(allowed) = table_entry.minor_units else {
            return Ok(());
        };
        if !amount.is_finite() || has_at_most(amount, allowed) {
            return Ok(());
        }
        Err(TooPrecise {
            code: table_entry.code,
            allowed,
        })
    }

    /// Names the currency, never the amount.
    fn message(TooPrecise { code, allowed }: TooPrecise) -> Cow<'static, str> {
        Cow::Owned(match allowed {
            0 => format!("{code} has no minor unit: use a whole amount"),
            1 => format!("{code} allows at most 1 decimal place"),
            n => format!("{code} allows at most {n} decimal places"),
        })
    }
}

/// A formatter sink that only counts the digits after the first `.`.
#[derive(Default)]
struct FractionDigits {
    after_point: bool,
    digits: u32,
}

impl fmt::Write for FractionDigits {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for byte in s.bytes() {
            if self.after_point {
                if byte.is_ascii_digit() {
                    self.digits = self.digits.saturating_add(1);
                }
            } else if byte == b'.' {
                self.after_point = true;
            }
        }
        Ok(())
    }
}

/// `x` as the `f64` nearest its own shortest decimal, so that `0.1_f32` becomes `0.1`
/// rather than `0.10000000149011612` (which would fail every precision check).
///
/// Formats into a stack buffer and parses it back; neither step allocates.
pub(crate) fn widen_f32(x: f32) -> f64 {
    let exact = f64::from(x);
    if !x.is_finite() {
        return exact;
    }
    let mut buffer = StackBuffer::default();
    if write!(buffer, "{x}").is_err() {
        return exact;
    }
    buffer.as_str().parse().unwrap_or(exact)
}

/// A small fixed-size UTF-8 buffer; writing more than fits is an error, not a panic.
struct StackBuffer {
    // The longest `f32` written with `{}` is under 50 bytes (`-0.000…1` has 46 zeros).
    bytes: [u8; 64],
    len: usize,
}

impl Default for StackBuffer {
    fn default() -> Self {
        Self {
            bytes: [0; 64],
            len: 0,
        }
    }
}

impl StackBuffer {
    fn as_str(&self) -> &str {
        let written = self.bytes.get(..self.len).unwrap_or_default();
        std::str::from_utf8(written).unwrap_or_default()
    }
}

impl fmt::Write for StackBuffer {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(fmt::Error)?;
        let slot = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Invalid;

    fn check_positive(x: f64) -> Result<(), Invalid> {
        crate::rules::positive(x)
    }

    fn check_precision(x: f64, currency: &str) -> Result<(), Invalid> {
        crate::rules::precision(x, currency)
    }

    #[test]
    fn positive_is_finite_and_above_zero() {
        for x in [0.01, 1.0, 1e300, f64::MAX, f64::MIN_POSITIVE, 5e-324] {
            assert!(is_positive(x), "{x}");
            assert_eq!(check_positive(x), Ok(()));
        }
        for x in [
            0.0,
            -0.0,
            -0.01,
            -5e-324,
            f64::MIN,
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert!(!is_positive(x), "{x}");
            assert_eq!(check_positive(x).err().map(|e| e.code()), Some("positive"));
        }
    }

    #[test]
    fn fraction_digits_of_the_shortest_decimal() {
        let cases = [
            (0.0, 0),
            (-0.0, 0),
            (1.0, 0),
            (100.0, 0),
            (10.5, 1),
            (10.25, 2),
            (10.123, 3),
            (0.1, 1),
            (0.30000000000000004, 17),
            (0.1 + 0.2, 17),
            (1e21, 0),
            (1e-7, 7),
            (-1.25, 2),
            (f64::MAX, 0),
            (f64::MIN_POSITIVE, 324),
            // The smallest subnormal, 5e-324, prints as 323 zeros and a 5.
            (5e-324, 324),
        ];
        for (x, digits) in cases {
            assert_eq!(fraction_digits(x), Some(digits), "{x}");
        }
        assert_eq!(fraction_digits(f64::NAN), None);
        assert_eq!(fraction_digits(f64::INFINITY), None);
        assert_eq!(fraction_digits(f64::NEG_INFINITY), None);
    }

    #[test]
    fn precision_outcomes_required_by_the_policy() {
        assert!(!fits_precision(10.123, "EUR"));
        assert!(fits_precision(10.12, "EUR"));
        assert!(!fits_precision(100.5, "JPY"));
        assert!(fits_precision(100.0, "JPY"));
        assert!(!fits_precision(0.30000000000000004, "EUR"));
        assert!(!fits_precision(0.1 + 0.2, "USD"));
        assert!(fits_precision(1.234, "BHD"));
        assert!(!fits_precision(1.2345, "BHD"));
        assert!(fits_precision(1.2345, "CLF"));
        assert!(!fits_precision(1.23456, "CLF"));
        assert!(fits_precision(1.0 / 3.0, "XAU"));
        assert!(!fits_precision(1.0, "HRK"));
        assert!(!fits_precision(f64::NAN, "EUR"));
        assert!(!fits_precision(f64::INFINITY, "XAU"));
    }

    #[test]
    fn everyday_amounts_are_decided_without_formatting() {
        // What the fast half is for: amounts that fit, of an everyday size, with the
        // precision of every currency that has a minor unit (0 to 4 digits).
        let fitting = [
            (0.0, 0),
            (100.0, 0),
            (-100.0, 0),
            (10.5, 1),
            (10.12, 2),
            (1234.56, 2),
            (0.01, 2),
            (-10.12, 2),
            (1.234, 3),
            (1.2345, 4),
            (999_999_999.99, 2),
            (-999_999_999.99, 2),
        ];
        for (amount, allowed) in fitting {
            assert!(
                fits_without_formatting(amount, allowed),
                "{amount} {allowed}"
            );
            assert!(has_at_most(amount, allowed), "{amount} {allowed}");
        }
    }

    #[test]
    fn the_rest_is_left_to_the_formatted_count() {
        // Too precise: not decided here, and the count says no.
        for (amount, allowed) in [(10.123, 2), (100.5, 0), (0.1 + 0.2, 2), (1.23456, 4)] {
            assert!(!fits_without_formatting(amount, allowed), "{amount}");
            assert!(!has_at_most(amount, allowed), "{amount}");
        }
        // At or above the limit, or more than 4 digits allowed: not decided here even
        // though the amount fits, so the count answers.
        for (amount, allowed) in [
            (FAST_LIMIT, 2),
            (-FAST_LIMIT, 2),
            (1e12, 0),
            (1_000_000_000.5, 1),
            (1.5, 5),
            (1.0, u8::MAX),
        ] {
            assert!(
                !fits_without_formatting(amount, allowed),
                "{amount} {allowed}"
            );
            assert!(has_at_most(amount, allowed), "{amount} {allowed}");
        }
        assert!(!has_at_most(1.000_001, 5));
    }

    #[test]
    fn the_fast_half_agrees_with_the_count_wherever_it_decides() {
        // Amounts with 0 to 6 decimals around every power of ten the fast half covers,
        // and their neighbours one ulp away (which have 16 or 17 significant digits).
        let mut checked = 0;
        for exponent in -4..=9 {
            let magnitude = 10f64.powi(exponent);
            for mantissa in [1.0, 1.5, 1.234_567_891, 9.99, 9.999_999_999] {
                let base = mantissa * magnitude;
                for amount in [
                    base,
                    -base,
                    f64::from_bits(base.to_bits() + 1),
                    f64::from_bits(base.to_bits() - 1),
                ] {
                    for allowed in 0..=5 {
                        let counted = fraction_digits(amount)
                            .is_some_and(|digits| digits <= u32::from(allowed));
                        if fits_without_formatting(amount, allowed) {
                            assert!(counted, "{amount} with {allowed} allowed");
                            checked += 1;
                        }
                        assert_eq!(has_at_most(amount, allowed), counted, "{amount}");
                    }
                }
            }
        }
        assert!(checked > 100, "the fast half decided only {checked} cases");
    }

    #[test]
    fn precision_rule_leaves_other_failures_to_other_rules() {
        assert_eq!(check_precision(f64::NAN, "EUR"), Ok(()));
        assert_eq!(check_precision(f64::INFINITY, "EUR"), Ok(()));
        assert_eq!(check_precision(10.123, "eur"), Ok(()));
        assert_eq!(check_precision(10.123, "HRK"), Ok(()));
        assert_eq!(check_precision(0.123_456_789, "XDR"), Ok(()));
        assert_eq!(check_precision(10.12, "EUR"), Ok(()));
        assert_eq!(check_precision(-10.12, "EUR"), Ok(()));
    }

    #[test]
    fn precision_messages_name_the_currency_not_the_amount() {
        let message = |x, c| check_precision(x, c).err().map(|e| e.message().to_owned());
        assert_eq!(
            message(10.123, "EUR").as_deref(),
            Some("EUR allows at most 2 decimal places")
        );
        assert_eq!(
            message(100.5, "JPY").as_deref(),
            Some("JPY has no minor unit: use a whole amount")
        );
        assert_eq!(
            message(1.23456, "CLF").as_deref(),
            Some("CLF allows at most 4 decimal places")
        );
        assert_eq!(
            check_precision(10.123, "EUR").err().map(|e| e.code()),
            Some("precision")
        );
    }

    #[test]
    fn precision_messages_for_every_number_of_digits() {
        // No active currency allows exactly 1 digit today; the message is still right.
        let message = |code, allowed| Precision::message(TooPrecise { code, allowed });
        assert_eq!(
            message("JPY", 0),
            "JPY has no minor unit: use a whole amount"
        );
        assert_eq!(message("XYZ", 1), "XYZ allows at most 1 decimal place");
        assert_eq!(message("EUR", 2), "EUR allows at most 2 decimal places");
        assert_eq!(message("BHD", 3), "BHD allows at most 3 decimal places");
    }

    #[test]
    fn f32_widens_to_its_own_shortest_decimal() {
        assert_eq!(widen_f32(0.1), 0.1);
        assert_eq!(widen_f32(10.12), 10.12);
        assert_eq!(widen_f32(-2.5), -2.5);
        assert_eq!(
            widen_f32(f32::MAX),
            340_282_350_000_000_000_000_000_000_000_000_000_000.0
        );
        assert_eq!(widen_f32(f32::MIN_POSITIVE), 1.1754944e-38);
        assert_eq!(widen_f32(f32::from_bits(1)), 1e-45);
        assert!(widen_f32(f32::NAN).is_nan());
        assert_eq!(widen_f32(f32::INFINITY), f64::INFINITY);
        assert_eq!(widen_f32(f32::NEG_INFINITY), f64::NEG_INFINITY);
        assert!(widen_f32(-0.0).is_sign_negative());
        // Every f32 round-trips: widening loses nothing.
        for bits in (0..u32::MAX).step_by(9_973) {
            let x = f32::from_bits(bits);
            if x.is_finite() {
                assert_eq!(widen_f32(x) as f32, x, "{bits:#x}");
            }
        }
    }

    #[test]
    fn stack_buffer_refuses_overflow() {
        let mut buffer = StackBuffer::default();
        assert!(write!(buffer, "{}", "x".repeat(64)).is_ok());
        assert!(write!(buffer, "y").is_err());
        assert_eq!(buffer.as_str().len(), 64);
    }
}
