//! `WireShape` impls: the JSON shape of every component schema with properties, so that
//! JSON input can be checked for every missing, mistyped and unknown property at once.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{AdditionalProperties, Schema, Schemas};
use crate::naming::wire_name;

/// Adds `impl stablemint_wire::shape::WireShape for X` to `types` for every component schema with
/// properties that was generated as a struct.
pub(crate) fn add_shapes(schemas: &Schemas<'_>, types: &mut Vec<syn::Item>) -> Result<(), String> {
    let structs: BTreeMap<String, BTreeMap<String, String>> = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s),
            _ => None,
        })
        .filter_map(|s| match &s.fields {
            syn::Fields::Named(fields) => Some((
                s.ident.to_string(),
                fields
                    .named
                    .iter()
                    .filter_map(|f| Some((wire_name(f), f.ident.as_ref()?.to_string())))
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    let mut impls = Vec::new();
    for component in schemas.components() {
        let name = component.name;
        let Some(properties) = &component.schema.properties else {
            continue;
        };
        let Some(fields) = structs.get(name) else {
            continue;
        };
        let mut rows = Vec::new();
        for property in properties {
            let wire = property.wire;
            let field = fields.get(wire).ok_or_else(|| {
                format!("`{name}` has no generated field for the property `{wire}`")
            })?;
            let is_required = property.required;
            let kind = kind(schemas, &property.schema, &structs);
            rows.push(quote! {
                ::stablemint_wire::shape::Property {
                    name: #wire,
                    field: #field,
                    required: #is_required,
                    kind: #kind,
                }
            });
        }
        let ident = format_ident!("{name}");
        impls.push(syn::parse_quote! {
            impl ::stablemint_wire::shape::WireShape for #ident {
                const SHAPE: &'static ::stablemint_wire::shape::ObjectShape = &::stablemint_wire::shape::ObjectShape {
                    name: #name,
                    properties: &[#(#rows),*],
                };
            }
        });
    }
    types.extend(impls);
    Ok(())
}

/// The `Kind` of a property's schema.
fn kind(
    schemas: &Schemas<'_>,
    schema: &Schema<'_>,
    structs: &BTreeMap<String, BTreeMap<String, String>>,
) -> TokenStream {
    if let Some(name) = schema.component() {
        let target = schemas.resolve(schema);
        if target.properties.is_some() && structs.contains_key(name) {
            let ident = format_ident!("{name}");
            return quote!(::stablemint_wire::shape::Kind::Object(
                <#ident as ::stablemint_wire::shape::WireShape>::SHAPE
            ));
        }
        return kind(schemas, target, structs);
    }
    // A null is allowed where the spec says so; the shape does not say it, so the value
    // is left to serde.
    if schema.nullable {
        return quote!(::stablemint_wire::shape::Kind::Any);
    }
    match schema.ty {
        Some("string") => quote!(::stablemint_wire::shape::Kind::String),
        Some("number") => quote!(::stablemint_wire::shape::Kind::Number),
        Some("integer") => match schema.format {
            Some("int32") => quote!(::stablemint_wire::shape::Kind::Int32),
            _ => quote!(::stablemint_wire::shape::Kind::Int64),
        },
        Some("boolean") => quote!(::stablemint_wire::shape::Kind::Boolean),
        Some("array") => {
            let items = schema.items.as_deref().map_or_else(
                || quote!(::stablemint_wire::shape::Kind::Any),
                |i| kind(schemas, i, structs),
            );
            quote!(::stablemint_wire::shape::Kind::Array(&#items))
        }
        Some("object") if schema.properties.is_none() => {
            let values = match &schema.additional_properties {
                Some(AdditionalProperties::Schema(inner)) => kind(schemas, inner, structs),
                _ => quote!(::stablemint_wire::shape::Kind::Any),
            };
            quote!(::stablemint_wire::shape::Kind::Map(&#values))
        }
        // Inline objects with properties and compositions become types of their own;
        // serde checks them when the value is read.
        _ => quote!(::stablemint_wire::shape::Kind::Any),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::model::Schema;

    /// The kind of `schema` among `components`, where `structs` are the generated structs,
    /// without spaces.
    fn kind_of(components: Value, schema: Value, structs: &[&str]) -> String {
        let document = json!({"components": {"schemas": components}});
        let references = ["#/components/schemas/P"];
        let schemas = Schemas::read(&document, &references, &[]);
        let structs = structs
            .iter()
            .map(|name| ((*name).to_owned(), BTreeMap::new()))
            .collect();
        let kind = kind(&schemas, &Schema::read(&schema), &structs).to_string();
        kind.replace(' ', "")
            .replace("::stablemint_wire::shape::", "")
            .replace("Kind::", "")
    }

    #[test]
    fn a_map_checks_its_values_and_an_object_with_properties_is_left_to_serde() {
        let none = json!({});
        let map = json!({"type": "object", "additionalProperties": {"type": "integer"}});
        assert_eq!(kind_of(none.clone(), map, &[]), "Map(&Int64)");
        let any_map = json!({"type": "object", "additionalProperties": true});
        assert_eq!(kind_of(none.clone(), any_map, &[]), "Map(&Any)");
        let inline = json!({"type": "object", "properties": {"a": {"type": "string"}}});
        assert_eq!(kind_of(none, inline, &[]), "Any");
    }

    #[test]
    fn a_reference_is_an_object_shape_only_for_a_generated_struct_with_properties() {
        let components = json!({"P": {"type": "object", "properties": {"a": {}}}});
        let reference = json!({"$ref": "#/components/schemas/P"});
        assert_eq!(
            kind_of(components.clone(), reference.clone(), &["P"]),
            "Object(<PasWireShape>::SHAPE)"
        );
        assert_eq!(kind_of(components, reference, &[]), "Any");
    }
}
