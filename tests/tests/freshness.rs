//! The committed generated client must be exactly what the spec generates now.

use stablemint_tests::{generate, generated_path};

#[test]
fn generated_client_is_fresh() {
    let path = generated_path();
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}; run `cargo xtask gen`", path.display()));
    let generated = generate().client;
    let diff = stablemint_codegen::unified_diff("generated.rs", &committed, &generated);
    assert!(
        diff.is_empty(),
        "{} is out of date with openapi/stablemint.yaml.\n\
         Run `cargo xtask gen` and commit the result. The difference:\n{diff}",
        path.display()
    );
}

#[test]
fn generation_is_byte_identical_across_runs() {
    let first = generate();
    for _ in 0..3 {
        assert_eq!(generate(), first);
    }
}
