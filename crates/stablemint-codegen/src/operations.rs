//! The per-operation methods of `stablemint::Client`.
//!
//! The handwritten `stablemint` crate holds one generic call flow (validate, add an
//! idempotency key, sign each attempt, correct clock skew, retry, map errors). What
//! differs between operations is declared in the spec, on each operation:
//!
//! ```yaml
//! x-stablemint:
//!   signedField: userId                 # the body property the signature covers
//!   idempotencyKeyField: idempotencyKey # optional: the body property for the key
//! ```
//!
//! From that declaration and the raw client's positional method, this module emits
//! `crates/stablemint/src/operations.rs`: for each operation, a method on
//! `stablemint::Client` named after the operationId, and an `Operation` impl that tells
//! the generic flow how to read the signed field, set the key and call the raw method.
//! Adding an operation to the spec therefore needs no handwritten Rust.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::HEADER;
use crate::spec::{operations, resolve};

/// The vendor extension that declares an operation's signing and idempotency.
pub const EXTENSION: &str = "x-stablemint";

/// The header parameters the generic flow fills in: the API key, the timestamp and the
/// signature.
pub const AUTH_HEADERS: [&str; 3] = ["api_key", "timestamp", "signature"];

/// What an operation declares in [`EXTENSION`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    /// The request body property (wire name) whose value the signature covers.
    pub signed_field: String,
    /// The request body property (wire name) that carries the idempotency key, if the
    /// operation has one. Without it, calls are never retried once they may have
    /// reached the server.
    pub idempotency_key_field: Option<String>,
}

/// Reads and checks the declarations of every operation, by operationId.
///
/// An operation that sends the signature headers must declare its `signedField`, and
/// both fields must be top-level string properties of the operation's JSON request body
/// (`signedField` required, `idempotencyKeyField` optional).
pub(crate) fn declarations(document: &Value) -> Result<BTreeMap<String, Declaration>, String> {
    let mut out = BTreeMap::new();
    for (path, method, operation) in operations(document) {
        let here = format!("{} {path}", method.to_uppercase());
        let id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let headers = auth_headers(document, path, operation);
        let missing: Vec<&str> = AUTH_HEADERS
            .iter()
            .copied()
            .filter(|h| !headers.contains(h))
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "{here} ({id}) does not declare the header parameter(s) {}; every operation \
                 of stablemint::Client is signed, so declare `api_key`, `timestamp` and \
                 `signature` as required header parameters",
                quoted(&missing)
            ));
        }
        let declared = operation.get(EXTENSION).ok_or_else(|| {
            format!(
                "{here} ({id}) sends the signature headers but does not say which request \
                 body property the signature covers; add `{EXTENSION}: {{signedField: \
                 <property>}}` to the operation (and `idempotencyKeyField: <property>` if \
                 it takes an idempotency key)"
            )
        })?;
        let declaration = parse_declaration(declared, &here, id)?;
        check_body_fields(document, operation, &declaration, &here, id)?;
        out.insert(id.to_owned(), declaration);
    }
    Ok(out)
}

fn parse_declaration(declared: &Value, here: &str, id: &str) -> Result<Declaration, String> {
    let Value::Object(map) = declared else {
        return Err(format!(
            "{here} ({id}): `{EXTENSION}` must be an object with `signedField` and optionally \
             `idempotencyKeyField`"
        ));
    };
    if let Some(unknown) = map
        .keys()
        .find(|k| !matches!(k.as_str(), "signedField" | "idempotencyKeyField"))
    {
        return Err(format!(
            "{here} ({id}): `{EXTENSION}` has an unknown key `{unknown}`; it takes \
             `signedField` and `idempotencyKeyField`"
        ));
    }
    let text = |key: &str| -> Result<Option<String>, String> {
        match map.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
            Some(_) => Err(format!(
                "{here} ({id}): `{EXTENSION}.{key}` must be the wire name of a request body \
                 property"
            )),
        }
    };
    let signed_field = text("signedField")?.ok_or_else(|| {
        format!(
            "{here} ({id}) does not say which request body property the signature covers; \
             add `signedField: <property>` to its `{EXTENSION}`"
        )
    })?;
    Ok(Declaration {
        signed_field,
        idempotency_key_field: text("idempotencyKeyField")?,
    })
}

