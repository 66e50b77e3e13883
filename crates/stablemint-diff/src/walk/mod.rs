//! The classified part: operations, parameters, bodies, responses and schemas of both
//! documents side by side, one [`Change`] per rule that applies.
//!
//! Every change also records which pointers it explains, so that the structural pass
//! (see [`crate::structural`]) reports only what is left.

mod bodies;
mod extension;
mod operations;
mod parameters;
mod schemas;

use std::collections::HashSet;
use std::sync::LazyLock;

use serde_json::Value;

use stablemint_codegen::spec::pointer_segment;

use crate::escape::code;
use crate::identity::fingerprint;
use crate::rules::{self, RustLevel};
use crate::{Change, Level, Location, Side};

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

/// Where a change points: a pointer into one of the two specs, and for changes that
/// would otherwise share their rule, operation and pointer, what tells them apart.
#[derive(Clone, Copy)]
struct At<'p> {
    pointer: &'p str,
    side: Side,
    subject: Option<&'p str>,
}

impl<'p> At<'p> {
    /// Into the head spec.
    fn head(pointer: &'p str) -> Self {
        Self {
            pointer,
            side: Side::Head,
            subject: None,
        }
    }

    /// Into the base spec: for what the head no longer has.
    fn base(pointer: &'p str) -> Self {
        Self {
            side: Side::Base,
            ..Self::head(pointer)
        }
    }

    fn about(self, subject: &'p str) -> Self {
        Self {
            subject: Some(subject),
            ..self
        }
    }
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
            Scope::Property => format!("{direction} property {}", code(self.name)),
            Scope::Parameter => format!("parameter {}", code(self.name)),
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

    /// Where `pointer` is: in the head spec when the head has it, else in the base.
    /// Only for pointers that name things by key, never by position.
    fn at<'p>(&self, pointer: &'p str) -> At<'p> {
        if self.head.pointer(pointer).is_some() {
            At::head(pointer)
        } else {
            At::base(pointer)
        }
    }

    /// Records a change; `rust_from_to` is the Rust type before and after, when the
    /// rule's Rust level depends on it. Returns false, recording nothing, for an id that
    /// is not in the table: what it would have explained is then left to the structural
    /// pass.
    fn emit(
        &mut self,
        id: &str,
        operation: Option<&str>,
        at: At<'_>,
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
        let message = match rule.raw {
            Some(raw) => format!("{message} (stablemint-raw: {raw})"),
            None => message,
        };
        let doc = match at.side {
            Side::Base => self.base,
            Side::Head => self.head,
        };
        self.changes.push(Change {
            id: rule.id,
            level,
            location: Location::new(operation, at.pointer, at.side),
            message,
            fingerprint: fingerprint(rule.id, operation, doc, at.pointer, at.subject),
            accepted: None,
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
                At::head("/info/version"),
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

    fn component_schemas(&mut self) {
        let bs = object_at(self.base, "/components/schemas");
        let hs = object_at(self.head, "/components/schemas");
        for name in hs.keys().filter(|k| !bs.contains_key(*k)) {
            let at = format!("/components/schemas/{}", pointer_segment(name));
            self.emit(
                "api-schema-added",
                None,
                At::head(&at),
                format!("schema {} added", code(name)),
                None,
                &[&at],
            );
        }
        for name in bs.keys().filter(|k| !hs.contains_key(*k)) {
            let at = format!("/components/schemas/{}", pointer_segment(name));
            self.emit(
                "api-schema-removed",
                None,
                At::base(&at),
                format!(
                    "schema {} removed: the type {} disappears",
                    code(name),
                    code(&format!("types::{name}"))
                ),
                None,
                &[&at],
            );
        }
    }
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

/// `POST /session/embedded`, as a change's operation.
pub(crate) fn label(method: &str, path: &str) -> String {
    format!("{} {path}", method.to_uppercase())
}

/// A Rust type for a message: a path as code, a description as it is.
fn show_type(ty: &str) -> String {
    if ty.starts_with("a ") || ty.starts_with("an ") || ty.starts_with("no ") {
        ty.to_owned()
    } else {
        code(ty)
    }
}

/// A short JSON rendering of a value for a message, as code.
pub(crate) fn show(value: &Value) -> String {
    let text = value.to_string();
    const MAX: usize = 60;
    if text.chars().count() > MAX {
        let cut: String = text.chars().take(MAX).collect();
        code(&format!("{cut}…"))
    } else {
        code(&text)
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
