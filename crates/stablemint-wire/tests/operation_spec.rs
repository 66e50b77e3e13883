//! The operation descriptions: methods, parameters, the error declared for a status,
//! what a parameter's text may be.

use stablemint_wire::shape::{Kind, ObjectShape, Property};
use stablemint_wire::{
    Auth, Location, Method, OperationSpec, ParameterKind, ParameterSpec, ResponseSpec, Status,
    decode_as,
};

const METHODS: [(Method, &str); 7] = [
    (Method::Get, "GET"),
    (Method::Head, "HEAD"),
    (Method::Post, "POST"),
    (Method::Put, "PUT"),
    (Method::Patch, "PATCH"),
    (Method::Delete, "DELETE"),
    (Method::Options, "OPTIONS"),
];

#[test]
fn methods_by_name_in_either_case() {
    for (method, name) in METHODS {
        assert_eq!(method.as_str(), name);
        assert_eq!(method.to_string(), name);
        assert_eq!(Method::parse(name), Some(method));
        assert_eq!(Method::parse(&name.to_ascii_lowercase()), Some(method));
    }
    assert_eq!(Method::parse("TRACE"), None);
    assert_eq!(Method::parse(""), None);
    let idempotent: Vec<Method> = METHODS
        .iter()
        .map(|(m, _)| *m)
        .filter(|m| m.is_idempotent())
        .collect();
    assert_eq!(
        idempotent,
        [
            Method::Get,
            Method::Head,
            Method::Put,
            Method::Delete,
            Method::Options
        ]
    );
}

fn response(status: Status) -> ResponseSpec {
    ResponseSpec {
        status,
        schema: None,
        example: None,
        rust_type: None,
        decode: None,
    }
}

static ERRORS: [ResponseSpec; 4] = [
    ResponseSpec {
        status: Status::Code(404),
        schema: Some("404"),
        example: None,
        rust_type: None,
        decode: None,
    },
    ResponseSpec {
        status: Status::Range(4),
        schema: Some("4XX"),
        example: None,
        rust_type: None,
        decode: None,
    },
    ResponseSpec {
        status: Status::Code(503),
        schema: Some("503"),
        example: None,
        rust_type: None,
        decode: None,
    },
    ResponseSpec {
        status: Status::Default,
        schema: Some("default"),
        example: None,
        rust_type: None,
        decode: None,
    },
];

static PARAMETERS: [ParameterSpec; 2] = [
    ParameterSpec {
        name: "sessionId",
        location: Location::Path,
        required: true,
        kind: ParameterKind::String,
        rule: None,
    },
    ParameterSpec {
        name: "limit",
        location: Location::Query,
        required: false,
        kind: ParameterKind::Int32,
        rule: None,
    },
];

fn operation(errors: &'static [ResponseSpec]) -> OperationSpec {
    OperationSpec {
        id: "getSession",
        method: Method::Get,
        path: "/session/{sessionId}",
        parameters: &PARAMETERS,
        auth: Auth::SignedParameter("sessionId"),
        idempotency_key_field: None,
        body: None,
        success: response(Status::Code(200)),
        errors,
    }
}

#[test]
fn parameters_by_wire_name() {
    let op = operation(&ERRORS);
    assert_eq!(
        op.parameter("limit").map(|p| p.location),
        Some(Location::Query)
    );
    assert_eq!(
        op.parameter("sessionId").map(|p| p.location),
        Some(Location::Path)
    );
    assert!(op.parameter("Limit").is_none());
}

#[test]
fn the_error_for_a_status_is_the_exact_one_then_the_range_then_default() {
    let op = operation(&ERRORS);
    let schema = |status| op.error_for(status).and_then(|r| r.schema);
    assert_eq!(schema(404), Some("404"));
    assert_eq!(schema(400), Some("4XX"));
    assert_eq!(schema(499), Some("4XX"));
    assert_eq!(schema(503), Some("503"));
    assert_eq!(schema(500), Some("default"));
    assert_eq!(schema(302), Some("default"));
    // Without a default, nothing is declared for a status outside the others.
    assert_eq!(
        operation(&ERRORS[..3]).error_for(500).map(|r| r.status),
        None
    );
    assert_eq!(operation(&[]).error_for(404).map(|r| r.status), None);
}

