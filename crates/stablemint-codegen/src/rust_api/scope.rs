//! Where the listing reads paths: what each module of a generated file defines and
//! imports, and a path written in one module resolved from the crate root, as the
//! compiler would.

use std::collections::{BTreeMap, BTreeSet};

use syn::visit_mut::VisitMut;

/// What each module of one file defines (and whether it is a module itself) and
/// imports, by the module's path from the crate root.
pub(super) type Modules = BTreeMap<Vec<String>, Names>;

#[derive(Default)]
pub(super) struct Names {
    defined: BTreeMap<String, bool>,
    private: BTreeSet<String>,
    /// Each imported name, with the path its `use` wrote and whether it started with `::`.
    uses: BTreeMap<String, (Vec<String>, bool)>,
}

/// Where paths are read: one module of one file.
pub(super) struct Scope<'m> {
    pub(super) modules: &'m Modules,
    pub(super) module: Vec<String>,
}

pub(super) fn collect(module: &[String], items: &[syn::Item], modules: &mut Modules) {
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

impl Scope<'_> {
    /// `path` from the crate root, or as an outside path.
    pub(super) fn resolve_segments(&self, path: &[String], global: bool) -> Vec<String> {
        shorten_prelude(resolve(self.modules, &self.module, path, global))
    }

    /// `path` rewritten from the crate root, keeping its generic arguments.
    pub(super) fn resolve(&self, path: &mut syn::Path) {
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
    pub(super) fn is_private(&self, ident: &syn::Ident) -> bool {
        self.modules
            .get(&self.module)
            .is_some_and(|names| names.private.contains(&ident.to_string()))
    }

    /// The path of the item `ident` of this module, from the crate root.
    pub(super) fn item_path(&self, ident: &impl ToString) -> String {
        let mut path = self.module.clone();
        path.push(ident.to_string());
        path.join("::")
    }
}

/// `path`, written in `module`, from the crate root (or as the outside path it is).
pub(super) fn resolve(
    modules: &Modules,
    module: &[String],
    path: &[String],
    global: bool,
) -> Vec<String> {
    resolve_in(modules, module, path, global, &mut Vec::new())
}

/// The `use`s being followed, as (module, name): a `use` met again is a cycle, and a
/// `use crate::X` in the root names an item this file does not hold (it is the crate's).
pub(super) type Following = Vec<(Vec<String>, String)>;

pub(super) fn resolve_in(
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
pub(super) fn lookup(
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
pub(super) fn shorten_prelude(path: Vec<String>) -> Vec<String> {
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
pub(super) fn defined(item: &syn::Item) -> Option<(String, bool)> {
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

pub(super) fn is_public(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// Every name a `use` tree brings in, with the path it names; globs bring none that
/// can be listed.
pub(super) fn use_paths(tree: &syn::UseTree) -> Vec<(String, Vec<String>)> {
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

pub(super) struct Resolve<'s>(pub(super) &'s Scope<'s>);

impl VisitMut for Resolve<'_> {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        syn::visit_mut::visit_path_mut(self, path);
        self.0.resolve(path);
    }
}
