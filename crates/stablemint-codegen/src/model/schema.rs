//! The spec's schemas as typed values: every component schema with its properties in the
//! spec's order, and every other schema a `$ref` points at, read once so that the passes
//! ask a [`Schema`] what it says instead of looking it up in the JSON again.
//!
//! A [`Schema`] holds its keywords as written, `$ref` included: nothing is followed while
//! reading. [`Schemas::resolve`] follows `$ref`s afterwards, as
//! [`follow`](crate::spec::follow) does on the JSON.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error_responses::Hoisted;
use crate::spec::required_properties;

/// How many `$ref`s [`Schemas::resolve`] follows before it stops, as
/// [`follow`](crate::spec::follow) does, so that a cycle of references cannot loop.
const MAX_HOPS: usize = 32;

/// One schema: the keywords the generator reads, typed, and the schema as written for
/// what needs its JSON (the mock's copy of a response schema).
#[derive(Clone)]
pub(crate) struct Schema<'d> {
    /// The schema as written.
    pub value: &'d Value,
    /// `$ref` as written (`#/components/schemas/Money`), when it is text.
    pub reference: Option<&'d str>,
    /// `type`, when it is text.
    pub ty: Option<&'d str>,
    /// `format`, when it is text.
    pub format: Option<&'d str>,
    /// `description`, when it is text.
    pub description: Option<&'d str>,
    /// `nullable: true`.
    pub nullable: bool,
    /// `items`, whatever it holds.
    pub items: Option<Box<Schema<'d>>>,
    /// `properties` in the spec's order, when the schema has the keyword (a value that is
    /// not an object has no properties).
    pub properties: Option<Vec<Property<'d>>>,
    /// The names listed under `required`.
    pub required: Vec<&'d str>,
    /// What `additionalProperties` allows, when it allows anything.
    pub additional_properties: Option<AdditionalProperties<'d>>,
    /// The first of `allOf`, `oneOf` and `anyOf` that is a list.
    pub composition: Option<Composition<'d>>,
    /// `enum`, as written.
    pub enum_values: Option<&'d Value>,
    /// `minLength`, as written.
    pub min_length: Option<&'d Value>,
    /// `maxLength`, as written.
    pub max_length: Option<&'d Value>,
    /// `pattern`, as written.
    pub pattern: Option<&'d Value>,
}

/// One property of an object schema.
#[derive(Clone)]
pub(crate) struct Property<'d> {
    /// Its name on the wire: its key under `properties`.
    pub wire: &'d str,
    /// Whether the schema lists it under `required`.
    pub required: bool,
    /// Its schema, as written (a `$ref` is not followed).
    pub schema: Schema<'d>,
}

/// What `additionalProperties` allows besides the listed properties.
#[derive(Clone)]
pub(crate) enum AdditionalProperties<'d> {
    /// Any value: `true` or `{}`.
    Any,
    /// Values of this schema (an object with at least one keyword).
    Schema(Box<Schema<'d>>),
}

/// A composition of schemas: `allOf`, `oneOf` or `anyOf` (the `allOf`s of objects are
/// merged before the model is read, see [`compose`](crate::compose)).
#[derive(Clone)]
pub(crate) struct Composition<'d> {
    /// `allOf`, `oneOf` or `anyOf`.
    pub keyword: &'static str,
    /// The schemas composed, in order.
    pub parts: Vec<Schema<'d>>,
}

/// A schema under `components.schemas`.
pub(crate) struct Component<'d> {
    /// Its name: its key under `components.schemas`.
    pub name: &'d str,
    /// The schema.
    pub schema: Schema<'d>,
    /// Whether [`hoist_error_schemas`](crate::error_responses::hoist_error_schemas) made
    /// it from an error response's inline schema: the spec does not list it as a
    /// component, so the API surface shows it where the spec wrote it.
    pub hoisted: bool,
}

/// Every schema of the spec that has a name or that a `$ref` points at.
pub(crate) struct Schemas<'d> {
    /// `components.schemas`, in the spec's order.
    components: Vec<Component<'d>>,
    /// Each component's index in `components`, by name.
    by_name: BTreeMap<&'d str, usize>,
    /// What each `$ref` of the document points at, by its JSON Pointer (the `$ref`
    /// without its `#`).
    targets: BTreeMap<&'d str, Target<'d>>,
}

