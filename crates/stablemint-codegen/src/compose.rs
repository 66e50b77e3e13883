//! `allOf` of object schemas, merged into one object schema before anything else reads
//! the spec.
//!
//! "A request like the embedded one plus `returnUrl`" is written
//!
//! ```yaml
//! HostedSessionRequest:
//!   allOf:
//!     - $ref: "#/components/schemas/EmbeddedSessionRequest"
//!     - type: object
//!       required: [returnUrl]
//!       properties:
//!         returnUrl: {type: string, format: uri}
//! ```
//!
//! and becomes one object with every part's properties and required names, so that the
//! rest of the generator (the signed field, the key field, the validation rules, the
//! JSON shape, the mock's answers) sees one object, and typify one struct. Parts must be
//! objects; a property defined differently by two parts stops generation with a
//! sentence, as does any composition this does not merge (`oneOf`, `anyOf`, `not`).

use serde_json::{Map, Value};

use crate::spec::{pointer_segment, schema_ref_name};

/// How deep `allOf`s may nest through `$ref`s before they are taken for a cycle.
const MAX_DEPTH: usize = 16;

/// Keys a part of an `allOf` may have beside its properties; they describe the part
/// and are dropped with it (the merged schema keeps the outer schema's own).
const DESCRIPTIVE: [&str; 5] = ["type", "description", "title", "example", "nullable"];

/// Replaces every schema with an `allOf` in `document` by the merged object.
pub(crate) fn merge_all_of(document: &mut Value) -> Result<(), String> {
    let original = document.clone();
    replace(&original, document, String::new())
}

