//! The public Rust API of the generated code, one line per item, for a snapshot that
//! changes whenever a change of progenitor, typify or this generator changes what a
//! caller compiles against, with or without an edit of the spec.
//!
//! Each line starts with the crate (`stablemint_raw` for `generated.rs`, `stablemint`
//! for `operations.rs`) and the kind of item, then the item's path from the crate root:
//!
//! ```text
//! stablemint_raw struct types::UserKyc #[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize, stablemint_validate::Validate)] #[non_exhaustive]
//! stablemint_raw field types::UserKyc::date_of_birth: Option<String>
//! stablemint_raw fn types::builder::UserKyc::date_of_birth<T>(self, value: T) -> Self where T: IntoOptional<String>
//! stablemint_raw impl TryFrom<types::builder::UserKyc> for types::UserKyc { type Error = types::error::ConversionError; }
//! stablemint fn Client::create_embedded_session(&self, request: &types::EmbeddedSessionRequest) -> Result<Response<types::EmbeddedSessionResponse>, Error>
//! ```
//!
//! Paths in types are resolved as the compiler would: `crate::`, `super::` and `self::`,
//! the module's own items and its `use`s all become paths from the crate root (or the
//! outside path a `use` names), and the prelude's items lose their `std::...::`, so a
//! generator that spells a type differently without changing it changes no line. The
//! lines are sorted by the item they belong to, so moving items around changes none
//! either. What a caller cannot use is left out: private items and fields, impls of
//! private types, the bodies of functions and the values of constants, and of trait
//! impls everything but the trait, the type and the associated types and constants
//! (the trait fixes the rest). Derives, `#[non_exhaustive]`, `#[deprecated]` and
//! `#[repr]` are kept: they decide what a caller may write.

mod scope;
mod text;

use scope::{Modules, Scope, collect, is_public, use_paths};
use text::{declaration, fn_text, strip_body, type_text, unparse, variant_text, with_attributes};

/// The listing of `raw` (the client, `stablemint_raw`) and `operations` (the generated
/// part of `stablemint`).
pub(crate) fn render(raw: &syn::File, operations: &syn::File) -> String {
    let mut entries = Vec::new();
    for (krate, file) in [("stablemint_raw", raw), ("stablemint", operations)] {
        let mut modules = Modules::new();
        collect(&[], &file.items, &mut modules);
        let mut listed = Vec::new();
        list_module(&modules, &[], &file.items, &mut listed);
        listed.sort();
        listed.dedup();
        entries.extend(
            listed
                .into_iter()
                .map(|entry| format!("{krate} {}\n", entry.line)),
        );
    }
    entries.concat()
}

/// One line, with what it is sorted by: the path of the item it belongs to, then
/// the item itself before its fields and variants, its methods, and its trait impls.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    owner: String,
    rank: u8,
    line: String,
}

fn list_module(modules: &Modules, module: &[String], items: &[syn::Item], out: &mut Vec<Entry>) {
    let scope = Scope {
        modules,
        module: module.to_vec(),
    };
    for item in items {
        list_item(&scope, item, out);
    }
}

