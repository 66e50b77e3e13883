//! The spec-change classifier checked against the compiler: seeded random edits of the
//! spec, each classified by [`stablemint_diff::classify`], generated in a copy of the
//! repository, and type-checked with `tests/downstream/every_item`, a crate that uses
//! every public item of the base API. `tests/examples/classifier_fuzz.rs` runs it
//! (`scripts/classifier-fuzz.sh`); this module holds what needs no compiler: the base
//! spec, the edits, and the tally.
//!
//! The base is a frozen copy of the spec (`tests/fixtures/stablemint-frozen.yaml`) with
//! the operations of `tests/fixtures/every-shape.yaml` and [`add_fixture`]'s enums and
//! constraints, so that every kind of edit has something to edit. It is frozen so that
//! the spec can grow (an optional field, an operation) without anyone having to teach
//! `every_item` the new items by hand. An edit whose every change the classifier calls
//! non-breaking must leave `every_item` compiling.

mod edits;
mod tally;

use serde_json::{Value, json};

use crate::downstream::merge_every_shape;
use edits::{
    add_constraint, add_enum_value, add_operation, add_parameter, add_property, change_declaration,
    make_enum, remove_constraint, remove_enum_value, remove_operation, remove_parameter,
    remove_property, retype_parameter, retype_property, set_required, toggle_parameter_required,
};
pub use tally::{Outcome, Record, RuleCount, markdown_table, tally};

/// The spec the edits start from: `tests/fixtures/stablemint-frozen.yaml`, the
/// operations of `tests/fixtures/every-shape.yaml`, and [`add_fixture`].
pub fn base_spec() -> Value {
    let text = include_str!("../../fixtures/stablemint-frozen.yaml");
    let mut spec: Value = serde_yaml::from_str(text).expect("the frozen spec parses");
    merge_every_shape(&mut spec);
    add_fixture(&mut spec);
    spec
}

/// What the base adds for edits that need it: an enum in a request and one in a
/// response, and a constrained string (which typify makes a newtype) and integer, so
/// that enum values and constraints can be added and removed.
pub fn add_fixture(spec: &mut Value) {
    let schemas = &mut spec["components"]["schemas"];
    schemas["ProbeRefundRequest"]["properties"]["reason"] = json!({
        "type": "string",
        "enum": ["duplicate", "fraudulent", "requested"],
        "description": "Why the refund is asked for."
    });
    schemas["ProbeRefundRequest"]["properties"]["note"] = json!({
        "type": "string",
        "maxLength": 200,
        "description": "A note for the merchant's records."
    });
    schemas["ProbeStatus"]["properties"]["phase"] = json!({
        "type": "string",
        "enum": ["open", "paid", "expired"],
        "description": "Where the session is."
    });
    schemas["ProbeStatus"]["properties"]["attempts"] = json!({
        "type": "integer",
        "format": "int32",
        "minimum": 0,
        "description": "Payment attempts so far."
    });
}

/// One random edit of the base.
#[derive(Debug, Clone)]
pub struct Edit {
    /// The kind of edit (`property-retyped`), one of [`KINDS`].
    pub kind: &'static str,
    /// What was edited, in one line.
    pub description: String,
    /// The edited spec.
    pub head: Value,
}

type Apply = fn(&mut Value, &mut fastrand::Rng, usize) -> Option<String>;

/// Every kind of edit, with the function that makes one (or `None` when the spec has
/// nothing it applies to).
pub const KINDS: &[(&str, Apply)] = &[
    ("property-added-optional", |s, r, n| {
        add_property(s, r, n, false)
    }),
    ("property-added-required", |s, r, n| {
        add_property(s, r, n, true)
    }),
    ("property-removed", remove_property),
    ("property-retyped", retype_property),
    ("property-made-required", |s, r, _| set_required(s, r, true)),
    ("property-made-optional", |s, r, _| {
        set_required(s, r, false)
    }),
    ("property-became-enum", make_enum),
    ("enum-value-added", add_enum_value),
    ("enum-value-removed", remove_enum_value),
    ("constraint-added", add_constraint),
    ("constraint-removed", remove_constraint),
    ("parameter-added", add_parameter),
    ("parameter-removed", remove_parameter),
    ("parameter-retyped", retype_parameter),
    ("parameter-required-toggled", toggle_parameter_required),
    ("operation-added", add_operation),
    ("operation-removed", remove_operation),
    ("x-stablemint-changed", change_declaration),
];

