//! What changed between two versions of the spec, and whether it breaks callers:
//! `cargo xtask diff`, and the one-line summary of `cargo xtask gen`.
//!
//! [`classify`] compares a base spec with a head spec and reports every difference as a
//! [`Change`]: a stable rule id, a [`Level`], a [`Location`] (the operation, a JSON
//! Pointer into the spec in wire names, and the spec file and line it is about), a
//! one-line message and a fingerprint. [`Report::accept`] marks the changes that
//! `openapi/accepted-changes.yaml` accepts ([`Accepted`]), [`Report::render`] writes the
//! report as text, JSON, Markdown or GitHub Actions annotations ([`Format`]), and
//! [`VersionCheck`] tells whether the crate versions moved as the changes need.
//!
//! The crate is a build tool behind `cargo xtask`: users of `stablemint` never compile
//! it. It depends on `stablemint-codegen` for the spec helpers the generator uses, and
//! its tests check the Rust claims of the rule table against the generator's output.
//!
//! # How changes are found
//!
//! 1. A walk over both documents side by side: operations (matched by path and method),
//!    their parameters (by `in` and name, path-level ones included), request bodies and
//!    responses, and the schemas under them, following `$ref`s into nested objects and
//!    array `items`. Each schema pair is compared once per operation and direction, so a
//!    cycle of `$ref`s ends. A change inside a `$ref`'d component points at the
//!    component (`/components/schemas/UserKyc/properties/nickname`); an added thing
//!    points into the head spec, a removed one into the base spec.
//! 2. A structural diff of the two documents as JSON. Every differing leaf that no
//!    change of step 1 explains (by pointer prefix) is reported too: an edit of a
//!    `description`, `summary` or `example` as documentation, anything else as
//!    `unclassified` and possibly breaking. Nothing is dropped.
//! 3. The lines: serde_yaml keeps no positions, so [`Lines`] reads each text again with
//!    a YAML parser that does, and gives each pointer the line of its key. A change in
//!    the head has the head's line; a removal has the base's line, and
//!    [`Location::head_line`] is the closest enclosing key the head still has, where an
//!    annotation on a pull request can go.
//!
//! # Fingerprints
//!
//! A fingerprint is 12 hex digits of the SHA-256 of the rule id, the operation and the
//! pointer, with array positions in the pointer replaced by what names the element (a
//! parameter's `in` and name, a `$ref`, a value) so that an edit elsewhere, a parameter
//! added before another, or a YAML tool's reformatting leaves it as it is. Changes that
//! would share all three (two enum values added to one schema) add the value.
//!
//! # Levels
//!
//! The wire level is oasdiff's (ERR is breaking, WARN possibly breaking, INFO
//! non-breaking), for the ids oasdiff has. The bindings add a second level: what a
//! change does to a Rust caller of the code progenitor 0.15.1 (positional interface)
//! and typify 0.8 generate. The stricter of the two is reported. Where the Rust level
//! is "breaking if the Rust type changes", the classifier models typify's choice of type
//! for both sides (a constrained string is a newtype, `format: uuid` is `Uuid`,
//! `minimum: 0` makes an integer `u64`, ...) and reports a breaking change only when
//! they differ. The tests in `tests/changes.rs` and `tests/rust_claims.rs` check the
//! Rust claims against generated code.
//!
//! `stablemint::Client` takes an operation's optional parameters in a generated
//! `#[non_exhaustive]` options type with a builder, so a new optional parameter breaks
//! none of its callers; it adds an argument to the positional method of
//! `stablemint-raw`, which breaks the callers of that crate alone. Such a rule keeps the
//! wire level, says so in every message (`(stablemint-raw: ...)`), and its `Rust`
//! column reads "breaking for stablemint-raw"; [`VersionCheck`] asks a
//! semver-incompatible version of `stablemint-raw` for it.
//!
//! `x-stablemint` on an operation declares what the request signature covers, in one of
//! three forms: `signedField: <body property>`, `signedParameter: <path, query or header
//! parameter>`, or `auth: none` (no authentication headers); and, optionally, which
//! body property carries the idempotency key (`idempotencyKeyField`). Its rules are the
//! project's own. Any change of what the signature covers is breaking: a new name in the
//! same form is `signed-field-changed` or `signed-parameter-changed`, a form declared or
//! dropped where the other side declares none is `signed-field-added`, `-removed` (and
//! likewise for parameters), and a move between forms, or any change of `auth`, is
//! `auth-changed`. When the whole extension is added or removed, each of its parts is
//! reported as added or removed, so a new `x-stablemint` that signs a field is breaking
//! and one with only an `idempotencyKeyField` is not.
//!
//! # The rules
//!
//! `origin` says whose id it is: oasdiff's, or this project's where oasdiff has no rule.
//!
// The table below is `rules::markdown_table()`; a test keeps them equal.
//! <!-- rules -->
//! | id | wire | Rust | origin | reason |
//! |---|---|---|---|---|
//! | `endpoint-added` | non-breaking | as the wire | oasdiff | A new client method; existing calls are unaffected. |
//! | `api-path-removed-without-deprecation` | breaking | as the wire | oasdiff | Calls to the path fail; the method disappears. |
//! | `api-path-removed-with-deprecation` | non-breaking | breaking | oasdiff | The method disappears whether or not it was deprecated first. |
//! | `api-removed-without-deprecation` | breaking | as the wire | oasdiff | Calls to the operation fail; the method disappears. |
//! | `api-removed-with-deprecation` | non-breaking | breaking | oasdiff | The method disappears whether or not it was deprecated first. |
//! | `endpoint-deprecated` | non-breaking | as the wire | oasdiff | progenitor emits no `#[deprecated]`: the generated code is unchanged. |
//! | `endpoint-reactivated` | non-breaking | as the wire | oasdiff | progenitor emits no `#[deprecated]`: the generated code is unchanged. |
//! | `api-operation-id-removed` | non-breaking | breaking | oasdiff | progenitor names the method after the operationId: the method is renamed. |
//! | `api-operation-id-added` | non-breaking | breaking | oasdiff | progenitor names the method after the operationId: the method is renamed. |
//! | `signed-field-added` | breaking | as the wire | project | The request signature starts covering a body field: every caller's signature changes. |
//! | `signed-field-removed` | breaking | as the wire | project | The request signature stops covering the body field: every caller's signature changes. |
//! | `signed-field-changed` | breaking | as the wire | project | The request signature covers another body field: every caller's signature changes. |
//! | `signed-parameter-added` | breaking | as the wire | project | The request signature starts covering a parameter: every caller's signature changes. |
//! | `signed-parameter-removed` | breaking | as the wire | project | The request signature stops covering the parameter: every caller's signature changes. |
//! | `signed-parameter-changed` | breaking | as the wire | project | The request signature covers another parameter: every caller's signature changes. |
//! | `auth-changed` | breaking | as the wire | project | Authentication changes form (a signed body field, a signed parameter, `auth: none`): every caller's requests change. |
//! | `idempotency-key-field-added` | non-breaking | as the wire | project | The client starts adding a key and retrying calls that may have reached StableMint; no caller's code or request breaks. |
//! | `idempotency-key-field-removed` | breaking | as the wire | project | At least possibly breaking, and counted as breaking: nothing fails to compile, but a call that may have reached StableMint is no longer retried, and a caller that resends after a timeout has no key and may create a duplicate. |
//! | `idempotency-key-field-changed` | breaking | as the wire | project | The key moves to another body field: a key a caller set in the old one is no longer the key, and a resend with it creates a duplicate. |
//! | `new-required-request-parameter` | breaking | as the wire | oasdiff | Requests without it are rejected; the method gains an argument. |
//! | `new-optional-request-parameter` | non-breaking | as the wire; breaking for stablemint-raw | oasdiff | `stablemint::Client` takes optional parameters in a generated `#[non_exhaustive]` options type with a builder: a new one is a new setter. stablemint-raw: its positional method gains an argument, which breaks direct callers of stablemint-raw. |
//! | `new-request-path-parameter` | breaking | as the wire | oasdiff | The path changes; the method gains an argument. |
//! | `request-parameter-removed` | possibly-breaking | breaking | oasdiff | The method loses the argument. |
//! | `request-parameter-became-required` | breaking | as the wire | oasdiff | Requests without it are rejected; the argument's type changes. |
//! | `request-parameter-became-optional` | non-breaking | breaking | oasdiff | The argument's type changes from `T` to `Option<T>`. |
//! | `request-parameter-type-changed` | breaking | as the wire | oasdiff | Values that were valid are rejected. |
//! | `request-parameter-type-generalized` | non-breaking | breaking if the Rust type changes | oasdiff | Wider on the wire; breaking when the argument's Rust type changes (`i32` to `i64`). |
//! | `request-parameter-enum-value-added` | non-breaking | as the wire | oasdiff | The generated enums are `#[non_exhaustive]`: a new variant breaks no caller. |
//! | `request-parameter-enum-value-removed` | breaking | as the wire | oasdiff | Requests with that value are rejected; the variant disappears. |
//! | `request-parameter-became-enum` | breaking | as the wire | oasdiff | Values outside the enum are rejected; the argument becomes an enum. |
//! | `request-parameter-became-not-enum` | non-breaking | breaking if the Rust type changes | project | Wider on the wire; the argument's type changes from an enum to `String`. |
//! | `request-parameter-max-length-set` | possibly-breaking | breaking if the Rust type changes | oasdiff | May reject long values; a plain `String` becomes a validated newtype. |
//! | `request-parameter-max-length-decreased` | breaking | as the wire | oasdiff | Values that were valid are rejected. |
//! | `request-parameter-max-length-increased` | non-breaking | breaking if the Rust type changes | oasdiff | Wider on the wire; the newtype stays. |
//! | `request-parameter-max-length-unset` | non-breaking | breaking if the Rust type changes | project | Wider on the wire; the newtype may become a plain `String`. |
//! | `request-parameter-min-length-increased` | breaking | as the wire | oasdiff | Values that were valid are rejected (also when `minLength` is set). |
//! | `request-parameter-min-length-decreased` | non-breaking | breaking if the Rust type changes | oasdiff | Wider on the wire; breaking when the newtype becomes a plain `String`. |
//! | `request-parameter-pattern-added` | breaking | as the wire | oasdiff | Values that were valid are rejected. |
//! | `request-parameter-pattern-changed` | possibly-breaking | breaking if the Rust type changes | oasdiff | May reject values that were valid. |
//! | `request-parameter-pattern-generalized` | non-breaking | breaking if the Rust type changes | oasdiff | The pattern became `.*`. |
//! | `request-parameter-pattern-removed` | non-breaking | breaking if the Rust type changes | oasdiff | Wider on the wire; breaking when the newtype becomes a plain `String`. |
//! | `request-parameter-max-set` | possibly-breaking | breaking if the Rust type changes | oasdiff | May reject large values; typify may pick another integer type. |
//! | `request-parameter-max-decreased` | breaking | as the wire | oasdiff | Values that were valid are rejected. |
//! | `request-parameter-max-increased` | non-breaking | breaking if the Rust type changes | oasdiff | Wider on the wire; typify may pick another integer type. |
//! | `request-parameter-max-unset` | non-breaking | breaking if the Rust type changes | project | Wider on the wire; typify may pick another integer type. |
//! | `request-parameter-min-set` | possibly-breaking | breaking if the Rust type changes | oasdiff | May reject small values; typify picks `u64` for `minimum: 0`, `NonZeroU64` for 1. |
//! | `request-parameter-min-increased` | breaking | as the wire | oasdiff | Values that were valid are rejected. |
//! | `request-parameter-min-decreased` | non-breaking | breaking if the Rust type changes | oasdiff | Wider on the wire; typify may pick another integer type. |
//! | `request-parameter-min-unset` | non-breaking | breaking if the Rust type changes | project | Wider on the wire; typify may pick another integer type. |
//! | `request-body-added-required` | breaking | as the wire | oasdiff | Requests without a body are rejected; the method gains a `body` argument. |
//! | `request-body-added-optional` | non-breaking | breaking | oasdiff | Positional interface: the method gains a `body` argument. |
//! | `request-body-removed` | breaking | as the wire | oasdiff | The method loses its `body` argument. |
//! | `request-body-became-required` | breaking | as the wire | oasdiff | Requests without a body are rejected. |
//! | `request-body-became-optional` | non-breaking | as the wire | oasdiff | progenitor takes the body as `&T` whether it is required or not. |
//! | `request-body-type-changed` | breaking | as the wire | oasdiff | Bodies that were valid are rejected. |
//! | `request-body-type-generalized` | non-breaking | breaking if the Rust type changes | oasdiff | Wider on the wire; breaking when the body's Rust type changes. |
//! | `request-body-ref-changed` | non-breaking | breaking | project | The body is another schema: the method takes another type. |
//! | `new-required-request-property` | breaking | as the wire | oasdiff | Requests without it are rejected; the builder fails without it. |
//! | `new-optional-request-property` | non-breaking | as the wire | oasdiff | A new builder setter; the structs are `#[non_exhaustive]`. |
//! | `request-property-removed` | possibly-breaking | breaking | oasdiff | Its field and builder setter disappear. |
//! | `request-property-became-required` | breaking | as the wire | oasdiff | Requests without it are rejected; the builder fails without it. |
//! | `request-property-became-optional` | non-breaking | breaking | oasdiff | The field becomes `Option<T>`: code that reads it as `T` stops compiling (the setter still takes `.field("x")`, through `IntoOptional`). |
//! | `request-property-type-changed` | breaking | as the wire | oasdiff | Values that were valid are rejected (this includes a `format` added). |
//! | `request-property-type-generalized` | non-breaking | breaking if the Rust type changes | oasdiff | Wider on the wire; breaking when the field's Rust type changes (`i32` to `i64`, `Uuid` to `String`). |
//! | `request-property-enum-value-added` | non-breaking | as the wire | oasdiff | The generated enums are `#[non_exhaustive]`: a new variant breaks no caller. |
//! | `request-property-enum-value-removed` | breaking | as the wire | oasdiff | Requests with that value are rejected; the variant disappears. |
//! | `request-property-became-enum` | breaking | as the wire | oasdiff | Values outside the enum are rejected; the field becomes an enum. |
//! | `request-property-became-not-enum` | non-breaking | breaking if the Rust type changes | project | Wider on the wire; the field's type changes from an enum to `String`. |
//! | `request-property-max-length-set` | possibly-breaking | breaking if the Rust type changes | oasdiff | May reject long values; a plain `String` becomes a validated newtype. |
//! | `request-property-max-length-decreased` | breaking | as the wire | oasdiff | Values that were valid are rejected. |
//! | `request-property-max-length-increased` | non-breaking | breaking if the Rust type changes | oasdiff | Wider on the wire; the newtype stays. |
//! | `request-property-max-length-unset` | non-breaking | breaking if the Rust type changes | project | Wider on the wire; breaking when the newtype becomes a plain `String`. |
//! | `request-property-min-length-increased` | breaking | as the wire | oasdiff | Values that were valid are rejected (also when `minLength` is set). |
//! | `request-property-min-length-decreased` | non-breaking | breaking if the Rust type changes | oasdiff | Wider on the wire; breaking when the newtype becomes a plain `String`. |
//! | `request-property-pattern-added` | breaking | as the wire | oasdiff | Values that were valid are rejected. |
//! | `request-property-pattern-changed` | possibly-breaking | breaking if the Rust type changes | oasdiff | May reject values that were valid. |
//! | `request-property-pattern-generalized` | non-breaking | breaking if the Rust type changes | oasdiff | The pattern became `.*`. |
//! | `request-property-pattern-removed` | non-breaking | breaking if the Rust type changes | oasdiff | Wider on the wire; breaking when the newtype becomes a plain `String`. |
//! | `request-property-max-set` | possibly-breaking | breaking if the Rust type changes | oasdiff | May reject large values; typify may pick another integer type. |
//! | `request-property-max-decreased` | breaking | as the wire | oasdiff | Values that were valid are rejected. |
//! | `request-property-max-increased` | non-breaking | breaking if the Rust type changes | oasdiff | Wider on the wire; typify may pick another integer type. |
//! | `request-property-max-unset` | non-breaking | breaking if the Rust type changes | project | Wider on the wire; typify may pick another integer type. |
//! | `request-property-min-set` | possibly-breaking | breaking if the Rust type changes | oasdiff | May reject small values; typify picks `u64` for `minimum: 0`, `NonZeroU64` for 1. |
//! | `request-property-min-increased` | breaking | as the wire | oasdiff | Values that were valid are rejected. |
//! | `request-property-min-decreased` | non-breaking | breaking if the Rust type changes | oasdiff | Wider on the wire; typify may pick another integer type. |
//! | `request-property-min-unset` | non-breaking | breaking if the Rust type changes | project | Wider on the wire; typify may pick another integer type. |
//! | `request-property-ref-changed` | non-breaking | breaking | project | The property is another schema: the field and setter take another type. |
//! | `response-success-status-added` | non-breaking | breaking if the Rust type changes | oasdiff | progenitor 0.15.1 fails on two success responses with different bodies; with the same body nothing changes. |
//! | `response-success-status-removed` | breaking | as the wire | oasdiff | Callers that handle that status break. |
//! | `response-non-success-status-added` | non-breaking | breaking if the Rust type changes | oasdiff | Breaking when the method's error type changes (`Error<()>` to `Error<types::E>`), or progenitor cannot generate it. |
//! | `response-non-success-status-removed` | non-breaking | breaking if the Rust type changes | oasdiff | Breaking when the method's error type changes. |
//! | `response-body-type-changed` | breaking | as the wire | oasdiff | Responses that were valid change shape. |
//! | `response-body-type-generalized` | breaking | as the wire | oasdiff | The response may hold values the caller does not expect. |
//! | `response-body-type-specialized` | non-breaking | breaking if the Rust type changes | oasdiff | Narrower on the wire; breaking when the return type changes. |
//! | `response-body-ref-changed` | non-breaking | breaking | project | The response is another schema: the method returns another type. |
//! | `response-required-property-added` | non-breaking | breaking if the Rust type changes | oasdiff | A new field; the structs are `#[non_exhaustive]`, but a struct whose every field was optional derives `Default`, and the first required field takes it away. |
//! | `response-optional-property-added` | non-breaking | as the wire | oasdiff | A new field; the structs are `#[non_exhaustive]`. |
//! | `response-required-property-removed` | breaking | as the wire | oasdiff | Callers that read it break; the field disappears. |
//! | `response-optional-property-removed` | possibly-breaking | breaking | oasdiff | The field disappears. |
//! | `response-property-became-optional` | breaking | as the wire | oasdiff | Callers that expect it break; the field becomes `Option<T>`. |
//! | `response-property-became-required` | non-breaking | breaking | oasdiff | The field's type changes from `Option<T>` to `T`. |
//! | `response-property-type-changed` | breaking | as the wire | oasdiff | Responses change shape. |
//! | `response-property-type-generalized` | breaking | as the wire | oasdiff | The response may hold values the caller does not expect. |
//! | `response-property-type-specialized` | non-breaking | breaking if the Rust type changes | oasdiff | Narrower on the wire; breaking when the field's Rust type changes (`String` to `Uuid`). |
//! | `response-property-enum-value-added` | non-breaking | as the wire | oasdiff | The generated response enums take a value the spec does not list into their `Unknown(String)` variant, and are `#[non_exhaustive]`: answers with the new value decode, and no caller breaks (oasdiff warns, for clients whose enums are closed). |
//! | `response-property-enum-value-removed` | non-breaking | breaking | oasdiff | The variant disappears. |
//! | `response-property-became-enum` | non-breaking | breaking if the Rust type changes | project | Narrower on the wire; the field's type changes from `String` to an enum. |
//! | `response-property-became-not-enum` | possibly-breaking | breaking if the Rust type changes | project | The response may hold any value; the field's type changes from an enum to `String`. |
//! | `response-property-max-length-set` | non-breaking | breaking if the Rust type changes | project | Narrower on the wire; a plain `String` becomes a validated newtype. |
//! | `response-property-max-length-decreased` | non-breaking | breaking if the Rust type changes | project | Narrower on the wire; the newtype stays. |
//! | `response-property-max-length-increased` | breaking | as the wire | oasdiff | Longer values than the caller expects. |
//! | `response-property-max-length-unset` | breaking | as the wire | oasdiff | Longer values than the caller expects. |
//! | `response-property-min-length-increased` | non-breaking | breaking if the Rust type changes | project | Narrower on the wire; breaking when a plain `String` becomes a newtype. |
//! | `response-property-min-length-decreased` | breaking | as the wire | oasdiff | Shorter values than the caller expects. |
//! | `response-property-pattern-added` | non-breaking | breaking if the Rust type changes | oasdiff | Narrower on the wire; breaking when a plain `String` becomes a newtype. |
//! | `response-property-pattern-changed` | non-breaking | breaking if the Rust type changes | oasdiff | The newtype stays. |
//! | `response-property-pattern-removed` | non-breaking | breaking if the Rust type changes | oasdiff | Breaking when the newtype becomes a plain `String`. |
//! | `response-property-max-set` | non-breaking | breaking if the Rust type changes | project | Narrower on the wire; typify may pick another integer type. |
//! | `response-property-max-decreased` | non-breaking | breaking if the Rust type changes | project | Narrower on the wire; typify may pick another integer type. |
//! | `response-property-max-increased` | breaking | as the wire | oasdiff | Larger values than the caller expects. |
//! | `response-property-max-unset` | breaking | as the wire | project | Larger values than the caller expects (as oasdiff's `response-property-max-length-unset`). |
//! | `response-property-min-set` | non-breaking | breaking if the Rust type changes | project | Narrower on the wire; typify picks `u64` for `minimum: 0`, `NonZeroU64` for 1. |
//! | `response-property-min-increased` | non-breaking | breaking if the Rust type changes | project | Narrower on the wire; typify may pick another integer type. |
//! | `response-property-min-decreased` | breaking | as the wire | oasdiff | Smaller values than the caller expects. |
//! | `response-property-min-unset` | breaking | as the wire | project | Smaller values than the caller expects (as oasdiff's `response-property-min-length-decreased`). |
//! | `response-property-ref-changed` | non-breaking | breaking | project | The property is another schema: the field has another type. |
//! | `api-schema-removed` | non-breaking | breaking | oasdiff | typify generates a type for every component schema: `types::X` disappears. |
//! | `api-schema-added` | non-breaking | as the wire | project | A new type in `types`. |
//! | `description-changed` | non-breaking | as the wire | project | Documentation only (oasdiff leaves it out of its changelog). |
//! | `summary-changed` | non-breaking | as the wire | project | Documentation only (oasdiff leaves it out of its changelog). |
//! | `example-changed` | non-breaking | as the wire | project | Documentation only: typify and progenitor do not use examples. |
//! | `info-version-changed` | non-breaking | as the wire | project | progenitor sends it as the `api-version` header; no Rust item changes. |
//! | `unclassified` | possibly-breaking | as the wire | project | A difference the classifier does not understand: read it. |
//! <!-- /rules -->
//!
//! # JSON
//!
//! `cargo xtask diff --format json` prints [`Report::to_json`]:
//!
//! ```json
//! {
//!   "changes": [
//!     {
//!       "id": "new-required-request-property",
//!       "level": "breaking",
//!       "fingerprint": "230c588c6833",
//!       "location": {
//!         "operation": "POST /session/embedded",
//!         "pointer": "/components/schemas/EmbeddedSessionRequest/properties/merchantId",
//!         "file": "openapi/stablemint.yaml",
//!         "revision": null,
//!         "line": 76
//!       },
//!       "message": "required request property `merchantId` added",
//!       "accepted": null
//!     }
//!   ],
//!   "stale": []
//! }
//! ```
//!
//! `level` is `breaking`, `possibly-breaking` or `non-breaking`. `operation` is `null`
//! for a change not tied to an operation: a component schema added or removed, `info`,
//! or a difference outside `paths` that only step 2 found (an edited description in a
//! component, `servers`). `file`, `revision` and `line` are those of the head spec, or
//! of the base spec (with the git revision it was read from) for a removal; `line` is
//! `null` only when the text could not be read for positions. `accepted` is `{"reason",
//! "date", "line"}` for an accepted change, where `line` is the entry's in the accepted
//! file; `stale` lists the entries that match no change, each with its `fingerprint`,
//! `id`, `reason`, `date`, `file` and `line`. With `--check-versions`, `versions` has
//! `since`, `ok`, and per crate `name`, `before`, `after`, `file` and `line` (where the
//! version is declared), `needs` (`none`, `patch` or `incompatible`), `minimum`,
//! `because` and `ok`. The changes come worst first.
//!
//! # Text from the spec
//!
//! A spec is input like any other. Names from it are Markdown code spans that nothing
//! in them can close; control and bidi characters are shown escaped (`\u{1b}`) in every
//! format; GitHub workflow commands escape `%`, CR and LF, and `:` and `,` in their
//! properties, as GitHub documents. A key cannot move the terminal's cursor, add a link
//! or a mention to a pull request, or forge an annotation.

