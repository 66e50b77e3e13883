//! Check phase: judge every parsed rule against its field and the struct around it, and build
//! the [`model::Validate`](crate::model::Validate) that `emit` turns into code.
//!
//! Field types are judged as written (on the last path segment, so
//! `::std::option::Option<::std::string::String>` is an `Option<String>`): a derive cannot
//! resolve type aliases, and the generated code's trait bounds catch anything that slips by.

use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::{Error, GenericArgument, PathArguments, PathSegment, Type};

use crate::case::RenameRule;
use crate::diagnostics::{Errors, Origin, closest, display_tokens};
use crate::model::{Accepts, Field, Input, Location, Rule, RuleKind, Validate, ValidateField};

/// Checks `input`, recording every problem in `errors`.
///
/// The returned model only holds rules that passed; it is meant to be emitted only when
/// `errors` stays empty.
pub fn check(input: &Input, errors: &mut Errors) -> Validate {
    let mut fields = Vec::new();
    let mut nested_types = Vec::new();
    for (position, field) in input.fields.iter().enumerate() {
        if field.rules.is_empty() {
            continue;
        }
        let origin = Origin::Field(position);
        let mut rules: Vec<Rule> = Vec::with_capacity(field.rules.len());
        for (index, rule) in field.rules.iter().enumerate() {
            let report = &mut |error| errors.push(origin, error);
            if !check_rule(input, field, rule, &field.rules[..index], report) {
                continue;
            }
            if let RuleKind::Nested = rule.kind {
                nested_types.push(&field.ty);
            }
            rules.push(rule.clone());
        }
        let location = if field.flatten {
            Location::Flattened
        } else {
            Location::Key(wire_name(field, input.rename_all))
        };
        fields.push(ValidateField {
            member: field.ident.clone(),
            location,
            rules,
        });
    }

    let nested_params = input
        .generics
        .type_params()
        .map(|param| &param.ident)
        .filter(|param| {
            nested_types
                .iter()
                .any(|ty| mentions(ty.to_token_stream(), param))
        })
        .cloned()
        .collect();

    Validate {
        krate: input
            .krate
            .clone()
            .unwrap_or_else(|| syn::parse_quote!(::stablemint_validate)),
        ident: input.ident.clone(),
        generics: input.generics.clone(),
        nested_params,
        fields,
    }
}

/// The key serde writes the field under: its `rename`, else the container's `rename_all`
/// applied to its name, else its name (without `r#`).
fn wire_name(field: &Field, rename_all: Option<RenameRule>) -> String {
    if let Some(rename) = &field.rename {
        return rename.clone();
    }
    let name = field.ident.unraw().to_string();
    match rename_all {
        Some(rule) => rule.apply_to_field(&name),
        None => name,
    }
}

/// Checks one rule on one field, recording its problems; `true` when it has none.
/// `earlier` holds the rules written before it on the same field.
fn check_rule(
    input: &Input,
    field: &Field,
    rule: &Rule,
    earlier: &[Rule],
    report: &mut impl FnMut(Error),
) -> bool {
    let name = rule.kind.name();
    let field_name = field.ident.unraw();

    if let Some(repeated) = earlier
        .iter()
        .find(|earlier| same_rule(&earlier.kind, &rule.kind))
    {
        let message = match &repeated.kind {
            RuleKind::Custom { check } => format!(
                "`custom = {}` is listed twice on field `{field_name}`: remove one",
                display_tokens(check)
            ),
            _ => format!("duplicate rule `{name}` on field `{field_name}`: remove one"),
        };
        report(Error::new(rule.span, message));
        return false;
    }

    if field.flatten && !matches!(rule.kind, RuleKind::Nested) {
        report(Error::new(
            rule.span,
            format!(
                "rule `{name}` cannot be used on `#[serde(flatten)]` field `{field_name}`: its \
                 keys are merged into the parent object, so it has no key of its own; use \
                 `nested` to validate its contents"
            ),
        ));
        return false;
    }

    // The field's type and `precision`'s target are independent mistakes: report both.
    let mut ok = true;
    let accepts = rule.kind.accepts();
    if !type_accepted(accepts, &field.ty) {
        ok = false;
        report(Error::new(
            rule.span,
            format!(
                "rule `{name}` accepts {}, but field `{field_name}` has type `{}`",
                accepts.describe(),
                display_tokens(&field.ty)
            ),
        ));
    }

    if let RuleKind::Precision { currency } = &rule.kind
        && let Err(error) = check_precision_target(input, currency)
    {
        ok = false;
        report(error);
    }
    ok
}