#[test]
fn only_auth_none_is_unsigned() {
    assert!(Auth::SignedField("userId").is_signed());
    assert!(Auth::SignedParameter("sessionId").is_signed());
    assert!(!Auth::None.is_signed());
}

#[test]
fn locations_by_the_specs_word() {
    assert_eq!(Location::Path.as_str(), "path");
    assert_eq!(Location::Query.as_str(), "query");
    assert_eq!(Location::Header.as_str(), "header");
}

#[test]
fn parameter_kinds_accept_their_text() {
    use ParameterKind::*;
    let cases: &[(ParameterKind, &str, bool)] = &[
        (String, "", true),
        (String, "anything at all", true),
        (StringArray, "x", true),
        (Int32, "2147483647", true),
        (Int32, "2147483648", false),
        (Int32, "-1", true),
        (Int32, "1.0", false),
        (Int32, "+5", false),
        (Int32, "05", false),
        (Int32, "-0", false),
        (Int32, "0", true),
        (Int64, "-9223372036854775808", true),
        (Int64, "-09", false),
        (Int64, "9223372036854775807", true),
        (Int64, "9223372036854775808", false),
        (Int64, "", false),
        (Number, "1.5", true),
        (Number, "-3", true),
        (Number, "inf", false),
        (Number, "NaN", false),
        (Number, "x", false),
        (Boolean, "true", true),
        (Boolean, "false", true),
        (Boolean, "TRUE", false),
        (Boolean, "1", false),
    ];
    for (kind, text, accepted) in cases {
        assert_eq!(kind.accepts(text), *accepted, "{kind:?} {text:?}");
    }
    let described: Vec<&str> = [String, Int32, Int64, Number, Boolean, StringArray]
        .into_iter()
        .map(ParameterKind::describe)
        .collect();
    assert_eq!(
        described,
        [
            "text",
            "a whole number (32-bit), written without `+` and without leading zeros",
            "a whole number (64-bit), written without `+` and without leading zeros",
            "a finite number",
            "`true` or `false`",
            "a list of texts"
        ]
    );
}

#[test]
fn decode_checks_read_the_body_as_the_type() {
    let decoded = decode_as::<Vec<u8>>(b"[1, 2]").unwrap();
    assert_eq!(decoded.downcast_ref::<Vec<u8>>(), Some(&vec![1, 2]));
    assert!(decode_as::<Vec<u8>>(b"[1, 256]").is_err());
    assert!(decode_as::<Vec<u8>>(b"{").is_err());
}

static SHAPE: ObjectShape = ObjectShape {
    name: "Thing",
    properties: &[
        Property {
            name: "userId",
            field: "user_id",
            required: true,
            kind: Kind::String,
        },
        Property {
            name: "count",
            field: "count",
            required: false,
            kind: Kind::Int64,
        },
    ],
};

#[test]
fn shapes_find_properties_by_wire_name() {
    assert_eq!(SHAPE.property("userId").map(|p| p.field), Some("user_id"));
    assert_eq!(SHAPE.property("count").map(|p| p.field), Some("count"));
    assert!(SHAPE.property("user_id").is_none());
}

#[test]
fn kinds_describe_themselves() {
    let kinds = [
        Kind::String,
        Kind::Number,
        Kind::Int32,
        Kind::Int64,
        Kind::Boolean,
        Kind::Array(&Kind::Any),
        Kind::Object(&SHAPE),
        Kind::Map(&Kind::Any),
        Kind::Any,
    ];
    let described: Vec<&str> = kinds.iter().map(Kind::describe).collect();
    assert_eq!(
        described,
        [
            "a string",
            "a number",
            "a whole number (32-bit)",
            "a whole number (64-bit)",
            "true or false",
            "an array",
            "an object",
            "an object",
            "any value"
        ]
    );
}
