//! `#[derive(Validate)]` for [`stablemint_validate`](https://docs.rs/stablemint-validate).
//!
//! Use it through the runtime crate, which re-exports it under the trait's name:
//! `use stablemint_validate::Validate;` brings both. The generated code only calls
//! `::stablemint_validate::...`, so this crate is never a direct dependency.
//!
//! The derive runs in three phases, each in its own module:
//!
//! 1. `syntax` reads the struct, its `#[validate(...)]` attributes and the serde attributes
//!    that decide wire names (`rename`, `rename_all`, `flatten`) into the parsed model;
//! 2. `check` judges each rule against its field's type and the struct's other fields and
//!    builds the checked model;
//! 3. `emit` turns the checked model into the `impl`.
//!
//! Both `syntax` and `check` keep going after a mistake, so every error in one derive is
//! reported in one compile, each on the token that caused it.

#![warn(missing_docs)]

// syn 3 under its usual name everywhere in the crate: the workspace keeps `syn` for syn 2,
// which the code generator needs, and names syn 3 `syn3`.
extern crate syn3 as syn;

mod case;
mod check;
mod diagnostics;
mod emit;
mod model;
mod syntax;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

use crate::diagnostics::Errors;

/// Derives `stablemint_validate::Validate` for a struct with named fields.
///
/// Each `#[validate(...)]` attribute on a field lists rules; a field may carry several
/// attributes, and fields without one are not checked. When a value breaks a rule, the error
/// names it by a JSON Pointer built from the names serde puts on the wire, so it can be
/// shown next to the request that was sent.
///
/// # Rules
///
/// | Rule | Field types | Checks that the value |
/// |---|---|---|
/// | `alpha2` | string¹ | is an ISO 3166-1 alpha-2 country code (`DE`) |
/// | `date` | string¹ | is a calendar date written `YYYY-MM-DD` |
/// | `email` | string¹ | is an e-mail address |
/// | `currency` | string¹ | is an active ISO 4217 currency code (`EUR`) |
/// | `positive` | number² | is finite and above zero |
/// | `precision = field` | number² | has no more decimal places than the currency in the sibling string¹ `field` allows |
/// | `nested` | any type implementing `Validate` | is valid itself; its errors sit under this field's pointer |
/// | `custom = path::to::check` | any type `T` | passes `fn check(&T) -> Result<(), Invalid>` |
///
/// ¹ `String`, `&str`, `Cow<str>`, `Box<str>`, or an `Option` of one.
/// ² `f64`, `f32`, or an `Option` of one.
///
/// A rule on an `Option` field checks the value only when it is `Some`. `nested` also works
/// through `Option<T>`, `Vec<T>` and `Box<T>`; a `Vec` element's pointer ends with its index
/// (`/items/1/code`). A field may carry each rule once, except `custom`, which may name
/// several different functions.
///
/// Types are judged as written, by the last path segment (`::std::option::Option<String>`
/// is an `Option<String>`); type aliases are not looked through, so use the type itself.
///
/// # Grammar
///
/// ```text
/// struct-attribute := "#[validate(crate = " string-literal ")]"
/// field-attribute := "#[validate(" rule ("," rule)* ","? ")]"
/// rule            := "alpha2" | "date" | "email" | "currency" | "positive" | "nested"
///                  | "precision" "=" field-name
///                  | "custom" "=" path
/// ```
///
/// The struct attribute names the path of the runtime crate, as serde's
/// `#[serde(crate = "...")]` does, for crates that re-export this derive: with only
/// `stablemint` as a dependency, write `#[validate(crate = "stablemint::validate")]`.
///
/// # Wire names
///
/// Pointer segments use the key serde writes (the serialize side):
/// `#[serde(rename = "...")]` (or `rename(serialize = "...")`) on the field, else the
/// container's `#[serde(rename_all = "...")]` applied to the field name (all serde casings),
/// else the field name without `r#`. A `#[serde(flatten)]` field adds no segment and takes
/// only `nested`. Other serde attributes are ignored. Put `Validate` after serde's derives
/// in the `#[derive(...)]` list.
///
/// # Errors at compile time
///
/// Unknown rules (with a "did you mean" hint), rules on a field type they do not accept,
/// a rule repeated on one field, `precision` naming a missing or non-string field, malformed
/// attributes, and deriving on an enum, union, tuple struct or unit struct are compile
/// errors. All errors of one derive are reported together.
///
/// # Example
///
/// See the example on `stablemint_validate::Validate` (the derive is used through that
/// crate, and its example is tested there).
#[proc_macro_derive(Validate, attributes(validate))]
pub fn derive_validate(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(input).into()
}

/// Runs the phases; on any error, the errors plus an empty impl (see [`emit::fallback`]).
fn expand(input: DeriveInput) -> proc_macro2::TokenStream {
    let ident = input.ident.clone();
    let generics = input.generics.clone();
    let mut errors = Errors::default();
    let parsed = syntax::parse(input, &mut errors);
    let krate = parsed
        .as_ref()
        .ok()
        .and_then(|parsed| parsed.krate.clone())
        .unwrap_or_else(|| syn::parse_quote!(::stablemint_validate));
    let checked = parsed.map(|parsed| check::check(&parsed, &mut errors));
    let checked = checked.and_then(|checked| errors.finish().map(|()| checked));
    match checked {
        Ok(checked) => emit::emit(&checked),
        Err(error) => {
            let mut tokens = error.into_compile_error();
            tokens.extend(emit::fallback(&krate, &ident, &generics));
            tokens
        }
    }
}
