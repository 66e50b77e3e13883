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

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use syn::visit_mut::VisitMut;

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

/// What each module of one file defines (and whether it is a module itself) and
/// imports, by the module's path from the crate root.
type Modules = BTreeMap<Vec<String>, Names>;

#[derive(Default)]
struct Names {
    defined: BTreeMap<String, bool>,
    private: BTreeSet<String>,
    /// Each imported name, with the path its `use` wrote and whether it started with `::`.
    uses: BTreeMap<String, (Vec<String>, bool)>,
}

/// Where paths are read: one module of one file.
struct Scope<'m> {
    modules: &'m Modules,
    module: Vec<String>,
}

fn collect(module: &[String], items: &[syn::Item], modules: &mut Modules) {
    let mut names = Names::default();
    for item in items {
        if let Some((ident, public)) = defined(item) {
            names
                .defined
                .insert(ident.clone(), matches!(item, syn::Item::Mod(_)));
            if !public {
                names.private.insert(ident);
            }
        }
        match item {
            syn::Item::Use(item) => {
                let global = item.leading_colon.is_some();
                for (alias, path) in use_paths(&item.tree) {
                    names.uses.insert(alias, (path, global));
                }
            }
            syn::Item::Mod(item) => {
                if let Some((_, items)) = &item.content {
                    let mut inner = module.to_vec();
                    inner.push(item.ident.to_string());
                    collect(&inner, items, modules);
                }
            }
            _ => {}
        }
    }
    modules.insert(module.to_vec(), names);
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

impl Scope<'_> {
    /// `path` from the crate root, or as an outside path.
    fn resolve_segments(&self, path: &[String], global: bool) -> Vec<String> {
        shorten_prelude(resolve(self.modules, &self.module, path, global))
    }

    /// `path` rewritten from the crate root, keeping its generic arguments.
    fn resolve(&self, path: &mut syn::Path) {
        let idents: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let resolved = self.resolve_segments(&idents, path.leading_colon.is_some());
        if resolved == idents && path.leading_colon.is_none() {
            return;
        }
        let arguments = path
            .segments
            .last()
            .map(|s| s.arguments.clone())
            .unwrap_or(syn::PathArguments::None);
        // Parsed rather than built with `Ident::new`, which panics on a raw identifier;
        // a path that does not parse is left as it was written.
        let Ok(mut rewritten) = syn::parse_str::<syn::Path>(&resolved.join("::")) else {
            return;
        };
        if let Some(last) = rewritten.segments.last_mut() {
            last.arguments = arguments;
        }
        *path = rewritten;
    }

    /// Whether `ident` is a private item of this module.
    fn is_private(&self, ident: &syn::Ident) -> bool {
        self.modules
            .get(&self.module)
            .is_some_and(|names| names.private.contains(&ident.to_string()))
    }

    /// The path of the item `ident` of this module, from the crate root.
    fn item_path(&self, ident: &impl ToString) -> String {
        let mut path = self.module.clone();
        path.push(ident.to_string());
        path.join("::")
    }
}

/// `path`, written in `module`, from the crate root (or as the outside path it is).
fn resolve(modules: &Modules, module: &[String], path: &[String], global: bool) -> Vec<String> {
    resolve_in(modules, module, path, global, &mut Vec::new())
}

/// The `use`s being followed, as (module, name): a `use` met again is a cycle, and a
/// `use crate::X` in the root names an item this file does not hold (it is the crate's).
type Following = Vec<(Vec<String>, String)>;

fn resolve_in(
    modules: &Modules,
    module: &[String],
    path: &[String],
    global: bool,
    following: &mut Following,
) -> Vec<String> {
    let Some(first) = path.first() else {
        return Vec::new();
    };
    if global {
        return path.to_vec();
    }
    match first.as_str() {
        "crate" => lookup(modules, &[], &path[1..], true, following),
        "self" => lookup(modules, module, &path[1..], true, following),
        "super" => {
            let supers = path.iter().take_while(|s| *s == "super").count();
            let kept = module.len().saturating_sub(supers);
            lookup(modules, &module[..kept], &path[supers..], true, following)
        }
        _ => lookup(modules, module, path, false, following),
    }
}

/// `path` looked up in the module `base`. `explicit` when the path itself named `base`
/// (`crate::`, `super::`), so that a name `base` does not know is still `base`'s.
fn lookup(
    modules: &Modules,
    base: &[String],
    path: &[String],
    explicit: bool,
    following: &mut Following,
) -> Vec<String> {
    let Some(first) = path.first() else {
        return base.to_vec();
    };
    let rest = &path[1..];
    let unknown = || {
        if explicit {
            [base, path].concat()
        } else {
            path.to_vec()
        }
    };
    let names = modules.get(base);
    if let Some(&is_module) = names.and_then(|n| n.defined.get(first)) {
        let inner = [base, std::slice::from_ref(first)].concat();
        if is_module && !rest.is_empty() {
            return lookup(modules, &inner, rest, true, following);
        }
        return [inner.as_slice(), rest].concat();
    }
    let Some((target, global)) = names.and_then(|n| n.uses.get(first)) else {
        return unknown();
    };
    let key = (base.to_vec(), first.clone());
    if following.contains(&key) {
        return unknown();
    }
    following.push(key);
    let target = resolve_in(modules, base, target, *global, following);
    following.pop();
    if !rest.is_empty() && modules.contains_key(&target) {
        return lookup(modules, &target, rest, true, following);
    }
    [target.as_slice(), rest].concat()
}

