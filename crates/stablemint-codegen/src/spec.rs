//! Loading the spec, and the checks that turn a broken spec into one clear sentence
//! before progenitor sees it.

use serde_json::Value;
use stablemint_wire::Status;

/// HTTP methods an OpenAPI 3.0 path item may hold, in the order the spec lists them.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Parses the spec and runs the checks that need no model of its operations: YAML, the
/// OpenAPI version, `$ref`s, operationIds.
pub(crate) fn parse(source: &str) -> Result<Value, String> {
    let document = parse_yaml(source).map_err(|e| e.message)?;
    check_version(&document)?;
    check_refs(&document)?;
    check_operation_ids(&document)?;
    Ok(document)
}

/// The document as openapiv3 types, for progenitor.
pub(crate) fn openapi(document: &Value) -> Result<openapiv3::OpenAPI, String> {
    serde_json::from_value(document.clone())
        .map_err(|e| format!("not a valid OpenAPI 3.0 document: {e}"))
}

/// Why a text is not a YAML document: the parser's message, and its 1-based line when
/// the parser gives one.
pub struct YamlError {
    /// `not valid YAML: ` and the parser's message.
    pub message: String,
    /// The 1-based line of the problem.
    pub line: Option<usize>,
}

/// Parses YAML (or JSON) text into a JSON value.
pub fn parse_yaml(source: &str) -> Result<Value, YamlError> {
    serde_yaml::from_str(source).map_err(|e| YamlError {
        message: format!("not valid YAML: {e}"),
        line: e.location().map(|l| l.line()),
    })
}

/// One reference token of a JSON Pointer, escaped (`~` as `~0`, `/` as `~1`), as
/// `stablemint_validate::push_token` writes it.
pub fn pointer_segment(token: &str) -> String {
    let mut escaped = String::with_capacity(token.len() + 1);
    stablemint_validate::push_token(&mut escaped, token);
    escaped.split_off(1)
}

fn check_version(document: &Value) -> Result<(), String> {
    let version = match document.get("openapi") {
        Some(Value::String(v)) => v.as_str(),
        Some(other) => {
            return Err(format!(
                "`openapi: {other}` must be a string such as \"3.0.3\""
            ));
        }
        None => {
            return Err("no `openapi` field: the document must start with `openapi: 3.0.3`".into());
        }
    };
    if version.starts_with("3.0.") {
        Ok(())
    } else {
        Err(format!(
            "`openapi: {version}` is not supported: progenitor reads OpenAPI 3.0.x only; \
             write `openapi: 3.0.3`"
        ))
    }
}

/// Every `$ref` must point inside this document at something that exists.
fn check_refs(root: &Value) -> Result<(), String> {
    walk_objects(root, &mut |map, at| {
        let Some(reference) = map.get("$ref") else {
            return Ok(());
        };
        let Value::String(reference) = reference else {
            return Err(format!("`$ref` at {at} is not a string"));
        };
        let Some(pointer) = reference.strip_prefix('#') else {
            return Err(format!(
                "`$ref: {reference}` at {at} points outside this file; \
                 only local references (`#/components/...`) are supported"
            ));
        };
        if root.pointer(pointer).is_none() {
            return Err(format!(
                "unresolvable `$ref: {reference}` at {at}: nothing is defined there"
            ));
        }
        Ok(())
    })
}

