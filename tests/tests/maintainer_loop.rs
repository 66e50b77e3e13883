//! The maintainer's loop, whole, in a copy of the repository: the spec grows as the
//! README's "Adding an endpoint" has it grow (a hosted session written with `allOf` and
//! `format: uri`, reading a session by its uuid, one optional field), the bindings are
//! generated, the snapshots are accepted in one `INSTA_UPDATE=always` run, and the tests
//! that a grown spec used to break pass as CI runs them: no other edit.
//!
//! The copy builds in `target/downstream`, like the other copies, so only the first run
//! compiles the dependencies.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};
use stablemint_tests::downstream::{
    collisions, copy_repository_to, edit_spec, generate, write_if_changed,
};
use stablemint_tests::workspace_root;

const GROWTH: &str = include_str!("../fixtures/maintainer-growth.yaml");

/// The growth, under other names when the spec has some of them already (it has grown
/// for real): nothing of the spec is ever replaced.
fn growth(spec: &Value) -> Value {
    let growth: Value = serde_yaml::from_str(GROWTH).unwrap();
    if collisions(spec, &growth).is_empty() {
        return growth;
    }
    let renamed = GROWTH
        .replace("/session/", "/grown-session/")
        .replace("createHostedSession", "grownCreateHostedSession")
        .replace("getSession", "grownGetSession")
        .replace("HostedSessionRequest", "GrownHostedSessionRequest")
        .replace("SessionStatus", "GrownSessionStatus");
    let renamed: Value = serde_yaml::from_str(&renamed).unwrap();
    assert_eq!(collisions(spec, &renamed), Vec::<String>::new());
    renamed
}

/// A property name `schema` does not have yet.
fn new_property(schema: &Value) -> String {
    (0..)
        .map(|n| {
            format!(
                "merchantNote{}",
                if n == 0 { String::new() } else { n.to_string() }
            )
        })
        .find(|name| schema["properties"].get(name).is_none())
        .unwrap()
}

/// `cargo <args>` on the copy at `root`, in `target/downstream`, with `env` set and
/// `CI` as given.
fn cargo(root: &Path, args: &[&str], ci: bool, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .args(args)
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target/downstream"),
        )
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("INSTA_UPDATE")
        .env_remove("CI");
    if ci {
        command.env("CI", "true");
    }
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

fn assert_passed(run: &Output, what: &str) {
    assert!(
        run.status.success(),
        "{what} failed in the grown copy:\n{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
}

#[test]
fn a_grown_spec_needs_no_hand_edit() {
    let root = workspace_root().join("target/maintainer-loop");
    if root.exists() {
        std::fs::remove_dir_all(&root).unwrap();
    }
    copy_repository_to(&root);

    // 1. The spec grows.
    let mut added_property = String::new();
    edit_spec(&root, |spec| {
        let growth = growth(spec);
        for section in ["/paths", "/components/schemas"] {
            let added = growth.pointer(section).and_then(Value::as_object).unwrap();
            let target = spec
                .pointer_mut(section)
                .and_then(Value::as_object_mut)
                .unwrap();
            target.extend(added.clone());
        }
        let request = &mut spec["components"]["schemas"]["EmbeddedSessionRequest"];
        added_property = new_property(request);
        request["properties"][added_property.as_str()] = json!({
            "type": "string",
            "description": "A note for the merchant's records."
        });
    });

    // 2. `cargo xtask gen`.
    generate(&root);

    // 3. The snapshots show the growth, and one run accepts them.
    let snapshots = root.join("tests/tests/snapshots");
    let before = std::fs::read_to_string(snapshots.join("api_surface__api_surface.snap")).unwrap();
    let accept = cargo(
        &root,
        &[
            "test",
            "-p",
            "stablemint-tests",
            "--test",
            "api_surface",
            "--test",
            "rust_api",
        ],
        false,
        &[("INSTA_UPDATE", "always")],
    );
    assert_passed(&accept, "accepting the snapshots with INSTA_UPDATE=always");
    let after = std::fs::read_to_string(snapshots.join("api_surface__api_surface.snap")).unwrap();
    assert_ne!(before, after, "the growth does not show in the API surface");
    assert!(after.contains("HostedSessionRequest: object"), "{after}");
    assert!(after.contains(&added_property), "{after}");
    assert!(after.contains("format=uri rule=uri"), "{after}");
    let pending: Vec<_> = std::fs::read_dir(&snapshots)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".new"))
        .map(|e| e.file_name())
        .collect();
    assert!(pending.is_empty(), "pending snapshots: {pending:?}");

    // 4. The tests a grown spec used to break, as CI runs them.
    let mock = cargo(&root, &["test", "-p", "stablemint-mock"], true, &[]);
    assert_passed(&mock, "the mock's tests");
    let tests = cargo(
        &root,
        &[
            "test",
            "-p",
            "stablemint-tests",
            "--lib",
            "--test",
            "api_surface",
            "--test",
            "rust_api",
            "--test",
            "freshness",
            "--test",
            "drift",
        ],
        true,
        &[],
    );
    assert_passed(
        &tests,
        "the workspace's snapshot, freshness and fuzz-base tests",
    );

    // What the generated client now offers, used as its README says.
    let check = root.join("crates/stablemint/examples/grown.rs");
    write_if_changed(
        &check,
        br#"//! Calls the operations the spec grew, as a user would.
use stablemint::types::{self, HostedSessionRequest};

async fn use_them(client: &stablemint::Client, id: types::Uuid) -> Result<(), stablemint::Error> {
    let request: HostedSessionRequest = HostedSessionRequest::builder()
        .user_id("u-1")
        .user_email("jane@example.com")
        .user_country_code("DE")
        .currency("EUR")
        .return_url("https://shop.example/return")
        .try_into()
        .expect("a request");
    let session = client.create_hosted_session(&request).await?;
    let _: std::time::SystemTime = session.expiry();
    let status = client.get_session(&id).await?;
    let _: bool = status.is_expired();
    match &status.status {
        types::SessionStatusStatus::Open => {}
        types::SessionStatusStatus::Unknown(other) => println!("{other}"),
        _ => {}
    }
    Ok(())
}

fn main() {
    let _ = use_them;
}
"#,
    );
    if collisions(
        &serde_yaml::from_str(
            &std::fs::read_to_string(workspace_root().join("openapi/stablemint.yaml")).unwrap(),
        )
        .unwrap(),
        &serde_yaml::from_str(GROWTH).unwrap(),
    )
    .is_empty()
    {
        let built = cargo(
            &root,
            &["build", "-p", "stablemint", "--example", "grown"],
            true,
            &[],
        );
        assert_passed(&built, "a crate calling the grown operations");
    }
}
