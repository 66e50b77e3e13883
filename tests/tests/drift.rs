//! Drift is caught end to end: a spec edited without regenerating fails the freshness
//! comparison, and the API surface shows exactly the edit.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use stablemint_tests::{generate, generated_path, spec_path};

/// Copies the spec into `dir` with the property `name` (its schema `schema`) added to
/// `EmbeddedSessionRequest`, and returns the copy's path. The edit is made on the parsed
/// document and written back by serde_yaml, so it holds however the spec is formatted;
/// the generator reads the same document either way.
fn edited_spec(dir: &Path, name: &str, schema: Value) -> PathBuf {
    let original = std::fs::read_to_string(spec_path()).unwrap();
    let mut doc: Value = serde_yaml::from_str(&original).unwrap();
    doc["components"]["schemas"]["EmbeddedSessionRequest"]["properties"][name] = schema;
    let path = dir.join("stablemint.yaml");
    std::fs::write(&path, serde_yaml::to_string(&doc).unwrap()).unwrap();
    path
}

/// Lines added and removed between two texts, without the diff's headers.
fn changed_lines(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
    let diff = stablemint_codegen::unified_diff("x", before, after);
    let lines = diff
        .lines()
        .filter(|l| !l.starts_with("+++") && !l.starts_with("---"));
    let (mut added, mut removed) = (Vec::new(), Vec::new());
    for line in lines {
        if let Some(l) = line.strip_prefix('+') {
            added.push(l.to_owned());
        } else if let Some(l) = line.strip_prefix('-') {
            removed.push(l.to_owned());
        }
    }
    (added, removed)
}

/// The field `ident` of the generated `EmbeddedSessionRequest`.
fn request_field(client: &str, ident: &str) -> syn::Field {
    let file = syn::parse_file(client).unwrap();
    let types = file
        .items
        .iter()
        .find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == "types" => Some(&m.content.as_ref().unwrap().1),
            _ => None,
        })
        .unwrap();
    let request = types
        .iter()
        .find_map(|i| match i {
            syn::Item::Struct(s) if s.ident == "EmbeddedSessionRequest" => Some(s),
            _ => None,
        })
        .unwrap();
    request
        .fields
        .iter()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == ident))
        .unwrap_or_else(|| panic!("no field `{ident}` was generated"))
        .clone()
}

fn validate_attrs(field: &syn::Field) -> Vec<String> {
    field
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("validate"))
        .map(|a| match &a.meta {
            syn::Meta::List(list) => list.tokens.to_string(),
            other => panic!("unexpected #[validate] form: {other:?}"),
        })
        .collect()
}

#[test]
fn an_added_optional_field_fails_freshness_and_shows_in_the_surface() {
    let scratch = tempfile::tempdir().unwrap();
    let spec = edited_spec(
        scratch.path(),
        "loyaltyTier",
        json!({"type": "string", "description": "The user's loyalty tier."}),
    );
    let regenerated = stablemint_codegen::generate(&spec).unwrap();
    let out = scratch.path().join("generated.rs");
    std::fs::write(&out, &regenerated.client).unwrap();

    // The freshness comparison fails, and its diff names the new field.
    let committed = std::fs::read_to_string(generated_path()).unwrap();
    let scratch_client = std::fs::read_to_string(&out).unwrap();
    let diff = stablemint_codegen::unified_diff("generated.rs", &committed, &scratch_client);
    assert!(!diff.is_empty(), "freshness did not notice the edited spec");
    assert!(diff.contains("pub loyalty_tier: ::std::option::Option<::std::string::String>"));
    // The new field is optional on the wire: skipped when absent.
    let field = request_field(&scratch_client, "loyalty_tier");
    assert!(
        validate_attrs(&field).is_empty(),
        "a plain string gets no rule"
    );

    // The surface differs by exactly that field (once per schema that has it: a spec
    // may compose `EmbeddedSessionRequest` into others with `allOf`).
    assert_surface_adds(&regenerated.surface, &["loyaltyTier", "string", "optional"]);
}

/// Asserts that `surface` differs from today's by added lines only, each of them
/// `words`.
fn assert_surface_adds(surface: &str, words: &[&str]) {
    let (added, removed) = changed_lines(&generate().surface, surface);
    assert_eq!(removed, Vec::<String>::new());
    assert!(!added.is_empty(), "the surface does not show the field");
    for line in &added {
        let found: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(found, words, "{added:?}");
    }
}

#[test]
fn a_new_field_with_a_known_format_is_validated_with_no_handwritten_change() {
    let scratch = tempfile::tempdir().unwrap();
    let spec = edited_spec(
        scratch.path(),
        "billingCountryCode",
        json!({
            "type": "string",
            "format": "iso3166-alpha2",
            "description": "Country of the billing address.",
        }),
    );
    let regenerated = stablemint_codegen::generate(&spec).unwrap();

    let field = request_field(&regenerated.client, "billing_country_code");
    assert_eq!(validate_attrs(&field), ["alpha2"]);

    assert_surface_adds(
        &regenerated.surface,
        &[
            "billingCountryCode",
            "string",
            "optional",
            "format=iso3166-alpha2",
            "rule=alpha2",
        ],
    );
}

#[test]
fn a_field_with_an_unknown_format_fails_generation() {
    let scratch = tempfile::tempdir().unwrap();
    let spec = edited_spec(
        scratch.path(),
        "billingIban",
        json!({"type": "string", "format": "iban"}),
    );
    let error = stablemint_codegen::generate(&spec).unwrap_err().to_string();
    assert!(error.contains("billingIban"), "{error}");
    assert!(error.contains("format: iban"), "{error}");
    assert!(error.contains("FORMATS"), "{error}");
}

/// An edit that takes away what handwritten code is built on stops generation with a
/// sentence naming the spec's part and the handwritten file, instead of that code
/// failing to compile inside its own sources (found by the classifier fuzz: `expiresAt`
/// retyped to a string). Each retyping takes away the `Expiring` impl behind
/// `EmbeddedSession::expiry`, which the `stablemint` command reads;
/// `generate_from_str`, which knows nothing of handwritten code, takes them.
#[test]
fn an_edit_under_handwritten_code_stops_generation_by_name() {
    let original = std::fs::read_to_string(spec_path()).unwrap();
    let doc: Value = serde_yaml::from_str(&original).unwrap();
    let spec = spec_path();
    for schema in [
        json!({"type": "string"}),
        json!({"type": "integer", "format": "int32"}),
        json!({"type": "integer", "format": "int64", "minimum": 1}),
    ] {
        let mut edited = doc.clone();
        edited["components"]["schemas"]["EmbeddedSessionResponse"]["properties"]["expiresAt"] =
            schema.clone();
        let text = serde_yaml::to_string(&edited).unwrap();
        let problem = stablemint_codegen::generate_for_stablemint(&text, &spec)
            .unwrap_err()
            .problem()
            .to_owned();
        assert!(
            problem.contains("`EmbeddedSessionResponse.expiresAt` required")
                && problem.contains("crates/stablemint-cli/src/main.rs")
                && problem.contains("HANDWRITTEN_USES"),
            "{schema}: {problem}"
        );
        assert!(
            stablemint_codegen::generate_from_str(&text, &spec).is_ok(),
            "{schema}"
        );
    }
    assert!(stablemint_codegen::generate_for_stablemint(&original, &spec).is_ok());
}
