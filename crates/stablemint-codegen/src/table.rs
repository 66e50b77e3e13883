//! The operations table of `stablemint-raw`: one `stablemint_wire::OperationSpec` per
//! operation, so that the mock can serve every operation (and tests can inspect it) with
//! no code of its own per operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::declaration::Signature;
use stablemint_wire::{ParameterKind, Status};

use crate::model::{OperationModel, ResponseModel, SpecModel};
use crate::raw::RawMethods;
use crate::rules::format_rule_name;
use crate::spec::resolve;

/// How deep a schema's `$ref`s are followed when it is written out whole; deeper (a
/// schema that contains itself) becomes `{}`, which any value matches.
const MAX_DEPTH: usize = 48;

/// `pub mod operations { ... }`, to append to the raw client's file.
pub(crate) fn emit(spec: &SpecModel<'_>, raw: &RawMethods<'_>) -> Result<syn::Item, String> {
    let document = spec.document;
    let mut names = Vec::new();
    let mut constants = Vec::new();
    for model in &spec.operations {
        let constant = crate::naming::table_constant(model.id);
        let raw_method = raw.get(model)?;
        constants.push(operation(document, model, raw_method, &constant)?);
        names.push(constant);
    }
    syn::parse2(quote! {
        /// Every operation of the spec, as data: see `stablemint_wire::OperationSpec`.
        pub mod operations {
            use super::types;

            /// Every operation, in the spec's order.
            pub static ALL: &[::stablemint_wire::OperationSpec] = &[#(#names),*];

            #(#constants)*
        }
    })
    .map_err(|e| format!("the generated operations table does not parse: {e}"))
}

fn operation(
    document: &Value,
    model: &OperationModel<'_>,
    raw_method: &syn::ImplItemFn,
    constant: &syn::Ident,
) -> Result<TokenStream, String> {
    let id = model.id;
    let method = format_ident!("{}", crate::naming::pascal_case(model.method));
    let path = model.path;
    let parameters = model.parameters.iter().map(|p| {
        let name = p.name;
        let location = format_ident!("{}", format!("{:?}", p.location));
        let required = p.required;
        // A unit variant's `Debug` is its name.
        let kind = format_ident!("{}", format!("{:?}", p.kind));
        let rule = match p.format.and_then(format_rule_name) {
            Some(rule) if matches!(p.kind, ParameterKind::String | ParameterKind::StringArray) => {
                let rule = format_ident!("{rule}");
                quote!(Some(::stablemint_validate::rules::#rule))
            }
            _ => quote!(None),
        };
        quote! {
            ::stablemint_wire::ParameterSpec {
                name: #name,
                location: ::stablemint_wire::Location::#location,
                required: #required,
                kind: ::stablemint_wire::ParameterKind::#kind,
                rule: #rule,
            }
        }
    });
    let auth = match &model.declaration.signature {
        Signature::Field(field) => quote!(::stablemint_wire::Auth::SignedField(#field)),
        Signature::Parameter(name) => quote!(::stablemint_wire::Auth::SignedParameter(#name)),
        Signature::None => quote!(::stablemint_wire::Auth::None),
    };
    let key = match &model.declaration.idempotency_key_field {
        Some(key) => quote!(Some(#key)),
        None => quote!(None),
    };
    let body = match &model.body {
        Some(body) => {
            let schema = body.schema;
            let required = body.required;
            let ty = format_ident!("{schema}");
            quote! {
                Some(::stablemint_wire::BodySpec {
                    schema: #schema,
                    required: #required,
                    shape: <types::#ty as ::stablemint_wire::shape::WireShape>::SHAPE,
                    check: ::stablemint_wire::check_value::<types::#ty>,
                })
            }
        }
        None => quote!(None),
    };
    let success_type = crate::raw::success_type(raw_method)
        .ok_or_else(|| format!("{}: the raw method returns no response type", model.here()))?;
    let success = response(document, &model.success, Some(&success_type));
    let errors = model
        .errors
        .iter()
        .map(|error| {
            let ty = error.schema_name().map(|name| {
                let ident = format_ident!("{name}");
                syn::parse_quote!(types::#ident)
            });
            response(document, error, ty.as_ref())
        })
        .collect::<Vec<_>>();
    let doc = format!(" `{} {path}` (`{id}`).", model.method.to_uppercase());
    Ok(quote! {
        #[doc = #doc]
        pub const #constant: ::stablemint_wire::OperationSpec = ::stablemint_wire::OperationSpec {
            id: #id,
            method: ::stablemint_wire::Method::#method,
            path: #path,
            parameters: &[#(#parameters),*],
            auth: #auth,
            idempotency_key_field: #key,
            body: #body,
            success: #success,
            errors: &[#(#errors),*],
        };
    })
}

/// A `ResponseSpec`; `ty` is the body's Rust type (`()` for none).
fn response(document: &Value, model: &ResponseModel<'_>, ty: Option<&syn::Type>) -> TokenStream {
    let status = match model.status {
        Status::Code(code) => quote!(::stablemint_wire::Status::Code(#code)),
        Status::Range(first) => quote!(::stablemint_wire::Status::Range(#first)),
        Status::Default => quote!(::stablemint_wire::Status::Default),
    };
    let schema = match &model.schema {
        Some(schema) => {
            let text = resolved(document, schema.value, 0).to_string();
            quote!(Some(#text))
        }
        None => quote!(None),
    };
    let example = match model.example {
        Some(example) => {
            let text = example.to_string();
            quote!(Some(#text))
        }
        None => quote!(None),
    };
    let ty = ty.filter(|ty| !matches!(ty, syn::Type::Tuple(t) if t.elems.is_empty()));
    let (rust_type, decode) = match ty {
        Some(ty) => {
            let name = quote!(#ty).to_string().replace(' ', "");
            (
                quote!(Some(#name)),
                quote!(Some(::stablemint_wire::decode_as::<#ty>)),
            )
        }
        None => (quote!(None), quote!(None)),
    };
    quote! {
        ::stablemint_wire::ResponseSpec {
            status: #status,
            schema: #schema,
            example: #example,
            rust_type: #rust_type,
            decode: #decode,
        }
    }
}

/// `schema` with every local `$ref` replaced by what it points at, and without its
/// descriptions (a server reading it has no use for them). Examples, enums and defaults
/// are data, and are kept as they are.
pub(crate) fn resolved(document: &Value, schema: &Value, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Object(serde_json::Map::new());
    }
    let target = resolve(document, schema);
    match target {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, value)| {
                    *key != "$ref" && !(*key == "description" && value.is_string())
                })
                .map(|(key, value)| {
                    let value = match key.as_str() {
                        "example" | "enum" | "default" => value.clone(),
                        _ => resolved(document, value, depth + 1),
                    };
                    (key.clone(), value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| resolved(document, item, depth + 1))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn refs_are_inlined_and_cycles_stop() {
        let document = json!({
            "components": {"schemas": {
                "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
                "B": {"type": "string"},
                "Loop": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Loop"}}},
            }}
        });
        let a = resolved(&document, &json!({"$ref": "#/components/schemas/A"}), 0);
        assert_eq!(
            a,
            json!({"type": "object", "properties": {"b": {"type": "string"}}})
        );
        let described = json!({
            "description": "dropped",
            "properties": {"description": {"type": "string", "description": "dropped too"}},
            "example": {"description": "kept", "$ref": "kept"},
        });
        assert_eq!(
            resolved(&document, &described, 0),
            json!({
                "properties": {"description": {"type": "string"}},
                "example": {"description": "kept", "$ref": "kept"},
            })
        );
        let looped = resolved(&document, &json!({"$ref": "#/components/schemas/Loop"}), 0);
        assert!(looped.to_string().contains("{}"), "{looped}");
    }
}
