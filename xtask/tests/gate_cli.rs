//! The review gate fails closed: `--base` must name a commit (or a file), and
//! `--since-release` finds the last release, or where the branch left main before the
//! first one. Run on temporary git repositories.

mod common;

use std::path::Path;
use std::process::Output;

use common::*;

fn write(root: &Path, path: &str, contents: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

/// A repository on `main` with the real spec committed, and no tag.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    write(root, "openapi/stablemint.yaml", SPEC);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "spec"]);
    dir
}

fn diff(root: &Path, args: &[&str]) -> Output {
    let spec = root.join("openapi/stablemint.yaml");
    let mut all = vec!["diff", "--spec", spec.to_str().unwrap()];
    all.extend_from_slice(args);
    xtask(root, &all)
}

#[test]
fn a_base_that_names_no_commit_is_an_error_never_a_pass() {
    let repo = repository();
    let root = repo.path();
    // The breaking change staged: git would read `""` as the index, which has it, and
    // report no change.
    write(root, "openapi/stablemint.yaml", &edited(add_merchant_id));
    git(root, &["add", "openapi/stablemint.yaml"]);
    for base in [
        "",
        " ",
        ":openapi/stablemint.yaml",
        ":0:openapi/stablemint.yaml",
    ] {
        let run = diff(root, &["--base", base, "--fail-on", "breaking"]);
        assert_eq!(
            run.status.code(),
            Some(2),
            "{base:?}: {}",
            text(&run.stdout)
        );
        let stderr = text(&run.stderr);
        assert!(stderr.contains("names no commit"), "{base:?}: {stderr}");
        assert!(run.stdout.is_empty(), "{base:?}");
    }
    for base in ["v0.1.0", "no-such-branch", "HEAD~5"] {
        let run = diff(root, &["--base", base, "--fail-on", "breaking"]);
        assert_eq!(run.status.code(), Some(2), "{base}");
        let stderr = text(&run.stderr);
        assert!(
            stderr.contains(&format!(
                "--base `{base}` is not a commit of this repository"
            )),
            "{stderr}"
        );
    }
    // A commit that is one: the change is found.
    let run = diff(root, &["--base", "HEAD", "--fail-on", "breaking"]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    assert!(text(&run.stdout).contains("new-required-request-property"));
}

#[test]
fn since_release_takes_the_merge_base_then_the_last_release_tag() {
    let repo = repository();
    let root = repo.path();
    git(root, &["checkout", "-q", "-b", "feature"]);
    write(root, "openapi/stablemint.yaml", &edited(add_merchant_id));
    git(root, &["commit", "-q", "-am", "breaking"]);
    // Before any release: where `feature` left `main`.
    let run = diff(root, &["--since-release", "--fail-on", "breaking"]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    let stdout = text(&run.stdout);
    assert!(stdout.contains("new-required-request-property"), "{stdout}");
    assert!(
        stdout.starts_with("Changes from openapi/stablemint.yaml at "),
        "{stdout}"
    );

    // Once `main` is released, its tag is the base, wherever the branch left it.
    git(root, &["tag", "v0.1.0", "main"]);
    let run = diff(root, &["--since-release"]);
    assert_eq!(run.status.code(), Some(0));
    let stdout = text(&run.stdout);
    assert!(
        stdout.starts_with("Changes from openapi/stablemint.yaml at v0.1.0 to "),
        "{stdout}"
    );
    assert!(stdout.contains("new-required-request-property"), "{stdout}");

    // A release that includes the change leaves nothing to report.
    git(root, &["tag", "v0.2.0"]);
    let run = diff(root, &["--since-release", "--fail-on", "breaking"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stdout));
    assert!(!text(&run.stdout).contains("new-required-request-property"));

    // Not both.
    let run = diff(root, &["--since-release", "--base", "HEAD"]);
    assert_eq!(run.status.code(), Some(2));
}

#[test]
fn since_release_without_main_or_a_tag_says_what_to_pass() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "trunk"]);
    write(root, "openapi/stablemint.yaml", SPEC);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "spec"]);
    let run = diff(root, &["--since-release"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        text(&run.stderr).contains("pass `--base REV`"),
        "{}",
        text(&run.stderr)
    );
}
