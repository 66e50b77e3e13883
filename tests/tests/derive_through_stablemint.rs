//! `#[derive(stablemint::Validate)]` works for a user's own type with only `stablemint`
//! in their Cargo.toml, through `#[validate(crate = "stablemint::validate")]`: the
//! downstream crate `tests/downstream/derive` is built against this repository.

use stablemint_tests::downstream::downstream;
use stablemint_tests::workspace_root;

#[test]
fn the_derive_needs_only_stablemint() {
    let output = downstream("derive", workspace_root(), Some(&[]));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stdout.trim(), "/contactEmail email, /deposit precision");
}
