//! The one walk over every object of the document: where `format` and `pattern` stand
//! (the format and pattern checks judge each by its place, anywhere in the document,
//! examples included), and every `$ref` (what each points at is read into
//! [`Schemas`](super::schema::Schemas)).

use serde_json::Value;

use crate::spec::walk_objects;

/// An object of the document with a `format` or a `pattern` that is text.
pub(crate) struct Site<'d> {
    /// Its JSON Pointer (`/` for the root).
    pub at: String,
    /// Its `format`, when it is text.
    pub format: Option<&'d str>,
    /// The first of `minLength` and `maxLength` it has, whatever its value.
    pub length_limit: Option<&'static str>,
    /// Whether it has a `pattern` that is text.
    pub pattern: bool,
}

/// What the walk found.
pub(crate) struct Keywords<'d> {
    /// Every object with a `format` or a `pattern`, in document order (depth first).
    pub sites: Vec<Site<'d>>,
    /// The text of every `$ref`, in document order.
    pub references: Vec<&'d str>,
}

impl<'d> Keywords<'d> {
    /// Walks every object of `document`.
    pub fn read(document: &'d Value) -> Self {
        let mut sites = Vec::new();
        let mut references: Vec<&'d str> = Vec::new();
        let walked = walk_objects(document, &mut |map, at| {
            if let Some(Value::String(reference)) = map.get("$ref") {
                references.push(reference);
            }
            let format = match map.get("format") {
                Some(Value::String(format)) => Some(format.as_str()),
                _ => None,
            };
            let pattern = matches!(map.get("pattern"), Some(Value::String(_)));
            if format.is_some() || pattern {
                sites.push(Site {
                    at: at.to_owned(),
                    format,
                    length_limit: ["minLength", "maxLength"]
                        .into_iter()
                        .find(|key| map.contains_key(*key)),
                    pattern,
                });
            }
            Ok(())
        });
        debug_assert!(walked.is_ok(), "the visitor never fails");
        Self { sites, references }
    }
}
