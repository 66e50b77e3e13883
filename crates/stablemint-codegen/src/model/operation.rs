//! Every operation of the spec as the generator binds it, checked shape by shape.
//!
//! The generator takes `GET`, `POST`, `PUT`, `PATCH` and `DELETE`; path, query and header
//! parameters that are text, numbers, booleans or lists of text; no request body or a
//! JSON body whose schema is a component; one success response (a JSON object or array,
//! or no body); and error responses (`4xx`, `5xx`, `4XX`, `5XX` or `default`) whose JSON
//! schema becomes a type of its own. Anything else stops generation with a sentence
//! that names the operation and the fix.

use serde_json::Value;
use stablemint_wire::{ParameterKind, Status};

use super::parameters::{ParamModel, read_parameters};
use super::schema::{Schema, Schemas};
use super::written::{Written, WrittenBody, WrittenResponse};
use crate::declaration::{self, AUTH_HEADERS, Declaration, Signature};
use crate::error_responses::Hoisted;
use crate::spec::{operations, parse_status};

/// One operation, as the generator binds it.
pub(crate) struct OperationModel<'d> {
    /// Its `operationId`.
    pub id: &'d str,
    /// Lowercase, as the spec writes it: `get`.
    pub method: &'static str,
    /// Its path template: `/session/{sessionId}`.
    pub path: &'d str,
    /// Its `summary`.
    pub summary: Option<&'d str>,
    /// Its `description`.
    pub description: Option<&'d str>,
    /// The parameters besides the authentication headers, path-level ones first, in the
    /// spec's order.
    pub parameters: Vec<ParamModel<'d>>,
    /// Its `x-stablemint` declaration.
    pub declaration: Declaration,
    /// Its JSON request body.
    pub body: Option<BodyModel<'d>>,
    /// Its one success response.
    pub success: ResponseModel<'d>,
    /// Its error responses with a JSON schema.
    pub errors: Vec<ResponseModel<'d>>,
    /// The operation as the spec writes it, which the API surface lists.
    pub written: Written<'d>,
}

impl OperationModel<'_> {
    /// `GET /session/{sessionId} (getSession)`, for messages.
    pub fn here(&self) -> String {
        format!("{} {} ({})", self.method.to_uppercase(), self.path, self.id)
    }

    /// Whether requests carry the authentication headers and a signature.
    pub fn is_signed(&self) -> bool {
        self.declaration.signature != Signature::None
    }
}

/// The JSON request body: a component schema.
pub(crate) struct BodyModel<'d> {
    /// The component's name, as the `$ref` writes it.
    pub schema: &'d str,
    /// `required: true`.
    pub required: bool,
}

/// A declared response.
pub(crate) struct ResponseModel<'d> {
    /// Its status.
    pub status: Status,
    /// The JSON schema of its body, if it has one.
    pub schema: Option<Schema<'d>>,
    /// The media type's `example`, if any.
    pub example: Option<&'d Value>,
}

impl<'d> ResponseModel<'d> {
    /// The component an error response's schema names (after
    /// [`hoist_error_schemas`](crate::error_responses::hoist_error_schemas), every one does).
    pub fn schema_name(&self) -> Option<&'d str> {
        self.schema.as_ref().and_then(Schema::component)
    }
}

/// Reads and checks every operation of `document`, whose schemas are `schemas` and
/// whose error schemas `hoisted` were moved.
pub(super) fn read<'d>(
    document: &'d Value,
    schemas: &Schemas<'d>,
    hoisted: &[Hoisted],
) -> Result<Vec<OperationModel<'d>>, String> {
    operations(document)
        .into_iter()
        .map(|(path, method, operation)| {
            let written = Written::read(document, path, method, operation, hoisted);
            read_operation(schemas, path, method, operation, written)
        })
        .collect()
}