fn list_item(scope: &Scope<'_>, item: &syn::Item, out: &mut Vec<Entry>) {
    let mut push = |owner: String, rank: u8, line: String| out.push(Entry { owner, rank, line });
    match item {
        syn::Item::Use(item) if is_public(&item.vis) => {
            for (alias, _) in use_paths(&item.tree) {
                let target = scope.resolve_segments(std::slice::from_ref(&alias), false);
                let path = scope.item_path(&alias);
                let line = format!("use {path} = {}", target.join("::"));
                push(path, 0, line);
            }
        }
        syn::Item::Mod(item) if is_public(&item.vis) => {
            let path = scope.item_path(&item.ident);
            push(path.clone(), 0, format!("mod {path}"));
            if let Some((_, items)) = &item.content {
                let mut module = scope.module.clone();
                module.push(item.ident.to_string());
                list_module(scope.modules, &module, items, out);
            }
        }
        syn::Item::Struct(item) if is_public(&item.vis) => {
            let path = scope.item_path(&item.ident);
            let mut header = item.clone();
            header.attrs.clear();
            header.vis = syn::Visibility::Inherited;
            header.fields = syn::Fields::Unit;
            header.semi_token = Some(Default::default());
            let text = declaration(
                scope,
                &path,
                syn::Item::Struct(header),
                &item.ident,
                "struct",
            );
            push(path.clone(), 0, with_attributes(scope, text, &item.attrs));
            list_fields(scope, &path, item.fields.iter(), out);
        }
        syn::Item::Enum(item) if is_public(&item.vis) => {
            let path = scope.item_path(&item.ident);
            let mut header = item.clone();
            header.attrs.clear();
            header.vis = syn::Visibility::Inherited;
            header.variants.clear();
            let text = declaration(scope, &path, syn::Item::Enum(header), &item.ident, "enum");
            push(path.clone(), 0, with_attributes(scope, text, &item.attrs));
            for variant in &item.variants {
                let line = format!("variant {path}::{}", variant_text(scope, variant));
                push(
                    path.clone(),
                    1,
                    with_attributes(scope, line, &variant.attrs),
                );
            }
        }
        syn::Item::Union(item) if is_public(&item.vis) => {
            let path = scope.item_path(&item.ident);
            push(path.clone(), 0, format!("union {path}"));
            list_fields(scope, &path, item.fields.named.iter(), out);
        }
        syn::Item::Type(item) if is_public(&item.vis) => {
            let path = scope.item_path(&item.ident);
            let mut header = item.clone();
            header.attrs.clear();
            header.vis = syn::Visibility::Inherited;
            let text = declaration(scope, &path, syn::Item::Type(header), &item.ident, "type");
            push(path, 0, text);
        }
        syn::Item::Const(item) if is_public(&item.vis) => {
            let path = scope.item_path(&item.ident);
            let line = format!("const {path}: {}", type_text(scope, &item.ty));
            push(path, 0, line);
        }
        syn::Item::Static(item) if is_public(&item.vis) => {
            let path = scope.item_path(&item.ident);
            let line = format!("static {path}: {}", type_text(scope, &item.ty));
            push(path, 0, line);
        }
        syn::Item::Fn(item) if is_public(&item.vis) => {
            let owner = scope.module.join("::");
            let path = scope.item_path(&item.sig.ident);
            push(
                path,
                0,
                with_attributes(scope, fn_text(scope, &owner, &item.sig), &item.attrs),
            );
        }
        syn::Item::Trait(item) if is_public(&item.vis) => {
            let path = scope.item_path(&item.ident);
            let mut header = item.clone();
            header.attrs.clear();
            header.vis = syn::Visibility::Inherited;
            header.items.clear();
            let text = declaration(scope, &path, syn::Item::Trait(header), &item.ident, "trait");
            push(path.clone(), 0, text);
            for member in &item.items {
                if let syn::TraitItem::Fn(f) = member {
                    push(path.clone(), 2, fn_text(scope, &path, &f.sig));
                }
            }
        }
        syn::Item::Impl(item) => list_impl(scope, item, out),
        syn::Item::Macro(item) if item.attrs.iter().any(|a| a.path().is_ident("macro_export")) => {
            if let Some(ident) = &item.ident {
                push(ident.to_string(), 0, format!("macro {ident}!"));
            }
        }
        _ => {}
    }
}

/// The public fields of the struct or union at `path`, by name or position.
fn list_fields<'f>(
    scope: &Scope<'_>,
    path: &str,
    fields: impl Iterator<Item = &'f syn::Field>,
    out: &mut Vec<Entry>,
) {
    for (index, field) in fields.enumerate() {
        if !is_public(&field.vis) {
            continue;
        }
        let name = field
            .ident
            .as_ref()
            .map_or_else(|| index.to_string(), ToString::to_string);
        out.push(Entry {
            owner: path.to_owned(),
            rank: 1,
            line: format!("field {path}::{name}: {}", type_text(scope, &field.ty)),
        });
    }
}

