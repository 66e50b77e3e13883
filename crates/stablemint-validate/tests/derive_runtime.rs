//! What the derived `Validate` impls report at run time: which rules run, in what order, and
//! under which JSON Pointer.

use serde::{Deserialize, Serialize};
use stablemint_validate::{Invalid, Validate, ValidationErrors};

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[serde(rename_all = "camelCase")]
struct PaymentRequest {
    #[validate(email)]
    payer_email: String,
    #[validate(positive, precision = currency)]
    amount: Option<f64>,
    #[validate(currency)]
    currency: String,
    #[serde(
        default,
        skip_serializing_if = "::std::option::Option::is_none",
        rename = "userKyc"
    )]
    #[validate(nested)]
    kyc: ::std::option::Option<UserKyc>,
    #[validate(nested)]
    items: ::std::vec::Vec<Item>,
    #[validate(custom = reference_format)]
    reference: String,
    // No rule: never looked at.
    note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UserKyc {
    #[validate(date)]
    date_of_birth: String,
    #[validate(alpha2)]
    country_code: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
struct Item {
    #[validate(currency)]
    code: String,
}

// `custom` hands the function a reference to the field's own type.
#[allow(clippy::ptr_arg)]
fn reference_format(reference: &String) -> Result<(), Invalid> {
    if reference.is_empty() || !reference.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Invalid::new(
            "reference",
            "use 1 or more ASCII letters and digits",
        ));
    }
    Ok(())
}

fn valid_request() -> PaymentRequest {
    PaymentRequest {
        payer_email: "payer@example.com".to_owned(),
        amount: Some(10.5),
        currency: "EUR".to_owned(),
        kyc: Some(UserKyc {
            date_of_birth: "1990-02-28".to_owned(),
            country_code: Some("DE".to_owned()),
        }),
        items: vec![
            Item {
                code: "USD".to_owned(),
            },
            Item {
                code: "JPY".to_owned(),
            },
        ],
        reference: "INV42".to_owned(),
        note: "anything goes here: ~/".to_owned(),
    }
}

/// `(pointer, code)` of every error, in the order reported.
fn found(errors: &ValidationErrors) -> Vec<(&str, &str)> {
    errors.iter().map(|e| (e.pointer(), e.code())).collect()
}

/// Validates `value` and asserts that every error's pointer finds a value in the JSON serde
/// writes for it, i.e. the derive's wire names agree with serde's.
fn errors_of<T: Validate + Serialize>(value: &T) -> ValidationErrors {
    let errors = match value.validate() {
        Ok(()) => ValidationErrors::new(),
        Err(errors) => errors,
    };
    let json = serde_json::to_value(value).expect("test values serialize");
    for error in &errors {
        assert!(
            json.pointer(error.pointer()).is_some(),
            "{} does not point into {json}",
            error.pointer()
        );
    }
    errors
}

#[test]
fn valid_request_passes() {
    assert_eq!(valid_request().validate(), Ok(()));
}

#[test]
fn every_error_is_collected_in_field_order_under_wire_names() {
    let request = PaymentRequest {
        payer_email: "payer@".to_owned(),
        amount: Some(-1.0),
        currency: "EURO".to_owned(),
        kyc: Some(UserKyc {
            date_of_birth: "1990-02-30".to_owned(),
            country_code: Some("UK".to_owned()),
        }),
        items: vec![
            Item {
                code: "usd".to_owned(),
            },
            Item {
                code: "XYZ".to_owned(),
            },
        ],
        reference: "INV-42".to_owned(),
        note: String::new(),
    };
    let errors = errors_of(&request);
    assert_eq!(
        found(&errors),
        [
            ("/payerEmail", "email"),
            ("/amount", "positive"),
            ("/currency", "currency"),
            ("/userKyc/dateOfBirth", "date"),
            ("/userKyc/countryCode", "alpha2"),
            ("/items/0/code", "currency"),
            ("/items/1/code", "currency"),
            ("/reference", "reference"),
        ]
    );
    let reference = errors.iter().next_back().expect("eight errors");
    assert_eq!(
        reference.message(),
        "use 1 or more ASCII letters and digits"
    );
}

