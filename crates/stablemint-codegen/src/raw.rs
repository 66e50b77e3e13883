//! Reading the raw client that progenitor generated: its positional methods and its
//! types, which the operations table and the methods of `stablemint::Client` are made
//! to fit.

use std::collections::BTreeMap;

use crate::model::OperationModel;

/// The raw client's positional methods (`impl Client { pub async fn ... }`), by name.
pub(crate) struct RawMethods<'f> {
    methods: BTreeMap<String, &'f syn::ImplItemFn>,
}

impl<'f> RawMethods<'f> {
    pub fn new(raw: &'f syn::File) -> Self {
        let mut methods = BTreeMap::new();
        for item in &raw.items {
            let syn::Item::Impl(block) = item else {
                continue;
            };
            let syn::Type::Path(ty) = &*block.self_ty else {
                continue;
            };
            if block.trait_.is_some() || !ty.path.is_ident("Client") {
                continue;
            }
            for item in &block.items {
                if let syn::ImplItem::Fn(f) = item
                    && f.sig.asyncness.is_some()
                {
                    methods.insert(f.sig.ident.to_string(), f);
                }
            }
        }
        Self { methods }
    }

    /// The method progenitor generated for `model`.
    pub fn get(&self, model: &OperationModel<'_>) -> Result<&'f syn::ImplItemFn, String> {
        let name = crate::naming::snake_case(model.id);
        self.methods.get(&name).copied().ok_or_else(|| {
            format!(
                "progenitor generated no method `{name}` for {}",
                model.here()
            )
        })
    }
}

/// The structs of the raw `types` module, by name.
pub(crate) fn types(raw: &syn::File) -> BTreeMap<String, &syn::ItemStruct> {
    raw.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, i)| i),
            _ => None,
        })
        .into_iter()
        .flatten()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some((s.ident.to_string(), s)),
            _ => None,
        })
        .collect()
}

/// `T` from a method returning `Result<ResponseValue<T>, Error<()>>`.
pub(crate) fn success_type(method: &syn::ImplItemFn) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = &method.sig.output else {
        return None;
    };
    let ok = first_generic(ty)?;
    first_generic(ok).cloned()
}

/// The first generic type argument of a path type's last segment.
pub(crate) fn first_generic(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let syn::PathArguments::AngleBracketed(args) = &path.path.segments.last()?.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// The Rust field of `item` whose wire name is `wire`.
pub(crate) fn field_ident(item: &syn::ItemStruct, wire: &str) -> Result<syn::Ident, String> {
    let syn::Fields::Named(fields) = &item.fields else {
        return Err(format!("`{}` has no named fields", item.ident));
    };
    fields
        .named
        .iter()
        .find(|f| crate::naming::wire_name(f) == wire)
        .and_then(|f| f.ident.clone())
        .ok_or_else(|| format!("`{}` has no field for the property `{wire}`", item.ident))
}

/// The raw method's arguments after `self`, as (name, type).
pub(crate) fn arguments(method: &syn::ImplItemFn) -> Result<Vec<(syn::Ident, syn::Type)>, String> {
    method
        .sig
        .inputs
        .iter()
        .skip(1)
        .map(|input| {
            let syn::FnArg::Typed(input) = input else {
                return Err(format!("`{}` has a second receiver", method.sig.ident));
            };
            let syn::Pat::Ident(name) = &*input.pat else {
                return Err(format!(
                    "`{}` has an argument that is not a plain name",
                    method.sig.ident
                ));
            };
            Ok((name.ident.clone(), (*input.ty).clone()))
        })
        .collect()
}