#![warn(missing_docs)]

mod accepted;
mod escape;
mod identity;
mod locate;
mod model;
mod render;
pub mod rules;
mod rust_type;
mod structural;
mod versions;
mod walk;

use serde_json::Value;
use stablemint_codegen::spec;

pub use accepted::{ACCEPTED_IN_REPO, Accepted, AcceptedError, Entry};
pub use identity::FINGERPRINT_LEN;
pub use locate::Lines;
pub use model::{Acceptance, Change, Level, Location, Report, Side, Source, SpecError, SpecFile};
pub use render::Format;
pub use versions::{
    Bump, CRATES, CrateVersion, Declared, LeftBehind, Manifest, PathRequirement, VersionCheck,
    WORKSPACE_MANIFEST, bumped, declared, left_behind, path_requirements, workspace_version,
};

/// Classifies every change from the spec `base` to the spec `head`.
///
/// Fails only when a text is not YAML or not a mapping at the top level; any document
/// that parses is classified, however broken, without panicking.
pub fn classify(base: Source<'_>, head: Source<'_>) -> Result<Report, SpecError> {
    let parse = |side: Side, source: &str| {
        let document = spec::parse_yaml(source).map_err(|e| SpecError {
            side,
            line: e.line,
            problem: e.message,
        })?;
        if document.is_object() {
            Ok(document)
        } else {
            Err(SpecError {
                side,
                line: None,
                problem: "not an OpenAPI document: the top level is not a mapping".to_owned(),
            })
        }
    };
    let base_doc = parse(Side::Base, base.text)?;
    let head_doc = parse(Side::Head, head.text)?;

    let mut walker = walk::Walker::new(&base_doc, &head_doc);
    walker.walk();
    let leaves = structural::leaves(&base_doc, &head_doc);
    let mut changes = walker.changes;
    changes.extend(structural::unexplained(
        &leaves,
        &walker.covered,
        &base_doc,
        &head_doc,
    ));

    let mut unique: Vec<Change> = Vec::with_capacity(changes.len());
    for change in changes {
        if !unique.contains(&change) {
            unique.push(change);
        }
    }
    // Stable: within a level, the order of the documents.
    unique.sort_by_key(|c| std::cmp::Reverse(c.level));
    if !unique.is_empty() {
        place(&mut unique, (base.text, &base_doc), head.text);
    }
    let file = |source: Source<'_>| SpecFile {
        file: source.file.to_owned(),
        revision: source.revision.map(str::to_owned),
    };
    Ok(Report {
        base: file(base),
        head: file(head),
        changes: unique,
        stale: Vec::new(),
    })
}

