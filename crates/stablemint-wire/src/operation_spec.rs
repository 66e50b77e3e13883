//! What the spec says about each operation, as data: the method and path, the
//! parameters, what the signature covers, the idempotency key, the request body and the
//! declared responses.
//!
//! `cargo xtask gen` writes one [`OperationSpec`] per operation into `stablemint-raw`
//! (`stablemint_raw::operations::ALL`), beside the generated client. The mock serves
//! every operation from it, with no code of its own per operation; the generated methods
//! of `stablemint::Client` are made from the same declarations.
//!
//! These types are data that generated code builds, so their fields are public and they
//! are not `#[non_exhaustive]`: they grow with what the generator can describe, in the
//! same release as `stablemint-raw` and `stablemint-mock`.

use std::any::Any;
use std::fmt;

use stablemint_validate::{Invalid, ValidationErrors};

use crate::UnknownFields;
use crate::shape::ObjectShape;

/// The HTTP methods an operation may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// `GET`
    Get,
    /// `HEAD`
    Head,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
    /// `OPTIONS`
    Options,
}

impl Method {
    /// The method as it is sent: `"GET"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
        }
    }

    /// The method named `name` (`"get"` or `"GET"`), if it is one of these.
    pub fn parse(name: &str) -> Option<Method> {
        Some(match name.to_ascii_uppercase().as_str() {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "PATCH" => Method::Patch,
            "DELETE" => Method::Delete,
            "OPTIONS" => Method::Options,
            _ => return None,
        })
    }

    /// Whether sending the request twice has the effect of sending it once (RFC 9110,
    /// section 9.2.2): `GET`, `HEAD`, `PUT`, `DELETE` and `OPTIONS`. Such a request may be
    /// retried after it may have reached the server, without an idempotency key; `POST`
    /// and `PATCH` may not.
    ///
    /// ```
    /// use stablemint_wire::Method;
    ///
    /// assert!(Method::Put.is_idempotent());
    /// assert!(!Method::Post.is_idempotent());
    /// ```
    pub const fn is_idempotent(self) -> bool {
        matches!(
            self,
            Method::Get | Method::Head | Method::Put | Method::Delete | Method::Options
        )
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One operation of the API.
#[derive(Debug)]
pub struct OperationSpec {
    /// The spec's `operationId`: `createEmbeddedSession`.
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template, as the spec writes it: `/session/{sessionId}`.
    pub path: &'static str,
    /// The parameters besides the authentication headers, in the spec's order.
    pub parameters: &'static [ParameterSpec],
    /// What the signature covers, or that the operation is not signed.
    pub auth: Auth,
    /// The request body property (wire name) that carries the idempotency key, if the
    /// operation takes one.
    pub idempotency_key_field: Option<&'static str>,
    /// The JSON request body, if the operation takes one.
    pub body: Option<BodySpec>,
    /// The success response.
    pub success: ResponseSpec,
    /// The declared error responses with a JSON schema, in the spec's order.
    pub errors: &'static [ResponseSpec],
}

impl OperationSpec {
    /// The parameter with this wire name.
    pub fn parameter(&self, name: &str) -> Option<&'static ParameterSpec> {
        self.parameters.iter().find(|p| p.name == name)
    }

    /// The declared error response for `status`: an exact status first, then a range
    /// (`4XX`), then `default`.
    pub fn error_for(&self, status: u16) -> Option<&'static ResponseSpec> {
        let exact = self
            .errors
            .iter()
            .find(|r| r.status == Status::Code(status));
        let range = || {
            self.errors
                .iter()
                .find(|r| r.status == Status::Range((status / 100) as u8))
        };
        let default = || self.errors.iter().find(|r| r.status == Status::Default);
        exact.or_else(range).or_else(default)
    }
}

/// What an operation's signature covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// Signed over this property of the JSON body (wire name), e.g. `userId`.
    SignedField(&'static str),
    /// Signed over this path, query or header parameter's value as sent (by its name).
    SignedParameter(&'static str),
    /// Not signed: the request carries no authentication headers.
    None,
}

impl Auth {
    /// Whether requests carry the `api_key`, `timestamp` and `signature` headers.
    pub fn is_signed(self) -> bool {
        !matches!(self, Auth::None)
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A segment of the path.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
}

impl Location {
    /// The spec's word for it: `path`, `query`, `header`.
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
        }
    }
}

/// The values a parameter takes, as text on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterKind {
    /// Any text.
    String,
    /// A whole number that fits in an `i32`.
    Int32,
    /// A whole number that fits in an `i64`.
    Int64,
    /// A finite number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A list of texts: in a query, the parameter repeated once per item.
    StringArray,
}

