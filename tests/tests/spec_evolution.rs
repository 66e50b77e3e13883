//! The spec evolves and the bindings follow, with no handwritten change:
//!
//! - additive edits (optional properties in a request, a nested object and a response,
//!   and a new operation) keep a downstream crate written against today's API
//!   compiling, and removing a required response property it reads breaks it;
//! - a new operation reaches users as a signed, validated, retried method of
//!   `stablemint::Client`, and only the spec and generated files change.
//!
//! Each test copies the repository to a temporary directory, edits the spec there, runs
//! the generator, and builds a crate from `tests/downstream/` against the copy (see
//! `stablemint_tests::downstream`).

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use stablemint_test_support::{Reply, Server};
use stablemint_tests::downstream::{copy_repository, downstream, edit_spec, files, generate};
use stablemint_tests::workspace_root;

/// Adds `key` to `map`, which must not have it: these edits never replace what the spec
/// has. Their names are "probes", which no real operation or field of StableMint's is
/// expected to be called, so the spec can grow without breaking them.
fn add_new(map: &mut Value, key: &str, value: Value) {
    let map = map.as_object_mut().unwrap();
    assert!(
        !map.contains_key(key),
        "the spec already has `{key}`, which this test adds; rename it in the test (and in \
         tests/downstream), never in the spec"
    );
    map.insert(key.to_owned(), value);
}

fn add_property(spec: &mut Value, schema: &str, name: &str, property: Value) {
    add_new(
        &mut spec["components"]["schemas"][schema]["properties"],
        name,
        property,
    );
}

/// `POST /probes/hosted`: the same headers, request and response as the embedded
/// session, under a new operation id.
fn add_hosted_session(spec: &mut Value) {
    let mut operation = spec["paths"]["/session/embedded"].clone();
    operation["post"]["operationId"] = json!("createProbeHostedSession");
    operation["post"]["summary"] = json!("Create a hosted session.");
    operation["post"]["description"] =
        json!("Creates a session whose payment flow runs on StableMint's checkout page.");
    add_new(&mut spec["paths"], "/probes/hosted", operation);
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn additive_spec_edits_break_no_downstream_build_and_a_removal_does() {
    let copy = copy_repository();
    let root = copy.path();
    edit_spec(root, |spec| {
        add_property(
            spec,
            "EmbeddedSessionRequest",
            "probeLoyaltyTier",
            json!({"type": "string", "description": "Loyalty tier."}),
        );
        add_property(
            spec,
            "UserKyc",
            "probeNickname",
            json!({"type": "string", "description": "What the user likes to be called."}),
        );
        add_property(
            spec,
            "EmbeddedSessionResponse",
            "probeCheckoutUrl",
            json!({"type": "string", "description": "Where the widget loads from."}),
        );
        add_hosted_session(spec);
    });
    generate(root);
    let built = downstream("additive", root, None);
    assert!(
        built.status.success(),
        "additive edits broke a downstream build:\n{}",
        text(&built.stderr)
    );

    // Removing `reference`, which the downstream crate reads, must break it.
    edit_spec(root, |spec| {
        let response = &mut spec["components"]["schemas"]["EmbeddedSessionResponse"];
        response["properties"]
            .as_object_mut()
            .unwrap()
            .remove("reference");
        response["required"]
            .as_array_mut()
            .unwrap()
            .retain(|r| r != "reference");
    });
    generate(root);
    let broken = downstream("additive", root, None);
    assert!(
        !broken.status.success(),
        "removing a required response property went unnoticed"
    );
    let stderr = text(&broken.stderr);
    assert!(
        stderr.contains("no field `reference`"),
        "the build failed for another reason:\n{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_operation_reaches_users_signed_validated_and_retried() {
    let copy = copy_repository();
    let root = copy.path().to_owned();
    edit_spec(&root, add_hosted_session);
    generate(&root);

    // Only the spec and generated files changed.
    let before = files(workspace_root());
    let after = files(&root);
    let mut changed = Vec::new();
    for (path, contents) in &after {
        let original = before.iter().find(|(p, _)| p == path).map(|(_, c)| c);
        if original != Some(contents) {
            changed.push(path.clone());
            let generated = contents.starts_with(stablemint_codegen::HEADER.as_bytes());
            assert!(
                generated || path == Path::new("openapi/stablemint.yaml"),
                "{} changed but is neither the spec nor generated",
                path.display()
            );
        }
    }
    assert!(after.len() == before.len(), "files were added or removed");
    assert!(
        changed.contains(&PathBuf::from("crates/stablemint/src/operations.rs")),
        "{changed:?}"
    );

    // One injected 503, then a session.
    let server = Server::start(vec![
        Reply::json(503, json!({"message": "try again"})),
        Reply::json(
            200,
            json!({
                "sessionId": "5f0c6a52-8f3e-4c1b-9d2a-7b6e1f4a3c21",
                "expiresAt": 1_764_150_000_i64,
                "allowedPaymentMethods": [],
                "reference": "SM-HOSTED-1"
            }),
        ),
    ])
    .await;
    let url = server.url.clone();
    let output = tokio::task::spawn_blocking(move || {
        downstream(
            "hosted",
            &root,
            Some(&[("DOWNSTREAM_BASE_URL", url.as_str())]),
        )
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "the downstream crate failed:\n{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "one 503, then the retry");
    let key = seen[0].body["idempotencyKey"].as_str().unwrap().to_owned();
    assert_eq!(key.len(), 36, "a UUID: {key}");
    for attempt in &seen {
        assert_eq!(attempt.path, "/probes/hosted");
        assert_eq!(attempt.header("api_key"), "downstream-key-0001");
        assert_eq!(attempt.body["idempotencyKey"], key.as_str(), "the same key");
        let timestamp: u64 = attempt.header("timestamp").parse().unwrap();
        assert_eq!(
            attempt.header("signature"),
            stablemint_wire::signature(timestamp, "downstream-made-up-secret", "hosted-user-1")
        );
    }
    assert_ne!(
        seen[0].header("signature"),
        seen[1].header("signature"),
        "each attempt is signed anew"
    );
    assert_eq!(
        text(&output.stdout).trim(),
        format!("attempts=2 key={key} session=5f0c6a52-8f3e-4c1b-9d2a-7b6e1f4a3c21")
    );
}
