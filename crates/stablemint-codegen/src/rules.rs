//! Which `#[validate(...)]` rules each generated field gets, read from the spec.
//!
//! - A property's `format` gives its rule through [`FORMATS`], the one table that maps
//!   formats to rules. A format missing from the table fails generation; it is never
//!   silently ignored.
//! - A `number` property named `amount` is a money amount: it gets `positive`, and when its
//!   schema has a property with `format: iso4217`, also `precision = <that property>`.
//! - A property that is a `$ref` (or an array of `$ref`s) to a schema with validated
//!   fields gets `nested`.

use std::collections::BTreeMap;
use std::fmt;

use crate::model::{Component, Schemas, Site, SpecModel};

/// Every `format` the generator understands, with the validation rule it implies.
///
/// `None` means the format is known and typify's Rust type already states it (`uuid`
/// becomes `uuid::Uuid`, `int64` becomes `i64`), so there is nothing more to check.
pub const FORMATS: &[(&str, Option<&str>)] = &[
    ("email", Some("email")),
    ("iso3166-alpha2", Some("alpha2")),
    ("iso4217", Some("currency")),
    ("date", Some("date")),
    ("uri", Some("uri")),
    ("uuid", None),
    ("int32", None),
    ("int64", None),
    ("float", None),
    ("double", None),
];

/// The format whose field an `amount` is measured in.
const CURRENCY_FORMAT: &str = "iso4217";

/// One rule on one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// A rule named by [`FORMATS`], such as `email`.
    Format(&'static str),
    /// The amount is finite and greater than zero.
    Positive,
    /// The amount has no more decimals than the currency in the named sibling property
    /// (its wire name) allows.
    Precision(String),
    /// The field's own type is validated, at the field's pointer.
    Nested,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Format(name) => f.write_str(name),
            Rule::Positive => f.write_str("positive"),
            Rule::Precision(currency) => write!(f, "precision({currency})"),
            Rule::Nested => f.write_str("nested"),
        }
    }
}

/// The rules of every validated property, by schema name and then wire name.
#[derive(Debug, Clone, Default)]
pub struct FieldRules {
    schemas: BTreeMap<String, BTreeMap<String, Vec<Rule>>>,
}

impl FieldRules {
    /// Reads the rules from the model: the checks of every `format` and `pattern`,
    /// then the rules of each component schema's properties.
    pub(crate) fn from_model(model: &SpecModel<'_>) -> Result<Self, String> {
        Self::read(&model.keywords.sites, &model.schemas)
    }