/// The names of the operation's header parameters (path-level ones included) that are
/// among [`AUTH_HEADERS`] and required.
fn auth_headers<'a>(document: &'a Value, path: &str, operation: &'a Value) -> Vec<&'a str> {
    let path_item = document
        .get("paths")
        .and_then(|paths| paths.get(path))
        .and_then(|item| item.get("parameters"))
        .and_then(Value::as_array);
    let own = operation.get("parameters").and_then(Value::as_array);
    path_item
        .into_iter()
        .flatten()
        .chain(own.into_iter().flatten())
        .map(|p| resolve(document, p))
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("header"))
        .filter(|p| p.get("required").and_then(Value::as_bool) == Some(true))
        .filter_map(|p| p.get("name").and_then(Value::as_str))
        .filter(|name| AUTH_HEADERS.contains(name))
        .collect()
}

fn check_body_fields(
    document: &Value,
    operation: &Value,
    declaration: &Declaration,
    here: &str,
    id: &str,
) -> Result<(), String> {
    let schema = operation
        .get("requestBody")
        .map(|body| resolve(document, body))
        .and_then(|body| body.pointer("/content/application~1json/schema"))
        .map(|schema| resolve(document, schema))
        .ok_or_else(|| {
            format!(
                "{here} ({id}) has no `application/json` request body; the signed field \
                 `{}` must be one of its properties",
                declaration.signed_field
            )
        })?;
    let required: Vec<&str> = crate::spec::required_properties(schema);
    let property = |name: &str, role: &str, must_be_required: bool| -> Result<(), String> {
        let Some(property) = schema.get("properties").and_then(|p| p.get(name)) else {
            return Err(format!(
                "{here} ({id}): the {role} `{name}` is not a property of the request body"
            ));
        };
        if resolve(document, property)
            .get("type")
            .and_then(Value::as_str)
            != Some("string")
        {
            return Err(format!(
                "{here} ({id}): the {role} `{name}` must be `type: string`"
            ));
        }
        if must_be_required != required.contains(&name) {
            let want = if must_be_required {
                "required"
            } else {
                "optional"
            };
            return Err(format!(
                "{here} ({id}): the {role} `{name}` must be a {want} property of the request \
                 body"
            ));
        }
        Ok(())
    };
    property(&declaration.signed_field, "signed field", true)?;
    if let Some(key) = &declaration.idempotency_key_field {
        property(key, "idempotency key field", false)?;
    }
    Ok(())
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One operation as the spec describes it, for the emitted docs.
struct Described<'a> {
    id: &'a str,
    method: &'static str,
    path: &'a str,
    summary: Option<&'a str>,
    description: Option<&'a str>,
}

/// Emits `crates/stablemint/src/operations.rs` from the spec and the raw client's
/// (already annotated) syntax tree.
pub(crate) fn generate(
    document: &Value,
    declarations: &BTreeMap<String, Declaration>,
    raw: &syn::File,
) -> Result<String, String> {
    let methods = raw_methods(raw);
    let types = raw_types(raw);
    let mut items = Vec::new();
    for (path, method, operation) in operations(document) {
        let id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let described = Described {
            id,
            method,
            path,
            summary: operation.get("summary").and_then(Value::as_str),
            description: operation.get("description").and_then(Value::as_str),
        };
        let declaration = declarations
            .get(id)
            .ok_or_else(|| format!("operation `{id}` has no `{EXTENSION}` declaration"))?;
        let name = snake_case(id);
        let raw_method = methods.get(name.as_str()).ok_or_else(|| {
            format!("progenitor generated no method `{name}` for operation `{id}`")
        })?;
        items.push(emit_operation(&described, declaration, raw_method, &types)?);
    }
    let file: syn::File = syn::parse2(quote! {
        use tracing::Instrument as _;

        use crate::operation::{Auth, Operation, RawResult};
        use crate::{Client, Error, Response, types};

        #(#items)*
    })
    .map_err(|e| format!("the generated operations do not parse: {e}"))?;
    Ok(format!("{HEADER}\n{}", prettyplease::unparse(&file)))
}

