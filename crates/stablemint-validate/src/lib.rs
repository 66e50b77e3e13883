//! Validation for StableMint requests, checked before anything is sent.
//!
//! - [`Validate`]: the trait, and `#[derive(Validate)]` (re-exported under the same name,
//!   so `use stablemint_validate::Validate;` brings both).
//! - Rules, as yes/no functions ([`is_alpha2`], [`is_date`], [`is_email`],
//!   [`is_currency`], [`is_positive`], [`fits_precision`]) and in [`rules`] as functions
//!   that say how to fix the value.
//! - Errors: [`ValidationErrors`] lists every [`ValidationError`], each with an RFC 6901
//!   JSON Pointer built from the wire (JSON) names, a stable code and a message.
//!
//! # Quickstart
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use stablemint_validate::Validate;
//!
//! #[derive(Serialize, Deserialize, Validate)] // Validate after serde's derives
//! #[serde(rename_all = "camelCase")]
//! struct Payment {
//!     #[validate(email)]
//!     user_email: String,
//!     #[validate(alpha2)]
//!     user_country_code: String,
//!     #[validate(currency)]
//!     currency: String,
//!     #[validate(positive, precision = currency)]
//!     amount: f64,
//!     #[validate(nested)]
//!     user_kyc: Option<UserKyc>,
//! }
//!
//! #[derive(Serialize, Deserialize, Validate)]
//! #[serde(rename_all = "camelCase")]
//! struct UserKyc {
//!     #[validate(date)]
//!     date_of_birth: String,
//! }
//!
//! let payment = Payment {
//!     user_email: "jane@example.com".into(),
//!     user_country_code: "UK".into(),
//!     currency: "EUR".into(),
//!     amount: 10.123,
//!     user_kyc: Some(UserKyc { date_of_birth: "1990-02-30".into() }),
//! };
//! let errors = payment.validate().unwrap_err();
//! assert_eq!(
//!     errors.to_string(),
//!     "/userCountryCode: not an ISO 3166-1 alpha-2 code: use GB for the United Kingdom (alpha2)\n\
//!      /amount: EUR allows at most 2 decimal places (precision)\n\
//!      /userKyc/dateOfBirth: not a calendar date in YYYY-MM-DD form: that month has no such day (date)",
//! );
//! // Each error is data too: the pointer, a stable code and the message.
//! let first = errors.iter().next().unwrap();
//! assert_eq!((first.pointer(), first.code()), ("/userCountryCode", "alpha2"));
//!
//! // The rules work alone as well.
//! assert!(stablemint_validate::is_currency("EUR"));
//! assert!(!stablemint_validate::is_currency("BGN")); // euro since 2026-01-01
//! ```
//!
//! # What each rule accepts
//!
//! | rule | accepts | code |
//! |---|---|---|
//! | alpha2 | the 249 officially assigned ISO 3166-1 alpha-2 codes plus `XK` | `alpha2` |
//! | date | exactly `YYYY-MM-DD`, a real calendar date, year 0001 to 9999 | `date` |
//! | email | the WHATWG HTML "valid e-mail address" grammar; local part at most 64 bytes, the whole at most 254; no IP addresses, no non-ASCII | `email` |
//! | currency | the 178 active ISO 4217 codes of the list published 2026-01-01 | `currency` |
//! | positive | finite and greater than 0 | `positive` |
//! | precision | no more fractional digits than the currency's ISO 4217 minor unit | `precision` |
//!
//! No rule trims or folds case. The country and currency tables are generated from the
//! data in the crate's `data/` folder (`cargo xtask tables`).
//!
//! # Privacy
//!
//! Errors never contain the offending value: e-mail addresses and dates of birth are
//! personal data, and errors end up in logs. Messages say how to fix the value instead.
//!
//! # Cost
//!
//! A valid value allocates nothing: paths are linked lists on the stack, rendered to a
//! pointer only when an error is pushed, and every rule works on the borrowed input.

#![warn(missing_docs)]

mod error;
mod path;
pub mod rules;
mod tables;
mod validate;

pub use error::{Invalid, ValidationError, ValidationErrors};
pub use path::{Path, push_token};
pub use rules::alpha2::is_alpha2;
pub use rules::amount::{amount_from_minor_units, fits_precision, fraction_digits, is_positive};
pub use rules::currency::{MinorUnits, currency_minor_units, is_currency};
pub use rules::date::is_date;
pub use rules::email::is_email;
pub use rules::uri::{MAX_URI_LEN, is_uri};
pub use validate::Validate;

/// Derives [`Validate`](trait@Validate) for a struct with named fields from its
/// `#[validate(...)]` attributes; see the derive crate's documentation for the grammar.
///
/// # Example
///
/// ```
/// use stablemint_validate::{Invalid, Validate};
///
/// #[derive(serde::Serialize, serde::Deserialize, Validate)]
/// #[serde(rename_all = "camelCase")]
/// struct Payment {
///     #[validate(email)]
///     payer_email: String,
///     #[validate(positive, precision = currency)]
///     amount: f64,
///     #[validate(currency)]
///     currency: String,
///     #[validate(date)]
///     #[serde(rename = "dateOfBirth")]
///     dob: Option<String>,
///     #[validate(nested)]
///     items: Vec<Item>,
///     #[validate(custom = not_blank)]
///     reference: String,
/// }
///
/// #[derive(serde::Serialize, serde::Deserialize, Validate)]
/// struct Item {
///     #[validate(alpha2)]
///     origin: String,
/// }
///
/// fn not_blank(value: &String) -> Result<(), Invalid> {
///     if value.trim().is_empty() {
///         return Err(Invalid::new("not_blank", "must not be blank"));
///     }
///     Ok(())
/// }
///
/// let payment = Payment {
///     payer_email: "payer@example.com".to_owned(),
///     amount: 10.505,
///     currency: "EUR".to_owned(),
///     dob: None,
///     items: vec![Item { origin: "DE".to_owned() }, Item { origin: "de".to_owned() }],
///     reference: " ".to_owned(),
/// };
/// let errors = payment.validate().unwrap_err();
/// let found: Vec<(&str, &str)> = errors.iter().map(|e| (e.pointer(), e.code())).collect();
/// assert_eq!(
///     found,
///     [
///         ("/amount", "precision"),
///         ("/items/1/origin", "alpha2"),
///         ("/reference", "not_blank"),
///     ]
/// );
/// ```
pub use stablemint_validate_derive::Validate;

/// Used by the code `#[derive(Validate)]` generates. Not a public API.
#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