impl ParameterKind {
    /// What a value of this kind is, for messages: "a whole number (64-bit)".
    pub fn describe(self) -> &'static str {
        match self {
            ParameterKind::String => "text",
            ParameterKind::Int32 => {
                "a whole number (32-bit), written without `+` and without leading zeros"
            }
            ParameterKind::Int64 => {
                "a whole number (64-bit), written without `+` and without leading zeros"
            }
            ParameterKind::Number => "a finite number",
            ParameterKind::Boolean => "`true` or `false`",
            ParameterKind::StringArray => "a list of texts",
        }
    }

    /// Whether `text` is a value of this kind (for an array, one item). A whole number
    /// must be written as Rust (and the client) writes it: no `+`, no leading zero, no
    /// `-0`, so that one number has one text, and a signature over it one meaning.
    pub fn accepts(self, text: &str) -> bool {
        match self {
            ParameterKind::String | ParameterKind::StringArray => true,
            ParameterKind::Int32 => is_canonical_integer(text) && text.parse::<i32>().is_ok(),
            ParameterKind::Int64 => is_canonical_integer(text) && text.parse::<i64>().is_ok(),
            ParameterKind::Number => text.parse::<f64>().is_ok_and(f64::is_finite),
            ParameterKind::Boolean => matches!(text, "true" | "false"),
        }
    }
}

/// `-?(0|[1-9][0-9]*)`, and not `-0`.
fn is_canonical_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    match digits.as_bytes() {
        [b'0'] => digits.len() == text.len(),
        [b'1'..=b'9', rest @ ..] => rest.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// The bytes of a path template (`/session/{sessionId}/note`) outside its `{...}`
/// variables: what the path takes before its parameters are filled in.
pub(crate) fn path_template_literal_len(template: &str) -> usize {
    let mut len = 0;
    let mut inside = false;
    for c in template.chars() {
        match c {
            '{' => inside = true,
            '}' if inside => inside = false,
            c if !inside => len += c.len_utf8(),
            _ => {}
        }
    }
    len
}

/// A validation rule on a text value, from the spec's `format` (see
/// `stablemint_validate::rules`).
pub type TextRule = fn(&str) -> Result<(), Invalid>;

/// One parameter of an operation.
#[derive(Debug)]
pub struct ParameterSpec {
    /// The wire name.
    pub name: &'static str,
    /// Where it goes.
    pub location: Location,
    /// Whether the spec lists it as required.
    pub required: bool,
    /// The values it takes.
    pub kind: ParameterKind,
    /// The rule its value (or each item) must pass, from its `format`, if any.
    pub rule: Option<TextRule>,
}

/// Checks a JSON request body as its generated type, as [`check_value`](crate::check_value)
/// does for one type: its shape and its fields' rules.
pub type BodyCheck = fn(&serde_json::Value, UnknownFields) -> Result<(), ValidationErrors>;

/// Decodes a response body as the generated type, boxed: the client keeps a declared
/// error body as its type, and the mock checks that an answer is one the type reads.
pub type Decode = fn(&[u8]) -> Result<Box<dyn Any + Send + Sync>, serde_json::Error>;

/// `bytes` as a `T`: the [`Decode`] of a response whose generated type is `T`.
pub fn decode_as<T>(bytes: &[u8]) -> Result<Box<dyn Any + Send + Sync>, serde_json::Error>
where
    T: serde::de::DeserializeOwned + Any + Send + Sync,
{
    serde_json::from_slice::<T>(bytes).map(|value| Box::new(value) as Box<dyn Any + Send + Sync>)
}

/// The JSON request body of an operation.
#[derive(Debug)]
pub struct BodySpec {
    /// The component schema's name: `EmbeddedSessionRequest`.
    pub schema: &'static str,
    /// Whether the spec marks the body as required.
    pub required: bool,
    /// Its JSON shape.
    pub shape: &'static ObjectShape,
    /// Reads it as the generated type and validates it, reporting every problem.
    pub check: BodyCheck,
}

/// The status a response is declared for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// One status code.
    Code(u16),
    /// A range such as `4XX`, by its first digit.
    Range(u8),
    /// `default`: every status not declared otherwise.
    Default,
}

/// A declared response.
#[derive(Debug)]
pub struct ResponseSpec {
    /// The status it is declared for.
    pub status: Status,
    /// The JSON schema of its body, with every `$ref` resolved, as JSON text; `None` for
    /// a response without a body (a 204).
    pub schema: Option<&'static str>,
    /// The media type's `example`, as JSON text, if the spec gives one.
    pub example: Option<&'static str>,
    /// The generated Rust type of the body, as `stablemint_raw` names it
    /// (`types::EmbeddedSessionResponse`, `Vec<types::X>`), if it has one.
    pub rust_type: Option<&'static str>,
    /// Checks that a body decodes as that type.
    pub decode: Option<Decode>,
}