/// The raw client's methods (`impl Client { pub async fn ... }`), by name.
fn raw_methods(raw: &syn::File) -> BTreeMap<String, &syn::ImplItemFn> {
    let mut out = BTreeMap::new();
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
                out.insert(f.sig.ident.to_string(), f);
            }
        }
    }
    out
}

/// The structs of the raw `types` module, by name.
fn raw_types(raw: &syn::File) -> BTreeMap<String, &syn::ItemStruct> {
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

fn emit_operation(
    op: &Described<'_>,
    declaration: &Declaration,
    raw_method: &syn::ImplItemFn,
    types: &BTreeMap<String, &syn::ItemStruct>,
) -> Result<TokenStream, String> {
    let id = op.id;
    let here = format!("{} {} ({id})", op.method.to_uppercase(), op.path);
    let method_name = &raw_method.sig.ident;
    let marker = format_ident!("{}", pascal_case(id));

    // The raw method's arguments, in its order: the generic flow fills the
    // authentication headers, the caller gives the body, and optional parameters the
    // spec may add later are left out (`None`), so adding one breaks no caller.
    let mut body_type = None;
    let mut arguments = Vec::new();
    for input in raw_method.sig.inputs.iter().skip(1) {
        let syn::FnArg::Typed(input) = input else {
            continue;
        };
        let syn::Pat::Ident(name) = &*input.pat else {
            return Err(format!("{here}: a raw parameter is not a plain name"));
        };
        let name_text = name.ident.to_string();
        arguments.push(match name_text.as_str() {
            "api_key" => quote!(auth.api_key),
            "timestamp" => quote!(auth.timestamp),
            "signature" => quote!(auth.signature),
            "body" => {
                body_type = Some(body_type_name(&input.ty).ok_or_else(|| {
                    format!("{here}: the request body is not a named schema type")
                })?);
                quote!(request)
            }
            other if is_option(&input.ty) => {
                let _ = other;
                quote!(None)
            }
            other => {
                return Err(format!(
                    "{here} has the required parameter `{other}`, which stablemint::Client \
                     cannot fill: its generated methods take only the request body; make \
                     the parameter optional or move it into the body"
                ));
            }
        });
    }
    let body_type =
        body_type.ok_or_else(|| format!("{here} has no request body for stablemint::Client"))?;
    let response_type = response_type_name(&raw_method.sig.output).ok_or_else(|| {
        format!(
            "{here}: stablemint::Client needs exactly one success response with a JSON schema \
             type"
        )
    })?;
    let body_struct = types
        .get(&body_type.to_string())
        .ok_or_else(|| format!("{here}: no generated struct `{body_type}` for the request body"))?;
    let signed = field_ident(body_struct, &declaration.signed_field)?;
    let key_methods = match &declaration.idempotency_key_field {
        Some(wire) => {
            let key = field_ident(body_struct, wire)?;
            quote! {
                const IDEMPOTENCY_KEY_FIELD: Option<&'static str> = Some(#wire);

                fn idempotency_key(request: &Self::Request) -> Option<&str> {
                    request.#key.as_deref()
                }

                fn with_idempotency_key(request: &Self::Request, key: String) -> Self::Request {
                    let mut request = request.clone();
                    request.#key = Some(key);
                    request
                }
            }
        }
        None => quote! {
            const IDEMPOTENCY_KEY_FIELD: Option<&'static str> = None;

            fn idempotency_key(_: &Self::Request) -> Option<&str> {
                None
            }

            fn with_idempotency_key(request: &Self::Request, _: String) -> Self::Request {
                request.clone()
            }
        },
    };
    let span_name = format!("stablemint.{id}");
    let doc = method_doc(op, declaration);
    let marker_doc = format!(
        " `{} {}` (`{id}`), as the generic call flow sees it.",
        op.method.to_uppercase(),
        op.path
    );
    Ok(quote! {
        impl Client {
            #(#[doc = #doc])*
            pub async fn #method_name(
                &self,
                request: &types::#body_type,
            ) -> Result<Response<types::#response_type>, Error> {
                let span = tracing::info_span!(
                    #span_name,
                    operation = #id,
                    attempt = tracing::field::Empty,
                    status = tracing::field::Empty,
                    latency_ms = tracing::field::Empty,
                );
                self.call::<#marker>(request).instrument(span).await
            }
        }

        #[doc = #marker_doc]
        pub(crate) struct #marker;

        impl Operation for #marker {
            type Request = types::#body_type;
            type Response = types::#response_type;

            const ID: &'static str = #id;

            fn signed_value(request: &Self::Request) -> &str {
                &request.#signed
            }

            #key_methods

            fn send<'a>(
                raw: &'a stablemint_raw::Client,
                auth: Auth<'a>,
                request: &'a Self::Request,
            ) -> impl Future<Output = RawResult<Self::Response>> + Send + 'a {
                raw.#method_name(#(#arguments),*)
            }
        }
    })
}

