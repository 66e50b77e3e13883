//! Operations: added, removed, renamed or deprecated, and their `x-stablemint`
//! declarations (what the signature covers, where the idempotency key goes).

use serde_json::Value;
use stablemint_codegen::spec::{METHODS, pointer_segment};

use super::{At, Seen, Walker, label, object_at, str_at};
use crate::escape::code;

impl Walker<'_> {
    pub(super) fn paths(&mut self) {
        let base_paths = object_at(self.base, "/paths");
        let head_paths = object_at(self.head, "/paths");
        let names: Vec<&String> = base_paths
            .keys()
            .chain(head_paths.keys().filter(|k| !base_paths.contains_key(*k)))
            .collect();
        for path in names {
            let at = format!("/paths/{}", pointer_segment(path));
            match (base_paths.get(path), head_paths.get(path)) {
                (None, Some(item)) => {
                    for (method, _) in methods(item) {
                        self.operation_added(path, method, &at);
                    }
                    self.cover(&[&at]);
                }
                (Some(item), None) => {
                    for (method, op) in methods(item) {
                        self.operation_removed(path, method, op, &at, true);
                    }
                    self.cover(&[&at]);
                }
                (Some(b), Some(h)) => {
                    for method in METHODS {
                        match (b.get(method), h.get(method)) {
                            (None, Some(_)) => self.operation_added(path, method, &at),
                            (Some(op), None) => {
                                self.operation_removed(path, method, op, &at, false)
                            }
                            (Some(bo), Some(ho)) => {
                                self.operation(path, method, (b, bo), (h, ho), &at)
                            }
                            (None, None) => {}
                        }
                    }
                }
                (None, None) => {}
            }
        }
    }

    fn operation_added(&mut self, path: &str, method: &str, path_at: &str) {
        let label = label(method, path);
        let at = format!("{path_at}/{method}");
        self.emit(
            "endpoint-added",
            Some(&label),
            At::head(&at),
            format!("operation {} added", code(&label)),
            None,
            &[&at],
        );
    }

    fn operation_removed(
        &mut self,
        path: &str,
        method: &str,
        op: &Value,
        path_at: &str,
        whole_path: bool,
    ) {
        let label = label(method, path);
        let at = format!("{path_at}/{method}");
        let deprecated = op.get("deprecated").and_then(Value::as_bool) == Some(true);
        let id = match (whole_path, deprecated) {
            (true, true) => "api-path-removed-with-deprecation",
            (true, false) => "api-path-removed-without-deprecation",
            (false, true) => "api-removed-with-deprecation",
            (false, false) => "api-removed-without-deprecation",
        };
        let how = if deprecated {
            "after its deprecation"
        } else {
            "without deprecation"
        };
        self.emit(
            id,
            Some(&label),
            At::base(&at),
            format!("operation {} removed {how}", code(&label)),
            None,
            &[&at],
        );
    }

    fn operation(
        &mut self,
        path: &str,
        method: &str,
        (base_item, b): (&Value, &Value),
        (head_item, h): (&Value, &Value),
        path_at: &str,
    ) {
        let label = label(method, path);
        let at = format!("{path_at}/{method}");
        let op = Some(label.as_str());

        let (bid, hid) = (str_at(b, "operationId"), str_at(h, "operationId"));
        if bid != hid {
            let pointer = format!("{at}/operationId");
            let (id, message) = match (bid, hid) {
                (Some(from), Some(to)) => (
                    "api-operation-id-removed",
                    format!(
                        "operationId {} replaced by {}: the client method is renamed",
                        code(from),
                        code(to)
                    ),
                ),
                (Some(from), None) => (
                    "api-operation-id-removed",
                    format!("operationId {} removed", code(from)),
                ),
                (None, to) => (
                    "api-operation-id-added",
                    format!("operationId {} added", code(to.unwrap_or_default())),
                ),
            };
            self.emit(id, op, self.at(&pointer), message, None, &[&pointer]);
        }

        let deprecated = |v: &Value| v.get("deprecated").and_then(Value::as_bool) == Some(true);
        if deprecated(b) != deprecated(h) {
            let pointer = format!("{at}/deprecated");
            let (id, verb) = if deprecated(h) {
                ("endpoint-deprecated", "deprecated")
            } else {
                ("endpoint-reactivated", "no longer deprecated")
            };
            self.emit(
                id,
                op,
                self.at(&pointer),
                format!("operation {} {verb}", code(&label)),
                None,
                &[&pointer],
            );
        }

        self.extension(&label, b, h, &at);
        self.parameters(&label, (base_item, b), (head_item, h), path_at, &at);
        let mut seen = Seen::new();
        self.request_body(&label, b, h, &at, &mut seen);
        let mut seen = Seen::new();
        self.responses(&label, b, h, &at, &mut seen);
    }
}

fn methods(item: &Value) -> impl Iterator<Item = (&'static str, &Value)> {
    METHODS
        .into_iter()
        .filter_map(move |m| item.get(m).map(|op| (m, op)))
}
