//! Helpers shared by the workspace-level tests in `tests/tests/`.
//!
//! The repository's README and the mock's README compile here as doctests, so their
//! examples cannot drift from the API (this crate is never published, so it may read
//! files outside its directory).

use std::path::{Path, PathBuf};

pub mod classifier_fuzz;
pub mod downstream;

/// The workspace root.
pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives one level below the workspace root")
}

/// What `cargo <args>` prints on stdout, run in the workspace root; panics with cargo's
/// stderr if it fails.
pub fn cargo_stdout(args: &[&str]) -> Vec<u8> {
    let output = std::process::Command::new(env!("CARGO"))
        .current_dir(workspace_root())
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo {}: {e}", args.join(" ")));
    assert!(
        output.status.success(),
        "cargo {} failed:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// The distinct `name vX.Y.Z` entries of `package`'s normal dependency tree, as
/// `cargo tree -p <package> -e normal` lists them with `extra` arguments (such as
/// `["-e", "build"]` or `["--features", "metrics"]`); the package itself included.
pub fn cargo_tree(package: &str, extra: &[&str]) -> std::collections::BTreeSet<String> {
    let mut args = vec!["tree", "-p", package, "-e", "normal", "--prefix", "none"];
    args.extend(["--format", "{p}"]);
    args.extend(extra);
    let output = cargo_stdout(&args);
    String::from_utf8(output)
        .expect("cargo tree writes UTF-8")
        .lines()
        .map(|line| {
            line.split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// `openapi/stablemint.yaml`.
pub fn spec_path() -> PathBuf {
    workspace_root().join("openapi/stablemint.yaml")
}

/// The committed generated client, `crates/stablemint-raw/src/generated.rs`.
pub fn generated_path() -> PathBuf {
    workspace_root().join("crates/stablemint-raw/src/generated.rs")
}

/// Generates from the committed spec, panicking with the generator's message on failure.
pub fn generate() -> stablemint_codegen::Output {
    stablemint_codegen::generate(&spec_path()).unwrap_or_else(|e| panic!("{e}"))
}

/// `tests/fixtures/full_request.json`: the workspace's one request with every field set,
/// shared by the wire snapshots, the end-to-end tests and the benches.
pub const FULL_REQUEST_JSON: &str = include_str!("../fixtures/full_request.json");

/// [`FULL_REQUEST_JSON`], deserialised.
pub fn full_request() -> stablemint_raw::types::EmbeddedSessionRequest {
    serde_json::from_str(FULL_REQUEST_JSON).expect("tests/fixtures/full_request.json parses")
}

/// The repository's README.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

/// The mock's README.
#[cfg(doctest)]
#[doc = include_str!("../../crates/stablemint-mock/README.md")]
struct MockReadmeDoctests;
