//! The edits. Each returns what it did, or `None` when the spec has nothing it applies to.

use serde_json::{Value, json};
use stablemint_codegen::operations::AUTH_HEADERS;

/// properties.
fn object_schemas(spec: &Value) -> Vec<String> {
    spec["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, schema)| schema.get("properties").is_some_and(Value::is_object))
        .map(|(name, _)| name.clone())
        .collect()
}

/// Every property as (schema, property).
fn all_properties(spec: &Value) -> Vec<(String, String)> {
    object_schemas(spec)
        .into_iter()
        .flat_map(|schema| {
            let names: Vec<String> = spec["components"]["schemas"][&schema]["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, _)| name.clone())
                .collect();
            names.into_iter().map(move |name| (schema.clone(), name))
        })
        .collect()
}

fn pick<T: Clone>(rng: &mut fastrand::Rng, items: &[T]) -> Option<T> {
    (!items.is_empty()).then(|| items[rng.usize(..items.len())].clone())
}

/// The schemas a property or a parameter may be given.
fn random_type(rng: &mut fastrand::Rng, for_parameter: bool) -> Value {
    let mut types = vec![
        json!({"type": "string"}),
        json!({"type": "string", "format": "uuid"}),
        json!({"type": "string", "format": "date"}),
        json!({"type": "integer", "format": "int32"}),
        json!({"type": "integer", "format": "int64"}),
        json!({"type": "number", "format": "double"}),
        json!({"type": "boolean"}),
        json!({"type": "array", "items": {"type": "string"}}),
    ];
    if !for_parameter {
        types.push(json!({"type": "string", "format": "email"}));
        types.push(json!({"type": "array", "items": {"type": "integer", "format": "int64"}}));
        types.push(json!({"type": "object", "additionalProperties": true}));
    }
    types.swap_remove(rng.usize(..types.len()))
}

/// A schema without its description, to compare types.
fn bare(schema: &Value) -> Value {
    let mut schema = schema.clone();
    if let Some(map) = schema.as_object_mut() {
        map.remove("description");
    }
    schema
}

fn type_name(schema: &Value) -> String {
    serde_json::to_string(&bare(schema)).unwrap_or_default()
}

fn required_list(schema: &mut Value) -> &mut Vec<Value> {
    if !schema["required"].is_array() {
        schema["required"] = json!([]);
    }
    schema["required"]
        .as_array_mut()
        .expect("`required` was just made an array")
}

/// OpenAPI 3.0 wants a `required` list to have an element.
fn drop_empty_required(schema: &mut Value) {
    if schema["required"].as_array().is_some_and(Vec::is_empty)
        && let Some(map) = schema.as_object_mut()
    {
        map.remove("required");
    }
}

pub(super) fn add_property(
    spec: &mut Value,
    rng: &mut fastrand::Rng,
    serial: usize,
    required: bool,
) -> Option<String> {
    let schema_name = pick(rng, &object_schemas(spec))?;
    let name = format!("fuzzExtra{serial}");
    let ty = random_type(rng, false);
    let described = type_name(&ty);
    let schema = &mut spec["components"]["schemas"][&schema_name];
    schema["properties"][&name] = ty;
    if required {
        required_list(schema).push(json!(name));
    }
    let presence = if required { "required" } else { "optional" };
    Some(format!(
        "add {presence} property `{schema_name}.{name}` {described}"
    ))
}

pub(super) fn remove_property(
    spec: &mut Value,
    rng: &mut fastrand::Rng,
    _: usize,
) -> Option<String> {
    let (schema_name, name) = pick(rng, &all_properties(spec))?;
    let schema = &mut spec["components"]["schemas"][&schema_name];
    schema["properties"].as_object_mut()?.remove(&name);
    if let Some(required) = schema["required"].as_array_mut() {
        required.retain(|r| r != &json!(name));
    }
    drop_empty_required(schema);
    Some(format!("remove property `{schema_name}.{name}`"))
}

pub(super) fn retype_property(
    spec: &mut Value,
    rng: &mut fastrand::Rng,
    _: usize,
) -> Option<String> {
    let (schema_name, name) = pick(rng, &all_properties(spec))?;
    let property = &mut spec["components"]["schemas"][&schema_name]["properties"][&name];
    let before = bare(property);
    let mut ty = random_type(rng, false);
    if ty == before {
        return None;
    }
    if let Some(description) = property.get("description").cloned() {
        ty["description"] = description;
    }
    let described = type_name(&ty);
    *property = ty;
    Some(format!(
        "retype `{schema_name}.{name}` from {} to {described}",
        type_name(&before)
    ))
}

pub(super) fn set_required(
    spec: &mut Value,
    rng: &mut fastrand::Rng,
    required: bool,
) -> Option<String> {
    let candidates: Vec<(String, String)> = all_properties(spec)
        .into_iter()
        .filter(|(schema, name)| {
            let listed = spec["components"]["schemas"][schema]["required"]
                .as_array()
                .is_some_and(|r| r.contains(&json!(name)));
            listed != required
        })
        .collect();
    let (schema_name, name) = pick(rng, &candidates)?;
    let schema = &mut spec["components"]["schemas"][&schema_name];
    if required {
        required_list(schema).push(json!(name));
        Some(format!("make `{schema_name}.{name}` required"))
    } else {
        required_list(schema).retain(|r| r != &json!(name));
        drop_empty_required(schema);
        Some(format!("make `{schema_name}.{name}` optional"))
    }
}

/// Properties whose schema passes `keep`.
fn properties_where(spec: &Value, keep: impl Fn(&Value) -> bool) -> Vec<(String, String)> {
    all_properties(spec)
        .into_iter()
        .filter(|(schema, name)| keep(&spec["components"]["schemas"][schema]["properties"][name]))
        .collect()
}

pub(super) fn make_enum(spec: &mut Value, rng: &mut fastrand::Rng, _: usize) -> Option<String> {
    let candidates = properties_where(spec, |p| {
        p["type"] == "string" && p.get("format").is_none() && p.get("enum").is_none()
    });
    let (schema_name, name) = pick(rng, &candidates)?;
    spec["components"]["schemas"][&schema_name]["properties"][&name]["enum"] =
        json!(["alpha", "beta", "gamma"]);
    Some(format!("make `{schema_name}.{name}` an enum"))
}

pub(super) fn add_enum_value(
    spec: &mut Value,
    rng: &mut fastrand::Rng,
    serial: usize,
) -> Option<String> {
    let (schema_name, name) = pick(rng, &properties_where(spec, |p| p["enum"].is_array()))?;
    let value = format!("fuzz{serial}");
    spec["components"]["schemas"][&schema_name]["properties"][&name]["enum"]
        .as_array_mut()?
        .push(json!(value));
    Some(format!("add `{value}` to the enum `{schema_name}.{name}`"))
}

pub(super) fn remove_enum_value(
    spec: &mut Value,
    rng: &mut fastrand::Rng,
    _: usize,
) -> Option<String> {
    let candidates = properties_where(spec, |p| p["enum"].as_array().is_some_and(|e| e.len() > 1));
    let (schema_name, name) = pick(rng, &candidates)?;
    let values =
        spec["components"]["schemas"][&schema_name]["properties"][&name]["enum"].as_array_mut()?;
    let removed = values.remove(rng.usize(..values.len()));
    Some(format!(
        "remove {removed} from the enum `{schema_name}.{name}`"
    ))
}

/// The constraints an edit may add to a schema of this type.
fn constraints_for(schema: &Value) -> Vec<(&'static str, Value)> {
    match schema["type"].as_str() {
        Some("string") if schema.get("enum").is_none() => vec![
            ("maxLength", json!(64)),
            ("minLength", json!(1)),
            ("pattern", json!("^[A-Za-z0-9-]+$")),
        ],
        Some("integer") => vec![
            ("minimum", json!(0)),
            ("minimum", json!(1)),
            ("maximum", json!(1000)),
        ],
        Some("number") => vec![("minimum", json!(0)), ("maximum", json!(1_000_000))],
        Some("array") => vec![("maxItems", json!(10)), ("minItems", json!(1))],
        _ => Vec::new(),
    }
}

const CONSTRAINTS: [&str; 7] = [
    "maxLength",
    "minLength",
    "pattern",
    "minimum",
    "maximum",
    "maxItems",
    "minItems",
];

pub(super) fn add_constraint(
    spec: &mut Value,
    rng: &mut fastrand::Rng,
    _: usize,
) -> Option<String> {
    let candidates = properties_where(spec, |p| {
        constraints_for(p)
            .iter()
            .any(|(key, _)| p.get(*key).is_none())
    });
    let (schema_name, name) = pick(rng, &candidates)?;
    let property = &mut spec["components"]["schemas"][&schema_name]["properties"][&name];
    let free: Vec<(&str, Value)> = constraints_for(property)
        .into_iter()
        .filter(|(key, _)| property.get(*key).is_none())
        .collect();
    let (key, value) = pick(rng, &free)?;
    property[key] = value.clone();
    Some(format!("add `{key}: {value}` to `{schema_name}.{name}`"))
}

pub(super) fn remove_constraint(
    spec: &mut Value,
    rng: &mut fastrand::Rng,
    _: usize,
) -> Option<String> {
    let candidates = properties_where(spec, |p| CONSTRAINTS.iter().any(|k| p.get(*k).is_some()));
    let (schema_name, name) = pick(rng, &candidates)?;
    let property =
        spec["components"]["schemas"][&schema_name]["properties"][&name].as_object_mut()?;
    let present: Vec<&str> = CONSTRAINTS
        .into_iter()
        .filter(|k| property.contains_key(*k))
        .collect();
    let key = pick(rng, &present)?;
    property.remove(key);
    Some(format!("remove `{key}` from `{schema_name}.{name}`"))
}

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// Every operation as (path, method).
fn operations(spec: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            if item.get(method).is_some() {
                out.push((path.clone(), method.to_owned()));
            }
        }
    }
    out
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Every parameter but the authentication headers, as (pointer to its list, position,
/// name): the operations' and the path items'. The authentication headers are the
/// generator's contract, which refuses a spec without them (tested elsewhere).
fn parameters(spec: &Value) -> Vec<(String, usize, String)> {
    let mut lists: Vec<String> = Vec::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        lists.push(format!("/paths/{}/parameters", escape(path)));
        for method in METHODS {
            if item.get(method).is_some() {
                lists.push(format!("/paths/{}/{method}/parameters", escape(path)));
            }
        }
    }
    let mut out = Vec::new();
    for list in lists {
        for (index, parameter) in spec
            .pointer(&list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let name = parameter["name"].as_str().unwrap_or_default().to_owned();
            if !AUTH_HEADERS.contains(&name.as_str()) {
                out.push((list.clone(), index, name));
            }
        }
    }
    out
}

pub(super) fn add_parameter(
    spec: &mut Value,
    rng: &mut fastrand::Rng,
    serial: usize,
) -> Option<String> {
    let (path, method) = pick(rng, &operations(spec))?;
    let place = pick(rng, &["query", "header", "path"])?;
    let required = place == "path" || rng.bool();
    let mut schema = random_type(rng, true);
    if place != "query" && schema["type"] == "array" {
        schema = json!({"type": "string"});
    }
    let name = match place {
        "header" => format!("X-Fuzz-{serial}"),
        _ => format!("fuzzParam{serial}"),
    };
    let described = type_name(&schema);
    let parameter = json!({"name": name, "in": place, "required": required, "schema": schema});
    let paths = spec["paths"].as_object_mut()?;
    if place == "path" {
        // A path parameter is part of the path: every operation of the path item gets it.
        let mut item = paths.remove(&path)?;
        let moved = format!("{path}/{{{name}}}");
        required_list_at(&mut item, "parameters").push(parameter);
        paths.insert(moved.clone(), item);
        return Some(format!(
            "add path parameter `{name}` {described}: `{path}` becomes `{moved}`"
        ));
    }
    required_list_at(&mut paths[&path][&method], "parameters").push(parameter);
    let presence = if required { "required" } else { "optional" };
    Some(format!(
        "add {presence} {place} parameter `{name}` {described} to {} {path}",
        method.to_uppercase()
    ))
}

fn required_list_at<'v>(value: &'v mut Value, key: &str) -> &'v mut Vec<Value> {
    if !value[key].is_array() {
        value[key] = json!([]);
    }
    value[key]
        .as_array_mut()
        .expect("the list was just made an array")
}

