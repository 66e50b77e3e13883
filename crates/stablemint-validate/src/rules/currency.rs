//! ISO 4217 currency codes and their minor units.

use std::borrow::Cow;

use super::Rule;
use crate::tables::{active_currency, withdrawn_currency};

const NOT_ACTIVE: &str = "not an active ISO 4217 currency code: use one such as EUR or USD";
const UPPER_CASE: &str = "currency codes are upper case, e.g. EUR";
const THREE_LETTERS: &str =
    "a currency code is exactly three letters A-Z with no spaces, e.g. EUR (ISO 4217)";
const EMPTY: &str = "a currency code is required: use an ISO 4217 code, e.g. EUR";
const CHINESE_YUAN: &str = "not an ISO 4217 code: use CNY for the Chinese yuan (renminbi)";

/// Codes that are in common use but are not ISO 4217 codes, with the fix.
const ALIASES: &[([u8; 3], &str)] = &[(*b"CNH", CHINESE_YUAN), (*b"RMB", CHINESE_YUAN)];

/// How many digits a currency has after the decimal point (its ISO 4217 minor unit).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MinorUnits {
    /// At most this many fractional digits: 2 for EUR, 0 for JPY, 3 for BHD, 4 for CLF.
    Digits(u8),
    /// ISO 4217 gives no minor unit ("N.A."), e.g. gold (XAU) or the SDR (XDR), so no
    /// precision limit applies.
    NotApplicable,
}

/// Whether `s` is an active ISO 4217 alphabetic code of the list published 2026-01-01
/// (178 codes, including funds and precious-metal codes such as `CLF` and `XAU`).
///
/// Exact: no trimming and no case folding. Withdrawn codes such as `HRK` (Croatia, euro
/// since 2023) and `BGN` (Bulgaria, euro since 2026-01-01) are rejected.
///
/// ```
/// use stablemint_validate::is_currency;
///
/// assert!(is_currency("EUR"));
/// assert!(!is_currency("BGN"));
/// assert!(!is_currency("eur"));
/// ```
pub fn is_currency(s: &str) -> bool {
    active_currency(s).is_some()
}

/// The minor unit of the active ISO 4217 code `code`; `None` if `code` is not one.
///
/// ```
/// use stablemint_validate::{MinorUnits, currency_minor_units};
///
/// assert_eq!(currency_minor_units("EUR"), Some(MinorUnits::Digits(2)));
/// assert_eq!(currency_minor_units("JPY"), Some(MinorUnits::Digits(0)));
/// assert_eq!(currency_minor_units("XAU"), Some(MinorUnits::NotApplicable));
/// assert_eq!(currency_minor_units("HRK"), None);
/// ```
pub fn currency_minor_units(code: &str) -> Option<MinorUnits> {
    active_currency(code).map(|currency| currency.minor_units)
}

/// The `currency` rule: [`is_currency`], with a message that says how to fix the value.
pub(crate) struct Currency;

/// Why a string is not an active currency code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reason {
    Empty,
    /// Not three ASCII letters.
    ThreeLetters,
    /// An active code in lower or mixed case.
    UpperCase,
    /// A withdrawn code or a common alias that is no ISO 4217 code: the message that
    /// names the code to use instead.
    Replaced(&'static str),
    NotActive,
}

impl Rule for Currency {
    type Input<'a> = &'a str;
    type Reason = Reason;
    const CODE: &'static str = "currency";

    // Inlined into the rule's public function (its one caller), which then costs what
    // the rule did before it had this shape.
    #[inline]
    fn test(s: &str) -> Result<(), Reason> {
        if is_currency(s) {
            Ok(())
        } else {
            Err(reason(s))
        }
    }

    fn message(reason: Reason) -> Cow<'static, str> {
        Cow::Borrowed(match reason {
            Reason::Empty => EMPTY,
            Reason::ThreeLetters => THREE_LETTERS,
            Reason::UpperCase => UPPER_CASE,
            Reason::Replaced(message) => message,
            Reason::NotActive => NOT_ACTIVE,
        })
    }
}

