//! Errors never carry the offending value: not in `Display`, `Debug`, or JSON.
//!
//! Each bad value below is distinctive (it contains a marker no message could), so
//! finding it, or its marker, in any rendering means a value leaked.

use stablemint_validate::__private as private;
use stablemint_validate::{Invalid, Path, ValidationError, ValidationErrors, rules};

/// A string rule as the derive calls it.
type StrRule = fn(&str) -> Result<(), Invalid>;

/// Bad values for the string rules (code, rule, value, marker that must not appear).
const STRING_CASES: &[(&str, StrRule, &str, &str)] = &[
    ("alpha2", rules::alpha2, "Qz", "qz"),
    ("alpha2", rules::alpha2, "zqxj", "zqxj"),
    ("alpha2", rules::alpha2, "Q7", "q7"),
    ("date", rules::date, "1987-02-30", "1987"),
    ("date", rules::date, "31.12.1987", "1987"),
    ("date", rules::date, "1987-13-01", "1987"),
    ("date", rules::date, "0000-11-23", "11-23"),
    ("email", rules::email, "zqxj.secret@@example.com", "zqxj"),
    ("email", rules::email, "zqxj.secret", "zqxj"),
    ("email", rules::email, "zqxj@[10.9.8.7]", "10.9.8.7"),
    ("email", rules::email, "zqxj.jörg@example.com", "zqxj"),
    ("email", rules::email, "zqxj@exa_mple.com", "exa_mple"),
    (
        "email",
        rules::email,
        "zqxjzqxjzqxjzqxjzqxjzqxjzqxjzqxjzqxjzqxjzqxjzqxjzqxjzqxjzqxjzqxjz@example.com",
        "zqxj",
    ),
    ("currency", rules::currency, "zqx", "zqx"),
    ("currency", rules::currency, "ZQXJ", "zqxj"),
    ("currency", rules::currency, "hrk", "hrk"),
];

/// Every way an error can be rendered, lower-cased.
fn renderings(errors: &ValidationErrors) -> Vec<String> {
    let mut out = vec![
        errors.to_string(),
        format!("{errors:?}"),
        format!("{errors:#?}"),
        serde_json::to_string(errors).unwrap_or_default(),
    ];
    for error in errors {
        out.push(error.to_string());
        out.push(format!("{error:?}"));
        out.push(serde_json::to_string(error).unwrap_or_default());
        out.push(error.message().to_owned());
    }
    out.into_iter().map(|s| s.to_lowercase()).collect()
}

fn assert_absent(errors: &ValidationErrors, value: &str, marker: &str) {
    assert!(
        !errors.is_empty(),
        "{value:?} was accepted; pick a value the rule rejects"
    );
    for rendered in renderings(errors) {
        assert!(
            !rendered.contains(&value.to_lowercase()) && !rendered.contains(marker),
            "{value:?} leaked into {rendered}"
        );
    }
}

#[test]
fn string_rules_never_echo_the_value() {
    for &(code, rule, value, marker) in STRING_CASES {
        let root = Path::root();
        let mut errors = ValidationErrors::new();
        private::str_rule(value, &root, "field", &mut errors, rule);
        assert_eq!(
            errors.iter().map(ValidationError::code).collect::<Vec<_>>(),
            [code]
        );
        assert_absent(&errors, value, marker);
        let invalid = rule(value).err();
        let shown = format!(
            "{invalid:?} {}",
            invalid
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default()
        );
        assert!(
            !shown.to_lowercase().contains(marker),
            "{value:?} leaked into {shown}"
        );
    }
}

#[test]
fn amount_rules_never_echo_the_value() {
    let root = Path::root();
    let mut errors = ValidationErrors::new();
    private::f64_rule(
        &-98_765.432_1_f64,
        &root,
        "amount",
        &mut errors,
        rules::positive,
    );
    assert_absent(&errors, "-98765.4321", "98765");

    let mut errors = ValidationErrors::new();
    private::precision(&12_345.678_9_f64, "EUR", &root, "amount", &mut errors);
    assert_absent(&errors, "12345.6789", "12345");
    assert_absent(&errors, "12345.6789", "6789");
    assert_eq!(
        errors
            .iter()
            .map(ValidationError::message)
            .collect::<Vec<_>>(),
        ["EUR allows at most 2 decimal places"]
    );

    let mut errors = ValidationErrors::new();
    private::precision(
        &Some(4_321.5_f32),
        &"JPY".to_owned(),
        &root,
        "amount",
        &mut errors,
    );
    assert_absent(&errors, "4321.5", "4321");
}

#[test]
fn serialized_shape_is_pointer_code_message() {
    let root = Path::root();
    let kyc = root.field("userKyc");
    let mut errors = ValidationErrors::new();
    private::str_rule("1987-02-30", &kyc, "dateOfBirth", &mut errors, rules::date);
    assert_eq!(
        serde_json::to_value(&errors).unwrap_or_default(),
        serde_json::json!([{
            "pointer": "/userKyc/dateOfBirth",
            "code": "date",
            "message": "not a calendar date in YYYY-MM-DD form: that month has no such day",
        }])
    );
}
