//! `cargo xtask diff --check-versions` on temporary git repositories: a workspace with
//! `stablemint-raw` and `stablemint` at a released version, and the spec edited since.

mod common;

use std::path::Path;
use std::process::Output;

use common::*;
use serde_json::{Value, json};

const WORKSPACE: &str = "[workspace]\nmembers = [\"crates/*\"]\n\n[workspace.package]\nedition = \"2024\"\nversion = \"0.1.0\"\n";

fn manifest(name: &str, version: &str) -> String {
    format!("[package]\nname = \"{name}\"\n{version}\n")
}

const INHERITED: &str = "version.workspace = true";

/// A repository with the workspace at 0.1.0, both crates inheriting it, and the real
/// spec, committed and tagged `v0.1.0`.
fn released() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, "Cargo.toml", WORKSPACE);
    write(
        root,
        "crates/stablemint-raw/Cargo.toml",
        &manifest("stablemint-raw", INHERITED),
    );
    write(
        root,
        "crates/stablemint/Cargo.toml",
        &manifest("stablemint", INHERITED),
    );
    write(root, "openapi/stablemint.yaml", SPEC);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "0.1.0"]);
    git(root, &["tag", "v0.1.0"]);
    dir
}

fn write(root: &Path, path: &str, contents: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

/// Sets the workspace version in the working tree.
fn bump_workspace(root: &Path, version: &str) {
    write(root, "Cargo.toml", &WORKSPACE.replace("0.1.0", version));
}

fn edit_spec(root: &Path, edit: impl FnOnce(&mut Value)) {
    let mut doc: Value = serde_yaml::from_str(SPEC).unwrap();
    edit(&mut doc);
    write(
        root,
        "openapi/stablemint.yaml",
        &serde_yaml::to_string(&doc).unwrap(),
    );
}

/// `cargo xtask diff --check-versions` against v0.1.0.
fn check(root: &Path, extra: &[&str]) -> Output {
    check_against(root, "v0.1.0", extra)
}

fn check_against(root: &Path, base: &str, extra: &[&str]) -> Output {
    let spec = root.join("openapi/stablemint.yaml");
    let mut args = vec![
        "diff",
        "--spec",
        spec.to_str().unwrap(),
        "--base",
        base,
        "--check-versions",
    ];
    args.extend_from_slice(extra);
    xtask(root, &args)
}

/// The lines of the verdict at the end of the text report.
fn verdict(run: &Output) -> Vec<String> {
    let stdout = text(&run.stdout);
    let start = stdout
        .find("Versions since v0.1.0:\n")
        .unwrap_or_else(|| panic!("no verdict: {stdout}{}", text(&run.stderr)));
    stdout[start..].lines().map(str::to_owned).collect()
}

#[test]
fn no_spec_change_needs_no_bump() {
    let repo = released();
    let run = check(repo.path(), &[]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert_eq!(
        verdict(&run),
        [
            "Versions since v0.1.0:",
            "  stablemint-raw 0.1.0 -> 0.1.0: ok, no spec change",
            "  stablemint 0.1.0 -> 0.1.0: ok, no spec change",
        ]
    );
}

#[test]
fn a_non_breaking_change_needs_a_patch() {
    let repo = released();
    edit_spec(repo.path(), edit_description);
    let run = check(repo.path(), &[]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        verdict(&run),
        [
            "Versions since v0.1.0:",
            "  stablemint-raw 0.1.0 -> 0.1.0: too low; needs 0.1.1 or later, a patch version for description-changed",
            "  stablemint 0.1.0 -> 0.1.0: too low; needs 0.1.1 or later, a patch version for description-changed",
        ]
    );
    bump_workspace(repo.path(), "0.1.1");
    assert_eq!(check(repo.path(), &[]).status.code(), Some(0));
}

#[test]
fn a_breaking_change_needs_the_minor_version_at_0x() {
    let repo = released();
    edit_spec(repo.path(), |d| {
        edit_description(d);
        add_merchant_id(d);
    });
    bump_workspace(repo.path(), "0.1.1");
    let run = check(repo.path(), &[]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        verdict(&run)[1],
        "  stablemint-raw 0.1.0 -> 0.1.1: too low; needs 0.2.0 or later, a semver-incompatible \
         version for new-required-request-property at POST /session/embedded"
    );
    // Accepting it changes nothing: a breaking change is one whatever a maintainer says.
    let fingerprint = {
        let json: Value =
            serde_json::from_slice(&check(repo.path(), &["--format", "json"]).stdout).unwrap();
        json["changes"][0]["fingerprint"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    write(
        repo.path(),
        "openapi/accepted-changes.yaml",
        &format!(
            "accepted:\n  - {{fingerprint: {fingerprint}, id: new-required-request-property, reason: Planned., date: 2026-03-02}}\n"
        ),
    );
    assert_eq!(check(repo.path(), &[]).status.code(), Some(1));

    bump_workspace(repo.path(), "0.2.0");
    let run = check(repo.path(), &["--format", "json"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stdout));
    let json: Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(
        json["versions"],
        json!({
            "since": "v0.1.0",
            "ok": true,
            "crates": [
                {"name": "stablemint-raw", "before": "0.1.0", "after": "0.2.0", "file": "Cargo.toml", "line": 6, "needs": "incompatible", "minimum": "0.2.0", "because": "new-required-request-property at POST /session/embedded", "ok": true},
                {"name": "stablemint", "before": "0.1.0", "after": "0.2.0", "file": "Cargo.toml", "line": 6, "needs": "incompatible", "minimum": "0.2.0", "because": "new-required-request-property at POST /session/embedded", "ok": true},
            ],
            "leftBehind": [],
        })
    );
}

#[test]
fn a_new_optional_parameter_needs_a_new_minor_of_stablemint_raw_alone() {
    let repo = released();
    edit_spec(repo.path(), |d| {
        let parameters = d
            .pointer_mut("/paths/~1session~1embedded/post/parameters")
            .unwrap()
            .as_array_mut()
            .unwrap();
        parameters.push(json!({"name": "locale", "in": "query", "schema": {"type": "string"}}));
    });
    // Each crate with a version of its own.
    write(
        repo.path(),
        "crates/stablemint-raw/Cargo.toml",
        &manifest("stablemint-raw", "version = \"0.1.1\""),
    );
    write(
        repo.path(),
        "crates/stablemint/Cargo.toml",
        &manifest("stablemint", "version = \"0.1.1\""),
    );
    let run = check(repo.path(), &["--format", "github"]);
    assert_eq!(run.status.code(), Some(1));
    let github = text(&run.stdout);
    let errors: Vec<&str> = github
        .lines()
        .filter(|l| l.starts_with("::error"))
        .collect();
    assert_eq!(
        errors,
        [
            "::error file=crates/stablemint-raw/Cargo.toml,line=3,title=version bump needed::stablemint-raw 0.1.0 -> 0.1.1: too low; needs 0.2.0 or later, a semver-incompatible version for new-optional-request-parameter at POST /session/embedded"
        ]
    );
    assert!(github.starts_with("::notice file="), "{github}");

    write(
        repo.path(),
        "crates/stablemint-raw/Cargo.toml",
        &manifest("stablemint-raw", "version = \"0.2.0\""),
    );
    let run = check(repo.path(), &[]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stdout));
    assert_eq!(
        verdict(&run)[2],
        "  stablemint 0.1.0 -> 0.1.1: ok; needs 0.1.1 or later, a patch version for \
         new-optional-request-parameter at POST /session/embedded"
    );
}

#[test]
fn what_cannot_be_checked_exits_2() {
    let repo = released();
    let root = repo.path();
    let stderr = |run: Output| {
        assert_eq!(run.status.code(), Some(2), "{}", text(&run.stdout));
        text(&run.stderr)
    };
    // A file as the base: no revision to read the manifests from.
    let run = check_against(root, "openapi/stablemint.yaml", &[]);
    assert_eq!(
        stderr(run),
        "error: --check-versions compares the crate versions with a git revision; pass \
         `--base REV`, not a file\n"
    );

    let run = check_against(root, "v9.9.9", &[]);
    assert!(stderr(run).starts_with("error: --base `v9.9.9` is not a commit of this repository"));

    write(root, "crates/stablemint/Cargo.toml", "[package\n");
    let e = stderr(check(root, &[]));
    assert!(
        e.starts_with("error: crates/stablemint/Cargo.toml: not valid TOML: "),
        "{e}"
    );

    std::fs::remove_file(root.join("crates/stablemint/Cargo.toml")).unwrap();
    let e = stderr(check(root, &[]));
    assert!(
        e.starts_with("error: crates/stablemint/Cargo.toml: cannot read the file: "),
        "{e}"
    );

    git(root, &["rm", "-q", "crates/stablemint-raw/Cargo.toml"]);
    git(root, &["commit", "-q", "-m", "gone"]);
    git(root, &["tag", "gone"]);
    let run = check_against(root, "gone", &[]);
    let e = stderr(run);
    assert!(
        e.starts_with("error: crates/stablemint-raw/Cargo.toml at gone: "),
        "{e}"
    );
}

/// A workspace whose crates build: `stablemint` depends on `stablemint-raw` through
/// `[workspace.dependencies]`, with a version requirement, as in this repository.
fn buildable() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(
        root,
        "Cargo.toml",
        &format!(
            "{WORKSPACE}\n[workspace.dependencies]\n\
             stablemint-raw = {{ path = \"crates/stablemint-raw\", version = \"0.1.0\" }}\n"
        ),
    );
    write(
        root,
        "crates/stablemint-raw/Cargo.toml",
        &format!(
            "{}edition.workspace = true\n",
            manifest("stablemint-raw", INHERITED)
        ),
    );
    write(
        root,
        "crates/stablemint-raw/src/lib.rs",
        "pub fn raw() {}\n",
    );
    write(
        root,
        "crates/stablemint/Cargo.toml",
        &format!(
            "{}edition.workspace = true\n\n[dependencies]\nstablemint-raw.workspace = true\n",
            manifest("stablemint", INHERITED)
        ),
    );
    write(
        root,
        "crates/stablemint/src/lib.rs",
        "pub fn call() { stablemint_raw::raw() }\n",
    );
    write(root, "openapi/stablemint.yaml", SPEC);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "0.1.0"]);
    git(root, &["tag", "v0.1.0"]);
    dir
}

