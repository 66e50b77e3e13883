//! The structural pass: every differing leaf of the two documents that no classified
//! change explains becomes a change of its own, so nothing is dropped.
//!
//! A leaf is a value present on one side only, or a scalar that differs. Objects are
//! compared key by key. Arrays of scalars are compared as sets (a new order alone is one
//! leaf, the array); arrays of objects pair their elements by `in` and `name`
//! (parameters) or by `$ref` when every element has one, by position otherwise.

use serde_json::Value;

use stablemint_codegen::spec::{METHODS, pointer_segment};

use crate::escape::code;
use crate::identity::fingerprint;
use crate::rules::{self, UNCLASSIFIED};
use crate::walk::{label, show};
use crate::{Change, Location, Side};

/// One difference: where it is on each side, and the values.
pub(crate) struct Leaf<'a> {
    base_at: Option<String>,
    head_at: Option<String>,
    before: Option<&'a Value>,
    after: Option<&'a Value>,
}

/// Every differing leaf of `base` against `head`.
pub(crate) fn leaves<'a>(base: &'a Value, head: &'a Value) -> Vec<Leaf<'a>> {
    let mut out = Vec::new();
    diff(base, head, "", "", &mut out);
    out
}

fn diff<'a>(b: &'a Value, h: &'a Value, b_at: &str, h_at: &str, out: &mut Vec<Leaf<'a>>) {
    if b == h {
        return;
    }
    match (b, h) {
        (Value::Object(bm), Value::Object(hm)) => {
            for (key, bv) in bm {
                let segment = pointer_segment(key);
                match hm.get(key) {
                    Some(hv) => diff(
                        bv,
                        hv,
                        &format!("{b_at}/{segment}"),
                        &format!("{h_at}/{segment}"),
                        out,
                    ),
                    None => match keyed_list(bv) {
                        Some(list) => arrays(
                            list,
                            &[],
                            &format!("{b_at}/{segment}"),
                            &format!("{h_at}/{segment}"),
                            bv,
                            &EMPTY,
                            out,
                        ),
                        None => out.push(Leaf {
                            base_at: Some(format!("{b_at}/{segment}")),
                            head_at: None,
                            before: Some(bv),
                            after: None,
                        }),
                    },
                }
            }
            for (key, hv) in hm.iter().filter(|(k, _)| !bm.contains_key(*k)) {
                let at = |root: &str| format!("{root}/{}", pointer_segment(key));
                match keyed_list(hv) {
                    Some(list) => arrays(&[], list, &at(b_at), &at(h_at), &EMPTY, hv, out),
                    None => out.push(Leaf {
                        base_at: None,
                        head_at: Some(at(h_at)),
                        before: None,
                        after: Some(hv),
                    }),
                }
            }
        }
        (Value::Array(ba), Value::Array(ha)) => arrays(ba, ha, b_at, h_at, b, h, out),
        _ => out.push(Leaf {
            base_at: Some(b_at.to_owned()),
            head_at: Some(h_at.to_owned()),
            before: Some(b),
            after: Some(h),
        }),
    }
}

static EMPTY: Value = Value::Array(Vec::new());

/// The elements of a list of parameters or `$ref`s, which [`arrays`] pairs by what names
/// them. A list on one side only is compared with an empty one, element by element, so
/// that the walk's change for each element explains it (a first parameter added to an
/// operation is `new-optional-request-parameter`, not also a new `parameters` list).
fn keyed_list(value: &Value) -> Option<&[Value]> {
    let list = value.as_array()?;
    (!list.is_empty() && list.iter().all(|v| key(v).is_some())).then_some(list.as_slice())
}

/// What names an element of a list of objects: a parameter's `in` and name, or a `$ref`.
fn key(v: &Value) -> Option<String> {
    if let (Some(place), Some(name)) = (
        v.get("in").and_then(Value::as_str),
        v.get("name").and_then(Value::as_str),
    ) {
        return Some(format!("{place} {}", name.to_ascii_lowercase()));
    }
    v.get("$ref").and_then(Value::as_str).map(str::to_owned)
}

