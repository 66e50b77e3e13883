//! The classified part: operations, parameters, bodies, responses and schemas of both
//! documents side by side, one [`Change`] per rule that applies.
//!
//! Every change also records which pointers it explains, so that the structural pass
//! (see [`crate::structural`]) reports only what is left.

use std::collections::{BTreeSet, HashSet};
use std::sync::LazyLock;

use serde_json::Value;

use stablemint_codegen::spec::{self, METHODS, follow, pointer_segment};

use crate::rules::{self, RustLevel};
use crate::rust_type::rust_type;
use crate::{Change, Level, Location};

/// Which way a schema travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dir {
    Request,
    Response,
}

/// Where a schema sits: the whole body, a property inside one, or a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Body,
    Property,
    Parameter,
}

/// The id prefix of a schema rule (`request-property`, `response-body`, ...).
fn prefix(dir: Dir, scope: Scope) -> &'static str {
    match (dir, scope) {
        (Dir::Request, Scope::Body) => "request-body",
        (Dir::Request, Scope::Property) => "request-property",
        (_, Scope::Parameter) => "request-parameter",
        (Dir::Response, Scope::Body) => "response-body",
        (Dir::Response, Scope::Property) => "response-property",
    }
}

/// The schemas already compared while walking one operation in one direction, as
/// (base pointer, head pointer) pairs. It stops `$ref` cycles, and shared schemas
/// reached twice from one operation are reported once.
type Seen = HashSet<(String, String)>;

/// One schema of each side with its pointer.
#[derive(Clone, Copy)]
struct Pair<'a, 'p> {
    base: &'a Value,
    base_at: &'p str,
    head: &'a Value,
    head_at: &'p str,
}

/// What a change is about, for its message and location.
struct Site<'s> {
    operation: Option<&'s str>,
    dir: Dir,
    scope: Scope,
    /// The property's path from the body (`userKyc/fullName`), or the parameter.
    name: &'s str,
}

impl Site<'_> {
    fn what(&self) -> String {
        let direction = match self.dir {
            Dir::Request => "request",
            Dir::Response => "response",
        };
        match self.scope {
            Scope::Body => format!("{direction} body"),
            Scope::Property => format!("{direction} property `{}`", self.name),
            Scope::Parameter => format!("parameter `{}`", self.name),
        }
    }
}

pub(crate) struct Walker<'a> {
    base: &'a Value,
    head: &'a Value,
    pub changes: Vec<Change>,
    /// Pointers (in either document) that the changes explain, with everything below.
    pub covered: Vec<String>,
}

impl<'a> Walker<'a> {
    pub fn new(base: &'a Value, head: &'a Value) -> Self {
        Self {
            base,
            head,
            changes: Vec::new(),
            covered: Vec::new(),
        }
    }

    pub fn walk(&mut self) {
        self.info();
        self.paths();
        self.component_schemas();
    }

    /// Records a change; `rust_from_to` is the Rust type before and after, when the
    /// rule's Rust level depends on it. Returns false, recording nothing, for an id that
    /// is not in the table: what it would have explained is then left to the structural
    /// pass.
    fn emit(
        &mut self,
        id: &str,
        operation: Option<&str>,
        pointer: &str,
        message: String,
        rust_from_to: Option<(&str, &str)>,
        covers: &[&str],
    ) -> bool {
        let Some(rule) = rules::rule(id) else {
            return false;
        };
        let type_changed = rust_from_to.filter(|(from, to)| from != to);
        let (level, rust_note) = match rule.rust {
            RustLevel::Wire => (rule.wire, None),
            RustLevel::Always => (Level::Breaking, Some(rule.reason.to_owned())),
            RustLevel::IfTypeChanges => match type_changed {
                Some((from, to)) => (
                    Level::Breaking,
                    Some(match to.strip_prefix("no method: ") {
                        Some(why) => format!("the method can no longer be generated: {why}"),
                        None => format!(
                            "the type changes from {} to {}",
                            show_type(from),
                            show_type(to)
                        ),
                    }),
                ),
                None => (rule.wire, None),
            },
        };
        let message = match rust_note {
            Some(note) if level > rule.wire => {
                let mut chars = note.trim_end_matches('.').chars();
                let note: String = chars
                    .next()
                    .map(|c| c.to_lowercase().chain(chars).collect())
                    .unwrap_or_default();
                format!("{message} (Rust: {note})")
            }
            _ => message,
        };
        self.changes.push(Change {
            id: rule.id,
            level,
            location: Location {
                operation: operation.map(str::to_owned),
                pointer: pointer.to_owned(),
            },
            message,
        });
        self.covered.extend(covers.iter().map(|c| (*c).to_owned()));
        true
    }

