//! The methods an operation adds to `stablemint::Client` (`foo_bar` and
//! `foo_bar_with`), their documentation, and the call struct they hand the generic
//! flow.

use proc_macro2::TokenStream;
use quote::quote;
use stablemint_wire::Status;

use super::binding::Names;
use super::options::Fields;
use crate::declaration::Signature;
use crate::model::OperationModel;

/// `impl Client { foo_bar, foo_bar_with }` and the call struct.
pub(super) fn client_methods(
    model: &OperationModel<'_>,
    names: &Names,
    fields: &Fields,
    has_body: bool,
    output: &syn::Type,
) -> TokenStream {
    let id = model.id;
    let Names {
        method: method_name,
        with: with_name,
        call: call_struct,
        options: options_struct,
    } = names;
    let public_arguments = &fields.public_arguments;
    let field_inits = &fields.field_inits;
    let call_fields = &fields.fields;
    let body_argument = if has_body {
        quote!(request)
    } else {
        quote!(&())
    };
    let span_name = format!("stablemint.{id}");
    let doc = method_doc(model, with_name, options_struct);
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
    quote! {
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
            #(#call_fields,)*
            __lifetime: PhantomData<&'a ()>,
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
