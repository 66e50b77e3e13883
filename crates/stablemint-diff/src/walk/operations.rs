//! Operations: added, removed, renamed or deprecated, and their `x-stablemint`
//! declarations (what the signature covers, where the idempotency key goes).

use serde_json::Value;
use stablemint_codegen::spec::{METHODS, pointer_segment};

use super::{Seen, Walker, label, object_at, str_at};

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
            &at,
            format!("operation {label} added"),
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
            &at,
            format!("operation {label} removed {how}"),
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
                        "operationId `{from}` replaced by `{to}`: the client method is renamed"
                    ),
                ),
                (Some(from), None) => (
                    "api-operation-id-removed",
                    format!("operationId `{from}` removed"),
                ),
                (None, to) => (
                    "api-operation-id-added",
                    format!("operationId `{}` added", to.unwrap_or_default()),
                ),
            };
            self.emit(id, op, &pointer, message, None, &[&pointer]);
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
                &pointer,
                format!("operation {label} {verb}"),
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

    /// `x-stablemint: { signedField, idempotencyKeyField }`.
    fn extension(&mut self, label: &str, b: &Value, h: &Value, at: &str) {
        const KEY: &str = "x-stablemint";
        const FIELDS: [&str; 2] = ["signedField", "idempotencyKeyField"];
        let (bx, hx) = (b.get(KEY), h.get(KEY));
        if bx == hx {
            return;
        }
        let ext_at = format!("{at}/{KEY}");
        let well_formed = |x: Option<&Value>| match x {
            None => true,
            Some(Value::Object(map)) => map
                .iter()
                .all(|(k, v)| FIELDS.contains(&k.as_str()) && v.is_string()),
            Some(_) => false,
        };
        let field = |x: Option<&Value>, f: &str| -> Result<Option<String>, ()> {
            match x.and_then(|x| x.get(f)) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(()),
            }
        };
        let whole = match (bx.is_some(), hx.is_some()) {
            (false, true) => " (x-stablemint added)",
            (true, false) => " (x-stablemint removed)",
            _ => "",
        };
        for f in FIELDS {
            let (Ok(from), Ok(to)) = (field(bx, f), field(hx, f)) else {
                continue;
            };
            let pointer = format!("{ext_at}/{f}");
            let (kind, message) = match (f, &from, &to) {
                (_, a, b) if a == b => continue,
                ("signedField", None, Some(to)) => (
                    "signed-field-added",
                    format!("the request signature now covers the body field `{to}`"),
                ),
                ("signedField", Some(from), None) => (
                    "signed-field-removed",
                    format!("the request signature no longer covers the body field `{from}`"),
                ),
                ("signedField", Some(from), Some(to)) => (
                    "signed-field-changed",
                    format!("the request signature covers `{to}` instead of `{from}`"),
                ),
                (_, None, Some(to)) => (
                    "idempotency-key-field-added",
                    format!("the body field `{to}` carries the idempotency key"),
                ),
                (_, Some(from), None) => (
                    "idempotency-key-field-removed",
                    format!("the body field `{from}` no longer carries an idempotency key"),
                ),
                (_, Some(from), Some(to)) => (
                    "idempotency-key-field-changed",
                    format!("the idempotency key moves from the body field `{from}` to `{to}`"),
                ),
                (_, None, None) => continue,
            };
            self.emit(
                kind,
                Some(label),
                &pointer,
                format!("{message}{whole}"),
                None,
                &[&pointer],
            );
        }
        if (bx.is_none() || hx.is_none()) && well_formed(bx) && well_formed(hx) {
            self.cover(&[&ext_at]);
        }
    }
}

fn methods(item: &Value) -> impl Iterator<Item = (&'static str, &Value)> {
    METHODS
        .into_iter()
        .filter_map(move |m| item.get(m).map(|op| (m, op)))
}