/// What a `$ref` points at.
enum Target<'d> {
    /// A component schema, by index.
    Component(usize),
    /// Anything else, read as a schema.
    Elsewhere(Box<Schema<'d>>),
}

impl<'d> Schema<'d> {
    /// Reads `value` and everything it holds (its properties, items, additional
    /// properties and composed schemas), following no `$ref`.
    pub fn read(value: &'d Value) -> Self {
        let text = |key: &str| value.get(key).and_then(Value::as_str);
        let required = required_properties(value);
        let properties = value.get("properties").map(|properties| {
            properties
                .as_object()
                .into_iter()
                .flatten()
                .map(|(wire, schema)| Property {
                    wire,
                    required: required.contains(&wire.as_str()),
                    schema: Schema::read(schema),
                })
                .collect()
        });
        let additional_properties = match value.get("additionalProperties") {
            Some(Value::Bool(true)) => Some(AdditionalProperties::Any),
            Some(Value::Object(map)) if map.is_empty() => Some(AdditionalProperties::Any),
            Some(inner @ Value::Object(_)) => {
                Some(AdditionalProperties::Schema(Box::new(Schema::read(inner))))
            }
            _ => None,
        };
        let composition = ["allOf", "oneOf", "anyOf"].into_iter().find_map(|keyword| {
            let parts = value.get(keyword)?.as_array()?;
            Some(Composition {
                keyword,
                parts: parts.iter().map(Schema::read).collect(),
            })
        });
        Schema {
            value,
            reference: text("$ref"),
            ty: text("type"),
            format: text("format"),
            description: text("description"),
            nullable: value.get("nullable").and_then(Value::as_bool) == Some(true),
            items: value
                .get("items")
                .map(|items| Box::new(Schema::read(items))),
            properties,
            required,
            additional_properties,
            composition,
            enum_values: value.get("enum"),
            min_length: value.get("minLength"),
            max_length: value.get("maxLength"),
            pattern: value.get("pattern"),
        }
    }

    /// The component a `$ref: '#/components/schemas/Name'` names: `Name`, as the `$ref`
    /// writes it.
    pub fn component(&self) -> Option<&'d str> {
        self.reference?.strip_prefix("#/components/schemas/")
    }

    /// The property with wire name `wire`.
    pub fn property(&self, wire: &str) -> Option<&Property<'d>> {
        self.properties.as_ref()?.iter().find(|p| p.wire == wire)
    }

    /// Whether `required` lists `wire`.
    pub fn requires(&self, wire: &str) -> bool {
        self.required.contains(&wire)
    }
}

impl<'d> Property<'d> {
    /// The component schema the property refers to: its own `$ref`'s, or, for an array,
    /// its items'.
    pub fn target(&self) -> Option<&'d str> {
        self.schema.component().or_else(|| {
            self.schema
                .items
                .as_ref()
                .filter(|_| self.schema.ty == Some("array"))
                .and_then(|items| items.component())
        })
    }
}

