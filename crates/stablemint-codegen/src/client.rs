//! progenitor's client, with the validation attributes added, as formatted Rust source.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use quote::{format_ident, quote};
use schemars::schema::{InstanceType, SchemaObject};
use syn::visit_mut::VisitMut;

use crate::model::Schemas;
use crate::naming::wire_name;
use crate::rules::{FieldRules, Rule};

/// Generates and annotates the client's syntax tree, which the operations table and the
/// per-operation glue are generated from. `bodies` are the component schemas that
/// request bodies use: each derives `Validate`, rules or not, so that every request can
/// be validated the same way.
pub(crate) fn generate(
    schemas: &Schemas<'_>,
    spec: &openapiv3::OpenAPI,
    rules: &FieldRules,
    bodies: &[&str],
    chosen: &crate::Settings,
) -> Result<syn::File, String> {
    // The client comes from the positional interface: its methods borrow the body and
    // build no placeholder values. progenitor gives typify's struct builders only to
    // the builder interface, so the `types` module (the same types, plus their
    // builders, which keep callers compiling when the spec gains optional properties)
    // comes from a second run with that interface.
    let client = run_progenitor(&settings(InterfaceStyle::Positional, chosen), spec)?;
    let with_builders = run_progenitor(&settings(InterfaceStyle::Builder, chosen), spec)?;
    let mut file: syn::File = syn::parse2(client)
        .map_err(|e| format!("progenitor produced code that does not parse: {e}"))?;
    let with_builders: syn::File = syn::parse2(with_builders)
        .map_err(|e| format!("progenitor produced code that does not parse: {e}"))?;
    splice_types(&mut file, with_builders)?;
    encode_paths_ourselves(&mut file)?;
    add_validation(&mut file, rules, bodies)?;
    mark_non_exhaustive(&mut file)?;
    remove_panicking_constructor(&mut file)?;
    crate::shape::add_shapes(schemas, types_module(&mut file)?)?;
    crate::builders::document_builders(schemas, rules, types_module(&mut file)?)?;
    Ok(file)
}

fn settings(interface: InterfaceStyle, chosen: &crate::Settings) -> GenerationSettings {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(interface)
        .with_tag(TagStyle::Merged)
        // The raw crate's own `ClientHooks` impl caps response bodies; `Limits` carries
        // the cap, and `Expected` makes a missing impl a compile error.
        .with_inner_type(quote!(crate::Limits))
        .with_hooks(HooksMode::Expected);
    if chosen.chrono_dates {
        return settings;
    }
    // `format: date` stays a String: the `date` rule checks it, and users need no chrono.
    settings.with_conversion(
        SchemaObject {
            instance_type: Some(InstanceType::String.into()),
            format: Some("date".to_owned()),
            ..SchemaObject::default()
        },
        "::std::string::String",
        [TypeImpl::Display, TypeImpl::FromStr, TypeImpl::Default].into_iter(),
    );
    settings
}

/// Replaces the positional client's `types` module with the builder run's, after
/// checking that the two hold the same types once the builders are set aside.
fn splice_types(file: &mut syn::File, with_builders: syn::File) -> Result<(), String> {
    let mut builder_types = with_builders
        .items
        .into_iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.map(|(_, items)| items),
            _ => None,
        })
        .ok_or("progenitor produced no `types` module")?;
    let types = types_module(file)?;
    let without_builders: Vec<&syn::Item> = builder_types
        .iter()
        .filter(|item| !is_builder_item(item))
        .collect();
    if quote!(#(#without_builders)*).to_string() != quote!(#(#types)*).to_string() {
        return Err(
            "progenitor generated different types for the positional and the builder \
             interface; the builders cannot be added"
                .into(),
        );
    }
    std::mem::swap(types, &mut builder_types);
    Ok(())
}

/// The items typify adds for struct builders: the `builder` module and each type's
/// `impl X { pub fn builder() }`.
fn is_builder_item(item: &syn::Item) -> bool {
    match item {
        syn::Item::Mod(m) => m.ident == "builder",
        syn::Item::Impl(block) => {
            block.trait_.is_none()
                && block.items.len() == 1
                && matches!(&block.items[0], syn::ImplItem::Fn(f) if f.sig.ident == "builder")
        }
        _ => false,
    }
}