/// Reads and checks one operation, written as `written`.
fn read_operation<'d>(
    schemas: &Schemas<'d>,
    path: &'d str,
    method: &'static str,
    operation: &'d Value,
    written: Written<'d>,
) -> Result<OperationModel<'d>, String> {
    let id = operation
        .get("operationId")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let here = format!("{} {path} ({id})", method.to_uppercase());
    if !matches!(method, "get" | "post" | "put" | "patch" | "delete") {
        return Err(format!(
            "{here}: the generator binds GET, POST, PUT, PATCH and DELETE operations only"
        ));
    }
    let (parameters, auth) = read_parameters(schemas, path, &written.parameters, &here)?;
    let signed_headers = match auth.len() {
        0 => false,
        3 => true,
        _ => {
            let missing: Vec<String> = AUTH_HEADERS
                .iter()
                .filter(|h| !auth.contains(h))
                .map(|h| format!("`{h}`"))
                .collect();
            return Err(format!(
                "{here} does not declare the header parameter(s) {}; a signed operation \
                 declares `api_key`, `timestamp` and `signature` as required header \
                 parameters",
                missing.join(", ")
            ));
        }
    };
    let declaration = declaration::parse(operation, &here, signed_headers)?;
    let body = read_body(schemas, written.body.as_ref(), &here)?;
    let (success, errors) = read_responses(schemas, &written.responses, &here)?;
    let model = OperationModel {
        id,
        method,
        path,
        summary: operation.get("summary").and_then(Value::as_str),
        description: operation.get("description").and_then(Value::as_str),
        parameters,
        declaration,
        body,
        success,
        errors,
        written,
    };
    check_declaration(schemas, &model)?;
    Ok(model)
}

/// The JSON request body: its `application/json` schema must name a component schema
/// that is an object.
fn read_body<'d>(
    schemas: &Schemas<'d>,
    body: Option<&WrittenBody<'d>>,
    here: &str,
) -> Result<Option<BodyModel<'d>>, String> {
    let Some(body) = body else {
        return Ok(None);
    };
    let schema = body
        .content
        .iter()
        .find(|media| media.media_type == "application/json")
        .and_then(|media| media.schema.as_ref())
        .ok_or_else(|| {
            format!(
                "{here}: the request body must be `application/json`; the generator binds \
                 JSON bodies only"
            )
        })?;
    let name = schema.component().ok_or_else(|| {
        format!(
            "{here}: the request body's schema must be a `$ref` to a schema under \
             components.schemas, so that it has a named type with a builder; move it there"
        )
    })?;
    if schemas.resolve(schema).ty != Some("object") {
        return Err(format!(
            "{here}: the request body's schema `{name}` must be `type: object`"
        ));
    }
    Ok(Some(BodyModel {
        schema: name,
        required: body.required,
    }))
}

/// The one success response and the error responses with a JSON schema.
fn read_responses<'d>(
    schemas: &Schemas<'d>,
    responses: &[WrittenResponse<'d>],
    here: &str,
) -> Result<(ResponseModel<'d>, Vec<ResponseModel<'d>>), String> {
    let mut success = Vec::new();
    let mut errors = Vec::new();
    for response in responses {
        let status = parse_status(response.status)
            .ok_or_else(|| format!("{here}: `{}` is not a response status", response.status))?;
        let json = response.content.iter().find(|media| media.is_json());
        let has_other_content = !response.content.is_empty() && json.is_none();
        let model = ResponseModel {
            status,
            schema: json.and_then(|m| m.schema.clone()),
            example: json.and_then(|m| m.example),
        };
        match status {
            Status::Code(200..=299) => {
                if has_other_content {
                    return Err(format!(
                        "{here}: the success response is not JSON; stablemint::Client \
                         reads JSON answers (or none) only"
                    ));
                }
                if json.is_some() && model.schema.is_none() {
                    return Err(format!(
                        "{here}: the success response's JSON content has no `schema`"
                    ));
                }
                success.push(model);
            }
            Status::Range(2) => {
                return Err(format!(
                    "{here}: declare the success response with its status code (200, 201, \
                     202 or 204), not `2XX`"
                ));
            }
            Status::Code(400..=599) | Status::Range(4 | 5) | Status::Default
                if model.schema.is_some() =>
            {
                errors.push(model);
            }
            // 1xx and 3xx answers are never a result: the client follows no redirect.
            _ => {}
        }
    }
    let success = match success.len() {
        1 => success.remove(0),
        0 => {
            return Err(format!(
                "{here} declares no success response; declare one (200, 201 or 202 with a \
                 JSON body, or 204 without one)"
            ));
        }
        n => {
            return Err(format!(
                "{here} declares {n} success responses; stablemint::Client returns one \
                 type, so declare exactly one"
            ));
        }
    };
    if let Some(schema) = &success.schema {
        let target = schemas.resolve(schema);
        if !matches!(target.ty, Some("object" | "array")) && target.reference.is_none() {
            return Err(format!(
                "{here}: the success response's schema must be an object or an array"
            ));
        }
    }
    Ok((success, errors))
}