impl<'d> Schemas<'d> {
    /// Reads `components.schemas` of `document`, and what each of `references` (every
    /// `$ref` of the document) points at. `hoisted` is what
    /// [`hoist_error_schemas`](crate::error_responses::hoist_error_schemas) moved.
    pub fn read(document: &'d Value, references: &[&'d str], hoisted: &[Hoisted]) -> Self {
        let components: Vec<Component<'d>> = match document.pointer("/components/schemas") {
            Some(Value::Object(schemas)) => schemas
                .iter()
                .map(|(name, schema)| Component {
                    name,
                    schema: Schema::read(schema),
                    hoisted: hoisted.iter().any(|h| h.name == *name),
                })
                .collect(),
            _ => Vec::new(),
        };
        let by_name = components
            .iter()
            .enumerate()
            .map(|(index, component)| (component.name, index))
            .collect();
        let mut targets = BTreeMap::new();
        for reference in references {
            let Some(pointer) = reference.strip_prefix('#') else {
                continue;
            };
            if targets.contains_key(pointer) {
                continue;
            }
            let Some(target) = document.pointer(pointer) else {
                continue;
            };
            let target = match components
                .iter()
                .position(|c| std::ptr::eq(c.schema.value, target))
            {
                Some(index) => Target::Component(index),
                None => Target::Elsewhere(Box::new(Schema::read(target))),
            };
            targets.insert(pointer, target);
        }
        Self {
            components,
            by_name,
            targets,
        }
    }

    /// Every component schema, in the spec's order.
    pub fn components(&self) -> &[Component<'d>] {
        &self.components
    }

    /// The component schema named `name`.
    pub fn component(&self, name: &str) -> Option<&Component<'d>> {
        self.by_name.get(name).map(|index| &self.components[*index])
    }

    /// What `schema` stands for: the schema its `$ref`s lead to, or `schema` itself.
    /// Like [`follow`](crate::spec::follow), it stops at a `$ref` that points at nothing
    /// and after a bounded number of hops.
    pub fn resolve<'a>(&'a self, schema: &'a Schema<'d>) -> &'a Schema<'d> {
        let mut current = schema;
        for _ in 0..MAX_HOPS {
            let Some(pointer) = current.reference.and_then(|r| r.strip_prefix('#')) else {
                break;
            };
            let Some(target) = self.targets.get(pointer) else {
                break;
            };
            current = match target {
                Target::Component(index) => &self.components[*index].schema,
                Target::Elsewhere(schema) => schema,
            };
        }
        current
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn properties_keep_the_spec_order_and_refs_resolve_through_chains() {
        let document = json!({"components": {"schemas": {
            "A": {"type": "object", "required": ["z"], "properties": {
                "z": {"$ref": "#/components/schemas/C"},
                "a": {"type": "array", "items": {"$ref": "#/components/schemas/B"}},
                "m": {"type": "object", "additionalProperties": {}},
            }},
            "B": {"type": "string", "format": "email"},
            "C": {"$ref": "#/components/schemas/B"},
        }}});
        let references = [
            "#/components/schemas/B",
            "#/components/schemas/C",
            "#/components/schemas/A/properties/m",
        ];
        let hoisted = [Hoisted {
            pointer: "/paths/~1c/get/responses/400/content/application~1json/schema".into(),
            name: "C".into(),
        }];
        let schemas = Schemas::read(&document, &references, &hoisted);
        let names: Vec<&str> = schemas.components().iter().map(|c| c.name).collect();
        assert_eq!(names, ["A", "B", "C"]);
        assert!(schemas.component("C").is_some_and(|c| c.hoisted));
        let a = &schemas.component("A").unwrap().schema;
        let wires: Vec<(&str, bool)> = a
            .properties
            .iter()
            .flatten()
            .map(|p| (p.wire, p.required))
            .collect();
        assert_eq!(wires, [("z", true), ("a", false), ("m", false)]);
        let z = a.property("z").unwrap();
        assert_eq!(z.target(), Some("C"));
        assert_eq!(schemas.resolve(&z.schema).format, Some("email"));
        assert_eq!(a.property("a").unwrap().target(), Some("B"));
        let nested = json!({"$ref": "#/components/schemas/A/properties/m"});
        let nested = Schema::read(&nested);
        assert!(matches!(
            schemas.resolve(&nested).additional_properties,
            Some(AdditionalProperties::Any)
        ));
        let unknown = json!({"$ref": "#/nowhere"});
        let unknown = Schema::read(&unknown);
        assert_eq!(schemas.resolve(&unknown).reference, Some("#/nowhere"));
    }

    #[test]
    fn additional_properties_and_nullable_are_read_as_written() {
        let read = |value: Value| {
            let schema = Schema::read(&value);
            let additional = match schema.additional_properties {
                None => "none".to_owned(),
                Some(AdditionalProperties::Any) => "any".to_owned(),
                Some(AdditionalProperties::Schema(inner)) => inner.ty.unwrap_or("?").to_owned(),
            };
            (additional, schema.nullable)
        };
        let any = ("any".to_owned(), false);
        assert_eq!(read(json!({"additionalProperties": true})), any);
        assert_eq!(read(json!({"additionalProperties": {}})), any);
        assert_eq!(
            read(json!({"additionalProperties": {"type": "integer"}, "nullable": true})),
            ("integer".to_owned(), true)
        );
        assert_eq!(
            read(json!({"additionalProperties": false, "nullable": false})),
            ("none".to_owned(), false)
        );
        assert_eq!(read(json!({})), ("none".to_owned(), false));
    }
}
