//! How an operation binds to its raw method: the names of its generated items, and the
//! raw method's arguments bound to where their values come from (a parameter, an
//! authentication header, the body).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use stablemint_wire::Location;

use crate::declaration::AUTH_HEADERS;
use crate::model::{OperationModel, ParamModel};
use crate::naming::pascal_case;
use crate::raw::arguments;

/// The names of one operation's generated items.
pub(super) struct Names {
    /// `create_embedded_session`: the raw method's name, and the client's.
    pub(super) method: syn::Ident,
    /// `create_embedded_session_with`.
    pub(super) with: syn::Ident,
    /// `CreateEmbeddedSessionCall`: the call struct the flow runs.
    pub(super) call: syn::Ident,
    /// `CreateEmbeddedSessionOptions`.
    pub(super) options: syn::Ident,
}

impl Names {
    /// The names for `model`, whose raw method is `raw_method`.
    pub(super) fn of(model: &OperationModel<'_>, raw_method: &syn::ImplItemFn) -> Self {
        let method = raw_method.sig.ident.clone();
        let pascal = pascal_case(model.id);
        Names {
            with: format_ident!("{method}_with"),
            call: format_ident!("{pascal}Call"),
            options: format_ident!("{pascal}Options"),
            method,
        }
    }
}

/// Where a raw argument's value comes from.
pub(super) enum Source<'m, 'd> {
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
                .find(|p| p.location == Location::Path && p.name == variable)
                .map(Source::Parameter)
        })
        .collect();
    let mut query: Vec<&ParamModel<'d>> = model
        .parameters
        .iter()
        .filter(|p| p.location == Location::Query)
        .collect();
    query.sort_by_key(|p| p.name);
    out.extend(query.into_iter().map(Source::Parameter));
    let mut headers: Vec<(&str, Source<'m, 'd>)> = model
        .parameters
        .iter()
        .filter(|p| p.location == Location::Header)
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
pub(super) struct Param<'m, 'd> {
    pub(super) model: &'m ParamModel<'d>,
    /// The raw method's argument name, and the field of the params struct.
    pub(super) ident: syn::Ident,
    /// The raw method's argument type (with its `'a`).
    pub(super) raw_type: syn::Type,
}

/// The raw method's arguments, each bound to its source.
pub(super) struct Bound<'m, 'd> {
    /// The parameters, in the raw method's order.
    pub(super) params: Vec<Param<'m, 'd>>,
    /// What the generated `send` passes the raw method, in its order.
    pub(super) call_arguments: Vec<TokenStream>,
}

/// Binds `raw_method`'s arguments to the spec's parameters, the authentication headers
/// and the body; fails when progenitor and the spec disagree on how many there are.
pub(super) fn bind<'m, 'd>(
    model: &'m OperationModel<'d>,
    raw_method: &syn::ImplItemFn,
    here: &str,
) -> Result<Bound<'m, 'd>, String> {
    let arguments = arguments(raw_method)?;
    let sources = sources(model);
    if arguments.len() != sources.len() {
        return Err(format!(
            "{here}: progenitor's method `{}` takes {} arguments where {} were expected \
             from the spec; the generator and progenitor disagree",
            raw_method.sig.ident,
            arguments.len(),
            sources.len()
        ));
    }
    let mut params = Vec::new();
    let mut call_arguments = Vec::new();
    for ((ident, ty), source) in arguments.into_iter().zip(sources) {
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
    Ok(Bound {
        params,
        call_arguments,
    })
}
