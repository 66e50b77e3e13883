//! Compile-time behaviour of `#[derive(Validate)]`: what must compile, and the exact error
//! output (`tests/ui/fail/*.stderr`) for what must not. The derive's tests live here, with
//! the crate that re-exports it, so the derive crate has no dependency back on this one.
//!
//! After an intended change to a message, regenerate the `.stderr` files with
//! `TRYBUILD=overwrite cargo test -p stablemint-validate --test ui` and review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
