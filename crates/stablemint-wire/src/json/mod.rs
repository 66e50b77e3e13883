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
//!
//! Here: the entry points and the order of the steps. The text is read in `read.rs`; a
//! value is checked against its shape and repaired in `repair.rs`; the did-you-mean hint
//! is `hint.rs`; serde's own errors, without the values they quote, are
//! `serde_errors.rs`.

mod hint;
mod read;
mod repair;
mod serde_errors;

use serde::de::DeserializeOwned;
use serde_json::Value;
use stablemint_validate::{Validate, ValidationError, ValidationErrors};

use crate::shape::{Kind, WireShape};

pub use hint::closest;
pub use read::read_json;

use repair::{Found, fits};
use serde_errors::serde_error;

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

/// Parses a generated request type from JSON and validates it, reporting every problem
/// as a [`ValidationError`] with the JSON Pointer of its field.
///
/// Codes: `json` (not JSON at all, at the pointer `""`), `duplicate` (an object key given
/// twice, see [`read_json`]), `type` (the request is not an object, or a field has the
/// wrong JSON type), `required` (a required field is missing), `unknown` (a field the
/// API does not define, with [`UnknownFields::Reject`]: "did you mean
/// `idempotencyKey`?"), and past those the request's own rules (see [`Validate`]). All
/// problems are reported at once, sorted by pointer. Like every validation error, the
/// messages never repeat the offending value.
///
/// This reads the type alone; [`parse_request`](crate::parse_request) also checks what
/// the operation adds (its idempotency key).
pub fn parse_json<T>(json: &str, unknown: UnknownFields) -> Result<T, ValidationErrors>
where
    T: DeserializeOwned + Validate + WireShape,
{
    from_value(&read_json(json)?, unknown)
}

/// Checks that `value` is a valid request of type `T`, as [`parse_json`] reads it, and
/// drops the result: the [`BodyCheck`](crate::BodyCheck) of an operation whose body is a
/// `T`, as a plain function pointer per type.
pub fn check_value<T>(value: &Value, unknown: UnknownFields) -> Result<(), ValidationErrors>
where
    T: DeserializeOwned + Validate + WireShape,
{
    from_value::<T>(value, unknown).map(drop)
}

/// Reads a `T` out of `value`, reporting every problem (see [`parse_json`]).
pub(crate) fn from_value<T>(value: &Value, unknown: UnknownFields) -> Result<T, ValidationErrors>
where
    T: DeserializeOwned + Validate + WireShape,
{
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
    let mut found = Found {
        errors: Vec::new(),
        repaired: Vec::new(),
        unknown,
    };
    // Most requests fit their shape and are read as they are; only one that does not
    // is copied, to be repaired so that the rest of it can still be checked.
    let repaired;
    let value = if fits(value, &Kind::Object(T::SHAPE), unknown) {
        value
    } else {
        let mut copy = value.clone();
        found.object(&mut copy, T::SHAPE, &mut String::new());
        repaired = copy;
        &repaired
    };
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

/// One error, as [`ValidationErrors`].
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_a_pointer() {
        assert!(is_within("/userKyc/dateOfBirth", "/userKyc"));
        assert!(is_within("/userKyc", "/userKyc"));
        assert!(!is_within("/userKycX", "/userKyc"));
    }
}
