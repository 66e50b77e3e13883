//! Copies of the repository with an edited spec, generated anew, and crates from
//! `tests/downstream/` built against them as a user's crate would be.
//!
//! The builds share `target/downstream`, so only the first one compiles the
//! dependencies.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::workspace_root;

/// Directories that are not part of the sources.
pub const SKIPPED: &[&str] = &["target", ".git", ".venv", "node_modules", ".schemathesis"];

/// A copy of the repository's sources in a temporary directory.
pub fn copy_repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_repository_to(dir.path());
    dir
}

/// A copy of the repository's sources at `to` (created if missing), leaving out
/// [`SKIPPED`] directories. A file the copy already holds unchanged is left alone, so
/// that cargo does not rebuild a crate of a copy that is reused.
pub fn copy_repository_to(to: &Path) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name();
            if SKIPPED.iter().any(|s| name == *s) {
                continue;
            }
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                copy(&path, &to.join(&name));
            } else {
                write_if_changed(&to.join(&name), &std::fs::read(&path).unwrap());
            }
        }
    }
    copy(workspace_root(), to);
}

/// Applies `edit` to the spec of the copy at `root`, as a JSON value, and writes it back
/// as YAML.
pub fn edit_spec(root: &Path, edit: impl FnOnce(&mut Value)) {
    let path = root.join("openapi/stablemint.yaml");
    let mut spec: Value = serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut spec);
    std::fs::write(&path, serde_yaml::to_string(&spec).unwrap()).unwrap();
}

/// What `cargo xtask gen` does, run on the copy at `root`.
pub fn generate(root: &Path) {
    let output = stablemint_codegen::generate(&root.join("openapi/stablemint.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    write_generated(root, &output);
}

/// Writes the generated files of `output` into the copy at `root`, each only if it
/// changed.
pub fn write_generated(root: &Path, output: &stablemint_codegen::Output) {
    write_if_changed(
        &root.join("crates/stablemint-raw/src/generated.rs"),
        output.client.as_bytes(),
    );
    write_if_changed(
        &root.join("crates/stablemint/src/operations.rs"),
        output.operations.as_bytes(),
    );
}

/// Writes `contents` to `path` unless it holds them already, which keeps its
/// modification time (and cargo's fingerprint) when nothing changed.
pub fn write_if_changed(path: &Path, contents: &[u8]) {
    if std::fs::read(path).ok().as_deref() != Some(contents) {
        std::fs::write(path, contents).unwrap();
    }
}

/// The operations and schemas of `tests/fixtures/every-shape.yaml` (one operation of
/// every shape the generator binds), added to the spec of the copy at `root`.
pub fn add_every_shape(root: &Path) {
    edit_spec(root, merge_every_shape);
}

/// The operations and schemas of `tests/fixtures/every-shape.yaml`, added to `spec`.
///
/// Panics, naming it, when `spec` already has one of the fixture's paths, schemas or
/// operation ids: the fixture never replaces what a spec has. (Its names are all
/// "probes", which no real operation of StableMint's is expected to be called.)
pub fn merge_every_shape(spec: &mut Value) {
    let extra: Value = serde_yaml::from_str(include_str!("../fixtures/every-shape.yaml"))
        .expect("tests/fixtures/every-shape.yaml parses");
    let taken = collisions(spec, &extra);
    assert!(
        taken.is_empty(),
        "the spec already has what tests/fixtures/every-shape.yaml adds: {}; rename them in \
         the fixture (and in the crates of tests/downstream that call them), never in the spec",
        taken.join(", ")
    );
    for section in ["/paths", "/components/schemas"] {
        let added = extra.pointer(section).and_then(Value::as_object).cloned();
        let target = spec.pointer_mut(section).and_then(Value::as_object_mut);
        if let (Some(added), Some(target)) = (added, target) {
            target.extend(added);
        }
    }
}

/// The paths, schemas and operation ids of `extra` that `spec` has too.
pub fn collisions(spec: &Value, extra: &Value) -> Vec<String> {
    let keys = |document: &Value, section: &str| -> Vec<String> {
        document
            .pointer(section)
            .and_then(Value::as_object)
            .map(|map| map.keys().cloned().collect())
            .unwrap_or_default()
    };
    let operation_ids = |document: &Value| -> Vec<String> {
        document
            .pointer("/paths")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|paths| paths.values())
            .filter_map(Value::as_object)
            .flat_map(|item| item.values())
            .filter_map(|operation| operation.get("operationId")?.as_str().map(str::to_owned))
            .collect()
    };
    let mut taken = Vec::new();
    for (section, what) in [("/paths", "path"), ("/components/schemas", "schema")] {
        let existing = keys(spec, section);
        for key in keys(extra, section) {
            if existing.contains(&key) {
                taken.push(format!("{what} `{key}`"));
            }
        }
    }
    let existing = operation_ids(spec);
    for id in operation_ids(extra) {
        if existing.contains(&id) {
            taken.push(format!("operation `{id}`"));
        }
    }
    taken
}

/// The manifest of the downstream crate `name`, written to `dir` with its paths to the
/// crates of the copy at `root`; its sources are copied beside it.
pub fn downstream_crate(name: &str, root: &Path, dir: &Path) -> PathBuf {
    let source = workspace_root().join("tests/downstream").join(name);
    let manifest = std::fs::read_to_string(source.join("Cargo.toml"))
        .unwrap()
        .replace(
            "STABLEMINT_PATH",
            &root.join("crates/stablemint").display().to_string(),
        )
        .replace(
            "STABLEMINT_MOCK_PATH",
            &root.join("crates/stablemint-mock").display().to_string(),
        )
        .replace(
            "STABLEMINT_WIRE_PATH",
            &root.join("crates/stablemint-wire").display().to_string(),
        )
        .replace(
            "STABLEMINT_RAW_PATH",
            &root.join("crates/stablemint-raw").display().to_string(),
        );
    std::fs::create_dir_all(dir).unwrap();
    write_if_changed(&dir.join("Cargo.toml"), manifest.as_bytes());
    for folder in ["src", "tests"] {
        copy_sources(&source.join(folder), &dir.join(folder));
    }
    // The workspace's versions, so the shared target directory is reused.
    write_if_changed(
        &dir.join("Cargo.lock"),
        &std::fs::read(workspace_root().join("Cargo.lock")).unwrap(),
    );
    dir.join("Cargo.toml")
}

/// Every file under `from` (if it exists) copied to `to`, each only if it changed.
fn copy_sources(from: &Path, to: &Path) {
    let Ok(entries) = std::fs::read_dir(from) else {
        return;
    };
    std::fs::create_dir_all(to).unwrap();
    for entry in entries {
        let entry = entry.unwrap();
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            copy_sources(&path, &to.join(entry.file_name()));
        } else {
            write_if_changed(&to.join(entry.file_name()), &std::fs::read(&path).unwrap());
        }
    }
}

