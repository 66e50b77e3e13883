//! `cargo xtask diff` as a user runs it: exit codes, the JSON shape, a base from a file
//! or from git, unreadable input; and the summary line of `cargo xtask gen`.

use std::path::Path;
use std::process::{Command, Output};

const SPEC: &str = include_str!("../../openapi/stablemint.yaml");

fn edit(from: &str, to: &str) -> String {
    assert_eq!(SPEC.matches(from).count(), 1, "{from:?} is not unique");
    SPEC.replace(from, to)
}

/// A new required request property: one breaking change.
fn breaking() -> String {
    edit(
        "        - currency\n      properties:\n",
        "        - currency\n        - merchantId\n      properties:\n        merchantId:\n          \
         type: string\n",
    )
}

/// [`breaking`] on top of the description edit committed in [`repository`].
fn breaking_since_head() -> String {
    breaking().replace(
        "Reference returned in notifications.",
        "Reference echoed in webhooks.",
    )
}

/// A description edit: one non-breaking change.
fn harmless() -> String {
    edit(
        "Reference returned in notifications.",
        "Reference echoed in webhooks.",
    )
}

/// `nullable` on a property, which the classifier does not know: possibly breaking.
fn unknown() -> String {
    edit(
        "        websiteReference:\n          type: string\n",
        "        websiteReference:\n          type: string\n          nullable: true\n",
    )
}

fn xtask(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// A directory with `base.yaml` (the real spec) and `head.yaml`.
fn pair(head: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("base.yaml"), SPEC).unwrap();
    std::fs::write(dir.path().join("head.yaml"), head).unwrap();
    dir
}

fn diff(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["diff", "--base", "base.yaml", "--spec", "head.yaml"];
    args.extend_from_slice(extra);
    xtask(dir, &args)
}

#[test]
fn exit_codes_follow_fail_on() {
    let dir = pair(&breaking());
    let run = diff(dir.path(), &[]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let stdout = text(&run.stdout);
    assert!(
        stdout.starts_with("Changes from base.yaml to head.yaml\n\nBreaking (1):\n"),
        "{stdout}"
    );
    assert!(stdout.contains("  - new-required-request-property at POST /session/embedded\n"));
    assert!(stdout.ends_with("\n1 change: 1 breaking\n"), "{stdout}");
    assert_eq!(
        diff(dir.path(), &["--fail-on", "breaking"]).status.code(),
        Some(1)
    );
    assert_eq!(
        diff(dir.path(), &["--fail-on", "possibly-breaking"])
            .status
            .code(),
        Some(1)
    );

    let dir = pair(&unknown());
    assert_eq!(
        diff(dir.path(), &["--fail-on", "breaking"]).status.code(),
        Some(0)
    );
    assert_eq!(
        diff(dir.path(), &["--fail-on", "possibly-breaking"])
            .status
            .code(),
        Some(1)
    );

    let dir = pair(&harmless());
    assert_eq!(
        diff(dir.path(), &["--fail-on", "possibly-breaking"])
            .status
            .code(),
        Some(0)
    );

    let dir = pair(SPEC);
    let run = diff(dir.path(), &["--fail-on", "possibly-breaking"]);
    assert_eq!(run.status.code(), Some(0));
    assert!(text(&run.stdout).ends_with("\nno changes\n"));

    let run = diff(dir.path(), &["--fail-on", "sometimes"]);
    assert_eq!(run.status.code(), Some(2), "a usage error");
}

#[test]
fn json_shape() {
    let dir = pair(&breaking());
    let run = diff(dir.path(), &["--format", "json"]);
    assert_eq!(run.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"changes": [{
            "id": "new-required-request-property",
            "level": "breaking",
            "location": {
                "operation": "POST /session/embedded",
                "pointer": "/components/schemas/EmbeddedSessionRequest/properties/merchantId",
            },
            "message": "required request property `merchantId` added",
        }]})
    );
    let dir = pair(SPEC);
    let json: serde_json::Value =
        serde_json::from_slice(&diff(dir.path(), &["--format", "json"]).stdout).unwrap();
    assert_eq!(json, serde_json::json!({"changes": []}));
}

