//! A crate that depends on `stablemint` must build light: not the code generator's
//! dependencies, not OpenSSL, one `syn` major, and no more packages than today (with a
//! little room). `scripts/downstream-weight.sh` measures what this protects: the cold
//! build time against reqwest, rustls, tokio and serde_json alone.

use std::collections::BTreeSet;

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

/// Packages (name and version) in `stablemint`'s normal and build tree today: 115 on
/// 2026-11-26. A new dependency that pushes past this needs a reason; raise the bound
/// with it, in the same commit.
const MAX_PACKAGES: usize = 120;

/// The distinct packages (name only) in `stablemint`'s tree with `extra` args.
fn tree(extra: &[&str]) -> BTreeSet<String> {
    tree_entries(extra)
        .iter()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// The distinct `name vX.Y.Z` lines of `stablemint`'s tree with `extra` args.
fn tree_entries(extra: &[&str]) -> BTreeSet<String> {
    stablemint_tests::cargo_tree("stablemint", extra)
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

#[test]
fn one_syn_major_and_no_attribute_macros_downstream() {
    let entries = tree_entries(&["-e", "build"]);
    let syn_majors: BTreeSet<&str> = entries
        .iter()
        .filter_map(|e| e.strip_prefix("syn v"))
        .filter_map(|version| version.split('.').next())
        .collect();
    assert_eq!(syn_majors.len(), 1, "{entries:?}");
    assert!(
        !entries.iter().any(|e| e.starts_with("tracing-attributes ")),
        "tracing's attribute macros are back: {entries:?}"
    );
}

#[test]
fn the_tree_does_not_grow_back() {
    let entries = tree_entries(&["-e", "build"]);
    assert!(
        entries.len() <= MAX_PACKAGES,
        "{} packages in stablemint's tree (bound {MAX_PACKAGES}): {entries:?}",
        entries.len()
    );
}

/// The `metrics` feature adds the OpenTelemetry metrics API and nothing else: no SDK, no
/// exporter, nothing a user who leaves it off compiles.
#[test]
fn the_metrics_feature_adds_only_the_opentelemetry_api() {
    let without = tree_entries(&["-e", "build"]);
    let with = tree_entries(&["-e", "build", "--features", "metrics"]);
    let added: Vec<&String> = with.difference(&without).collect();
    assert_eq!(added.len(), 1, "{added:?}");
    assert!(added[0].starts_with("opentelemetry v0."), "{added:?}");
    assert!(
        !without.iter().any(|e| e.starts_with("opentelemetry")),
        "{without:?}"
    );
}
