//! The generated request types validate themselves, with the rules the spec's formats
//! give them.

use serde_json::json;
use stablemint_raw::types::EmbeddedSessionRequest;
use stablemint_validate::Validate;

fn parse(value: serde_json::Value) -> EmbeddedSessionRequest {
    serde_json::from_value(value).unwrap()
}

#[test]
fn bad_date_of_birth_and_lowercase_country_give_exactly_two_errors() {
    let request = parse(json!({
        "userId": "user-1",
        "userEmail": "jane@example.com",
        "userCountryCode": "de",
        "currency": "EUR",
        "userKyc": {"dateOfBirth": "1990-13-01"}
    }));
    let errors = request.validate().unwrap_err();
    let found: Vec<(&str, &str)> = errors.iter().map(|e| (e.pointer(), e.code())).collect();
    assert_eq!(
        found,
        [
            ("/userCountryCode", "alpha2"),
            ("/userKyc/dateOfBirth", "date")
        ]
    );
}

#[test]
fn a_valid_request_passes() {
    let request = parse(json!({
        "userId": "user-1",
        "userEmail": "jane@example.com",
        "userCountryCode": "DE",
        "currency": "BHD",
        "amount": 1.234,
        "userKyc": {"dateOfBirth": "2000-02-29", "citizenshipCountryCode": "XK"}
    }));
    assert_eq!(request.validate(), Ok(()));
}

#[test]
fn amounts_are_checked_against_the_currency() {
    for (amount, currency, ok) in [
        (json!(10.12), "EUR", true),
        (json!(10.123), "EUR", false),
        (json!(100), "JPY", true),
        (json!(100.5), "JPY", false),
        (json!(0.30000000000000004), "EUR", false),
        (json!(1.234), "BHD", true),
        (json!(1.2345), "CLF", true),
        (json!(0.00001), "XAU", true),
    ] {
        let request = parse(json!({
            "userId": "u", "userEmail": "jane@example.com", "userCountryCode": "DE",
            "currency": currency, "amount": amount
        }));
        let result = request.validate();
        assert_eq!(result.is_ok(), ok, "{amount} {currency}: {result:?}");
        if let Err(errors) = result {
            let found: Vec<(&str, &str)> = errors.iter().map(|e| (e.pointer(), e.code())).collect();
            assert_eq!(found, [("/amount", "precision")]);
        }
    }
}

#[test]
fn every_field_wrong_shows_every_error_with_its_pointer() {
    let request = parse(json!({
        "userId": "user-1",
        "userEmail": "jane.doe@@example.com",
        "userCountryCode": "UK",
        "currency": "HRK",
        "amount": -5.0,
        "userKyc": {
            "citizenshipCountryCode": "de",
            "dateOfBirth": "1990-02-30"
        }
    }));
    let errors = request.validate().unwrap_err();
    assert_eq!(errors.len(), 6);
    let shown = errors.to_string();
    for value in ["jane.doe", "1990-02-30", "-5"] {
        assert!(!shown.contains(value), "{value} leaked: {shown}");
    }
    insta::assert_snapshot!("every_field_wrong", shown);
}

#[test]
fn the_builder_names_a_missing_field_by_its_wire_pointer() {
    let error = EmbeddedSessionRequest::builder()
        .user_id("user-1")
        .user_country_code("DE")
        .currency("EUR")
        .try_into()
        .map(|_: EmbeddedSessionRequest| ())
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "/userEmail: a required field is missing; set it with `.user_email(...)`"
    );
}
