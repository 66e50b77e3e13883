//! What both sides of the StableMint API's wire share.
//!
//! The [`stablemint`](https://docs.rs/stablemint) client and the
//! [`stablemint-mock`](https://docs.rs/stablemint-mock) server both depend on this crate,
//! so that they can never disagree on:
//!
//! - the request signature ([`signature`]) and the authentication headers ([`headers`]);
//! - the `timestamp` header's clock ([`unix_seconds`]);
//! - reading a request from JSON ([`parse_json`]): every missing, mistyped and unknown
//!   property and every broken rule at once, each at its JSON Pointer, with a
//!   did-you-mean hint ([`closest`]);
//! - what an idempotency key may be ([`check_idempotency_key`]);
//! - showing text from the other side ([`escape_controls`], [`shown`]);
//! - what the spec declares about each operation ([`OperationSpec`]), which
//!   `cargo xtask gen` writes into `stablemint-raw`, and the JSON shape of each schema
//!   type ([`shape`]).
//!
//! ```
//! // The signature of a request made at 1,700,000,000 s for user `user-1`:
//! let signed = stablemint_wire::signature(1_700_000_000, "secret", "user-1");
//! assert_eq!(signed.len(), 64);
//! ```

#![warn(missing_docs)]

pub mod headers;
mod idempotency;
mod json;
mod operation;
pub mod shape;
mod signing;
mod text;
mod time;

pub use idempotency::{MAX_IDEMPOTENCY_KEY_LEN, check_idempotency_key};
pub use json::{UnknownFields, check_json, closest, parse_json};
pub use operation::{
    Auth, BodyCheck, BodySpec, DecodeCheck, Location, Method, OperationSpec, ParameterKind,
    ParameterSpec, ResponseSpec, Status, TextRule, decodes_as,
};
pub use signing::signature;
pub use text::{escape_controls, masked, needs_escape, shown};
pub use time::{civil_date, unix_seconds};
