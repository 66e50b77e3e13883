//! Reading a request from JSON text, with errors that point at the field.

use stablemint_validate::{Validate, ValidationError, ValidationErrors};

use crate::types::EmbeddedSessionRequest;

/// Parses a request from JSON and validates it, reporting every problem as a
/// [`ValidationError`] with the JSON Pointer of its field.
///
/// A missing required field has code `required`; a value of the wrong JSON type, code
/// `type`; text that is not JSON at all, code `json` at the pointer `""`. Past parsing,
/// the request's own rules apply (see [`Validate`]). Like every validation error, the
/// messages never repeat the offending value.
///
/// ```
/// let errors = stablemint::request_from_json(r#"{"userId": "u1", "userEmail": 7}"#).unwrap_err();
/// let first = errors.iter().next().unwrap();
/// assert_eq!((first.pointer(), first.code()), ("/userEmail", "type"));
/// ```
pub fn request_from_json(json: &str) -> Result<EmbeddedSessionRequest, ValidationErrors> {
    let single = |error| {
        let mut errors = ValidationErrors::new();
        errors.push(error);
        errors
    };
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let request: EmbeddedSessionRequest = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| single(to_validation_error(&error)))?;
    deserializer
        .end()
        .map_err(|error| single(syntax_error(&error)))?;
    request.validate()?;
    Ok(request)
}

fn to_validation_error(error: &serde_path_to_error::Error<serde_json::Error>) -> ValidationError {
    use serde_path_to_error::Segment;

    let mut pointer = String::new();
    for segment in error.path().iter() {
        pointer.push('/');
        match segment {
            Segment::Seq { index } => pointer.push_str(&index.to_string()),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Unknown => pointer.push('-'),
        }
    }
    let inner = error.inner();
    if !inner.is_data() {
        return syntax_error(inner);
    }
    let message = inner.to_string();
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        pointer.push('/');
        pointer.push_str(field);
        return ValidationError::new(pointer, "required", "a required field is missing; add it");
    }
    ValidationError::new(
        pointer,
        "type",
        format!("{}; fix the value's type", redact(&message)),
    )
}

fn syntax_error(error: &serde_json::Error) -> ValidationError {
    let what = if error.is_eof() {
        "the JSON ends too early"
    } else {
        "not valid JSON"
    };
    ValidationError::new(
        "",
        "json",
        format!(
            "{what} at line {} column {}; fix the syntax",
            error.line(),
            error.column()
        ),
    )
}

/// serde's message without the value it quotes: "invalid type: string \"x\", expected
/// f64" becomes "invalid type: string, expected f64".
fn redact(message: &str) -> String {
    let message = message.split(" at line ").next().unwrap_or(message);
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let kind = rest.split([' ', ',']).next().unwrap_or("value");
            let expected = rest
                .split_once(", expected ")
                .map(|(_, e)| format!(", expected {e}"))
                .unwrap_or_default();
            return format!("{prefix}{kind}{expected}");
        }
    }
    if message.starts_with("invalid length") || message.starts_with("unknown variant") {
        return message.split(',').next().unwrap_or(message).to_owned();
    }
    message.to_owned()
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

    #[test]
    fn missing_required_field() {
        let e = errors(r#"{"userId": "u", "userEmail": "a@b.co", "currency": "EUR"}"#);
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].0.as_str(), e[0].1), ("/userCountryCode", "required"));
    }

    #[test]
    fn wrong_type_in_a_nested_field_hides_the_value() {
        let e = errors(
            r#"{"userId": "u", "userEmail": "a@b.co", "userCountryCode": "DE",
                "currency": "EUR", "userKyc": {"dateOfBirth": 19900228}}"#,
        );
        assert_eq!((e[0].0.as_str(), e[0].1), ("/userKyc/dateOfBirth", "type"));
        assert!(!e[0].2.contains("19900228"), "{}", e[0].2);
        assert!(e[0].2.contains("invalid type: integer"), "{}", e[0].2);
    }

    #[test]
    fn a_string_value_is_not_echoed() {
        let e = errors(
            r#"{"userId": "u", "userEmail": "a@b.co", "userCountryCode": "DE", "currency": "EUR", "amount": "secret-ish 12.5"}"#,
        );
        assert_eq!((e[0].0.as_str(), e[0].1), ("/amount", "type"));
        assert!(!e[0].2.contains("secret-ish"), "{}", e[0].2);
    }

    #[test]
    fn syntax_errors_and_trailing_garbage() {
        let trailing = r#"{"userId": "u", "userEmail": "a@b.co", "userCountryCode": "DE", "currency": "EUR"} x"#;
        for json in ["{", "not json", trailing, ""] {
            let e = errors(json);
            assert_eq!((e[0].0.as_str(), e[0].1), ("", "json"), "{json:?}");
        }
    }

    #[test]
    fn rules_apply_after_parsing() {
        let e = errors(
            r#"{"userId": "u", "userEmail": "nope", "userCountryCode": "DE", "currency": "EUR"}"#,
        );
        assert_eq!((e[0].0.as_str(), e[0].1), ("/userEmail", "email"));
    }

    #[test]
    fn a_valid_request_parses() {
        let request = request_from_json(
            r#"{"userId": "u", "userEmail": "a@b.co", "userCountryCode": "DE", "currency": "EUR", "amount": 12.5}"#,
        )
        .unwrap();
        assert_eq!(request.amount, Some(12.5));
    }
}