/// The `serial`-th edit: a kind picked by `rng`, applied to a copy of `base`. New
/// names carry `serial`, so they differ from edit to edit.
pub fn random_edit(base: &Value, rng: &mut fastrand::Rng, serial: usize) -> Edit {
    loop {
        let (kind, apply) = KINDS[rng.usize(..KINDS.len())];
        let mut head = base.clone();
        if let Some(description) = apply(&mut head, rng, serial)
            && head != *base
        {
            return Edit {
                kind,
                description,
                head,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stablemint_diff::Level;

    fn classify(base: &Value, head: &Value) -> Vec<(&'static str, Level)> {
        let base = serde_yaml::to_string(base).unwrap();
        let head = serde_yaml::to_string(head).unwrap();
        stablemint_diff::classify(
            stablemint_diff::Source::new("base.yaml", &base),
            stablemint_diff::Source::new("head.yaml", &head),
        )
        .unwrap()
        .changes
        .iter()
        .map(|c| (c.id, c.level))
        .collect()
    }

    #[test]
    fn the_base_generates_and_classifies_against_itself_as_unchanged() {
        let base = base_spec();
        let text = serde_yaml::to_string(&base).unwrap();
        let output = stablemint_codegen::generate_from_str(&text, "base.yaml".as_ref())
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            output
                .rust_api
                .contains("variant types::ProbeRefundRequestReason::Duplicate")
        );
        assert!(
            output
                .rust_api
                .contains("field types::ProbeStatus::attempts: Option<i32>")
        );
        assert_eq!(classify(&base, &base), []);
    }

    /// What `every_item` must write to use the item of one line of the listing, for
    /// the items a user of `stablemint` reaches (the types, the methods, the options).
    fn usage(line: &str) -> Option<String> {
        let (krate, rest) = line.split_once(' ')?;
        let rest = rest.strip_prefix("async ").unwrap_or(rest);
        let (kind, rest) = rest.split_once(' ')?;
        let path = rest[..rest.find([' ', '(', '<']).unwrap_or(rest.len())].trim_end_matches(':');
        let segments: Vec<&str> = path.split("::").collect();
        let last = *segments.last()?;
        let reached = krate == "stablemint" || segments.first() == Some(&"types");
        if !reached {
            return None;
        }
        match (kind, segments.as_slice()) {
            ("struct" | "enum", _) => Some(last.to_owned()),
            ("variant", [.., ty, variant]) => Some(format!("{ty}::{variant}")),
            ("field", _) => Some(format!(".{last}")),
            ("fn", [.., ty, "builder"]) => Some(format!("{ty}::builder()")),
            ("fn", [.., ty, "new"]) => Some(format!("{ty}::new()")),
            ("fn", _) => Some(format!(".{last}(")),
            _ => None,
        }
    }

    #[test]
    fn every_item_uses_every_item_of_the_base_api() {
        let base = serde_yaml::to_string(&base_spec()).unwrap();
        let listing = stablemint_codegen::generate_from_str(&base, "base.yaml".as_ref())
            .unwrap()
            .rust_api;
        let source = include_str!("../../downstream/every_item/src/main.rs");
        let checked: Vec<(&str, String)> = listing
            .lines()
            .filter_map(|line| Some((line, usage(line)?)))
            .collect();
        // Every type, field, variant, builder setter, method and options setter.
        assert!(checked.len() > 200, "only {} items checked", checked.len());
        let missing: Vec<&str> = checked
            .iter()
            .filter(|(_, used)| !source.contains(used.as_str()))
            .map(|(line, _)| *line)
            .collect();
        assert!(
            missing.is_empty(),
            "tests/downstream/every_item does not use:\n{}",
            missing.join("\n")
        );
        assert_eq!(
            usage("stablemint_raw field types::A::b: String").as_deref(),
            Some(".b")
        );
        assert_eq!(
            usage("stablemint async fn Client::get(&self) -> Result<(), Error>").as_deref(),
            Some(".get(")
        );
        assert_eq!(
            usage("stablemint_raw fn Client::new(x: &str) -> Self"),
            None
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_edits() {
        let base = base_spec();
        let run = |seed| {
            let mut rng = fastrand::Rng::with_seed(seed);
            (0..20)
                .map(|i| random_edit(&base, &mut rng, i).description)
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }

    #[test]
    fn every_kind_applies_to_the_base_and_is_seen_by_the_classifier() {
        let base = base_spec();
        let mut rng = fastrand::Rng::with_seed(1);
        for (kind, apply) in KINDS {
            let mut head = base.clone();
            let applied = (0..50).find_map(|i| {
                head = base.clone();
                apply(&mut head, &mut rng, i).filter(|_| head != base)
            });
            let description = applied.unwrap_or_else(|| panic!("{kind} never applied"));
            assert!(
                !classify(&base, &head).is_empty(),
                "{kind}: the classifier saw nothing in: {description}"
            );
        }
    }
}
