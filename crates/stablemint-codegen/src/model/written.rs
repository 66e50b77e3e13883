//! An operation as the spec writes it: every parameter, each media type of the request
//! body and every response, before the generator decides what it binds. The API surface
//! lists these, and the operation as the generator binds it is read from them.

use serde_json::Value;

use super::schema::Schema;
use crate::error_responses::Hoisted;
use crate::spec::{pointer_segment, resolve};

/// The operation's parameters, request body and responses, each `$ref` to a parameter,
/// body or response followed.
pub(crate) struct Written<'d> {
    /// The path's parameters, then the operation's own, in the spec's order: the
    /// authentication headers and path-level parameters the operation overrides
    /// included.
    pub parameters: Vec<WrittenParam<'d>>,
    /// The request body.
    pub body: Option<WrittenBody<'d>>,
    /// Every response, in the spec's order.
    pub responses: Vec<WrittenResponse<'d>>,
}

/// A parameter as written.
pub(crate) struct WrittenParam<'d> {
    /// The parameter object as written (after its `$ref`).
    pub value: &'d Value,
    /// Whether it is declared on the path, for every operation of it.
    pub path_level: bool,
    /// `name`, when it is text.
    pub name: Option<&'d str>,
    /// `in`, when it is text.
    pub location: Option<&'d str>,
    /// `required: true`.
    pub required: bool,
    /// `description`, when it is text.
    pub description: Option<&'d str>,
    /// `schema`, as written (a `$ref` is not followed).
    pub schema: Option<Schema<'d>>,
}

/// The request body as written.
pub(crate) struct WrittenBody<'d> {
    /// `required: true`.
    pub required: bool,
    /// `content`, by media type in the spec's order.
    pub content: Vec<Media<'d>>,
}

/// A response as written.
pub(crate) struct WrittenResponse<'d> {
    /// Its key under `responses`: `200`, `4XX`, `default`.
    pub status: &'d str,
    /// `content`, by media type in the spec's order; empty when it has none.
    pub content: Vec<Media<'d>>,
}

/// One media type of a body.
pub(crate) struct Media<'d> {
    /// `application/json`.
    pub media_type: &'d str,
    /// Its `schema`, as written.
    pub schema: Option<Schema<'d>>,
    /// Its `example`.
    pub example: Option<&'d Value>,
    /// Whether the spec wrote an error schema here that
    /// [`hoist_error_schemas`](crate::error_responses::hoist_error_schemas) moved into a
    /// component: [`schema`](Self::schema) is then the `$ref` to it.
    pub hoisted: bool,
}

impl<'d> Written<'d> {
    /// Reads the operation `operation`, `method` of the path `path`, whose error
    /// schemas `hoisted` were moved.
    pub fn read(
        document: &'d Value,
        path: &str,
        method: &str,
        operation: &'d Value,
        hoisted: &[Hoisted],
    ) -> Self {
        let path_level = document
            .pointer(&format!("/paths/{}/parameters", pointer_segment(path)))
            .and_then(Value::as_array);
        let own = operation.get("parameters").and_then(Value::as_array);
        let parameters = path_level
            .into_iter()
            .flatten()
            .map(|p| (true, p))
            .chain(own.into_iter().flatten().map(|p| (false, p)))
            .map(|(path_level, parameter)| {
                let value = resolve(document, parameter);
                let text = |key: &str| value.get(key).and_then(Value::as_str);
                WrittenParam {
                    value,
                    path_level,
                    name: text("name"),
                    location: text("in"),
                    required: value.get("required").and_then(Value::as_bool) == Some(true),
                    description: text("description"),
                    schema: value.get("schema").map(Schema::read),
                }
            })
            .collect();
        let body = operation.get("requestBody").map(|body| {
            let body = resolve(document, body);
            WrittenBody {
                required: body.get("required").and_then(Value::as_bool) == Some(true),
                content: content(body),
            }
        });
        let responses = operation
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(status, response)| {
                let mut content = content(resolve(document, response));
                let at = format!(
                    "/paths/{}/{method}/responses/{}/content/",
                    pointer_segment(path),
                    pointer_segment(status)
                );
                for media in &mut content {
                    let pointer = format!("{at}{}/schema", pointer_segment(media.media_type));
                    media.hoisted = hoisted.iter().any(|h| h.pointer == pointer);
                }
                WrittenResponse { status, content }
            })
            .collect();
        Self {
            parameters,
            body,
            responses,
        }
    }
}

/// The media types under a body's or response's `content`.
fn content(holder: &Value) -> Vec<Media<'_>> {
    holder
        .get("content")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(media_type, media)| Media {
            media_type,
            schema: media.get("schema").map(Schema::read),
            example: media.get("example"),
            hoisted: false,
        })
        .collect()
}

impl<'d> Media<'d> {
    /// Whether it is JSON: `application/json`, with parameters or without.
    pub fn is_json(&self) -> bool {
        self.media_type == "application/json" || self.media_type.starts_with("application/json;")
    }
}
