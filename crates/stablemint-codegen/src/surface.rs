//! The API surface: what a reviewer reads in a snapshot diff when the spec changes.
//!
//! One block per operation (method, path, operationId, each parameter with where it goes,
//! its type and whether it is required; the body; the responses) and one block per
//! component schema (each property's wire name, type, required or optional, format and
//! validation rules).

use std::fmt::Write;

use crate::declaration::Signature;
use crate::model::{AdditionalProperties, Component, Media, OperationModel, Schema, SpecModel};
use crate::rules::FieldRules;

/// The listing of `model`'s operations and component schemas. It shows the spec as
/// written: an error response's schema that the generator hoisted into a component of
/// its own is shown where the spec wrote it, and not as a component.
pub(crate) fn render(model: &SpecModel<'_>, rules: &FieldRules) -> String {
    let mut out = String::new();
    for operation in &model.operations {
        render_operation(&mut out, model, operation);
    }
    for component in model.schemas.components() {
        if !component.hoisted {
            render_schema(&mut out, component, rules);
        }
    }
    out
}

fn render_operation(out: &mut String, model: &SpecModel<'_>, operation: &OperationModel<'_>) {
    let method = operation.method;
    let _ = writeln!(
        out,
        "operation {}: {} {}",
        operation.id,
        method.to_uppercase(),
        operation.path
    );
    let mut rows = Vec::new();
    let declared = &operation.declaration;
    let signed = match &declared.signature {
        Signature::Field(f) => format!("body {f}"),
        Signature::Parameter(p) => format!("parameter {p}"),
        Signature::None => "nothing: auth none".into(),
    };
    rows.push(["signed".into(), signed, String::new(), String::new()]);
    let key = declared.idempotency_key_field.as_deref();
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
    let written = &operation.written;
    for param in &written.parameters {
        let schema = param.schema.as_ref();
        rows.push([
            format!(
                "{} {}",
                param.location.unwrap_or("?"),
                param.name.unwrap_or("?")
            ),
            schema.map_or("any".into(), type_of),
            presence(param.required).into(),
            schema
                .and_then(|s| s.format)
                .map_or(String::new(), |f| format!("format={f}")),
        ]);
    }
    if let Some(body) = &written.body {
        for media in &body.content {
            rows.push([
                format!("body {}", media.media_type),
                media.schema.as_ref().map_or("any".into(), type_of),
                presence(body.required).into(),
                String::new(),
            ]);
        }
    }
    for response in &written.responses {
        let status = response.status;
        if response.content.is_empty() {
            rows.push([
                format!("response {status}"),
                "no body".into(),
                String::new(),
                String::new(),
            ]);
        }
        for media in &response.content {
            rows.push([
                format!("response {status} {}", media.media_type),
                as_written(model, media).map_or("any".into(), type_of),
                String::new(),
                String::new(),
            ]);
        }
    }
    write_rows(out, &rows);
}

/// The schema of `media` as the spec wrote it: for an error schema the generator
/// hoisted, the component it became.
fn as_written<'m, 'd>(model: &'m SpecModel<'d>, media: &'m Media<'d>) -> Option<&'m Schema<'d>> {
    let schema = media.schema.as_ref()?;
    if !media.hoisted {
        return Some(schema);
    }
    schema
        .component()
        .and_then(|name| model.schemas.component(name))
        .map(|component| &component.schema)
}

fn render_schema(out: &mut String, component: &Component<'_>, rules: &FieldRules) {
    let name = component.name;
    let _ = writeln!(out, "schema {name}: {}", type_of(&component.schema));
    let mut rows = Vec::new();
    for property in component.schema.properties.iter().flatten() {
        let wire = property.wire;
        let mut notes = Vec::new();
        if let Some(format) = property.schema.format {
            notes.push(format!("format={format}"));
        }
        let field_rules = rules.field(name, wire);
        if !field_rules.is_empty() {
            let list: Vec<String> = field_rules.iter().map(ToString::to_string).collect();
            notes.push(format!("rule={}", list.join(",")));
        }
        rows.push([
            wire.to_owned(),
            type_of(&property.schema),
            presence(property.required).into(),
            notes.join(" "),
        ]);
    }
    write_rows(out, &rows);
}

fn presence(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

/// A short type: `string`, `integer`, `UserKyc`, `array<SavedBank>`, `object<any>`.
fn type_of(schema: &Schema<'_>) -> String {
    if let Some(name) = schema.component() {
        return name.to_owned();
    }
    if let Some(other) = schema.reference {
        return other.to_owned();
    }
    let nullable = if schema.nullable { "?" } else { "" };
    let ty = match schema.ty {
        Some("array") => format!(
            "array<{}>",
            schema.items.as_deref().map_or("any".into(), type_of)
        ),
        Some("object") => match &schema.additional_properties {
            Some(additional) if schema.properties.is_none() => {
                let values = match additional {
                    AdditionalProperties::Schema(inner) => type_of(inner),
                    AdditionalProperties::Any => "any".into(),
                };
                format!("map<string, {values}>")
            }
            _ => "object".into(),
        },
        Some(other) => other.to_owned(),
        None => schema
            .composition
            .as_ref()
            .map(|composition| {
                let names: Vec<String> = composition.parts.iter().map(type_of).collect();
                format!("{}<{}>", composition.keyword, names.join(", "))
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_an_object_without_properties_is_listed_as_a_map() {
        let map = json!({"type": "object", "additionalProperties": {"type": "integer"}});
        assert_eq!(type_of(&Schema::read(&map)), "map<string, integer>");
        let both = json!({
            "type": "object",
            "properties": {"a": {"type": "string"}},
            "additionalProperties": true,
        });
        assert_ne!(type_of(&Schema::read(&both)), "map<string, any>");
    }
}
