//! A crate that depends on `stablemint` must not compile the code generator's
//! dependencies, nor OpenSSL.

use std::collections::BTreeSet;
use std::process::Command;

use stablemint_tests::workspace_root;

/// Crate names that must never be in `stablemint`'s normal dependency tree.
const FORBIDDEN: [&str; 8] = [
    "progenitor",
    "progenitor-impl",
    "progenitor-macro",
    "typify",
    "typify-impl",
    "openapiv3",
    "prettyplease",
    "openssl",
];

/// The distinct packages (name only) in `stablemint`'s tree with `extra` args.
fn tree(extra: &[&str]) -> BTreeSet<String> {
    let output = Command::new(env!("CARGO"))
        .current_dir(workspace_root())
        .args([
            "tree",
            "-p",
            "stablemint",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .args(["--format", "{p}"])
        .args(extra)
        .output()
        .expect("cannot run cargo tree");
    assert!(
        output.status.success(),
        "cargo tree failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn stablemint_does_not_pull_in_the_generator_or_openssl() {
    for features in [
        &[][..],
        &["--no-default-features", "--features", "aws-lc-rs"][..],
    ] {
        let packages = tree(features);
        assert!(
            packages.contains("reqwest"),
            "the tree looks wrong: {packages:?}"
        );
        assert!(packages.contains("rustls"), "{packages:?}");
        let found: Vec<&str> = FORBIDDEN
            .iter()
            .copied()
            .filter(|name| packages.contains(*name) || packages.contains(&format!("{name}-sys")))
            .collect();
        assert!(
            found.is_empty(),
            "{features:?}: stablemint depends on {found:?}"
        );
    }
}

#[test]
fn the_default_tls_provider_is_ring_not_aws_lc() {
    let packages = tree(&[]);
    assert!(packages.contains("ring"), "{packages:?}");
    assert!(!packages.contains("aws-lc-rs"), "{packages:?}");
    assert!(!packages.contains("aws-lc-sys"), "{packages:?}");
}
