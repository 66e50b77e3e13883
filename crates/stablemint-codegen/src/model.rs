//! Every operation of the spec as the generator binds it, checked shape by shape.
//!
//! The generator takes `GET`, `POST`, `PUT`, `PATCH` and `DELETE`; path, query and header
//! parameters that are text, numbers, booleans or lists of text; no request body or a
//! JSON body whose schema is a component; one success response (a JSON object or array,
//! or no body); and error responses (`4xx`, `5xx`, `4XX`, `5XX` or `default`) whose JSON
//! schema becomes a type of its own. Anything else stops generation with a sentence
//! that names the operation and the fix.

use serde_json::Value;
use stablemint_wire::{Location, ParameterKind, Status};

use crate::declaration::{self, AUTH_HEADERS, Declaration, Signature};
use crate::spec::{
    operations, parse_status, pointer_segment, required_properties, resolve, schema_ref_name,
};

/// One operation.
pub(crate) struct OperationModel<'d> {
    pub id: &'d str,
    /// Lowercase, as the spec writes it: `get`.
    pub method: &'static str,
    pub path: &'d str,
    pub summary: Option<&'d str>,
    pub description: Option<&'d str>,
    /// The parameters besides the authentication headers, path-level ones first, in the
    /// spec's order.
    pub parameters: Vec<ParamModel<'d>>,
    pub declaration: Declaration,
    pub body: Option<BodyModel<'d>>,
    pub success: ResponseModel<'d>,
    pub errors: Vec<ResponseModel<'d>>,
}

impl OperationModel<'_> {
    /// `GET /session/{sessionId} (getSession)`, for messages.
    pub fn here(&self) -> String {
        format!("{} {} ({})", self.method.to_uppercase(), self.path, self.id)
    }

    pub fn is_signed(&self) -> bool {
        self.declaration.signature != Signature::None
    }
}

/// One parameter.
pub(crate) struct ParamModel<'d> {
    pub name: &'d str,
    pub location: Location,
    pub required: bool,
    pub kind: ParameterKind,
    /// The `format` of its value (of each item, for a list).
    pub format: Option<&'d str>,
    pub description: Option<&'d str>,
}

/// The JSON request body: a component schema.
pub(crate) struct BodyModel<'d> {
    pub schema: &'d str,
    pub required: bool,
}

/// A declared response.
pub(crate) struct ResponseModel<'d> {
    pub status: Status,
    /// The JSON schema of its body, if it has one.
    pub schema: Option<&'d Value>,
    /// The media type's `example`, if any.
    pub example: Option<&'d Value>,
}

impl ResponseModel<'_> {
    /// The component an error response's schema names (after
    /// [`hoist_error_schemas`](crate::error_responses::hoist_error_schemas), every one does).
    pub fn schema_name(&self) -> Option<&str> {
        self.schema.and_then(schema_ref_name)
    }
}

/// Reads and checks every operation.
pub(crate) fn read(document: &Value) -> Result<Vec<OperationModel<'_>>, String> {
    operations(document)
        .into_iter()
        .map(|(path, method, operation)| read_operation(document, path, method, operation))
        .collect()
}

fn read_operation<'d>(
    document: &'d Value,
    path: &'d str,
    method: &'static str,
    operation: &'d Value,
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
    let (parameters, auth) = read_parameters(document, path, operation, &here)?;
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
    let body = read_body(document, operation, &here)?;
    let (success, errors) = read_responses(document, operation, &here)?;
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
    };
    check_declaration(document, &model)?;
    Ok(model)
}

