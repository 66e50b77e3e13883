//! Which operation shapes the generator binds, and the sentence it stops with for the
//! others: each names the operation and says what to change.

use serde_json::{Value, json};

/// A spec with one signed `GET` and its schemas, as a document to edit.
fn base() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things/{id}": {
                "get": {
                    "operationId": "getThing",
                    "x-stablemint": {"signedParameter": "id"},
                    "parameters": [
                        {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                        {"name": "currency", "in": "query", "schema": {"type": "string", "format": "iso4217"}},
                        {"name": "api_key", "in": "header", "required": true, "schema": {"type": "string"}},
                        {"name": "timestamp", "in": "header", "required": true, "schema": {"type": "integer", "format": "int64"}},
                        {"name": "signature", "in": "header", "required": true, "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                    },
                },
            },
        },
        "components": {"schemas": {
            "Thing": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
        }},
    })
}

fn generate(spec: &Value) -> Result<stablemint_codegen::Output, String> {
    stablemint_codegen::generate_from_str(&spec.to_string(), std::path::Path::new("spec.yaml"))
        .map_err(|e| e.problem().to_owned())
}

fn operation(spec: &mut Value) -> &mut Value {
    &mut spec["paths"]["/things/{id}"]["get"]
}

fn fails(edit: impl FnOnce(&mut Value), says: &str) {
    let mut spec = base();
    edit(&mut spec);
    let problem = generate(&spec)
        .err()
        .unwrap_or_else(|| panic!("expected {says:?}"));
    assert!(problem.contains(says), "expected {says:?} in: {problem}");
}

#[test]
fn the_base_binds_with_a_validated_parameter() {
    let output = generate(&base()).unwrap();
    assert!(
        output
            .client
            .contains("rule: Some(::stablemint_validate::rules::currency)"),
        "{}",
        output.client
    );
    assert!(
        output.operations.contains(
            "fn check_parameters(&self, check: &mut stablemint_wire::ParameterCheck<'_>)"
        ),
        "{}",
        output.operations
    );
    assert!(
        output
            .operations
            .contains("const { &stablemint_raw::operations::GET_THING.parameters[0] }"),
        "{}",
        output.operations
    );
    // Every path parameter goes through the wire crate's encoder, none through
    // progenitor's.
    let client: String = output.client.split_whitespace().collect();
    assert!(
        client.contains("::stablemint_wire::encode_path_segment(&id.to_string())"),
        "{}",
        output.client
    );
    assert!(!client.contains(",encode_path("), "{}", output.client);
    assert!(output.operations.contains("pub async fn get_thing_with("));
    assert!(
        output
            .operations
            .contains("pub fn currency(mut self, value: impl Into<String>)")
    );
}

/// `format: date` is converted to `String`, so progenitor takes `&String` where it takes
/// `&str` for the other formats; the check takes either as a text (the every-shape
/// tests compile and run one).
#[test]
fn date_parameters_are_checked_as_text() {
    let mut spec = base();
    let parameters = operation(&mut spec)["parameters"].as_array_mut().unwrap();
    parameters.push(
        json!({"name": "since", "in": "query", "schema": {"type": "string", "format": "date"}}),
    );
    parameters.push(json!({"name": "X-Day", "in": "header", "required": true, "schema": {"type": "string", "format": "date"}}));
    let output = generate(&spec).unwrap();
    let compact: String = output.operations.split_whitespace().collect();
    assert!(
        compact.contains("GET_THING.parameters[2]},self.since,"),
        "{}",
        output.operations
    );
    assert!(
        compact.contains("GET_THING.parameters[3]},[self.x_day],"),
        "{}",
        output.operations
    );
}

