//! ISO 3166-1 alpha-2 country codes.

use std::borrow::Cow;

use super::Rule;
use crate::tables::ALPHA2;

const NOT_ASSIGNED: &str =
    "not an ISO 3166-1 alpha-2 code: use an officially assigned code such as DE";
const UPPER_CASE: &str = "country codes are upper case, e.g. DE";
const TWO_LETTERS: &str =
    "a country code is exactly two letters A-Z with no spaces, e.g. DE (ISO 3166-1 alpha-2)";
const ALPHA3: &str = "use the two-letter ISO 3166-1 alpha-2 code, e.g. DE rather than DEU";
const EMPTY: &str = "a country code is required: use an ISO 3166-1 alpha-2 code, e.g. DE";

/// Codes people send that ISO 3166-1 does not assign (or no longer does), with the fix.
///
/// Each suggested code is checked in the tests to be accepted, and each key to be
/// rejected.
const HINTS: &[([u8; 2], &str)] = &[
    (
        *b"AN",
        "withdrawn from ISO 3166-1: use BQ, CW or SX for the former Netherlands Antilles",
    ),
    (*b"BU", "withdrawn from ISO 3166-1: use MM for Myanmar"),
    (
        *b"CS",
        "withdrawn from ISO 3166-1: use CZ or SK (former Czechoslovakia), or RS or ME (former Serbia and Montenegro)",
    ),
    (*b"DD", "withdrawn from ISO 3166-1: use DE for Germany"),
    (*b"EL", "not an ISO 3166-1 alpha-2 code: use GR for Greece"),
    (
        *b"EU",
        "not a country: use the ISO 3166-1 alpha-2 code of the member state, e.g. DE",
    ),
    (*b"FX", "withdrawn from ISO 3166-1: use FR for France"),
    (*b"TP", "withdrawn from ISO 3166-1: use TL for Timor-Leste"),
    (
        *b"UK",
        "not an ISO 3166-1 alpha-2 code: use GB for the United Kingdom",
    ),
    (
        *b"YU",
        "withdrawn from ISO 3166-1: use RS or ME for the former Yugoslavia",
    ),
    (
        *b"ZR",
        "withdrawn from ISO 3166-1: use CD for the Democratic Republic of the Congo",
    ),
];

/// Whether `s` is one of the 249 officially assigned ISO 3166-1 alpha-2 codes or `XK`
/// (Kosovo).
///
/// Exact: no trimming and no case folding (`"de"` and `" DE"` are rejected). Constant
/// time and allocation-free: one look-up in a 26 x 26 bit table generated from ISO data.
///
/// ```
/// use stablemint_validate::is_alpha2;
///
/// assert!(is_alpha2("DE"));
/// assert!(is_alpha2("XK"));
/// assert!(!is_alpha2("UK")); // the United Kingdom is GB
/// assert!(!is_alpha2("de"));
/// ```
pub fn is_alpha2(s: &str) -> bool {
    let &[first, second] = s.as_bytes() else {
        return false;
    };
    bit(first, second)
}

/// Whether the table has the code `first second` (any bytes; non-letters are absent).
fn bit(first: u8, second: u8) -> bool {
    bit_in(&ALPHA2, first, second)
}

/// Whether `table` (one row of 26 column bits per first letter) has the code
/// `first second`. Bytes other than `A`-`Z` are absent whatever the table holds.
fn bit_in(table: &[u32; 26], first: u8, second: u8) -> bool {
    let row = first.wrapping_sub(b'A');
    let column = second.wrapping_sub(b'A');
    column < 26
        && table
            .get(usize::from(row))
            .is_some_and(|bits| bits >> column & 1 == 1)
}

/// The `alpha2` rule: [`is_alpha2`], with a message that says how to fix the value.
pub(crate) struct Alpha2;

/// Why a string is not an alpha-2 code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reason {
    Empty,
    /// Not two ASCII letters (nor three, see [`Reason::Alpha3`]).
    TwoLetters,
    /// An assigned code in lower or mixed case.
    UpperCase,
    /// Three letters: an alpha-3 code, most likely.
    Alpha3,
    /// A code people send that ISO 3166-1 does not assign (or no longer does): the
    /// message from [`HINTS`] that names the fix.
    Replaced(&'static str),
    NotAssigned,
}

impl Rule for Alpha2 {
    type Input<'a> = &'a str;
    type Reason = Reason;
    const CODE: &'static str = "alpha2";

    // Inlined into the rule's public function (its one caller), which then costs what
    // the rule did before it had this shape.
    #[inline]
    fn test(s: &str) -> Result<(), Reason> {
        if is_alpha2(s) { Ok(()) } else { Err(reason(s)) }
    }

    fn message(reason: Reason) -> Cow<'static, str> {
        Cow::Borrowed(match reason {
            Reason::Empty => EMPTY,
            Reason::TwoLetters => TWO_LETTERS,
            Reason::UpperCase => UPPER_CASE,
            Reason::Alpha3 => ALPHA3,
            Reason::Replaced(message) => message,
            Reason::NotAssigned => NOT_ASSIGNED,
        })
    }
}

