//! The country and currency tables, generated from `data/` by `cargo xtask tables`, and
//! the look-ups over them.

mod countries;
mod currencies;

use crate::MinorUnits;

pub(crate) use countries::ALPHA2;

/// An active ISO 4217 code and its minor unit.
pub(crate) struct Currency {
    pub(crate) code: &'static str,
    /// [`key`] of `code`, searched instead of the string: one integer compare a probe.
    key: u32,
    pub(crate) minor_units: MinorUnits,
}

impl Currency {
    const fn new(code: &'static str, minor_units: MinorUnits) -> Self {
        Self {
            code,
            key: key_or_never(code),
            minor_units,
        }
    }
}

/// A withdrawn ISO 4217 code and the message that names its replacement.
pub(crate) struct Withdrawn {
    /// [`key`] of the withdrawn code.
    key: u32,
    pub(crate) message: &'static str,
}

impl Withdrawn {
    const fn new(code: &'static str, message: &'static str) -> Self {
        Self {
            key: key_or_never(code),
            message,
        }
    }
}

/// A three-byte code as an integer that sorts like the code; `None` for other lengths.
const fn key(code: &str) -> Option<u32> {
    match *code.as_bytes() {
        [a, b, c] => Some(u32::from_be_bytes([0, a, b, c])),
        _ => None,
    }
}

/// [`key`] for a table entry. The generator only writes three-letter codes; were one
/// malformed, `u32::MAX` (above every real key) would make it unreachable, and the tests
/// fail.
const fn key_or_never(code: &str) -> u32 {
    match key(code) {
        Some(key) => key,
        None => u32::MAX,
    }
}

/// The active currency `code`, if it is one. Exact: no trimming, no case folding.
pub(crate) fn active_currency(code: &str) -> Option<&'static Currency> {
    let key = key(code)?;
    // The generator sorts the table, so a binary search (at most 8 probes) finds a code.
    let index = currencies::CURRENCIES
        .binary_search_by_key(&key, |currency| currency.key)
        .ok()?;
    currencies::CURRENCIES.get(index)
}

/// The withdrawn currency `code`, if it is one this crate has a hint for.
pub(crate) fn withdrawn_currency(code: &str) -> Option<&'static Withdrawn> {
    let key = key(code)?;
    let index = currencies::WITHDRAWN
        .binary_search_by_key(&key, |withdrawn| withdrawn.key)
        .ok()?;
    currencies::WITHDRAWN.get(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_sorted<'a>(codes: impl Iterator<Item = &'a str>) {
        let codes: Vec<&str> = codes.collect();
        assert!(codes.windows(2).all(|pair| pair[0] < pair[1]), "{codes:?}");
    }

    #[test]
    fn tables_are_sorted_so_binary_search_finds_every_entry() {
        assert_sorted(currencies::CURRENCIES.iter().map(|c| c.code));
        let keys: Vec<u32> = currencies::CURRENCIES.iter().map(|c| c.key).collect();
        assert!(keys.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(keys.iter().all(|&k| k < u32::MAX));
        let keys: Vec<u32> = currencies::WITHDRAWN.iter().map(|w| w.key).collect();
        assert!(keys.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(keys.iter().all(|&k| k < u32::MAX));
        for currency in &currencies::CURRENCIES {
            assert_eq!(
                active_currency(currency.code).map(|c| c.code),
                Some(currency.code)
            );
        }
        for withdrawn in &currencies::WITHDRAWN {
            let found = withdrawn_currency(&key_to_code(withdrawn.key)).map(|w| w.key);
            assert_eq!(found, Some(withdrawn.key));
        }
    }

    fn key_to_code(key: u32) -> String {
        let [_, a, b, c] = key.to_be_bytes();
        String::from_utf8_lossy(&[a, b, c]).into_owned()
    }

    #[test]
    fn keys_sort_like_codes() {
        assert_eq!(key("EUR"), Some(0x0045_5552));
        assert!(key("AED") < key("AFN") && key("AZN") < key("BAM"));
        assert_eq!(key("EU"), None);
        assert_eq!(key("EURO"), None);
        assert_eq!(key_or_never("EU"), u32::MAX);
        // Three bytes of one multi-byte character have a key but match no entry.
        assert!(active_currency("€").is_none());
    }

    #[test]
    fn counts_match_the_policy() {
        assert_eq!(currencies::CURRENCIES.len(), 178);
        let bits: u32 = ALPHA2.iter().map(|row| row.count_ones()).sum();
        assert_eq!(bits, 250);
        // Only 26 columns exist: a bit above 25 would be a generator bug.
        assert!(ALPHA2.iter().all(|row| row >> 26 == 0));
    }
}
