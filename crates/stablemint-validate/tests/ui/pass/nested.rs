//! `nested` through `T`, `Option<T>`, `Vec<T>`, `Box<T>`, fully qualified paths, `flatten`,
//! and generic structs (the derive bounds type parameters that `nested` fields use).

// Generated code must not warn; the structs are only type-checked, never built.
#![deny(warnings)]
#![allow(dead_code)]

use stablemint_validate::Validate;

#[derive(Validate)]
struct Leaf {
    #[validate(alpha2)]
    country: String,
}

#[derive(serde::Serialize, Validate)]
struct Extra {
    #[validate(email)]
    contact: String,
}

#[derive(serde::Serialize, Validate)]
struct WithFlatten {
    #[serde(flatten)]
    #[validate(nested)]
    extra: Extra,
}

#[derive(Validate)]
struct Tree {
    #[validate(nested)]
    plain: Leaf,
    #[validate(nested)]
    optional: Option<Leaf>,
    #[validate(nested)]
    list: Vec<Leaf>,
    #[validate(nested)]
    boxed: Box<Leaf>,
    #[validate(nested)]
    qualified: ::std::option::Option<::std::vec::Vec<Leaf>>,
    #[validate(nested)]
    recursive: Option<Box<Tree>>,
}

#[derive(Validate)]
struct Page<T, M> {
    #[validate(nested)]
    items: Vec<T>,
    // `M` is not validated, so it needs no `Validate` bound.
    _marker: Option<M>,
}

fn assert_validate<T: Validate>() {}

fn main() {
    assert_validate::<Tree>();
    assert_validate::<WithFlatten>();
    assert_validate::<Page<Leaf, std::cell::Cell<u8>>>();
}
