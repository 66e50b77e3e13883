//! Reading a request from JSON text, with every problem reported at once and pointing at
//! its field.
//!
//! serde alone stops at the first problem and silently ignores properties it does not
//! know (a misspelled `idempotencykey` would be dropped, and a retried request would
//! create a second session). So the text is first checked against the type's shape from
//! the spec ([`WireShape`]): it must be a JSON object, every required property present,
//! every property of the right JSON type, and (unless allowed) no unknown property. The
//! problems found are set aside, the value is repaired so that it can be read, and the
//! request's own rules ([`Validate`]) are checked too, except on the repaired fields.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use stablemint_raw::shape::{Kind, ObjectShape, WireShape};
use stablemint_validate::{Validate, ValidationError, ValidationErrors, push_token};

use crate::types::EmbeddedSessionRequest;

/// What to do with a property the spec does not define.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum UnknownFields {
    /// Report it, with code `unknown` and a hint drawn from the wire names. The default:
    /// a misspelled field would otherwise be silently dropped.
    #[default]
    Reject,
    /// Leave it out, as serde does.
    Ignore,
}

/// Parses an embedded-session request from JSON and validates it, reporting every
/// problem as a [`ValidationError`] with the JSON Pointer of its field.
///
/// Codes: `json` (not JSON at all, at the pointer `""`), `type` (the request is not an
/// object, or a field has the wrong JSON type), `required` (a required field is
/// missing), `unknown` (a field the API does not define: "did you mean
/// `idempotencyKey`?"), and past those the request's own rules (see [`Validate`]). All
/// problems are reported at once. Like every validation error, the messages never
/// repeat the offending value.
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
    parse_json(json, UnknownFields::Reject)
}

/// Parses any generated request type from JSON and validates it, as
/// [`request_from_json`] does for the embedded-session request.
pub fn parse_json<T>(json: &str, unknown: UnknownFields) -> Result<T, ValidationErrors>
where
    T: DeserializeOwned + Validate + WireShape,
{
    let mut value: Value = serde_json::from_str(json).map_err(|e| single(syntax_error(&e)))?;
    let mut found = Found {
        errors: Vec::new(),
        repaired: Vec::new(),
        unknown,
    };
    if !value.is_object() {
        return Err(single(ValidationError::new(
            "",
            "type",
            format!(
                "the request must be a JSON object with the fields of {}",
                T::SHAPE.name
            ),
        )));
    }
    found.object(&mut value, T::SHAPE, &mut String::new());
    let request: T = match serde_path_to_error::deserialize(value) {
        Ok(request) => request,
        Err(error) => {
            // The shape did not cover this (an enum value, a number out of range):
            // report it with the rest.
            found.errors.push(serde_error(&error));
            return Err(collect(found.errors));
        }
    };
    if let Err(errors) = request.validate() {
        for error in errors {
            if !found.repaired.iter().any(|r| is_within(error.pointer(), r)) {
                found.errors.push(error);
            }
        }
    }
    if found.errors.is_empty() {
        Ok(request)
    } else {
        Err(collect(found.errors))
    }
}

fn single(error: ValidationError) -> ValidationErrors {
    collect(vec![error])
}

/// The errors sorted by pointer, as [`Validate`] orders its own.
fn collect(mut errors: Vec<ValidationError>) -> ValidationErrors {
    errors.sort_by(|a, b| a.pointer().cmp(b.pointer()));
    let mut out = ValidationErrors::new();
    for error in errors {
        out.push(error);
    }
    out
}

