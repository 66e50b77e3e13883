//! Every shape of operation the generator binds reaches users through
//! `stablemint::Client`, and the mock serves it, with no handwritten line.
//!
//! A copy of the repository gets the operations of `tests/fixtures/every-shape.yaml` (a
//! `GET` signed over its path parameter, a list with required and optional query
//! parameters answering an array, a `PUT` with a body and an idempotency key, a `PATCH`
//! with a body and none, a `DELETE` answering 204, a `POST` answering 201 with declared
//! error schemas, and an operation without authentication),
//! is generated anew, and `tests/downstream/every_shape` calls each operation against
//! the mock built from that copy; its assertions are in its `main.rs`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use stablemint_tests::downstream::{
    add_every_shape, cargo, copy_repository_to, downstream, downstream_crate, files, generate,
};
use stablemint_tests::workspace_root;

/// The copy with the every-shape operations, made afresh once per run of these tests
/// and shared by them, in `target/every-shape-tests`.
fn every_shape_copy() -> &'static Path {
    static COPY: OnceLock<PathBuf> = OnceLock::new();
    COPY.get_or_init(|| {
        let root = workspace_root().join("target/every-shape-tests");
        if root.exists() {
            std::fs::remove_dir_all(&root).unwrap();
        }
        copy_repository_to(&root);
        add_every_shape(&root);
        generate(&root);
        root
    })
}

#[test]
fn every_operation_shape_is_bound_and_served_with_no_handwritten_line() {
    let root = every_shape_copy();

    // Only the spec and files with the generated header changed.
    let before = files(workspace_root());
    let after = files(root);
    assert_eq!(after.len(), before.len(), "files were added or removed");
    let mut changed = Vec::new();
    for (path, contents) in &after {
        let original = before.iter().find(|(p, _)| p == path).map(|(_, c)| c);
        if original != Some(contents) {
            let generated = contents.starts_with(stablemint_codegen::HEADER.as_bytes());
            assert!(
                generated || path == Path::new("openapi/stablemint.yaml"),
                "{} changed but is neither the spec nor generated",
                path.display()
            );
            changed.push(path.clone());
        }
    }
    changed.sort();
    assert_eq!(
        changed,
        [
            PathBuf::from("crates/stablemint/src/operations.rs"),
            PathBuf::from("crates/stablemint-raw/src/generated.rs"),
            PathBuf::from("openapi/stablemint.yaml"),
        ]
    );

    let output = downstream("every_shape", root, Some(&[]));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the downstream crate failed:\n{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout.trim(),
        "operations=8 get_attempts=2 refunds=1 deleted=1"
    );
}

/// `tests/downstream/inputs`: every path and header parameter of the every-shape
/// operations, as arbitrary text (and the values found by hand), reaches its declared
/// place unchanged or is refused before anything is sent; its tests say how.
#[test]
fn every_parameter_value_reaches_its_place_or_is_refused() {
    let root = every_shape_copy();
    let dir = tempfile::tempdir().unwrap();
    let manifest = downstream_crate("inputs", root, dir.path());
    let output = cargo(&["test", "--quiet"], &manifest, &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the property tests failed:\n{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("test result: ok. 10 passed; 0 failed"),
        "{stdout}"
    );
}

/// `tests/downstream/kit`: a shop's axum service tested with the test kit alone (one
/// dev-dependency line): a session created, an invalid request that sends nothing, a
/// 503 retried with one key and no real wait, a conflict and a declared refusal told
/// apart, an unmet expectation that lists what was received.
#[test]
fn a_service_is_tested_with_the_kit_alone() {
    let root = every_shape_copy();
    let dir = tempfile::tempdir().unwrap();
    let manifest = downstream_crate("kit", root, dir.path());
    let output = cargo(&["test", "--quiet"], &manifest, &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the service's tests failed:\n{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("test result: ok. 5 passed; 0 failed"),
        "{stdout}"
    );
}

/// `tests/downstream/telemetry`: every every-shape operation through success, a
/// validation failure, a 401, a 409, a 503 then a 200 and a timeout, watched by a
/// TRACE-level log and an OpenTelemetry SDK with in-memory exporters: no secret,
/// signature, e-mail or request value in any span, event, attribute, metric or log
/// line, and every conventional attribute under its name and with its type. Its
/// assertions are in its `main.rs`.
#[test]
fn telemetry_holds_no_secret_or_personal_data_and_speaks_the_conventions() {
    let root = every_shape_copy();
    let output = downstream("telemetry", root, Some(&[]));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the telemetry check failed:\n{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.starts_with("operations=8 scenarios=47 attempts="),
        "{stdout}"
    );
}
