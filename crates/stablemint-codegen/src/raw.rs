//! Reading the raw client that progenitor generated: its positional methods and its
//! types, which the operations table and the methods of `stablemint::Client` are made
//! to fit.

use std::collections::BTreeMap;

use syn::visit_mut::VisitMut;

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

/// Whether `ty` is `Option<...>`.
pub(crate) fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// Whether `ty` is `&'a String` (however the path to `String` is written).
pub(crate) fn is_string_reference(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Reference(r) if matches!(&*r.elem, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "String")))
}

/// Whether `ty` is `&'a str`.
pub(crate) fn is_str_reference(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Reference(r) if matches!(&*r.elem, syn::Type::Path(p) if p.path.is_ident("str")))
}

/// `ty` without the raw method's `'a`: references lose it, other uses become `'_`.
pub(crate) fn without_lifetimes(ty: &syn::Type) -> syn::Type {
    struct Strip;
    impl VisitMut for Strip {
        fn visit_type_reference_mut(&mut self, reference: &mut syn::TypeReference) {
            reference.lifetime = None;
            syn::visit_mut::visit_type_reference_mut(self, reference);
        }
        fn visit_lifetime_mut(&mut self, lifetime: &mut syn::Lifetime) {
            *lifetime = syn::Lifetime::new("'_", lifetime.span());
        }
    }
    let mut ty = ty.clone();
    Strip.visit_type_mut(&mut ty);
    ty
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn public_types_lose_the_raw_lifetime() {
        let ty: syn::Type = syn::parse_quote!(&'a ::std::vec::Vec<::std::string::String>);
        let stripped = without_lifetimes(&ty);
        assert_eq!(
            quote!(#stripped).to_string(),
            quote!(&::std::vec::Vec<::std::string::String>).to_string()
        );
        let ty: syn::Type = syn::parse_quote!(Option<&'a str>);
        let stripped = without_lifetimes(&ty);
        assert_eq!(
            quote!(#stripped).to_string(),
            quote!(Option<&str>).to_string()
        );
    }
}
