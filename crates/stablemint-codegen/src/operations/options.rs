//! An operation's parameters split into what its public methods take (the required
//! ones) and what its options type holds (the optional ones, a field and a setter
//! each, beside the per-call timeout, deadline and retry policy); and that type.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use stablemint_wire::ParameterKind;

use super::binding::{Names, Param};
use crate::model::OperationModel;
use crate::raw::{is_option, without_lifetimes};
use crate::rules::format_rule_name;

/// Argument names the generated methods use themselves.
const RESERVED_ARGUMENTS: [&str; 3] = ["request", "options", "self"];

/// Setter names every options type has already.
const RESERVED_SETTERS: [&str; 4] = ["new", "timeout", "total_timeout", "retry"];

/// The parameters as the generated code holds them.
pub(super) struct Fields {
    /// The public methods' arguments: required parameters in the spec's order (and,
    /// once the caller adds it, the body).
    pub(super) public_arguments: Vec<TokenStream>,
    /// The call struct's fields.
    pub(super) fields: Vec<TokenStream>,
    /// How each field of the call struct is made from the arguments and the options.
    pub(super) field_inits: Vec<TokenStream>,
    /// The options type's fields: the optional parameters.
    pub(super) options_fields: Vec<TokenStream>,
    /// The options type's setters.
    pub(super) options_setters: Vec<TokenStream>,
}

/// Splits the parameters: a required one is an argument of the public methods, an
/// optional one a field and a setter of the options type.
pub(super) fn fields(
    model: &OperationModel<'_>,
    params: &[Param<'_, '_>],
    here: &str,
) -> Result<Fields, String> {
    let mut out = Fields {
        public_arguments: Vec::new(),
        fields: Vec::new(),
        field_inits: Vec::new(),
        options_fields: Vec::new(),
        options_setters: Vec::new(),
    };
    for param in model
        .parameters
        .iter()
        .filter_map(|p| params.iter().find(|q| std::ptr::eq(q.model, p)))
    {
        let field = &param.ident;
        let raw_type = &param.raw_type;
        out.fields.push(quote!(pub(crate) #field: #raw_type));
        if param.model.required {
            let argument = if RESERVED_ARGUMENTS.contains(&field.to_string().as_str()) {
                format_ident!("{field}_param")
            } else {
                field.clone()
            };
            let public_type = without_lifetimes(raw_type);
            out.public_arguments.push(quote!(#argument: #public_type));
            out.field_inits.push(if argument == *field {
                quote!(#field)
            } else {
                quote!(#field: #argument)
            });
        } else {
            let optional = optional(param, here)?;
            let owned = &optional.owned;
            out.options_fields
                .push(quote!(pub(crate) #field: Option<#owned>));
            let conversion = &optional.conversion;
            out.field_inits.push(quote!(#field: #conversion));
            out.options_setters.push(setter(param, &optional));
        }
    }
    Ok(out)
}

/// The options type, `options::FooBarOptions`.
pub(super) fn options_type(
    model: &OperationModel<'_>,
    names: &Names,
    fields: &Fields,
) -> TokenStream {
    let options_doc = options_doc(model, &names.method, &names.with);
    let options_struct = &names.options;
    let options_fields = &fields.options_fields;
    let options_setters = &fields.options_setters;
    quote! {
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
    }
}

/// An optional parameter's field in the options type.
pub(super) struct Optional {
    /// The owned type inside the field's `Option`.
    pub(super) owned: syn::Type,
    /// How the params struct's field is made from `options.field`.
    pub(super) conversion: TokenStream,
    /// What the setter takes.
    input: SetterInput,
}

/// What a setter takes.
enum SetterInput {
    /// Text: `impl Into<String>`.
    Text,
    /// Texts: `impl IntoIterator<Item = impl Into<String>>`.
    Texts,
    /// Anything that converts into the owned type.
    Into,
}

/// The options field of an optional parameter whose raw type is `Option<T>`.
pub(super) fn optional(param: &Param<'_, '_>, here: &str) -> Result<Optional, String> {
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
                let texts = param.model.kind == ParameterKind::StringArray;
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

pub(super) fn setter(param: &Param<'_, '_>, optional: &Optional) -> TokenStream {
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
        param.model.location.as_str(),
        param.model.name
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

/// The lines of the options type's doc comment.
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
