//! The one table of rules: every id the classifier can report, its level on the wire,
//! its level for a Rust caller of the bindings, and why.

use crate::Level;
use Level::{Breaking as B, NonBreaking as N, PossiblyBreaking as P};
use RustLevel::{Always, IfTypeChanges as IfType, Wire};

/// Where a rule's id comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// oasdiff's id, with oasdiff's level for the wire (ERR, WARN, INFO).
    Oasdiff,
    /// This project's own id: oasdiff has no rule for the change.
    Project,
}

/// How a change affects a Rust caller of the generated bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RustLevel {
    /// No stricter than the wire: the generated API does not change, or changes only
    /// in ways that compile for every caller.
    Wire,
    /// Always breaking for a Rust caller, whatever the wire says.
    Always,
    /// Breaking when the Rust type that progenitor and typify generate for the thing
    /// changes (a field, an argument, a method's success or error type); otherwise as
    /// on the wire. The classifier models typify's choice of type for each schema.
    IfTypeChanges,
}

/// One rule of the table.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The stable id printed with every change.
    pub id: &'static str,
    /// The level on the wire.
    pub wire: Level,
    /// The level for a Rust caller; the stricter of the two is reported.
    pub rust: RustLevel,
    /// Whose id this is.
    pub origin: Origin,
    /// Why, in one sentence (the Rust reason when the Rust level is stricter).
    pub reason: &'static str,
    /// What breaks for direct callers of `stablemint-raw` alone, when the change breaks
    /// them but not the callers of `stablemint` (whose generated methods absorb it).
    /// Every message of the rule says it, and the crate's version needs a
    /// semver-incompatible bump.
    pub raw: Option<&'static str>,
}

impl Rule {
    const fn breaking_raw(self, what: &'static str) -> Self {
        Self {
            raw: Some(what),
            ..self
        }
    }
}

const fn oas(id: &'static str, wire: Level, rust: RustLevel, reason: &'static str) -> Rule {
    Rule {
        id,
        wire,
        rust,
        origin: Origin::Oasdiff,
        reason,
        raw: None,
    }
}

const fn own(id: &'static str, wire: Level, rust: RustLevel, reason: &'static str) -> Rule {
    Rule {
        id,
        wire,
        rust,
        origin: Origin::Project,
        reason,
        raw: None,
    }
}

/// The id of a change the classifier does not understand.
pub const UNCLASSIFIED: &str = "unclassified";