/// Walks `value` (at JSON Pointer `at`), merging every `allOf` found.
fn replace(document: &Value, value: &mut Value, at: String) -> Result<(), String> {
    match value {
        Value::Object(map) => {
            if map.contains_key("allOf") {
                *value = merged(document, value, &at, 0)?;
                return Ok(());
            }
            for (key, child) in map.iter_mut() {
                replace(document, child, format!("{at}/{}", pointer_segment(key)))?;
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter_mut().enumerate() {
                replace(document, child, format!("{at}/{index}"))?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The object `schema` (at `at`, with an `allOf`) stands for.
fn merged(document: &Value, schema: &Value, at: &str, depth: usize) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "`{at}`: its `allOf` refers back to itself through `$ref`s; a schema cannot \
             contain itself"
        ));
    }
    let Some(outer) = schema.as_object() else {
        return Ok(schema.clone());
    };
    let Some(Value::Array(parts)) = outer.get("allOf") else {
        return Err(format!("`{at}/allOf` must be a list of schemas"));
    };
    let mut properties = Map::new();
    let mut required: Vec<Value> = Vec::new();
    let mut add = |part: &Map<String, Value>, place: &str| -> Result<(), String> {
        for key in [
            "oneOf",
            "anyOf",
            "not",
            "discriminator",
            "additionalProperties",
        ] {
            if part.contains_key(key) {
                return Err(format!(
                    "`{place}` has `{key}`, which an `allOf` is not merged with: the \
                     generator binds an `allOf` of object schemas with `properties` (and \
                     `required`) only; write the object out instead"
                ));
            }
        }
        match part.get("type") {
            None => {}
            Some(Value::String(kind)) if kind == "object" => {}
            Some(_) => {
                return Err(format!(
                    "`{place}` is not an object schema: every part of an `allOf` must be \
                     `type: object` with `properties`"
                ));
            }
        }
        if let Some(Value::Object(own)) = part.get("properties") {
            for (name, property) in own {
                match properties.get(name) {
                    Some(existing) if existing != property => {
                        return Err(format!(
                            "`{place}` defines the property `{name}` differently from \
                             another part of `{at}/allOf`: define it once, in one part"
                        ));
                    }
                    _ => {
                        properties.insert(name.clone(), property.clone());
                    }
                }
            }
        }
        if let Some(Value::Array(names)) = part.get("required") {
            for name in names {
                if !required.contains(name) {
                    required.push(name.clone());
                }
            }
        }
        Ok(())
    };
    for (index, part) in parts.iter().enumerate() {
        let place = format!("{at}/allOf/{index}");
        let (part, place) = match part.get("$ref") {
            Some(_) => {
                let name = schema_ref_name(part).ok_or_else(|| {
                    format!(
                        "`{place}`: an `allOf` part may refer to a schema under \
                         `#/components/schemas/` only"
                    )
                })?;
                let target = document
                    .pointer(&format!("/components/schemas/{}", pointer_segment(name)))
                    .ok_or_else(|| format!("`{place}`: no schema `{name}`"))?;
                (
                    target,
                    format!("/components/schemas/{}", pointer_segment(name)),
                )
            }
            None => (part, place),
        };
        let part = if part.get("allOf").is_some() {
            merged(document, part, &place, depth + 1)?
        } else {
            part.clone()
        };
        let part = part
            .as_object()
            .ok_or_else(|| format!("`{place}` is not a schema object"))?;
        add(part, &place)?;
    }
    // The outer schema's own properties and names count as one more part.
    let mut own = outer.clone();
    own.remove("allOf");
    add(&own, at)?;
    let mut out = Map::new();
    out.insert("type".into(), Value::from("object"));
    for key in DESCRIPTIVE.iter().filter(|k| **k != "type") {
        if let Some(value) = outer.get(*key) {
            out.insert((*key).into(), value.clone());
        }
    }
    for (key, value) in outer.iter().filter(|(k, _)| k.starts_with("x-")) {
        out.insert(key.clone(), value.clone());
    }
    if !required.is_empty() {
        out.insert("required".into(), Value::Array(required));
    }
    out.insert("properties".into(), Value::Object(properties));
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn document(schemas: Value) -> Value {
        json!({"components": {"schemas": schemas}})
    }

    #[test]
    fn a_ref_and_inline_properties_become_one_object() {
        let mut doc = document(json!({
            "Base": {"type": "object", "required": ["a"], "description": "The base.",
                     "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}},
            "Grown": {"description": "Base, and c.", "allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"type": "object", "required": ["c"], "properties": {"c": {"type": "string", "format": "uri"}}},
            ]},
        }));
        merge_all_of(&mut doc).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["Grown"],
            json!({"type": "object", "description": "Base, and c.", "required": ["a", "c"],
                   "properties": {"a": {"type": "string"}, "b": {"type": "integer"},
                                  "c": {"type": "string", "format": "uri"}}})
        );
        // The base itself is untouched.
        assert_eq!(
            doc["components"]["schemas"]["Base"]["required"],
            json!(["a"])
        );
    }

    #[test]
    fn two_refs_nested_allofs_and_inline_bodies() {
        let mut doc = document(json!({
            "A": {"type": "object", "properties": {"a": {"type": "string"}}},
            "B": {"allOf": [{"$ref": "#/components/schemas/A"},
                            {"properties": {"b": {"type": "string"}}, "required": ["b"]}]},
            "C": {"allOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]},
        }));
        doc["paths"] = json!({"/x": {"post": {"requestBody": {"content": {"application/json":
            {"schema": {"allOf": [{"$ref": "#/components/schemas/C"}]}}}}}}});
        merge_all_of(&mut doc).unwrap();
        let c = &doc["components"]["schemas"]["C"];
        assert_eq!(
            c["properties"],
            json!({"a": {"type": "string"}, "b": {"type": "string"}})
        );
        assert_eq!(c["required"], json!(["b"]));
        let inline =
            &doc["paths"]["/x"]["post"]["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(inline, c);
    }

    #[test]
    fn what_is_not_merged_is_refused_by_name() {
        let fails = |schemas: Value| {
            let mut doc = document(schemas);
            merge_all_of(&mut doc).unwrap_err()
        };
        let conflict = fails(json!({
            "A": {"properties": {"a": {"type": "string"}}},
            "B": {"allOf": [{"$ref": "#/components/schemas/A"},
                            {"properties": {"a": {"type": "integer"}}}]},
        }));
        assert!(
            conflict.contains("defines the property `a` differently"),
            "{conflict}"
        );
        let scalar = fails(json!({"B": {"allOf": [{"type": "string"}]}}));
        assert!(
            scalar.contains("`/components/schemas/B/allOf/0` is not an object schema"),
            "{scalar}"
        );
        let one_of = fails(json!({"B": {"allOf": [{"oneOf": [{"type": "object"}]}]}}));
        assert!(one_of.contains("has `oneOf`"), "{one_of}");
        let cycle = fails(json!({"B": {"allOf": [{"$ref": "#/components/schemas/B"}]}}));
        assert!(cycle.contains("refers back to itself"), "{cycle}");
    }
}
