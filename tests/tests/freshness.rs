//! The committed generated files must be exactly what the spec generates now.

use stablemint_tests::{generate, workspace_root};

/// Fails with a diff and the command that fixes it when `relative` differs from `generated`.
fn assert_fresh(relative: &str, generated: &str) {
    let path = workspace_root().join(relative);
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}; run `cargo xtask gen`", path.display()));
    let diff = stablemint_codegen::unified_diff(relative, &committed, generated);
    assert!(
        diff.is_empty(),
        "{relative} is out of date with openapi/stablemint.yaml.\n\
         Run `cargo xtask gen` and commit the result. The difference:\n{diff}"
    );
}

#[test]
fn generated_client_is_fresh() {
    assert_fresh("crates/stablemint-raw/src/generated.rs", &generate().client);
}

#[test]
fn generated_operations_are_fresh() {
    assert_fresh(
        "crates/stablemint/src/operations.rs",
        &generate().operations,
    );
}

#[test]
fn generation_is_byte_identical_across_runs() {
    let first = generate();
    for _ in 0..3 {
        assert_eq!(generate(), first);
    }
}
