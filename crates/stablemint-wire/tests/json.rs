//! `parse_json` against a hand-written shape that has every kind of property: what it
//! accepts, and every problem it reports, at its pointer, without the value.

use std::collections::BTreeMap;

use serde::Deserialize;
use stablemint_validate::{Invalid, Validate, ValidationErrors};
use stablemint_wire::shape::{Kind, ObjectShape, Property, WireShape};
use stablemint_wire::{UnknownFields, check_value, parse_json, read_json};

#[derive(Debug, Deserialize, PartialEq, Validate)]
#[serde(rename_all = "camelCase")]
struct Order {
    #[validate(custom = not_blank)]
    user_id: String,
    count: i32,
    total: Option<i64>,
    price: Option<f64>,
    paid: Option<bool>,
    tags: Option<Vec<String>>,
    #[validate(nested)]
    inner: Option<Inner>,
    labels: Option<BTreeMap<String, i32>>,
    extra: Option<serde_json::Value>,
    colour: Option<Colour>,
    small: Option<u8>,
}

#[derive(Debug, Deserialize, PartialEq, Validate)]
struct Inner {
    #[validate(alpha2)]
    code: String,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Colour {
    Red,
    Blue,
}

/// A type whose one required property is an object.
#[derive(Debug, Deserialize, PartialEq, Validate)]
struct Wrapper {
    #[validate(nested)]
    order: Inner,
}

#[expect(
    clippy::ptr_arg,
    reason = "the derive passes the field as it is declared"
)]
fn not_blank(value: &String) -> Result<(), Invalid> {
    if value.trim().is_empty() {
        return Err(Invalid::new("blank", "must not be blank"));
    }
    Ok(())
}

const fn property(name: &'static str, required: bool, kind: Kind) -> Property {
    Property {
        name,
        field: name,
        required,
        kind,
    }
}

static INNER: ObjectShape = ObjectShape {
    name: "Inner",
    properties: &[property("code", true, Kind::String)],
};

static ORDER: ObjectShape = ObjectShape {
    name: "Order",
    properties: &[
        property("userId", true, Kind::String),
        property("count", true, Kind::Int32),
        property("total", false, Kind::Int64),
        property("price", false, Kind::Number),
        property("paid", false, Kind::Boolean),
        property("tags", false, Kind::Array(&Kind::String)),
        property("inner", false, Kind::Object(&INNER)),
        property("labels", false, Kind::Map(&Kind::Int32)),
        property("extra", false, Kind::Any),
        property("colour", false, Kind::String),
        property("small", false, Kind::Int32),
    ],
};

static WRAPPER: ObjectShape = ObjectShape {
    name: "Wrapper",
    properties: &[property("order", true, Kind::Object(&INNER))],
};

impl WireShape for Order {
    const SHAPE: &'static ObjectShape = &ORDER;
}

impl WireShape for Wrapper {
    const SHAPE: &'static ObjectShape = &WRAPPER;
}

/// (pointer, code, message) of each error, in the order reported.
fn found(errors: &ValidationErrors) -> Vec<(String, &'static str, String)> {
    errors
        .iter()
        .map(|e| (e.pointer().to_owned(), e.code(), e.message().to_owned()))
        .collect()
}

fn errors_of(json: &str) -> Vec<(String, &'static str, String)> {
    found(&parse_json::<Order>(json, UnknownFields::Reject).expect_err(json))
}

/// Pointer and code only.
fn codes_of(json: &str) -> Vec<(String, &'static str)> {
    errors_of(json)
        .into_iter()
        .map(|(pointer, code, _)| (pointer, code))
        .collect()
}