#[test]
fn missing_file_and_yaml_error_exit_2() {
    let dir = pair(&edit("paths:\n", "paths: [\n"));
    let run = diff(dir.path(), &[]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = text(&run.stderr);
    let line = SPEC.lines().position(|l| l == "paths:").unwrap() + 1;
    assert!(
        stderr.starts_with("error: head.yaml: not valid YAML: "),
        "{stderr}"
    );
    // The parser stops two lines below the unclosed `[`, at the next mapping key.
    assert!(
        stderr.contains(&format!("at line {} column 9", line + 2)),
        "names the line: {stderr}"
    );
    assert!(text(&run.stdout).is_empty());

    let run = xtask(
        dir.path(),
        &["diff", "--base", "base.yaml", "--spec", "missing.yaml"],
    );
    assert_eq!(run.status.code(), Some(2));
    assert!(
        text(&run.stderr).contains("missing.yaml: cannot read the file"),
        "{}",
        text(&run.stderr)
    );

    // A base that is neither a file nor a revision.
    let run = xtask(
        dir.path(),
        &["diff", "--base", "missing.yaml", "--spec", "base.yaml"],
    );
    assert_eq!(run.status.code(), Some(2));
}

/// A git repository with the real spec committed as openapi/stablemint.yaml.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .current_dir(dir.path())
            .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "git {args:?}: {}",
            text(&status.stderr)
        );
    };
    git(&["init", "-q"]);
    std::fs::create_dir(dir.path().join("openapi")).unwrap();
    std::fs::write(dir.path().join("openapi/stablemint.yaml"), SPEC).unwrap();
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "spec"]);
    // A second commit with a description edit, so HEAD~1 and HEAD differ.
    std::fs::write(dir.path().join("openapi/stablemint.yaml"), harmless()).unwrap();
    git(&["commit", "-q", "-am", "docs"]);
    dir
}

#[test]
fn base_from_a_git_revision() {
    let repo = repository();
    let spec = repo.path().join("openapi/stablemint.yaml");
    std::fs::write(&spec, breaking_since_head()).unwrap();
    let spec = spec.to_str().unwrap();

    // The default base is HEAD: only the new property.
    let run = xtask(repo.path(), &["diff", "--spec", spec, "--format", "json"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let ids: Vec<&str> = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["new-required-request-property"]);

    // HEAD~1 lacks the description edit too.
    let run = xtask(
        repo.path(),
        &[
            "diff", "--spec", spec, "--base", "HEAD~1", "--format", "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let ids: Vec<&str> = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["new-required-request-property", "description-changed"]
    );

    // The text report names the base.
    let run = xtask(repo.path(), &["diff", "--spec", spec, "--base", "HEAD~1"]);
    assert!(text(&run.stdout).starts_with("Changes from openapi/stablemint.yaml at HEAD~1 to "));

    // An unknown revision.
    let run = xtask(
        repo.path(),
        &["diff", "--spec", spec, "--base", "no-such-rev"],
    );
    assert_eq!(run.status.code(), Some(2));
    let stderr = text(&run.stderr);
    assert!(
        stderr.starts_with("error: openapi/stablemint.yaml at no-such-rev: "),
        "{stderr}"
    );
}

#[test]
fn gen_prints_a_summary_against_head() {
    let repo = repository();
    let spec = repo.path().join("openapi/stablemint.yaml");
    let out = repo.path().join("generated.rs");
    let gen_run = |spec: &Path| {
        let run = xtask(
            repo.path(),
            &[
                "gen",
                "--spec",
                spec.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(run.status.success(), "{}", text(&run.stderr));
        text(&run.stdout)
    };
    // Unchanged since HEAD: no summary.
    assert!(!gen_run(&spec).contains("since HEAD"));

    std::fs::write(&spec, breaking_since_head()).unwrap();
    let stdout = gen_run(&spec);
    assert!(
        stdout.contains(
            "\n1 change since HEAD: 1 breaking (new-required-request-property at POST \
             /session/embedded /components/schemas/EmbeddedSessionRequest/properties/merchantId)\n"
        ),
        "{stdout}"
    );

    // Another file than the project's spec: no summary.
    let other = repo.path().join("other.yaml");
    std::fs::write(&other, breaking()).unwrap();
    assert!(!gen_run(&other).contains("since HEAD"));
}
