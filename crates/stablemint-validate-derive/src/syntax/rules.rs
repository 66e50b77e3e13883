//! A field's `#[validate(...)]` attributes: the list, each entry as written
//! ([`RawRule`]), and each rule judged by its name and value, with a did-you-mean for
//! unknown names.

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Error, Expr, MacroDelimiter, Meta, Token};

use crate::diagnostics::{closest, display_tokens};
use crate::model::{Rule, RuleKind};

/// Appends the rules in one `#[validate(rule, rule = value, ...)]` to `rules`.
pub(super) fn parse_validate_attr(
    attr: &Attribute,
    rules: &mut Vec<Rule>,
    report: &mut impl FnMut(Error),
) {
    let list = match &attr.meta {
        Meta::List(list) => list,
        Meta::Path(_) => {
            return report(Error::new_spanned(
                attr,
                "`#[validate]` needs a list of rules, e.g. `#[validate(email)]`",
            ));
        }
        Meta::NameValue(_) => {
            return report(Error::new_spanned(
                attr,
                "expected `#[validate(...)]`: write the rules in parentheses, e.g. \
                 `#[validate(email)]`",
            ));
        }
    };
    if !matches!(list.delimiter, MacroDelimiter::Paren(_)) {
        return report(Error::new(
            list.delimiter.span().join(),
            "expected `#[validate(...)]`: write the rules in parentheses",
        ));
    }
    let metas = match list.parse_args_with(Punctuated::<RawRule, Token![,]>::parse_terminated) {
        Ok(metas) => metas,
        Err(error) => {
            return report(Error::new(
                error.span(),
                format!(
                    "{error}: `#[validate(...)]` lists rules separated by commas, e.g. \
                     `#[validate(positive, precision = currency)]`"
                ),
            ));
        }
    };
    if metas.is_empty() {
        report(Error::new(
            list.delimiter.span().join(),
            "`#[validate()]` lists no rules: add one, e.g. `#[validate(email)]`, or remove \
             the attribute",
        ));
    }
    for meta in metas {
        match parse_rule(meta) {
            Ok(rule) => rules.push(rule),
            Err(error) => report(error),
        }
    }
}

/// One entry of `#[validate(...)]` as written, before it is judged.
enum RawRule {
    /// What syn's [`Meta`] reads: `name`, `name(...)` or `name = expression`.
    Meta(Meta),
    /// `name = value` where the value is no expression that syn reads without its `full`
    /// feature (which this crate leaves off), such as a closure: kept as tokens, so that
    /// the rule reports it instead of the list failing to parse.
    Unparsed {
        path: syn::Path,
        eq_token: Token![=],
        value: TokenStream,
    },
}

/// The value after `=` in a [`RawRule`].
enum Value<'a> {
    Expr(&'a Expr),
    Tokens(&'a TokenStream),
}

impl Parse for RawRule {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let error = match input.fork().parse::<Meta>() {
            Ok(_) => return input.parse().map(Self::Meta),
            Err(error) => error,
        };
        // After a path that parses, `Meta` fails only in the value after `=`: that value
        // is kept as tokens, up to the next comma. Any other failure keeps syn's error.
        let (Ok(path), Ok(eq_token)) = (
            input.call(syn::Path::parse_mod_style),
            input.parse::<Token![=]>(),
        ) else {
            return Err(error);
        };
        let mut value = TokenStream::new();
        while !input.is_empty() && !input.peek(Token![,]) {
            value.extend([input.parse::<TokenTree>()?]);
        }
        if value.is_empty() {
            return Err(error);
        }
        Ok(Self::Unparsed {
            path,
            eq_token,
            value,
        })
    }
}

impl ToTokens for RawRule {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Self::Meta(meta) => meta.to_tokens(tokens),
            Self::Unparsed {
                path,
                eq_token,
                value,
            } => {
                path.to_tokens(tokens);
                eq_token.to_tokens(tokens);
                value.to_tokens(tokens);
            }
        }
    }
}

impl RawRule {
    /// The rule's name, as a path.
    fn path(&self) -> &syn::Path {
        match self {
            Self::Meta(meta) => meta.path(),
            Self::Unparsed { path, .. } => path,
        }
    }

