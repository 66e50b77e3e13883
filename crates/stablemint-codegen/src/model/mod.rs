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

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};
    use stablemint_wire::{ParameterKind, Status};

    use super::*;

    /// A spec with one unsigned operation, `GET /things/{id}`, with `parameters`
    /// beside the path's own `path_parameters`, and `responses`.
    fn spec(path_parameters: Value, parameters: Value, responses: Value) -> Value {
        json!({
            "openapi": "3.0.3",
            "paths": {"/things/{id}": {
                "parameters": path_parameters,
                "get": {
                    "operationId": "getThing",
                    "x-stablemint": {"auth": "none"},
                    "parameters": parameters,
                    "responses": responses,
                },
            }},
            "components": {"schemas": {
                "Thing": {"type": "object", "properties": {"id": {"type": "string"}}},
                "Kind": {"type": "integer", "format": "int32"},
            }},
        })
    }

    fn ok() -> Value {
        json!({"200": {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Thing"}
        }}}})
    }

    fn param(name: &str, location: &str, required: bool, schema: Value) -> Value {
        json!({"name": name, "in": location, "required": required, "schema": schema})
    }

    /// [`spec`] with the path parameter alone and `responses`.
    fn with_responses(responses: Value) -> Value {
        let id = param("id", "path", true, json!({"type": "string"}));
        spec(json!([id]), json!([]), responses)
    }

    #[test]
    fn each_parameter_kind_is_read_with_its_format_and_an_override_replaces_the_path_level_one() {
        let document = spec(
            json!([
                param("id", "path", true, json!({"type": "string"})),
                param("limit", "query", false, json!({"type": "string"})),
            ]),
            json!([
                param("limit", "query", true, json!({"type": "integer"})),
                param(
                    "kind",
                    "query",
                    false,
                    json!({"$ref": "#/components/schemas/Kind"})
                ),
                param("ratio", "query", false, json!({"type": "number"})),
                param("all", "query", false, json!({"type": "boolean"})),
                param(
                    "days",
                    "query",
                    false,
                    json!({"type": "array", "items": {"type": "string", "format": "date"}})
                ),
                param(
                    "x-trace",
                    "header",
                    false,
                    json!({"type": "string", "format": "uuid"})
                ),
            ]),
            ok(),
        );
        let model = SpecModel::read(&document, &[]).unwrap();
        let operation = &model.operations[0];
        let read: Vec<(&str, bool, ParameterKind, Option<&str>)> = operation
            .parameters
            .iter()
            .map(|p| (p.name, p.required, p.kind, p.format))
            .collect();
        assert_eq!(
            read,
            [
                ("id", true, ParameterKind::String, None),
                ("limit", true, ParameterKind::Int64, None),
                ("kind", false, ParameterKind::Int32, Some("int32")),
                ("ratio", false, ParameterKind::Number, None),
                ("all", false, ParameterKind::Boolean, None),
                ("days", false, ParameterKind::StringArray, Some("date")),
                ("x-trace", false, ParameterKind::String, Some("uuid")),
            ]
        );
    }

    #[test]
    fn a_parameter_of_a_kind_not_bound_stops_generation() {
        for schema in [
            json!({"type": "object"}),
            json!({"type": "array", "items": {"type": "integer"}}),
        ] {
            let document = spec(
                json!([param("id", "path", true, json!({"type": "string"}))]),
                json!([param("q", "query", false, schema)]),
                ok(),
            );
            assert!(SpecModel::read(&document, &[]).is_err(), "{document}");
        }
    }

    #[test]
    fn only_error_responses_with_a_schema_are_errors_and_a_body_says_if_it_is_required() {
        let mut document = with_responses(json!({
            "200": ok()["200"],
            "404": {"description": "no body"},
            "409": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Thing"}
            }}},
        }));
        let model = SpecModel::read(&document, &[]).unwrap();
        let errors: Vec<Status> = model.operations[0]
            .errors
            .iter()
            .map(|e| e.status)
            .collect();
        assert_eq!(errors, [Status::Code(409)]);
        assert!(model.operations[0].body.is_none());

        for required in [true, false] {
            document["paths"]["/things/{id}"]["get"]["requestBody"] = json!({"required": required, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Thing"}
            }}});
            let model = SpecModel::read(&document, &[]).unwrap();
            let body = model.operations[0].body.as_ref().unwrap();
            assert_eq!((body.schema, body.required), ("Thing", required));
            let written = model.operations[0].written.body.as_ref().unwrap();
            assert_eq!(written.required, required);
        }
    }

    #[test]
    fn an_error_schema_hoisted_into_a_component_is_marked_where_the_spec_wrote_it() {
        let mut document = with_responses(json!({
            "200": ok()["200"],
            "400": {"content": {"application/json": {"schema": {
                "type": "object", "properties": {"code": {"type": "string"}}
            }}}},
        }));
        let hoisted = crate::error_responses::hoist_error_schemas(&mut document).unwrap();
        assert_eq!(hoisted.len(), 1);
        let model = SpecModel::read(&document, &hoisted).unwrap();
        let operation = &model.operations[0];
        let marks: Vec<(&str, bool)> = operation
            .written
            .responses
            .iter()
            .map(|r| (r.status, r.content.iter().all(|media| media.hoisted)))
            .collect();
        assert_eq!(marks, [("200", false), ("400", true)]);
        let name = operation.errors[0].schema_name().unwrap();
        assert!(model.schemas.component(name).is_some_and(|c| c.hoisted));
        assert!(!model.schemas.component("Thing").unwrap().hoisted);
    }
}
