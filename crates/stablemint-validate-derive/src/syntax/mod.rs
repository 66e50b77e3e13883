//! Parse phase: read the struct's shape, its `#[validate(...)]` attributes and the serde
//! attributes that decide wire names into a [`model::Input`](crate::model::Input).
//!
//! Mistakes inside attributes are recorded and parsing goes on with the next rule, so one
//! compile shows them all. Only a wrong item shape (enum, union, tuple or unit struct) stops
//! here, since there are no named fields to look at.
//!
//! Here: the item's shape, its fields and the container attribute. A field's
//! `#[validate(...)]` rules are read in `rules.rs`, the serde attributes in
//! `serde_attrs.rs`.

mod rules;
mod serde_attrs;

use syn::{Attribute, Data, DeriveInput, Error, Expr, Fields, Meta};

use crate::diagnostics::{Errors, Origin};
use crate::model::{Field, Input};

use rules::parse_validate_attr;
use serde_attrs::{serde_field, serde_rename_all};

/// Reads `input`; attribute mistakes go to `errors`, a wrong item shape is returned as `Err`.
pub fn parse(input: DeriveInput, errors: &mut Errors) -> syn::Result<Input> {
    let named = match input.data {
        Data::Struct(data) => match data.fields {
            Fields::Named(named) => named.named,
            Fields::Unnamed(unnamed) => {
                return Err(Error::new(
                    unnamed.paren_token.span.join(),
                    "`Validate` can only be derived for structs with named fields: a tuple \
                     struct has no field names to put in error pointers; use named fields \
                     or implement `Validate` by hand",
                ));
            }
            Fields::Unit => {
                return Err(Error::new(
                    input.ident.span(),
                    "`Validate` can only be derived for structs with named fields: a unit \
                     struct has nothing to validate",
                ));
            }
        },
        Data::Enum(data) => {
            return Err(Error::new(
                data.enum_token.span,
                "`Validate` cannot be derived for enums: derive it on the structs the \
                 variants hold, or implement `Validate` by hand",
            ));
        }
        Data::Union(data) => {
            return Err(Error::new(
                data.union_token.span,
                "`Validate` cannot be derived for unions: implement `Validate` by hand",
            ));
        }
    };

    let mut krate = None;
    for attr in input
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("validate"))
    {
        if let Err(error) = parse_container_attr(attr, &mut krate) {
            errors.push(Origin::Container, error);
        }
    }

    let mut fields = Vec::with_capacity(named.len());
    for field in named {
        // Named fields always have an ident; a missing one is skipped, not unwrapped.
        let Some(ident) = field.ident else {
            continue;
        };
        let origin = Origin::Field(fields.len());
        let (rename, flatten) = serde_field(&field.attrs);
        let mut rules = Vec::new();
        for attr in &field.attrs {
            if attr.path().is_ident("validate") {
                parse_validate_attr(attr, &mut rules, &mut |error| errors.push(origin, error));
            }
        }
        fields.push(Field {
            ident,
            ty: field.ty,
            rename,
            flatten,
            rules,
        });
    }

    Ok(Input {
        ident: input.ident,
        generics: input.generics,
        rename_all: serde_rename_all(&input.attrs),
        krate,
        fields,
    })
}