    /// Whether the rule is a name alone, with no value or list after it.
    fn is_bare(&self) -> bool {
        matches!(self, Self::Meta(Meta::Path(_)))
    }

    /// The value after `=`, if the rule is `name = value`.
    fn value(&self) -> Option<Value<'_>> {
        match self {
            Self::Meta(Meta::NameValue(name_value)) => Some(Value::Expr(&name_value.value)),
            Self::Meta(_) => None,
            Self::Unparsed { value, .. } => Some(Value::Tokens(value)),
        }
    }
}

/// One rule: a bare name, or `name = value` for `precision` and `custom`.
fn parse_rule(rule: RawRule) -> syn::Result<Rule> {
    let Some(name) = rule.path().get_ident() else {
        return Err(unknown_rule(rule.path(), &display_tokens(rule.path())));
    };
    let span = name.span();
    let name = name.to_string();
    let kind = match name.as_str() {
        "alpha2" | "date" | "email" | "uri" | "currency" | "positive" | "nested" => {
            if !rule.is_bare() {
                return Err(Error::new_spanned(
                    &rule,
                    format!("rule `{name}` takes no value: write `{name}`"),
                ));
            }
            match name.as_str() {
                "alpha2" => RuleKind::Alpha2,
                "date" => RuleKind::Date,
                "email" => RuleKind::Email,
                "uri" => RuleKind::Uri,
                "currency" => RuleKind::Currency,
                "positive" => RuleKind::Positive,
                _ => RuleKind::Nested,
            }
        }
        "precision" => {
            let hint = "rule `precision` names the field holding the currency code: \
                        `precision = currency`";
            match rule.value() {
                None => return Err(Error::new_spanned(&rule, hint)),
                // No identifier is qualified: syn gives `<T>::x` a leading `::` and
                // `<T as U>::x` two segments. Nor has the path attributes: syn refuses
                // them inside an attribute's value.
                Some(Value::Expr(Expr::Path(path))) => match path.path.get_ident() {
                    Some(currency) => RuleKind::Precision {
                        currency: currency.clone(),
                    },
                    None => return Err(Error::new_spanned(path, hint)),
                },
                Some(Value::Expr(Expr::Lit(lit))) => {
                    return Err(Error::new_spanned(
                        lit,
                        format!("{hint} (a field name, without quotes)"),
                    ));
                }
                Some(Value::Expr(other)) => return Err(Error::new_spanned(other, hint)),
                Some(Value::Tokens(other)) => return Err(Error::new_spanned(other, hint)),
            }
        }
        "custom" => {
            let hint = "rule `custom` needs the path of a function \
                        `fn(&FieldType) -> Result<(), Invalid>`: `custom = path::to::check`";
            match rule.value() {
                None => return Err(Error::new_spanned(&rule, hint)),
                Some(Value::Expr(Expr::Path(path))) => RuleKind::Custom {
                    check: path.clone(),
                },
                Some(Value::Expr(Expr::Lit(lit))) => {
                    return Err(Error::new_spanned(
                        lit,
                        format!("{hint} (a path, without quotes)"),
                    ));
                }
                Some(Value::Expr(other)) => return Err(Error::new_spanned(other, hint)),
                Some(Value::Tokens(other)) => return Err(Error::new_spanned(other, hint)),
            }
        }
        _ => return Err(unknown_rule(rule.path(), &name)),
    };
    Ok(Rule { span, kind })
}

fn unknown_rule(path: &syn::Path, name: &str) -> Error {
    // Names other validation crates use for the same thing.
    let alias = match name {
        "dive" | "inner" | "validate" => Some("nested"),
        "country" | "country_code" => Some("alpha2"),
        _ => None,
    };
    let message = match alias.or_else(|| closest(name, RuleKind::NAMES)) {
        Some(suggestion) => {
            format!("unknown validation rule `{name}`: did you mean `{suggestion}`?")
        }
        None => format!(
            "unknown validation rule `{name}`: expected one of {}",
            RuleKind::NAMES.map(|name| format!("`{name}`")).join(", ")
        ),
    };
    Error::new_spanned(path, message)
}