#[test]
fn nested_errors_carry_the_full_pointer() {
    let mut request = valid_request();
    request.kyc = Some(UserKyc {
        date_of_birth: "28.02.1990".to_owned(),
        country_code: None,
    });
    let errors = errors_of(&request);
    assert_eq!(found(&errors), [("/userKyc/dateOfBirth", "date")]);
    assert_eq!(
        errors.to_string(),
        format!(
            "/userKyc/dateOfBirth: {} (date)",
            errors.iter().next().map_or("", |e| e.message())
        )
    );
}

#[test]
fn vec_elements_are_indexed() {
    let mut request = valid_request();
    request.items.push(Item {
        code: "GBP".to_owned(),
    });
    request.items[1].code = "gbp".to_owned();
    let errors = errors_of(&request);
    assert_eq!(found(&errors), [("/items/1/code", "currency")]);
}

#[test]
fn none_is_skipped() {
    let mut request = valid_request();
    request.amount = None;
    request.kyc = None;
    assert_eq!(request.validate(), Ok(()));

    request.kyc = Some(UserKyc {
        date_of_birth: "2000-01-01".to_owned(),
        country_code: None,
    });
    assert_eq!(request.validate(), Ok(()));
}

#[test]
fn precision_reports_the_amount_not_the_currency() {
    let mut request = valid_request();
    request.amount = Some(10.505);
    let errors = errors_of(&request);
    assert_eq!(found(&errors), [("/amount", "precision")]);
    let message = errors
        .iter()
        .next()
        .map(|e| e.message())
        .unwrap_or_default();
    assert!(message.contains("EUR"), "{message}");
    assert!(
        !message.contains("10.505"),
        "never echo the amount: {message}"
    );

    request.currency = "JPY".to_owned();
    request.amount = Some(1000.5);
    assert_eq!(found(&errors_of(&request)), [("/amount", "precision")]);
    request.amount = Some(1000.0);
    assert_eq!(request.validate(), Ok(()));
}

#[test]
fn validate_at_nests_under_the_caller_path() {
    let mut second = valid_request();
    second.payer_email = "not an address".to_owned();
    let batch = vec![valid_request(), second];
    let errors = errors_of(&batch);
    assert_eq!(found(&errors), [("/1/payerEmail", "email")]);
}

#[derive(Serialize, Validate)]
struct Escaped {
    #[serde(rename = "a/b~c")]
    #[validate(alpha2)]
    odd: String,
    #[validate(currency)]
    r#type: String,
}

#[test]
fn wire_names_are_escaped_and_raw_identifiers_unwrapped() {
    let value = Escaped {
        odd: "gb".to_owned(),
        r#type: "eur".to_owned(),
    };
    let errors = errors_of(&value);
    assert_eq!(
        found(&errors),
        [("/a~1b~0c", "alpha2"), ("/type", "currency")]
    );
}

macro_rules! casing_tests {
    ($($test:ident, $name:ident, $casing:literal, $pointer:literal;)*) => {$(
        #[derive(Serialize, Validate)]
        #[serde(rename_all = $casing)]
        struct $name {
            #[validate(currency)]
            settlement_currency: String,
        }

        #[test]
        fn $test() {
            let value = $name { settlement_currency: "euro".to_owned() };
            let errors = errors_of(&value);
            assert_eq!(found(&errors), [($pointer, "currency")]);
        }
    )*};
}

casing_tests! {
    rename_all_lowercase, Lower, "lowercase", "/settlement_currency";
    rename_all_uppercase, Upper, "UPPERCASE", "/SETTLEMENT_CURRENCY";
    rename_all_pascal_case, Pascal, "PascalCase", "/SettlementCurrency";
    rename_all_camel_case, Camel, "camelCase", "/settlementCurrency";
    rename_all_snake_case, Snake, "snake_case", "/settlement_currency";
    rename_all_screaming_snake_case, ScreamingSnake, "SCREAMING_SNAKE_CASE", "/SETTLEMENT_CURRENCY";
    rename_all_kebab_case, Kebab, "kebab-case", "/settlement-currency";
    rename_all_screaming_kebab_case, ScreamingKebab, "SCREAMING-KEBAB-CASE", "/SETTLEMENT-CURRENCY";
}

