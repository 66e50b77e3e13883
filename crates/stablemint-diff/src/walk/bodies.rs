//! Request bodies and responses: presence, required-ness, status codes and the method
//! types progenitor derives from them, and the schemas of their media types.

use std::collections::BTreeSet;

use serde_json::Value;
use stablemint_codegen::spec::{follow, pointer_segment};

use super::{At, Dir, Pair, Scope, Seen, Site, Walker, object_at, ref_of};
use crate::escape::word;

impl Walker<'_> {
    pub(super) fn request_body(
        &mut self,
        label: &str,
        b: &Value,
        h: &Value,
        at: &str,
        seen: &mut Seen,
    ) {
        let body_at = format!("{at}/requestBody");
        let (bb, hb) = (
            b.get("requestBody").map(|v| follow(self.base, v, &body_at)),
            h.get("requestBody").map(|v| follow(self.head, v, &body_at)),
        );
        let required = |v: &Value| v.get("required").and_then(Value::as_bool) == Some(true);
        match (bb, hb) {
            (None, None) => {}
            (None, Some((body, _))) => {
                let (id, presence) = if required(body) {
                    ("request-body-added-required", "required")
                } else {
                    ("request-body-added-optional", "optional")
                };
                self.emit(
                    id,
                    Some(label),
                    At::head(&body_at),
                    format!("{presence} request body added"),
                    None,
                    &[&body_at],
                );
            }
            (Some(_), None) => {
                self.emit(
                    "request-body-removed",
                    Some(label),
                    At::base(&body_at),
                    "request body removed".into(),
                    None,
                    &[&body_at],
                );
            }
            (Some((b, b_at)), Some((h, h_at))) => {
                if required(b) != required(h) {
                    let (id, became) = if required(h) {
                        ("request-body-became-required", "required")
                    } else {
                        ("request-body-became-optional", "optional")
                    };
                    let covers = [format!("{b_at}/required"), format!("{h_at}/required")];
                    self.emit(
                        id,
                        Some(label),
                        At::head(&h_at),
                        format!("request body became {became}"),
                        None,
                        &[&covers[0], &covers[1]],
                    );
                }
                self.contents(label, Dir::Request, (b, &b_at), (h, &h_at), seen);
            }
        }
    }

    /// The schemas of the media types both sides have.
    fn contents(
        &mut self,
        label: &str,
        dir: Dir,
        (b, b_at): (&Value, &str),
        (h, h_at): (&Value, &str),
        seen: &mut Seen,
    ) {
        let (Some(bc), Some(hc)) = (
            b.get("content").and_then(Value::as_object),
            h.get("content").and_then(Value::as_object),
        ) else {
            return;
        };
        for (media, bm) in bc {
            let Some(hm) = hc.get(media) else { continue };
            let (Some(bs), Some(hs)) = (bm.get("schema"), hm.get("schema")) else {
                continue;
            };
            let segment = pointer_segment(media);
            let (bs_at, hs_at) = (
                format!("{b_at}/content/{segment}/schema"),
                format!("{h_at}/content/{segment}/schema"),
            );
            let site = Site {
                operation: Some(label),
                dir,
                scope: Scope::Body,
                name: "",
            };
            self.schema(
                &site,
                Pair {
                    base: bs,
                    base_at: &bs_at,
                    head: hs,
                    head_at: &hs_at,
                },
                seen,
            );
        }
    }

    pub(super) fn responses(
        &mut self,
        label: &str,
        b: &Value,
        h: &Value,
        at: &str,
        seen: &mut Seen,
    ) {
        let br = object_at(b, "/responses");
        let hr = object_at(h, "/responses");
        let success = |status: &str| status.starts_with('2');
        // The body types of the success (or error) responses: progenitor generates one
        // return (or error) type from them, and fails when they differ.
        // No response at all gives the same `()` as a response without a body.
        let body_types = |doc: &Value, responses: &serde_json::Map<String, Value>, ok: bool| {
            let mut types = responses
                .iter()
                .filter(|(s, _)| success(s) == ok || s.as_str() == "default")
                .map(|(_, r)| body_type(doc, r))
                .collect::<BTreeSet<String>>();
            if types.is_empty() {
                types.insert("no body".to_owned());
            }
            types
        };
        let responses_at = format!("{at}/responses");
        for (status, _) in hr.iter().filter(|(s, _)| !br.contains_key(*s)) {
            let ok = success(status);
            let (from, to) = (
                method_type(ok, &body_types(self.base, br, ok)),
                method_type(ok, &body_types(self.head, hr, ok)),
            );
            let id = if ok {
                "response-success-status-added"
            } else {
                "response-non-success-status-added"
            };
            let pointer = format!("{responses_at}/{}", pointer_segment(status));
            self.emit(
                id,
                Some(label),
                At::head(&pointer),
                format!("response status {} added", word(status)),
                Some((&from, &to)),
                &[&pointer],
            );
        }
        for (status, bresp) in br {
            let pointer = format!("{responses_at}/{}", pointer_segment(status));
            let Some(hresp) = hr.get(status) else {
                let ok = success(status);
                let (from, to) = (
                    method_type(ok, &body_types(self.base, br, ok)),
                    method_type(ok, &body_types(self.head, hr, ok)),
                );
                let id = if ok {
                    "response-success-status-removed"
                } else {
                    "response-non-success-status-removed"
                };
                self.emit(
                    id,
                    Some(label),
                    At::base(&pointer),
                    format!("response status {} removed", word(status)),
                    Some((&from, &to)),
                    &[&pointer],
                );
                continue;
            };
            let (b, b_at) = follow(self.base, bresp, &pointer);
            let (h, h_at) = follow(self.head, hresp, &pointer);
            self.contents(label, Dir::Response, (b, &b_at), (h, &h_at), seen);
        }
    }
}

/// The key of a response's body type: its schema's `$ref`, the schema itself, or
/// `no body`.
fn body_type(doc: &Value, response: &Value) -> String {
    let (response, _) = follow(doc, response, "");
    let schema = response
        .get("content")
        .and_then(Value::as_object)
        .and_then(|c| c.values().next())
        .and_then(|m| m.get("schema"));
    match schema {
        None => "no body".to_owned(),
        Some(s) => match ref_of(s).and_then(|r| r.strip_prefix("#/components/schemas/")) {
            Some(name) => format!("types::{name}"),
            None => s.to_string(),
        },
    }
}

/// The method's success type (`ResponseValue<types::X>`) or error type
/// (`Error<types::E>`) that progenitor generates from the body types of its success or
/// error responses; it generates none when they differ.
fn method_type(success: bool, bodies: &BTreeSet<String>) -> String {
    let mut bodies = bodies.iter();
    let (Some(only), None) = (bodies.next(), bodies.next()) else {
        let kind = if success { "success" } else { "error" };
        return format!("no method: progenitor 0.15.1 needs one {kind} body type");
    };
    let inner = match only.as_str() {
        "no body" => "()",
        name if name.starts_with("types::") => name,
        _ => "an inline type",
    };
    if success {
        format!("ResponseValue<{inner}>")
    } else {
        format!("Error<{inner}>")
    }
}
