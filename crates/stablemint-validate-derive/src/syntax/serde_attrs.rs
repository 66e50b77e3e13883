//! The serde attributes that decide wire names: the container's `rename_all`, a field's
//! `rename` and `flatten`. serde_derive validates them and reports their mistakes; here
//! anything unexpected is skipped silently so that each mistake is reported once, by
//! serde.

use proc_macro2::TokenTree;
use syn::parse::ParseStream;
use syn::{Attribute, LitStr, Token};

use crate::case::RenameRule;

/// The container's serialize-side `rename_all`, if any.
pub(super) fn serde_rename_all(attrs: &[Attribute]) -> Option<RenameRule> {
    let mut rename_all = None;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        // Errors are serde's to report (see the module's doc).
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename_all") {
                if let Some(name) = serialize_name(&meta)? {
                    rename_all = RenameRule::from_serde_name(&name);
                }
            } else {
                skip_value(meta.input)?;
            }
            Ok(())
        });
    }
    rename_all
}

/// A field's serialize-side `rename`, and whether it is `flatten`ed.
pub(super) fn serde_field(attrs: &[Attribute]) -> (Option<String>, bool) {
    let mut rename = None;
    let mut flatten = false;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        // Errors are serde's to report (see the module's doc).
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                if let Some(name) = serialize_name(&meta)? {
                    rename = Some(name);
                }
            } else if meta.path.is_ident("flatten") {
                flatten = true;
            } else {
                skip_value(meta.input)?;
            }
            Ok(())
        });
    }
    (rename, flatten)
}

/// The value of `key = "value"` or the `serialize` half of
/// `key(serialize = "value", deserialize = "...")`.
fn serialize_name(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<Option<String>> {
    if meta.input.peek(Token![=]) {
        let value: LitStr = meta.value()?.parse()?;
        return Ok(Some(value.value()));
    }
    let mut name = None;
    meta.parse_nested_meta(|inner| {
        if inner.path.is_ident("serialize") {
            let value: LitStr = inner.value()?.parse()?;
            name = Some(value.value());
        } else {
            skip_value(inner.input)?;
        }
        Ok(())
    })?;
    Ok(name)
}

/// Consumes whatever follows a serde key up to the next `,` at this level: `= "..."`,
/// `(...)` or nothing.
fn skip_value(input: ParseStream<'_>) -> syn::Result<()> {
    while !input.is_empty() && !input.peek(Token![,]) {
        input.parse::<TokenTree>()?;
    }
    Ok(())
}
