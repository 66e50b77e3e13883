//! Property tests: no rule panics on any input, and the rules agree with independent
//! oracles (the data files, chrono, `format!`) where one exists.

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use stablemint_validate::{
    MinorUnits, amount_from_minor_units, currency_minor_units, fits_precision, fraction_digits,
    is_alpha2, is_currency, is_date, is_email, is_positive, rules,
};

const COUNTRIES: &str = include_str!("../data/iso3166-1.tsv");

/// A currency for each number of minor-unit digits in the table.
const PRECISION_CASES: [(&str, u32); 4] = [("JPY", 0), ("EUR", 2), ("BHD", 3), ("CLF", 4)];

/// The oracle for the precision rule: at most `allowed` digits after the point in what
/// `{}` prints.
fn display_fits(x: f64, allowed: u32) -> bool {
    x.is_finite()
        && format!("{x}")
            .split_once('.')
            .is_none_or(|(_, fraction)| fraction.len() as u32 <= allowed)
}

/// The accepted alpha-2 codes according to the data file, plus XK.
fn alpha2_table() -> Vec<&'static str> {
    let mut codes: Vec<&str> = COUNTRIES
        .lines()
        .skip(1)
        .filter_map(|line| line.split('\t').next())
        .collect();
    codes.push("XK");
    codes
}

/// What chrono says, restricted to the policy's years (chrono also has a year 0).
fn chrono_accepts(s: &str) -> bool {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok_and(|date| (1..=9999).contains(&date.year()))
}

/// Whether `s` has the exact shape `dddd-dd-dd` in ASCII digits.
fn has_date_shape(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
}

/// A domain label of the WHATWG grammar: 1 to 63 letters, digits and inner hyphens.
fn label() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9]([a-zA-Z0-9-]{0,20}[a-zA-Z0-9])?"
}

/// A valid address under the policy: last label has a letter, lengths within the caps.
fn valid_email() -> impl Strategy<Value = String> {
    (
        "[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}",
        proptest::collection::vec(label(), 0..4),
        "[a-zA-Z]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?",
    )
        .prop_map(|(local, mut labels, top)| {
            labels.push(top);
            format!("{local}@{}", labels.join("."))
        })
        .prop_filter("at most 254 bytes", |s| s.len() <= 254)
}