/// Reads the one container attribute, `#[validate(crate = "path::to::runtime")]`, as
/// serde's `#[serde(crate = "...")]`: for a crate that re-exports the derive and the
/// runtime crate under another name.
fn parse_container_attr(attr: &Attribute, krate: &mut Option<syn::Path>) -> syn::Result<()> {
    const EXPECTED: &str = "on the struct, `#[validate(...)]` takes only `crate = \"...\"`, \
                            the path of the runtime crate when it is re-exported (rules go on \
                            fields)";
    let Meta::List(list) = &attr.meta else {
        return Err(Error::new_spanned(attr, EXPECTED));
    };
    list.parse_nested_meta(|meta| {
        if !meta.path.is_ident("crate") {
            return Err(meta.error(EXPECTED));
        }
        let value = match meta.value()?.parse::<Expr>()? {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(value),
                ..
            }) => value,
            other => {
                return Err(Error::new_spanned(
                    other,
                    "`crate` takes the path as a string: `crate = \"stablemint::validate\"`",
                ));
            }
        };
        let path: syn::Path = value.parse().map_err(|_| {
            Error::new(
                value.span(),
                "`crate = \"...\"` takes a path, such as `stablemint::validate`",
            )
        })?;
        if krate.replace(path).is_some() {
            return Err(meta.error("`crate = \"...\"` is given twice; keep one"));
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::RenameRule;
    use quote::quote;

    fn parse_ok(tokens: proc_macro2::TokenStream) -> (Input, syn::Result<()>) {
        let input: DeriveInput = syn::parse2(tokens).expect("test input is a valid item");
        let mut errors = Errors::default();
        let parsed = match parse(input, &mut errors) {
            Ok(parsed) => parsed,
            Err(error) => panic!("unexpected shape error: {error}"),
        };
        (parsed, errors.finish())
    }

    /// The messages of the reported mistakes, in order.
    fn messages(errors: syn::Result<()>) -> Vec<String> {
        errors
            .expect_err("mistakes are reported")
            .into_iter()
            .map(|e| e.to_string())
            .collect()
    }

    /// The names of a field's rules, in order.
    fn rule_names(field: &Field) -> Vec<&'static str> {
        field.rules.iter().map(|r| r.kind.name()).collect()
    }

    #[test]
    fn reads_serde_names_and_skips_other_serde_keys() {
        let (input, errors) = parse_ok(quote! {
            #[serde(deny_unknown_fields, rename_all = "camelCase")]
            struct Request {
                #[serde(default, skip_serializing_if = "::std::option::Option::is_none", rename = "userKyc")]
                #[validate(nested)]
                kyc: ::std::option::Option<UserKyc>,
                #[serde(rename(deserialize = "in", serialize = "out"), with = "x")]
                a: u8,
                #[serde(rename(deserialize = "only_in"))]
                b: u8,
                #[serde(flatten, bound(serialize = "T: Serialize"))]
                extra: Extra,
            }
        });
        errors.expect("no errors");
        assert_eq!(input.rename_all, Some(RenameRule::Camel));
        let renames: Vec<_> = input.fields.iter().map(|f| f.rename.clone()).collect();
        assert_eq!(
            renames,
            [
                Some("userKyc".to_owned()),
                Some("out".to_owned()),
                None,
                None
            ]
        );
        let flattened: Vec<_> = input.fields.iter().map(|f| f.flatten).collect();
        assert_eq!(flattened, [false, false, false, true]);
        assert_eq!(input.fields[0].rules.len(), 1);
    }

    #[test]
    fn rename_all_serialize_side_and_unknown_casing() {
        let (input, _) = parse_ok(quote! {
            #[serde(rename_all(deserialize = "snake_case", serialize = "kebab-case"))]
            struct A { a: u8 }
        });
        assert_eq!(input.rename_all, Some(RenameRule::Kebab));
        let (input, _) = parse_ok(quote! {
            #[serde(rename_all = "Train-Case")]
            struct A { a: u8 }
        });
        assert_eq!(input.rename_all, None);
    }

    #[test]
    fn collects_every_rule_mistake() {
        let (input, errors) = parse_ok(quote! {
            struct A {
                #[validate(emial, postive, email = 1, custom, precision)]
                a: u8,
                #[validate(alpha2)]
                #[validate(date, nested)]
                b: u8,
            }
        });
        let messages = messages(errors);
        assert_eq!(messages.len(), 5, "{messages:#?}");
        assert!(messages[0].contains("did you mean `email`?"));
        assert!(messages[1].contains("did you mean `positive`?"));
        assert!(messages[2].contains("takes no value"));
        assert!(messages[3].contains("`custom = path::to::check`"));
        assert!(messages[4].contains("`precision = currency`"));
        assert_eq!(rule_names(&input.fields[1]), ["alpha2", "date", "nested"]);
    }

    #[test]
    fn values_that_are_no_plain_expression_are_reported_by_their_rule() {
        // Closures and blocks need syn's `full` feature to parse as expressions; the rule
        // reports them, and the rules after them are still read.
        let (input, errors) = parse_ok(quote! {
            struct A {
                #[validate(custom = |_| Ok(()), email, precision = { currency }, date = || 1)]
                a: String,
                #[validate(custom = checks::id::<u8, u16>, nested)]
                b: String,
            }
        });
        let messages = messages(errors);
        assert_eq!(messages.len(), 3, "{messages:#?}");
        assert!(messages[0].starts_with("rule `custom` needs the path of a function"));
        assert!(messages[1].starts_with("rule `precision` names the field"));
        assert_eq!(messages[2], "rule `date` takes no value: write `date`");
        assert_eq!(rule_names(&input.fields[0]), ["email"]);
        assert_eq!(rule_names(&input.fields[1]), ["custom", "nested"]);
    }

    fn messages_for(tokens: proc_macro2::TokenStream) -> Vec<String> {
        messages(parse_ok(tokens).1)
    }

    #[test]
    fn precision_names_a_plain_field_and_custom_any_function_path() {
        let messages = messages_for(quote! {
            struct A {
                #[validate(precision = <Self>::currency, precision = <Self as X>::currency)]
                a: f64,
                #[validate(precision = crate::currency)]
                b: f64,
                #[validate(custom = #[inline] check)]
                c: String,
            }
        });
        assert_eq!(messages.len(), 4, "{messages:#?}");
        assert!(messages[0].starts_with("rule `precision` names the field"));
        assert!(messages[1].starts_with("rule `precision` names the field"));
        assert!(messages[2].starts_with("rule `precision` names the field"));
        assert!(messages[3].starts_with("rule `custom` needs the path of a function"));
        let (input, errors) = parse_ok(quote! {
            struct A {
                #[validate(custom = <Self as Checks>::id, custom = ::checks::id::<u8>)]
                a: String,
            }
        });
        errors.expect("qualified and generic function paths are fine");
        assert_eq!(input.fields[0].rules.len(), 2);
    }

    #[test]
    fn names_from_other_crates_suggest_ours() {
        let messages = messages_for(quote! {
            struct A {
                #[validate(country, country_code, dive, inner, validate)]
                a: String,
            }
        });
        let suggested: Vec<&str> = messages
            .iter()
            .map(|m| m.rsplit("did you mean ").next().unwrap_or(m))
            .collect();
        assert_eq!(
            suggested,
            [
                "`alpha2`?",
                "`alpha2`?",
                "`nested`?",
                "`nested`?",
                "`nested`?"
            ]
        );
    }

    #[test]
    fn a_rule_list_that_does_not_parse_keeps_syns_error() {
        let (_, errors) = parse_ok(quote! {
            struct A {
                #[validate(email alpha2)]
                a: String,
                #[validate(custom = , email)]
                b: String,
            }
        });
        let messages = messages(errors);
        assert_eq!(messages.len(), 2, "{messages:#?}");
        assert!(messages[0].starts_with("expected `,`: `#[validate(...)]` lists rules"));
        assert!(messages[1].contains(": `#[validate(...)]` lists rules separated by commas"));
    }
}