/// Builds (and with `run`, runs) the downstream crate `name` against the copy at `root`.
pub fn downstream(name: &str, root: &Path, run: Option<&[(&str, &str)]>) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let manifest = downstream_crate(name, root, dir.path());
    let subcommand = if run.is_some() { "run" } else { "build" };
    cargo(&[subcommand, "--quiet"], &manifest, run.unwrap_or_default())
}

/// `cargo <args> --manifest-path <manifest>` in `target/downstream`, with `env` set.
pub fn cargo(args: &[&str], manifest: &Path, env: &[(&str, &str)]) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(args)
        .arg("--manifest-path")
        .arg(manifest)
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target/downstream"),
        )
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

/// Every file under `root` (relative path, contents), sources only.
pub fn files(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            if SKIPPED.iter().any(|s| entry.file_name() == *s) {
                continue;
            }
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                walk(root, &path, out);
            } else {
                let relative = path.strip_prefix(root).unwrap().to_owned();
                out.push((relative, std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spec() -> Value {
        serde_yaml::from_str(&std::fs::read_to_string(crate::spec_path()).unwrap()).unwrap()
    }

    /// The operations the README's "Adding an endpoint" suggests, added to the spec
    /// first: the fixture still merges beside them, and none of them is touched.
    #[test]
    fn the_fixture_merges_beside_the_names_a_maintainer_would_add() {
        let mut grown = spec();
        let get = json!({"get": {"operationId": "getSession", "responses": {}}});
        grown["paths"]["/session/{sessionId}"] = get.clone();
        grown["paths"]["/session/hosted"] = json!({"post": {"operationId": "createHostedSession"}});
        grown["components"]["schemas"]["SessionStatus"] = json!({"type": "object"});
        let fixture: Value =
            serde_yaml::from_str(include_str!("../fixtures/every-shape.yaml")).unwrap();
        assert_eq!(collisions(&grown, &fixture), Vec::<String>::new());
        merge_every_shape(&mut grown);
        assert_eq!(grown["paths"]["/session/{sessionId}"], get);
        assert!(grown["paths"]["/probes/{probeId}"].is_object());
    }

    #[test]
    fn a_name_the_spec_has_already_is_named_not_replaced() {
        let mut spec = spec();
        spec["paths"]["/probes"] = json!({"get": {"operationId": "mine"}});
        spec["paths"]["/x"] = json!({"get": {"operationId": "getProbe"}});
        spec["components"]["schemas"]["ProbeNote"] = json!({"type": "object"});
        let fixture: Value =
            serde_yaml::from_str(include_str!("../fixtures/every-shape.yaml")).unwrap();
        assert_eq!(
            collisions(&spec, &fixture),
            [
                "path `/probes`",
                "schema `ProbeNote`",
                "operation `getProbe`"
            ]
        );
        let merged = std::panic::catch_unwind(move || merge_every_shape(&mut spec));
        let message = merged.unwrap_err();
        let message = message.downcast_ref::<String>().unwrap();
        assert!(message.contains("never in the spec"), "{message}");
    }
}
