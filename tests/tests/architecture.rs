//! ARCHITECTURE.md's "Arrows run one way" is the workspace as Cargo sees it: each crate
//! with the workspace crates it depends on (compared with `cargo metadata`), every arrow
//! pointing up, and what must stay out of a crate's tree out of it (`cargo tree`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use stablemint_tests::{cargo_stdout, workspace_root};

/// A dependency as the document writes it: `name` or `name [feature]`.
type Arrow = (String, Option<String>);

fn architecture() -> String {
    std::fs::read_to_string(workspace_root().join("ARCHITECTURE.md")).unwrap()
}

/// The lines of the first ```text block after `marker`, with their two-space indent.
fn block_after<'a>(document: &'a str, marker: &str) -> Vec<&'a str> {
    let start = document
        .find(marker)
        .unwrap_or_else(|| panic!("ARCHITECTURE.md has no {marker:?}"));
    let rest = &document[start..];
    let open = rest.find("```text\n").expect("a ```text block follows") + "```text\n".len();
    let close = rest[open..].find("```").expect("the block is closed");
    rest[open..open + close]
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect()
}

/// `crate → a, b [feature]`, in the document's order.
fn documented_arrows() -> Vec<(String, BTreeSet<Arrow>)> {
    let document = architecture();
    block_after(&document, "**Arrows run one way.**")
        .into_iter()
        .map(|line| {
            let (name, deps) = line
                .split_once('→')
                .unwrap_or_else(|| panic!("{line:?} has no →"));
            let deps = deps
                .split(',')
                .map(str::trim)
                .filter(|dep| !dep.is_empty())
                .map(|dep| match dep.split_once(" [") {
                    Some((dep, feature)) => (
                        dep.to_owned(),
                        Some(feature.trim_end_matches(']').to_owned()),
                    ),
                    None => (dep.to_owned(), None),
                })
                .collect();
            (name.trim().to_owned(), deps)
        })
        .collect()
}

fn metadata() -> Value {
    let output = cargo_stdout(&[
        "metadata",
        "--format-version",
        "1",
        "--no-deps",
        "--offline",
    ]);
    serde_json::from_slice(&output).unwrap()
}

/// Each workspace crate and its normal and build dependencies on other workspace crates;
/// an optional one with the feature that names it (`dep:name`).
fn cargo_arrows() -> BTreeMap<String, BTreeSet<Arrow>> {
    let metadata = metadata();
    let packages = metadata["packages"].as_array().unwrap();
    let members: BTreeSet<&str> = packages
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    packages
        .iter()
        .map(|package| {
            let feature_of = |dep: &str| {
                let wanted = format!("dep:{dep}");
                package["features"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .find(|(_, enables)| {
                        enables
                            .as_array()
                            .is_some_and(|list| list.iter().any(|e| e == wanted.as_str()))
                    })
                    .map(|(feature, _)| feature.clone())
            };
            let deps = package["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|dep| members.contains(dep["name"].as_str().unwrap()))
                .filter(|dep| dep["kind"].is_null() || dep["kind"] == "build")
                .map(|dep| {
                    let name = dep["name"].as_str().unwrap();
                    let feature = (dep["optional"] == true).then(|| {
                        feature_of(name).unwrap_or_else(|| format!("(no feature names {name})"))
                    });
                    (name.to_owned(), feature)
                })
                .collect();
            (package["name"].as_str().unwrap().to_owned(), deps)
        })
        .collect()
}

#[test]
fn the_documented_arrows_are_the_workspace_graph() {
    let documented = documented_arrows();
    let names: Vec<&str> = documented.iter().map(|(name, _)| name.as_str()).collect();
    let unique: BTreeSet<&str> = names.iter().copied().collect();
    assert_eq!(
        unique.len(),
        names.len(),
        "a crate is listed twice: {names:?}"
    );

    let actual = cargo_arrows();
    let documented: BTreeMap<String, BTreeSet<Arrow>> = documented.into_iter().collect();
    let shown = |map: &BTreeMap<String, BTreeSet<Arrow>>, name: &str| {
        map.get(name).map(|deps| {
            deps.iter()
                .map(|(dep, feature)| match feature {
                    Some(feature) => format!("{dep} [{feature}]"),
                    None => dep.clone(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
    };
    let mut differences = Vec::new();
    for name in actual
        .keys()
        .chain(documented.keys())
        .collect::<BTreeSet<_>>()
    {
        let (cargo, doc) = (shown(&actual, name), shown(&documented, name));
        if cargo != doc {
            differences.push(format!(
                "{name}: Cargo.toml says {cargo:?}, ARCHITECTURE.md says {doc:?}"
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "ARCHITECTURE.md's arrows differ from the workspace; correct the block under \
         \"Arrows run one way\":\n{}",
        differences.join("\n")
    );
}

#[test]
fn every_arrow_points_to_a_crate_above() {
    let documented = documented_arrows();
    let mut above = BTreeSet::new();
    for (name, deps) in &documented {
        for (dep, _) in deps {
            assert!(
                above.contains(dep.as_str()),
                "{name} depends on {dep}, which is not listed above it: an arrow runs back \
                 up (or the list is out of order)"
            );
        }
        above.insert(name.as_str());
    }
}

/// The distinct package names in `package`'s normal tree, itself left out.
fn normal_tree(package: &str) -> BTreeSet<String> {
    stablemint_tests::cargo_tree(package, &["--offline"])
        .iter()
        .filter_map(|entry| entry.split_whitespace().next())
        .filter(|name| *name != package)
        .map(str::to_owned)
        .collect()
}

#[test]
fn what_must_stay_out_of_a_tree_is_out_of_it() {
    let document = architecture();
    let rules = block_after(&document, "What must stay out of a crate's normal tree");
    assert!(
        rules.len() >= 5,
        "the rules block lost its lines: {rules:?}"
    );
    let mut broken = Vec::new();
    for line in rules {
        let (package, forbidden) = line
            .split_once('✗')
            .unwrap_or_else(|| panic!("{line:?} has no ✗"));
        let tree = normal_tree(package.trim());
        for name in forbidden.split(',').map(str::trim) {
            if tree.contains(name) {
                broken.push(format!("{} depends on {name}", package.trim()));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// The check is not vacuous: a crate's tree has what it does depend on.
#[test]
fn a_tree_holds_what_the_crate_depends_on() {
    let tree = normal_tree("stablemint");
    for name in ["stablemint-raw", "stablemint-wire", "reqwest", "serde"] {
        assert!(tree.contains(name), "{name} not in {tree:?}");
    }
}
