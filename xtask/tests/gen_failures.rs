//! A broken spec gives one clear message naming the file and the problem, exits non-zero,
//! and leaves the output file untouched.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

const GOOD_SPEC: &str = include_str!("../../openapi/stablemint.yaml");
const EXISTING: &str = "// the committed file, which a failed run must not touch\n";

struct Run {
    code: Option<i32>,
    stderr: String,
    output_after: String,
}

/// Runs `xtask gen` on `spec_text` with a pre-existing output file.
fn gen_with(spec_text: &str, extra: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("broken.yaml");
    let out = dir.path().join("generated.rs");
    std::fs::write(&spec, spec_text).unwrap();
    std::fs::write(&out, EXISTING).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("gen")
        .arg("--spec")
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "broken.yaml" && n != "generated.rs")
        .collect();
    assert!(leftovers.is_empty(), "stray files: {leftovers:?}");
    Run {
        code: output.status.code(),
        stderr: String::from_utf8(output.stderr).unwrap(),
        output_after: std::fs::read_to_string(&out).unwrap(),
    }
}

fn assert_fails(spec_text: &str, problem: &str) {
    for extra in [&[][..], &["--check"][..]] {
        let run = gen_with(spec_text, extra);
        assert_eq!(run.code, Some(1), "{extra:?}: {}", run.stderr);
        assert_eq!(
            run.output_after, EXISTING,
            "{extra:?}: the output file was touched"
        );
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "{extra:?}: expected one line:\n{}",
            run.stderr
        );
        assert!(lines[0].starts_with("error: "), "{}", lines[0]);
        assert!(
            lines[0].contains("broken.yaml"),
            "names the file: {}",
            lines[0]
        );
        assert!(
            lines[0].contains(problem),
            "expected {problem:?} in: {}",
            lines[0]
        );
    }
}

/// The good spec with `edit` made on its parsed document, written back by serde_yaml:
/// the edit holds however the spec is formatted.
fn edited(edit: impl FnOnce(&mut Value)) -> String {
    let mut doc: Value = serde_yaml::from_str(GOOD_SPEC).unwrap();
    edit(&mut doc);
    serde_yaml::to_string(&doc).unwrap()
}

const OPERATION: &str = "/paths/~1session~1embedded/post";
const REQUEST: &str = "/components/schemas/EmbeddedSessionRequest/properties";

fn at<'v>(doc: &'v mut Value, pointer: &str) -> &'v mut Value {
    doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("the spec has no {pointer}"))
}

fn remove(doc: &mut Value, object: &str, key: &str) {
    at(doc, object).as_object_mut().unwrap().remove(key);
}

#[test]
fn yaml_syntax_error() {
    // A flow sequence left open at the end holds in any formatting.
    assert_fails(&format!("{GOOD_SPEC}\nbroken: [\n"), "not valid YAML");
}

#[test]
fn openapi_3_1_is_refused() {
    assert_fails(
        &edited(|d| d["openapi"] = json!("3.1.0")),
        "`openapi: 3.1.0` is not supported",
    );
}

#[test]
fn missing_operation_id() {
    assert_fails(
        &edited(|d| remove(d, OPERATION, "operationId")),
        "POST /session/embedded has no `operationId`",
    );
}

#[test]
fn unresolvable_ref() {
    assert_fails(
        &edited(|d| {
            *at(d, &format!("{REQUEST}/userKyc/$ref")) = json!("#/components/schemas/UserKYC")
        }),
        "unresolvable `$ref: #/components/schemas/UserKYC`",
    );
}

#[test]
fn unknown_format() {
    assert_fails(
        &edited(|d| *at(d, &format!("{REQUEST}/currency/format")) = json!("iso4217-currency")),
        "`format: iso4217-currency`, which the generator does not know",
    );
}

#[test]
fn missing_spec_file() {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["gen", "--check", "--spec", "/nonexistent/stablemint.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("/nonexistent/stablemint.yaml: cannot read the file"),
        "{stderr}"
    );
}