fn arrays<'a>(
    ba: &'a [Value],
    ha: &'a [Value],
    b_at: &str,
    h_at: &str,
    b: &'a Value,
    h: &'a Value,
    out: &mut Vec<Leaf<'a>>,
) {
    let scalar = |v: &Value| !v.is_object() && !v.is_array();
    if ba.iter().chain(ha).all(scalar) {
        let before = out.len();
        let mut unmatched: Vec<Option<&Value>> = ha.iter().map(Some).collect();
        for (i, bv) in ba.iter().enumerate() {
            match unmatched.iter_mut().find(|slot| **slot == Some(bv)) {
                Some(slot) => *slot = None,
                None => out.push(Leaf {
                    base_at: Some(format!("{b_at}/{i}")),
                    head_at: None,
                    before: Some(bv),
                    after: None,
                }),
            }
        }
        for (j, hv) in unmatched.iter().enumerate() {
            if let Some(hv) = hv {
                out.push(Leaf {
                    base_at: None,
                    head_at: Some(format!("{h_at}/{j}")),
                    before: None,
                    after: Some(hv),
                });
            }
        }
        if out.len() == before {
            // The same values in another order.
            out.push(Leaf {
                base_at: Some(b_at.to_owned()),
                head_at: Some(h_at.to_owned()),
                before: Some(b),
                after: Some(h),
            });
        }
        return;
    }
    let keyed = ba.iter().chain(ha).all(|v| key(v).is_some());
    if !keyed {
        for i in 0..ba.len().max(ha.len()) {
            match (ba.get(i), ha.get(i)) {
                (Some(bv), Some(hv)) => {
                    diff(bv, hv, &format!("{b_at}/{i}"), &format!("{h_at}/{i}"), out)
                }
                (Some(bv), None) => out.push(Leaf {
                    base_at: Some(format!("{b_at}/{i}")),
                    head_at: None,
                    before: Some(bv),
                    after: None,
                }),
                (None, Some(hv)) => out.push(Leaf {
                    base_at: None,
                    head_at: Some(format!("{h_at}/{i}")),
                    before: None,
                    after: Some(hv),
                }),
                (None, None) => {}
            }
        }
        return;
    }
    for (i, bv) in ba.iter().enumerate() {
        match ha.iter().position(|hv| key(hv) == key(bv)) {
            Some(j) => diff(
                bv,
                &ha[j],
                &format!("{b_at}/{i}"),
                &format!("{h_at}/{j}"),
                out,
            ),
            None => out.push(Leaf {
                base_at: Some(format!("{b_at}/{i}")),
                head_at: None,
                before: Some(bv),
                after: None,
            }),
        }
    }
    for (j, hv) in ha.iter().enumerate() {
        if !ba.iter().any(|bv| key(bv) == key(hv)) {
            out.push(Leaf {
                base_at: None,
                head_at: Some(format!("{h_at}/{j}")),
                before: None,
                after: Some(hv),
            });
        }
    }
}

