//! The `Operation` impl of an operation's call struct: what the generic call flow of
//! `stablemint` needs to know of it (its table entry, its validation and parameter
//! checks, what it signs, where its idempotency key goes, the raw method it calls and
//! the error bodies it decodes).

use proc_macro2::TokenStream;
use quote::quote;

use super::binding::{Bound, Names, Param};
use crate::declaration::Signature;
use crate::model::OperationModel;
use crate::naming::table_constant;
use crate::raw::{field_ident, first_generic, is_option, is_str_reference, is_string_reference};

/// `impl Operation for FooBarCall<'_>`.
pub(super) fn operation_impl(
    model: &OperationModel<'_>,
    names: &Names,
    bound: &Bound<'_, '_>,
    body: Option<&syn::Ident>,
    output: &syn::Type,
    types: &std::collections::BTreeMap<String, &syn::ItemStruct>,
) -> Result<TokenStream, String> {
    let params = &bound.params;
    let call_arguments = &bound.call_arguments;
    let method_name = &names.method;
    let call_struct = &names.call;
    let body_type = match body {
        Some(ty) => quote!(types::#ty),
        None => quote!(()),
    };
    let table_entry = table_constant(model.id);
    let signed = signed_value(model, params, body, types)?;
    let key_methods = key_methods(model, body, types)?;
    let validate = validate_method(model);
    let check_parameters = check_parameters_method(model, params, &table_entry);
    // The attempt span's name and `url.template`: the method as sent, and the spec's
    // path template (never a filled path).
    let http_method = model.method.to_uppercase();
    let path_template = model.path;
    Ok(quote! {
        impl Operation for #call_struct<'_> {
            type Body = #body_type;
            type Output = #output;

            const SPEC: &'static OperationSpec = &stablemint_raw::operations::#table_entry;

            #validate

            #check_parameters

            #signed

            #key_methods

            fn attempt_span(server: &crate::telemetry::Server, attempt: u32) -> tracing::Span {
                crate::telemetry::attempt_span!(#http_method, #path_template, server, attempt)
            }

            fn send<'s>(
                &'s self,
                raw: &'s stablemint_raw::Client,
                auth: AuthHeaders<'s>,
                body: &'s Self::Body,
            ) -> impl Future<Output = RawResult<Self::Output>> + Send + 's {
                let _ = (&auth, &body);
                raw.#method_name(#(#call_arguments),*)
            }

        }
    })
}