/// Fills in each change's lines: in its own spec, and where it shows in the head.
fn place(changes: &mut [Change], (base_text, base_doc): (&str, &Value), head_text: &str) {
    let base_lines = Lines::of(base_text);
    let head_lines = Lines::of(head_text);
    for change in changes {
        let location = &mut change.location;
        match location.side {
            Side::Head => {
                location.line = head_lines.line(&location.pointer);
                location.head_line = location.line;
            }
            Side::Base => {
                location.line = base_lines.line(&location.pointer);
                location.head_line =
                    head_lines.line(&enclosing_by_key(base_doc, &location.pointer));
            }
        }
    }
}

/// The longest prefix of `pointer` that names things by key only: array positions
/// in the base mean nothing in the head, where elements may have moved.
fn enclosing_by_key(base: &Value, pointer: &str) -> String {
    let mut node = Some(base);
    let mut end = 0;
    for segment in pointer.split('/').skip(1) {
        match node {
            Some(Value::Object(map)) => {
                node = map.get(&segment.replace("~1", "/").replace("~0", "~"));
            }
            _ => break,
        }
        end += segment.len() + 1;
    }
    pointer[..end].to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn module_docs_show_the_rule_table() {
        let source = include_str!("lib.rs");
        let expected: String = super::rules::markdown_table()
            .lines()
            .map(|line| format!("//! {line}\n"))
            .collect();
        let start = source.find("//! <!-- rules -->\n").expect("start marker") + 19;
        let end = source.find("//! <!-- /rules -->").expect("end marker");
        assert!(
            source[start..end] == expected,
            "the rule table in src/lib.rs is out of date; replace the lines \
             between the markers with:\n{expected}"
        );
    }

    #[test]
    fn every_id_is_unique() {
        let rules = super::rules::RULES;
        for (i, rule) in rules.iter().enumerate() {
            assert!(
                rules[..i].iter().all(|r| r.id != rule.id),
                "duplicate id {}",
                rule.id
            );
        }
    }
}