/// `cargo check` of the workspace, offline (it has no dependency outside itself).
fn cargo_check(root: &Path) -> Output {
    std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root)
        .args(["check", "--offline", "--quiet", "--workspace"])
        .env("CARGO_TARGET_DIR", root.join("target"))
        .output()
        .unwrap()
}

#[test]
fn a_bump_the_check_accepts_is_a_bump_cargo_builds() {
    let repo = buildable();
    let root = repo.path();
    edit_spec(root, add_merchant_id);
    assert_eq!(check(root, &[]).status.code(), Some(1));

    // Moving the package version alone passes for the crates, but leaves the
    // workspace's requirement behind: the check says so, and cargo cannot build it.
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    write(
        root,
        "Cargo.toml",
        &manifest.replacen("version = \"0.1.0\"", "version = \"0.2.0\"", 1),
    );
    let run = check(root, &[]);
    assert_eq!(run.status.code(), Some(1));
    let stdout = text(&run.stdout);
    assert!(
        stdout.contains(
            "  Cargo.toml:9: stablemint-raw = \"0.1.0\" does not accept 0.2.0, the version of \
             the crate it names, so cargo cannot resolve it; set it to \"0.2.0\" (`cargo xtask \
             bump` moves every one)"
        ),
        "{stdout}"
    );
    let built = cargo_check(root);
    assert!(!built.status.success());
    assert!(
        text(&built.stderr).contains("failed to select a version for the requirement"),
        "{}",
        text(&built.stderr)
    );

    // `cargo xtask bump minor` from the release moves both, and the lock file.
    write(root, "Cargo.toml", &manifest);
    let manifest_path = root.join("Cargo.toml");
    let manifest_arg = manifest_path.to_str().unwrap();
    let bumped = xtask(root, &["bump", "minor", "--manifest", manifest_arg]);
    assert_eq!(bumped.status.code(), Some(0), "{}", text(&bumped.stderr));
    assert_eq!(
        text(&bumped.stdout),
        "0.1.0 -> 0.2.0: Cargo.toml:6 (workspace.package.version) and 1 requirement on the \
         workspace's crates (stablemint-raw:9)\nCargo.lock updated\n"
    );
    let run = check(root, &[]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stdout));
    let built = cargo_check(root);
    assert!(built.status.success(), "{}", text(&built.stderr));
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap();
    assert!(
        lock.contains("name = \"stablemint-raw\"\nversion = \"0.2.0\""),
        "{lock}"
    );

    // Backwards is refused.
    let back = xtask(root, &["bump", "--to", "0.1.5", "--manifest", manifest_arg]);
    assert_eq!(back.status.code(), Some(1));
    assert!(text(&back.stderr).contains("0.1.5 is not after 0.2.0"));
}
