//! Emit phase: turn a checked [`Validate`] into the `impl ::stablemint_validate::Validate`.
//!
//! Every path goes through `::stablemint_validate` (the runtime crate re-exports this derive,
//! serde-style), and every call carries the span of the rule that asked for it, so a type
//! error in generated code points at the attribute rather than at `#[derive(Validate)]`.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::{Generics, parse_quote};

use crate::model::{Location, Rule, RuleKind, Validate, ValidateField};

/// The impl for a struct that passed every check.
pub fn emit(validate: &Validate) -> TokenStream {
    let Validate {
        krate,
        ident,
        generics,
        nested_params,
        fields,
    } = validate;

    let mut generics = generics.clone();
    if !nested_params.is_empty() {
        let where_clause = generics.make_where_clause();
        for param in nested_params {
            where_clause
                .predicates
                .push(parse_quote!(#param: #krate::Validate));
        }
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();

    // Mixed-site names cannot clash with anything the user's tokens refer to, and the
    // leading underscores keep `unused_variables` quiet for a struct with no rules.
    let at = Ident::new("__at", Span::mixed_site());
    let errors = Ident::new("__errors", Span::mixed_site());
    let calls = fields
        .iter()
        .flat_map(|field| field.rules.iter().map(move |rule| (field, rule)))
        .filter_map(|(field, rule)| emit_rule(krate, field, rule, &at, &errors));

    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::Validate for #ident #ty_generics #where_clause {
            fn validate_at(
                &self,
                #at: &#krate::Path<'_>,
                #errors: &mut #krate::ValidationErrors,
            ) {
                #(#calls)*
            }
        }
    }
}

/// An impl that checks nothing, emitted next to compile errors so that every use of
/// `Validate` on the type does not add an error of its own.
pub fn fallback(krate: &syn::Path, ident: &Ident, generics: &Generics) -> TokenStream {
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::Validate for #ident #ty_generics #where_clause {
            fn validate_at(
                &self,
                _: &#krate::Path<'_>,
                _: &mut #krate::ValidationErrors,
            ) {
            }
        }
    }
}

/// The call for one rule on one field.
fn emit_rule(
    krate: &syn::Path,
    field: &ValidateField,
    rule: &Rule,
    at: &Ident,
    errors: &Ident,
) -> Option<TokenStream> {
    let member = &field.member;
    // Trait errors about the value (e.g. `nested` on a type without `Validate`) point at
    // the field's name.
    let value = quote_spanned!(member.span()=> &self.#member);
    let span = rule.span;
    let krate = respan(krate, span);

    let wire = match &field.location {
        Location::Key(wire) => wire,
        Location::Flattened => {
            // A flattened field's keys live in the parent object: validate it in place.
            // `check` allows no other rule on such a field.
            return match rule.kind {
                RuleKind::Nested => Some(quote_spanned! {span=>
                    #krate::Validate::validate_at(#value, #at, #errors);
                }),
                _ => None,
            };
        }
    };

    Some(match &rule.kind {
        RuleKind::Alpha2
        | RuleKind::Date
        | RuleKind::Email
        | RuleKind::Uri
        | RuleKind::Currency => {
            let function = Ident::new(rule.kind.name(), span);
            quote_spanned! {span=>
                #krate::__private::str_rule(
                    #value, #at, #wire, #errors, #krate::rules::#function,
                );
            }
        }
        RuleKind::Positive => quote_spanned! {span=>
            #krate::__private::f64_rule(
                #value, #at, #wire, #errors, #krate::rules::positive,
            );
        },
        RuleKind::Precision { currency } => {
            let currency = quote_spanned!(currency.span()=> &self.#currency);
            quote_spanned! {span=>
                #krate::__private::precision(#value, #currency, #at, #wire, #errors);
            }
        }
        RuleKind::Nested => quote_spanned! {span=>
            #krate::__private::nested(#value, #at, #wire, #errors);
        },
        RuleKind::Custom { check } => quote_spanned! {span=>
            #krate::__private::custom(#value, #at, #wire, #errors, #check);
        },
    })
}

/// `path` with every token at `span`, so that an error in a call through it points at
/// the rule, not at the derive.
fn respan(path: &syn::Path, span: Span) -> TokenStream {
    quote::ToTokens::to_token_stream(path)
        .into_iter()
        .map(|mut token| {
            token.set_span(span);
            token
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Errors;

    fn expand(tokens: TokenStream) -> String {
        let input = syn::parse2(tokens).expect("test input is a valid item");
        let mut errors = Errors::default();
        let parsed = crate::syntax::parse(input, &mut errors).expect("a struct");
        let checked = crate::check::check(&parsed, &mut errors);
        errors.finish().expect("no errors");
        emit(&checked).to_string()
    }

    #[test]
    fn emits_one_call_per_rule_with_wire_names() {
        let got = expand(quote! {
            #[serde(rename_all = "camelCase")]
            struct Request {
                #[validate(positive, precision = currency)]
                amount: Option<f64>,
                currency: String,
                #[serde(rename = "userKyc")]
                #[validate(nested)]
                kyc: Option<UserKyc>,
                #[validate(custom = checks::id)]
                r#type: String,
                #[serde(flatten)]
                #[validate(nested)]
                extra: Extra,
                unchecked: u8,
            }
        });
        let want = quote! {
            #[automatically_derived]
            impl ::stablemint_validate::Validate for Request {
                fn validate_at(
                    &self,
                    __at: &::stablemint_validate::Path<'_>,
                    __errors: &mut ::stablemint_validate::ValidationErrors,
                ) {
                    ::stablemint_validate::__private::f64_rule(
                        &self.amount, __at, "amount", __errors, ::stablemint_validate::rules::positive,
                    );
                    ::stablemint_validate::__private::precision(&self.amount, &self.currency, __at, "amount", __errors);
                    ::stablemint_validate::__private::nested(&self.kyc, __at, "userKyc", __errors);
                    ::stablemint_validate::__private::custom(&self.r#type, __at, "type", __errors, checks::id);
                    ::stablemint_validate::Validate::validate_at(&self.extra, __at, __errors);
                }
            }
        }
        .to_string();
        assert_eq!(got, want);
    }

    #[test]
    fn bounds_type_params_used_by_nested_fields() {
        let got = expand(quote! {
            struct Page<'a, T, U: Copy> {
                #[validate(nested)]
                items: Vec<T>,
                #[validate(email)]
                email: &'a str,
                marker: U,
            }
        });
        let want = quote! {
            #[automatically_derived]
            impl<'a, T, U: Copy> ::stablemint_validate::Validate for Page<'a, T, U>
            where
                T: ::stablemint_validate::Validate
            {
                fn validate_at(
                    &self,
                    __at: &::stablemint_validate::Path<'_>,
                    __errors: &mut ::stablemint_validate::ValidationErrors,
                ) {
                    ::stablemint_validate::__private::nested(&self.items, __at, "items", __errors);
                    ::stablemint_validate::__private::str_rule(
                        &self.email, __at, "email", __errors, ::stablemint_validate::rules::email,
                    );
                }
            }
        }
        .to_string();
        assert_eq!(got, want);
    }
}
