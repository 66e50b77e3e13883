//! Reading an embedded-session request from JSON text, with every problem reported at
//! once and pointing at its field (see `stablemint_wire::parse_request`, which does the
//! work for every operation, for the mock and the `stablemint` command too).

use stablemint_validate::ValidationErrors;
use stablemint_wire::{UnknownFields, parse_request};

use crate::types::EmbeddedSessionRequest;

/// Parses an embedded-session request from JSON and validates it, reporting every
/// problem as a [`ValidationError`](crate::ValidationError) with the JSON Pointer of its
/// field.
///
/// Codes: `json` (not JSON at all, at the pointer `""`), `duplicate` (a key given twice
/// in one object), `type` (the request is not an object, or a field has the wrong JSON
/// type), `required` (a required field is missing), `unknown` (a field the API does not
/// define: "did you mean `idempotencyKey`?"), past those the request's own rules (see
/// [`Validate`](crate::Validate)), and `idempotency_key` (a key that is empty, longer
/// than 255 characters or not printable ASCII). All problems are reported at once. Like
/// every validation error, the messages never repeat the offending value.
///
/// It is the check a call makes before it sends, and the check the mock makes on what
/// it receives: a request it accepts is one they accept.
///
/// ```
/// let errors = stablemint::request_from_json(
///     r#"{"userId": "u1", "userEmail": 7, "idempotencykey": "order-42"}"#,
/// )
/// .unwrap_err();
/// let found: Vec<_> = errors.iter().map(|e| (e.pointer(), e.code())).collect();
/// assert_eq!(
///     found,
///     [
///         ("/currency", "required"),
///         ("/idempotencykey", "unknown"),
///         ("/userCountryCode", "required"),
///         ("/userEmail", "type"),
///     ]
/// );
/// ```
pub fn request_from_json(json: &str) -> Result<EmbeddedSessionRequest, ValidationErrors> {
    parse_request(
        &stablemint_raw::operations::CREATE_EMBEDDED_SESSION,
        json,
        UnknownFields::Reject,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(json: &str) -> Vec<(String, &'static str, String)> {
        request_from_json(json)
            .unwrap_err()
            .iter()
            .map(|e| (e.pointer().to_owned(), e.code(), e.message().to_owned()))
            .collect()
    }

    fn found(json: &str) -> Vec<(String, &'static str)> {
        errors(json).into_iter().map(|(p, c, _)| (p, c)).collect()
    }

    fn pairs(expected: &[(&str, &'static str)]) -> Vec<(String, &'static str)> {
        expected
            .iter()
            .map(|(p, c)| ((*p).to_owned(), *c))
            .collect()
    }

    const VALID: &str =
        r#"{"userId": "u", "userEmail": "a@b.co", "userCountryCode": "DE", "currency": "EUR"}"#;

    #[test]
    fn a_valid_request_parses() {
        let request = request_from_json(
            r#"{"userId": "u", "userEmail": "a@b.co", "userCountryCode": "DE", "currency": "EUR", "amount": 12.5}"#,
        )
        .unwrap();
        assert_eq!(request.amount, Some(12.5));
        assert!(request_from_json(VALID).is_ok());
    }

    #[test]
    fn an_empty_object_reports_every_required_field() {
        assert_eq!(
            found("{}"),
            pairs(&[
                ("/currency", "required"),
                ("/userCountryCode", "required"),
                ("/userEmail", "required"),
                ("/userId", "required"),
            ])
        );
    }

    #[test]
    fn a_missing_field_does_not_hide_the_rules_of_the_others() {
        assert_eq!(
            found(r#"{"userId": "u", "userEmail": "nope", "currency": "EURO"}"#),
            pairs(&[
                ("/currency", "currency"),
                ("/userCountryCode", "required"),
                ("/userEmail", "email"),
            ])
        );
    }

    #[test]
    fn anything_but_an_object_is_refused() {
        for json in [
            r#"[null,"EUR",{},null,"DE","jane@example.com","u1",null,null]"#,
            "null",
            "7",
            r#""text""#,
        ] {
            assert_eq!(found(json), pairs(&[("", "type")]), "{json}");
        }
    }

    #[test]
    fn a_misspelled_field_is_named_with_the_right_spelling() {
        let e = errors(&VALID.replace('}', r#", "idempotencykey": "order-42"}"#));
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!((e[0].0.as_str(), e[0].1), ("/idempotencykey", "unknown"));
        assert!(
            e[0].2.contains("did you mean `idempotencyKey`?"),
            "{}",
            e[0].2
        );
        assert!(!e[0].2.contains("order-42"));

        let e = errors(&VALID.replace('}', r#", "userKyc": {"dateOfBrith": "1990-01-01"}}"#));
        assert_eq!(
            (e[0].0.as_str(), e[0].1),
            ("/userKyc/dateOfBrith", "unknown")
        );
        assert!(e[0].2.contains("did you mean `dateOfBirth`?"), "{}", e[0].2);

        let e = errors(&VALID.replace('}', r#", "zzz": 1}"#));
        assert!(
            e[0].2.contains("its fields are `userId`, `userEmail`"),
            "{}",
            e[0].2
        );
    }

    #[test]
    fn unknown_fields_can_be_ignored() {
        let json = VALID.replace('}', r#", "idempotencykey": "order-42"}"#);
        let request: EmbeddedSessionRequest =
            stablemint_wire::parse_json(&json, UnknownFields::Ignore).unwrap();
        assert_eq!(request.idempotency_key, None);
    }

    #[test]
    fn the_idempotency_key_and_duplicate_keys_are_checked_as_a_call_checks_them() {
        assert_eq!(
            found(&VALID.replace('}', r#", "idempotencyKey": ""}"#)),
            pairs(&[("/idempotencyKey", "idempotency_key")])
        );
        assert_eq!(
            found(&VALID.replace('}', r#", "userId": "v"}"#)),
            pairs(&[("/userId", "duplicate")])
        );
    }

    #[test]
    fn wrong_types_are_reported_with_the_rest_and_never_echo_the_value() {
        let e = errors(
            r#"{"userId": 5, "userEmail": "a@b.co", "userCountryCode": "de", "currency": "EUR",
                "amount": "secret-ish 12.5", "userKyc": {"dateOfBirth": 19900228}}"#,
        );
        let pointers: Vec<(&str, &str)> = e.iter().map(|(p, c, _)| (p.as_str(), *c)).collect();
        assert_eq!(
            pointers,
            [
                ("/amount", "type"),
                ("/userCountryCode", "alpha2"),
                ("/userId", "type"),
                ("/userKyc/dateOfBirth", "type"),
            ]
        );
        for (_, _, message) in &e {
            assert!(!message.contains("secret-ish"), "{message}");
            assert!(!message.contains("19900228"), "{message}");
        }
        assert_eq!(
            e[0].2,
            "must be a number, not a string; fix the value's type"
        );
        assert_eq!(
            e[3].2,
            "must be a string, not a whole number; fix the value's type"
        );
    }

    #[test]
    fn null_is_absent_for_optional_fields_and_wrong_for_required_ones() {
        assert!(request_from_json(&VALID.replace('}', r#", "amount": null}"#)).is_ok());
        let e = errors(
            r#"{"userId": null, "userEmail": "a@b.co", "userCountryCode": "DE", "currency": "EUR"}"#,
        );
        assert_eq!((e[0].0.as_str(), e[0].1), ("/userId", "type"));
        assert!(e[0].2.starts_with("must not be null"), "{}", e[0].2);
    }

    #[test]
    fn a_nested_object_of_the_wrong_type_is_one_error() {
        assert_eq!(
            found(&VALID.replace('}', r#", "userKyc": ["x"], "customFields": "text"}"#)),
            pairs(&[("/customFields", "type"), ("/userKyc", "type")])
        );
    }

    #[test]
    fn syntax_errors_and_trailing_garbage() {
        let trailing = format!("{VALID} x");
        for json in ["{", "not json", &trailing, ""] {
            assert_eq!(found(json), pairs(&[("", "json")]), "{json:?}");
        }
    }

    #[test]
    fn pointers_escape_tilde_and_slash() {
        let e = errors(&VALID.replace('}', r#", "a/b~c": 1}"#));
        assert_eq!(e[0].0, "/a~1b~0c");
    }
}