/// Whether `pointer` is `prefix` or below it.
fn under(pointer: &str, prefix: &str) -> bool {
    pointer
        .strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The changes for the leaves that `covered` does not explain: documentation edits
/// (`description`, `summary`, `example`) get their own ids, anything else is
/// `unclassified`.
pub(crate) fn unexplained(
    leaves: &[Leaf<'_>],
    covered: &[String],
    base: &Value,
    head: &Value,
) -> Vec<Change> {
    let is_covered = |at: &Option<String>| {
        at.as_deref()
            .is_some_and(|at| covered.iter().any(|prefix| under(at, prefix)))
    };
    let mut out = Vec::new();
    for leaf in leaves {
        if is_covered(&leaf.base_at) || is_covered(&leaf.head_at) {
            continue;
        }
        let (pointer, side, doc) = match (&leaf.head_at, &leaf.base_at) {
            (Some(at), _) => (at.as_str(), Side::Head, head),
            (None, Some(at)) => (at.as_str(), Side::Base, base),
            (None, None) => continue,
        };
        let segments: Vec<&str> = pointer.split('/').collect();
        let last = segments.last().copied().unwrap_or("");
        let parent = segments.len().checked_sub(2).map_or("", |i| segments[i]);
        // A property named `description` is not documentation.
        let documentation = match (parent, last) {
            ("properties", _) => None,
            (_, "description") => Some("description-changed"),
            (_, "summary") => Some("summary-changed"),
            (_, "example" | "examples") => Some("example-changed"),
            _ => None,
        };
        let id = documentation.unwrap_or(UNCLASSIFIED);
        let Some(rule) = rules::rule(id) else {
            continue;
        };
        let key = unescape(last);
        let what = if documentation.is_some() {
            key.clone()
        } else {
            code(&key)
        };
        let message = match (leaf.before, leaf.after) {
            (Some(Value::String(b)), Some(Value::String(a))) => {
                let (b, a) = differing(b, a);
                format!("{what} changed from {} to {}", show(&b), show(&a))
            }
            (Some(b), Some(a)) => format!("{what} changed from {} to {}", show(b), show(a)),
            (None, Some(a)) => format!("{what} added: {}", show(a)),
            (Some(b), None) => format!("{what} removed (was {})", show(b)),
            (None, None) => continue,
        };
        let message = if documentation.is_some() {
            message
        } else {
            format!("{message}; not classified, review it")
        };
        let operation = operation_of(&segments);
        out.push(Change {
            id: rule.id,
            level: rule.wire,
            fingerprint: fingerprint(rule.id, operation.as_deref(), doc, pointer, None),
            location: Location::new(operation.as_deref(), pointer, side),
            message,
            accepted: None,
        });
    }
    out
}

/// How many characters of context a shortened text keeps on each side of where two
/// texts differ.
const CONTEXT: usize = 20;

/// Two texts as a message shows them: whole when short, else each cut to where they
/// differ, with some context and `…` where text was left out, so that the difference
/// is what the reader sees (two long descriptions cut to the same first sixty
/// characters would look equal).
fn differing(before: &str, after: &str) -> (Value, Value) {
    const WHOLE: usize = 60;
    let b: Vec<char> = before.chars().collect();
    let a: Vec<char> = after.chars().collect();
    if b.len() <= WHOLE && a.len() <= WHOLE {
        return (Value::from(before), Value::from(after));
    }
    let prefix = b.iter().zip(&a).take_while(|(x, y)| x == y).count();
    let room = b.len().min(a.len()) - prefix;
    let suffix = b
        .iter()
        .rev()
        .zip(a.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    let cut = |text: &[char]| {
        let start = prefix.saturating_sub(CONTEXT);
        let end = (text.len() - suffix + CONTEXT).min(text.len());
        let mut out = String::new();
        if start > 0 {
            out.push('…');
        }
        out.extend(&text[start..end]);
        if end < text.len() {
            out.push('…');
        }
        Value::from(out)
    };
    (cut(&b), cut(&a))
}

/// `POST /session/embedded` for a pointer under `/paths/~1session~1embedded/post`.
fn operation_of(segments: &[&str]) -> Option<String> {
    match segments {
        ["", "paths", path, method, ..] if METHODS.contains(method) => {
            Some(label(method, &unescape(path)))
        }
        _ => None,
    }
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pointers(b: Value, h: Value) -> Vec<(Option<String>, Option<String>)> {
        leaves(&b, &h)
            .into_iter()
            .map(|l| (l.base_at, l.head_at))
            .collect()
    }

    #[test]
    fn objects_scalars_and_arrays() {
        let s = |p: &str| Some(p.to_owned());
        assert_eq!(
            pointers(
                json!({"a": 1, "b": {"c": 2}}),
                json!({"a": 2, "b": {}, "d/e": 3})
            ),
            vec![(s("/a"), s("/a")), (s("/b/c"), None), (None, s("/d~1e"))]
        );
        assert_eq!(
            pointers(json!({"r": ["x", "y", "z"]}), json!({"r": ["z", "x", "w"]})),
            vec![(s("/r/1"), None), (None, s("/r/2"))]
        );
        assert_eq!(
            pointers(json!({"r": ["x", "y"]}), json!({"r": ["y", "x"]})),
            vec![(s("/r"), s("/r"))]
        );
        let p = |name: &str, d: &str| json!({"in": "query", "name": name, "description": d});
        assert_eq!(
            pointers(
                json!({"p": [p("a", "1"), p("b", "1")]}),
                json!({"p": [p("c", "1"), p("b", "2")]})
            ),
            vec![
                (s("/p/0"), None),
                (s("/p/1/description"), s("/p/1/description")),
                (None, s("/p/0"))
            ]
        );
    }

    #[test]
    fn long_texts_are_shown_where_they_differ() {
        let intro = "The loyalty tier of the user, as the merchant's own program names it, ";
        let before = format!("{intro}from bronze to gold. Optional.");
        let after = format!("{intro}from bronze to platinum. Optional.");
        let (b, a) = differing(&before, &after);
        // Twenty characters before the first difference, and after the last one.
        assert_eq!(b, json!("… it, from bronze to gold. Optional."));
        assert_eq!(a, json!("… it, from bronze to platinum. Optional."));
        // Short texts are shown whole.
        assert_eq!(differing("a", "b"), (json!("a"), json!("b")));
        // A text that only grows at its end.
        let (b, a) = differing(&"x".repeat(80), &format!("{}y", "x".repeat(80)));
        assert_eq!(b, json!(format!("…{}", "x".repeat(20))));
        assert_eq!(a, json!(format!("…{}y", "x".repeat(20))));
    }

    #[test]
    fn coverage_is_by_whole_segments() {
        assert!(under("/a/b", "/a/b"));
        assert!(under("/a/b/c", "/a/b"));
        assert!(!under("/a/bc", "/a/b"));
    }
}