/// Schemas whose generated code would not compile are refused, each with a sentence.
#[test]
fn patterns_and_constrained_validated_strings_are_refused() {
    fn thing(spec: &mut Value) -> &mut Value {
        &mut spec["components"]["schemas"]["Thing"]
    }
    fails(
        |s| thing(s)["properties"]["id"]["pattern"] = json!("^[a-z]+$"),
        "/components/schemas/Thing/properties/id has a `pattern`, which typify checks with \
         the `regress` crate",
    );
    fails(
        |s| {
            thing(s)["properties"]["email"] =
                json!({"type": "string", "format": "email", "minLength": 3})
        },
        "/components/schemas/Thing/properties/email has `format: email` (rule `email`) and \
         `minLength`",
    );
    fails(
        |s| operation(s)["parameters"][1]["schema"]["maxLength"] = json!(3),
        "has `format: iso4217` (rule `currency`) and `maxLength`",
    );
    // The fields the generated code reads as text must be text.
    let signed = |edit: fn(&mut Value)| {
        move |spec: &mut Value| {
            operation(spec)["x-stablemint"] = json!({"signedField": "id"});
            operation(spec)["parameters"] = json!([
                {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "api_key", "in": "header", "required": true, "schema": {"type": "string"}},
                {"name": "timestamp", "in": "header", "required": true, "schema": {"type": "integer", "format": "int64"}},
                {"name": "signature", "in": "header", "required": true, "schema": {"type": "string"}},
            ]);
            operation(spec)["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}});
            edit(spec);
        }
    };
    fails(
        signed(|s| thing(s)["properties"]["id"]["enum"] = json!(["a", "b"])),
        "the signed field `id` must be plain text, but its `enum` makes typify generate \
         another type than `String`",
    );
    fails(
        signed(|s| thing(s)["properties"]["id"]["format"] = json!("uuid")),
        "the signed field `id` must be plain text, but its `format: uuid`",
    );
    // A property named `pattern`, and a `pattern` in an example, are no patterns.
    let mut spec = base();
    thing(&mut spec)["properties"]["pattern"] = json!({"type": "string"});
    thing(&mut spec)["example"] = json!({"id": "x", "pattern": "^x$"});
    generate(&spec).unwrap();
}

#[test]
fn shapes_the_generator_does_not_bind_are_named() {
    let here = "GET /things/{id} (getThing)";
    fails(
        |s| operation(s)["x-stablemint"] = json!({"signedParameter": "currency"}),
        &format!(
            "{here}: the signed parameter `currency` must be a required string or integer \
             parameter"
        ),
    );
    fails(
        |s| operation(s)["parameters"][1]["in"] = json!("cookie"),
        &format!("{here}: parameter `currency` is in `cookie`"),
    );
    fails(
        |s| {
            operation(s)["parameters"][1]["schema"] =
                json!({"type": "array", "items": {"type": "integer"}})
        },
        "parameter `currency` must be a string, integer, number, boolean or an array of strings",
    );
    fails(
        |s| operation(s)["parameters"][0]["name"] = json!("thingId"),
        &format!("{here}: the path has `{{id}}` but no path parameter `id`"),
    );
    fails(
        |s| {
            operation(s)["responses"]["201"] = json!({"description": "also", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}})
        },
        &format!("{here} declares 2 success responses"),
    );
    fails(
        |s| operation(s)["responses"] = json!({"404": {"description": "gone"}}),
        &format!("{here} declares no success response"),
    );
    fails(
        |s| {
            operation(s)["responses"]["200"]["content"] =
                json!({"text/plain": {"schema": {"type": "string"}}})
        },
        &format!("{here}: the success response is not JSON"),
    );
    fails(
        |s| {
            let op = operation(s).clone();
            s["paths"]["/things/{id}"] = json!({"trace": op});
        },
        "TRACE /things/{id} (getThing): the generator binds GET, POST, PUT, PATCH and DELETE",
    );
    fails(
        |s| {
            let ok = operation(s)["responses"]["200"].clone();
            operation(s)["responses"] = json!({"2XX": ok});
        },
        "declare the success response with its status code",
    );
    fails(
        |s| {
            operation(s)["x-stablemint"] =
                json!({"signedParameter": "id", "idempotencyKeyField": "key"})
        },
        &format!("{here} has no JSON request body; the idempotency key field `key`"),
    );
    fails(
        |s| {
            operation(s)["requestBody"] = json!({"content": {"application/json": {
                "schema": {"type": "object", "properties": {"a": {"type": "string"}}}}}})
        },
        "the request body's schema must be a `$ref` to a schema under components.schemas",
    );
    fails(
        |s| {
            operation(s)["parameters"]
                .as_array_mut()
                .unwrap()
                .truncate(2);
            operation(s)["x-stablemint"] = json!({"auth": "none"});
            operation(s)["parameters"].as_array_mut().unwrap().push(
                json!({"name": "signature", "in": "header", "required": true,
                             "schema": {"type": "string"}}),
            );
        },
        "does not declare the header parameter(s) `api_key`, `timestamp`",
    );
}

#[test]
fn an_unsigned_operation_and_declared_errors_bind() {
    let mut spec = base();
    operation(&mut spec)["x-stablemint"] = json!({"auth": "none"});
    operation(&mut spec)["parameters"]
        .as_array_mut()
        .unwrap()
        .truncate(2);
    operation(&mut spec)["responses"]["404"] = json!({"description": "gone", "content": {
        "application/json": {"schema": {"type": "object", "properties": {"code": {"type": "string"}}}}}});
    operation(&mut spec)["responses"]["default"] = json!({"description": "other", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}});
    let output = generate(&spec).unwrap();
    assert!(
        output
            .client
            .contains("auth: ::stablemint_wire::Auth::None")
    );
    assert!(output.client.contains("pub struct GetThing404Error"));
    assert!(
        output.operations.contains(
            "const SPEC: &'static OperationSpec = &stablemint_raw::operations::GET_THING;"
        )
    );
    // The declared error bodies are decoded through the table, the one description of
    // the operation: a 404 as its hoisted type, any other status as `default`'s.
    let errors = &output.client[output.client.find("errors: &[").unwrap()..];
    let errors = &errors[..errors.find("\n        ],").unwrap()];
    assert!(errors.contains("Status::Code(404u16)"), "{errors}");
    assert!(
        errors.contains("decode_as::<types::GetThing404Error>"),
        "{errors}"
    );
    assert!(errors.contains("Status::Default"), "{errors}");
    assert!(errors.contains("decode_as::<types::Thing>"), "{errors}");
    assert!(!output.operations.contains("fn decode_error"));

    // The hoisted error type's name is taken: say so.
    spec["components"]["schemas"]["GetThing404Error"] = json!({"type": "object"});
    let problem = generate(&spec).err().unwrap();
    assert!(
        problem.contains(
            "would become the type `GetThing404Error`, but components.schemas \
             already has a schema of that name"
        ),
        "{problem}"
    );
}