    /// Checks the `format`s and `pattern`s at `sites` and reads the rules of the
    /// properties of `schemas`.
    fn read(sites: &[Site<'_>], schemas: &Schemas<'_>) -> Result<Self, String> {
        check_formats(sites)?;
        check_patterns(sites)?;
        let mut direct = BTreeMap::new();
        for component in schemas.components() {
            let fields = direct_rules(component)?;
            direct.insert(component.name.to_owned(), fields);
        }

        // `nested` goes on a reference to any schema that validates something, however
        // deep; repeat until no schema gains a rule.
        let mut rules = direct;
        loop {
            let validated: Vec<String> = rules
                .iter()
                .filter(|(_, fields)| !fields.is_empty())
                .map(|(name, _)| name.clone())
                .collect();
            let mut changed = false;
            for component in schemas.components() {
                for property in component.schema.properties.iter().flatten() {
                    let Some(target) = property.target() else {
                        continue;
                    };
                    if !validated.iter().any(|v| v == target) {
                        continue;
                    }
                    let entry = rules
                        .entry(component.name.to_owned())
                        .or_default()
                        .entry(property.wire.to_owned())
                        .or_default();
                    if !entry.contains(&Rule::Nested) {
                        entry.push(Rule::Nested);
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        rules.retain(|_, fields| !fields.is_empty());
        Ok(Self { schemas: rules })
    }

    /// The rules of one property; empty when it has none.
    pub fn field(&self, schema: &str, wire_name: &str) -> &[Rule] {
        self.schemas
            .get(schema)
            .and_then(|fields| fields.get(wire_name))
            .map_or(&[], Vec::as_slice)
    }

    /// Each validated schema with its validated properties, sorted by name.
    pub fn schemas(&self) -> impl Iterator<Item = (&str, &BTreeMap<String, Vec<Rule>>)> {
        self.schemas
            .iter()
            .map(|(name, fields)| (name.as_str(), fields))
    }
}

/// The rule a format implies, if it is known and has one: `email` for `email`.
pub(crate) fn format_rule_name(format: &str) -> Option<&'static str> {
    FORMATS
        .iter()
        .find(|(known, _)| *known == format)
        .and_then(|(_, rule)| *rule)
}

/// The rule a known format implies; an error for a format the table does not know.
fn format_rule(format: &str, at: &str) -> Result<Option<&'static str>, String> {
    FORMATS
        .iter()
        .find(|(known, _)| *known == format)
        .map(|(_, rule)| *rule)
        .ok_or_else(|| {
            format!(
                "{at} has `format: {format}`, which the generator does not know; add it to \
                 FORMATS in crates/stablemint-codegen/src/rules.rs with its rule, or `None` \
                 if the Rust type already states it"
            )
        })
}

/// The rules a component schema's own properties carry, before `nested`.
fn direct_rules(component: &Component<'_>) -> Result<BTreeMap<String, Vec<Rule>>, String> {
    let name = component.name;
    let mut fields = BTreeMap::new();
    let Some(properties) = &component.schema.properties else {
        return Ok(fields);
    };
    let currencies: Vec<&str> = properties
        .iter()
        .filter(|p| p.schema.format == Some(CURRENCY_FORMAT))
        .map(|p| p.wire)
        .collect();
    for property in properties {
        let wire = property.wire;
        let at = format!("components.schemas.{name}.properties.{wire}");
        let mut rules = Vec::new();
        let ty = property.schema.ty;
        if let Some(format) = property.schema.format
            && let Some(rule) = format_rule(format, &at)?
        {
            if ty != Some("string") {
                return Err(format!(
                    "{at} has `format: {format}` (rule `{rule}`) but is not `type: string`"
                ));
            }
            rules.push(Rule::Format(rule));
        }
        if wire == "amount" && ty == Some("number") {
            rules.push(Rule::Positive);
            match currencies.as_slice() {
                [] => {}
                [currency] => rules.push(Rule::Precision((*currency).to_owned())),
                _ => {
                    return Err(format!(
                        "{at}: cannot tell which currency the amount is in, because \
                         components.schemas.{name} has several `format: {CURRENCY_FORMAT}` \
                         properties"
                    ));
                }
            }
        }
        if !rules.is_empty() {
            fields.insert(wire.to_owned(), rules);
        }
    }
    Ok(fields)
}

/// No schema may have a `pattern`: typify checks one with the `regress` crate, which
/// `stablemint-raw` does not depend on, so the generated code would not compile.
fn check_patterns(sites: &[Site<'_>]) -> Result<(), String> {
    for site in sites.iter().filter(|site| site.pattern) {
        let at = &site.at;
        let in_example = at.split('/').any(|s| s == "example" || s == "examples");
        if !in_example {
            return Err(format!(
                "{at} has a `pattern`, which typify checks with the `regress` crate, a \
                 dependency stablemint-raw does not have; drop it and say in the \
                 `description` what the text looks like"
            ));
        }
    }
    Ok(())
}

/// Every `format` anywhere in the document must be known, and a format with a rule may
/// stand only where a rule can be attached: directly on a component schema's property,
/// or on a parameter's schema (or the items of a parameter that is a list).
fn check_formats(sites: &[Site<'_>]) -> Result<(), String> {
    for site in sites {
        let Some(format) = site.format else {
            continue;
        };
        let at = site.at.as_str();
        let Some(rule) = format_rule(format, at)? else {
            continue;
        };
        if let Some(key) = site.length_limit {
            return Err(format!(
                "{at} has `format: {format}` (rule `{rule}`) and `{key}`: typify makes a \
                 string with `{key}` a newtype, which the rule cannot be put on; drop \
                 `{key}` (the rule checks the text)"
            ));
        }
        let parts: Vec<&str> = at.split('/').collect();
        let on_property = matches!(
            parts.as_slice(),
            ["", "components", "schemas", _, "properties", _]
        );
        let on_parameter = matches!(
            parts.as_slice(),
            ["", "paths", _, "parameters", _, "schema"]
                | ["", "paths", _, "parameters", _, "schema", "items"]
                | ["", "paths", _, _, "parameters", _, "schema"]
                | ["", "paths", _, _, "parameters", _, "schema", "items"]
                | ["", "components", "parameters", _, "schema"]
                | ["", "components", "parameters", _, "schema", "items"]
        );
        if !(on_property || on_parameter) {
            return Err(format!(
                "{at} has `format: {format}` (rule `{rule}`), but rules are applied only to \
                 properties of schemas under components.schemas and to parameters; move it \
                 into a named schema's property"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn rules(schemas: Value) -> Result<FieldRules, String> {
        let document = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": schemas}});
        let model = SpecModel::read(&document, &[])?;
        FieldRules::from_model(&model)
    }

    #[test]
    fn nested_reaches_every_schema_that_leads_to_a_validated_one() {
        let rules = rules(json!({
            "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
            "B": {"type": "object", "properties": {
                "c": {"type": "array", "items": {"$ref": "#/components/schemas/C"}}
            }},
            "C": {"type": "object", "properties": {"e": {"type": "string", "format": "email"}}},
        }))
        .unwrap();
        assert_eq!(rules.field("C", "e"), [Rule::Format("email")]);
        assert_eq!(rules.field("B", "c"), [Rule::Nested]);
        assert_eq!(rules.field("A", "b"), [Rule::Nested]);
    }

    #[test]
    fn only_a_number_named_amount_is_an_amount_and_it_needs_no_currency_beside_it() {
        let rules = rules(json!({
            "Bare": {"type": "object", "properties": {"amount": {"type": "number"}}},
            "Text": {"type": "object", "properties": {
                "amount": {"type": "string"},
                "total": {"type": "number"},
            }},
            "Priced": {"type": "object", "properties": {
                "amount": {"type": "number"},
                "currency": {"type": "string", "format": "iso4217"},
            }},
        }))
        .unwrap();
        assert_eq!(rules.field("Bare", "amount"), [Rule::Positive]);
        assert!(rules.field("Text", "amount").is_empty());
        assert!(rules.field("Text", "total").is_empty());
        assert_eq!(
            rules.field("Priced", "amount"),
            [Rule::Positive, Rule::Precision("currency".into())]
        );
    }
}
