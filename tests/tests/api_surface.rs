//! The API surface of `openapi/stablemint.yaml`: review this snapshot's diff whenever the
//! spec changes.

#[test]
fn api_surface() {
    insta::assert_snapshot!("api_surface", stablemint_tests::generate().surface);
}
