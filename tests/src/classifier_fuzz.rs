//! The spec-change classifier checked against the compiler: seeded random edits of the
//! spec, each classified by [`stablemint_diff::classify`], generated in a copy of the
//! repository, and type-checked with `tests/downstream/every_item`, a crate that uses
//! every public item of the base API. `tests/examples/classifier_fuzz.rs` runs it
//! (`scripts/classifier-fuzz.sh`); this module holds what needs no compiler: the base
//! spec, the edits, and the tally.
//!
//! The base is a frozen copy of the spec (`tests/fixtures/stablemint-frozen.yaml`) with
//! the operations of `tests/fixtures/every-shape.yaml` and [`add_fixture`]'s enums and
//! constraints, so that every kind of edit has something to edit. It is frozen so that
//! the spec can grow (an optional field, an operation) without anyone having to teach
//! `every_item` the new items by hand. An edit whose every change the classifier calls
//! non-breaking must leave `every_item` compiling.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Value, json};
use stablemint_codegen::operations::AUTH_HEADERS;
use stablemint_diff::Level;

use crate::downstream::merge_every_shape;

/// The spec the edits start from: `tests/fixtures/stablemint-frozen.yaml`, the
/// operations of `tests/fixtures/every-shape.yaml`, and [`add_fixture`].
pub fn base_spec() -> Value {
    let text = include_str!("../fixtures/stablemint-frozen.yaml");
    let mut spec: Value = serde_yaml::from_str(text).expect("the frozen spec parses");
    merge_every_shape(&mut spec);
    add_fixture(&mut spec);
    spec
}

/// What the base adds for edits that need it: an enum in a request and one in a
/// response, and a constrained string (which typify makes a newtype) and integer, so
/// that enum values and constraints can be added and removed.
pub fn add_fixture(spec: &mut Value) {
    let schemas = &mut spec["components"]["schemas"];
    schemas["ProbeRefundRequest"]["properties"]["reason"] = json!({
        "type": "string",
        "enum": ["duplicate", "fraudulent", "requested"],
        "description": "Why the refund is asked for."
    });
    schemas["ProbeRefundRequest"]["properties"]["note"] = json!({
        "type": "string",
        "maxLength": 200,
        "description": "A note for the merchant's records."
    });
    schemas["ProbeStatus"]["properties"]["phase"] = json!({
        "type": "string",
        "enum": ["open", "paid", "expired"],
        "description": "Where the session is."
    });
    schemas["ProbeStatus"]["properties"]["attempts"] = json!({
        "type": "integer",
        "format": "int32",
        "minimum": 0,
        "description": "Payment attempts so far."
    });
}

/// One random edit of the base.
#[derive(Debug, Clone)]
pub struct Edit {
    /// The kind of edit (`property-retyped`), one of [`KINDS`].
    pub kind: &'static str,
    /// What was edited, in one line.
    pub description: String,
    /// The edited spec.
    pub head: Value,
}

type Apply = fn(&mut Value, &mut fastrand::Rng, usize) -> Option<String>;

/// Every kind of edit, with the function that makes one (or `None` when the spec has
/// nothing it applies to).
pub const KINDS: &[(&str, Apply)] = &[
    ("property-added-optional", |s, r, n| {
        add_property(s, r, n, false)
    }),
    ("property-added-required", |s, r, n| {
        add_property(s, r, n, true)
    }),
    ("property-removed", remove_property),
    ("property-retyped", retype_property),
    ("property-made-required", |s, r, _| set_required(s, r, true)),
    ("property-made-optional", |s, r, _| {
        set_required(s, r, false)
    }),
    ("property-became-enum", make_enum),
    ("enum-value-added", add_enum_value),
    ("enum-value-removed", remove_enum_value),
    ("constraint-added", add_constraint),
    ("constraint-removed", remove_constraint),
    ("parameter-added", add_parameter),
    ("parameter-removed", remove_parameter),
    ("parameter-retyped", retype_parameter),
    ("parameter-required-toggled", toggle_parameter_required),
    ("operation-added", add_operation),
    ("operation-removed", remove_operation),
    ("x-stablemint-changed", change_declaration),
];

/// The `serial`-th edit: a kind picked by `rng`, applied to a copy of `base`. New
/// names carry `serial`, so they differ from edit to edit.
pub fn random_edit(base: &Value, rng: &mut fastrand::Rng, serial: usize) -> Edit {
    loop {
        let (kind, apply) = KINDS[rng.usize(..KINDS.len())];
        let mut head = base.clone();
        if let Some(description) = apply(&mut head, rng, serial)
            && head != *base
        {
            return Edit {
                kind,
                description,
                head,
            };
        }
    }
}