fn pairs(expected: &[(&str, &'static str)]) -> Vec<(String, &'static str)> {
    expected
        .iter()
        .map(|(pointer, code)| ((*pointer).to_owned(), *code))
        .collect()
}

#[test]
fn a_request_with_every_kind_of_property_is_read_whole() {
    let json = r#"{
        "userId": "u-1", "count": 3, "total": 9000000000, "price": 1.5, "paid": true,
        "tags": ["a", "b"], "inner": {"code": "DE"}, "labels": {"x": 1},
        "extra": [null, {"any": "thing"}], "colour": "red", "small": 7
    }"#;
    let order: Order = parse_json(json, UnknownFields::Reject).unwrap();
    assert_eq!(
        order,
        Order {
            user_id: "u-1".to_owned(),
            count: 3,
            total: Some(9_000_000_000),
            price: Some(1.5),
            paid: Some(true),
            tags: Some(vec!["a".to_owned(), "b".to_owned()]),
            inner: Some(Inner {
                code: "DE".to_owned()
            }),
            labels: Some(BTreeMap::from([("x".to_owned(), 1)])),
            extra: Some(serde_json::json!([null, {"any": "thing"}])),
            colour: Some(Colour::Red),
            small: Some(7),
        }
    );
    let value = read_json(json).unwrap();
    assert_eq!(check_value::<Order>(&value, UnknownFields::Reject), Ok(()));
}

#[test]
fn optional_properties_may_be_null_or_absent() {
    let order: Order = parse_json(
        r#"{"userId": "u", "count": 1, "paid": null, "inner": null}"#,
        UnknownFields::Reject,
    )
    .unwrap();
    assert_eq!(order.paid, None);
    assert_eq!(order.inner, None);
}

#[test]
fn text_that_is_not_json_is_one_error_at_the_root() {
    assert_eq!(
        errors_of("{\"userId\": "),
        [(
            String::new(),
            "json",
            "the JSON ends too early at line 1 column 11; fix the syntax".to_owned()
        )]
    );
    assert_eq!(
        errors_of("{\"userId\" \"u\"}"),
        [(
            String::new(),
            "json",
            "not valid JSON at line 1 column 11; fix the syntax".to_owned()
        )]
    );
}

#[test]
fn a_request_that_is_not_an_object_names_the_type() {
    assert_eq!(
        errors_of("[1]"),
        [(
            String::new(),
            "type",
            "the request must be a JSON object with the fields of Order".to_owned()
        )]
    );
}

#[test]
fn missing_required_fields_are_reported_without_the_rules_on_their_placeholders() {
    // The placeholder for `userId` is "", which its own rule would call blank: that
    // would be a second, misleading error.
    assert_eq!(
        errors_of("{}"),
        [
            (
                "/count".to_owned(),
                "required",
                "a required field is missing; add it".to_owned()
            ),
            (
                "/userId".to_owned(),
                "required",
                "a required field is missing; add it".to_owned()
            ),
        ]
    );
    // The rule still runs where the value was given.
    assert_eq!(
        codes_of(r#"{"userId": " ", "count": 1}"#),
        pairs(&[("/userId", "blank")])
    );
}

#[test]
fn every_wrong_type_is_reported_at_once_with_what_it_should_be() {
    let errors = errors_of(
        r#"{"userId": 5, "count": "3", "total": 1.5, "price": "1", "paid": "yes",
            "tags": {}, "inner": [], "labels": [], "extra": 1, "small": false}"#,
    );
    let expected = [
        (
            "/count",
            "must be a whole number (32-bit), not a string; fix the value's type",
        ),
        (
            "/inner",
            "must be an object, not an array; fix the value's type",
        ),
        (
            "/labels",
            "must be an object, not an array; fix the value's type",
        ),
        (
            "/paid",
            "must be true or false, not a string; fix the value's type",
        ),
        (
            "/price",
            "must be a number, not a string; fix the value's type",
        ),
        (
            "/small",
            "must be a whole number (32-bit), not a boolean; fix the value's type",
        ),
        (
            "/tags",
            "must be an array, not an object; fix the value's type",
        ),
        (
            "/total",
            "must be a whole number (64-bit), not a number; fix the value's type",
        ),
        (
            "/userId",
            "must be a string, not a whole number; fix the value's type",
        ),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(pointer, message)| ((*pointer).to_owned(), "type", (*message).to_owned()))
        .collect();
    assert_eq!(errors, expected);
}

#[test]
fn whole_numbers_out_of_range_say_so() {
    assert_eq!(
        errors_of(r#"{"userId": "u", "count": 3000000000, "total": 18446744073709551615}"#),
        [
            (
                "/count".to_owned(),
                "type",
                "must be a whole number (32-bit): this one is out of range".to_owned()
            ),
            (
                "/total".to_owned(),
                "type",
                "must be a whole number (64-bit): this one is out of range".to_owned()
            ),
        ]
    );
    assert_eq!(
        codes_of(r#"{"userId": "u", "count": -2147483649}"#),
        pairs(&[("/count", "type")])
    );
    // The ends of the ranges are in them.
    let order: Order = parse_json(
        r#"{"userId": "u", "count": -2147483648, "total": -9223372036854775808}"#,
        UnknownFields::Reject,
    )
    .unwrap();
    assert_eq!((order.count, order.total), (i32::MIN, Some(i64::MIN)));
}

#[test]
fn a_required_field_may_not_be_null() {
    assert_eq!(
        errors_of(r#"{"userId": null, "count": 1}"#),
        [(
            "/userId".to_owned(),
            "type",
            "must not be null: give a string".to_owned()
        )]
    );
}

#[test]
fn items_of_arrays_and_maps_are_checked_at_their_own_pointers() {
    assert_eq!(
        codes_of(r#"{"userId": "u", "count": 1, "tags": ["a", 1, "b", null]}"#),
        pairs(&[("/tags/1", "type"), ("/tags/3", "type")])
    );
    // Keys are escaped as JSON Pointer tokens.
    assert_eq!(
        codes_of(r#"{"userId": "u", "count": 1, "labels": {"a/b": "x", "c~d": 1.5, "ok": 1}}"#),
        pairs(&[("/labels/a~1b", "type"), ("/labels/c~0d", "type")])
    );
}

#[test]
fn nested_objects_are_checked_against_their_own_shape_and_rules() {
    assert_eq!(
        codes_of(r#"{"userId": "u", "count": 1, "inner": {}}"#),
        pairs(&[("/inner/code", "required")])
    );
    assert_eq!(
        codes_of(r#"{"userId": "u", "count": 1, "inner": {"code": "XYZ"}}"#),
        pairs(&[("/inner/code", "alpha2")])
    );
    // A wrong type is one error: the rule does not also run on its placeholder.
    assert_eq!(
        codes_of(r#"{"userId": "u", "count": 1, "inner": {"code": 1}}"#),
        pairs(&[("/inner/code", "type")])
    );
}

#[test]
fn a_required_object_of_the_wrong_type_is_one_error() {
    // Its placeholder has the object's own required fields, so that the rest can still
    // be read, and their rules do not run on it.
    let errors = parse_json::<Wrapper>(r#"{"order": 5}"#, UnknownFields::Reject).unwrap_err();
    assert_eq!(
        found(&errors),
        [(
            "/order".to_owned(),
            "type",
            "must be an object, not a whole number; fix the value's type".to_owned()
        )]
    );
    let errors = parse_json::<Wrapper>("{}", UnknownFields::Reject).unwrap_err();
    assert_eq!(
        found(&errors)
            .into_iter()
            .map(|(pointer, code, _)| (pointer, code))
            .collect::<Vec<_>>(),
        pairs(&[("/order", "required")])
    );
}

#[test]
fn a_required_number_of_the_wrong_type_does_not_stop_the_rest() {
    // `count` is replaced by a number so that serde can read the request and the rule on
    // `userId` still runs.
    assert_eq!(
        codes_of(r#"{"userId": "", "count": "x"}"#),
        pairs(&[("/count", "type"), ("/userId", "blank")])
    );
    assert_eq!(
        codes_of(r#"{"userId": 1, "count": 1, "paid": 1, "tags": [1]}"#),
        pairs(&[("/paid", "type"), ("/tags/0", "type"), ("/userId", "type")])
    );
}

#[test]
fn an_unknown_field_is_named_with_the_closest_wire_name() {
    assert_eq!(
        errors_of(r#"{"userid": "u", "count": 1}"#),
        [
            (
                "/userId".to_owned(),
                "required",
                "a required field is missing; add it".to_owned()
            ),
            (
                "/userid".to_owned(),
                "unknown",
                "is not a field of Order; did you mean `userId`? (nothing was sent)".to_owned()
            ),
        ]
    );
    assert_eq!(
        errors_of(r#"{"userId": "u", "count": 1, "a/b": 1}"#),
        [(
            "/a~1b".to_owned(),
            "unknown",
            "is not a field of Order; its fields are `userId`, `count`, `total`, `price`, \
             `paid`, `tags`, `inner`, `labels`, `extra`, `colour`, `small`"
                .to_owned()
        )]
    );
    assert_eq!(
        errors_of(r#"{"userId": "u", "count": 1, "inner": {"code": "DE", "cod": 1}}"#),
        [(
            "/inner/cod".to_owned(),
            "unknown",
            "is not a field of Inner; did you mean `code`? (nothing was sent)".to_owned()
        )]
    );
}

#[test]
fn unknown_fields_may_be_ignored_instead() {
    let order: Order = parse_json(
        r#"{"userId": "u", "count": 1, "colour2": 1, "inner": {"code": "DE", "x": []}}"#,
        UnknownFields::Ignore,
    )
    .unwrap();
    assert_eq!(order.user_id, "u");
    let value = read_json(r#"{"userId": "u", "count": 1, "x": 1}"#).unwrap();
    assert_eq!(check_value::<Order>(&value, UnknownFields::Ignore), Ok(()));
    assert!(check_value::<Order>(&value, UnknownFields::Reject).is_err());
}

#[test]
fn what_only_serde_finds_is_reported_without_the_value() {
    assert_eq!(
        errors_of(r#"{"userId": "u", "count": 1, "colour": "purple-secret"}"#),
        [(
            "/colour".to_owned(),
            "type",
            "unknown variant, expected `red` or `blue`; fix the value".to_owned()
        )]
    );
    assert_eq!(
        errors_of(r#"{"userId": "u", "count": 1, "small": 300}"#),
        [(
            "/small".to_owned(),
            "type",
            "invalid value: integer, expected u8; fix the value".to_owned()
        )]
    );
    // A value that holds serde's own words does not fool the redaction.
    let errors = errors_of(r#"{"userId": "u", "count": 1, "colour": "x, expected secret"}"#);
    assert_eq!(errors.len(), 1);
    assert!(!errors[0].2.contains("secret"), "{}", errors[0].2);
    // The shape's own errors come with it.
    assert_eq!(
        codes_of(r#"{"userId": 1, "count": 1, "colour": "green"}"#),
        pairs(&[("/colour", "type"), ("/userId", "type")])
    );
}

#[test]
fn no_message_repeats_a_value() {
    let json = r#"{"userId": 12345678, "count": "secret-1", "total": "secret-2",
        "tags": [true], "inner": {"code": "secret-3"}, "labels": {"k": "secret-4"},
        "secret-5": 1, "colour": "secret-6"}"#;
    for (pointer, _, message) in errors_of(json) {
        assert!(
            !message.contains("secret") && !message.contains("12345678"),
            "{pointer}: {message}"
        );
    }
}

#[test]
fn keys_given_twice_are_refused_everywhere_in_the_body() {
    let errors = read_json(
        r#"{"userId": "u", "list": [{"a": 1, "a": 2}], "o": {"x~/y": 1, "x~/y": 2}, "userId": "v"}"#,
    )
    .unwrap_err();
    let found: Vec<(&str, &str)> = errors.iter().map(|e| (e.pointer(), e.code())).collect();
    assert_eq!(
        found,
        [
            ("/list/0/a", "duplicate"),
            ("/o/x~0~1y", "duplicate"),
            ("/userId", "duplicate")
        ]
    );
    // Syntax comes first: one error at the root, wherever it is.
    let errors = read_json(r#"{"a": 1, "a": }"#).unwrap_err();
    assert_eq!(errors.iter().next().map(|e| e.code()), Some("json"));
    // The same value as serde_json reads it, when every key is there once.
    let text = r#"{"a": [1, -2, 3.5, 18446744073709551615, true, null, "x"], "b": {}}"#;
    assert_eq!(
        read_json(text).unwrap(),
        serde_json::from_str::<serde_json::Value>(text).unwrap()
    );
    assert!(
        parse_json::<Order>(
            r#"{"userId": "u", "count": 1, "count": 2}"#,
            UnknownFields::Reject
        )
        .is_err()
    );
}

mod requests {
    use stablemint_wire::{
        Auth, BodySpec, Method, OperationSpec, ResponseSpec, Status, UnknownFields, parse_request,
        read_json,
    };

    use super::Order;

    static OPERATION: OperationSpec = OperationSpec {
        id: "putOrder",
        method: Method::Put,
        path: "/orders",
        parameters: &[],
        auth: Auth::SignedField("userId"),
        idempotency_key_field: Some("extra"),
        body: Some(BodySpec {
            schema: "Order",
            required: true,
            shape: <Order as stablemint_wire::shape::WireShape>::SHAPE,
            check: stablemint_wire::check_value::<Order>,
        }),
        success: ResponseSpec {
            status: Status::Code(204),
            schema: None,
            example: None,
            rust_type: None,
            decode: None,
        },
        errors: &[],
    };

    /// Pointer and code of each error.
    type Found = Vec<(String, &'static str)>;

    /// What `parse_request` and `check_body` each find in `json`.
    fn both(json: &str) -> (Found, Found) {
        let pairs = |errors: stablemint_validate::ValidationErrors| {
            errors
                .iter()
                .map(|e| (e.pointer().to_owned(), e.code()))
                .collect::<Vec<_>>()
        };
        let parsed = parse_request::<Order>(&OPERATION, json, UnknownFields::Reject)
            .err()
            .map(pairs)
            .unwrap_or_default();
        let checked = match read_json(json) {
            Ok(value) => OPERATION
                .check_body(&value, UnknownFields::Reject)
                .err()
                .map(pairs)
                .unwrap_or_default(),
            Err(errors) => pairs(errors),
        };
        (parsed, checked)
    }

    /// The typed reading (the CLI's, `request_from_json`'s) and the value's (the
    /// mock's) are one check: the same errors, the idempotency key among them.
    #[test]
    fn parsing_and_checking_a_body_find_the_same_problems() {
        for (json, expected) in [
            (r#"{"userId": "u", "count": 1}"#, vec![]),
            (
                r#"{"userId": "u", "count": 1, "extra": ""}"#,
                vec![("/extra".to_owned(), "idempotency_key")],
            ),
            (
                r#"{"userId": "", "count": "x", "extra": "bell\u0007"}"#,
                vec![
                    ("/count".to_owned(), "type"),
                    ("/extra".to_owned(), "idempotency_key"),
                    ("/userId".to_owned(), "blank"),
                ],
            ),
            (
                r#"{"userId": "u", "count": 1, "count": 1}"#,
                vec![("/count".to_owned(), "duplicate")],
            ),
        ] {
            let (parsed, checked) = both(json);
            assert_eq!(parsed, expected, "{json}");
            assert_eq!(checked, expected, "{json}");
        }
    }
}
