//! The one check of a request: what `stablemint::Client` runs before it sends, what the
//! `stablemint validate` command runs on a file, and what the mock runs on what it
//! receives. Each side calls these functions, so that the three can never disagree.
//!
//! - A body given as JSON: [`OperationSpec::check_body`] (a parsed value) and
//!   [`parse_request`] (text, to a typed request): the JSON shape, the fields' rules and
//!   the idempotency key.
//! - A typed body: its `Validate` impl and [`OperationSpec::check_idempotency_key`].
//! - Parameters: [`ParameterCheck`], one call per parameter with its texts as sent (or
//!   as received), then [`ParameterCheck::check_url`] for the length of the URL.

use serde::de::DeserializeOwned;
use serde_json::Value;
use stablemint_validate::{Validate, ValidationError, ValidationErrors, push_token};

use crate::json::{from_value, read_json};
use crate::shape::WireShape;
use crate::{Location, OperationSpec, ParameterKind, ParameterSpec, UnknownFields};

/// The longest URL a request may have: 65,534 bytes, the limit of the `http` crate's
/// `Uri`, which reqwest builds every request with (a longer one fails to build), and of
/// hyper's request target (which the mock is built on, and which answers `414 URI Too
/// Long` past it). A request that would be longer is refused before it is sent, naming
/// the parameter that takes the most of it.
pub const MAX_URL_BYTES: usize = 65_534;

/// The longest value a header parameter may have: 8,192 bytes, the line limit of
/// common servers and proxies (nginx's `large_client_header_buffers`); longer headers
/// are refused by the other side with a `431` or a `400` that names no field.
pub const MAX_HEADER_VALUE_BYTES: usize = 8 * 1024;

impl OperationSpec {
    /// Checks a JSON request body (already read, see [`read_json`](crate::read_json))
    /// against the operation: its shape, its fields' rules, and the idempotency key,
    /// every problem at once and sorted by pointer. An operation without a body takes
    /// any body as none.
    pub fn check_body(&self, body: &Value, unknown: UnknownFields) -> Result<(), ValidationErrors> {
        let Some(spec) = &self.body else {
            return Ok(());
        };
        let mut errors = match (spec.check)(body, unknown) {
            Ok(()) => ValidationErrors::new(),
            Err(errors) => errors,
        };
        self.check_idempotency_key(self.json_key(body), &mut errors);
        errors.sort_by_pointer();
        errors.into_result()
    }

    /// Adds to `errors` what is wrong with `key`, the idempotency key a request carries
    /// (see [`check_idempotency_key`](crate::check_idempotency_key)), at the pointer of
    /// the operation's key field. Nothing for an operation without one, or no key.
    pub fn check_idempotency_key(&self, key: Option<&str>, errors: &mut ValidationErrors) {
        let (Some(field), Some(key)) = (self.idempotency_key_field, key) else {
            return;
        };
        if let Err(invalid) = crate::check_idempotency_key(key) {
            let mut pointer = String::new();
            push_token(&mut pointer, field);
            errors.push(ValidationError::from_invalid(pointer, invalid));
        }
    }

    /// The idempotency key of a JSON body: its key field, when that is a string.
    pub fn json_key<'v>(&self, body: &'v Value) -> Option<&'v str> {
        body.get(self.idempotency_key_field?)?.as_str()
    }
}

/// Reads the request body of `operation` from JSON text as its generated type `T` and
/// checks it as [`OperationSpec::check_body`] does (duplicate keys and syntax first, as
/// [`read_json`](crate::read_json) reports them): the check `stablemint validate` and
/// `stablemint::request_from_json` make, which is the mock's.
pub fn parse_request<T>(
    operation: &OperationSpec,
    json: &str,
    unknown: UnknownFields,
) -> Result<T, ValidationErrors>
where
    T: DeserializeOwned + Validate + WireShape,
{
    let value = read_json(json)?;
    let (request, mut errors) = match from_value::<T>(&value, unknown) {
        Ok(request) => (Some(request), ValidationErrors::new()),
        Err(errors) => (None, errors),
    };
    operation.check_idempotency_key(operation.json_key(&value), &mut errors);
    errors.sort_by_pointer();
    match (request, errors.into_result()) {
        (Some(request), Ok(())) => Ok(request),
        (_, Err(errors)) => Err(errors),
        // `from_value` reports every failure it has, so no request means errors.
        (None, Ok(())) => Err(ValidationErrors::new()),
    }
}