/// Every rule, grouped by what it is about.
#[rustfmt::skip]
pub const RULES: &[Rule] = &[
    // Operations.
    oas("endpoint-added", N, Wire, "A new client method; existing calls are unaffected."),
    oas("api-path-removed-without-deprecation", B, Wire, "Calls to the path fail; the method disappears."),
    oas("api-path-removed-with-deprecation", N, Always, "The method disappears whether or not it was deprecated first."),
    oas("api-removed-without-deprecation", B, Wire, "Calls to the operation fail; the method disappears."),
    oas("api-removed-with-deprecation", N, Always, "The method disappears whether or not it was deprecated first."),
    oas("endpoint-deprecated", N, Wire, "progenitor emits no `#[deprecated]`: the generated code is unchanged."),
    oas("endpoint-reactivated", N, Wire, "progenitor emits no `#[deprecated]`: the generated code is unchanged."),
    oas("api-operation-id-removed", N, Always, "progenitor names the method after the operationId: the method is renamed."),
    oas("api-operation-id-added", N, Always, "progenitor names the method after the operationId: the method is renamed."),
    // The project's extension (`x-stablemint` on an operation).
    own("signed-field-added", B, Wire, "The request signature starts covering a body field: every caller's signature changes."),
    own("signed-field-removed", B, Wire, "The request signature stops covering the body field: every caller's signature changes."),
    own("signed-field-changed", B, Wire, "The request signature covers another body field: every caller's signature changes."),
    own("signed-parameter-added", B, Wire, "The request signature starts covering a parameter: every caller's signature changes."),
    own("signed-parameter-removed", B, Wire, "The request signature stops covering the parameter: every caller's signature changes."),
    own("signed-parameter-changed", B, Wire, "The request signature covers another parameter: every caller's signature changes."),
    own("auth-changed", B, Wire, "Authentication changes form (a signed body field, a signed parameter, `auth: none`): every caller's requests change."),
    own("idempotency-key-field-added", N, Wire, "The client starts adding a key and retrying calls that may have reached StableMint; no caller's code or request breaks."),
    own("idempotency-key-field-removed", B, Wire, "At least possibly breaking, and counted as breaking: nothing fails to compile, but a call that may have reached StableMint is no longer retried, and a caller that resends after a timeout has no key and may create a duplicate."),
    own("idempotency-key-field-changed", B, Wire, "The key moves to another body field: a key a caller set in the old one is no longer the key, and a resend with it creates a duplicate."),
    // Parameters (the positional interface passes each one as an argument).
    oas("new-required-request-parameter", B, Wire, "Requests without it are rejected; the method gains an argument."),
    oas("new-optional-request-parameter", N, Wire, "`stablemint::Client` takes optional parameters in a generated `#[non_exhaustive]` options type with a builder: a new one is a new setter.")
        .breaking_raw("its positional method gains an argument, which breaks direct callers of stablemint-raw"),
    oas("new-request-path-parameter", B, Wire, "The path changes; the method gains an argument."),
    oas("request-parameter-removed", P, Always, "The method loses the argument."),
    oas("request-parameter-became-required", B, Wire, "Requests without it are rejected; the argument's type changes."),
    oas("request-parameter-became-optional", N, Always, "The argument's type changes from `T` to `Option<T>`."),
    oas("request-parameter-type-changed", B, Wire, "Values that were valid are rejected."),
    oas("request-parameter-type-generalized", N, IfType, "Wider on the wire; breaking when the argument's Rust type changes (`i32` to `i64`)."),
    oas("request-parameter-enum-value-added", N, Wire, "The generated enums are `#[non_exhaustive]`: a new variant breaks no caller."),
    oas("request-parameter-enum-value-removed", B, Wire, "Requests with that value are rejected; the variant disappears."),
    oas("request-parameter-became-enum", B, Wire, "Values outside the enum are rejected; the argument becomes an enum."),
    own("request-parameter-became-not-enum", N, IfType, "Wider on the wire; the argument's type changes from an enum to `String`."),
    oas("request-parameter-max-length-set", P, IfType, "May reject long values; a plain `String` becomes a validated newtype."),
    oas("request-parameter-max-length-decreased", B, Wire, "Values that were valid are rejected."),
    oas("request-parameter-max-length-increased", N, IfType, "Wider on the wire; the newtype stays."),
    own("request-parameter-max-length-unset", N, IfType, "Wider on the wire; the newtype may become a plain `String`."),
    oas("request-parameter-min-length-increased", B, Wire, "Values that were valid are rejected (also when `minLength` is set)."),
    oas("request-parameter-min-length-decreased", N, IfType, "Wider on the wire; breaking when the newtype becomes a plain `String`."),
    oas("request-parameter-pattern-added", B, Wire, "Values that were valid are rejected."),
    oas("request-parameter-pattern-changed", P, IfType, "May reject values that were valid."),
    oas("request-parameter-pattern-generalized", N, IfType, "The pattern became `.*`."),
    oas("request-parameter-pattern-removed", N, IfType, "Wider on the wire; breaking when the newtype becomes a plain `String`."),
    oas("request-parameter-max-set", P, IfType, "May reject large values; typify may pick another integer type."),
    oas("request-parameter-max-decreased", B, Wire, "Values that were valid are rejected."),
    oas("request-parameter-max-increased", N, IfType, "Wider on the wire; typify may pick another integer type."),
    own("request-parameter-max-unset", N, IfType, "Wider on the wire; typify may pick another integer type."),
    oas("request-parameter-min-set", P, IfType, "May reject small values; typify picks `u64` for `minimum: 0`, `NonZeroU64` for 1."),
    oas("request-parameter-min-increased", B, Wire, "Values that were valid are rejected."),
    oas("request-parameter-min-decreased", N, IfType, "Wider on the wire; typify may pick another integer type."),
    own("request-parameter-min-unset", N, IfType, "Wider on the wire; typify may pick another integer type."),
    // Request body.
    oas("request-body-added-required", B, Wire, "Requests without a body are rejected; the method gains a `body` argument."),
    oas("request-body-added-optional", N, Always, "Positional interface: the method gains a `body` argument."),
    oas("request-body-removed", B, Wire, "The method loses its `body` argument."),
    oas("request-body-became-required", B, Wire, "Requests without a body are rejected."),
    oas("request-body-became-optional", N, Wire, "progenitor takes the body as `&T` whether it is required or not."),
    oas("request-body-type-changed", B, Wire, "Bodies that were valid are rejected."),
    oas("request-body-type-generalized", N, IfType, "Wider on the wire; breaking when the body's Rust type changes."),
    own("request-body-ref-changed", N, Always, "The body is another schema: the method takes another type."),
    // Request body properties.
    oas("new-required-request-property", B, Wire, "Requests without it are rejected; the builder fails without it."),
    oas("new-optional-request-property", N, Wire, "A new builder setter; the structs are `#[non_exhaustive]`."),
    oas("request-property-removed", P, Always, "Its field and builder setter disappear."),
    oas("request-property-became-required", B, Wire, "Requests without it are rejected; the builder fails without it."),
    oas("request-property-became-optional", N, Always, "The field becomes `Option<T>`: code that reads it as `T` stops compiling (the setter still takes `.field(\"x\")`, through `IntoOptional`)."),
    oas("request-property-type-changed", B, Wire, "Values that were valid are rejected (this includes a `format` added)."),
    oas("request-property-type-generalized", N, IfType, "Wider on the wire; breaking when the field's Rust type changes (`i32` to `i64`, `Uuid` to `String`)."),
    oas("request-property-enum-value-added", N, Wire, "The generated enums are `#[non_exhaustive]`: a new variant breaks no caller."),
    oas("request-property-enum-value-removed", B, Wire, "Requests with that value are rejected; the variant disappears."),
    oas("request-property-became-enum", B, Wire, "Values outside the enum are rejected; the field becomes an enum."),
    own("request-property-became-not-enum", N, IfType, "Wider on the wire; the field's type changes from an enum to `String`."),
    oas("request-property-max-length-set", P, IfType, "May reject long values; a plain `String` becomes a validated newtype."),
    oas("request-property-max-length-decreased", B, Wire, "Values that were valid are rejected."),
    oas("request-property-max-length-increased", N, IfType, "Wider on the wire; the newtype stays."),
    own("request-property-max-length-unset", N, IfType, "Wider on the wire; breaking when the newtype becomes a plain `String`."),
    oas("request-property-min-length-increased", B, Wire, "Values that were valid are rejected (also when `minLength` is set)."),
    oas("request-property-min-length-decreased", N, IfType, "Wider on the wire; breaking when the newtype becomes a plain `String`."),
    oas("request-property-pattern-added", B, Wire, "Values that were valid are rejected."),
    oas("request-property-pattern-changed", P, IfType, "May reject values that were valid."),
    oas("request-property-pattern-generalized", N, IfType, "The pattern became `.*`."),
    oas("request-property-pattern-removed", N, IfType, "Wider on the wire; breaking when the newtype becomes a plain `String`."),
    oas("request-property-max-set", P, IfType, "May reject large values; typify may pick another integer type."),
    oas("request-property-max-decreased", B, Wire, "Values that were valid are rejected."),
    oas("request-property-max-increased", N, IfType, "Wider on the wire; typify may pick another integer type."),
    own("request-property-max-unset", N, IfType, "Wider on the wire; typify may pick another integer type."),
    oas("request-property-min-set", P, IfType, "May reject small values; typify picks `u64` for `minimum: 0`, `NonZeroU64` for 1."),
    oas("request-property-min-increased", B, Wire, "Values that were valid are rejected."),
    oas("request-property-min-decreased", N, IfType, "Wider on the wire; typify may pick another integer type."),
    own("request-property-min-unset", N, IfType, "Wider on the wire; typify may pick another integer type."),
    own("request-property-ref-changed", N, Always, "The property is another schema: the field and setter take another type."),
    // Responses.
    oas("response-success-status-added", N, IfType, "progenitor 0.15.1 fails on two success responses with different bodies; with the same body nothing changes."),
    oas("response-success-status-removed", B, Wire, "Callers that handle that status break."),
    oas("response-non-success-status-added", N, IfType, "Breaking when the method's error type changes (`Error<()>` to `Error<types::E>`), or progenitor cannot generate it."),
    oas("response-non-success-status-removed", N, IfType, "Breaking when the method's error type changes."),
    oas("response-body-type-changed", B, Wire, "Responses that were valid change shape."),
    oas("response-body-type-generalized", B, Wire, "The response may hold values the caller does not expect."),
    oas("response-body-type-specialized", N, IfType, "Narrower on the wire; breaking when the return type changes."),
    own("response-body-ref-changed", N, Always, "The response is another schema: the method returns another type."),
    // Response body properties.
    oas("response-required-property-added", N, IfType, "A new field; the structs are `#[non_exhaustive]`, but a struct whose every field was optional derives `Default`, and the first required field takes it away."),
    oas("response-optional-property-added", N, Wire, "A new field; the structs are `#[non_exhaustive]`."),
    oas("response-required-property-removed", B, Wire, "Callers that read it break; the field disappears."),
    oas("response-optional-property-removed", P, Always, "The field disappears."),
    oas("response-property-became-optional", B, Wire, "Callers that expect it break; the field becomes `Option<T>`."),
    oas("response-property-became-required", N, Always, "The field's type changes from `Option<T>` to `T`."),
    oas("response-property-type-changed", B, Wire, "Responses change shape."),
    oas("response-property-type-generalized", B, Wire, "The response may hold values the caller does not expect."),
    oas("response-property-type-specialized", N, IfType, "Narrower on the wire; breaking when the field's Rust type changes (`String` to `Uuid`)."),
    oas("response-property-enum-value-added", N, Wire, "The generated response enums take a value the spec does not list into their `Unknown(String)` variant, and are `#[non_exhaustive]`: answers with the new value decode, and no caller breaks (oasdiff warns, for clients whose enums are closed)."),
    oas("response-property-enum-value-removed", N, Always, "The variant disappears."),
    own("response-property-became-enum", N, IfType, "Narrower on the wire; the field's type changes from `String` to an enum."),
    own("response-property-became-not-enum", P, IfType, "The response may hold any value; the field's type changes from an enum to `String`."),
    own("response-property-max-length-set", N, IfType, "Narrower on the wire; a plain `String` becomes a validated newtype."),
    own("response-property-max-length-decreased", N, IfType, "Narrower on the wire; the newtype stays."),
    oas("response-property-max-length-increased", B, Wire, "Longer values than the caller expects."),
    oas("response-property-max-length-unset", B, Wire, "Longer values than the caller expects."),
    own("response-property-min-length-increased", N, IfType, "Narrower on the wire; breaking when a plain `String` becomes a newtype."),
    oas("response-property-min-length-decreased", B, Wire, "Shorter values than the caller expects."),
    oas("response-property-pattern-added", N, IfType, "Narrower on the wire; breaking when a plain `String` becomes a newtype."),
    oas("response-property-pattern-changed", N, IfType, "The newtype stays."),
    oas("response-property-pattern-removed", N, IfType, "Breaking when the newtype becomes a plain `String`."),
    own("response-property-max-set", N, IfType, "Narrower on the wire; typify may pick another integer type."),
    own("response-property-max-decreased", N, IfType, "Narrower on the wire; typify may pick another integer type."),
    oas("response-property-max-increased", B, Wire, "Larger values than the caller expects."),
    own("response-property-max-unset", B, Wire, "Larger values than the caller expects (as oasdiff's `response-property-max-length-unset`)."),
    own("response-property-min-set", N, IfType, "Narrower on the wire; typify picks `u64` for `minimum: 0`, `NonZeroU64` for 1."),
    own("response-property-min-increased", N, IfType, "Narrower on the wire; typify may pick another integer type."),
    oas("response-property-min-decreased", B, Wire, "Smaller values than the caller expects."),
    own("response-property-min-unset", B, Wire, "Smaller values than the caller expects (as oasdiff's `response-property-min-length-decreased`)."),
    own("response-property-ref-changed", N, Always, "The property is another schema: the field has another type."),
    // Components and documentation.
    oas("api-schema-removed", N, Always, "typify generates a type for every component schema: `types::X` disappears."),
    own("api-schema-added", N, Wire, "A new type in `types`."),
    own("description-changed", N, Wire, "Documentation only (oasdiff leaves it out of its changelog)."),
    own("summary-changed", N, Wire, "Documentation only (oasdiff leaves it out of its changelog)."),
    own("example-changed", N, Wire, "Documentation only: typify and progenitor do not use examples."),
    own("info-version-changed", N, Wire, "progenitor sends it as the `api-version` header; no Rust item changes."),
    // Anything else.
    own(UNCLASSIFIED, P, Wire, "A difference the classifier does not understand: read it."),
];

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

impl RustLevel {
    /// How the table shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            RustLevel::Wire => "as the wire",
            RustLevel::Always => "breaking",
            RustLevel::IfTypeChanges => "breaking if the Rust type changes",
        }
    }
}

/// The table as Markdown: the block in the module documentation of
/// [this crate](crate), which a test keeps equal to [`RULES`].
pub fn markdown_table() -> String {
    let mut out = String::from("| id | wire | Rust | origin | reason |\n|---|---|---|---|---|\n");
    for r in RULES {
        let origin = match r.origin {
            Origin::Oasdiff => "oasdiff",
            Origin::Project => "project",
        };
        out.push_str(&format!(
            "| `{}` | {} | {}{} | {origin} | {}{} |\n",
            r.id,
            r.wire.as_str(),
            r.rust.as_str(),
            r.raw.map_or("", |_| "; breaking for stablemint-raw"),
            r.reason.replace('|', "\\|"),
            r.raw
                .map_or(String::new(), |raw| format!(" stablemint-raw: {raw}.")),
        ));
    }
    out
}
