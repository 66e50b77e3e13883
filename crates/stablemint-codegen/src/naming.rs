//! Names: how the generator turns an operation id into Rust names (as progenitor
//! does), and how it reads a generated field's name on the wire. Every module that
//! names something uses these, so none of them depends on another for a name.

use quote::format_ident;

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

/// The name of the operation's entry in `stablemint_raw::operations`:
/// `CREATE_EMBEDDED_SESSION`.
pub(crate) fn table_constant(id: &str) -> syn::Ident {
    format_ident!("{}", snake_case(id).to_uppercase())
}

/// The property name on the wire: serde's `rename`, or the field's own name.
pub(crate) fn wire_name(field: &syn::Field) -> String {
    let mut name = None;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                name = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                // Skip the value of other `key = value` options.
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
    }
    name.or_else(|| field.ident.as_ref().map(|i| i.to_string()))
        .unwrap_or_default()
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
}
