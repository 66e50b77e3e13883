//! `cargo xtask diff` as a user runs it: exit codes, the formats, a base from a file
//! or from git, accepted changes, unreadable input; and the summary line of
//! `cargo xtask gen`.

mod common;

use std::path::Path;
use std::process::Output;

use common::*;
use serde_json::{Value, json};

fn breaking() -> String {
    edited(add_merchant_id)
}

fn harmless() -> String {
    edited(edit_description)
}

/// [`breaking`] on top of the description edit committed in [`repository`].
fn breaking_since_head() -> String {
    edited(|d| {
        edit_description(d);
        add_merchant_id(d);
    })
}

/// A top-level key the classifier does not know: possibly breaking.
fn unknown() -> String {
    edited(|d| d["x-internal"] = json!(true))
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

fn json_of(run: &Output) -> Value {
    serde_json::from_slice(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", text(&run.stdout), text(&run.stderr)))
}

/// The 1-based line of `key:` under `parent:` in a YAML text, found without the
/// locator under test.
fn line_of(yaml: &str, parent: &str, key: &str) -> usize {
    let lines: Vec<&str> = yaml.lines().collect();
    let start = lines.iter().position(|l| l.trim() == parent).unwrap();
    start
        + 1
        + lines[start..]
            .iter()
            .position(|l| l.trim_start().starts_with(key))
            .unwrap()
}

#[test]
fn exit_codes_follow_fail_on() {
    let head = breaking();
    let dir = pair(&head);
    let run = diff(dir.path(), &[]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let stdout = text(&run.stdout);
    assert!(
        stdout.starts_with("Changes from base.yaml to head.yaml\n\nBreaking (1):\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  - new-required-request-property at POST /session/embedded ["),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "\n    head.yaml:{} {REQUEST}/properties/merchantId\n",
            line_of(&head, "EmbeddedSessionRequest:", "merchantId:")
        )),
        "{stdout}"
    );
    assert!(stdout.ends_with("\n1 change: 1 breaking\n"), "{stdout}");
    let code = |dir: &tempfile::TempDir, extra: &[&str]| diff(dir.path(), extra).status.code();
    assert_eq!(code(&dir, &["--fail-on", "breaking"]), Some(1));
    assert_eq!(code(&dir, &["--fail-on", "possibly-breaking"]), Some(1));

    let dir = pair(&unknown());
    assert_eq!(code(&dir, &["--fail-on", "breaking"]), Some(0));
    assert_eq!(code(&dir, &["--fail-on", "possibly-breaking"]), Some(1));

    let dir = pair(&harmless());
    assert_eq!(code(&dir, &["--fail-on", "possibly-breaking"]), Some(0));

    let dir = pair(SPEC);
    let run = diff(dir.path(), &["--fail-on", "possibly-breaking"]);
    assert_eq!(run.status.code(), Some(0));
    assert!(text(&run.stdout).ends_with("\nno changes\n"));
    assert_eq!(
        code(&dir, &["--fail-on", "sometimes"]),
        Some(2),
        "a usage error"
    );
}

#[test]
fn json_shape() {
    let head = breaking();
    let dir = pair(&head);
    let run = diff(dir.path(), &["--format", "json"]);
    assert_eq!(run.status.code(), Some(0));
    let json = json_of(&run);
    let fingerprint = json["changes"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(fingerprint.len(), 12);
    assert_eq!(
        json,
        json!({"changes": [{
            "id": "new-required-request-property",
            "level": "breaking",
            "fingerprint": fingerprint,
            "location": {
                "operation": "POST /session/embedded",
                "pointer": "/components/schemas/EmbeddedSessionRequest/properties/merchantId",
                "file": "head.yaml",
                "revision": null,
                "line": line_of(&head, "EmbeddedSessionRequest:", "merchantId:"),
            },
            "message": "required request property `merchantId` added",
            "accepted": null,
        }], "stale": []})
    );
    let dir = pair(SPEC);
    let json = json_of(&diff(dir.path(), &["--format", "json"]));
    assert_eq!(json, json!({"changes": [], "stale": []}));
}

#[test]
fn markdown_and_github_formats() {
    let head = breaking();
    let dir = pair(&head);
    let line = line_of(&head, "EmbeddedSessionRequest:", "merchantId:");
    let run = diff(dir.path(), &["--format", "markdown"]);
    assert_eq!(run.status.code(), Some(0));
    let markdown = text(&run.stdout);
    assert!(
        markdown.starts_with(
            "### API changes\n\nFrom `base.yaml` to `head.yaml`: 1 change: 1 breaking.\n\n\
             #### Breaking (1)\n\n- `new-required-request-property` at `POST /session/embedded`: \
             required request property `merchantId` added  \n"
        ),
        "{markdown}"
    );
    assert!(
        markdown.contains(&format!("`head.yaml:{line}`")),
        "{markdown}"
    );

    let run = diff(dir.path(), &["--format", "github", "--fail-on", "breaking"]);
    assert_eq!(run.status.code(), Some(1));
    let github = text(&run.stdout);
    assert!(
        github.starts_with(&format!(
            "::error file=head.yaml,line={line},title=new-required-request-property::breaking \
             at POST /session/embedded: required request property `merchantId` added ("
        )),
        "{github}"
    );
    assert!(github.ends_with("\n1 change: 1 breaking\n"), "{github}");
}

#[test]
fn missing_file_and_yaml_error_exit_2() {
    let broken = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: [\n  a: 1\n";
    let dir = pair(broken);
    let run = diff(dir.path(), &[]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = text(&run.stderr);
    assert!(
        stderr.starts_with("error: head.yaml: not valid YAML: "),
        "{stderr}"
    );
    // The parser names the line where it gave up and the line of the unclosed `[`.
    assert!(
        stderr.contains("at line 5 column 1, while parsing a flow sequence at line 3 column 8"),
        "names the lines: {stderr}"
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

#[test]
fn accepted_changes_from_the_file_beside_the_spec() {
    let dir = pair(&breaking());
    let fingerprint =
        json_of(&diff(dir.path(), &["--format", "json"]))["changes"][0]["fingerprint"]
            .as_str()
            .unwrap()
            .to_owned();
    let entry = format!(
        "# Read and accepted.\naccepted:\n  - fingerprint: {fingerprint}\n    id: new-required-request-property\n    reason: StableMint requires it from May.\n    date: 2026-03-02\n"
    );
    std::fs::write(dir.path().join("accepted-changes.yaml"), &entry).unwrap();
    let run = diff(dir.path(), &["--fail-on", "breaking"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stdout));
    let stdout = text(&run.stdout);
    assert!(
        stdout.contains("\n    accepted 2026-03-02 (line 3): StableMint requires it from May.\n"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("\n1 change: 1 breaking (1 accepted)\n"),
        "{stdout}"
    );
    let json = json_of(&diff(dir.path(), &["--format", "json"]));
    assert_eq!(
        json["changes"][0]["accepted"]["reason"],
        "StableMint requires it from May."
    );

    // Against a spec without the change, the entry is stale, and --fail-on fails.
    std::fs::write(dir.path().join("head.yaml"), SPEC).unwrap();
    let run = diff(dir.path(), &[]);
    assert_eq!(run.status.code(), Some(0));
    let stdout = text(&run.stdout);
    assert!(
        stdout.contains(&format!(
            "Stale accepted entries (1): they match no change; remove them:\n  - {fingerprint} \
             new-required-request-property (accepted-changes.yaml:3)\n"
        )),
        "{stdout}"
    );
    assert_eq!(
        diff(dir.path(), &["--fail-on", "breaking"]).status.code(),
        Some(1)
    );
    // A gate on every commit sees changes accepted earlier as stale: reported, not failed.
    let run = diff(dir.path(), &["--fail-on", "breaking", "--ignore-stale"]);
    assert_eq!(run.status.code(), Some(0));
    assert!(text(&run.stdout).contains("Stale accepted entries (1)"));

    // Another file, named.
    std::fs::write(dir.path().join("other.yaml"), "accepted: []\n").unwrap();
    assert_eq!(
        diff(
            dir.path(),
            &["--accepted", "other.yaml", "--fail-on", "breaking"]
        )
        .status
        .code(),
        Some(0)
    );
}

#[test]
fn a_broken_or_missing_accepted_file_exits_2() {
    let dir = pair(&breaking());
    std::fs::write(
        dir.path().join("accepted-changes.yaml"),
        "accepted:\n  - fingerprint: 0123456789ab\n    id: new-required-request-property\n    reson: typo\n    date: 2026-03-02\n",
    )
    .unwrap();
    let run = diff(dir.path(), &[]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = text(&run.stderr);
    assert!(
        stderr.starts_with("error: accepted-changes.yaml:4: accepted[0]: unknown field `reson`"),
        "{stderr}"
    );
    assert!(stderr.contains("each entry needs `fingerprint`, `id`, `reason` and `date`"));
    assert!(text(&run.stdout).is_empty());

    let run = diff(dir.path(), &["--accepted", "nowhere.yaml"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        text(&run.stderr).starts_with("error: nowhere.yaml: cannot read the file: "),
        "{}",
        text(&run.stderr)
    );
}

/// A git repository with the real spec committed as openapi/stablemint.yaml, then a
/// description edit, so HEAD~1 and HEAD differ.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    std::fs::create_dir(dir.path().join("openapi")).unwrap();
    std::fs::write(dir.path().join("openapi/stablemint.yaml"), SPEC).unwrap();
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "spec"]);
    std::fs::write(dir.path().join("openapi/stablemint.yaml"), harmless()).unwrap();
    git(dir.path(), &["commit", "-q", "-am", "docs"]);
    dir
}

fn ids(json: &Value) -> Vec<&str> {
    json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect()
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
    assert_eq!(ids(&json_of(&run)), ["new-required-request-property"]);

    // HEAD~1 lacks the description edit too, and is named in every location.
    let run = xtask(
        repo.path(),
        &[
            "diff", "--spec", spec, "--base", "HEAD~1", "--format", "json",
        ],
    );
    let json = json_of(&run);
    assert_eq!(
        ids(&json),
        ["new-required-request-property", "description-changed"]
    );
    assert_eq!(json["changes"][1]["location"]["file"], spec);
    assert_eq!(json["changes"][1]["location"]["revision"], Value::Null);

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
        stderr.starts_with("error: --base `no-such-rev` is not a commit of this repository"),
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