/// Why the rejected `s` is rejected, as helpfully as can be said.
#[inline] // into `test`, its one caller, so the reason never goes through memory
fn reason(s: &str) -> Reason {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return Reason::Empty;
    }
    let &[a, b, c] = bytes else {
        return Reason::ThreeLetters;
    };
    if ![a, b, c].iter().all(u8::is_ascii_alphabetic) {
        return Reason::ThreeLetters;
    }
    let upper = [a, b, c].map(|byte| byte.to_ascii_uppercase());
    // Three ASCII letters are valid UTF-8.
    let upper_str = std::str::from_utf8(&upper).unwrap_or_default();
    if upper != [a, b, c] && is_currency(upper_str) {
        return Reason::UpperCase;
    }
    if let Some(withdrawn) = withdrawn_currency(upper_str) {
        return Reason::Replaced(withdrawn.message);
    }
    ALIASES
        .iter()
        .find(|(alias, _)| *alias == upper)
        .map_or(Reason::NotActive, |(_, message)| Reason::Replaced(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(s: &str) -> Result<(), crate::Invalid> {
        crate::rules::currency(s)
    }

    fn message_of(s: &str) -> String {
        crate::rules::message_of(check(s))
    }

    #[test]
    fn minor_units_from_the_2026_list() {
        let expected = [
            ("EUR", MinorUnits::Digits(2)),
            ("USD", MinorUnits::Digits(2)),
            ("JPY", MinorUnits::Digits(0)),
            ("KRW", MinorUnits::Digits(0)),
            ("BHD", MinorUnits::Digits(3)),
            ("KWD", MinorUnits::Digits(3)),
            ("TND", MinorUnits::Digits(3)),
            ("CLF", MinorUnits::Digits(4)),
            ("UYW", MinorUnits::Digits(4)),
            ("XAU", MinorUnits::NotApplicable),
            ("XDR", MinorUnits::NotApplicable),
            ("XXX", MinorUnits::NotApplicable),
            ("XCG", MinorUnits::Digits(2)),
            ("ZWG", MinorUnits::Digits(2)),
            ("SLE", MinorUnits::Digits(2)),
            ("XAD", MinorUnits::Digits(2)),
        ];
        for (code, units) in expected {
            assert_eq!(currency_minor_units(code), Some(units), "{code}");
            assert!(is_currency(code), "{code}");
            assert_eq!(check(code), Ok(()));
        }
    }

    #[test]
    fn withdrawn_codes_are_rejected_with_their_replacement() {
        for (code, replacement) in [
            ("HRK", "EUR"),
            ("BGN", "EUR"),
            ("SLL", "SLE"),
            ("ZWL", "ZWG"),
            ("ANG", "XCG"),
            ("CUC", "CUP"),
            ("LTL", "EUR"),
            ("VEF", "VES or VED"),
        ] {
            assert!(!is_currency(code), "{code}");
            assert_eq!(currency_minor_units(code), None);
            assert_eq!(
                message_of(code),
                format!("withdrawn from ISO 4217: use {replacement}")
            );
        }
        assert_eq!(message_of("bgn"), "withdrawn from ISO 4217: use EUR");
    }

    #[test]
    fn exact_no_trimming_or_case_folding() {
        for s in [
            "eur",
            "Eur",
            " EUR",
            "EUR ",
            "EU",
            "EURO",
            "",
            "E U",
            "€",
            "ＥＵＲ",
            "978",
        ] {
            assert!(!is_currency(s), "{s:?}");
            assert_eq!(currency_minor_units(s), None);
        }
    }

    #[test]
    fn helpful_messages() {
        assert_eq!(message_of("eur"), UPPER_CASE);
        assert_eq!(message_of("RMB"), CHINESE_YUAN);
        assert_eq!(message_of("cnh"), CHINESE_YUAN);
        assert_eq!(message_of("ABC"), NOT_ACTIVE);
        assert_eq!(message_of("abc"), NOT_ACTIVE);
        assert_eq!(message_of(""), EMPTY);
        assert_eq!(message_of("EURO"), THREE_LETTERS);
        assert_eq!(message_of("E1R"), THREE_LETTERS);
        assert_eq!(message_of("€"), THREE_LETTERS);
        assert_eq!(check("x").err().map(|e| e.code()), Some("currency"));
        for (alias, _) in ALIASES {
            assert!(!is_currency(std::str::from_utf8(alias).unwrap_or("EUR")));
        }
        assert!(is_currency("CNY"));
    }
}