/// The declared field or parameter exists and has a shape the generated code can use.
fn check_declaration(schemas: &Schemas<'_>, model: &OperationModel<'_>) -> Result<(), String> {
    let here = model.here();
    // The body's schema, its `$ref`s followed; `None` inside when no component has
    // the name.
    let body_schema = model.body.as_ref().map(|body| {
        schemas
            .component(body.schema)
            .map(|component| schemas.resolve(&component.schema))
    });
    let property = |name: &str, role: &str, must_be_required: bool| -> Result<(), String> {
        let schema = body_schema.ok_or_else(|| {
            format!(
                "{here} has no JSON request body; the {role} `{name}` must be one of its \
                 properties"
            )
        })?;
        let Some((schema, property)) =
            schema.and_then(|schema| Some((schema, schema.property(name)?)))
        else {
            return Err(format!(
                "{here}: the {role} `{name}` is not a property of the request body"
            ));
        };
        let property = schemas.resolve(&property.schema);
        if property.ty != Some("string") {
            return Err(format!(
                "{here}: the {role} `{name}` must be `type: string`"
            ));
        }
        // The generated code reads the field as text: typify makes an enum, a
        // constrained string or a uuid another type.
        let typed = [
            ("enum", property.enum_values),
            ("minLength", property.min_length),
            ("maxLength", property.max_length),
            ("pattern", property.pattern),
        ]
        .into_iter()
        .find_map(|(key, value)| value.map(|_| key))
        .or((property.format == Some("uuid")).then_some("format: uuid"));
        if let Some(key) = typed {
            return Err(format!(
                "{here}: the {role} `{name}` must be plain text, but its `{key}` makes \
                 typify generate another type than `String`; drop it"
            ));
        }
        let required = schema.requires(name);
        if must_be_required != required {
            let want = if must_be_required {
                "a required"
            } else {
                "an optional"
            };
            return Err(format!(
                "{here}: the {role} `{name}` must be {want} property of the request body"
            ));
        }
        Ok(())
    };
    match &model.declaration.signature {
        Signature::Field(field) => property(field, "signed field", true)?,
        Signature::Parameter(name) => {
            let parameter = model
                .parameters
                .iter()
                .find(|p| p.name == name)
                .ok_or_else(|| {
                    let names: Vec<String> = model
                        .parameters
                        .iter()
                        .map(|p| format!("`{}`", p.name))
                        .collect();
                    format!(
                        "{here}: the signed parameter `{name}` is not a parameter of the \
                         operation (its parameters: {})",
                        if names.is_empty() {
                            "none".to_owned()
                        } else {
                            names.join(", ")
                        }
                    )
                })?;
            if !parameter.required
                || !matches!(
                    parameter.kind,
                    ParameterKind::String | ParameterKind::Int32 | ParameterKind::Int64
                )
            {
                return Err(format!(
                    "{here}: the signed parameter `{name}` must be a required string or \
                     integer parameter, so that every request has one value to sign"
                ));
            }
        }
        Signature::None => {}
    }
    if let Some(key) = &model.declaration.idempotency_key_field {
        property(key, "idempotency key field", false)?;
    }
    Ok(())
}