/// Whether `pointer` is `prefix` or inside it.
fn is_within(pointer: &str, prefix: &str) -> bool {
    pointer == prefix
        || pointer
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The problems found so far, and the pointers whose values were replaced or removed.
struct Found {
    errors: Vec<ValidationError>,
    repaired: Vec<String>,
    unknown: UnknownFields,
}

impl Found {
    /// Checks an object against `shape`, repairing it in place.
    fn object(&mut self, value: &mut Value, shape: &'static ObjectShape, at: &mut String) {
        let Value::Object(map) = value else {
            return;
        };
        let unknown: Vec<String> = map
            .keys()
            .filter(|key| shape.property(key).is_none())
            .cloned()
            .collect();
        for key in unknown {
            map.remove(&key);
            if self.unknown == UnknownFields::Reject {
                let pointer = child(at, &key);
                self.errors.push(ValidationError::new(
                    pointer.clone(),
                    "unknown",
                    unknown_message(&key, shape),
                ));
                self.repaired.push(pointer);
            }
        }
        for property in shape.properties {
            let len = at.len();
            push_token(at, property.name);
            match map.get_mut(property.name) {
                None if property.required => {
                    self.errors.push(ValidationError::new(
                        at.clone(),
                        "required",
                        "a required field is missing; add it",
                    ));
                    self.repaired.push(at.clone());
                    map.insert(property.name.to_owned(), placeholder(&property.kind));
                }
                None => {}
                Some(Value::Null) if !property.required => {}
                Some(slot) => {
                    let fits = self.value(slot, &property.kind, at);
                    match (fits, property.required) {
                        (true, _) => {}
                        (false, true) => *slot = placeholder(&property.kind),
                        (false, false) => {
                            map.remove(property.name);
                        }
                    }
                }
            }
            at.truncate(len);
        }
    }

    /// Checks one value; false (with the error recorded) when its JSON type is wrong,
    /// so that the caller replaces or removes it.
    fn value(&mut self, value: &mut Value, kind: &'static Kind, at: &mut String) -> bool {
        let fits = match (kind, &*value) {
            (Kind::Any, _) => true,
            (Kind::String, Value::String(_)) => true,
            (Kind::Number, Value::Number(_)) => true,
            (Kind::Int32, Value::Number(n)) => n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
            (Kind::Int64, Value::Number(n)) => n.is_i64(),
            (Kind::Boolean, Value::Bool(_)) => true,
            (Kind::Array(_), Value::Array(_)) => true,
            (Kind::Object(_) | Kind::Map(_), Value::Object(_)) => true,
            _ => false,
        };
        if !fits {
            let what = if value.is_null() {
                format!("must not be null: give {}", kind.describe())
            } else {
                format!(
                    "must be {}, not {}; fix the value's type",
                    kind.describe(),
                    json_type(value)
                )
            };
            self.errors
                .push(ValidationError::new(at.clone(), "type", what));
            self.repaired.push(at.clone());
            return false;
        }
        match (kind, value) {
            (Kind::Object(shape), value) => self.object(value, shape, at),
            (Kind::Array(items), Value::Array(values)) => {
                for (index, item) in values.iter_mut().enumerate() {
                    let len = at.len();
                    at.push('/');
                    at.push_str(&index.to_string());
                    if !self.value(item, items, at) {
                        *item = placeholder(items);
                    }
                    at.truncate(len);
                }
            }
            (Kind::Map(values), Value::Object(map)) => {
                for (key, item) in map.iter_mut() {
                    let len = at.len();
                    push_token(at, key);
                    if !self.value(item, values, at) {
                        *item = placeholder(values);
                    }
                    at.truncate(len);
                }
            }
            _ => {}
        }
        true
    }
}

/// A value of the right JSON type, put where a value was missing or wrong so that the
/// rest of the request can still be read and checked.
fn placeholder(kind: &Kind) -> Value {
    match kind {
        Kind::String => Value::String(String::new()),
        Kind::Number | Kind::Int32 | Kind::Int64 => Value::from(1),
        Kind::Boolean => Value::Bool(false),
        Kind::Array(_) => Value::Array(Vec::new()),
        Kind::Map(_) => Value::Object(Map::new()),
        Kind::Object(shape) => {
            let mut map = Map::new();
            for property in shape.properties.iter().filter(|p| p.required) {
                map.insert(property.name.to_owned(), placeholder(&property.kind));
            }
            Value::Object(map)
        }
        Kind::Any => Value::Null,
        _ => Value::Null,
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "a whole number",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn child(at: &str, key: &str) -> String {
    let mut pointer = at.to_owned();
    push_token(&mut pointer, key);
    pointer
}

/// "is not a field of X; did you mean `y`?", or the list of fields when none is close.
fn unknown_message(key: &str, shape: &ObjectShape) -> String {
    match closest(key, shape) {
        Some(name) => format!(
            "is not a field of {}; did you mean `{name}`? (nothing was sent)",
            shape.name
        ),
        None => {
            let names: Vec<String> = shape
                .properties
                .iter()
                .map(|p| format!("`{}`", p.name))
                .collect();
            format!(
                "is not a field of {}; its fields are {}",
                shape.name,
                names.join(", ")
            )
        }
    }
}

/// The wire name closest to `key`: the same letters in another case, or within a small
/// edit distance.
fn closest(key: &str, shape: &ObjectShape) -> Option<&'static str> {
    let lower = key.to_lowercase();
    if let Some(p) = shape
        .properties
        .iter()
        .find(|p| p.name.to_lowercase() == lower)
    {
        return Some(p.name);
    }
    let allowed = (key.chars().count() / 4).clamp(1, 3);
    shape
        .properties
        .iter()
        .map(|p| (edit_distance(&lower, &p.name.to_lowercase()), p.name))
        .filter(|(distance, _)| *distance <= allowed)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

/// Levenshtein distance, counting an exchange of two neighbours as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Long keys are never close to a wire name; this also bounds the work.
    if a.len().abs_diff(b.len()) > 3 || a.len() > 64 {
        return usize::MAX;
    }
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

/// An error serde found that the shape did not, at its pointer, without the value.
fn serde_error(error: &serde_path_to_error::Error<serde_json::Error>) -> ValidationError {
    use serde_path_to_error::Segment;

    let mut pointer = String::new();
    for segment in error.path().iter() {
        match segment {
            Segment::Seq { index } => {
                pointer.push('/');
                pointer.push_str(&index.to_string());
            }
            Segment::Map { key } | Segment::Enum { variant: key } => push_token(&mut pointer, key),
            Segment::Unknown => pointer.push_str("/-"),
        }
    }
    ValidationError::new(
        pointer,
        "type",
        format!("{}; fix the value", redact(&error.inner().to_string())),
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

/// serde's message without the value it quotes: "invalid value: string \"x\", expected
/// one of ..." becomes "invalid value: string, expected one of ...".
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
        let request: EmbeddedSessionRequest = parse_json(&json, UnknownFields::Ignore).unwrap();
        assert_eq!(request.idempotency_key, None);
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

    #[test]
    fn edit_distance_counts_swaps_as_one() {
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("abc", "acb"), 1);
        assert_eq!(edit_distance("currency", "curency"), 1);
        assert_eq!(edit_distance("a", "abcdef"), usize::MAX);
    }

    #[test]
    fn within_a_pointer() {
        assert!(is_within("/userKyc/dateOfBirth", "/userKyc"));
        assert!(is_within("/userKyc", "/userKyc"));
        assert!(!is_within("/userKycX", "/userKyc"));
    }
}
