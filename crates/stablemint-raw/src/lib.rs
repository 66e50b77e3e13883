//! The StableMint API client, generated from `openapi/stablemint.yaml`.
//!
//! **Everything in this crate except this file is generated.** `src/generated.rs` is
//! written by `cargo xtask gen` (progenitor 0.15 with the builder interface, formatted
//! with prettyplease) and is never edited by hand: change the spec or the generator in
//! `crates/stablemint-codegen`, run `cargo xtask gen`, and commit both. CI runs
//! `cargo xtask gen --check`, and the workspace's `freshness` test fails when this file
//! is out of date.
//!
//! This crate states the wire contract exactly: the three authentication headers
//! (`api_key`, `timestamp`, `signature`) are ordinary required parameters, and the
//! request types derive [`stablemint_validate::Validate`] from the spec's `format`s.
//! Most users want the `stablemint` crate instead, which computes the headers, validates
//! before sending and retries safely.
//!
//! Every request also carries an `api-version` header with the spec's `info.version`,
//! which progenitor adds.
//!
//! # TLS
//!
//! reqwest is built with rustls and no default crypto provider, so that the `stablemint`
//! crate can choose one (ring by default). Build the [`Client`] with
//! [`Client::new_with_client`] and a `reqwest::Client` whose TLS is configured, or
//! install a process-wide provider first; [`Client::new`] panics when neither is done.

// The generated code is what progenitor emits, formatted by prettyplease; lints and
// rustfmt are turned off here, never by editing the file.
#[rustfmt::skip]
#[allow(
    missing_docs,
    clippy::all,
    clippy::pedantic,
    unused_imports,
    rustdoc::all
)]
mod generated;

pub use generated::*;