/// The lines of the generated method's doc comment.
fn method_doc(op: &Described<'_>, declaration: &Declaration) -> Vec<String> {
    let mut lines = Vec::new();
    let mut paragraph = |text: &str| {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(text.trim().lines().map(|l| format!(" {l}")));
    };
    if let Some(summary) = op.summary {
        paragraph(summary);
    }
    if let Some(description) = op.description {
        paragraph(description);
    }
    paragraph(&format!(
        "Sends `{} {}` (operation `{}`). The request is validated first; an invalid \
         request returns [`Error::Validation`] listing every problem, and nothing is \
         sent. Each attempt is signed anew over `{}`.",
        op.method.to_uppercase(),
        op.path,
        op.id,
        declaration.signed_field
    ));
    paragraph(&match &declaration.idempotency_key_field {
        Some(key) => format!(
            "With retries on, a request without `{key}` gets a new UUIDv4 key, the same on \
             every attempt, so the call is retried safely (see [`RetryPolicy`]). The key \
             used is on the response and on the error: after a timeout, call again with \
             that key.\n\n[`RetryPolicy`]: crate::RetryPolicy"
        ),
        None => "This operation takes no idempotency key, so a call is retried only when \
                 the connection could not be made, never once the request may have reached \
                 StableMint."
            .to_owned(),
    });
    lines
}

/// The Rust field of `item` whose wire name is `wire`.
fn field_ident(item: &syn::ItemStruct, wire: &str) -> Result<syn::Ident, String> {
    let syn::Fields::Named(fields) = &item.fields else {
        return Err(format!("`{}` has no named fields", item.ident));
    };
    fields
        .named
        .iter()
        .find(|f| crate::client::wire_name(f) == wire)
        .and_then(|f| f.ident.clone())
        .ok_or_else(|| format!("`{}` has no field for the property `{wire}`", item.ident))
}

/// `X` from a parameter of type `&'a types::X`.
fn body_type_name(ty: &syn::Type) -> Option<syn::Ident> {
    let syn::Type::Reference(reference) = ty else {
        return None;
    };
    let syn::Type::Path(path) = &*reference.elem else {
        return None;
    };
    let segments: Vec<_> = path.path.segments.iter().collect();
    match segments.as_slice() {
        [module, name] if module.ident == "types" => Some(name.ident.clone()),
        _ => None,
    }
}

/// `X` from `Result<ResponseValue<types::X>, Error<()>>`.
fn response_type_name(output: &syn::ReturnType) -> Option<syn::Ident> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let ok = first_generic(ty)?;
    let value = first_generic(ok)?;
    let syn::Type::Path(path) = value else {
        return None;
    };
    let segments: Vec<_> = path.path.segments.iter().collect();
    match segments.as_slice() {
        [module, name] if module.ident == "types" => Some(name.ident.clone()),
        _ => None,
    }
}

/// The first generic type argument of a path type's last segment.
fn first_generic(ty: &syn::Type) -> Option<&syn::Type> {
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

fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
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
fn pascal_case(id: &str) -> String {
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
    }
}
