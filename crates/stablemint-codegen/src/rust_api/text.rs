//! An item as one line of the listing: its declaration, signature, variant or
//! attributes, formatted by prettyplease with its paths resolved.

use quote::ToTokens;
use syn::visit_mut::VisitMut;

use super::scope::{Resolve, Scope};

/// `kind path<generics> where ...` of an item whose body was emptied.
pub(super) fn declaration(
    scope: &Scope<'_>,
    path: &str,
    item: syn::Item,
    ident: &syn::Ident,
    kind: &str,
) -> String {
    let text = strip_body(&unparse(scope, item));
    let text = text.trim_end_matches(';').trim_end();
    text.replacen(&format!("{kind} {ident}"), &format!("{kind} {path}"), 1)
}

/// `fn owner::name<...>(...) -> ... where ...`, without argument patterns' `mut`.
pub(super) fn fn_text(scope: &Scope<'_>, owner: &str, sig: &syn::Signature) -> String {
    let mut sig = sig.clone();
    StripMut.visit_signature_mut(&mut sig);
    let item = syn::Item::Fn(syn::ItemFn {
        attrs: Vec::new(),
        vis: syn::Visibility::Inherited,
        sig: sig.clone(),
        block: Box::new(syn::parse_quote!({})),
    });
    let text = strip_body(&unparse(scope, item));
    let ident = &sig.ident;
    let qualified = if owner.is_empty() {
        format!("fn {ident}")
    } else {
        format!("fn {owner}::{ident}")
    };
    text.replacen(&format!("fn {ident}"), &qualified, 1)
}

pub(super) fn variant_text(scope: &Scope<'_>, variant: &syn::Variant) -> String {
    let fields = match &variant.fields {
        syn::Fields::Unit => String::new(),
        syn::Fields::Unnamed(fields) => {
            let types: Vec<String> = fields
                .unnamed
                .iter()
                .map(|f| type_text(scope, &f.ty))
                .collect();
            format!("({})", types.join(", "))
        }
        syn::Fields::Named(fields) => {
            let named: Vec<String> = fields
                .named
                .iter()
                .map(|f| {
                    let name = f
                        .ident
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    format!("{name}: {}", type_text(scope, &f.ty))
                })
                .collect();
            format!(" {{ {} }}", named.join(", "))
        }
    };
    let discriminant = variant
        .discriminant
        .as_ref()
        .map(|(_, value)| format!(" = {}", one_line(&value.to_token_stream().to_string())))
        .unwrap_or_default();
    format!("{}{fields}{discriminant}", variant.ident)
}

/// A type as one line, its paths resolved.
pub(super) fn type_text(scope: &Scope<'_>, ty: &syn::Type) -> String {
    let alias: syn::Item = syn::parse_quote!(type __T = #ty;);
    let text = unparse(scope, alias);
    text.trim_start_matches("type __T = ")
        .trim_end_matches(';')
        .to_owned()
}

/// The attributes that decide what a caller may write, appended to `line`.
pub(super) fn with_attributes(scope: &Scope<'_>, line: String, attrs: &[syn::Attribute]) -> String {
    let mut shown = Vec::new();
    for attr in attrs {
        let path = attr.path();
        if path.is_ident("derive")
            && let Ok(paths) = attr.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
        {
            let mut derives: Vec<(String, syn::Path)> = paths
                .into_iter()
                .map(|mut path| {
                    Resolve(scope).visit_path_mut(&mut path);
                    let ty = syn::Type::Path(syn::TypePath {
                        qself: None,
                        path: path.clone(),
                    });
                    (
                        one_line(&prettyplease::unparse(&file_of(
                            syn::parse_quote!(type __T = #ty;),
                        ))),
                        path,
                    )
                })
                .collect();
            derives.sort_by(|a, b| a.0.cmp(&b.0));
            let derives = derives.into_iter().map(|(_, path)| path);
            shown.push(attribute_text(&syn::parse_quote!(#[derive(#(#derives),*)])));
        } else if ["derive", "non_exhaustive", "deprecated", "repr"]
            .iter()
            .any(|name| path.is_ident(name))
        {
            shown.push(attribute_text(attr));
        }
    }
    shown.sort();
    if shown.is_empty() {
        line
    } else {
        format!("{line} {}", shown.join(" "))
    }
}

/// `#[...]` as prettyplease writes it, on one line.
pub(super) fn attribute_text(attr: &syn::Attribute) -> String {
    let item: syn::Item = syn::parse_quote!(#attr struct __S;);
    let text = one_line(&prettyplease::unparse(&file_of(item)));
    text.trim_end_matches("struct __S;").trim_end().to_owned()
}

pub(super) fn file_of(item: syn::Item) -> syn::File {
    syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![item],
    }
}

/// `item` with its paths resolved, formatted by prettyplease and joined into one line.
pub(super) fn unparse(scope: &Scope<'_>, mut item: syn::Item) -> String {
    Resolve(scope).visit_item_mut(&mut item);
    one_line(&prettyplease::unparse(&file_of(item)))
}

/// Text over several lines as one: no space inside brackets, no trailing comma
/// before a closing one or at the end.
pub(super) fn one_line(text: &str) -> String {
    let mut out = String::new();
    for piece in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let closes = piece.starts_with([')', '>', ']']);
        if closes && out.ends_with(',') {
            out.pop();
        }
        if !(out.is_empty() || closes || out.ends_with(['(', '<', '['])) {
            out.push(' ');
        }
        out.push_str(piece);
    }
    out
}

/// The text of an item declared with an empty body, without it: `fn f() {}` → `fn f()`,
/// `impl X for Y {}` → `impl X for Y`, `where T: X, {}` → `where T: X`.
pub(super) fn strip_body(text: &str) -> String {
    let text = text.trim_end();
    let text = text.strip_suffix("{}").unwrap_or(text).trim_end();
    text.trim_end_matches(',').to_owned()
}

/// `mut` on a by-value argument is the function's own business, not its signature.
pub(super) struct StripMut;

impl VisitMut for StripMut {
    fn visit_receiver_mut(&mut self, receiver: &mut syn::Receiver) {
        if receiver.reference.is_none() {
            receiver.mutability = None;
        }
    }

    fn visit_pat_ident_mut(&mut self, pat: &mut syn::PatIdent) {
        pat.mutability = None;
    }
}
