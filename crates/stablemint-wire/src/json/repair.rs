//! A value checked against its type's shape ([`Kind`], [`ObjectShape`]): whether it fits
//! with nothing to report, and, when it does not, every problem found (`type`,
//! `required`, `unknown`) and the value repaired so that the rest can still be read.

use serde_json::{Map, Value};
use stablemint_validate::{ValidationError, push_token};

use super::UnknownFields;
use super::hint::closest;
use crate::shape::{Kind, ObjectShape};

/// Whether `value` fits `kind` with nothing to report: what [`Found`] would find no
/// fault with.
pub(super) fn fits(value: &Value, kind: &Kind, unknown: UnknownFields) -> bool {
    if !is_of_kind(value, kind) {
        return false;
    }
    match (kind, value) {
        (Kind::Array(items), Value::Array(values)) => {
            values.iter().all(|item| fits(item, items, unknown))
        }
        (Kind::Map(values), Value::Object(map)) => {
            map.values().all(|item| fits(item, values, unknown))
        }
        (Kind::Object(shape), Value::Object(map)) => {
            let known = unknown == UnknownFields::Ignore
                || map.keys().all(|key| shape.property(key).is_some());
            known
                && shape
                    .properties
                    .iter()
                    .all(|property| match map.get(property.name) {
                        None => !property.required,
                        Some(Value::Null) if !property.required => true,
                        Some(item) => fits(item, &property.kind, unknown),
                    })
        }
        _ => true,
    }
}

/// Whether `value` is of the JSON type `kind` takes (its items and properties aside).
fn is_of_kind(value: &Value, kind: &Kind) -> bool {
    match (kind, value) {
        (Kind::Any, _) => true,
        (Kind::String, Value::String(_)) => true,
        (Kind::Number, Value::Number(_)) => true,
        (Kind::Int32, Value::Number(n)) => n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        (Kind::Int64, Value::Number(n)) => n.is_i64(),
        (Kind::Boolean, Value::Bool(_)) => true,
        (Kind::Array(_), Value::Array(_)) => true,
        (Kind::Object(_) | Kind::Map(_), Value::Object(_)) => true,
        _ => false,
    }
}

/// The problems found so far, and the pointers whose values were replaced or removed.
pub(super) struct Found {
    /// The problems, in the order found.
    pub(super) errors: Vec<ValidationError>,
    /// The pointers of the values replaced or removed: the request's own rules are not
    /// checked there.
    pub(super) repaired: Vec<String>,
    /// What to do with a property the shape does not define.
    pub(super) unknown: UnknownFields,
}

impl Found {
    /// Checks an object against `shape`, repairing it in place.
    pub(super) fn object(
        &mut self,
        value: &mut Value,
        shape: &'static ObjectShape,
        at: &mut String,
    ) {
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
        if !is_of_kind(value, kind) {
            let what = if value.is_null() {
                format!("must not be null: give {}", kind.describe())
            } else if matches!(kind, Kind::Int32 | Kind::Int64)
                && value.as_number().is_some_and(|n| n.is_i64() || n.is_u64())
            {
                format!("must be {}: this one is out of range", kind.describe())
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
    }
}

/// What `value` is, for a message: "a string", "a whole number".
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

/// The pointer of `key` inside the object at `at`.
fn child(at: &str, key: &str) -> String {
    let mut pointer = at.to_owned();
    push_token(&mut pointer, key);
    pointer
}

/// "is not a field of X; did you mean `y`?", or the list of fields when none is close.
fn unknown_message(key: &str, shape: &ObjectShape) -> String {
    let names = || shape.properties.iter().map(|p| p.name);
    match closest(key, names()) {
        Some(name) => format!(
            "is not a field of {}; did you mean `{name}`? (nothing was sent)",
            shape.name
        ),
        None => {
            let listed: Vec<String> = names().map(|name| format!("`{name}`")).collect();
            format!(
                "is not a field of {}; its fields are {}",
                shape.name,
                listed.join(", ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_types_for_messages() {
        assert_eq!(json_type(&Value::from(u64::MAX)), "a whole number");
        assert_eq!(json_type(&Value::from(-1)), "a whole number");
        assert_eq!(json_type(&Value::from(1.5)), "a number");
    }
}