/// Sends every path parameter through `stablemint_wire::encode_path_segment` instead of
/// progenitor's `encode_path`, which leaves `\\`, `;` and dot segments as they are: URL
/// parsers then read `\\` as `/` and resolve `..`, and a signed request goes to another
/// endpoint. Fails when a call of progenitor's encoder is left anywhere, so that a
/// progenitor that writes paths another way stops generation instead of slipping past.
fn encode_paths_ourselves(file: &mut syn::File) -> Result<(), String> {
    /// progenitor calls its encoder inside `format!`, whose arguments are tokens to syn.
    fn rewrite(tokens: TokenStream) -> TokenStream {
        tokens
            .into_iter()
            .flat_map(|token| match token {
                proc_macro2::TokenTree::Ident(ident) if ident == "encode_path" => {
                    quote!(::stablemint_wire::encode_path_segment)
                }
                proc_macro2::TokenTree::Group(group) => {
                    let mut rewritten =
                        proc_macro2::Group::new(group.delimiter(), rewrite(group.stream()));
                    rewritten.set_span(group.span());
                    quote!(#rewritten)
                }
                other => quote!(#other),
            })
            .collect()
    }
    struct Rewrite;
    impl VisitMut for Rewrite {
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            mac.tokens = rewrite(std::mem::take(&mut mac.tokens));
        }
        fn visit_expr_path_mut(&mut self, path: &mut syn::ExprPath) {
            if path.path.is_ident("encode_path") {
                path.path = syn::parse_quote!(::stablemint_wire::encode_path_segment);
            }
        }
    }
    for item in &mut file.items {
        if let syn::Item::Impl(block) = item {
            Rewrite.visit_item_impl_mut(block);
        }
    }
    // Whatever is left is a use of progenitor's encoder this pass does not know.
    let items: Vec<&syn::Item> = file
        .items
        .iter()
        .filter(|item| !matches!(item, syn::Item::Use(_)))
        .collect();
    if quote!(#(#items)*).to_string().contains("encode_path (") {
        return Err(
            "progenitor's output uses its own path encoder somewhere this generator does not \
             replace it; the generator must be updated before it can bind this spec"
                .into(),
        );
    }
    Ok(())
}

/// progenitor reports most problems as errors, but a few inputs make it panic; both
/// become one message instead of a backtrace.
fn run_progenitor(
    settings: &GenerationSettings,
    spec: &openapiv3::OpenAPI,
) -> Result<TokenStream, String> {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Generator::new(settings).generate_tokens(spec)
    }));
    match outcome {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(format!("progenitor cannot generate a client: {e}")),
        Err(panic) => {
            let why = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("no message");
            Err(format!("progenitor failed on this spec: {why}"))
        }
    }
}

/// Marks every schema type `#[non_exhaustive]`: outside `stablemint-raw` they can then
/// be built only with their builders or by deserialising, so a property the spec gains
/// later breaks no caller's struct literal.
fn mark_non_exhaustive(file: &mut syn::File) -> Result<(), String> {
    let types = types_module(file)?;
    for item in types.iter_mut() {
        let attrs = match item {
            syn::Item::Struct(item) if matches!(item.fields, syn::Fields::Named(_)) => {
                &mut item.attrs
            }
            syn::Item::Enum(item) => &mut item.attrs,
            _ => continue,
        };
        if !attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
            attrs.push(syn::parse_quote!(#[non_exhaustive]));
        }
    }
    Ok(())
}

/// Removes progenitor's `Client::new`, which builds a `reqwest::Client` with
/// `.build().unwrap()` (a panic when reqwest cannot build one, as without a TLS crypto
/// provider) and follows redirects. `Client::new_with_client`, which takes a client the
/// caller built, stays.
fn remove_panicking_constructor(file: &mut syn::File) -> Result<(), String> {
    let mut removed = false;
    for item in &mut file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let is_client = block.trait_.is_none()
            && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
        if !is_client {
            continue;
        }
        let before = block.items.len();
        block
            .items
            .retain(|item| !matches!(item, syn::ImplItem::Fn(f) if f.sig.ident == "new"));
        removed |= block.items.len() < before;
    }
    if removed {
        Ok(())
    } else {
        Err(
            "progenitor's output has no `Client::new` to remove; the generator's pass \
             `remove_panicking_constructor` needs updating for this progenitor version"
                .to_owned(),
        )
    }
}