/// The operation's parameters (path-level ones overridden by the operation's own of the
/// same name and place), and the names of the authentication headers among them.
fn read_parameters<'d>(
    document: &'d Value,
    path: &'d str,
    operation: &'d Value,
    here: &str,
) -> Result<(Vec<ParamModel<'d>>, Vec<&'static str>), String> {
    let path_level = document
        .pointer(&format!("/paths/{}/parameters", pointer_segment(path)))
        .and_then(Value::as_array);
    let own = operation.get("parameters").and_then(Value::as_array);
    let mut declared: Vec<&'d Value> = Vec::new();
    for parameter in path_level.into_iter().flatten() {
        declared.push(resolve(document, parameter));
    }
    for parameter in own.into_iter().flatten() {
        let parameter = resolve(document, parameter);
        let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
        declared.retain(|p| key(p) != key(parameter));
        declared.push(parameter);
    }

    let mut parameters = Vec::new();
    let mut auth = Vec::new();
    for parameter in declared {
        let name = parameter
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| format!("{here} has a parameter without a `name`"))?;
        let location = match parameter.get("in").and_then(Value::as_str) {
            Some("path") => Location::Path,
            Some("query") => Location::Query,
            Some("header") => Location::Header,
            other => {
                return Err(format!(
                    "{here}: parameter `{name}` is in `{}`; the generator binds path, query \
                     and header parameters only",
                    other.unwrap_or("?")
                ));
            }
        };
        let required = parameter.get("required").and_then(Value::as_bool) == Some(true);
        if location == Location::Header
            && let Some(auth_header) = AUTH_HEADERS.iter().find(|h| **h == name)
        {
            if !required {
                return Err(format!(
                    "{here}: the authentication header `{name}` must be `required: true`"
                ));
            }
            auth.push(*auth_header);
            continue;
        }
        if location == Location::Path && !required {
            return Err(format!(
                "{here}: path parameter `{name}` must be `required: true`, as OpenAPI requires"
            ));
        }
        if parameters.iter().any(|p: &ParamModel<'_>| p.name == name) {
            return Err(format!(
                "{here} has two parameters named `{name}`; the generated methods name \
                 arguments after parameters, so rename one"
            ));
        }
        let schema = parameter
            .get("schema")
            .map(|s| resolve(document, s))
            .ok_or_else(|| format!("{here}: parameter `{name}` has no `schema`; give it one"))?;
        let (kind, format) = param_kind(document, schema).ok_or_else(|| {
            format!(
                "{here}: parameter `{name}` must be a string, integer, number, boolean or an \
                 array of strings"
            )
        })?;
        parameters.push(ParamModel {
            name,
            location,
            required,
            kind,
            format,
            description: parameter.get("description").and_then(Value::as_str),
        });
    }
    for variable in path_variables(path) {
        if !parameters
            .iter()
            .any(|p| p.location == Location::Path && p.name == variable)
        {
            return Err(format!(
                "{here}: the path has `{{{variable}}}` but no path parameter `{variable}`; \
                 declare it"
            ));
        }
    }
    for parameter in parameters.iter().filter(|p| p.location == Location::Path) {
        if !path_variables(path).any(|v| v == parameter.name) {
            return Err(format!(
                "{here}: path parameter `{}` does not appear in the path; add \
                 `{{{}}}` to it or move the parameter",
                parameter.name, parameter.name
            ));
        }
    }
    Ok((parameters, auth))
}

/// The `{name}`s of a path template, in order.
pub(crate) fn path_variables(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter_map(|segment| {
        segment
            .strip_prefix('{')
            .and_then(|rest| rest.strip_suffix('}'))
    })
}

fn param_kind<'d>(
    document: &'d Value,
    schema: &'d Value,
) -> Option<(ParameterKind, Option<&'d str>)> {
    let format = schema.get("format").and_then(Value::as_str);
    let kind = match schema.get("type").and_then(Value::as_str)? {
        "string" => ParameterKind::String,
        "integer" if format == Some("int32") => ParameterKind::Int32,
        "integer" => ParameterKind::Int64,
        "number" => ParameterKind::Number,
        "boolean" => ParameterKind::Boolean,
        "array" => {
            let items = resolve(document, schema.get("items")?);
            if items.get("type").and_then(Value::as_str) != Some("string") {
                return None;
            }
            return Some((
                ParameterKind::StringArray,
                items.get("format").and_then(Value::as_str),
            ));
        }
        _ => return None,
    };
    Some((kind, format))
}