fn list_impl(scope: &Scope<'_>, item: &syn::ItemImpl, out: &mut Vec<Entry>) {
    // An impl of a private type is out of a caller's reach.
    if let syn::Type::Path(ty) = &*item.self_ty
        && let [segment] = ty.path.segments.iter().collect::<Vec<_>>().as_slice()
        && scope.is_private(&segment.ident)
    {
        return;
    }
    let owner = type_text(scope, &item.self_ty);
    if item.trait_.is_none() {
        for member in &item.items {
            if let syn::ImplItem::Fn(f) = member
                && is_public(&f.vis)
            {
                let line = with_attributes(scope, fn_text(scope, &owner, &f.sig), &f.attrs);
                out.push(Entry {
                    owner: owner.clone(),
                    rank: 2,
                    line,
                });
            }
            if let syn::ImplItem::Const(c) = member
                && is_public(&c.vis)
            {
                let line = format!("const {owner}::{}: {}", c.ident, type_text(scope, &c.ty));
                out.push(Entry {
                    owner: owner.clone(),
                    rank: 2,
                    line,
                });
            }
        }
        return;
    }
    let mut header = item.clone();
    header.attrs.clear();
    header.items.clear();
    let mut associated = Vec::new();
    for member in &item.items {
        match member {
            syn::ImplItem::Type(t) => {
                associated.push(format!("type {} = {};", t.ident, type_text(scope, &t.ty)));
            }
            syn::ImplItem::Const(c) => {
                associated.push(format!("const {}: {};", c.ident, type_text(scope, &c.ty)));
            }
            _ => {}
        }
    }
    let mut line = strip_body(&unparse(scope, syn::Item::Impl(header)));
    if !associated.is_empty() {
        line = format!("{line} {{ {} }}", associated.join(" "));
    }
    out.push(Entry {
        owner,
        rank: 3,
        line,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(raw: &str, operations: &str) -> String {
        render(
            &syn::parse_file(raw).unwrap(),
            &syn::parse_file(operations).unwrap(),
        )
    }

    #[test]
    fn paths_are_resolved_from_the_crate_root() {
        let raw = r#"
            pub use other::Error;
            pub mod types {
                #[derive(::serde::Serialize, Clone)]
                #[serde(rename_all = "camelCase")]
                #[non_exhaustive]
                pub struct A {
                    pub b: ::std::option::Option<B>,
                    pub err: crate::Error<()>,
                    hidden: u8,
                }
                pub struct B(::std::string::String);
                pub mod builder {
                    pub struct A;
                    impl A {
                        pub fn b<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<::std::option::Option<super::B>>,
                            T::Error: ::std::fmt::Display,
                        {
                            self
                        }
                        fn private(&self) {}
                    }
                    impl ::std::convert::TryFrom<A> for super::A {
                        type Error = ::std::string::String;
                        fn try_from(value: A) -> Result<Self, String> { todo!() }
                    }
                }
            }
        "#;
        let expected = "\
stablemint_raw use Error = other::Error
stablemint_raw mod types
stablemint_raw struct types::A #[derive(Clone, serde::Serialize)] #[non_exhaustive]
stablemint_raw field types::A::b: Option<types::B>
stablemint_raw field types::A::err: other::Error<()>
stablemint_raw impl TryFrom<types::builder::A> for types::A { type Error = String; }
stablemint_raw struct types::B
stablemint_raw mod types::builder
stablemint_raw struct types::builder::A
stablemint_raw fn types::builder::A::b<T>(self, value: T) -> Self where T: TryInto<Option<types::B>>, T::Error: std::fmt::Display
";
        assert_eq!(listing(raw, ""), expected);
    }

    #[test]
    fn private_items_and_impls_of_private_types_are_left_out() {
        let operations = r#"
            use crate::{Client, Error};
            use std::time::Duration;
            impl Client {
                pub async fn get(&self, id: &str, wait: Duration) -> Result<(), Error> { todo!() }
                pub(crate) fn internal(&self) {}
            }
            pub(crate) struct GetCall<'a> { id: &'a str }
            impl Operation for GetCall<'_> { type Body = (); }
            pub mod options {
                #[derive(Debug, Default)]
                pub struct GetOptions { pub(crate) call: u8 }
                impl GetOptions {
                    pub fn new() -> Self { Self::default() }
                }
            }
        "#;
        let expected = "\
stablemint async fn Client::get(&self, id: &str, wait: std::time::Duration) -> Result<(), Error>
stablemint mod options
stablemint struct options::GetOptions #[derive(Debug, Default)]
stablemint fn options::GetOptions::new() -> Self
";
        assert_eq!(listing("", operations), expected);
    }

    #[test]
    fn the_order_of_items_does_not_matter() {
        let a = "pub struct A; impl A { pub fn f(&self) {} } pub struct B;";
        let b = "pub struct B; impl A { pub fn f(&self) {} } pub struct A;";
        assert_eq!(listing(a, ""), listing(b, ""));
        assert_eq!(
            listing(a, ""),
            "stablemint_raw struct A\nstablemint_raw fn A::f(&self)\nstablemint_raw struct B\n"
        );
    }

    #[test]
    fn raw_identifiers_are_kept() {
        let raw = "pub mod r#type { pub struct A; } pub struct B { pub r#ref: crate::r#type::A }";
        assert_eq!(
            listing(raw, ""),
            "stablemint_raw struct B\nstablemint_raw field B::r#ref: r#type::A\n\
             stablemint_raw mod r#type\nstablemint_raw struct r#type::A\n"
        );
    }

    #[test]
    fn enums_list_their_variants() {
        let raw = "pub enum E { A, B(::std::string::String), C { x: i32 } }";
        assert_eq!(
            listing(raw, ""),
            "stablemint_raw enum E\nstablemint_raw variant E::A\n\
             stablemint_raw variant E::B(String)\nstablemint_raw variant E::C { x: i32 }\n"
        );
    }
}