    fn cover(&mut self, pointers: &[&str]) {
        self.covered
            .extend(pointers.iter().map(|p| (*p).to_owned()));
    }

    fn info(&mut self) {
        let (b, h) = (
            self.base.pointer("/info/version"),
            self.head.pointer("/info/version"),
        );
        if let (Some(b), Some(h)) = (b, h)
            && b != h
        {
            self.emit(
                "info-version-changed",
                None,
                "/info/version",
                format!(
                    "info.version changed from {} to {}: the `api-version` header changes",
                    show(b),
                    show(h)
                ),
                None,
                &["/info/version"],
            );
        }
    }

    fn paths(&mut self) {
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

    fn parameters(
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
                &hp.element_at,
                format!("{presence} {} parameter `{}` added", hp.place, hp.name),
                None,
                &[&hp.element_at],
            );
        }
        for bp in &base_params {
            let Some(hp) = head_params.iter().find(|hp| hp.key == bp.key) else {
                self.emit(
                    "request-parameter-removed",
                    Some(label),
                    &bp.element_at,
                    format!("{} parameter `{}` removed", bp.place, bp.name),
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
                    &hp.resolved_at,
                    format!("{} parameter `{}` became {became}", hp.place, hp.name),
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

    fn request_body(&mut self, label: &str, b: &Value, h: &Value, at: &str, seen: &mut Seen) {
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
                    &body_at,
                    format!("{presence} request body added"),
                    None,
                    &[&body_at],
                );
            }
            (Some(_), None) => {
                self.emit(
                    "request-body-removed",
                    Some(label),
                    &body_at,
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
                        &h_at,
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

    fn responses(&mut self, label: &str, b: &Value, h: &Value, at: &str, seen: &mut Seen) {
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
                &pointer,
                format!("response status {status} added"),
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
                    &pointer,
                    format!("response status {status} removed"),
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

    fn component_schemas(&mut self) {
        let bs = object_at(self.base, "/components/schemas");
        let hs = object_at(self.head, "/components/schemas");
        for name in hs.keys().filter(|k| !bs.contains_key(*k)) {
            let at = format!("/components/schemas/{}", pointer_segment(name));
            self.emit(
                "api-schema-added",
                None,
                &at,
                format!("schema `{name}` added"),
                None,
                &[&at],
            );
        }
        for name in bs.keys().filter(|k| !hs.contains_key(*k)) {
            let at = format!("/components/schemas/{}", pointer_segment(name));
            self.emit(
                "api-schema-removed",
                None,
                &at,
                format!("schema `{name}` removed: the type `types::{name}` disappears"),
                None,
                &[&at],
            );
        }
    }

    /// Compares one schema of each side, following `$ref`s, and then its properties and
    /// items.
    fn schema(&mut self, site: &Site<'_>, pair: Pair<'_, '_>, seen: &mut Seen) {
        let op = site.operation;
        let (b_ref, h_ref) = (ref_of(pair.base), ref_of(pair.head));
        if b_ref != h_ref {
            let id = match site.scope {
                Scope::Body => Some(format!("{}-ref-changed", prefix(site.dir, Scope::Body))),
                Scope::Property => {
                    Some(format!("{}-ref-changed", prefix(site.dir, Scope::Property)))
                }
                Scope::Parameter => None,
            };
            if let Some(id) = id {
                let shown =
                    |r: Option<&str>| r.map_or("an inline schema".to_owned(), |r| format!("`{r}`"));
                self.emit(
                    &id,
                    op,
                    pair.head_at,
                    format!(
                        "{} changed from {} to {}",
                        site.what(),
                        shown(b_ref),
                        shown(h_ref)
                    ),
                    None,
                    &[pair.base_at, pair.head_at],
                );
            }
        }
        let rust = (rust_type(pair.base), rust_type(pair.head));
        let rust = Some((rust.0.as_str(), rust.1.as_str()));
        let (b, b_at) = follow(self.base, pair.base, pair.base_at);
        let (h, h_at) = follow(self.head, pair.head, pair.head_at);
        if !seen.insert((b_at.clone(), h_at.clone())) {
            return;
        }
        if !b.is_object() || !h.is_object() {
            return;
        }
        // Facet changes point at the schema that holds them: the property itself, or
        // the component it refers to.
        let at = h_at.as_str();
        self.type_format(site, b, &b_at, h, &h_at, at, rust);
        if site.scope != Scope::Body {
            self.enumeration(site, b, &b_at, h, &h_at, at, rust);
            self.constraints(site, b, &b_at, h, &h_at, at, rust);
        }
        if site.scope != Scope::Parameter {
            self.properties(site, b, &b_at, h, &h_at, seen);
        }
        if let (Some(bi), Some(hi)) = (b.get("items"), h.get("items")) {
            let name = if site.name.is_empty() {
                "items".to_owned()
            } else {
                format!("{}/items", site.name)
            };
            let inner = Site {
                operation: site.operation,
                dir: site.dir,
                scope: if site.scope == Scope::Parameter {
                    Scope::Parameter
                } else {
                    Scope::Property
                },
                name: &name,
            };
            let (bi_at, hi_at) = (format!("{b_at}/items"), format!("{h_at}/items"));
            self.schema(
                &inner,
                Pair {
                    base: bi,
                    base_at: &bi_at,
                    head: hi,
                    head_at: &hi_at,
                },
                seen,
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn type_format(
        &mut self,
        site: &Site<'_>,
        b: &Value,
        b_at: &str,
        h: &Value,
        h_at: &str,
        at: &str,
        rust: Option<(&str, &str)>,
    ) {
        let (bt, ht) = (str_at(b, "type"), str_at(h, "type"));
        let (bf, hf) = (str_at(b, "format"), str_at(h, "format"));
        if bt == ht && bf == hf {
            return;
        }
        // JSON bodies are strongly typed; parameters travel as text, where any value
        // can be read as a string.
        let strongly_typed = site.scope != Scope::Parameter;
        let subtype = |sub: Option<&str>, sup: Option<&str>| {
            sub == sup || (sub == Some("integer") && sup == Some("number"))
        };
        let type_contained = |to: Option<&str>, from: Option<&str>| {
            (to.is_some() && from.is_some() && subtype(from, to))
                || (!strongly_typed && (to.is_none() || to == Some("string")))
        };
        let prefix = prefix(site.dir, site.scope);
        let suffix = match site.dir {
            Dir::Request => {
                let type_breaking = bt != ht && ht.is_some() && !type_contained(ht, bt);
                let format_breaking = bf != hf && !format_contained(ht, hf, bf);
                if type_breaking || format_breaking {
                    "type-changed"
                } else {
                    "type-generalized"
                }
            }
            Dir::Response => {
                let narrowed = bt != ht && bt.is_some() && ht.is_some() && subtype(ht, bt);
                let type_breaking =
                    bt != ht && !narrowed && bt.is_some() && !type_contained(bt, ht);
                let format_breaking = bf != hf && !format_contained(bt, bf, hf);
                if type_breaking || format_breaking {
                    let widened = bt != ht && bt.is_some() && ht.is_some() && subtype(bt, ht);
                    if widened {
                        "type-generalized"
                    } else {
                        "type-changed"
                    }
                } else {
                    "type-specialized"
                }
            }
        };
        let dimension = match (bt != ht, bf != hf) {
            (true, true) => "type/format",
            (true, false) => "type",
            _ => "format",
        };
        let covers = [
            format!("{b_at}/type"),
            format!("{h_at}/type"),
            format!("{b_at}/format"),
            format!("{h_at}/format"),
        ];
        self.emit(
            &format!("{prefix}-{suffix}"),
            site.operation,
            at,
            format!(
                "{dimension} of {} changed from `{}` to `{}`",
                site.what(),
                type_format(bt, bf),
                type_format(ht, hf)
            ),
            rust,
            &covers.iter().map(String::as_str).collect::<Vec<_>>(),
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn enumeration(
        &mut self,
        site: &Site<'_>,
        b: &Value,
        b_at: &str,
        h: &Value,
        h_at: &str,
        at: &str,
        rust: Option<(&str, &str)>,
    ) {
        let (be, he) = (
            b.get("enum").and_then(Value::as_array),
            h.get("enum").and_then(Value::as_array),
        );
        let prefix = prefix(site.dir, site.scope);
        let covers_owned = [format!("{b_at}/enum"), format!("{h_at}/enum")];
        let covers = [covers_owned[0].as_str(), covers_owned[1].as_str()];
        match (be, he) {
            (None, None) => {}
            (None, Some(_)) => {
                self.emit(
                    &format!("{prefix}-became-enum"),
                    site.operation,
                    at,
                    format!("{} became an enum", site.what()),
                    rust,
                    &covers,
                );
            }
            (Some(_), None) => {
                self.emit(
                    &format!("{prefix}-became-not-enum"),
                    site.operation,
                    at,
                    format!("{} is no longer an enum", site.what()),
                    rust,
                    &covers,
                );
            }
            (Some(be), Some(he)) => {
                let mut explained = true;
                for value in be.iter().filter(|v| !he.contains(v)) {
                    explained &= self.emit(
                        &format!("{prefix}-enum-value-removed"),
                        site.operation,
                        at,
                        format!("enum value {} removed from {}", show(value), site.what()),
                        rust,
                        &[],
                    );
                }
                for value in he.iter().filter(|v| !be.contains(v)) {
                    explained &= self.emit(
                        &format!("{prefix}-enum-value-added"),
                        site.operation,
                        at,
                        format!("enum value {} added to {}", show(value), site.what()),
                        rust,
                        &[],
                    );
                }
                // A new order of the same values changes nothing.
                if explained {
                    self.cover(&covers);
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn constraints(
        &mut self,
        site: &Site<'_>,
        b: &Value,
        b_at: &str,
        h: &Value,
        h_at: &str,
        at: &str,
        rust: Option<(&str, &str)>,
    ) {
        let prefix = prefix(site.dir, site.scope);
        let what = site.what();
        // (keyword, rule name, how a missing value counts)
        for (keyword, name) in [
            ("maxLength", "max-length"),
            ("minLength", "min-length"),
            ("maximum", "max"),
            ("minimum", "min"),
        ] {
            let (braw, hraw) = (b.get(keyword), h.get(keyword));
            // A value that is not a number is left to the structural pass.
            if braw == hraw || [braw, hraw].iter().flatten().any(|v| !v.is_number()) {
                continue;
            }
            let (bv, hv) = (braw.and_then(Value::as_f64), hraw.and_then(Value::as_f64));
            let (bv, hv) = if keyword == "minLength" {
                // A missing minLength is 0, as oasdiff reads it: setting one increases it.
                (bv.or(Some(0.0)), hv.or(Some(0.0)))
            } else {
                (bv, hv)
            };
            let action = match (bv, hv) {
                (None, Some(_)) => "set",
                (Some(_), None) => "unset",
                (Some(x), Some(y)) if y > x => "increased",
                (Some(x), Some(y)) if y < x => "decreased",
                _ => continue,
            };
            let covers = [format!("{b_at}/{keyword}"), format!("{h_at}/{keyword}")];
            self.emit(
                &format!("{prefix}-{name}-{action}"),
                site.operation,
                at,
                format!(
                    "`{keyword}` of {what} {}",
                    change_words(b.get(keyword), h.get(keyword))
                ),
                rust,
                &[&covers[0], &covers[1]],
            );
        }
        let (bp, hp) = (str_at(b, "pattern"), str_at(h, "pattern"));
        if bp != hp {
            let action = match (bp, hp) {
                (None, _) => "added",
                (_, None) => "removed",
                (_, Some(".*")) if site.dir == Dir::Request => "generalized",
                _ => "changed",
            };
            let covers = [format!("{b_at}/pattern"), format!("{h_at}/pattern")];
            self.emit(
                &format!("{prefix}-pattern-{action}"),
                site.operation,
                at,
                format!(
                    "`pattern` of {what} {}",
                    change_words(b.get("pattern"), h.get("pattern"))
                ),
                rust,
                &[&covers[0], &covers[1]],
            );
        }
    }

    fn properties(
        &mut self,
        site: &Site<'_>,
        b: &Value,
        b_at: &str,
        h: &Value,
        h_at: &str,
        seen: &mut Seen,
    ) {
        let bp = object_at(b, "/properties");
        let hp = object_at(h, "/properties");
        let required = |v: &Value| -> BTreeSet<String> {
            spec::required_properties(v)
                .into_iter()
                .map(str::to_owned)
                .collect()
        };
        let (br, hr) = (required(b), required(h));
        let path = |name: &str| {
            if site.name.is_empty() {
                name.to_owned()
            } else {
                format!("{}/{name}", site.name)
            }
        };
        let op = site.operation;
        let request = site.dir == Dir::Request;
        for name in hp.keys().filter(|k| !bp.contains_key(*k)) {
            let at = format!("{h_at}/properties/{}", pointer_segment(name));
            let req = hr.contains(name);
            let id = match (request, req) {
                (true, true) => "new-required-request-property",
                (true, false) => "new-optional-request-property",
                (false, true) => "response-required-property-added",
                (false, false) => "response-optional-property-added",
            };
            let presence = if req { "required" } else { "optional" };
            let direction = if request { "request" } else { "response" };
            self.emit(
                id,
                op,
                &at,
                format!("{presence} {direction} property `{}` added", path(name)),
                None,
                &[&at],
            );
        }
        for (name, bprop) in bp {
            let Some(hprop) = hp.get(name) else {
                let at = format!("{b_at}/properties/{}", pointer_segment(name));
                let req = br.contains(name);
                let id = match (request, req) {
                    (true, _) => "request-property-removed",
                    (false, true) => "response-required-property-removed",
                    (false, false) => "response-optional-property-removed",
                };
                let direction = if request { "request" } else { "response" };
                let presence = if req {
                    "required "
                } else if request {
                    ""
                } else {
                    "optional "
                };
                self.emit(
                    id,
                    op,
                    &at,
                    format!("{presence}{direction} property `{}` removed", path(name)),
                    None,
                    &[&at],
                );
                continue;
            };
            let segment = pointer_segment(name);
            let (bprop_at, hprop_at) = (
                format!("{b_at}/properties/{segment}"),
                format!("{h_at}/properties/{segment}"),
            );
            let name_path = path(name);
            let inner = Site {
                operation: op,
                dir: site.dir,
                scope: Scope::Property,
                name: &name_path,
            };
            let (rb, rh) = (br.contains(name), hr.contains(name));
            if rb != rh {
                let id = match (request, rh) {
                    (true, true) => "request-property-became-required",
                    (true, false) => "request-property-became-optional",
                    (false, true) => "response-property-became-required",
                    (false, false) => "response-property-became-optional",
                };
                let became = if rh { "required" } else { "optional" };
                self.emit(
                    id,
                    op,
                    &hprop_at,
                    format!("{} became {became}", inner.what()),
                    None,
                    &[],
                );
            }
            self.schema(
                &inner,
                Pair {
                    base: bprop,
                    base_at: &bprop_at,
                    head: hprop,
                    head_at: &hprop_at,
                },
                seen,
            );
        }
        // Every name that entered or left `required` is a property added, removed or
        // made required or optional above; a new order changes nothing.
        let explained = br
            .symmetric_difference(&hr)
            .all(|name| bp.contains_key(name) || hp.contains_key(name));
        if explained {
            self.cover(&[&format!("{b_at}/required"), &format!("{h_at}/required")]);
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

/// The object at `pointer` in `value`, or an empty one where there is none.
fn object_at<'v>(value: &'v Value, pointer: &str) -> &'v serde_json::Map<String, Value> {
    static EMPTY: LazyLock<serde_json::Map<String, Value>> = LazyLock::new(serde_json::Map::new);
    value
        .pointer(pointer)
        .and_then(Value::as_object)
        .unwrap_or(&EMPTY)
}

fn ref_of(schema: &Value) -> Option<&str> {
    schema.get("$ref").and_then(Value::as_str)
}

fn str_at<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
    value.get(key).and_then(Value::as_str)
}

fn methods(item: &Value) -> impl Iterator<Item = (&'static str, &Value)> {
    METHODS
        .into_iter()
        .filter_map(move |m| item.get(m).map(|op| (m, op)))
}

/// `POST /session/embedded`.
pub(crate) fn label(method: &str, path: &str) -> String {
    format!("{} {path}", method.to_uppercase())
}

/// oasdiff's isFormatContained: whether a value of format `from` is always a valid
/// value of format `to` for a schema of type `ty`.
fn format_contained(ty: Option<&str>, to: Option<&str>, from: Option<&str>) -> bool {
    matches!(
        (ty, to, from),
        (_, None, _)
            | (Some("number"), Some("double"), Some("float"))
            | (Some("integer"), Some("int64"), Some("int32"))
            | (Some("string"), Some("date-time"), Some("date" | "time"))
    )
}

fn type_format(ty: Option<&str>, format: Option<&str>) -> String {
    match (ty, format) {
        (Some(t), Some(f)) => format!("{t}/{f}"),
        (Some(t), None) => t.to_owned(),
        (None, Some(f)) => f.to_owned(),
        (None, None) => "any".to_owned(),
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

/// A Rust type for a message: a path in backticks, a description as it is.
fn show_type(ty: &str) -> String {
    if ty.starts_with("a ") || ty.starts_with("an ") || ty.starts_with("no ") || ty.contains('`') {
        ty.to_owned()
    } else {
        format!("`{ty}`")
    }
}

/// A short JSON rendering of a value for a message.
pub(crate) fn show(value: &Value) -> String {
    let text = value.to_string();
    const MAX: usize = 60;
    if text.chars().count() > MAX {
        let cut: String = text.chars().take(MAX).collect();
        format!("`{cut}…`")
    } else {
        format!("`{text}`")
    }
}

/// `set to 5`, `removed (was 5)`, `changed from 5 to 3`.
fn change_words(before: Option<&Value>, after: Option<&Value>) -> String {
    match (before, after) {
        (None, Some(a)) => format!("set to {}", show(a)),
        (Some(b), None) => format!("removed (was {})", show(b)),
        (Some(b), Some(a)) => format!("changed from {} to {}", show(b), show(a)),
        (None, None) => "unchanged".to_owned(),
    }
}
