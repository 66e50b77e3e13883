//! Every rule on every field type it accepts.

// Generated code must not warn; the structs are only type-checked, never built.
#![deny(warnings)]
#![allow(dead_code)]

use std::borrow::Cow;

use stablemint_validate::{Invalid, Validate};

#[derive(Validate)]
struct Strings<'a> {
    #[validate(alpha2)]
    owned: String,
    #[validate(date)]
    borrowed: &'a str,
    #[validate(email)]
    borrowed_owned: &'a String,
    #[validate(currency)]
    cow: Cow<'a, str>,
    #[validate(alpha2, custom = not_empty)]
    boxed: Box<str>,
    #[validate(email)]
    optional: Option<String>,
    #[validate(date)]
    optional_borrowed: Option<&'a str>,
    #[validate(currency)]
    qualified: ::std::option::Option<::std::string::String>,
    #[validate(currency)]
    primitive: &'static ::core::primitive::str,
}

#[derive(Validate)]
struct Numbers {
    #[validate(positive)]
    double: f64,
    #[validate(positive)]
    single: f32,
    #[validate(positive, precision = currency)]
    optional: Option<f64>,
    #[validate(precision = currency)]
    optional_single: ::std::option::Option<f32>,
    currency: String,
}

#[derive(Validate)]
struct Empty {}

#[derive(Validate)]
struct NoRules {
    _name: String,
}

fn not_empty(value: &Box<str>) -> Result<(), Invalid> {
    if value.is_empty() {
        return Err(Invalid::new("not_empty", "must not be empty"));
    }
    Ok(())
}

fn assert_validate<T: Validate>() {}

fn main() {
    assert_validate::<Strings<'static>>();
    assert_validate::<Numbers>();
    assert_validate::<Empty>();
    assert_validate::<NoRules>();
}