fn read_body<'d>(
    document: &'d Value,
    operation: &'d Value,
    here: &str,
) -> Result<Option<BodyModel<'d>>, String> {
    let Some(body) = operation.get("requestBody") else {
        return Ok(None);
    };
    let body = resolve(document, body);
    let schema = body
        .pointer("/content/application~1json/schema")
        .ok_or_else(|| {
            format!(
                "{here}: the request body must be `application/json`; the generator binds \
                 JSON bodies only"
            )
        })?;
    let name = schema_ref_name(schema).ok_or_else(|| {
        format!(
            "{here}: the request body's schema must be a `$ref` to a schema under \
             components.schemas, so that it has a named type with a builder; move it there"
        )
    })?;
    if resolve(document, schema)
        .get("type")
        .and_then(Value::as_str)
        != Some("object")
    {
        return Err(format!(
            "{here}: the request body's schema `{name}` must be `type: object`"
        ));
    }
    Ok(Some(BodyModel {
        schema: name,
        required: body.get("required").and_then(Value::as_bool) == Some(true),
    }))
}

fn read_responses<'d>(
    document: &'d Value,
    operation: &'d Value,
    here: &str,
) -> Result<(ResponseModel<'d>, Vec<ResponseModel<'d>>), String> {
    let responses = operation.get("responses").and_then(Value::as_object);
    let mut success = Vec::new();
    let mut errors = Vec::new();
    for (status, response) in responses.into_iter().flatten() {
        let response = resolve(document, response);
        let status = parse_status(status)
            .ok_or_else(|| format!("{here}: `{status}` is not a response status"))?;
        let content = response.get("content").and_then(Value::as_object);
        let json = content.and_then(|c| {
            c.iter()
                .find(|(media, _)| {
                    *media == "application/json" || media.starts_with("application/json;")
                })
                .map(|(_, v)| v)
        });
        let has_other_content = content.is_some_and(|c| !c.is_empty()) && json.is_none();
        let model = ResponseModel {
            status,
            schema: json.and_then(|m| m.get("schema")),
            example: json.and_then(|m| m.get("example")),
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
    if let Some(schema) = success.schema {
        let target = resolve(document, schema);
        let ty = target.get("type").and_then(Value::as_str);
        if !matches!(ty, Some("object" | "array")) && target.get("$ref").is_none() {
            return Err(format!(
                "{here}: the success response's schema must be an object or an array"
            ));
        }
    }
    Ok((success, errors))
}

/// The declared field or parameter exists and has a shape the generated code can use.
fn check_declaration(document: &Value, model: &OperationModel<'_>) -> Result<(), String> {
    let here = model.here();
    let body_schema = model.body.as_ref().map(|body| {
        resolve(
            document,
            document
                .pointer(&format!(
                    "/components/schemas/{}",
                    pointer_segment(body.schema)
                ))
                .unwrap_or(&Value::Null),
        )
    });
    let property = |name: &str, role: &str, must_be_required: bool| -> Result<(), String> {
        let schema = body_schema.ok_or_else(|| {
            format!(
                "{here} has no JSON request body; the {role} `{name}` must be one of its \
                 properties"
            )
        })?;
        let Some(property) = schema.get("properties").and_then(|p| p.get(name)) else {
            return Err(format!(
                "{here}: the {role} `{name}` is not a property of the request body"
            ));
        };
        let property = resolve(document, property);
        if property.get("type").and_then(Value::as_str) != Some("string") {
            return Err(format!(
                "{here}: the {role} `{name}` must be `type: string`"
            ));
        }
        // The generated code reads the field as text: typify makes an enum, a
        // constrained string or a uuid another type.
        let typed = ["enum", "minLength", "maxLength", "pattern"]
            .into_iter()
            .find(|key| property.get(*key).is_some())
            .or(
                (property.get("format").and_then(Value::as_str) == Some("uuid"))
                    .then_some("format: uuid"),
            );
        if let Some(key) = typed {
            return Err(format!(
                "{here}: the {role} `{name}` must be plain text, but its `{key}` makes \
                 typify generate another type than `String`; drop it"
            ));
        }
        let required = required_properties(schema).contains(&name);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_variables_in_order() {
        let found: Vec<&str> = path_variables("/a/{x}/b/{y}").collect();
        assert_eq!(found, ["x", "y"]);
        assert_eq!(path_variables("/plain").count(), 0);
    }
}
