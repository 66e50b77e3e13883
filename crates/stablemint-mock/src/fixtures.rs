//! The payment methods the mock offers, by the user's country.
//!
//! StableMint's documentation says only that `paymentMethod` is an integer identifier
//! and that `countryCodes` optionally lists `{code, name}` pairs; it does not publish the
//! identifiers. The values here are the mock's own fixtures, chosen to exercise both
//! shapes, and are **not** StableMint's real identifiers:
//!
//! | `userCountryCode` | `allowedPaymentMethods` |
//! |---|---|
//! | a [`SEPA_COUNTRIES`] code (EEA, CH, MC, SM, AD, VA) | [`BANK_TRANSFER`] (1) with every SEPA country in `countryCodes`, then [`CARD`] (2) |
//! | `GB` | [`FASTER_PAYMENTS`] (3) with `GB` in `countryCodes`, then [`CARD`] (2) |
//! | any other valid code | [`CARD`] (2) only, without `countryCodes` |
//!
//! The United Kingdom takes part in SEPA too, but is modelled with Faster Payments
//! instead so that a test can tell the three cases apart.
//!
//! ```
//! use stablemint_mock::fixtures;
//!
//! let methods = fixtures::allowed_payment_methods("GB");
//! assert_eq!(methods[0].payment_method, Some(fixtures::FASTER_PAYMENTS));
//! assert_eq!(methods[1].payment_method, Some(fixtures::CARD));
//! ```

use stablemint_raw::types::{AllowedPaymentMethod, PaymentMethodCountry};

/// Mock identifier of a SEPA bank transfer.
pub const BANK_TRANSFER: i32 = 1;

/// Mock identifier of a card payment, offered in every country.
pub const CARD: i32 = 2;

/// Mock identifier of a UK Faster Payments bank transfer.
pub const FASTER_PAYMENTS: i32 = 3;

/// The countries offered [`BANK_TRANSFER`], as `(ISO 3166-1 alpha-2 code, English
/// short name)`, sorted by code: the 27 EU members, Iceland, Liechtenstein and Norway
/// (the EEA), and Switzerland, Monaco, San Marino, Andorra and the Holy See.
pub const SEPA_COUNTRIES: &[(&str, &str)] = &[
    ("AD", "Andorra"),
    ("AT", "Austria"),
    ("BE", "Belgium"),
    ("BG", "Bulgaria"),
    ("CH", "Switzerland"),
    ("CY", "Cyprus"),
    ("CZ", "Czechia"),
    ("DE", "Germany"),
    ("DK", "Denmark"),
    ("EE", "Estonia"),
    ("ES", "Spain"),
    ("FI", "Finland"),
    ("FR", "France"),
    ("GR", "Greece"),
    ("HR", "Croatia"),
    ("HU", "Hungary"),
    ("IE", "Ireland"),
    ("IS", "Iceland"),
    ("IT", "Italy"),
    ("LI", "Liechtenstein"),
    ("LT", "Lithuania"),
    ("LU", "Luxembourg"),
    ("LV", "Latvia"),
    ("MC", "Monaco"),
    ("MT", "Malta"),
    ("NL", "Netherlands"),
    ("NO", "Norway"),
    ("PL", "Poland"),
    ("PT", "Portugal"),
    ("RO", "Romania"),
    ("SE", "Sweden"),
    ("SI", "Slovenia"),
    ("SK", "Slovakia"),
    ("SM", "San Marino"),
    ("VA", "Holy See"),
];

/// The `allowedPaymentMethods` of a session for a user in `country_code` (see the
/// [module documentation](self) for the table). The code is matched exactly, as the
/// server receives it only after validating it as an uppercase ISO 3166-1 code.
pub fn allowed_payment_methods(country_code: &str) -> Vec<AllowedPaymentMethod> {
    Offer::for_country(country_code).methods()
}

/// The three rows of the table: which payment methods a country is offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Offer {
    Sepa,
    FasterPayments,
    CardOnly,
}

impl Offer {
    pub(crate) const ALL: [Offer; 3] = [Offer::Sepa, Offer::FasterPayments, Offer::CardOnly];

    pub(crate) fn for_country(country_code: &str) -> Offer {
        if country_code == "GB" {
            Offer::FasterPayments
        } else if SEPA_COUNTRIES.iter().any(|(code, _)| *code == country_code) {
            Offer::Sepa
        } else {
            Offer::CardOnly
        }
    }

    pub(crate) fn methods(self) -> Vec<AllowedPaymentMethod> {
        let card = method(CARD, Vec::new());
        match self {
            Offer::FasterPayments => {
                let uk = vec![country("GB", "United Kingdom")];
                vec![method(FASTER_PAYMENTS, uk), card]
            }
            Offer::Sepa => {
                let sepa = SEPA_COUNTRIES
                    .iter()
                    .map(|(code, name)| country(code, name))
                    .collect();
                vec![method(BANK_TRANSFER, sepa), card]
            }
            Offer::CardOnly => vec![card],
        }
    }
}

// The generated types are `#[non_exhaustive]`: every field of these two is optional, so
// they start from `Default` and set what they need.
fn method(id: i32, country_codes: Vec<PaymentMethodCountry>) -> AllowedPaymentMethod {
    let mut method = AllowedPaymentMethod::default();
    method.payment_method = Some(id);
    method.country_codes = country_codes;
    method
}

fn country(code: &str, name: &str) -> PaymentMethodCountry {
    let mut country = PaymentMethodCountry::default();
    country.code = Some(code.to_owned());
    country.name = Some(name.to_owned());
    country
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(country_code: &str) -> Vec<i32> {
        allowed_payment_methods(country_code)
            .iter()
            .map(|m| m.payment_method.unwrap())
            .collect()
    }

    #[test]
    fn sepa_countries_are_valid_sorted_and_distinct() {
        assert_eq!(SEPA_COUNTRIES.len(), 35);
        for pair in SEPA_COUNTRIES.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{pair:?}");
        }
        for (code, name) in SEPA_COUNTRIES {
            assert!(stablemint_validate::is_alpha2(code), "{code}");
            assert!(!name.is_empty());
        }
        assert!(!SEPA_COUNTRIES.iter().any(|(code, _)| *code == "GB"));
    }

    #[test]
    fn methods_depend_on_the_country() {
        assert_eq!(ids("DE"), [BANK_TRANSFER, CARD]);
        assert_eq!(ids("VA"), [BANK_TRANSFER, CARD]);
        assert_eq!(ids("GB"), [FASTER_PAYMENTS, CARD]);
        assert_eq!(ids("US"), [CARD]);
        assert_eq!(ids("de"), [CARD]);

        let sepa = &allowed_payment_methods("FR")[0].country_codes;
        assert_eq!(sepa.len(), SEPA_COUNTRIES.len());
        assert_eq!(sepa[7].code.as_deref(), Some("DE"));
        assert_eq!(sepa[7].name.as_deref(), Some("Germany"));
        let uk = &allowed_payment_methods("GB")[0].country_codes;
        assert_eq!(uk.len(), 1);
        assert_eq!(uk[0].name.as_deref(), Some("United Kingdom"));
        assert!(allowed_payment_methods("US")[0].country_codes.is_empty());
    }
}