/// The items of progenitor's `types` module (the schema types; their builders are in a
/// module nested inside it).
pub(crate) fn types_module(file: &mut syn::File) -> Result<&mut Vec<syn::Item>, String> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .ok_or_else(|| "progenitor produced no `types` module".to_owned())
}

/// Adds `::stablemint_validate::Validate` to the derives of every schema type with
/// validated fields and of every request body type, and `#[validate(...)]` to the
/// validated fields.
fn add_validation(file: &mut syn::File, rules: &FieldRules, bodies: &[&str]) -> Result<(), String> {
    let types = types_module(file)?;
    let mut pending: Vec<String> = rules.schemas().map(|(name, _)| name.to_owned()).collect();
    for body in bodies {
        if !pending.iter().any(|p| p == body) {
            pending.push((*body).to_owned());
        }
    }
    let mut pass = ValidationPass {
        rules,
        pending,
        error: None,
    };
    for item in types.iter_mut() {
        pass.visit_item_mut(item);
    }
    if let Some(error) = pass.error {
        return Err(error);
    }
    if let Some(missing) = pass.pending.first() {
        return Err(format!(
            "schema `{missing}` has validated fields or is a request body, but progenitor \
             generated no struct named `{missing}` to put `Validate` on"
        ));
    }
    Ok(())
}

struct ValidationPass<'a> {
    rules: &'a FieldRules,
    /// Validated schemas not yet found among the generated structs.
    pending: Vec<String>,
    error: Option<String>,
}

impl VisitMut for ValidationPass<'_> {
    fn visit_item_mut(&mut self, item: &mut syn::Item) {
        // Only the schema types themselves: the `builder` module inside `types` holds
        // structs of the same names that are not sent on the wire.
        if let syn::Item::Struct(item) = item {
            let name = item.ident.to_string();
            if let Some(index) = self.pending.iter().position(|p| *p == name) {
                self.pending.remove(index);
                if let Err(e) = annotate(item, self.rules)
                    && self.error.is_none()
                {
                    self.error = Some(e);
                }
            }
        }
    }
}

fn annotate(item: &mut syn::ItemStruct, rules: &FieldRules) -> Result<(), String> {
    let schema = item.ident.to_string();
    let syn::Fields::Named(fields) = &mut item.fields else {
        return Err(format!(
            "schema `{schema}` was not generated as a struct with named fields"
        ));
    };
    let idents: BTreeMap<String, syn::Ident> = fields
        .named
        .iter()
        .filter_map(|f| Some((wire_name(f), f.ident.clone()?)))
        .collect();

    let mut found = 0;
    for field in fields.named.iter_mut() {
        let field_rules = rules.field(&schema, &wire_name(field));
        if field_rules.is_empty() {
            continue;
        }
        found += 1;
        let mut parts = Vec::new();
        for rule in field_rules {
            parts.push(match rule {
                Rule::Format(name) => {
                    let name = format_ident!("{name}");
                    quote!(#name)
                }
                Rule::Positive => quote!(positive),
                Rule::Nested => quote!(nested),
                Rule::Precision(currency) => {
                    let ident = idents.get(currency).ok_or_else(|| {
                        format!("`{schema}` has no generated field for `{currency}`")
                    })?;
                    quote!(precision = #ident)
                }
            });
        }
        field
            .attrs
            .push(syn::parse_quote!(#[validate(#(#parts),*)]));
    }
    let expected = rules
        .schemas()
        .find(|(name, _)| *name == schema)
        .map_or(0, |(_, fields)| fields.len());
    if found != expected {
        return Err(format!(
            "`{schema}`: {expected} properties have rules but only {found} matching fields \
             were generated"
        ));
    }

    let derive = item
        .attrs
        .iter_mut()
        .find(|a| a.path().is_ident("derive"))
        .ok_or_else(|| format!("`{schema}` has no #[derive(...)]"))?;
    let syn::Meta::List(list) = &mut derive.meta else {
        return Err(format!("`{schema}` has a #[derive] without a list"));
    };
    // Last, so it comes after serde's derives.
    let existing = &list.tokens;
    list.tokens = quote!(#existing, ::stablemint_validate::Validate);
    Ok(())
}