/// A visitor of the JSON objects of a document borrowed for `'d`: the object and its JSON
/// Pointer.
pub(crate) type ObjectVisitor<'d, 'v> =
    dyn FnMut(&'d serde_json::Map<String, Value>, &str) -> Result<(), String> + 'v;

/// Calls `visit` on every JSON object in the document with its JSON Pointer (`/` for the
/// root), depth first, stopping at the first error.
pub(crate) fn walk_objects<'d>(
    root: &'d Value,
    visit: &mut ObjectVisitor<'d, '_>,
) -> Result<(), String> {
    fn walk<'d>(
        node: &'d Value,
        at: &mut String,
        visit: &mut ObjectVisitor<'d, '_>,
    ) -> Result<(), String> {
        let children: Box<dyn Iterator<Item = (String, &'d Value)>> = match node {
            Value::Object(map) => {
                visit(map, if at.is_empty() { "/" } else { at })?;
                Box::new(map.iter().map(|(k, v)| (pointer_segment(k), v)))
            }
            Value::Array(items) => {
                Box::new(items.iter().enumerate().map(|(i, v)| (i.to_string(), v)))
            }
            _ => return Ok(()),
        };
        for (segment, child) in children {
            let len = at.len();
            at.push('/');
            at.push_str(&segment);
            walk(child, at, visit)?;
            at.truncate(len);
        }
        Ok(())
    }
    walk(root, &mut String::new(), visit)
}

/// progenitor names each client method after its operationId, so every operation needs
/// one, and no two may share it.
fn check_operation_ids(document: &Value) -> Result<(), String> {
    let mut seen = std::collections::BTreeMap::new();
    for (path, method, operation) in operations(document) {
        let here = format!("{} {path}", method.to_uppercase());
        match operation.get("operationId").and_then(Value::as_str) {
            None | Some("") => {
                return Err(format!(
                    "{here} has no `operationId`; add one, it names the client method"
                ));
            }
            Some(id) => {
                if let Some(first) = seen.insert(id.to_owned(), here.clone()) {
                    return Err(format!(
                        "{here} and {first} share the operationId `{id}`; make them unique"
                    ));
                }
            }
        }
    }
    Ok(())
}

/// `(path, method, operation)` for every operation, in document order.
pub(crate) fn operations(document: &Value) -> Vec<(&str, &'static str, &Value)> {
    let mut out = Vec::new();
    if let Some(Value::Object(paths)) = document.get("paths") {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(operation) = item.get(method) {
                    out.push((path.as_str(), method, operation));
                }
            }
        }
    }
    out
}

/// Follows a local `$ref` (already checked to resolve); other values are returned as-is.
pub(crate) fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    follow(document, value, "").0
}

/// Follows local `$ref`s from `value`, found at the JSON Pointer `at`, to what they
/// point at, with its pointer. A `$ref` that resolves to nothing is left as it is, and
/// after a bounded number of hops the walk stops, so a cycle of references cannot loop.
pub fn follow<'a>(document: &'a Value, mut value: &'a Value, at: &str) -> (&'a Value, String) {
    let mut at = at.to_owned();
    for _ in 0..32 {
        let Some(pointer) = value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        else {
            break;
        };
        let Some(target) = document.pointer(pointer) else {
            break;
        };
        value = target;
        at = pointer.to_owned();
    }
    (value, at)
}

/// The names a schema lists under `required` (none when it lists nothing).
pub fn required_properties(schema: &Value) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// The component name a `$ref: '#/components/schemas/Name'` points at.
pub(crate) fn schema_ref_name(value: &Value) -> Option<&str> {
    value
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

/// A response's status key: `200`, `4XX` (or `4xx`), `default`; `None` for anything
/// else.
pub(crate) fn parse_status(status: &str) -> Option<Status> {
    if status == "default" {
        return Some(Status::Default);
    }
    if let Some(first) = status
        .strip_suffix("XX")
        .or_else(|| status.strip_suffix("xx"))
    {
        return first
            .parse::<u8>()
            .ok()
            .filter(|d| (1..=5).contains(d))
            .map(Status::Range);
    }
    status
        .parse::<u16>()
        .ok()
        .filter(|s| (100..=599).contains(s))
        .map(Status::Code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(parse_status("200"), Some(Status::Code(200)));
        assert_eq!(parse_status("4XX"), Some(Status::Range(4)));
        assert_eq!(parse_status("5xx"), Some(Status::Range(5)));
        assert_eq!(parse_status("default"), Some(Status::Default));
        for bad in ["", "600", "99", "6XX", "0XX", "abc", "20"] {
            assert_eq!(parse_status(bad), None, "{bad}");
        }
    }
}