/// Why the rejected `s` is rejected, as helpfully as can be said.
#[inline] // into `test`, its one caller, so the reason never goes through memory
fn reason(s: &str) -> Reason {
    match *s.as_bytes() {
        [] => Reason::Empty,
        [first, second] if first.is_ascii_alphabetic() && second.is_ascii_alphabetic() => {
            let upper = [first.to_ascii_uppercase(), second.to_ascii_uppercase()];
            if upper != [first, second] && bit(upper[0], upper[1]) {
                Reason::UpperCase
            } else {
                hint(upper).map_or(Reason::NotAssigned, Reason::Replaced)
            }
        }
        [a, b, c] if [a, b, c].iter().all(u8::is_ascii_alphabetic) => Reason::Alpha3,
        _ => Reason::TwoLetters,
    }
}

fn hint(code: [u8; 2]) -> Option<&'static str> {
    HINTS
        .iter()
        .find(|(key, _)| *key == code)
        .map(|(_, message)| *message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(s: &str) -> Result<(), crate::Invalid> {
        crate::rules::alpha2(s)
    }

    fn message_of(s: &str) -> String {
        crate::rules::message_of(check(s))
    }

    #[test]
    fn accepts_assigned_codes_and_xk() {
        for code in [
            "DE", "GB", "GR", "US", "FR", "JP", "AD", "ZW", "XK", "AQ", "BQ",
        ] {
            assert!(is_alpha2(code), "{code}");
            assert_eq!(check(code), Ok(()));
        }
    }

    #[test]
    fn rejects_reserved_user_assigned_and_withdrawn_codes() {
        for code in [
            "UK", "EL", "EU", "UN", "AA", "ZZ", "QM", "XA", "XX", "OO", "FX", "AN", "YU", "CS",
            "SU", "EZ", "AC", "TA", "IC", "DG", "EA", "CP",
        ] {
            assert!(!is_alpha2(code), "{code}");
            assert_eq!(check(code).err().map(|e| e.code()), Some("alpha2"));
        }
    }

    #[test]
    fn exact_no_trimming_or_case_folding() {
        for s in [
            "de", "De", "dE", " DE", "DE ", "D", "", "DEU", "D E", "DE\n", "\0\0", "[A", "A[",
            "@A", "A@", "ÄA", "DÉ",
        ] {
            assert!(!is_alpha2(s), "{s:?}");
        }
    }

    #[test]
    fn only_letter_pairs_are_looked_up_whatever_the_table_holds() {
        // A table with every bit set, the six unused ones above column 25 included: only
        // the 26 x 26 letter pairs may be found in it.
        let full = [u32::MAX; 26];
        let mut found = 0;
        for first in 0..=u8::MAX {
            for second in 0..=u8::MAX {
                let letters = first.is_ascii_uppercase() && second.is_ascii_uppercase();
                assert_eq!(bit_in(&full, first, second), letters, "{first} {second}");
                found += usize::from(letters);
            }
        }
        assert_eq!(found, 26 * 26);
        // The byte just past `Z` in each position, where a bound off by one would look.
        assert!(!bit_in(&full, b'A', b'['));
        assert!(!bit_in(&full, b'[', b'A'));
        assert!(bit_in(&full, b'Z', b'Z'));
        assert!(!bit_in(&[0; 26], b'D', b'E'));
    }

    #[test]
    fn helpful_messages() {
        assert_eq!(
            message_of("UK"),
            "not an ISO 3166-1 alpha-2 code: use GB for the United Kingdom"
        );
        assert_eq!(
            message_of("EL"),
            "not an ISO 3166-1 alpha-2 code: use GR for Greece"
        );
        assert_eq!(message_of("uk"), message_of("UK"));
        assert_eq!(message_of("de"), "country codes are upper case, e.g. DE");
        assert_eq!(message_of("Gb"), "country codes are upper case, e.g. DE");
        assert_eq!(message_of("zz"), NOT_ASSIGNED);
        assert_eq!(message_of("AA"), NOT_ASSIGNED);
        assert_eq!(message_of("DEU"), ALPHA3);
        assert_eq!(message_of(""), EMPTY);
        assert_eq!(message_of(" DE"), TWO_LETTERS);
        assert_eq!(message_of("D1"), TWO_LETTERS);
        assert_eq!(message_of("Deutschland"), TWO_LETTERS);
    }

    #[test]
    fn every_hint_is_rejected_and_names_only_accepted_codes() {
        for (key, message) in HINTS {
            let key = std::str::from_utf8(key).unwrap_or_default();
            assert!(!is_alpha2(key), "{key} has a hint but is accepted");
            assert_eq!(message_of(key), *message);
            let suggested: Vec<&str> = message
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
                .filter(|w| w.len() == 2 && w.bytes().all(|b| b.is_ascii_uppercase()))
                .collect();
            assert!(!suggested.is_empty(), "{key}: {message}");
            for code in suggested {
                assert!(
                    is_alpha2(code),
                    "{key}'s hint suggests {code}, which is rejected"
                );
            }
        }
    }

    #[test]
    fn hint_keys_are_unique() {
        for (i, (a, _)) in HINTS.iter().enumerate() {
            assert!(HINTS.iter().skip(i + 1).all(|(b, _)| a != b));
        }
    }
}