/// Checks the parameters of one request, each with its texts as they are sent (the
/// client) or were received and decoded (a server), adding every problem to an error
/// list at the pointer `/<name>` (`/<name>/<index>` for an item of a list).
///
/// Each text must be of the parameter's kind (whole numbers written canonically: no
/// `+`, no leading zero) and pass the rule of its `format`; a required parameter must be
/// given, and only a list more than once. Beyond the spec, what would not reach the
/// server as it was given is refused:
///
/// - a path parameter may not be empty, `.` or `..` (code `path_segment`): a URL parser
///   would drop or resolve the segment and the request would go to another path;
/// - a header parameter may hold only visible ASCII and spaces, with no space at either
///   end, and at most [`MAX_HEADER_VALUE_BYTES`] (code `header_text`, `too_long`): a
///   line break would end the header, and HTTP trims or refuses the rest;
/// - the whole URL may not pass [`MAX_URL_BYTES`] (code `too_long`, at the parameter
///   that takes the most of it; see [`check_url`](Self::check_url)).
///
/// ```
/// use stablemint_validate::ValidationErrors;
/// use stablemint_wire::{Location, ParameterCheck, ParameterKind, ParameterSpec};
///
/// static SESSION_ID: ParameterSpec = ParameterSpec {
///     name: "sessionId",
///     location: Location::Path,
///     required: true,
///     kind: ParameterKind::String,
///     rule: None,
/// };
/// let mut errors = ValidationErrors::new();
/// let mut check = ParameterCheck::new(&mut errors);
/// check.given(&SESSION_ID, ["s-1"]);
/// check.given(&SESSION_ID, [".."]);
/// assert_eq!(errors.iter().map(|e| (e.pointer(), e.code())).collect::<Vec<_>>(),
///            [("/sessionId", "path_segment")]);
/// ```
#[derive(Debug)]
pub struct ParameterCheck<'e> {
    errors: &'e mut ValidationErrors,
    /// The bytes the path and query parameters take in the URL, encoded.
    target: usize,
    /// The parameter that takes the most of them, and how many.
    largest: Option<(&'static str, usize)>,
}

impl<'e> ParameterCheck<'e> {
    /// A check that adds its problems to `errors`.
    pub fn new(errors: &'e mut ValidationErrors) -> Self {
        Self {
            errors,
            target: 0,
            largest: None,
        }
    }

    /// Checks parameter `spec` given with `texts` (none when it is absent; one per item
    /// for a list). Returns whether it passed.
    pub fn given<I>(&mut self, spec: &'static ParameterSpec, texts: I) -> bool
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let list = spec.kind == ParameterKind::StringArray;
        let location = spec.location.as_str();
        let mut count = 0;
        let mut passed = true;
        let mut encoded = 0;
        for text in texts {
            let text = text.as_ref();
            count += 1;
            if count == 2 && !list {
                self.push(
                    spec.name,
                    None,
                    "type",
                    format!("the {location} parameter is given more than once; send it once"),
                );
                return false;
            }
            let index = list.then_some(count - 1);
            encoded += match spec.location {
                Location::Path => crate::encoded_path_len(text),
                // `name=value`, and a `?` or `&` before it.
                Location::Query => {
                    crate::encoded_query_len(spec.name) + 2 + crate::encoded_query_len(text)
                }
                Location::Header => 0,
            };
            if let Some((code, message)) = self.problem(spec, text) {
                self.push(spec.name, index, code, message);
                passed = false;
            } else if let Some(rule) = spec.rule
                && let Err(invalid) = rule(text)
            {
                self.errors.push(ValidationError::from_invalid(
                    parameter_pointer(spec.name, index),
                    invalid,
                ));
                passed = false;
            }
        }
        if count == 0 && spec.required {
            self.push(
                spec.name,
                None,
                "required",
                format!("a required {location} parameter is missing; add it"),
            );
            return false;
        }
        self.target += encoded;
        if encoded > self.largest.map_or(0, |(_, most)| most) {
            self.largest = Some((spec.name, encoded));
        }
        passed
    }

