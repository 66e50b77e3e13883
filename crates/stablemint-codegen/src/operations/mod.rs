//! The per-operation methods of `stablemint::Client`.
//!
//! The handwritten `stablemint` crate holds one generic call flow (validate, add an
//! idempotency key, sign each attempt, correct clock skew, retry by the method's
//! semantics, map errors). What differs between operations is declared in the spec (see
//! [`crate::operations::Declaration`]) or read from the raw client's positional method.
//!
//! From those this module emits `crates/stablemint/src/operations.rs`. For an operation
//! `fooBar` it writes:
//!
//! - `Client::foo_bar(required parameters in the spec's order, &body)` and
//!   `Client::foo_bar_with(..., &options::FooBarOptions)`;
//! - `options::FooBarOptions`: the optional parameters and the per-call timeout, deadline
//!   and retry policy, set through methods (its fields are private), so that a parameter
//!   the spec gains later is a new method and breaks no caller;
//! - the `Operation` impl that tells the generic flow what the operation signs, where its
//!   idempotency key goes, how to call the raw method and how to decode its declared
//!   error bodies.
//!
//! Adding an operation to the spec therefore needs no handwritten Rust.

mod binding;
mod methods;
mod operation_impl;
mod options;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub use crate::declaration::{AUTH_HEADERS, Declaration, EXTENSION, Signature};
use crate::model::OperationModel;
use crate::raw::{RawMethods, field_ident, success_type, without_lifetimes};
use binding::Names;

/// Emits `crates/stablemint/src/operations.rs`, as a tree: the caller prints it, and
/// reads the Rust API listing from the same tree.
pub(crate) fn generate(
    models: &[OperationModel<'_>],
    raw: &syn::File,
) -> Result<syn::File, String> {
    let methods = RawMethods::new(raw);
    let types = crate::raw::types(raw);
    let mut items = Vec::new();
    let mut options = Vec::new();
    let mut expiring = std::collections::BTreeSet::new();
    for model in models {
        let raw_method = methods.get(model)?;
        let emitted = emit_operation(model, raw_method, &types)?;
        items.push(emitted.items);
        options.push(emitted.options);
        if let Some(name) = expiring_type(raw_method, &types) {
            expiring.insert(name);
        }
    }
    for name in expiring {
        let ty = format_ident!("{name}");
        items.push(quote! {
            impl crate::response::sealed::Sealed for types::#ty {}

            impl crate::Expiring for types::#ty {
                fn expires_at_unix(&self) -> i64 {
                    self.expires_at
                }
            }
        });
    }
    // `types` is imported only where it is used, so the generated file draws no lint.
    let uses_types = |tokens: &[TokenStream]| quote!(#(#tokens)*).to_string().contains("types ::");
    let types_at_top = uses_types(&items).then(|| {
        quote!(
            use crate::types;
        )
    });
    let types_in_options = uses_types(&options).then(|| {
        quote!(
            use crate::types;
        )
    });
    syn::parse2(quote! {
        use std::marker::PhantomData;

        use stablemint_wire::OperationSpec;
        use tracing::Instrument as _;

        use crate::call::{AuthHeaders, Operation, RawResult};
        use crate::{Client, Error, Response};
        #types_at_top

        #(#items)*

        /// The options of each operation: its optional parameters, and per-call overrides
        /// of the client's timeout, deadline and retry policy.
        ///
        /// Each type starts empty (`new()`, or `Default`) and is set through its methods;
        /// a parameter the API gains later becomes a new method, so code that builds
        /// options keeps compiling.
        pub mod options {
            use std::time::Duration;

            use crate::RetryPolicy;
            use crate::call::CallOptions;
            #types_in_options

            #(#options)*
        }
    })
    .map_err(|e| format!("the generated operations do not parse: {e}"))
}

/// The name of `method`'s success type when it is a struct with a required
/// `expiresAt` of type `i64` (Unix seconds): what `stablemint::Expiring` is for.
fn expiring_type(
    method: &syn::ImplItemFn,
    types: &std::collections::BTreeMap<String, &syn::ItemStruct>,
) -> Option<String> {
    let success = success_type(method)?;
    let syn::Type::Path(path) = &success else {
        return None;
    };
    let name = path.path.segments.last()?.ident.to_string();
    let item = types.get(&name)?;
    let field = field_ident(item, "expiresAt").ok()?;
    let syn::Fields::Named(fields) = &item.fields else {
        return None;
    };
    let ty = &fields
        .named
        .iter()
        .find(|f| f.ident.as_ref() == Some(&field))?
        .ty;
    let is_i64 = matches!(ty, syn::Type::Path(p) if p.path.is_ident("i64"));
    is_i64.then_some(name)
}

/// What one operation adds: its items beside the client, and its options type.
struct Emitted {
    items: TokenStream,
    options: TokenStream,
}

fn emit_operation(
    model: &OperationModel<'_>,
    raw_method: &syn::ImplItemFn,
    types: &std::collections::BTreeMap<String, &syn::ItemStruct>,
) -> Result<Emitted, String> {
    let here = model.here();
    let names = Names::of(model, raw_method);
    let bound = binding::bind(model, raw_method, &here)?;
    let mut fields = options::fields(model, &bound.params, &here)?;
    let body = model
        .body
        .as_ref()
        .map(|body| format_ident!("{}", body.schema));
    if let Some(ty) = &body {
        fields.public_arguments.push(quote!(request: &types::#ty));
    }
    let output = success_type(raw_method)
        .ok_or_else(|| format!("{here}: the raw method returns no response type"))?;
    let output = without_lifetimes(&output);

    let client_methods = methods::client_methods(model, &names, &fields, body.is_some(), &output);
    let operation_impl =
        operation_impl::operation_impl(model, &names, &bound, body.as_ref(), &output, types)?;
    let items = quote! {
        #client_methods
        #operation_impl
    };
    let options = options::options_type(model, &names, &fields);
    Ok(Emitted { items, options })
}