/// Whether two rules on one field repeat each other. Several `custom` rules may sit on one
/// field as long as they call different functions.
fn same_rule(a: &RuleKind, b: &RuleKind) -> bool {
    match (a, b) {
        (RuleKind::Custom { check: a }, RuleKind::Custom { check: b }) => {
            a.to_token_stream().to_string() == b.to_token_stream().to_string()
        }
        _ => a.name() == b.name(),
    }
}

/// `precision = currency` must name a sibling field that holds a string.
fn check_precision_target(input: &Input, currency: &Ident) -> syn::Result<()> {
    let wanted = currency.unraw();
    let struct_name = &input.ident;
    let Some(target) = input
        .fields
        .iter()
        .find(|field| field.ident.unraw() == wanted)
    else {
        let names: Vec<String> = input
            .fields
            .iter()
            .map(|field| field.ident.unraw().to_string())
            .collect();
        let hint = match closest(&wanted.to_string(), names.iter().map(String::as_str)) {
            Some(suggestion) => format!("did you mean `{suggestion}`?"),
            None => {
                let strings: Vec<String> = input
                    .fields
                    .iter()
                    .filter(|field| type_accepted(Accepts::Str, &field.ty))
                    .map(|field| format!("`{}`", field.ident.unraw()))
                    .collect();
                if strings.is_empty() {
                    "add a field holding the ISO 4217 currency code".to_owned()
                } else {
                    format!("string fields: {}", strings.join(", "))
                }
            }
        };
        return Err(Error::new(
            currency.span(),
            format!("`precision = {wanted}`: `{struct_name}` has no field `{wanted}`; {hint}"),
        ));
    };
    if !type_accepted(Accepts::Str, &target.ty) {
        return Err(Error::new(
            currency.span(),
            format!(
                "`precision = {wanted}`: the currency field must hold the ISO 4217 code as {}, \
                 but `{wanted}` has type `{}`",
                Accepts::Str.describe(),
                display_tokens(&target.ty)
            ),
        ));
    }
    Ok(())
}

fn type_accepted(accepts: Accepts, ty: &Type) -> bool {
    match accepts {
        Accepts::Str => is_string_like(ty),
        Accepts::Float => is_float_like(ty),
        Accepts::Any => true,
    }
}

/// `String`, `str` behind `&`, `Box` or `Cow`, a reference or `Box` around one of these,
/// or an `Option` of one.
fn is_string_like(ty: &Type) -> bool {
    match strip(ty) {
        Type::Reference(reference) => is_str(&reference.elem) || is_string_like(&reference.elem),
        Type::Path(path) if path.qself.is_none() => {
            let Some(last) = path.path.segments.last() else {
                return false;
            };
            if last.ident == "String" {
                return last.arguments.is_none();
            }
            let [arg] = type_args(last)[..] else {
                return false;
            };
            if last.ident == "Cow" {
                is_str(arg)
            } else if last.ident == "Box" {
                is_str(arg) || is_string_like(arg)
            } else if last.ident == "Option" {
                is_string_like(arg)
            } else {
                false
            }
        }
        _ => false,
    }
}

/// `f64`, `f32`, a reference to one, or an `Option` of one.
fn is_float_like(ty: &Type) -> bool {
    match strip(ty) {
        Type::Reference(reference) => is_float_like(&reference.elem),
        Type::Path(path) if path.qself.is_none() => {
            let Some(last) = path.path.segments.last() else {
                return false;
            };
            if last.ident == "f64" || last.ident == "f32" {
                return last.arguments.is_none();
            }
            match type_args(last)[..] {
                [arg] if last.ident == "Option" => is_float_like(arg),
                _ => false,
            }
        }
        _ => false,
    }
}

/// `str`, also spelled `::core::primitive::str`.
fn is_str(ty: &Type) -> bool {
    match strip(ty) {
        Type::Path(path) if path.qself.is_none() => path
            .path
            .segments
            .last()
            .is_some_and(|last| last.ident == "str" && last.arguments.is_none()),
        _ => false,
    }
}

/// `ty` without the parentheses and invisible groups (from `macro_rules!`) around it.
fn strip(mut ty: &Type) -> &Type {
    loop {
        ty = match ty {
            Type::Paren(paren) => &paren.elem,
            Type::Group(group) => &group.elem,
            _ => return ty,
        };
    }
}