pub(super) fn remove_parameter(
    spec: &mut Value,
    rng: &mut fastrand::Rng,
    _: usize,
) -> Option<String> {
    let (list, index, name) = pick(rng, &parameters(spec))?;
    spec.pointer_mut(&list)?.as_array_mut()?.remove(index);
    Some(format!("remove parameter `{name}` at {list}"))
}

pub(super) fn retype_parameter(
    spec: &mut Value,
    rng: &mut fastrand::Rng,
    _: usize,
) -> Option<String> {
    let (list, index, name) = pick(rng, &parameters(spec))?;
    let query = spec.pointer(&format!("{list}/{index}/in")) == Some(&json!("query"));
    let mut ty = random_type(rng, true);
    if !query && ty["type"] == "array" {
        ty = json!({"type": "boolean"});
    }
    let schema = spec.pointer_mut(&format!("{list}/{index}/schema"))?;
    let before = bare(schema);
    if ty == before {
        return None;
    }
    let described = type_name(&ty);
    *schema = ty;
    Some(format!(
        "retype parameter `{name}` at {list} from {} to {described}",
        type_name(&before)
    ))
}

pub(super) fn toggle_parameter_required(
    spec: &mut Value,
    rng: &mut fastrand::Rng,
    _: usize,
) -> Option<String> {
    // OpenAPI requires a path parameter to be required.
    let candidates: Vec<(String, usize, String)> = parameters(spec)
        .into_iter()
        .filter(|(list, index, _)| {
            spec.pointer(&format!("{list}/{index}/in")) != Some(&json!("path"))
        })
        .collect();
    let (list, index, name) = pick(rng, &candidates)?;
    let parameter = spec.pointer_mut(&format!("{list}/{index}"))?;
    let required = parameter["required"] == json!(true);
    parameter["required"] = json!(!required);
    let now = if required { "optional" } else { "required" };
    Some(format!("make parameter `{name}` at {list} {now}"))
}

