//! The mock server over real HTTP, with reqwest and with the `stablemint` client.
//!
//! One test binary with a module per concern, so it is linked once.

mod support;

mod errors;
mod faults;
mod garbage;
mod headers;
mod idempotency;
mod lifecycle;
mod logs;
mod malformed;
mod sessions;
