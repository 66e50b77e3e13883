//! Response enums that accept tomorrow's values.
//!
//! typify's enums list the values the spec lists, and nothing else: the day StableMint
//! adds a value to a response enum (a session state, say), every older client fails to
//! decode an answer after StableMint has acted. So every enum that only answers carry
//! (reachable from a response type, and from no request body or parameter) gets one more
//! variant, `Unknown(String)`, which takes any value the spec does not list, and shows
//! it as it came. Enums that requests use stay closed, so that nothing unlisted is sent.

use std::collections::{BTreeMap, BTreeSet};

use syn::visit_mut::VisitMut;

use crate::client::types_module;
use crate::model::OperationModel;
use crate::raw::{RawMethods, arguments, success_type};

/// Adds `Unknown(String)` to every response-only enum of `file`'s `types` module, and
/// returns their names.
pub(crate) fn open_response_enums(
    file: &mut syn::File,
    models: &[OperationModel<'_>],
) -> Result<Vec<String>, String> {
    let (responses, requests) = roots(file, models)?;
    let types = types_module(file)?;
    let graph = references(types);
    let answered = reachable(&graph, responses);
    let sent = reachable(&graph, requests);
    let mut opened = Vec::new();
    for item in types.iter_mut() {
        let syn::Item::Enum(item) = item else {
            continue;
        };
        let name = item.ident.to_string();
        let unit_only = item
            .variants
            .iter()
            .all(|v| matches!(v.fields, syn::Fields::Unit));
        if unit_only && answered.contains(&name) && !sent.contains(&name) {
            open(item)?;
            opened.push(name);
        }
    }
    for item in types.iter_mut() {
        if let syn::Item::Impl(block) = item
            && let Some((_, path, _)) = &block.trait_
            && path.segments.last().is_some_and(|s| s.ident == "Display")
            && let syn::Type::Path(ty) = &*block.self_ty
            && ty
                .path
                .segments
                .last()
                .is_some_and(|s| opened.contains(&s.ident.to_string()))
        {
            show_unknown(block)?;
        }
    }
    Ok(opened)
}

/// The types answers start from (each operation's success type and declared error
/// types) and the types requests start from (bodies and parameters).
fn roots(
    file: &syn::File,
    models: &[OperationModel<'_>],
) -> Result<(BTreeSet<String>, BTreeSet<String>), String> {
    let methods = RawMethods::new(file);
    let mut responses = BTreeSet::new();
    let mut requests = BTreeSet::new();
    for model in models {
        let method = methods.get(model)?;
        if let Some(success) = success_type(method) {
            responses.extend(named(&success));
        }
        responses.extend(
            model
                .errors
                .iter()
                .filter_map(|e| e.schema_name().map(str::to_owned)),
        );
        for (_, ty) in arguments(method)? {
            requests.extend(named(&ty));
        }
    }
    Ok((responses, requests))
}

/// Every type name a type mentions: `Option<Vec<types::A>>` names `Option`, `Vec`, `A`.
fn named(ty: &syn::Type) -> BTreeSet<String> {
    struct Names(BTreeSet<String>);
    impl VisitMut for Names {
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            for segment in &path.segments {
                self.0.insert(segment.ident.to_string());
            }
            syn::visit_mut::visit_path_mut(self, path);
        }
    }
    let mut names = Names(BTreeSet::new());
    names.visit_type_mut(&mut ty.clone());
    names.0
}

/// For each struct and enum of the module, the names its fields mention.
fn references(types: &[syn::Item]) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph = BTreeMap::new();
    let fields = |fields: &syn::Fields| -> BTreeSet<String> {
        fields.iter().flat_map(|f| named(&f.ty)).collect()
    };
    for item in types {
        match item {
            syn::Item::Struct(s) => {
                graph.insert(s.ident.to_string(), fields(&s.fields));
            }
            syn::Item::Enum(e) => {
                let mentioned = e.variants.iter().flat_map(|v| fields(&v.fields)).collect();
                graph.insert(e.ident.to_string(), mentioned);
            }
            _ => {}
        }
    }
    graph
}

/// The types reachable from `roots` through `graph`, the roots included.
fn reachable(
    graph: &BTreeMap<String, BTreeSet<String>>,
    roots: BTreeSet<String>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut next: Vec<String> = roots.into_iter().collect();
    while let Some(name) = next.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(mentioned) = graph.get(&name) {
            next.extend(mentioned.iter().filter(|m| !seen.contains(*m)).cloned());
        }
    }
    seen
}

/// `Unknown(String)` last, deserialised from any string the others do not take; and no
/// `Copy`, which a `String` does not allow.
fn open(item: &mut syn::ItemEnum) -> Result<(), String> {
    let name = item.ident.to_string();
    let derive = item
        .attrs
        .iter_mut()
        .find(|a| a.path().is_ident("derive"))
        .ok_or_else(|| format!("the enum `{name}` has no #[derive(...)]"))?;
    let derives = derive
        .parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        .map_err(|e| format!("the derives of `{name}` do not parse: {e}"))?;
    let kept = derives.into_iter().filter(|p| !p.is_ident("Copy"));
    *derive = syn::parse_quote!(#[derive(#(#kept),*)]);
    item.variants.push(syn::parse_quote! {
        /// A value the spec does not list (yet): StableMint may add values to what it
        /// answers, and an answer with one still decodes. It holds the value as sent, and
        /// shows it so.
        #[serde(untagged)]
        Unknown(::std::string::String)
    });
    Ok(())
}

/// The `Display` impl's `match` gets the arm for `Unknown`.
fn show_unknown(block: &mut syn::ItemImpl) -> Result<(), String> {
    struct Arm(bool);
    impl VisitMut for Arm {
        fn visit_expr_match_mut(&mut self, expr: &mut syn::ExprMatch) {
            if !self.0 {
                expr.arms.push(syn::parse_quote! {
                    Self::Unknown(ref value) => f.write_str(value),
                });
                self.0 = true;
            }
        }
    }
    let mut arm = Arm(false);
    arm.visit_item_impl_mut(block);
    if arm.0 {
        Ok(())
    } else {
        Err("typify's `Display` for an enum has no `match`; the generator must be updated".into())
    }
}
