//! `openapi/stablemint.yaml` is a well-formed OpenAPI 3.0 document, checked in Rust:
//! every key it uses is one the OpenAPI 3.0 model knows (a misspelled `requried` or
//! `descripton` would otherwise be silently ignored by every tool that reads it), and
//! the generator accepts it. The Python `openapi-spec-validator` checks it against the
//! official schema as well, from `scripts/openapi-spec-validator.sh`, which CI runs.

use serde_json::Value;
use stablemint_tests::spec_path;

/// The pointers of keys in `original` that did not survive a round trip through
/// openapiv3's model of OpenAPI 3.0. Keys the round trip adds (defaults such as
/// `style: simple`) are fine.
fn unknown_keys(original: &Value) -> Result<Vec<String>, String> {
    let model: openapiv3::OpenAPI = serde_json::from_value(original.clone())
        .map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))?;
    let round_trip = serde_json::to_value(&model).map_err(|e| e.to_string())?;
    let mut lost = Vec::new();
    fn walk(a: &Value, b: &Value, at: &mut String, lost: &mut Vec<String>) {
        match (a, b) {
            (Value::Object(a), Value::Object(b)) => {
                for (key, value) in a {
                    let len = at.len();
                    stablemint_validate::push_token(at, key);
                    match b.get(key) {
                        Some(other) => walk(value, other, at, lost),
                        None => lost.push(at.clone()),
                    }
                    at.truncate(len);
                }
            }
            (Value::Array(a), Value::Array(b)) => {
                for (index, (x, y)) in a.iter().zip(b).enumerate() {
                    let len = at.len();
                    at.push_str(&format!("/{index}"));
                    walk(x, y, at, lost);
                    at.truncate(len);
                }
            }
            _ => {}
        }
    }
    walk(original, &round_trip, &mut String::new(), &mut lost);
    Ok(lost)
}

fn spec() -> String {
    std::fs::read_to_string(spec_path()).unwrap()
}

#[test]
fn the_spec_uses_only_keys_openapi_defines() {
    let original: Value = serde_yaml::from_str(&spec()).unwrap();
    assert_eq!(original["openapi"], "3.0.3");
    assert_eq!(unknown_keys(&original), Ok(vec![]));
}

#[test]
fn a_misspelled_key_is_found() {
    // Each key is renamed in the parsed document, so the edit holds however the spec
    // is formatted.
    for (at, from, to) in [
        (
            "/paths/~1session~1embedded/post/parameters/0",
            "required",
            "requried",
        ),
        (
            "/components/schemas/EmbeddedSessionRequest/properties/userId",
            "description",
            "descripton",
        ),
    ] {
        let mut edited: Value = serde_yaml::from_str(&spec()).unwrap();
        let object = edited.pointer_mut(at).unwrap().as_object_mut().unwrap();
        let value = object
            .remove(from)
            .unwrap_or_else(|| panic!("no {at}/{from}"));
        object.insert(to.to_owned(), value);
        assert_eq!(unknown_keys(&edited), Ok(vec![format!("{at}/{to}")]));
    }
}

#[test]
fn the_generator_accepts_the_spec() {
    let output = stablemint_tests::generate();
    assert!(
        output
            .client
            .contains("pub async fn create_embedded_session")
    );
}
