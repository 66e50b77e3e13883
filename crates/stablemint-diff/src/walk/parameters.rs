//! An operation's parameters, path-level ones included, matched by `in` and name.

use serde_json::Value;
use stablemint_codegen::spec::follow;

use super::{At, Dir, Pair, Scope, Seen, Site, Walker, str_at};
use crate::escape::{code, word};

impl Walker<'_> {
    pub(super) fn parameters(
        &mut self,
        label: &str,
        (base_item, b): (&Value, &Value),
        (head_item, h): (&Value, &Value),
        path_at: &str,
        at: &str,
    ) {
        let base_params = parameters(self.base, base_item, b, path_at, at);
        let head_params = parameters(self.head, head_item, h, path_at, at);
        for hp in &head_params {
            if base_params.iter().any(|bp| bp.key == hp.key) {
                continue;
            }
            let required = is_required_param(hp.value);
            let id = if hp.place == "path" {
                "new-request-path-parameter"
            } else if required {
                "new-required-request-parameter"
            } else {
                "new-optional-request-parameter"
            };
            let presence = if required { "required" } else { "optional" };
            self.emit(
                id,
                Some(label),
                At::head(&hp.element_at),
                format!(
                    "{presence} {} parameter {} added",
                    word(&hp.place),
                    code(&hp.name)
                ),
                None,
                &[&hp.element_at],
            );
        }
        for bp in &base_params {
            let Some(hp) = head_params.iter().find(|hp| hp.key == bp.key) else {
                self.emit(
                    "request-parameter-removed",
                    Some(label),
                    At::base(&bp.element_at),
                    format!("{} parameter {} removed", word(&bp.place), code(&bp.name)),
                    None,
                    &[&bp.element_at],
                );
                continue;
            };
            let (rb, rh) = (is_required_param(bp.value), is_required_param(hp.value));
            if rb != rh {
                let (id, became) = if rh {
                    ("request-parameter-became-required", "required")
                } else {
                    ("request-parameter-became-optional", "optional")
                };
                let covers = [
                    format!("{}/required", bp.resolved_at),
                    format!("{}/required", hp.resolved_at),
                ];
                self.emit(
                    id,
                    Some(label),
                    At::head(&hp.resolved_at),
                    format!(
                        "{} parameter {} became {became}",
                        word(&hp.place),
                        code(&hp.name)
                    ),
                    None,
                    &[&covers[0], &covers[1]],
                );
            }
            if let (Some(bs), Some(hs)) = (bp.value.get("schema"), hp.value.get("schema")) {
                let (bs_at, hs_at) = (
                    format!("{}/schema", bp.resolved_at),
                    format!("{}/schema", hp.resolved_at),
                );
                let site = Site {
                    operation: Some(label),
                    dir: Dir::Request,
                    scope: Scope::Parameter,
                    name: &hp.name,
                };
                let mut seen = Seen::new();
                self.schema(
                    &site,
                    Pair {
                        base: bs,
                        base_at: &bs_at,
                        head: hs,
                        head_at: &hs_at,
                    },
                    &mut seen,
                );
            }
        }
    }
}

/// A parameter of an operation, path-level ones included.
struct Param<'a> {
    /// `in` and name (a header's name in lower case): what identifies it.
    key: String,
    place: String,
    name: String,
    /// The parameter itself, `$ref` followed.
    value: &'a Value,
    /// Where it is listed (`/paths/~1a/post/parameters/2`).
    element_at: String,
    /// Where its definition is (the component, for a `$ref`).
    resolved_at: String,
}

fn parameters<'a>(
    doc: &'a Value,
    item: &'a Value,
    op: &'a Value,
    path_at: &str,
    op_at: &str,
) -> Vec<Param<'a>> {
    let mut out: Vec<Param<'a>> = Vec::new();
    for (list, at) in [
        (item.get("parameters"), path_at),
        (op.get("parameters"), op_at),
    ] {
        for (i, element) in list
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let element_at = format!("{at}/parameters/{i}");
            let (value, resolved_at) = follow(doc, element, &element_at);
            let (Some(place), Some(name)) = (str_at(value, "in"), str_at(value, "name")) else {
                continue;
            };
            let key = if place == "header" {
                format!("header {}", name.to_ascii_lowercase())
            } else {
                format!("{place} {name}")
            };
            // An operation's parameter overrides the path's.
            out.retain(|p| p.key != key);
            out.push(Param {
                key,
                place: place.to_owned(),
                name: name.to_owned(),
                value,
                element_at,
                resolved_at,
            });
        }
    }
    out
}

fn is_required_param(param: &Value) -> bool {
    param.get("required").and_then(Value::as_bool) == Some(true)
        || param.get("in").and_then(Value::as_str) == Some("path")
}
