//! `precision` naming a currency field of each string-like type, declared before or after it,
//! and a raw-identifier field.

// Generated code must not warn; the structs are only type-checked, never built.
#![deny(warnings)]
#![allow(dead_code)]

use std::borrow::Cow;

use stablemint_validate::Validate;

#[derive(Validate)]
struct Before {
    currency: String,
    #[validate(precision = currency)]
    amount: f64,
}

#[derive(Validate)]
struct After<'a> {
    #[validate(positive, precision = settlement_currency)]
    amount: Option<f64>,
    #[validate(currency)]
    settlement_currency: Option<Cow<'a, str>>,
}

#[derive(Validate)]
struct Raw<'a> {
    #[validate(precision = r#type)]
    amount: f32,
    r#type: &'a str,
}

fn assert_validate<T: Validate>() {}

fn main() {
    assert_validate::<Before>();
    assert_validate::<After<'static>>();
    assert_validate::<Raw<'static>>();
}
