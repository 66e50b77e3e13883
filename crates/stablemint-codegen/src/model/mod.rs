//! The spec as the generator reads it: walked once, after its `allOf`s are merged and
//! its error schemas hoisted, into typed values that borrow from the document. The
//! passes read these instead of looking facts up in the JSON again.
//!
//! - [`Keywords`]: the one walk over every object of the document, for where `format`s
//!   and `pattern`s stand and for every `$ref`.
//! - [`Schemas`]: every component schema with its properties in the spec's order, and
//!   what each `$ref` points at.
//! - [`OperationModel`]: every operation as the spec writes it and as the generator
//!   binds it, checked shape by shape.

mod keywords;
mod operation;
mod parameters;
mod schema;
mod written;

use serde_json::Value;

use crate::error_responses::Hoisted;

pub(crate) use keywords::{Keywords, Site};
pub(crate) use operation::{OperationModel, ResponseModel};
pub(crate) use parameters::{ParamModel, path_variables};
pub(crate) use schema::{AdditionalProperties, Component, Schema, Schemas};
pub(crate) use written::Media;

/// The spec, read.
pub(crate) struct SpecModel<'d> {
    /// The document it was read from, for what needs the JSON itself: progenitor's
    /// input, and the mock's copy of each response schema with its `$ref`s written out.
    pub document: &'d Value,
    /// Where `format`s and `pattern`s stand.
    pub keywords: Keywords<'d>,
    /// Every component schema, and what each `$ref` points at.
    pub schemas: Schemas<'d>,
    /// Every operation, in the spec's order.
    pub operations: Vec<OperationModel<'d>>,
}

impl<'d> SpecModel<'d> {
    /// Reads `document`, a spec that passed [`spec::parse`](crate::spec::parse), whose
    /// `allOf`s are merged and whose error schemas are hoisted: `hoisted` is what
    /// [`hoist_error_schemas`](crate::error_responses::hoist_error_schemas) moved.
    /// Fails at the first operation the generator does not bind.
    pub fn read(document: &'d Value, hoisted: &[Hoisted]) -> Result<Self, String> {
        let keywords = Keywords::read(document);
        let schemas = Schemas::read(document, &keywords.references, hoisted);
        let operations = operation::read(document, &schemas, hoisted)?;
        Ok(Self {
            document,
            keywords,
            schemas,
            operations,
        })
    }
}