#[test]
fn good_spec_writes_then_checks_clean_then_detects_drift() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated.rs");
    let run = |spec: &Path, check: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
        command
            .arg("gen")
            .arg("--spec")
            .arg(spec)
            .arg("--out")
            .arg(&out);
        if check {
            command.arg("--check");
        }
        command.output().unwrap()
    };
    let spec = dir.path().join("stablemint.yaml");
    std::fs::write(&spec, GOOD_SPEC).unwrap();

    let first = run(&spec, false);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("wrote "));
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.starts_with(
        "// @generated by `cargo xtask gen` from openapi/stablemint.yaml. Do not edit.\n"
    ));

    let second = run(&spec, false);
    assert!(String::from_utf8_lossy(&second.stdout).contains("unchanged "));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), written);
    assert!(run(&spec, true).status.success());

    // Edit the spec without regenerating: --check fails with a diff naming the change.
    std::fs::write(
        &spec,
        edited(|d| {
            *at(d, &format!("{REQUEST}/websiteReference/description")) =
                json!("Reference echoed in webhooks.")
        }),
    )
    .unwrap();
    let stale = run(&spec, true);
    assert_eq!(stale.status.code(), Some(1));
    let stderr = String::from_utf8(stale.stderr).unwrap();
    assert!(
        stderr.contains("-        ///Reference returned in notifications."),
        "{stderr}"
    );
    assert!(
        stderr.contains("+        ///Reference echoed in webhooks."),
        "{stderr}"
    );
    assert!(stderr.contains("run `cargo xtask gen`"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        written,
        "--check wrote"
    );
}

#[test]
fn a_crlf_checkout_is_not_drift() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("stablemint.yaml");
    std::fs::write(&spec, GOOD_SPEC.replace('\n', "\r\n")).unwrap();
    let out = dir.path().join("generated.rs");
    let gen_with = |check: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
        command
            .arg("gen")
            .arg("--spec")
            .arg(&spec)
            .arg("--out")
            .arg(&out);
        if check {
            command.arg("--check");
        }
        command.output().unwrap()
    };
    assert!(gen_with(false).status.success());
    // What git writes on Windows: every generated file with CRLF.
    for name in ["generated.rs", "operations.rs"] {
        let path = dir.path().join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains('\r'));
        std::fs::write(&path, text.replace('\n', "\r\n")).unwrap();
    }
    let check = gen_with(true);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let again = gen_with(false);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(stdout.contains("unchanged"), "{stdout}");
    assert!(!stdout.contains("wrote"), "{stdout}");
}

#[test]
fn a_signed_operation_must_say_what_its_signature_covers() {
    assert_fails(
        &edited(|d| remove(d, OPERATION, "x-stablemint")),
        "POST /session/embedded (createEmbeddedSession) sends the signature headers but does \
         not say what the signature covers",
    );
    assert_fails(
        &edited(|d| *at(d, &format!("{OPERATION}/x-stablemint/signedField")) = json!("userid")),
        "POST /session/embedded (createEmbeddedSession): the signed field `userid` is not a \
         property of the request body",
    );
    assert_fails(
        &edited(|d| {
            *at(d, &format!("{OPERATION}/x-stablemint/signedField")) = json!("websiteReference")
        }),
        "POST /session/embedded (createEmbeddedSession): the signed field `websiteReference` \
         must be a required property of the request body",
    );
    assert_fails(
        &edited(|d| {
            *at(d, &format!("{OPERATION}/x-stablemint/idempotencyKeyField")) = json!("userId")
        }),
        "POST /session/embedded (createEmbeddedSession): the idempotency key field `userId` \
         must be an optional property of the request body",
    );
    assert_fails(
        &edited(|d| at(d, &format!("{OPERATION}/x-stablemint"))["retries"] = json!(3)),
        "`x-stablemint` has an unknown key `retries`",
    );
    assert_fails(
        &edited(|d| {
            remove(d, &format!("{OPERATION}/x-stablemint"), "signedField");
            at(d, &format!("{OPERATION}/x-stablemint"))["signedParameter"] = json!("sessionId");
        }),
        "POST /session/embedded (createEmbeddedSession): the signed parameter `sessionId` is \
         not a parameter of the operation",
    );
    assert_fails(
        &edited(|d| {
            remove(d, &format!("{OPERATION}/x-stablemint"), "signedField");
            at(d, &format!("{OPERATION}/x-stablemint"))["auth"] = json!("none");
        }),
        "declares `auth: none` but also the authentication headers",
    );
}