/// What became of one edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The generator refused the edited spec, with its message.
    Refused(String),
    /// `every_item` compiled against the generated code.
    Compiled,
    /// `every_item` did not compile; the first errors.
    Failed(String),
    /// The generator accepted the spec, but the crates it generated do not compile: a
    /// defect of the generator, whatever the classifier said; the first errors.
    Broken(String),
}

/// One edit, its classification and its outcome.
#[derive(Debug, Clone)]
pub struct Record {
    /// The edit's kind.
    pub kind: &'static str,
    /// The edit.
    pub description: String,
    /// Each change the classifier reported: its rule id and level.
    pub changes: Vec<(&'static str, Level)>,
    /// What the generator and the compiler made of it.
    pub outcome: Outcome,
}

impl Record {
    /// The worst level among the changes; `None` when the classifier saw none.
    pub fn level(&self) -> Option<Level> {
        self.changes.iter().map(|(_, level)| *level).max()
    }

    /// The invariant broken: every change non-breaking (or none at all), and the
    /// downstream crate does not compile.
    pub fn is_violation(&self) -> bool {
        matches!(self.outcome, Outcome::Failed(_))
            && self.level().is_none_or(|l| l == Level::NonBreaking)
    }

    /// Breaking by the classifier, and yet the downstream crate compiles: worth
    /// reading, not wrong (a wire break, or a Rust break of an item no caller uses).
    pub fn is_breaking_but_compiled(&self) -> bool {
        self.outcome == Outcome::Compiled && self.level() == Some(Level::Breaking)
    }
}

/// Counts per rule id: edits, the levels given, refused, compiled, failed, failed while
/// every change of the edit was non-breaking, and generated code that did not compile.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RuleCount {
    /// Edits with a change of this rule.
    pub edits: usize,
    /// The levels the rule's changes were given.
    pub levels: Vec<Level>,
    /// Of those edits, how many the generator refused.
    pub refused: usize,
    /// How many compiled.
    pub compiled: usize,
    /// How many did not compile.
    pub failed: usize,
    /// How many broke the invariant.
    pub violations: usize,
    /// How many the generator accepted and generated code for that does not compile.
    pub broken: usize,
}

/// The counts per rule id (edits with no change under `(none)`), in id order.
pub fn tally(records: &[Record]) -> BTreeMap<&'static str, RuleCount> {
    let mut counts: BTreeMap<&'static str, RuleCount> = BTreeMap::new();
    for record in records {
        let mut ids: Vec<(&'static str, Level)> = record.changes.clone();
        if ids.is_empty() {
            ids.push(("(none)", Level::NonBreaking));
        }
        ids.sort();
        ids.dedup_by_key(|(id, _)| *id);
        for (id, _) in &ids {
            let count = counts.entry(id).or_default();
            count.edits += 1;
            for (_, level) in record.changes.iter().filter(|(i, _)| i == id) {
                if !count.levels.contains(level) {
                    count.levels.push(*level);
                }
            }
            match record.outcome {
                Outcome::Refused(_) => count.refused += 1,
                Outcome::Compiled => count.compiled += 1,
                Outcome::Failed(_) => count.failed += 1,
                Outcome::Broken(_) => count.broken += 1,
            }
            if record.is_violation() {
                count.violations += 1;
            }
        }
    }
    for count in counts.values_mut() {
        count.levels.sort();
    }
    counts
}

/// The tally as a Markdown table.
pub fn markdown_table(records: &[Record]) -> String {
    let mut out = String::from(
        "| rule | edits | level | refused | compiled | failed | non-breaking but failed | \
         generated code broken |\n|---|---:|---|---:|---:|---:|---:|---:|\n",
    );
    for (id, count) in tally(records) {
        let levels: Vec<&str> = count.levels.iter().map(|l| l.as_str()).collect();
        let _ = writeln!(
            out,
            "| `{id}` | {} | {} | {} | {} | {} | {} | {} |",
            count.edits,
            if levels.is_empty() {
                "-".to_owned()
            } else {
                levels.join(", ")
            },
            count.refused,
            count.compiled,
            count.failed,
            count.violations,
            count.broken
        );
    }
    out
}

// The edits. Each returns what it did, or `None` when the spec has nothing it applies to.

/// Schemas a new property or a constraint may go in: every component schema with
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