proptest! {
    #[test]
    fn string_rules_never_panic(s in any::<String>()) {
        let _ = (is_alpha2(&s), is_date(&s), is_email(&s), is_currency(&s));
        let _ = (rules::alpha2(&s), rules::date(&s), rules::email(&s), rules::currency(&s));
        let _ = currency_minor_units(&s);
    }

    #[test]
    fn string_rules_never_panic_on_near_misses(s in "[A-Za-z0-9@.\\[\\]: -]{0,12}") {
        let _ = (rules::alpha2(&s), rules::date(&s), rules::email(&s), rules::currency(&s));
    }

    #[test]
    fn amount_rules_never_panic(x in proptest::num::f64::ANY, currency in any::<String>()) {
        let _ = (is_positive(x), fraction_digits(x), fits_precision(x, &currency));
        let _ = (rules::positive(x), rules::precision(x, &currency), rules::precision(x, "EUR"));
    }

    #[test]
    fn minor_units_make_exact_amounts_that_fit_their_currency(
        minor in 1i64..=999_999_999_999_999,
        currency in prop::sample::select(vec!["EUR", "JPY", "BHD", "CLF", "USD", "KWD"]),
    ) {
        let amount = amount_from_minor_units(minor, currency).unwrap();
        prop_assert!(fits_precision(amount, currency), "{} {}", amount, currency);
        let Some(MinorUnits::Digits(digits)) = currency_minor_units(currency) else {
            unreachable!("every sampled currency has a minor unit");
        };
        prop_assert_eq!((amount * 10f64.powi(i32::from(digits))).round() as i64, minor);
    }

    #[test]
    fn minor_units_never_panic(minor in any::<i64>(), currency in any::<String>()) {
        let _ = amount_from_minor_units(minor, &currency);
    }

    #[test]
    fn sixteen_digits_of_minor_units_are_refused(minor in 1_000_000_000_000_000i64..) {
        prop_assert_eq!(amount_from_minor_units(minor, "EUR").unwrap_err().code(), "precision");
    }

    #[test]
    fn alpha2_accepts_only_table_codes(s in any::<String>()) {
        if is_alpha2(&s) {
            prop_assert!(alpha2_table().contains(&s.as_str()));
        }
    }

    #[test]
    fn alpha2_on_two_byte_strings_matches_the_table(s in "[@-\\[a-z]{2}") {
        prop_assert_eq!(is_alpha2(&s), alpha2_table().contains(&s.as_str()));
    }

    #[test]
    fn date_agrees_with_chrono_on_the_exact_shape(s in "[0-9]{4}-[0-9]{2}-[0-9]{2}") {
        prop_assert_eq!(is_date(&s), chrono_accepts(&s), "{}", s);
    }

    #[test]
    fn date_agrees_with_chrono_near_the_edges(year in 0u32..=9999, month in 0u32..=13, day in 0u32..=32) {
        let s = format!("{year:04}-{month:02}-{day:02}");
        prop_assert_eq!(is_date(&s), chrono_accepts(&s), "{}", s);
    }

    #[test]
    fn date_requires_the_exact_shape(s in any::<String>()) {
        if is_date(&s) {
            prop_assert!(has_date_shape(&s));
            prop_assert!(chrono_accepts(&s));
        }
    }

    #[test]
    fn date_rejects_what_chrono_allows_beyond_the_shape(year in 1i32..=9999, month in 1u32..=9, day in 1u32..=9) {
        // chrono reads unpadded and signed fields; the policy does not.
        for s in [format!("{year}-{month}-{day}"), format!("+{year:04}-{month:02}-{day:02}")] {
            if !has_date_shape(&s) {
                prop_assert!(!is_date(&s), "{}", s);
            }
        }
    }

    #[test]
    fn email_accepts_grammar_generated_addresses(s in valid_email()) {
        prop_assert!(is_email(&s), "{}", s);
        prop_assert_eq!(rules::email(&s), Ok(()));
    }

    #[test]
    fn accepted_emails_respect_the_caps(s in "[a-z@.\\[\\]0-9-]{0,80}|\\PC{0,40}") {
        if is_email(&s) {
            prop_assert!(s.is_ascii() && s.len() <= 254);
            let (local, domain) = s.split_once('@').unwrap_or_default();
            prop_assert!(!local.is_empty() && local.len() <= 64 && !domain.contains('@'));
            prop_assert!(domain.split('.').all(|l| !l.is_empty() && l.len() <= 63));
        }
    }

    #[test]
    fn currency_is_upper_case_three_letters(s in any::<String>()) {
        if is_currency(&s) {
            prop_assert!(s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase()));
        }
        prop_assert_eq!(is_currency(&s), currency_minor_units(&s).is_some());
    }

    #[test]
    fn fraction_digits_match_the_display_form(x in proptest::num::f64::ANY) {
        let expected = x.is_finite().then(|| {
            let text = format!("{x}");
            text.split_once('.').map_or(0, |(_, fraction)| fraction.len() as u32)
        });
        prop_assert_eq!(fraction_digits(x), expected);
    }

    #[test]
    fn precision_agrees_with_the_display_form(x in proptest::num::f64::ANY) {
        for (currency, allowed) in PRECISION_CASES {
            prop_assert_eq!(fits_precision(x, currency), display_fits(x, allowed), "{} {}", x, currency);
            prop_assert_eq!(rules::precision(x, currency).is_ok(), !x.is_finite() || display_fits(x, allowed), "{} {}", x, currency);
        }
    }

    /// Decimals with 0 to 6 fraction digits, and their neighbours one ulp away: where a
    /// shortcut that does not format would go wrong, if anywhere.
    #[test]
    fn precision_agrees_with_the_display_form_near_decimals(
        m in -100_000_000_000_000i64..100_000_000_000_000,
        places in 0i32..=6,
        nudge in -1i32..=1,
    ) {
        let exact = m as f64 / 10f64.powi(places);
        let x = match nudge {
            -1 => exact.next_down(),
            1 => exact.next_up(),
            _ => exact,
        };
        for (currency, allowed) in PRECISION_CASES {
            prop_assert_eq!(fits_precision(x, currency), display_fits(x, allowed), "{} {}", x, currency);
            prop_assert_eq!(rules::precision(x, currency).is_ok(), display_fits(x, allowed), "{} {}", x, currency);
        }
    }

    #[test]
    fn whole_cents_always_fit_two_places(cents in 0i64..1_000_000_000_000_000) {
        let amount = cents as f64 / 100.0;
        prop_assert!(fits_precision(amount, "EUR"), "{}", amount);
        prop_assert!(fraction_digits(amount).is_some_and(|d| d <= 2));
    }

    #[test]
    fn whole_fils_fit_bhd_and_not_eur_unless_round(fils in 0i64..1_000_000_000_000) {
        let amount = fils as f64 / 1000.0;
        prop_assert!(fits_precision(amount, "BHD"), "{}", amount);
        prop_assert_eq!(fits_precision(amount, "EUR"), fils % 10 == 0, "{}", amount);
    }

    #[test]
    fn positive_is_finite_and_above_zero(x in proptest::num::f64::ANY) {
        prop_assert_eq!(is_positive(x), x.is_finite() && x > 0.0);
        prop_assert_eq!(rules::positive(x).is_ok(), is_positive(x));
    }
}
