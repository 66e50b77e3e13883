//! `#[derive(Validate)]` through this crate's re-export: one `use` brings trait and derive,
//! and errors point at wire names. (The derive's own tests cover its grammar in depth.)

use serde::Serialize;
use stablemint_validate::{Validate, ValidationErrors};

#[derive(Serialize, Validate)]
#[serde(rename_all = "camelCase")]
struct Request {
    #[validate(alpha2)]
    user_country_code: String,
    #[validate(email)]
    user_email: String,
    #[validate(currency)]
    currency: String,
    #[validate(positive, precision = currency)]
    amount: Option<f64>,
    #[validate(nested)]
    user_kyc: Option<UserKyc>,
}

#[derive(Serialize, Validate)]
#[serde(rename_all = "camelCase")]
struct UserKyc {
    #[validate(date)]
    #[serde(rename = "dateOfBirth")]
    dob: Option<String>,
    #[validate(alpha2)]
    citizenship_country_code: String,
}

fn valid() -> Request {
    Request {
        user_country_code: "DE".to_owned(),
        user_email: "jane@example.com".to_owned(),
        currency: "EUR".to_owned(),
        amount: Some(10.25),
        user_kyc: Some(UserKyc {
            dob: Some("1990-04-27".to_owned()),
            citizenship_country_code: "XK".to_owned(),
        }),
    }
}

fn report(errors: Result<(), ValidationErrors>) -> String {
    errors.err().map(|e| e.to_string()).unwrap_or_default()
}

#[test]
fn a_valid_request_passes() {
    assert_eq!(valid().validate(), Ok(()));
}

#[test]
fn every_error_is_reported_at_its_wire_name() {
    let mut request = valid();
    request.user_country_code = "UK".to_owned();
    request.user_email = "jane@[192.0.2.1]".to_owned();
    request.currency = "BGN".to_owned();
    request.amount = Some(f64::NAN);
    if let Some(kyc) = request.user_kyc.as_mut() {
        kyc.dob = Some("1990-02-30".to_owned());
        kyc.citizenship_country_code = "de".to_owned();
    }
    assert_eq!(
        report(request.validate()),
        "/userCountryCode: not an ISO 3166-1 alpha-2 code: use GB for the United Kingdom (alpha2)\n\
         /userEmail: not a valid e-mail address: use a domain name after the @, not an IP address (email)\n\
         /currency: withdrawn from ISO 4217: use EUR (currency)\n\
         /amount: the amount must be a finite number greater than 0 (positive)\n\
         /userKyc/dateOfBirth: not a calendar date in YYYY-MM-DD form: that month has no such day (date)\n\
         /userKyc/citizenshipCountryCode: country codes are upper case, e.g. DE (alpha2)"
    );
}

#[test]
fn precision_uses_the_sibling_currency() {
    let mut request = valid();
    request.currency = "JPY".to_owned();
    request.amount = Some(100.5);
    assert_eq!(
        report(request.validate()),
        "/amount: JPY has no minor unit: use a whole amount (precision)"
    );
    request.amount = Some(100.0);
    assert_eq!(request.validate(), Ok(()));
}