pub(super) fn add_operation(
    spec: &mut Value,
    rng: &mut fastrand::Rng,
    serial: usize,
) -> Option<String> {
    let paths: Vec<String> = spec["paths"].as_object()?.keys().cloned().collect();
    let path = pick(rng, &paths)?;
    let mut item = spec["paths"][&path].clone();
    for method in METHODS {
        if let Some(id) = item[method]["operationId"].as_str() {
            item[method]["operationId"] = json!(format!("{id}Fuzz{serial}"));
        }
    }
    let added = format!("/fuzz{serial}{path}");
    spec["paths"].as_object_mut()?.insert(added.clone(), item);
    Some(format!("add `{added}`, a copy of `{path}`"))
}

pub(super) fn remove_operation(
    spec: &mut Value,
    rng: &mut fastrand::Rng,
    _: usize,
) -> Option<String> {
    let (path, method) = pick(rng, &operations(spec))?;
    let paths = spec["paths"].as_object_mut()?;
    paths[&path].as_object_mut()?.remove(&method);
    if !METHODS.iter().any(|m| paths[&path].get(*m).is_some()) {
        paths.remove(&path);
    }
    Some(format!("remove {} {path}", method.to_uppercase()))
}

/// A change of what an operation's signature covers, of its idempotency key field, or
/// of its form of authentication.
pub(super) fn change_declaration(
    spec: &mut Value,
    rng: &mut fastrand::Rng,
    _: usize,
) -> Option<String> {
    let declared: Vec<(String, String)> = operations(spec)
        .into_iter()
        .filter(|(path, method)| spec["paths"][path][method].get("x-stablemint").is_some())
        .collect();
    let (path, method) = pick(rng, &declared)?;
    let operation = spec["paths"][&path][&method].clone();
    let body_schema = operation
        .pointer("/requestBody/content/application~1json/schema/$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .map(str::to_owned);
    let body_strings: Vec<String> = body_schema
        .iter()
        .flat_map(|schema| {
            spec["components"]["schemas"][schema]["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(_, p)| p["type"] == "string")
                .map(|(name, _)| name.clone())
        })
        .collect();
    // A signed parameter must be required.
    let parameter_names: Vec<String> = parameters(spec)
        .into_iter()
        .filter(|(list, index, _)| {
            list.starts_with(&format!("/paths/{}/", escape(&path)))
                && spec.pointer(&format!("{list}/{index}/required")) == Some(&json!(true))
        })
        .map(|(_, _, name)| name)
        .collect();
    let declaration = &mut spec["paths"][&path][&method]["x-stablemint"];
    let here = format!("{} {path}", method.to_uppercase());
    match rng.usize(..4) {
        0 => {
            let field = pick(rng, &body_strings)?;
            *declaration = json!({"signedField": field});
            Some(format!("{here}: sign the body's `{field}` instead"))
        }
        1 => {
            let parameter = pick(rng, &parameter_names)?;
            *declaration = json!({"signedParameter": parameter});
            Some(format!("{here}: sign the parameter `{parameter}` instead"))
        }
        2 => {
            *declaration = json!({"auth": "none"});
            let operation = &mut spec["paths"][&path][&method];
            if let Some(list) = operation["parameters"].as_array_mut() {
                list.retain(|p| {
                    !(p["in"] == "header"
                        && p["name"]
                            .as_str()
                            .is_some_and(|name| AUTH_HEADERS.contains(&name)))
                });
            }
            Some(format!(
                "{here}: declare `auth: none` and drop the authentication headers"
            ))
        }
        _ => {
            let map = declaration.as_object_mut()?;
            if map.remove("idempotencyKeyField").is_some() {
                return Some(format!("{here}: drop the idempotency key field"));
            }
            let field = pick(rng, &body_strings)?;
            map.insert("idempotencyKeyField".into(), json!(field));
            Some(format!("{here}: the idempotency key goes in `{field}`"))
        }
    }
}
