//! A spec transform before the model is read: error responses' inline schemas become
//! components of their own (so each is a type errors decode into), and the document
//! progenitor sees has no error responses at all.

use serde_json::{Map, Value};
use stablemint_wire::Status;

use crate::spec::{operations, parse_status, pointer_segment};

/// An error response's inline schema that [`hoist_error_schemas`] moved into
/// `components.schemas`.
pub(crate) struct Hoisted {
    /// Where the spec wrote it: the JSON Pointer of the media type's `schema`, which now
    /// holds a `$ref` to the component.
    pub pointer: String,
    /// The component it became.
    pub name: String,
}

/// Moves every error response's inline JSON schema into `components.schemas`, named
/// `<OperationId><Status>Error` (`CreateThing400Error`, `CreateThingDefaultError`), so
/// that it becomes a type of its own that errors can be decoded into. Returns what it
/// moved, in the order it added the components.
pub(crate) fn hoist_error_schemas(document: &mut Value) -> Result<Vec<Hoisted>, String> {
    let mut hoisted = Vec::new();
    for (path, method, operation) in operations(document) {
        let id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let Some(Value::Object(responses)) = operation.get("responses") else {
            continue;
        };
        for (status, response) in responses {
            if response.get("$ref").is_some()
                || !matches!(
                    parse_status(status),
                    Some(Status::Code(400..=599) | Status::Range(4 | 5) | Status::Default)
                )
            {
                continue;
            }
            let Some(Value::Object(content)) = response.get("content") else {
                continue;
            };
            for (media, body) in content {
                let json = media == "application/json" || media.starts_with("application/json;");
                let Some(schema) = body.get("schema").filter(|s| s.get("$ref").is_none()) else {
                    continue;
                };
                if json {
                    let status_name = if status == "default" {
                        "Default".to_owned()
                    } else {
                        status.to_uppercase()
                    };
                    let name = format!("{}{status_name}Error", crate::naming::pascal_case(id));
                    let pointer = format!(
                        "/paths/{}/{method}/responses/{}/content/{}/schema",
                        pointer_segment(path),
                        pointer_segment(status),
                        pointer_segment(media)
                    );
                    hoisted.push((pointer, name, schema.clone()));
                }
            }
        }
    }
    let mut moved = Vec::new();
    for (pointer, name, schema) in hoisted {
        let schemas = document
            .as_object_mut()
            .ok_or("the document is not an object")?
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .ok_or("`components` is not an object")?
            .entry("schemas")
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .ok_or("`components.schemas` is not an object")?;
        if schemas.contains_key(&name) {
            return Err(format!(
                "the error schema at {pointer} would become the type `{name}`, but \
                 components.schemas already has a schema of that name; rename it, or move \
                 the error schema into components.schemas yourself and `$ref` it"
            ));
        }
        schemas.insert(name.clone(), schema);
        if let Some(slot) = document.pointer_mut(&pointer) {
            *slot = serde_json::json!({ "$ref": format!("#/components/schemas/{name}") });
        }
        moved.push(Hoisted { pointer, name });
    }
    Ok(moved)
}

/// The document as progenitor sees it: without error responses. progenitor would
/// decode them itself (and cannot when an operation declares a `default` next to its
/// success, or two error types); without them every error answer reaches the client
/// with its body unread, and the generated methods of `stablemint::Client` decode the
/// declared ones.
pub(crate) fn without_error_responses(document: &Value) -> Value {
    let mut copy = document.clone();
    if let Some(Value::Object(paths)) = copy.get_mut("paths") {
        for item in paths.values_mut() {
            let Value::Object(item) = item else { continue };
            for (method, operation) in item.iter_mut() {
                if !crate::spec::METHODS.contains(&method.as_str()) {
                    continue;
                }
                if let Some(Value::Object(responses)) = operation.get_mut("responses") {
                    responses.retain(|status, _| {
                        matches!(parse_status(status), Some(Status::Code(200..=299)))
                    });
                }
            }
        }
    }
    copy
}
