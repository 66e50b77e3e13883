//! typify's struct builders, made to speak the wire's language: each setter gets a doc
//! comment (wire name, required or optional, the validation rule, the spec's
//! description), and the builder's errors name the field by its JSON Pointer
//! (`/userEmail`) instead of its Rust name. An optional field's setter takes what the
//! required ones take (`"text"`, a number without `Some`) as well as an `Option`
//! (`stablemint_raw::IntoOptional`), and the builders and their conversions are
//! documented.

use std::collections::BTreeMap;

use syn::visit_mut::VisitMut;

use crate::model::Schemas;
use crate::naming::wire_name;
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
    schemas: &Schemas<'_>,
    rules: &FieldRules,
    types: &mut [syn::Item],
) -> Result<(), String> {
    // Rust field name -> property, per schema, from the generated structs.
    let mut builders: BTreeMap<String, BTreeMap<String, Field>> = BTreeMap::new();
    for item in types.iter() {
        let syn::Item::Struct(item) = item else {
            continue;
        };
        let name = item.ident.to_string();
        let Some(component) = schemas.component(&name) else {
            continue;
        };
        let schema = &component.schema;
        let mut fields = BTreeMap::new();
        for field in &item.fields {
            let Some(ident) = &field.ident else { continue };
            let wire = wire_name(field);
            let rule_list: Vec<String> = rules
                .field(&name, &wire)
                .iter()
                .map(ToString::to_string)
                .collect();
            fields.insert(
                ident.to_string(),
                Field {
                    required: schema.requires(&wire),
                    rules: rule_list.join(", "),
                    description: schema
                        .property(&wire)
                        .and_then(|p| p.schema.description)
                        .map(str::to_owned),
                    wire,
                },
            );
        }
        builders.insert(name, fields);
    }

    for item in types.iter_mut() {
        if let syn::Item::Impl(block) = item
            && block.trait_.is_none()
            && let [syn::ImplItem::Fn(f)] = block.items.as_mut_slice()
            && f.sig.ident == "builder"
            && let syn::Type::Path(ty) = &*block.self_ty
            && let Some(name) = ty.path.segments.last().map(|s| s.ident.to_string())
        {
            let doc = format!(
                " A builder for [`{name}`]: set the fields with its methods, then call \
                 `try_into()`, which fails naming a missing required field by its JSON \
                 Pointer. Building through it (never a struct literal) keeps your code \
                 compiling when the API gains optional fields."
            );
            f.attrs.push(syn::parse_quote!(#[doc = #doc]));
        }
    }
    let builder = types
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, i)| i),
            _ => None,
        })
        .ok_or("typify generated no `builder` module")?;
    for item in builder.iter_mut() {
        document_builder_item(item);
    }
    let mut pass = BuilderPass {
        schemas: &builders,
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
            take_optional(method);
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

/// Documents the builder's own items: its struct and the two conversions typify writes
/// between it and the schema type, which rustdoc would otherwise list as
/// `impl From<X> for X` with no word about them.
fn document_builder_item(item: &mut syn::Item) {
    let doc = match item {
        syn::Item::Struct(builder) => format!(
            " Builds a [`super::{0}`] field by field: start from `{0}::builder()` (or from an \
             existing value with `From`), set fields, then `try_into()`.",
            builder.ident
        ),
        syn::Item::Impl(block) => {
            let Some((_, path, _)) = &block.trait_ else {
                return;
            };
            match path.segments.last().map(|s| s.ident.to_string()).as_deref() {
                Some("TryFrom") => " The built value: fails if a required field was not set \
                                    or a setter's value did not convert, naming the field by \
                                    its JSON Pointer."
                    .to_owned(),
                Some("From") => " A builder holding every field of an existing value, to \
                                 change some of them and build again."
                    .to_owned(),
                _ => return,
            }
        }
        _ => return,
    };
    let attrs = match item {
        syn::Item::Struct(builder) => &mut builder.attrs,
        syn::Item::Impl(block) => &mut block.attrs,
        _ => return,
    };
    attrs.push(syn::parse_quote!(#[doc = #doc]));
}

/// An optional field's setter (`where T: TryInto<Option<X>>`) made to take
/// `T: IntoOptional<X>`: `"text"`, `25` and `Some(25.0)` alike, and `None` to unset.
/// typify's form accepts only an `Option` (or what converts into one), so
/// `.amount(25)` and `.idempotency_key("x")` did not compile although `.currency("EUR")`
/// did.
fn take_optional(method: &mut syn::ImplItemFn) {
    let Some(where_clause) = &method.sig.generics.where_clause else {
        return;
    };
    let inner = where_clause.predicates.iter().find_map(|predicate| {
        let syn::WherePredicate::Type(bound) = predicate else {
            return None;
        };
        bound.bounds.iter().find_map(|b| {
            let syn::TypeParamBound::Trait(t) = b else {
                return None;
            };
            let last = t.path.segments.last()?;
            if last.ident != "TryInto" {
                return None;
            }
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            let syn::GenericArgument::Type(target) = args.args.first()? else {
                return None;
            };
            let syn::Type::Path(option) = target else {
                return None;
            };
            let option = option.path.segments.last()?;
            if option.ident != "Option" {
                return None;
            }
            let syn::PathArguments::AngleBracketed(inner) = &option.arguments else {
                return None;
            };
            match inner.args.first()? {
                syn::GenericArgument::Type(inner) => Some(inner.clone()),
                _ => None,
            }
        })
    });
    let Some(inner) = inner else {
        return;
    };
    let field = method.sig.ident.clone();
    method.sig.generics.where_clause =
        Some(syn::parse_quote!(where T: crate::IntoOptional<#inner>));
    method.block = syn::parse_quote!({
        self.#field = Ok(crate::IntoOptional::into_optional(value));
        self
    });
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
