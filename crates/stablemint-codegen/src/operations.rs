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

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;

use crate::HEADER;
pub use crate::declaration::{AUTH_HEADERS, Declaration, EXTENSION, Signature};
use crate::model::{OperationModel, ParamKind, ParamModel, Status};
use crate::raw::{RawMethods, arguments, field_ident, success_type};
use crate::rules::format_rule_name;

/// Setter names every options type has already.
const RESERVED_SETTERS: [&str; 4] = ["new", "timeout", "total_timeout", "retry"];

/// Argument names the generated methods use themselves.
const RESERVED_ARGUMENTS: [&str; 3] = ["request", "options", "self"];

/// Emits `crates/stablemint/src/operations.rs`.
pub(crate) fn generate(models: &[OperationModel<'_>], raw: &syn::File) -> Result<String, String> {
    let methods = RawMethods::new(raw);
    let types = crate::raw::types(raw);
    let mut items = Vec::new();
    let mut options = Vec::new();
    for model in models {
        let raw_method = methods.get(model)?;
        let emitted = emit_operation(model, raw_method, &types)?;
        items.push(emitted.items);
        options.push(emitted.options);
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
    let file: syn::File = syn::parse2(quote! {
        use std::marker::PhantomData;

        use stablemint_wire::OperationSpec;
        use tracing::Instrument as _;

        use crate::operation::{Auth, Operation, RawResult};
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
            use crate::operation::CallOptions;
            #types_in_options

            #(#options)*
        }
    })
    .map_err(|e| format!("the generated operations do not parse: {e}"))?;
    Ok(format!("{HEADER}\n{}", prettyplease::unparse(&file)))
}

/// What one operation adds: its items beside the client, and its options type.
struct Emitted {
    items: TokenStream,
    options: TokenStream,
}

/// Where a raw argument's value comes from.
enum Source<'m, 'd> {
    Parameter(&'m ParamModel<'d>),
    Auth(&'static str),
    Body,
}

/// The raw method's arguments after `self`, in progenitor's order: path parameters in
/// the path's order, then query parameters and then header parameters (the
/// authentication headers among them) each sorted by name, then the body.
fn sources<'m, 'd>(model: &'m OperationModel<'d>) -> Vec<Source<'m, 'd>> {
    let mut out: Vec<Source<'m, 'd>> = crate::model::path_variables(model.path)
        .filter_map(|variable| {
            model
                .parameters
                .iter()
                .find(|p| p.location == "path" && p.name == variable)
                .map(Source::Parameter)
        })
        .collect();
    let mut query: Vec<&ParamModel<'d>> = model
        .parameters
        .iter()
        .filter(|p| p.location == "query")
        .collect();
    query.sort_by_key(|p| p.name);
    out.extend(query.into_iter().map(Source::Parameter));
    let mut headers: Vec<(&str, Source<'m, 'd>)> = model
        .parameters
        .iter()
        .filter(|p| p.location == "header")
        .map(|p| (p.name, Source::Parameter(p)))
        .collect();
    if model.is_signed() {
        headers.extend(AUTH_HEADERS.iter().map(|h| (*h, Source::Auth(h))));
    }
    headers.sort_by_key(|(name, _)| *name);
    out.extend(headers.into_iter().map(|(_, source)| source));
    if model.body.is_some() {
        out.push(Source::Body);
    }
    out
}

/// One parameter as the generated code handles it.
struct Param<'m, 'd> {
    model: &'m ParamModel<'d>,
    /// The raw method's argument name, and the field of the params struct.
    ident: syn::Ident,
    /// The raw method's argument type (with its `'a`).
    raw_type: syn::Type,
}

fn emit_operation(
    model: &OperationModel<'_>,
    raw_method: &syn::ImplItemFn,
    types: &std::collections::BTreeMap<String, &syn::ItemStruct>,
) -> Result<Emitted, String> {
    let here = model.here();
    let id = model.id;
    let method_name = raw_method.sig.ident.clone();
    let with_name = format_ident!("{method_name}_with");
    let pascal = pascal_case(id);
    let call_struct = format_ident!("{pascal}Call");
    let options_struct = format_ident!("{pascal}Options");

    let arguments = arguments(raw_method)?;
    let sources = sources(model);
    if arguments.len() != sources.len() {
        return Err(format!(
            "{here}: progenitor's method `{method_name}` takes {} arguments where {} were \
             expected from the spec; the generator and progenitor disagree",
            arguments.len(),
            sources.len()
        ));
    }
    let mut params = Vec::new();
    let mut call_arguments = Vec::new();
    for ((ident, ty), source) in arguments.into_iter().zip(&sources) {
        call_arguments.push(match source {
            Source::Auth("api_key") => quote!(auth.api_key),
            Source::Auth("timestamp") => quote!(auth.timestamp),
            Source::Auth(_) => quote!(auth.signature),
            Source::Body => quote!(body),
            Source::Parameter(_) => quote!(self.#ident),
        });
        if let Source::Parameter(p) = source {
            params.push(Param {
                model: p,
                ident,
                raw_type: ty,
            });
        }
    }

    // The public signature: required parameters in the spec's order, then the body.
    let mut public_arguments = Vec::new();
    let mut field_inits = Vec::new();
    let mut fields = Vec::new();
    let mut options_fields = Vec::new();
    let mut options_setters = Vec::new();
    for param in model
        .parameters
        .iter()
        .filter_map(|p| params.iter().find(|q| std::ptr::eq(q.model, p)))
    {
        let field = &param.ident;
        let raw_type = &param.raw_type;
        fields.push(quote!(pub(crate) #field: #raw_type));
        if param.model.required {
            let argument = if RESERVED_ARGUMENTS.contains(&field.to_string().as_str()) {
                format_ident!("{field}_param")
            } else {
                field.clone()
            };
            let public_type = without_lifetimes(raw_type);
            public_arguments.push(quote!(#argument: #public_type));
            let init = if argument == *field {
                quote!(#field)
            } else {
                quote!(#field: #argument)
            };
            field_inits.push(init);
        } else {
            let optional = optional(param, &here)?;
            let owned = &optional.owned;
            options_fields.push(quote!(pub(crate) #field: Option<#owned>));
            let conversion = &optional.conversion;
            field_inits.push(quote!(#field: #conversion));
            options_setters.push(setter(param, &optional));
        }
    }
    let body = match &model.body {
        Some(body) => {
            let ty = format_ident!("{}", body.schema);
            public_arguments.push(quote!(request: &types::#ty));
            Some(ty)
        }
        None => None,
    };
    let body_type = match &body {
        Some(ty) => quote!(types::#ty),
        None => quote!(()),
    };
    let body_argument = match &body {
        Some(_) => quote!(request),
        None => quote!(&()),
    };
    let output = success_type(raw_method)
        .ok_or_else(|| format!("{here}: the raw method returns no response type"))?;
    let output = without_lifetimes(&output);

    let signed = signed_value(model, &params, body.as_ref(), types)?;
    let key_methods = key_methods(model, body.as_ref(), types)?;
    let table_entry = table_constant(id);
    let validate = validate_method(model);
    let check_parameters = check_parameters_method(model, &params, &table_entry);
    let decode_error = decode_error_method(model);
    let span_name = format!("stablemint.{id}");
    // The attempt span's name and `url.template`: the method as sent, and the spec's
    // path template (never a filled path).
    let http_method = model.method.to_uppercase();
    let path_template = model.path;
    let doc = method_doc(model, &with_name, &options_struct);
    let with_doc = format!(
        " [`{method_name}`](Self::{method_name}), with optional parameters and per-call \
         settings from [`options::{options_struct}`](crate::options::{options_struct})."
    );
    let call_doc = format!(
        " One call of `{} {}` (`{id}`): its parameters, as the raw method takes them, and \
         what the generic call flow needs to know of the operation.",
        model.method.to_uppercase(),
        model.path
    );

    // Both methods carry the whole body rather than one calling the other: a call then
    // runs through one future less.
    let call_body = quote! {
        let span = crate::telemetry::call_span!(#span_name, #id);
        let call = #call_struct {
            #(#field_inits,)*
            __lifetime: PhantomData,
        };
        self.call(&call, #body_argument, &options.call)
            .instrument(span)
            .await
    };
    let items = quote! {
        impl Client {
            #(#[doc = #doc])*
            pub async fn #method_name(
                &self,
                #(#public_arguments),*
            ) -> Result<Response<#output>, Error> {
                let options = &options::#options_struct::new();
                #call_body
            }

            #[doc = #with_doc]
            pub async fn #with_name(
                &self,
                #(#public_arguments,)*
                options: &options::#options_struct,
            ) -> Result<Response<#output>, Error> {
                #call_body
            }
        }

        #[doc = #call_doc]
        pub(crate) struct #call_struct<'a> {
            #(#fields,)*
            __lifetime: PhantomData<&'a ()>,
        }

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
                auth: Auth<'s>,
                body: &'s Self::Body,
            ) -> impl Future<Output = RawResult<Self::Output>> + Send + 's {
                let _ = (&auth, &body);
                raw.#method_name(#(#call_arguments),*)
            }

            #decode_error
        }
    };

    let options_doc = options_doc(model, &method_name, &with_name);
    let options = quote! {
        #(#[doc = #options_doc])*
        #[derive(Debug, Clone, Default)]
        #[non_exhaustive]
        pub struct #options_struct {
            #(#options_fields,)*
            pub(crate) call: CallOptions,
        }

        impl #options_struct {
            /// No optional parameter, and the client's own timeout, deadline and retry
            /// policy.
            pub fn new() -> Self {
                Self::default()
            }

            #(#options_setters)*

            /// The limit for each attempt of this call, from connecting to the end of the
            /// response body, instead of the client's
            /// [`timeout`](crate::ClientBuilder::timeout).
            pub fn timeout(mut self, timeout: Duration) -> Self {
                self.call.timeout = Some(timeout);
                self
            }

            /// A deadline for the whole of this call, every attempt and wait included,
            /// instead of the client's
            /// [`total_timeout`](crate::ClientBuilder::total_timeout).
            pub fn total_timeout(mut self, total: Duration) -> Self {
                self.call.total_timeout = Some(total);
                self
            }

            /// When to retry this call, instead of the client's
            /// [`retry`](crate::ClientBuilder::retry) policy.
            pub fn retry(mut self, retry: RetryPolicy) -> Self {
                self.call.retry = Some(retry);
                self
            }
        }
    };
    Ok(Emitted { items, options })
}

/// An optional parameter's field in the options type.
struct Optional {
    /// The owned type inside the field's `Option`.
    owned: syn::Type,
    /// How the params struct's field is made from `options.field`.
    conversion: TokenStream,
    /// What the setter takes.
    input: SetterInput,
}

enum SetterInput {
    Text,
    Texts,
    Into,
}

/// The options field of an optional parameter whose raw type is `Option<T>`.
fn optional(param: &Param<'_, '_>, here: &str) -> Result<Optional, String> {
    let field = &param.ident;
    let inner = crate::raw::first_generic(&param.raw_type)
        .filter(|_| is_option(&param.raw_type))
        .ok_or_else(|| {
            format!(
                "{here}: the optional parameter `{}` is not an `Option` in the raw method",
                param.model.name
            )
        })?;
    Ok(match inner {
        syn::Type::Reference(reference) => {
            let target = &*reference.elem;
            if matches!(target, syn::Type::Path(p) if p.path.is_ident("str")) {
                Optional {
                    owned: syn::parse_quote!(String),
                    conversion: quote!(options.#field.as_deref()),
                    input: SetterInput::Text,
                }
            } else {
                let texts = param.model.kind == ParamKind::StringArray;
                Optional {
                    owned: without_lifetimes(target),
                    conversion: quote!(options.#field.as_ref()),
                    input: if texts {
                        SetterInput::Texts
                    } else {
                        SetterInput::Into
                    },
                }
            }
        }
        owned => Optional {
            owned: owned.clone(),
            // Through `Clone::clone` rather than a method call: for `Copy` types the
            // method form draws a lint in the generated file.
            conversion: quote!(::core::clone::Clone::clone(&options.#field)),
            input: SetterInput::Into,
        },
    })
}

fn setter(param: &Param<'_, '_>, optional: &Optional) -> TokenStream {
    let field = &param.ident;
    let name = if RESERVED_SETTERS.contains(&field.to_string().as_str()) {
        format_ident!("{field}_param")
    } else {
        field.clone()
    };
    let owned = &optional.owned;
    let mut doc = Vec::new();
    if let Some(description) = param.model.description {
        doc.extend(description.trim().lines().map(|l| format!(" {l}")));
        doc.push(String::new());
    }
    doc.push(format!(
        " The {} parameter `{}`; optional.",
        param.model.location, param.model.name
    ));
    if let Some(rule) = param.model.format.and_then(format_rule_name) {
        doc.push(format!(
            " Validated with `{rule}` before a request is sent."
        ));
    }
    match optional.input {
        SetterInput::Text => quote! {
            #(#[doc = #doc])*
            pub fn #name(mut self, value: impl Into<String>) -> Self {
                self.#field = Some(value.into());
                self
            }
        },
        SetterInput::Texts => quote! {
            #(#[doc = #doc])*
            pub fn #name<I, S>(mut self, values: I) -> Self
            where
                I: IntoIterator<Item = S>,
                S: Into<String>,
            {
                self.#field = Some(values.into_iter().map(Into::into).collect());
                self
            }
        },
        SetterInput::Into => quote! {
            #(#[doc = #doc])*
            pub fn #name(mut self, value: impl Into<#owned>) -> Self {
                self.#field = Some(value.into());
                self
            }
        },
    }
}

/// `fn signed_value`: the value the signature covers.
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
            quote!(::std::borrow::Cow::Borrowed(body.#ident.as_str()))
        }
        Signature::Parameter(name) => {
            let param = params
                .iter()
                .find(|p| p.model.name == name)
                .ok_or_else(|| format!("{}: no parameter `{name}` to sign", model.here()))?;
            let ident = &param.ident;
            if is_str_reference(&param.raw_type) {
                quote!(::std::borrow::Cow::Borrowed(self.#ident))
            } else {
                // What the raw method sends: the value's `to_string()`.
                quote!(::std::borrow::Cow::Owned(self.#ident.to_string()))
            }
        }
        Signature::None => return Ok(TokenStream::new()),
    };
    Ok(quote! {
        fn signed_value<'s>(&'s self, body: &'s Self::Body) -> ::std::borrow::Cow<'s, str> {
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
        let (optional, inner) = match crate::raw::first_generic(&param.raw_type) {
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

/// The name of the operation's entry in `stablemint_raw::operations`:
/// `CREATE_EMBEDDED_SESSION`.
pub(crate) fn table_constant(id: &str) -> syn::Ident {
    format_ident!("{}", snake_case(id).to_uppercase())
}

/// `fn decode_error`: the declared error bodies, decoded as their types.
fn decode_error_method(model: &OperationModel<'_>) -> TokenStream {
    let mut exact = Vec::new();
    let mut ranges = Vec::new();
    let mut default = None;
    for error in &model.errors {
        let Some(name) = error.schema_name() else {
            continue;
        };
        let ty = format_ident!("{name}");
        let decode = quote!(crate::error::DecodedBody::decode::<types::#ty>(text));
        match error.status {
            Status::Code(code) => exact.push(quote!(#code => #decode,)),
            Status::Range(first) => {
                let low = u16::from(first) * 100;
                let high = low + 99;
                ranges.push(quote!(#low..=#high => #decode,));
            }
            Status::Default => default = Some(quote!(_ => #decode,)),
        }
    }
    if exact.is_empty() && ranges.is_empty() && default.is_none() {
        return TokenStream::new();
    }
    let fallback = default.unwrap_or_else(|| quote!(_ => None,));
    quote! {
        fn decode_error(status: u16, text: &str) -> Option<crate::error::DecodedBody> {
            match status {
                #(#exact)*
                #(#ranges)*
                #fallback
            }
        }
    }
}

/// The lines of the `foo_bar` method's doc comment.
fn method_doc(
    model: &OperationModel<'_>,
    with_name: &syn::Ident,
    options: &syn::Ident,
) -> Vec<String> {
    let mut lines = Vec::new();
    let mut paragraph = |text: &str| {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(text.trim().lines().map(|l| format!(" {l}")));
    };
    if let Some(summary) = model.summary {
        paragraph(summary);
    }
    if let Some(description) = model.description {
        paragraph(description);
    }
    let method = model.method.to_uppercase();
    paragraph(&format!(
        "Sends `{method} {}` (operation `{}`). The request is validated first; an invalid \
         request returns [`Error::Validation`] listing every problem, and nothing is sent.",
        model.path, model.id
    ));
    paragraph(&match &model.declaration.signature {
        Signature::Field(field) => {
            format!("Each attempt is signed anew over the body's `{field}`.")
        }
        Signature::Parameter(name) => {
            format!("Each attempt is signed anew over the parameter `{name}`.")
        }
        Signature::None => {
            "The operation is not signed: no API key, timestamp or signature is sent.".to_owned()
        }
    });
    let idempotent = matches!(model.method, "get" | "put" | "delete");
    paragraph(
        &match (&model.declaration.idempotency_key_field, idempotent) {
            (Some(key), _) => format!(
                "With retries on, a request without `{key}` gets a new UUIDv4 key, the same on \
             every attempt, so the call is retried safely (see [`RetryPolicy`]). The key \
             used is on the response and on the error: after a timeout, call again with \
             that key.\n\n[`RetryPolicy`]: crate::RetryPolicy"
            ),
            (None, true) => format!(
                "`{method}` is idempotent, so the call is retried on connection errors, \
             timeouts, 429 and 5xx (see [`RetryPolicy`]).\n\n[`RetryPolicy`]: \
             crate::RetryPolicy"
            ),
            (None, false) => "This operation takes no idempotency key, so a call is retried \
                          only when the connection could not be made, never once the \
                          request may have reached StableMint."
                .to_owned(),
        },
    );
    let declared: Vec<String> = model
        .errors
        .iter()
        .filter_map(|error| {
            let name = error.schema_name()?;
            let status = match error.status {
                Status::Code(code) => code.to_string(),
                Status::Range(first) => format!("{first}xx"),
                Status::Default => "any other".to_owned(),
            };
            Some(format!("{status}: [`types::{name}`]"))
        })
        .collect();
    if !declared.is_empty() {
        paragraph(&format!(
            "Error answers the spec declares are decoded; read them with \
             [`ApiError::decoded`](crate::ApiError::decoded) ({}).",
            declared.join("; ")
        ));
    }
    paragraph(&format!(
        "Optional parameters and per-call settings: [`{with_name}`](Self::{with_name}) \
         with [`options::{options}`](crate::options::{options})."
    ));
    lines
}

fn options_doc(model: &OperationModel<'_>, method: &syn::Ident, with: &syn::Ident) -> Vec<String> {
    let optional: Vec<String> = model
        .parameters
        .iter()
        .filter(|p| !p.required)
        .map(|p| format!("`{}`", p.name))
        .collect();
    let mut lines = vec![format!(
        " Optional parameters and per-call settings of \
         [`Client::{method}`](crate::Client::{method}), for \
         [`Client::{with}`](crate::Client::{with})."
    )];
    lines.push(String::new());
    lines.push(if optional.is_empty() {
        " The operation has no optional parameter today; the per-call settings are the \
         timeout, the deadline and the retry policy."
            .to_owned()
    } else {
        format!(" Optional parameters: {}.", optional.join(", "))
    });
    lines
}

/// Whether `ty` is `Option<...>`.
fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// Whether `ty` is `&'a String` (however the path to `String` is written).
fn is_string_reference(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Reference(r) if matches!(&*r.elem, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "String")))
}

/// Whether `ty` is `&'a str`.
fn is_str_reference(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Reference(r) if matches!(&*r.elem, syn::Type::Path(p) if p.path.is_ident("str")))
}

/// `ty` without the raw method's `'a`: references lose it, other uses become `'_`.
fn without_lifetimes(ty: &syn::Type) -> syn::Type {
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

/// `createEmbeddedSession` → `create_embedded_session`, as progenitor names methods.
pub(crate) fn snake_case(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == '-' || c == ' ' || c == '.' {
            if !out.ends_with('_') {
                out.push('_');
            }
            continue;
        }
        if c.is_uppercase() {
            let previous = i.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(i + 1);
            let boundary = previous.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit())
                || (previous.is_some_and(char::is_uppercase)
                    && next.is_some_and(|n| n.is_lowercase()));
            if boundary && !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `createEmbeddedSession` → `CreateEmbeddedSession`.
pub(crate) fn pascal_case(id: &str) -> String {
    snake_case(id)
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_progenitor() {
        assert_eq!(
            snake_case("createEmbeddedSession"),
            "create_embedded_session"
        );
        assert_eq!(snake_case("getHTTPStatus"), "get_http_status");
        assert_eq!(snake_case("session-create"), "session_create");
        assert_eq!(snake_case("v2Refund"), "v2_refund");
        assert_eq!(
            pascal_case("createEmbeddedSession"),
            "CreateEmbeddedSession"
        );
        assert_eq!(pascal_case("get"), "Get");
    }

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
