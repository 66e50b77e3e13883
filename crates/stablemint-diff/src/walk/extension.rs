//! `x-stablemint`, the project's own declaration on an operation: what the request
//! signature covers, in one of three forms (`signedField: <body property>`,
//! `signedParameter: <path, query or header parameter>`, or `auth: none` for an
//! operation that sends no authentication headers), and which body property carries the
//! idempotency key (`idempotencyKeyField`, optional).

use serde_json::Value;

use super::Walker;
use crate::escape::code;

const KEY: &str = "x-stablemint";
/// The keys of the three forms of what the signature covers.
const COVERAGE: [&str; 3] = ["signedField", "signedParameter", "auth"];
const IDEMPOTENCY: &str = "idempotencyKeyField";

/// What the signature covers, as one side declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coverage<'a> {
    Undeclared,
    Field(&'a str),
    Parameter(&'a str),
    Auth(&'a str),
    /// More than one form at once, which the generator refuses.
    Conflicting,
}

impl<'a> Coverage<'a> {
    /// `None` when a key of the forms holds something else than a string: that is left
    /// to the structural pass, as unclassified.
    fn of(declaration: Option<&'a Value>) -> Option<Self> {
        let mut forms = Vec::new();
        for key in COVERAGE {
            match declaration.and_then(|d| d.get(key)) {
                None => {}
                Some(Value::String(value)) => forms.push((key, value.as_str())),
                Some(_) => return None,
            }
        }
        Some(match forms.as_slice() {
            [] => Coverage::Undeclared,
            [("signedField", field)] => Coverage::Field(field),
            [("signedParameter", parameter)] => Coverage::Parameter(parameter),
            [(_, auth)] => Coverage::Auth(auth),
            _ => Coverage::Conflicting,
        })
    }

    /// The key that declares it.
    fn key(self) -> Option<&'static str> {
        match self {
            Coverage::Field(_) => Some("signedField"),
            Coverage::Parameter(_) => Some("signedParameter"),
            Coverage::Auth(_) => Some("auth"),
            Coverage::Undeclared | Coverage::Conflicting => None,
        }
    }

    /// For a signature over a field or a parameter: the prefix of its rule ids, what it
    /// covers in words, and the name.
    fn signed(self) -> Option<(&'static str, &'static str, &'a str)> {
        match self {
            Coverage::Field(field) => Some(("signed-field", "the body field", field)),
            Coverage::Parameter(name) => Some(("signed-parameter", "the parameter", name)),
            _ => None,
        }
    }

    fn describe(self) -> String {
        if let Some((_, noun, name)) = self.signed() {
            return format!("a signature over {noun} {}", code(name));
        }
        match self {
            Coverage::Undeclared => "no declaration".to_owned(),
            Coverage::Auth("none") => "no authentication headers".to_owned(),
            Coverage::Auth(other) => code(&format!("auth: {other}")),
            _ => "more than one of `signedField`, `signedParameter` and `auth`".to_owned(),
        }
    }
}

impl Walker<'_> {
    /// Compares the operation's `x-stablemint` of both sides. When the whole extension
    /// is added or removed, each of its parts is reported as added or removed, so a new
    /// declaration that signs a field is breaking and one with only an idempotency key
    /// is not.
    pub(super) fn extension(&mut self, label: &str, b: &Value, h: &Value, at: &str) {
        let (bx, hx) = (b.get(KEY), h.get(KEY));
        if bx == hx {
            return;
        }
        let ext_at = format!("{at}/{KEY}");
        let whole = match (bx.is_some(), hx.is_some()) {
            (false, true) => " (x-stablemint added)",
            (true, false) => " (x-stablemint removed)",
            _ => "",
        };
        if let (Some(from), Some(to)) = (Coverage::of(bx), Coverage::of(hx))
            && from != to
        {
            self.coverage(label, &ext_at, from, to, whole);
        }
        self.idempotency_key(label, &ext_at, bx, hx, whole);
        let well_formed = |x: Option<&Value>| match x {
            None => true,
            Some(Value::Object(map)) => map.iter().all(|(k, v)| {
                (COVERAGE.contains(&k.as_str()) || k == IDEMPOTENCY) && v.is_string()
            }),
            Some(_) => false,
        };
        if (bx.is_none() || hx.is_none()) && well_formed(bx) && well_formed(hx) {
            self.cover(&[&ext_at]);
        }
    }

    fn coverage(&mut self, label: &str, ext_at: &str, from: Coverage, to: Coverage, whole: &str) {
        let (id, message) = match (from.signed(), to.signed()) {
            // A new name in the same form.
            (Some((kind, noun, from)), Some((same, _, to))) if kind == same => (
                format!("{kind}-changed"),
                format!(
                    "the request signature covers {noun} {} instead of {}",
                    code(to),
                    code(from)
                ),
            ),
            // A form declared, or dropped, where the other side declares none.
            (None, Some((kind, noun, to))) if from == Coverage::Undeclared => (
                format!("{kind}-added"),
                format!("the request signature now covers {noun} {}", code(to)),
            ),
            (Some((kind, noun, from)), None) if to == Coverage::Undeclared => (
                format!("{kind}-removed"),
                format!(
                    "the request signature no longer covers {noun} {}",
                    code(from)
                ),
            ),
            _ => (
                "auth-changed".to_owned(),
                format!(
                    "authentication changes from {} to {}",
                    from.describe(),
                    to.describe()
                ),
            ),
        };
        // The key the head declares, or else the one the base declared; the declaration
        // itself when the head declares more than one form.
        let key = match to {
            Coverage::Conflicting => None,
            _ => to.key().or(from.key()),
        };
        let pointer = match key {
            Some(key) => format!("{ext_at}/{key}"),
            None => ext_at.to_owned(),
        };
        let covers: Vec<String> = COVERAGE.iter().map(|k| format!("{ext_at}/{k}")).collect();
        let covers: Vec<&str> = covers.iter().map(String::as_str).collect();
        let at = self.at(&pointer);
        self.emit(
            &id,
            Some(label),
            at,
            format!("{message}{whole}"),
            None,
            &covers,
        );
    }

    fn idempotency_key(
        &mut self,
        label: &str,
        ext_at: &str,
        bx: Option<&Value>,
        hx: Option<&Value>,
        whole: &str,
    ) {
        let (from, to) = (
            bx.and_then(|x| x.get(IDEMPOTENCY)),
            hx.and_then(|x| x.get(IDEMPOTENCY)),
        );
        let (id, message) = match (from, to) {
            (a, b) if a == b => return,
            (None, Some(Value::String(to))) => (
                "idempotency-key-field-added",
                format!("the body field {} carries the idempotency key", code(to)),
            ),
            (Some(Value::String(from)), None) => (
                "idempotency-key-field-removed",
                format!(
                    "the body field {} no longer carries an idempotency key",
                    code(from)
                ),
            ),
            (Some(Value::String(from)), Some(Value::String(to))) => (
                "idempotency-key-field-changed",
                format!(
                    "the idempotency key moves from the body field {} to {}",
                    code(from),
                    code(to)
                ),
            ),
            // Not a string: left to the structural pass.
            _ => return,
        };
        let pointer = format!("{ext_at}/{IDEMPOTENCY}");
        let at = self.at(&pointer);
        self.emit(
            id,
            Some(label),
            at,
            format!("{message}{whole}"),
            None,
            &[&pointer],
        );
    }
}