/// `fn signed_value`: the value the signature covers, or `None` for an operation that is
/// not signed.
fn signed_value(
    model: &OperationModel<'_>,
    params: &[Param<'_, '_>],
    body: Option<&syn::Ident>,
    types: &std::collections::BTreeMap<String, &syn::ItemStruct>,
) -> Result<TokenStream, String> {
    let value = match &model.declaration.signature {
        Signature::Field(field) => {
            let body = body.ok_or_else(|| format!("{}: no body to sign", model.here()))?;
            let ident = field_ident(body_struct(types, body, model)?, field)?;
            quote!(Some(::std::borrow::Cow::Borrowed(body.#ident.as_str())))
        }
        Signature::Parameter(name) => {
            let param = params
                .iter()
                .find(|p| p.model.name == name)
                .ok_or_else(|| format!("{}: no parameter `{name}` to sign", model.here()))?;
            let ident = &param.ident;
            if is_str_reference(&param.raw_type) {
                quote!(Some(::std::borrow::Cow::Borrowed(self.#ident)))
            } else {
                // What the raw method sends: the value's `to_string()`.
                quote!(Some(::std::borrow::Cow::Owned(self.#ident.to_string())))
            }
        }
        Signature::None => quote!(None),
    };
    Ok(quote! {
        fn signed_value<'s>(
            &'s self,
            body: &'s Self::Body,
        ) -> Option<::std::borrow::Cow<'s, str>> {
            let _ = &body;
            #value
        }
    })
}

fn body_struct<'t>(
    types: &std::collections::BTreeMap<String, &'t syn::ItemStruct>,
    body: &syn::Ident,
    model: &OperationModel<'_>,
) -> Result<&'t syn::ItemStruct, String> {
    types.get(&body.to_string()).copied().ok_or_else(|| {
        format!(
            "{}: no generated struct `{body}` for the request body",
            model.here()
        )
    })
}

/// The idempotency key's accessors, when the operation takes one.
fn key_methods(
    model: &OperationModel<'_>,
    body: Option<&syn::Ident>,
    types: &std::collections::BTreeMap<String, &syn::ItemStruct>,
) -> Result<TokenStream, String> {
    let (Some(wire), Some(body)) = (&model.declaration.idempotency_key_field, body) else {
        return Ok(TokenStream::new());
    };
    let key = field_ident(body_struct(types, body, model)?, wire)?;
    Ok(quote! {
        fn idempotency_key(body: &Self::Body) -> Option<&str> {
            body.#key.as_deref()
        }

        fn with_idempotency_key(body: &Self::Body, key: String) -> Self::Body {
            let mut body = body.clone();
            body.#key = Some(key);
            body
        }
    })
}

/// `fn validate`: the body's rules (every request body type derives `Validate`).
fn validate_method(model: &OperationModel<'_>) -> TokenStream {
    if model.body.is_none() {
        return TokenStream::new();
    }
    quote! {
        fn validate(&self, body: &Self::Body, errors: &mut crate::ValidationErrors) {
            stablemint_validate::Validate::validate_at(
                body,
                &stablemint_validate::Path::root(),
                errors,
            );
        }
    }
}

/// `fn check_parameters`: every parameter, with its texts as the raw method sends them,
/// through the check the mock runs on what it receives
/// (`stablemint_wire::ParameterCheck`). Each parameter's description is the table's
/// entry, taken in a `const` block so that a wrong index could not compile.
fn check_parameters_method(
    model: &OperationModel<'_>,
    params: &[Param<'_, '_>],
    table_entry: &syn::Ident,
) -> TokenStream {
    let mut checks = Vec::new();
    for (index, spec) in model.parameters.iter().enumerate() {
        let Some(param) = params.iter().find(|p| std::ptr::eq(p.model, spec)) else {
            continue;
        };
        let ident = &param.ident;
        let (optional, inner) = match first_generic(&param.raw_type) {
            Some(inner) if is_option(&param.raw_type) => (true, inner),
            _ => (false, &param.raw_type),
        };
        let texts = match (text_kind(inner), optional) {
            (Texts::One, false) => quote!([self.#ident]),
            (Texts::One, true) => quote!(self.#ident),
            (Texts::List, false) => quote!(self.#ident.iter()),
            (Texts::List, true) => quote!(self.#ident.into_iter().flatten()),
            (Texts::Display, false) => quote!([self.#ident.to_string()]),
            (Texts::Display, true) => {
                quote!(self.#ident.as_ref().map(::std::string::ToString::to_string))
            }
        };
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        checks.push(quote! {
            check.given(
                const { &stablemint_raw::operations::#table_entry.parameters[#index] },
                #texts,
            );
        });
    }
    if checks.is_empty() {
        return TokenStream::new();
    }
    quote! {
        fn check_parameters(&self, check: &mut stablemint_wire::ParameterCheck<'_>) {
            #(#checks)*
        }
    }
}

/// How a parameter's raw type gives its texts.
enum Texts {
    /// `&str` or `&String`: the text itself.
    One,
    /// `&Vec<String>`: each item.
    List,
    /// A number, a boolean or any other type: what the raw method sends, its
    /// `to_string()`.
    Display,
}

fn text_kind(ty: &syn::Type) -> Texts {
    if is_str_reference(ty) || is_string_reference(ty) {
        return Texts::One;
    }
    let is_vec = matches!(ty, syn::Type::Reference(r)
        if matches!(&*r.elem, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Vec")));
    if is_vec { Texts::List } else { Texts::Display }
}