/// The prelude's items (`::std::option::Option`) by their prelude name (`Option`).
fn shorten_prelude(path: Vec<String>) -> Vec<String> {
    const PRELUDE: &[&str] = &[
        "Option",
        "Some",
        "None",
        "Result",
        "Ok",
        "Err",
        "String",
        "Vec",
        "Box",
        "ToString",
        "ToOwned",
        "Clone",
        "Copy",
        "Default",
        "From",
        "Into",
        "TryFrom",
        "TryInto",
        "Iterator",
        "IntoIterator",
        "Extend",
        "Send",
        "Sync",
        "Sized",
        "Unpin",
        "Fn",
        "FnMut",
        "FnOnce",
        "Drop",
        "Eq",
        "PartialEq",
        "Ord",
        "PartialOrd",
        "AsRef",
        "AsMut",
    ];
    match path.as_slice() {
        [root, _, name]
            if matches!(root.as_str(), "std" | "core" | "alloc")
                && PRELUDE.contains(&name.as_str()) =>
        {
            vec![name.clone()]
        }
        _ => path,
    }
}

/// The name an item defines in its module, and whether it is `pub`.
fn defined(item: &syn::Item) -> Option<(String, bool)> {
    let (ident, vis) = match item {
        syn::Item::Struct(i) => (&i.ident, &i.vis),
        syn::Item::Enum(i) => (&i.ident, &i.vis),
        syn::Item::Union(i) => (&i.ident, &i.vis),
        syn::Item::Type(i) => (&i.ident, &i.vis),
        syn::Item::Trait(i) => (&i.ident, &i.vis),
        syn::Item::Mod(i) => (&i.ident, &i.vis),
        syn::Item::Const(i) => (&i.ident, &i.vis),
        syn::Item::Static(i) => (&i.ident, &i.vis),
        syn::Item::Fn(i) => (&i.sig.ident, &i.vis),
        _ => return None,
    };
    Some((ident.to_string(), is_public(vis)))
}

fn is_public(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// Every name a `use` tree brings in, with the path it names; globs bring none that
/// can be listed.
fn use_paths(tree: &syn::UseTree) -> Vec<(String, Vec<String>)> {
    fn walk(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<(String, Vec<String>)>) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                walk(&p.tree, prefix, out);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let mut path = prefix.clone();
                path.push(n.ident.to_string());
                out.push((n.ident.to_string(), path));
            }
            syn::UseTree::Rename(r) => {
                let mut path = prefix.clone();
                path.push(r.ident.to_string());
                out.push((r.rename.to_string(), path));
            }
            syn::UseTree::Group(g) => {
                for tree in &g.items {
                    walk(tree, prefix, out);
                }
            }
            syn::UseTree::Glob(_) => {}
        }
    }
    let mut out = Vec::new();
    walk(tree, &mut Vec::new(), &mut out);
    out
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

/// `kind path<generics> where ...` of an item whose body was emptied.
fn declaration(
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
fn fn_text(scope: &Scope<'_>, owner: &str, sig: &syn::Signature) -> String {
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

fn variant_text(scope: &Scope<'_>, variant: &syn::Variant) -> String {
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
fn type_text(scope: &Scope<'_>, ty: &syn::Type) -> String {
    let alias: syn::Item = syn::parse_quote!(type __T = #ty;);
    let text = unparse(scope, alias);
    text.trim_start_matches("type __T = ")
        .trim_end_matches(';')
        .to_owned()
}

/// The attributes that decide what a caller may write, appended to `line`.
fn with_attributes(scope: &Scope<'_>, line: String, attrs: &[syn::Attribute]) -> String {
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
fn attribute_text(attr: &syn::Attribute) -> String {
    let item: syn::Item = syn::parse_quote!(#attr struct __S;);
    let text = one_line(&prettyplease::unparse(&file_of(item)));
    text.trim_end_matches("struct __S;").trim_end().to_owned()
}

fn file_of(item: syn::Item) -> syn::File {
    syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![item],
    }
}

/// `item` with its paths resolved, formatted by prettyplease and joined into one line.
fn unparse(scope: &Scope<'_>, mut item: syn::Item) -> String {
    Resolve(scope).visit_item_mut(&mut item);
    one_line(&prettyplease::unparse(&file_of(item)))
}

/// Text over several lines as one: no space inside brackets, no trailing comma
/// before a closing one or at the end.
fn one_line(text: &str) -> String {
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
fn strip_body(text: &str) -> String {
    let text = text.trim_end();
    let text = text.strip_suffix("{}").unwrap_or(text).trim_end();
    text.trim_end_matches(',').to_owned()
}

struct Resolve<'s>(&'s Scope<'s>);

impl VisitMut for Resolve<'_> {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        syn::visit_mut::visit_path_mut(self, path);
        self.0.resolve(path);
    }
}

/// `mut` on a by-value argument is the function's own business, not its signature.
struct StripMut;

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