/// The type arguments of `Segment<'a, A, B>`: `[A, B]`.
fn type_args(segment: &PathSegment) -> Vec<&Type> {
    match &segment.arguments {
        PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter_map(|arg| match arg {
                GenericArgument::Type(ty) => Some(ty),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether `tokens` mention the identifier `param` anywhere.
fn mentions(tokens: TokenStream, param: &Ident) -> bool {
    tokens.into_iter().any(|token| match token {
        TokenTree::Ident(ident) => ident == *param,
        TokenTree::Group(group) => mentions(group.stream(), param),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    #[test]
    fn string_like_types() {
        let yes: [Type; 13] = [
            parse_quote!(String),
            parse_quote!(::std::string::String),
            parse_quote!(&str),
            parse_quote!(&'a str),
            parse_quote!(&String),
            parse_quote!(&'static ::core::primitive::str),
            parse_quote!(Cow<'a, str>),
            parse_quote!(::std::borrow::Cow<'static, str>),
            parse_quote!(Box<str>),
            parse_quote!(Box<String>),
            parse_quote!(Option<String>),
            parse_quote!(::std::option::Option<::std::string::String>),
            parse_quote!(Option<Option<(&str)>>),
        ];
        for ty in &yes {
            assert!(is_string_like(ty), "{}", display_tokens(ty));
        }
        let no: [Type; 14] = [
            parse_quote!(u32),
            parse_quote!(str),
            parse_quote!(String<u8>),
            parse_quote!(Rc<str>),
            parse_quote!(Cow<'a, [u8]>),
            parse_quote!(Vec<String>),
            parse_quote!(Option<u32>),
            parse_quote!(<T as Trait>::String),
            parse_quote!((String, String)),
            // Behind `&`, `Cow` or `Box`, only `str` itself (or a string type) will do.
            parse_quote!(&u32),
            parse_quote!(&str<u8>),
            parse_quote!(Cow<'a, u32>),
            parse_quote!(&<T as Trait>::str),
            parse_quote!(Box<<T as Trait>::str>),
        ];
        for ty in &no {
            assert!(!is_string_like(ty), "{}", display_tokens(ty));
        }
    }

    #[test]
    fn float_like_types() {
        let yes: [Type; 6] = [
            parse_quote!(f64),
            parse_quote!(f32),
            parse_quote!(&f64),
            parse_quote!(::core::primitive::f64),
            parse_quote!(Option<f64>),
            parse_quote!(::std::option::Option<f32>),
        ];
        for ty in &yes {
            assert!(is_float_like(ty), "{}", display_tokens(ty));
        }
        let no: [Type; 8] = [
            parse_quote!(i64),
            parse_quote!(String),
            parse_quote!(Vec<f64>),
            parse_quote!(Option<i32>),
            parse_quote!(Option),
            parse_quote!(f64<u8>),
            parse_quote!(<T as Trait>::f64),
            parse_quote!(&<T as Trait>::f32),
        ];
        for ty in &no {
            assert!(!is_float_like(ty), "{}", display_tokens(ty));
        }
    }

    /// `ty` wrapped in an invisible group, as a `macro_rules!` `$ty:ty` hands it over.
    fn grouped(ty: TokenStream) -> Type {
        let group = proc_macro2::Group::new(proc_macro2::Delimiter::None, ty);
        let ty: Type =
            syn::parse2(TokenStream::from(TokenTree::Group(group))).expect("a grouped type parses");
        assert!(matches!(ty, Type::Group(_)), "{}", display_tokens(&ty));
        ty
    }

    #[test]
    fn types_from_macro_rules_are_judged_by_what_they_wrap() {
        use quote::quote;

        assert!(is_string_like(&grouped(quote!(String))));
        assert!(is_string_like(&grouped(quote!(&str))));
        assert!(is_float_like(&grouped(quote!(f64))));
        assert!(is_float_like(&grouped(quote!(Option<f32>))));
        assert!(!is_string_like(&grouped(quote!(u32))));
        assert!(!is_float_like(&grouped(quote!(String))));
        // A group around `str` inside a reference, as `&$t` builds it.
        let inner = grouped(quote!(str));
        let reference: Type = parse_quote!(&#inner);
        assert!(is_string_like(&reference));
    }

    #[test]
    fn mentions_finds_params_inside_groups() {
        let param: Ident = parse_quote!(T);
        let ty: Type = parse_quote!(Option<Vec<(u8, T)>>);
        assert!(mentions(ty.to_token_stream(), &param));
        let ty: Type = parse_quote!(Option<Vec<Tee>>);
        assert!(!mentions(ty.to_token_stream(), &param));
    }
}
