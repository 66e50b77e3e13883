//! typify's struct builders, made to speak the wire's language: each setter gets a doc
//! comment (wire name, required or optional, the validation rule, the spec's
//! description), and the builder's errors name the field by its JSON Pointer
//! (`/userEmail`) instead of its Rust name.

use std::collections::BTreeMap;

use serde_json::Value;
use syn::visit_mut::VisitMut;

use crate::client::wire_name;
use crate::rules::FieldRules;

/// What a setter's doc and a builder's error need to know about one property.
struct Field {
    wire: String,
    required: bool,
    rules: String,
    description: Option<String>,
}

/// Rewrites the `builder` module inside `types`.
pub(crate) fn document_builders(
    document: &Value,
    rules: &FieldRules,
    types: &mut [syn::Item],
) -> Result<(), String> {
    // Rust field name -> property, per schema, from the generated structs.
    let mut schemas: BTreeMap<String, BTreeMap<String, Field>> = BTreeMap::new();
    for item in types.iter() {
        let syn::Item::Struct(item) = item else {
            continue;
        };
        let name = item.ident.to_string();
        let Some(schema) = document.pointer(&format!("/components/schemas/{name}")) else {
            continue;
        };
        let required: Vec<&str> = crate::spec::required_properties(schema);
        let mut fields = BTreeMap::new();
        for field in &item.fields {
            let Some(ident) = &field.ident else { continue };
            let wire = wire_name(field);
            let property = schema.get("properties").and_then(|p| p.get(&wire));
            let rule_list: Vec<String> = rules
                .field(&name, &wire)
                .iter()
                .map(ToString::to_string)
                .collect();
            fields.insert(
                ident.to_string(),
                Field {
                    required: required.contains(&wire.as_str()),
                    rules: rule_list.join(", "),
                    description: property
                        .and_then(|p| p.get("description"))
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    wire,
                },
            );
        }
        schemas.insert(name, fields);
    }

    let builder = types
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, i)| i),
            _ => None,
        })
        .ok_or("typify generated no `builder` module")?;
    let mut pass = BuilderPass {
        schemas: &schemas,
        current: None,
    };
    for item in builder.iter_mut() {
        pass.visit_item_mut(item);
    }
    Ok(())
}

struct BuilderPass<'a> {
    schemas: &'a BTreeMap<String, BTreeMap<String, Field>>,
    /// The fields of the builder whose impl is being visited.
    current: Option<&'a BTreeMap<String, Field>>,
}

impl VisitMut for BuilderPass<'_> {
    fn visit_item_impl_mut(&mut self, block: &mut syn::ItemImpl) {
        let syn::Type::Path(ty) = &*block.self_ty else {
            return;
        };
        let Some(name) = ty.path.segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        // Only the builders' own impls (`impl X` and `impl Default for X`), not the
        // conversions to and from the schema type.
        let is_default = block
            .trait_
            .as_ref()
            .is_some_and(|(_, path, _)| path.segments.last().is_some_and(|s| s.ident == "Default"));
        if block.trait_.is_some() && !is_default {
            return;
        }
        self.current = self.schemas.get(&name);
        syn::visit_mut::visit_item_impl_mut(self, block);
        self.current = None;
    }

    fn visit_impl_item_fn_mut(&mut self, method: &mut syn::ImplItemFn) {
        if let Some(field) = self
            .current
            .and_then(|fields| fields.get(&method.sig.ident.to_string()))
        {
            for line in setter_doc(field) {
                method.attrs.push(syn::parse_quote!(#[doc = #line]));
            }
        }
        syn::visit_mut::visit_impl_item_fn_mut(self, method);
    }

    fn visit_lit_str_mut(&mut self, literal: &mut syn::LitStr) {
        if let Some(rewritten) = self.rewrite(&literal.value()) {
            *literal = syn::LitStr::new(&rewritten, literal.span());
        }
    }

    // `format!("error converting ...: {e}")`: a macro's tokens are not parsed, so its
    // string literals are found here.
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        let tokens = std::mem::take(&mut mac.tokens);
        mac.tokens = tokens
            .into_iter()
            .map(|token| match &token {
                proc_macro2::TokenTree::Literal(literal) => {
                    let parsed: Option<syn::LitStr> =
                        syn::parse2(proc_macro2::TokenTree::from(literal.clone()).into()).ok();
                    match parsed.and_then(|l| Some((self.rewrite(&l.value())?, l.span()))) {
                        Some((text, span)) => {
                            let mut replaced = proc_macro2::Literal::string(&text);
                            replaced.set_span(span);
                            proc_macro2::TokenTree::Literal(replaced)
                        }
                        None => token,
                    }
                }
                _ => token,
            })
            .collect();
    }
}

impl BuilderPass<'_> {
    /// The builder's error message in wire terms, if `text` is one of typify's.
    fn rewrite(&self, text: &str) -> Option<String> {
        let fields = self.current?;
        if let Some(rust) = text.strip_prefix("no value supplied for ") {
            fields.get(rust).map(|f| {
                format!(
                    "/{}: a required field is missing; set it with `.{rust}(...)`",
                    f.wire
                )
            })
        } else if let Some(rust) = text
            .strip_prefix("error converting supplied value for ")
            .and_then(|rest| rest.strip_suffix(": {e}"))
        {
            fields.get(rust).map(|f| {
                format!(
                    "/{}: the value given to `.{rust}(...)` does not convert: {{e}}",
                    f.wire
                )
            })
        } else {
            None
        }
    }
}

/// The doc comment of one setter.
fn setter_doc(field: &Field) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(description) = &field.description {
        lines.extend(description.trim().lines().map(|l| format!(" {l}")));
        lines.push(String::new());
    }
    let presence = if field.required {
        "required: `try_into()` fails until it is set"
    } else {
        "optional"
    };
    lines.push(format!(" Wire name `{}`; {presence}.", field.wire));
    if !field.rules.is_empty() {
        lines.push(format!(
            " Validated with `{}` before a request is sent.",
            field.rules
        ));
    }
    lines
}
