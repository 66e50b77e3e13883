//! What validation reports: [`Invalid`] from one rule, [`ValidationError`] once it has a
//! location, and [`ValidationErrors`] for a whole value.
//!
//! None of these types ever hold the offending value: e-mail addresses and dates of birth
//! are personal data, and errors end up in logs.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

use crate::Path;

/// What a rule reports: a stable code and a message saying how to fix the value.
///
/// It never contains the offending value.
///
/// ```
/// use stablemint_validate::rules;
///
/// let invalid = rules::alpha2("UK").unwrap_err();
/// assert_eq!(invalid.code(), "alpha2");
/// assert_eq!(invalid.message(), "not an ISO 3166-1 alpha-2 code: use GB for the United Kingdom");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    code: &'static str,
    message: Cow<'static, str>,
}

impl Invalid {
    /// A failure with a stable machine-readable `code` (such as `"email"`) and a message
    /// for people. The message must not repeat the value that failed.
    pub fn new(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// The stable code of the rule that failed, e.g. `"alpha2"`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// How to fix the value.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// `"{message} ({code})"`.
impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for Invalid {}

/// One failed rule at one place in the value: an RFC 6901 JSON Pointer built from the
/// wire (JSON) names, the rule's code and its message.
///
/// Serializes as `{"pointer": ..., "code": ..., "message": ...}` and displays as
/// `"{pointer}: {message} ({code})"`, e.g.
/// `/userKyc/dateOfBirth: not a calendar date in YYYY-MM-DD form (date)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidationError {
    pointer: String,
    code: &'static str,
    message: Cow<'static, str>,
}

impl ValidationError {
    /// An error at `pointer` (an RFC 6901 JSON Pointer such as `"/userEmail"`).
    pub fn new(
        pointer: impl Into<String>,
        code: &'static str,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            pointer: pointer.into(),
            code,
            message: message.into(),
        }
    }

    /// The error `invalid` at `pointer`, for values checked outside a derived type (a
    /// parameter, a field read by hand).
    pub fn from_invalid(pointer: impl Into<String>, invalid: Invalid) -> Self {
        Self {
            pointer: pointer.into(),
            code: invalid.code,
            message: invalid.message,
        }
    }

    /// The error `invalid` at `path`. This is where the pointer is rendered, so paths
    /// cost nothing while everything is valid.
    pub fn at(path: &Path<'_>, invalid: Invalid) -> Self {
        Self {
            pointer: path.to_pointer(),
            code: invalid.code,
            message: invalid.message,
        }
    }

    /// The RFC 6901 JSON Pointer of the offending field; `""` is the whole value.
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// The stable code of the rule that failed, e.g. `"date"`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// How to fix the value.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// `"{pointer}: {message} ({code})"`.
impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.pointer, self.message, self.code)
    }
}

impl std::error::Error for ValidationError {}

/// Every error found in one value, in the order the fields were checked.
///
/// Serializes as a JSON list of [`ValidationError`]s and displays one error per line.
/// Creating it does not allocate; only the first pushed error does.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ValidationErrors {
    errors: Vec<ValidationError>,
}

impl ValidationErrors {
    /// No errors yet (and no allocation).
    pub fn new() -> Self {
        Self { errors: Vec::new() }
    }

    /// Adds `error`.
    pub fn push(&mut self, error: ValidationError) {
        self.errors.push(error);
    }

    /// How many errors there are.
    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The errors in the order they were found.
    pub fn iter(&self) -> std::slice::Iter<'_, ValidationError> {
        self.errors.iter()
    }

    /// Orders the errors by their JSON Pointer (a stable sort: errors at one pointer
    /// keep their order), so that errors found by different checks of one request read
    /// the same however they were found.
    pub fn sort_by_pointer(&mut self) {
        self.errors.sort_by(|a, b| a.pointer.cmp(&b.pointer));
    }

    /// `Ok(())` when there are no errors, else `Err(self)`.
    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

impl IntoIterator for ValidationErrors {
    type Item = ValidationError;
    type IntoIter = std::vec::IntoIter<ValidationError>;

    fn into_iter(self) -> Self::IntoIter {
        self.errors.into_iter()
    }
}

impl Extend<ValidationError> for ValidationErrors {
    fn extend<I: IntoIterator<Item = ValidationError>>(&mut self, errors: I) {
        self.errors.extend(errors);
    }
}

impl FromIterator<ValidationError> for ValidationErrors {
    fn from_iter<I: IntoIterator<Item = ValidationError>>(errors: I) -> Self {
        Self {
            errors: errors.into_iter().collect(),
        }
    }
}

impl<'a> IntoIterator for &'a ValidationErrors {
    type Item = &'a ValidationError;
    type IntoIter = std::slice::Iter<'a, ValidationError>;

    fn into_iter(self) -> Self::IntoIter {
        self.errors.iter()
    }
}

/// One error per line, joined by `\n` (no trailing newline).
impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.errors.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            fmt::Display::fmt(error, f)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_pointer_message_code() {
        let error = ValidationError::new("/userKyc/dateOfBirth", "date", "not a calendar date");
        assert_eq!(
            error.to_string(),
            "/userKyc/dateOfBirth: not a calendar date (date)"
        );
        assert_eq!(error.pointer(), "/userKyc/dateOfBirth");
        assert_eq!(error.code(), "date");
        assert_eq!(error.message(), "not a calendar date");
    }

    #[test]
    fn errors_display_one_per_line_and_serialize_as_a_list() {
        let mut errors = ValidationErrors::new();
        assert!(errors.is_empty());
        errors.push(ValidationError::new("/a", "email", "m1"));
        errors.push(ValidationError::at(
            &Path::root().field("b"),
            Invalid::new("date", "m2"),
        ));
        assert_eq!(errors.len(), 2);
        assert_eq!(errors.to_string(), "/a: m1 (email)\n/b: m2 (date)");
        let pointers: Vec<&str> = errors.iter().map(ValidationError::pointer).collect();
        assert_eq!(pointers, ["/a", "/b"]);
        let owned: Vec<ValidationError> = errors.clone().into_iter().collect();
        assert_eq!(owned.len(), 2);
        assert_eq!((&errors).into_iter().count(), 2);
        assert!(errors.into_result().is_err());
        assert_eq!(ValidationErrors::new().into_result(), Ok(()));
    }

    #[test]
    fn invalid_keeps_code_and_message() {
        let invalid = Invalid::new("currency", String::from("owned message"));
        assert_eq!(invalid.code(), "currency");
        assert_eq!(invalid.message(), "owned message");
        assert_eq!(invalid.to_string(), "owned message (currency)");
    }
}
