//! `rename`, `rename(serialize = ...)` and `rename_all` in every casing compile, alongside the
//! other serde attributes that typify generates.

// Generated code must not warn; the structs are only type-checked, never built.
#![deny(warnings)]
#![allow(dead_code)]

use stablemint_validate::Validate;

#[derive(serde::Serialize, serde::Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct Renamed {
    #[serde(rename = "countryCode")]
    #[validate(alpha2)]
    country: String,
    #[serde(rename(serialize = "out", deserialize = "in"))]
    #[validate(email)]
    email: String,
    #[serde(
        default,
        skip_serializing_if = "::std::option::Option::is_none",
        rename = "dateOfBirth"
    )]
    #[validate(date)]
    dob: ::std::option::Option<::std::string::String>,
    #[serde(default, skip_serializing_if = "::serde_json::Map::is_empty")]
    metadata: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
}

macro_rules! every_casing {
    ($($name:ident => $casing:literal,)*) => {$(
        #[derive(serde::Serialize, serde::Deserialize, Validate)]
        #[serde(rename_all = $casing)]
        struct $name {
            #[validate(currency)]
            settlement_currency: String,
            #[validate(alpha2)]
            r#type: String,
        }
    )*};
}

every_casing! {
    Lower => "lowercase",
    Upper => "UPPERCASE",
    Pascal => "PascalCase",
    Camel => "camelCase",
    Snake => "snake_case",
    ScreamingSnake => "SCREAMING_SNAKE_CASE",
    Kebab => "kebab-case",
    ScreamingKebab => "SCREAMING-KEBAB-CASE",
}

#[derive(serde::Serialize, serde::Deserialize, Validate)]
#[serde(rename_all(serialize = "camelCase", deserialize = "snake_case"))]
struct SplitRenameAll {
    #[validate(email)]
    user_email: String,
}

fn assert_validate<T: Validate>() {}

fn main() {
    assert_validate::<Renamed>();
    assert_validate::<Lower>();
    assert_validate::<Upper>();
    assert_validate::<Pascal>();
    assert_validate::<Camel>();
    assert_validate::<Snake>();
    assert_validate::<ScreamingSnake>();
    assert_validate::<Kebab>();
    assert_validate::<ScreamingKebab>();
    assert_validate::<SplitRenameAll>();
}
