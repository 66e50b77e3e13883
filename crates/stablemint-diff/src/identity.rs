//! A change's fingerprint: what `openapi/accepted-changes.yaml` names a change by.
//!
//! It is the first 12 hex digits of the SHA-256 of the rule id, the operation and the
//! pointer, so it is the same on every run, and an edit elsewhere in the spec leaves it
//! as it is. Pointers name array elements by position (`parameters/2`), and a parameter
//! added before another moves it; so before hashing, every array index in the pointer
//! is replaced by what identifies the element: a parameter's `in` and name, a `$ref`,
//! a scalar's value. Changes that share a rule, an operation and a pointer (enum values
//! added to one schema) add what tells them apart, the value.

use serde_json::Value;
use sha2::{Digest, Sha256};
use stablemint_codegen::spec::pointer_segment;

/// How many hex digits a fingerprint has: 48 bits, plenty for the few changes of one
/// review, and short enough to read out.
pub const FINGERPRINT_LEN: usize = 12;

/// The fingerprint of a change with rule `id` at `operation` and `pointer` into `doc`;
/// `subject` tells apart changes that would otherwise share all three.
pub(crate) fn fingerprint(
    id: &str,
    operation: Option<&str>,
    doc: &Value,
    pointer: &str,
    subject: Option<&str>,
) -> String {
    let mut hasher = Sha256::new();
    // Each part is followed by a NUL, which none of them can hold, so no two
    // different lists of parts hash the same text.
    for part in [
        id,
        operation.unwrap_or(""),
        &stable_pointer(doc, pointer),
        subject.unwrap_or(""),
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let mut digest = hex::encode(hasher.finalize());
    digest.truncate(FINGERPRINT_LEN);
    digest
}

/// `pointer` with each array index replaced by the identity of the element it names in
/// `doc`: `in:name` for a parameter (a header's name in lower case, as HTTP compares
/// them), the `$ref` of a reference, the JSON text of a scalar. An element with none of
/// these, or a pointer that leaves the document, keeps its index.
pub(crate) fn stable_pointer(doc: &Value, pointer: &str) -> String {
    let mut out = String::with_capacity(pointer.len());
    let mut node = Some(doc);
    for segment in pointer.split('/').skip(1) {
        let element = match node {
            Some(Value::Array(items)) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        out.push('/');
        match element.and_then(identity) {
            Some(id) => out.push_str(&pointer_segment(&id)),
            None => out.push_str(segment),
        }
        node = match node {
            Some(Value::Object(map)) => map.get(&segment.replace("~1", "/").replace("~0", "~")),
            Some(Value::Array(_)) => element,
            _ => None,
        };
    }
    out
}

fn identity(element: &Value) -> Option<String> {
    let text = |key: &str| element.get(key).and_then(Value::as_str);
    if let (Some(place), Some(name)) = (text("in"), text("name")) {
        let name = if place == "header" {
            name.to_ascii_lowercase()
        } else {
            name.to_owned()
        };
        return Some(format!("{place}:{name}"));
    }
    if let Some(reference) = text("$ref") {
        return Some(reference.to_owned());
    }
    match element {
        Value::Object(_) | Value::Array(_) => None,
        scalar => Some(scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn indices_become_identities() {
        let doc = json!({"p": {"post": {"parameters": [
            {"in": "header", "name": "X-Trace"},
            {"$ref": "#/components/parameters/Page"},
            {"schema": {}},
        ]}}, "e": ["a", 1]});
        let stable = |p: &str| stable_pointer(&doc, p);
        assert_eq!(
            stable("/p/post/parameters/0"),
            "/p/post/parameters/header:x-trace"
        );
        assert_eq!(
            stable("/p/post/parameters/1/x"),
            "/p/post/parameters/#~1components~1parameters~1Page/x"
        );
        assert_eq!(
            stable("/p/post/parameters/2/schema"),
            "/p/post/parameters/2/schema"
        );
        assert_eq!(stable("/e/0"), "/e/\"a\"");
        assert_eq!(stable("/e/1"), "/e/1");
        assert_eq!(stable("/e/7"), "/e/7");
        assert_eq!(stable("/missing/0"), "/missing/0");
        assert_eq!(stable(""), "");
    }

    #[test]
    fn a_parameter_added_before_another_keeps_its_fingerprint() {
        let before = json!({"ps": [{"in": "query", "name": "page"}]});
        let after =
            json!({"ps": [{"in": "query", "name": "new"}, {"in": "query", "name": "page"}]});
        let id = "request-parameter-became-required";
        let a = fingerprint(id, Some("GET /x"), &before, "/ps/0", None);
        let b = fingerprint(id, Some("GET /x"), &after, "/ps/1", None);
        assert_eq!(a, b);
        assert_eq!(a.len(), FINGERPRINT_LEN);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        // Each of the parts counts.
        assert_ne!(
            a,
            fingerprint(
                "request-parameter-removed",
                Some("GET /x"),
                &before,
                "/ps/0",
                None
            )
        );
        assert_ne!(a, fingerprint(id, Some("GET /y"), &before, "/ps/0", None));
        assert_ne!(a, fingerprint(id, None, &before, "/ps/0", None));
        assert_ne!(a, fingerprint(id, Some("GET /x"), &after, "/ps/0", None));
        assert_ne!(
            a,
            fingerprint(id, Some("GET /x"), &before, "/ps/0", Some("\"v\""))
        );
    }

    #[test]
    fn the_hash_is_sha256_of_the_parts() {
        // The digest of "a\0\0/b\0\0", computed independently (`printf 'a\0\0/b\0\0' |
        // sha256sum`), pins the scheme: a change of it changes every accepted entry.
        assert_eq!(
            fingerprint("a", None, &json!({}), "/b", None),
            "5dfa39147491"
        );
    }
}
