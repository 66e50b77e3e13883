//! The generated tables agree with the committed data, code by code.
//!
//! Every two-letter and three-letter upper-case code is tried against the public rules,
//! and the answer compared with the data files themselves (read here independently of
//! the generator). A failure means `src/tables/` is stale: run `cargo xtask tables`.

use std::collections::BTreeMap;

use stablemint_validate::{MinorUnits, currency_minor_units, is_alpha2, is_currency, rules};

const COUNTRIES: &str = include_str!("../data/iso3166-1.tsv");
const CURRENCIES: &str = include_str!("../data/iso4217.tsv");
const WITHDRAWN: &str = include_str!("../data/iso4217-withdrawn.tsv");

const STALE: &str = "src/tables is out of date with data/: run `cargo xtask tables`";

/// The data rows of a TSV file (the header dropped), split into fields.
fn rows(tsv: &str) -> Vec<Vec<&str>> {
    tsv.lines()
        .skip(1)
        .map(|line| line.split('\t').collect())
        .collect()
}

fn letters() -> impl Iterator<Item = char> + Clone {
    'A'..='Z'
}

#[test]
fn alpha2_accepts_exactly_the_iso_data_plus_xk() {
    let mut expected: Vec<String> = rows(COUNTRIES).iter().map(|r| r[0].to_owned()).collect();
    assert_eq!(expected.len(), 249, "ISO 3166-1 assigns 249 codes");
    assert!(
        !expected.iter().any(|c| c == "XK"),
        "XK is an extra, not ISO data"
    );
    expected.push("XK".to_owned());

    let mut accepted = Vec::new();
    for first in letters() {
        for second in letters() {
            let code = format!("{first}{second}");
            if is_alpha2(&code) {
                accepted.push(code);
            }
        }
    }
    expected.sort();
    assert_eq!(accepted, expected, "{STALE}");
    assert_eq!(accepted.len(), 250);
}

#[test]
fn currencies_are_exactly_the_2026_list_with_its_minor_units() {
    let expected: BTreeMap<String, MinorUnits> = rows(CURRENCIES)
        .iter()
        .map(|r| {
            let units = match r[2] {
                "N.A." => MinorUnits::NotApplicable,
                digits => MinorUnits::Digits(digits.parse().unwrap_or(u8::MAX)),
            };
            (r[0].to_owned(), units)
        })
        .collect();
    assert_eq!(
        expected.len(),
        178,
        "the list published 2026-01-01 has 178 codes"
    );

    let mut found = BTreeMap::new();
    for a in letters() {
        for b in letters() {
            for c in letters() {
                let code = format!("{a}{b}{c}");
                let units = currency_minor_units(&code);
                assert_eq!(units.is_some(), is_currency(&code), "{code}");
                if let Some(units) = units {
                    found.insert(code, units);
                }
            }
        }
    }
    assert_eq!(found, expected, "{STALE}");
}

#[test]
fn minor_units_in_the_data_are_digits_or_na() {
    let mut na: Vec<&str> = Vec::new();
    for row in rows(CURRENCIES) {
        match row[2] {
            "N.A." => na.push(row[0]),
            digits => assert!(
                matches!(digits, "0" | "2" | "3" | "4"),
                "{}: {digits}",
                row[0]
            ),
        }
    }
    assert_eq!(
        na,
        [
            "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA",
            "XXX"
        ]
    );
}

#[test]
fn withdrawn_codes_are_rejected_and_point_to_active_ones() {
    let withdrawn = rows(WITHDRAWN);
    assert!(withdrawn.iter().any(|r| r[0] == "HRK"));
    assert!(withdrawn.iter().any(|r| r[0] == "BGN"));
    for row in withdrawn {
        let (code, replacements) = (row[0], row[1]);
        assert!(!is_currency(code), "{code} is withdrawn but accepted");
        let message = rules::currency(code).err().map(|e| e.message().to_owned());
        let wanted = format!(
            "withdrawn from ISO 4217: use {}",
            replacements.replace(' ', " or ")
        );
        assert_eq!(message.as_deref(), Some(wanted.as_str()), "{STALE}");
        for replacement in replacements.split(' ') {
            assert!(
                is_currency(replacement),
                "{code} points to inactive {replacement}"
            );
        }
    }
}

#[test]
fn data_files_are_sorted_unique_and_tab_separated() {
    for (name, tsv, columns) in [
        ("iso3166-1.tsv", COUNTRIES, 2),
        ("iso4217.tsv", CURRENCIES, 4),
        ("iso4217-withdrawn.tsv", WITHDRAWN, 3),
    ] {
        assert!(tsv.ends_with('\n') && !tsv.contains('\r'), "{name}");
        let rows = rows(tsv);
        for row in &rows {
            assert_eq!(row.len(), columns, "{name}: {row:?}");
        }
        for pair in rows.windows(2) {
            assert!(
                pair[0][0] < pair[1][0],
                "{name}: {} then {}",
                pair[0][0],
                pair[1][0]
            );
        }
    }
}
