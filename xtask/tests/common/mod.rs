//! What the `cargo xtask diff` tests share: the real spec, edits of its parsed document,
//! and running xtask and git.
//!
//! Edits are made on the parsed spec and written back as YAML, so they hold whatever the
//! spec's formatting: a YAML tool may rewrite it freely.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};

pub const SPEC: &str = include_str!("../../../openapi/stablemint.yaml");

pub const REQUEST: &str = "/components/schemas/EmbeddedSessionRequest";

/// The spec with `edit` made on its parsed document, as YAML.
pub fn edited(edit: impl FnOnce(&mut Value)) -> String {
    let mut doc: Value = serde_yaml::from_str(SPEC).unwrap();
    edit(&mut doc);
    serde_yaml::to_string(&doc).unwrap()
}

/// A new required request property: one breaking change.
pub fn add_merchant_id(doc: &mut Value) {
    let request = doc.pointer_mut(REQUEST).unwrap();
    request["properties"]["merchantId"] = json!({"type": "string"});
    request["required"]
        .as_array_mut()
        .unwrap()
        .push(json!("merchantId"));
}

/// A description edit: one non-breaking change.
pub fn edit_description(doc: &mut Value) {
    doc["info"]["description"] = json!("Described again.");
}

/// Runs xtask in `dir`.
pub fn xtask(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// Runs git in `dir`, as a test user, and checks that it succeeds.
pub fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        text(&output.stderr)
    );
}
