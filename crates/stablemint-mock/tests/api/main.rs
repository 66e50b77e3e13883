//! The mock server over real HTTP, with reqwest and with the `stablemint` client.
//!
//! One test binary with a module per concern, so it is linked once. The log test is a
//! binary of its own: tracing caches per call site whether anyone listens, and tests on
//! other threads hitting the same call sites with no subscriber race with it.

mod support;

mod errors;
mod faults;
mod garbage;
mod headers;
mod idempotency;
mod kit;
mod lifecycle;
mod malformed;
mod operations;
mod sessions;
