//! The API surface: what a reviewer reads in a snapshot diff when the spec changes.
//!
//! One block per operation (method, path, operationId, each parameter with where it goes,
//! its type and whether it is required; the body; the responses) and one block per
//! component schema (each property's wire name, type, required or optional, format and
//! validation rules).

use std::fmt::Write;

use serde_json::Value;

use crate::operations::EXTENSION;
use crate::rules::FieldRules;
use crate::spec::{operations, pointer_segment, resolve, schema_ref_name};

pub(crate) fn render(document: &Value, rules: &FieldRules) -> String {
    let mut out = String::new();
    for (path, method, operation) in operations(document) {
        render_operation(&mut out, document, path, method, operation);
    }
    if let Some(Value::Object(schemas)) = document.pointer("/components/schemas") {
        for (name, schema) in schemas {
            render_schema(&mut out, name, schema, rules);
        }
    }
    out
}

fn render_operation(out: &mut String, document: &Value, path: &str, method: &str, op: &Value) {
    let id = op.get("operationId").and_then(Value::as_str).unwrap_or("");
    let _ = writeln!(out, "operation {id}: {} {path}", method.to_uppercase());
    let mut rows = Vec::new();
    if let Some(declared) = op.get(EXTENSION) {
        let field = |key: &str| declared.get(key).and_then(Value::as_str);
        let signed = match (
            field("signedField"),
            field("signedParameter"),
            field("auth"),
        ) {
            (Some(f), _, _) => format!("body {f}"),
            (_, Some(p), _) => format!("parameter {p}"),
            (_, _, Some("none")) => "nothing: auth none".into(),
            _ => "?".into(),
        };
        rows.push(["signed".into(), signed, String::new(), String::new()]);
        let key = field("idempotencyKeyField");
        rows.push([
            "idempotency key".into(),
            key.map_or("none".into(), |f| format!("body {f}")),
            String::new(),
            String::new(),
        ]);
        // What the client does (see `stablemint_wire::Method::is_idempotent`).
        let idempotent = matches!(method, "get" | "head" | "put" | "delete" | "options");
        let retried = match (key, idempotent) {
            (Some(_), _) => "after timeouts, 429 and 5xx, with the key (added when absent)".into(),
            (None, true) => format!(
                "after timeouts, 429 and 5xx: {} is idempotent",
                method.to_uppercase()
            ),
            (None, false) => "only when the connection could not be made".to_owned(),
        };
        rows.push(["retried".into(), retried, String::new(), String::new()]);
    }
    let path_params = document
        .pointer(&format!("/paths/{}/parameters", pointer_segment(path)))
        .and_then(Value::as_array);
    let params = path_params.into_iter().flatten().chain(
        op.get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten(),
    );
    for param in params {
        let param = resolve(document, param);
        let name = param.get("name").and_then(Value::as_str).unwrap_or("?");
        let place = param.get("in").and_then(Value::as_str).unwrap_or("?");
        let required = param.get("required").and_then(Value::as_bool) == Some(true);
        let schema = param.get("schema");
        rows.push([
            format!("{place} {name}"),
            schema.map_or("any".into(), type_of),
            presence(required).into(),
            schema
                .and_then(|s| s.get("format"))
                .and_then(Value::as_str)
                .map_or(String::new(), |f| format!("format={f}")),
        ]);
    }
    if let Some(body) = op.get("requestBody") {
        let body = resolve(document, body);
        let required = body.get("required").and_then(Value::as_bool) == Some(true);
        for (media, content) in body
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            rows.push([
                format!("body {media}"),
                content.get("schema").map_or("any".into(), type_of),
                presence(required).into(),
                String::new(),
            ]);
        }
    }
    for (status, response) in op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let response = resolve(document, response);
        let content = response.get("content").and_then(Value::as_object);
        if content.is_none_or(|c| c.is_empty()) {
            rows.push([
                format!("response {status}"),
                "no body".into(),
                String::new(),
                String::new(),
            ]);
        }
        for (media, content) in content.into_iter().flatten() {
            rows.push([
                format!("response {status} {media}"),
                content.get("schema").map_or("any".into(), type_of),
                String::new(),
                String::new(),
            ]);
        }
    }
    write_rows(out, &rows);
}

fn render_schema(out: &mut String, name: &str, schema: &Value, rules: &FieldRules) {
    let _ = writeln!(out, "schema {name}: {}", type_of(schema));
    let required: Vec<&str> = crate::spec::required_properties(schema);
    let mut rows = Vec::new();
    for (wire, property) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let mut notes = Vec::new();
        if let Some(format) = property.get("format").and_then(Value::as_str) {
            notes.push(format!("format={format}"));
        }
        let field_rules = rules.field(name, wire);
        if !field_rules.is_empty() {
            let list: Vec<String> = field_rules.iter().map(ToString::to_string).collect();
            notes.push(format!("rule={}", list.join(",")));
        }
        rows.push([
            wire.clone(),
            type_of(property),
            presence(required.contains(&wire.as_str())).into(),
            notes.join(" "),
        ]);
    }
    write_rows(out, &rows);
}

fn presence(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

/// A short type: `string`, `integer`, `UserKyc`, `array<SavedBank>`, `object<any>`.
fn type_of(schema: &Value) -> String {
    if let Some(name) = schema_ref_name(schema) {
        return name.to_owned();
    }
    if let Some(other) = schema.get("$ref").and_then(Value::as_str) {
        return other.to_owned();
    }
    let nullable = if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        "?"
    } else {
        ""
    };
    let ty = match schema.get("type").and_then(Value::as_str) {
        Some("array") => format!(
            "array<{}>",
            schema.get("items").map_or("any".into(), type_of)
        ),
        Some("object") => match schema.get("additionalProperties") {
            Some(Value::Bool(true)) | Some(Value::Object(_))
                if schema.get("properties").is_none() =>
            {
                let values = match schema.get("additionalProperties") {
                    Some(inner @ Value::Object(map)) if !map.is_empty() => type_of(inner),
                    _ => "any".into(),
                };
                format!("map<string, {values}>")
            }
            _ => "object".into(),
        },
        Some(other) => other.to_owned(),
        None => ["allOf", "oneOf", "anyOf"]
            .into_iter()
            .find_map(|k| {
                let parts = schema.get(k)?.as_array()?;
                let names: Vec<String> = parts.iter().map(type_of).collect();
                Some(format!("{k}<{}>", names.join(", ")))
            })
            .unwrap_or_else(|| "any".into()),
    };
    format!("{ty}{nullable}")
}

/// Column widths. Fixed, not fitted to the longest cell, so that adding or changing one
/// field changes one line of the listing and nothing else.
const WIDTHS: [usize; 3] = [30, 28, 8];

/// Writes rows as two-space indented columns without trailing spaces.
fn write_rows(out: &mut String, rows: &[[String; 4]]) {
    for row in rows {
        let mut line = String::from(" ");
        for (width, cell) in WIDTHS.iter().chain([&0]).zip(row) {
            let _ = write!(line, " {cell:width$}");
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out.push('\n');
}