    /// What is wrong with one text of `spec`, beyond its `format`'s rule.
    fn problem(&self, spec: &ParameterSpec, text: &str) -> Option<(&'static str, String)> {
        let location = spec.location.as_str();
        if !spec.kind.accepts(text) {
            return Some((
                "type",
                format!(
                    "the {location} parameter must be {}; fix its value",
                    spec.kind.describe()
                ),
            ));
        }
        match spec.location {
            Location::Path if text.is_empty() => Some((
                "path_segment",
                "a path parameter may not be empty: the request would go to another path; \
                 give a value"
                    .to_owned(),
            )),
            Location::Path if text == "." || text == ".." => Some((
                "path_segment",
                "a path parameter may not be `.` or `..`: URL parsers resolve those, and the \
                 request would go to another path; give another value"
                    .to_owned(),
            )),
            Location::Header if !is_header_text(text) => Some((
                "header_text",
                "a header parameter may hold only visible ASCII characters and spaces, with \
                 no space at either end: anything else (a line break, a control character, \
                 non-ASCII text) would not reach the server as given; remove it"
                    .to_owned(),
            )),
            Location::Header if text.len() > MAX_HEADER_VALUE_BYTES => Some((
                "too_long",
                format!(
                    "a header parameter may have at most {MAX_HEADER_VALUE_BYTES} bytes, which \
                     servers read in one line; send a shorter value"
                ),
            )),
            _ => None,
        }
    }

    /// Checks that the request's URL (`base_url`, the operation's path with its
    /// parameters encoded, and the query) fits in [`MAX_URL_BYTES`]; if not, the
    /// parameter that takes the most of it gets a `too_long` error. Call it after every
    /// parameter was [`given`](Self::given); a server, which has read the request
    /// already, need not.
    pub fn check_url(&mut self, operation: &OperationSpec, base_url: &str) {
        // Without a path or query parameter there is nothing to blame, and nothing to
        // measure on every call.
        let Some((name, _)) = self.largest else {
            return;
        };
        let literal: usize = crate::operation_spec::path_template_literal_len(operation.path);
        let total = base_url.len() + literal + self.target;
        if total <= MAX_URL_BYTES {
            return;
        }
        self.push(
            name,
            None,
            "too_long",
            format!(
                "the request's URL would be {total} bytes once encoded, more than the \
                 {MAX_URL_BYTES} a server reads; this parameter takes the most of it, so \
                 send a shorter value"
            ),
        );
    }

    fn push(&mut self, name: &str, index: Option<usize>, code: &'static str, message: String) {
        self.errors.push(ValidationError::new(
            parameter_pointer(name, index),
            code,
            message,
        ));
    }
}

/// Whether `text` reaches a server unchanged as a header value: visible ASCII (`!` to
/// `~`) and spaces, with no space at either end (HTTP trims those).
fn is_header_text(text: &str) -> bool {
    text.bytes().all(|b| (b' '..=b'~').contains(&b))
        && !text.starts_with(' ')
        && !text.ends_with(' ')
}

