//! The validation rules, each returning an [`Invalid`] whose message says how to fix the
//! value. These are what `#[derive(Validate)]` calls; use them directly for values
//! outside a derived type, or in a `#[validate(custom = ...)]` function.
//!
//! The plain yes/no forms ([`is_alpha2`](crate::is_alpha2) and the rest) are at the crate
//! root. Every rule is exact: no trimming, no case folding, no allocation on success.
//!
//! ```
//! use stablemint_validate::rules;
//!
//! assert!(rules::email("jane@example.com").is_ok());
//! let invalid = rules::precision(10.123, "EUR").unwrap_err();
//! assert_eq!(invalid.code(), "precision");
//! assert_eq!(invalid.message(), "EUR allows at most 2 decimal places");
//! ```

pub(crate) mod alpha2;
pub(crate) mod amount;
pub(crate) mod currency;
pub(crate) mod date;
pub(crate) mod email;
pub(crate) mod uri;

use std::borrow::Cow;

use crate::Invalid;

/// The shape of every rule module: a unit type that implements this trait, saying what
/// the rule reads, why a value fails, and the message for each reason. [`check`] makes
/// the [`Invalid`] from it, so adding a rule means writing its test and its messages, and
/// one public function below that calls `check`.
pub(crate) trait Rule {
    /// What the rule reads: `&str`, `f64`, or `(amount, currency)`.
    type Input<'a>: Copy;
    /// Why a value fails; [`Rule::message`] turns it into text.
    type Reason;
    /// The stable code of every error of this rule, e.g. `"email"`.
    const CODE: &'static str;

    /// `Ok` when `input` passes, else why not. Never allocates.
    fn test(input: Self::Input<'_>) -> Result<(), Self::Reason>;

    /// How to fix a value that fails for `reason`. Never repeats the value.
    fn message(reason: Self::Reason) -> Cow<'static, str>;
}

/// Rule `R` on `input`, with the message for its reason when it fails.
///
/// Inlined, so that each public rule compiles to what it was as one function: measured
/// with valgrind, every rule and the whole-request validation run the same number of
/// instructions as before the rules had this shape (see `BENCHMARKS.md`).
#[inline]
fn check<R: Rule>(input: R::Input<'_>) -> Result<(), Invalid> {
    R::test(input).map_err(|reason| Invalid::new(R::CODE, R::message(reason)))
}

/// An ISO 3166-1 alpha-2 country code (see [`is_alpha2`](crate::is_alpha2)).
/// Code `"alpha2"`.
pub fn alpha2(s: &str) -> Result<(), Invalid> {
    check::<alpha2::Alpha2>(s)
}

/// A calendar date written `YYYY-MM-DD` (see [`is_date`](crate::is_date)). Code `"date"`.
pub fn date(s: &str) -> Result<(), Invalid> {
    check::<date::Date>(s)
}

/// An e-mail address (see [`is_email`](crate::is_email)). Code `"email"`.
pub fn email(s: &str) -> Result<(), Invalid> {
    check::<email::Email>(s)
}

/// An absolute URI (see [`is_uri`](crate::is_uri)). Code `"uri"`.
pub fn uri(s: &str) -> Result<(), Invalid> {
    check::<uri::Uri>(s)
}

/// An active ISO 4217 currency code (see [`is_currency`](crate::is_currency)).
/// Code `"currency"`.
pub fn currency(s: &str) -> Result<(), Invalid> {
    check::<currency::Currency>(s)
}

/// A finite amount greater than zero (see [`is_positive`](crate::is_positive)).
/// Code `"positive"`.
pub fn positive(x: f64) -> Result<(), Invalid> {
    check::<amount::Positive>(x)
}

/// An amount with no more fractional digits than `currency`'s ISO 4217 minor unit (see
/// [`fits_precision`](crate::fits_precision)). Code `"precision"`.
///
/// Passes when `amount` is not finite, when `currency` is not an active code, and when
/// the currency has no minor unit: the `positive` and `currency` rules report the first
/// two, so one mistake is not reported twice.
pub fn precision(amount: f64, currency: &str) -> Result<(), Invalid> {
    check::<amount::Precision>((amount, currency))
}

/// The message of a failed rule, or `""` when it passed (for tests).
#[cfg(test)]
pub(crate) fn message_of(result: Result<(), Invalid>) -> String {
    result
        .err()
        .map(|e| e.message().to_owned())
        .unwrap_or_default()
}