#[derive(Serialize, Validate)]
#[serde(rename_all(serialize = "camelCase", deserialize = "snake_case"))]
struct SplitNames {
    #[serde(rename(deserialize = "in_name", serialize = "outName"))]
    #[validate(email)]
    user_email: String,
    #[validate(email)]
    backup_email: String,
}

#[test]
fn serialize_side_names_are_used() {
    let value = SplitNames {
        user_email: "x".to_owned(),
        backup_email: "y".to_owned(),
    };
    let errors = errors_of(&value);
    assert_eq!(
        found(&errors),
        [("/outName", "email"), ("/backupEmail", "email")]
    );
}

#[derive(Serialize, Validate)]
#[serde(rename_all = "camelCase")]
struct Contact {
    #[validate(email)]
    contact_email: String,
}

#[derive(Serialize, Validate)]
struct WithFlatten {
    #[validate(alpha2)]
    country: String,
    #[serde(flatten)]
    #[validate(nested)]
    contact: Contact,
}

#[test]
fn flattened_fields_add_no_segment() {
    let value = WithFlatten {
        country: "XX".to_owned(),
        contact: Contact {
            contact_email: "nobody".to_owned(),
        },
    };
    let errors = errors_of(&value);
    assert_eq!(
        found(&errors),
        [("/country", "alpha2"), ("/contactEmail", "email")]
    );
}

#[derive(Serialize, Validate)]
struct Page<T> {
    #[validate(nested)]
    data: Vec<T>,
    #[validate(custom = not_empty, custom = short)]
    cursor: String,
}

#[allow(clippy::ptr_arg)]
fn not_empty(value: &String) -> Result<(), Invalid> {
    if value.is_empty() {
        return Err(Invalid::new("not_empty", "must not be empty"));
    }
    Ok(())
}

#[allow(clippy::ptr_arg)]
fn short(value: &String) -> Result<(), Invalid> {
    if value.len() > 4 {
        return Err(Invalid::new("too_long", "use at most 4 bytes"));
    }
    Ok(())
}

#[test]
fn generic_structs_and_several_custom_rules() {
    let page = Page {
        data: vec![
            Item {
                code: "EUR".to_owned(),
            },
            Item {
                code: "EUR ".to_owned(),
            },
        ],
        cursor: "abcdef".to_owned(),
    };
    let errors = errors_of(&page);
    assert_eq!(
        found(&errors),
        [("/data/1/code", "currency"), ("/cursor", "too_long")]
    );

    let page = Page::<Item> {
        data: Vec::new(),
        cursor: String::new(),
    };
    assert_eq!(found(&errors_of(&page)), [("/cursor", "not_empty")]);
}

#[derive(Serialize, Validate)]
struct Borrowed<'a> {
    #[validate(email)]
    email: &'a str,
    #[validate(currency)]
    currency: std::borrow::Cow<'a, str>,
    #[validate(alpha2)]
    country: Box<str>,
    #[validate(positive, precision = currency)]
    amount: f32,
}

#[test]
fn borrowed_and_boxed_strings_and_f32() {
    let value = Borrowed {
        email: "a@b.example",
        currency: "USD".into(),
        country: "US".into(),
        amount: 0.25,
    };
    assert_eq!(value.validate(), Ok(()));

    let value = Borrowed {
        email: "a@",
        currency: "usd".into(),
        country: "us".into(),
        amount: 0.0,
    };
    assert_eq!(
        found(&errors_of(&value)),
        [
            ("/email", "email"),
            ("/currency", "currency"),
            ("/country", "alpha2"),
            ("/amount", "positive"),
        ]
    );
}