fn add_property(
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

fn remove_property(spec: &mut Value, rng: &mut fastrand::Rng, _: usize) -> Option<String> {
    let (schema_name, name) = pick(rng, &all_properties(spec))?;
    let schema = &mut spec["components"]["schemas"][&schema_name];
    schema["properties"].as_object_mut()?.remove(&name);
    if let Some(required) = schema["required"].as_array_mut() {
        required.retain(|r| r != &json!(name));
    }
    drop_empty_required(schema);
    Some(format!("remove property `{schema_name}.{name}`"))
}

fn retype_property(spec: &mut Value, rng: &mut fastrand::Rng, _: usize) -> Option<String> {
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

fn set_required(spec: &mut Value, rng: &mut fastrand::Rng, required: bool) -> Option<String> {
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

fn make_enum(spec: &mut Value, rng: &mut fastrand::Rng, _: usize) -> Option<String> {
    let candidates = properties_where(spec, |p| {
        p["type"] == "string" && p.get("format").is_none() && p.get("enum").is_none()
    });
    let (schema_name, name) = pick(rng, &candidates)?;
    spec["components"]["schemas"][&schema_name]["properties"][&name]["enum"] =
        json!(["alpha", "beta", "gamma"]);
    Some(format!("make `{schema_name}.{name}` an enum"))
}

fn add_enum_value(spec: &mut Value, rng: &mut fastrand::Rng, serial: usize) -> Option<String> {
    let (schema_name, name) = pick(rng, &properties_where(spec, |p| p["enum"].is_array()))?;
    let value = format!("fuzz{serial}");
    spec["components"]["schemas"][&schema_name]["properties"][&name]["enum"]
        .as_array_mut()?
        .push(json!(value));
    Some(format!("add `{value}` to the enum `{schema_name}.{name}`"))
}

fn remove_enum_value(spec: &mut Value, rng: &mut fastrand::Rng, _: usize) -> Option<String> {
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

fn add_constraint(spec: &mut Value, rng: &mut fastrand::Rng, _: usize) -> Option<String> {
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

fn remove_constraint(spec: &mut Value, rng: &mut fastrand::Rng, _: usize) -> Option<String> {
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

fn add_parameter(spec: &mut Value, rng: &mut fastrand::Rng, serial: usize) -> Option<String> {
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

fn remove_parameter(spec: &mut Value, rng: &mut fastrand::Rng, _: usize) -> Option<String> {
    let (list, index, name) = pick(rng, &parameters(spec))?;
    spec.pointer_mut(&list)?.as_array_mut()?.remove(index);
    Some(format!("remove parameter `{name}` at {list}"))
}

fn retype_parameter(spec: &mut Value, rng: &mut fastrand::Rng, _: usize) -> Option<String> {
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

fn toggle_parameter_required(
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

fn add_operation(spec: &mut Value, rng: &mut fastrand::Rng, serial: usize) -> Option<String> {
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

fn remove_operation(spec: &mut Value, rng: &mut fastrand::Rng, _: usize) -> Option<String> {
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
fn change_declaration(spec: &mut Value, rng: &mut fastrand::Rng, _: usize) -> Option<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(base: &Value, head: &Value) -> Vec<(&'static str, Level)> {
        let base = serde_yaml::to_string(base).unwrap();
        let head = serde_yaml::to_string(head).unwrap();
        stablemint_diff::classify(
            stablemint_diff::Source::new("base.yaml", &base),
            stablemint_diff::Source::new("head.yaml", &head),
        )
        .unwrap()
        .changes
        .iter()
        .map(|c| (c.id, c.level))
        .collect()
    }

    #[test]
    fn the_base_generates_and_classifies_against_itself_as_unchanged() {
        let base = base_spec();
        let text = serde_yaml::to_string(&base).unwrap();
        let output = stablemint_codegen::generate_from_str(&text, "base.yaml".as_ref())
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            output
                .rust_api
                .contains("variant types::ProbeRefundRequestReason::Duplicate")
        );
        assert!(
            output
                .rust_api
                .contains("field types::ProbeStatus::attempts: Option<i32>")
        );
        assert_eq!(classify(&base, &base), []);
    }

    /// What `every_item` must write to use the item of one line of the listing, for
    /// the items a user of `stablemint` reaches (the types, the methods, the options).
    fn usage(line: &str) -> Option<String> {
        let (krate, rest) = line.split_once(' ')?;
        let rest = rest.strip_prefix("async ").unwrap_or(rest);
        let (kind, rest) = rest.split_once(' ')?;
        let path = rest[..rest.find([' ', '(', '<']).unwrap_or(rest.len())].trim_end_matches(':');
        let segments: Vec<&str> = path.split("::").collect();
        let last = *segments.last()?;
        let reached = krate == "stablemint" || segments.first() == Some(&"types");
        if !reached {
            return None;
        }
        match (kind, segments.as_slice()) {
            ("struct" | "enum", _) => Some(last.to_owned()),
            ("variant", [.., ty, variant]) => Some(format!("{ty}::{variant}")),
            ("field", _) => Some(format!(".{last}")),
            ("fn", [.., ty, "builder"]) => Some(format!("{ty}::builder()")),
            ("fn", [.., ty, "new"]) => Some(format!("{ty}::new()")),
            ("fn", _) => Some(format!(".{last}(")),
            _ => None,
        }
    }

    #[test]
    fn every_item_uses_every_item_of_the_base_api() {
        let base = serde_yaml::to_string(&base_spec()).unwrap();
        let listing = stablemint_codegen::generate_from_str(&base, "base.yaml".as_ref())
            .unwrap()
            .rust_api;
        let source = include_str!("../downstream/every_item/src/main.rs");
        let checked: Vec<(&str, String)> = listing
            .lines()
            .filter_map(|line| Some((line, usage(line)?)))
            .collect();
        // Every type, field, variant, builder setter, method and options setter.
        assert!(checked.len() > 200, "only {} items checked", checked.len());
        let missing: Vec<&str> = checked
            .iter()
            .filter(|(_, used)| !source.contains(used.as_str()))
            .map(|(line, _)| *line)
            .collect();
        assert!(
            missing.is_empty(),
            "tests/downstream/every_item does not use:\n{}",
            missing.join("\n")
        );
        assert_eq!(
            usage("stablemint_raw field types::A::b: String").as_deref(),
            Some(".b")
        );
        assert_eq!(
            usage("stablemint async fn Client::get(&self) -> Result<(), Error>").as_deref(),
            Some(".get(")
        );
        assert_eq!(
            usage("stablemint_raw fn Client::new(x: &str) -> Self"),
            None
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_edits() {
        let base = base_spec();
        let run = |seed| {
            let mut rng = fastrand::Rng::with_seed(seed);
            (0..20)
                .map(|i| random_edit(&base, &mut rng, i).description)
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }

    #[test]
    fn every_kind_applies_to_the_base_and_is_seen_by_the_classifier() {
        let base = base_spec();
        let mut rng = fastrand::Rng::with_seed(1);
        for (kind, apply) in KINDS {
            let mut head = base.clone();
            let applied = (0..50).find_map(|i| {
                head = base.clone();
                apply(&mut head, &mut rng, i).filter(|_| head != base)
            });
            let description = applied.unwrap_or_else(|| panic!("{kind} never applied"));
            assert!(
                !classify(&base, &head).is_empty(),
                "{kind}: the classifier saw nothing in: {description}"
            );
        }
    }

    #[test]
    fn a_non_breaking_edit_that_fails_to_compile_is_a_violation() {
        let record = |changes: Vec<(&'static str, Level)>, outcome| Record {
            kind: "k",
            description: String::new(),
            changes,
            outcome,
        };
        let failed = || Outcome::Failed("error[E0609]".into());
        let quiet = record(vec![("endpoint-added", Level::NonBreaking)], failed());
        assert!(quiet.is_violation());
        assert!(record(vec![], failed()).is_violation());
        let loud = record(
            vec![
                ("endpoint-added", Level::NonBreaking),
                ("request-property-removed", Level::Breaking),
            ],
            failed(),
        );
        assert!(!loud.is_violation());
        let compiled = record(
            vec![("request-property-removed", Level::Breaking)],
            Outcome::Compiled,
        );
        assert!(compiled.is_breaking_but_compiled());
        assert!(!record(vec![], Outcome::Refused("no".into())).is_violation());

        let counts = tally(&[quiet, loud, compiled]);
        assert_eq!(
            counts["endpoint-added"],
            RuleCount {
                edits: 2,
                levels: vec![Level::NonBreaking],
                refused: 0,
                compiled: 0,
                failed: 2,
                violations: 1,
                broken: 0,
            }
        );
        assert_eq!(counts["request-property-removed"].compiled, 1);
        assert_eq!(counts["request-property-removed"].failed, 1);
    }
}