/// The JSON Pointer a problem with a parameter is reported at: `/name`, or
/// `/name/index` for an item of a list (`~` and `/` in the name escaped).
///
/// ```
/// assert_eq!(stablemint_wire::parameter_pointer("a/b", Some(2)), "/a~1b/2");
/// ```
pub fn parameter_pointer(name: &str, index: Option<usize>) -> String {
    let mut pointer = String::new();
    push_token(&mut pointer, name);
    if let Some(index) = index {
        pointer.push('/');
        pointer.push_str(&index.to_string());
    }
    pointer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(location: Location, kind: ParameterKind, required: bool) -> &'static ParameterSpec {
        Box::leak(Box::new(ParameterSpec {
            name: "p",
            location,
            required,
            kind,
            rule: None,
        }))
    }

    fn codes(spec: &'static ParameterSpec, texts: &[&str]) -> Vec<(String, &'static str)> {
        let mut errors = ValidationErrors::new();
        let passed = ParameterCheck::new(&mut errors).given(spec, texts.iter());
        assert_eq!(passed, errors.is_empty());
        errors
            .iter()
            .map(|e| (e.pointer().to_owned(), e.code()))
            .collect()
    }

    fn one(pointer: &str, code: &'static str) -> Vec<(String, &'static str)> {
        vec![(pointer.to_owned(), code)]
    }

    #[test]
    fn path_segments_that_would_move_the_request_are_refused() {
        let path = spec(Location::Path, ParameterKind::String, true);
        for bad in ["", ".", ".."] {
            assert_eq!(codes(path, &[bad]), one("/p", "path_segment"), "{bad:?}");
        }
        for fine in ["...", ".a", "%2e", "..\\x", "a/b", " ", "ü"] {
            assert_eq!(codes(path, &[fine]), [], "{fine:?}");
        }
        assert_eq!(codes(path, &[]), one("/p", "required"));
        assert_eq!(codes(path, &["a", "b"]), one("/p", "type"));
    }

    #[test]
    fn header_values_must_arrive_unchanged() {
        let header = spec(Location::Header, ParameterKind::String, false);
        for bad in ["a\r\nb", "\0", "tab\there", "é", " lead", "trail ", " "] {
            assert_eq!(codes(header, &[bad]), one("/p", "header_text"), "{bad:?}");
        }
        for fine in [
            "",
            "trace-1",
            "a b",
            "!~",
            &"x".repeat(MAX_HEADER_VALUE_BYTES),
        ] {
            assert_eq!(codes(header, &[fine]), [], "{fine:?}");
        }
        let long = "x".repeat(MAX_HEADER_VALUE_BYTES + 1);
        assert_eq!(codes(header, &[&long]), one("/p", "too_long"));
        assert_eq!(codes(header, &[]), []);
    }

    #[test]
    fn whole_numbers_are_canonical() {
        let int = spec(Location::Query, ParameterKind::Int32, false);
        for bad in [
            "+5",
            "05",
            "-05",
            "-0",
            "00",
            "",
            " 5",
            "5 ",
            "1e3",
            "2147483648",
        ] {
            assert_eq!(codes(int, &[bad]), one("/p", "type"), "{bad:?}");
        }
        for fine in ["0", "5", "-5", "2147483647", "-2147483648"] {
            assert_eq!(codes(int, &[fine]), [], "{fine:?}");
        }
    }

    #[test]
    fn lists_report_each_item() {
        static LIST: ParameterSpec = ParameterSpec {
            name: "a/b",
            location: Location::Query,
            required: false,
            kind: ParameterKind::StringArray,
            rule: Some(stablemint_validate::rules::currency),
        };
        assert_eq!(
            codes(&LIST, &["EUR", "XXX1", "CHF"]),
            one("/a~1b/1", "currency")
        );
    }

    #[test]
    fn the_url_length_blames_the_largest_parameter() {
        static OPERATION: OperationSpec = OperationSpec {
            id: "op",
            method: crate::Method::Get,
            path: "/things/{id}",
            parameters: &[],
            auth: crate::Auth::None,
            idempotency_key_field: None,
            body: None,
            success: crate::ResponseSpec {
                status: crate::Status::Code(200),
                schema: None,
                example: None,
                rust_type: None,
                decode: None,
            },
            errors: &[],
        };
        static ID: ParameterSpec = ParameterSpec {
            name: "id",
            location: Location::Path,
            required: true,
            kind: ParameterKind::String,
            rule: None,
        };
        static Q: ParameterSpec = ParameterSpec {
            name: "q",
            location: Location::Query,
            required: false,
            kind: ParameterKind::String,
            rule: None,
        };
        // "https://h/base" + "/things/" + id + "?q=" + q
        let fixed = "https://h/base".len() + "/things/".len() + "?q=".len();
        let run = |id: &str, q: &str| {
            let mut errors = ValidationErrors::new();
            let mut check = ParameterCheck::new(&mut errors);
            check.given(&ID, [id]);
            check.given(&Q, [q]);
            check.check_url(&OPERATION, "https://h/base");
            errors
                .iter()
                .map(|e| (e.pointer().to_owned(), e.code()))
                .collect::<Vec<_>>()
        };
        let at_limit = "a".repeat(MAX_URL_BYTES - fixed - 10);
        assert_eq!(run(&at_limit, &"b".repeat(10)), []);
        assert_eq!(run(&at_limit, &"b".repeat(11)), one("/id", "too_long"));
        // Each `/` takes three bytes once encoded.
        let slashes = "/".repeat(MAX_URL_BYTES / 3);
        assert_eq!(run("x", &slashes), one("/q", "too_long"));
    }
}
