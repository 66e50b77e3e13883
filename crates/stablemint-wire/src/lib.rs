//! What both sides of the StableMint API's wire share.
//!
//! The [`stablemint`](https://docs.rs/stablemint) client and the
//! [`stablemint-mock`](https://docs.rs/stablemint-mock) server both depend on this crate,
//! so that they can never disagree on:
//!
//! - the request signature ([`signature`]) and the authentication headers ([`headers`]);
//! - the `timestamp` header's clock ([`unix_seconds`]);
//! - reading a request from JSON ([`read_json`], [`parse_json`]): duplicate keys, every
//!   missing, mistyped and unknown property and every broken rule at once, each at its
//!   JSON Pointer, with a did-you-mean hint ([`closest`]);
//! - what an idempotency key may be ([`check_idempotency_key`]);
//! - the one check of a request, which the client runs before it sends, the CLI's
//!   `validate` runs on a file and the mock runs on what it receives
//!   ([`OperationSpec::check_body`], [`parse_request`], [`ParameterCheck`]);
//! - how a parameter is written into a URL and read back ([`encode_path_segment`],
//!   [`percent_decode`], [`decode_query`]), so that a value reaches the server as it
//!   was given, in its declared place, or is refused before it is sent;
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

mod check;
mod encoding;
pub mod headers;
mod idempotency;
mod json;
mod operation_spec;
pub mod shape;
mod signing;
mod text;
mod time;

pub use check::{
    MAX_HEADER_VALUE_BYTES, MAX_URL_BYTES, ParameterCheck, parameter_pointer, parse_request,
};
pub use encoding::{
    NotUtf8, QueryNotUtf8, decode_query, encode_path_segment, encoded_path_len, encoded_query_len,
    percent_decode,
};
pub use idempotency::{MAX_IDEMPOTENCY_KEY_LEN, check_idempotency_key};
pub use json::{UnknownFields, check_value, closest, parse_json, read_json};
pub use operation_spec::{
    Auth, BodyCheck, BodySpec, Decode, Location, Method, OperationSpec, ParameterKind,
    ParameterSpec, ResponseSpec, Status, TextRule, decode_as,
};
pub use signing::signature;
pub use text::{escape_controls, masked, needs_escape, shown};
pub use time::{civil_date, unix_seconds};
