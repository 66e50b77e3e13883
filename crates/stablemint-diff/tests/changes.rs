//! The change classifier, one row per rule: a small base spec, an edit, and the changes
//! expected (id, level, operation, pointer). Rows where the Rust level is stricter than
//! the wire say so in their name.

mod common;

use common::*;
use serde_json::{Value, json};
use stablemint_diff::{Level, Report, rules};

use Level::{Breaking as B, NonBreaking as N, PossiblyBreaking as P};

type Expected = (&'static str, Level, Option<&'static str>, &'static str);

struct Row {
    name: &'static str,
    /// Edits the base (most rows leave it as it is).
    base: fn(&mut Value),
    /// Edits the head.
    head: fn(&mut Value),
    expected: Vec<Expected>,
    /// Whether `expected` is every change, or only some of them.
    exact: bool,
}

fn row(name: &'static str, head: fn(&mut Value), expected: Vec<Expected>) -> Row {
    Row {
        name,
        base: keep,
        head,
        expected,
        exact: true,
    }
}

fn row_from(
    name: &'static str,
    base: fn(&mut Value),
    head: fn(&mut Value),
    expected: Vec<Expected>,
) -> Row {
    Row {
        name,
        base,
        head,
        expected,
        exact: true,
    }
}

fn some(row: Row) -> Row {
    Row {
        exact: false,
        ..row
    }
}

#[rustfmt::skip]
fn rows() -> Vec<Row> {
    vec![
        // Operations.
        row("operation added to a path", |d| set(d, "/paths/~1items~1{id}/put", json!({"operationId": "putItem", "responses": {"204": {"description": "ok"}}})),
            vec![("endpoint-added", N, Some("PUT /items/{id}"), "/paths/~1items~1{id}/put")]),
        row("path added", |d| set(d, "/paths/~1other", json!({"get": {"operationId": "other", "responses": {"204": {"description": "ok"}}}})),
            vec![("endpoint-added", N, Some("GET /other"), "/paths/~1other/get")]),
        row("operation removed without deprecation", |d| del(d, "/paths/~1items~1{id}/get"),
            vec![("api-removed-without-deprecation", B, Some("GET /items/{id}"), "/paths/~1items~1{id}/get")]),
        row("Rust: operation removed after deprecation", |d| del(d, "/paths/~1items~1{id}/delete"),
            vec![("api-removed-with-deprecation", B, Some("DELETE /items/{id}"), "/paths/~1items~1{id}/delete")]),
        row("path removed, one operation deprecated (Rust: both break)", |d| del(d, "/paths/~1items~1{id}"),
            vec![
                ("api-path-removed-without-deprecation", B, Some("GET /items/{id}"), "/paths/~1items~1{id}/get"),
                ("api-path-removed-with-deprecation", B, Some("DELETE /items/{id}"), "/paths/~1items~1{id}/delete"),
            ]),
        row("operation deprecated", |d| set(d, &format!("{OP}/deprecated"), json!(true)),
            vec![("endpoint-deprecated", N, Some(POST), "/paths/~1items/post/deprecated")]),
        row_from("operation no longer deprecated", |d| set(d, &format!("{OP}/deprecated"), json!(true)), |d| del(d, &format!("{OP}/deprecated")),
            vec![("endpoint-reactivated", N, Some(POST), "/paths/~1items/post/deprecated")]),
        row("Rust: operationId changed", |d| set(d, &format!("{OP}/operationId"), json!("makeItem")),
            vec![("api-operation-id-removed", B, Some(POST), "/paths/~1items/post/operationId")]),
        row_from("Rust: operationId added", |d| del(d, &format!("{OP}/operationId")), |d| set(d, &format!("{OP}/operationId"), json!("createItem")),
            vec![("api-operation-id-added", B, Some(POST), "/paths/~1items/post/operationId")]),
        // x-stablemint.
        row("signed field changed", |d| set(d, &format!("{OP}/x-stablemint/signedField"), json!("email")),
            vec![("signed-field-changed", B, Some(POST), "/paths/~1items/post/x-stablemint/signedField")]),
        row("idempotency key field removed", |d| del(d, &format!("{OP}/x-stablemint/idempotencyKeyField")),
            vec![("idempotency-key-field-removed", B, Some(POST), "/paths/~1items/post/x-stablemint/idempotencyKeyField")]),
        row("idempotency key field changed", |d| set(d, &format!("{OP}/x-stablemint/idempotencyKeyField"), json!("code")),
            vec![("idempotency-key-field-changed", B, Some(POST), "/paths/~1items/post/x-stablemint/idempotencyKeyField")]),
        row_from("idempotency key field added", |d| del(d, &format!("{OP}/x-stablemint/idempotencyKeyField")), |d| set(d, &format!("{OP}/x-stablemint/idempotencyKeyField"), json!("key")),
            vec![("idempotency-key-field-added", N, Some(POST), "/paths/~1items/post/x-stablemint/idempotencyKeyField")]),
        row("extension removed as a whole", |d| del(d, &format!("{OP}/x-stablemint")),
            vec![
                ("signed-field-removed", B, Some(POST), "/paths/~1items/post/x-stablemint/signedField"),
                ("idempotency-key-field-removed", B, Some(POST), "/paths/~1items/post/x-stablemint/idempotencyKeyField"),
            ]),
        row_from("extension added as a whole", |d| del(d, &format!("{OP}/x-stablemint")), |d| set(d, &format!("{OP}/x-stablemint"), json!({"signedField": "name", "idempotencyKeyField": "key"})),
            vec![
                ("signed-field-added", B, Some(POST), "/paths/~1items/post/x-stablemint/signedField"),
                ("idempotency-key-field-added", N, Some(POST), "/paths/~1items/post/x-stablemint/idempotencyKeyField"),
            ]),
        row("signed parameter changed", |d| { set(d, &format!("{OP}/x-stablemint"), json!({"signedParameter": "verbose"})); },
            vec![("auth-changed", B, Some(POST), "/paths/~1items/post/x-stablemint/signedParameter"),
                 ("idempotency-key-field-removed", B, Some(POST), "/paths/~1items/post/x-stablemint/idempotencyKeyField")]),
        row_from("signed parameter renamed", |d| set(d, &format!("{OP}/x-stablemint"), json!({"signedParameter": "verbose"})), |d| set(d, &format!("{OP}/x-stablemint/signedParameter"), json!("limit")),
            vec![("signed-parameter-changed", B, Some(POST), "/paths/~1items/post/x-stablemint/signedParameter")]),
        row_from("signed parameter added", |d| set(d, &format!("{OP}/x-stablemint"), json!({"idempotencyKeyField": "key"})), |d| set(d, &format!("{OP}/x-stablemint/signedParameter"), json!("limit")),
            vec![("signed-parameter-added", B, Some(POST), "/paths/~1items/post/x-stablemint/signedParameter")]),
        row_from("signed parameter removed", |d| set(d, &format!("{OP}/x-stablemint"), json!({"signedParameter": "limit", "idempotencyKeyField": "key"})), |d| del(d, &format!("{OP}/x-stablemint/signedParameter")),
            vec![("signed-parameter-removed", B, Some(POST), "/paths/~1items/post/x-stablemint/signedParameter")]),
        row("signed field to `auth: none`", |d| { del(d, &format!("{OP}/x-stablemint/signedField")); set(d, &format!("{OP}/x-stablemint/auth"), json!("none")); },
            vec![("auth-changed", B, Some(POST), "/paths/~1items/post/x-stablemint/auth")]),
        row_from("`auth: none` to a signed field", |d| { del(d, &format!("{OP}/x-stablemint/signedField")); set(d, &format!("{OP}/x-stablemint/auth"), json!("none")); }, |d| { del(d, &format!("{OP}/x-stablemint/auth")); set(d, &format!("{OP}/x-stablemint/signedField"), json!("name")); },
            vec![("auth-changed", B, Some(POST), "/paths/~1items/post/x-stablemint/signedField")]),
        row_from("`auth: none` declared where nothing was", |d| del(d, &format!("{OP}/x-stablemint")), |d| set(d, &format!("{OP}/x-stablemint"), json!({"auth": "none"})),
            vec![("auth-changed", B, Some(POST), "/paths/~1items/post/x-stablemint/auth")]),
        row("a second form beside the signed field", |d| set(d, &format!("{OP}/x-stablemint/signedParameter"), json!("limit")),
            vec![("auth-changed", B, Some(POST), "/paths/~1items/post/x-stablemint")]),
        row("a signed field that is not a string", |d| set(d, &format!("{OP}/x-stablemint/signedField"), json!(["name"])),
            vec![("unclassified", P, Some(POST), "/paths/~1items/post/x-stablemint/signedField")]),
        row("extension with an unknown key", |d| set(d, &format!("{OP}/x-stablemint/retries"), json!(3)),
            vec![("unclassified", P, Some(POST), "/paths/~1items/post/x-stablemint/retries")]),
        // Parameters.
        row("required header parameter added", |d| set(d, &format!("{OP}/parameters/4"), json!({"name": "x-trace", "in": "header", "required": true, "schema": {"type": "string"}})),
            vec![("new-required-request-parameter", B, Some(POST), "/paths/~1items/post/parameters/4")]),
        row("optional query parameter added (stablemint-raw alone breaks)", |d| set(d, &format!("{OP}/parameters/4"), json!({"name": "page", "in": "query", "schema": {"type": "integer"}})),
            vec![("new-optional-request-parameter", N, Some(POST), "/paths/~1items/post/parameters/4")]),
        row_from("first parameter of an operation that had none (no new list to review)", |d| del(d, &format!("{OP}/parameters")), |d| set(d, &format!("{OP}/parameters"), json!([{"name": "page", "in": "query", "schema": {"type": "integer"}}])),
            vec![("new-optional-request-parameter", N, Some(POST), "/paths/~1items/post/parameters/0")]),
        row("path parameter added", |d| set(d, "/paths/~1items~1{id}/get/parameters/1", json!({"name": "v", "in": "path", "required": true, "schema": {"type": "string"}})),
            vec![("new-request-path-parameter", B, Some("GET /items/{id}"), "/paths/~1items~1{id}/get/parameters/1")]),
        row("Rust: parameter removed", |d| del(d, &format!("{OP}/parameters/1")),
            vec![("request-parameter-removed", B, Some(POST), "/paths/~1items/post/parameters/1")]),
        row("parameter became required", |d| set(d, &format!("{OP}/parameters/2/required"), json!(true)),
            vec![("request-parameter-became-required", B, Some(POST), "/paths/~1items/post/parameters/2")]),
        row("Rust: parameter became optional", |d| set(d, &format!("{OP}/parameters/0/required"), json!(false)),
            vec![("request-parameter-became-optional", B, Some(POST), "/paths/~1items/post/parameters/0")]),
        row("parameter type changed", |d| set(d, &format!("{OP}/parameters/1/schema/type"), json!("integer")),
            vec![("request-parameter-type-changed", B, Some(POST), "/paths/~1items/post/parameters/1/schema")]),
        row("Rust: parameter int32 to int64", |d| set(d, &format!("{OP}/parameters/2/schema/format"), json!("int64")),
            vec![("request-parameter-type-generalized", B, Some(POST), "/paths/~1items/post/parameters/2/schema")]),
        row_from("parameter loses a validation-only format", |d| set(d, &format!("{OP}/parameters/0/schema/format"), json!("email")), |d| del(d, &format!("{OP}/parameters/0/schema/format")),
            vec![("request-parameter-type-generalized", N, Some(POST), "/paths/~1items/post/parameters/0/schema")]),
        row("parameter enum value added", |d| set(d, &format!("{OP}/parameters/3/schema/enum/2"), json!("auto")),
            vec![("request-parameter-enum-value-added", N, Some(POST), "/paths/~1items/post/parameters/3/schema")]),
        row("parameter enum value removed", |d| del(d, &format!("{OP}/parameters/3/schema/enum/1")),
            vec![("request-parameter-enum-value-removed", B, Some(POST), "/paths/~1items/post/parameters/3/schema")]),
        row("parameter became an enum", |d| set(d, &format!("{OP}/parameters/0/schema/enum"), json!(["k1"])),
            vec![("request-parameter-became-enum", B, Some(POST), "/paths/~1items/post/parameters/0/schema")]),
        row("Rust: parameter no longer an enum", |d| del(d, &format!("{OP}/parameters/3/schema/enum")),
            vec![("request-parameter-became-not-enum", B, Some(POST), "/paths/~1items/post/parameters/3/schema")]),
        row("Rust: parameter maxLength set (String to newtype)", |d| set(d, &format!("{OP}/parameters/0/schema/maxLength"), json!(64)),
            vec![("request-parameter-max-length-set", B, Some(POST), "/paths/~1items/post/parameters/0/schema")]),
        row("parameter minimum set (int32 stays i32)", |d| set(d, &format!("{OP}/parameters/2/schema/minimum"), json!(0)),
            vec![("request-parameter-min-set", P, Some(POST), "/paths/~1items/post/parameters/2/schema")]),
        row_from("parameter maximum increased", |d| set(d, &format!("{OP}/parameters/2/schema/maximum"), json!(100)), |d| set(d, &format!("{OP}/parameters/2/schema/maximum"), json!(200)),
            vec![("request-parameter-max-increased", N, Some(POST), "/paths/~1items/post/parameters/2/schema")]),
        row_from("parameter maxLength decreased", |d| set(d, &format!("{OP}/parameters/0/schema/maxLength"), json!(64)), |d| set(d, &format!("{OP}/parameters/0/schema/maxLength"), json!(32)),
            vec![("request-parameter-max-length-decreased", B, Some(POST), "/paths/~1items/post/parameters/0/schema")]),
        row_from("parameter maxLength increased", |d| set(d, &format!("{OP}/parameters/0/schema/maxLength"), json!(64)), |d| set(d, &format!("{OP}/parameters/0/schema/maxLength"), json!(128)),
            vec![("request-parameter-max-length-increased", N, Some(POST), "/paths/~1items/post/parameters/0/schema")]),
        row_from("Rust: parameter maxLength removed (newtype to String)", |d| set(d, &format!("{OP}/parameters/0/schema/maxLength"), json!(64)), |d| del(d, &format!("{OP}/parameters/0/schema/maxLength")),
            vec![("request-parameter-max-length-unset", B, Some(POST), "/paths/~1items/post/parameters/0/schema")]),
        row("parameter minLength set", |d| set(d, &format!("{OP}/parameters/0/schema/minLength"), json!(8)),
            vec![("request-parameter-min-length-increased", B, Some(POST), "/paths/~1items/post/parameters/0/schema")]),
        row_from("parameter minLength decreased", |d| set(d, &format!("{OP}/parameters/0/schema/minLength"), json!(8)), |d| set(d, &format!("{OP}/parameters/0/schema/minLength"), json!(4)),
            vec![("request-parameter-min-length-decreased", N, Some(POST), "/paths/~1items/post/parameters/0/schema")]),
        row_from("parameter pattern changed", |d| set(d, &format!("{OP}/parameters/0/schema/pattern"), json!("^k_")), |d| set(d, &format!("{OP}/parameters/0/schema/pattern"), json!("^key_")),
            vec![("request-parameter-pattern-changed", P, Some(POST), "/paths/~1items/post/parameters/0/schema")]),
        row_from("parameter pattern generalized", |d| set(d, &format!("{OP}/parameters/0/schema/pattern"), json!("^k_")), |d| set(d, &format!("{OP}/parameters/0/schema/pattern"), json!(".*")),
            vec![("request-parameter-pattern-generalized", N, Some(POST), "/paths/~1items/post/parameters/0/schema")]),
        row_from("Rust: parameter pattern removed (newtype to String)", |d| set(d, &format!("{OP}/parameters/0/schema/pattern"), json!("^k_")), |d| del(d, &format!("{OP}/parameters/0/schema/pattern")),
            vec![("request-parameter-pattern-removed", B, Some(POST), "/paths/~1items/post/parameters/0/schema")]),
        row("parameter maximum set", |d| set(d, &format!("{OP}/parameters/2/schema/maximum"), json!(100)),
            vec![("request-parameter-max-set", P, Some(POST), "/paths/~1items/post/parameters/2/schema")]),
        row_from("parameter maximum decreased", |d| set(d, &format!("{OP}/parameters/2/schema/maximum"), json!(100)), |d| set(d, &format!("{OP}/parameters/2/schema/maximum"), json!(50)),
            vec![("request-parameter-max-decreased", B, Some(POST), "/paths/~1items/post/parameters/2/schema")]),
        row_from("parameter maximum removed", |d| set(d, &format!("{OP}/parameters/2/schema/maximum"), json!(100)), |d| del(d, &format!("{OP}/parameters/2/schema/maximum")),
            vec![("request-parameter-max-unset", N, Some(POST), "/paths/~1items/post/parameters/2/schema")]),
        row_from("parameter minimum increased", |d| set(d, &format!("{OP}/parameters/2/schema/minimum"), json!(0)), |d| set(d, &format!("{OP}/parameters/2/schema/minimum"), json!(5)),
            vec![("request-parameter-min-increased", B, Some(POST), "/paths/~1items/post/parameters/2/schema")]),
        row_from("parameter minimum decreased", |d| set(d, &format!("{OP}/parameters/2/schema/minimum"), json!(5)), |d| set(d, &format!("{OP}/parameters/2/schema/minimum"), json!(0)),
            vec![("request-parameter-min-decreased", N, Some(POST), "/paths/~1items/post/parameters/2/schema")]),
        row_from("Rust: parameter minimum 1 removed (NonZeroU32 to i32)", |d| set(d, &format!("{OP}/parameters/2/schema/minimum"), json!(1)), |d| del(d, &format!("{OP}/parameters/2/schema/minimum")),
            vec![("request-parameter-min-unset", B, Some(POST), "/paths/~1items/post/parameters/2/schema")]),
        row("parameter pattern added", |d| set(d, &format!("{OP}/parameters/0/schema/pattern"), json!("^k_")),
            vec![("request-parameter-pattern-added", B, Some(POST), "/paths/~1items/post/parameters/0/schema")]),
        // Request body.
        row("request body became optional (progenitor takes &T either way)", |d| set(d, &format!("{OP}/requestBody/required"), json!(false)),
            vec![("request-body-became-optional", N, Some(POST), "/paths/~1items/post/requestBody")]),
        row_from("request body became required", |d| set(d, &format!("{OP}/requestBody/required"), json!(false)), |d| set(d, &format!("{OP}/requestBody/required"), json!(true)),
            vec![("request-body-became-required", B, Some(POST), "/paths/~1items/post/requestBody")]),
        row("request body removed", |d| del(d, &format!("{OP}/requestBody")),
            vec![("request-body-removed", B, Some(POST), "/paths/~1items/post/requestBody")]),
        row("required request body added", |d| set(d, "/paths/~1items~1{id}/get/requestBody", json!({"required": true, "content": {"application/json": {"schema": {"type": "object"}}}})),
            vec![("request-body-added-required", B, Some("GET /items/{id}"), "/paths/~1items~1{id}/get/requestBody")]),
        row("Rust: optional request body added", |d| set(d, "/paths/~1items~1{id}/get/requestBody", json!({"content": {"application/json": {"schema": {"type": "object"}}}})),
            vec![("request-body-added-optional", B, Some("GET /items/{id}"), "/paths/~1items~1{id}/get/requestBody")]),
        some(row("Rust: request body is another schema", |d| set(d, &format!("{OP}/requestBody/content/application~1json/schema/$ref"), json!("#/components/schemas/Owner")),
            vec![("request-body-ref-changed", B, Some(POST), "/paths/~1items/post/requestBody/content/application~1json/schema")])),
        row("request body type changed", |d| set(d, &format!("{REQ}/type"), json!("array")),
            vec![("request-body-type-changed", B, Some(POST), REQ)]),
        row("request body type constraint removed", |d| del(d, &format!("{REQ}/type")),
            vec![("request-body-type-generalized", N, Some(POST), REQ)]),
        // Request properties.
        row("required request property added", |d| { set(d, &format!("{REQ}/properties/sku"), json!({"type": "string"})); require(d, REQ, "sku"); },
            vec![("new-required-request-property", B, Some(POST), "/components/schemas/ItemRequest/properties/sku")]),
        row("optional request property added", |d| set(d, &format!("{REQ}/properties/sku"), json!({"type": "string"})),
            vec![("new-optional-request-property", N, Some(POST), "/components/schemas/ItemRequest/properties/sku")]),
        row("Rust: request property removed", |d| del(d, &format!("{REQ}/properties/note")),
            vec![("request-property-removed", B, Some(POST), "/components/schemas/ItemRequest/properties/note")]),
        row("request property became required", |d| require(d, REQ, "email"),
            vec![("request-property-became-required", B, Some(POST), "/components/schemas/ItemRequest/properties/email")]),
        row("Rust: request property became optional", |d| unrequire(d, REQ, "currency"),
            vec![("request-property-became-optional", B, Some(POST), "/components/schemas/ItemRequest/properties/currency")]),
        row("request property type changed", |d| set(d, &format!("{REQ}/properties/count/type"), json!("string")),
            vec![("request-property-type-changed", B, Some(POST), "/components/schemas/ItemRequest/properties/count")]),
        row("request property became an array (its `items` come with the type)", |d| set(d, &format!("{REQ}/properties/code"), json!({"type": "array", "items": {"type": "string"}})),
            vec![("request-property-type-changed", B, Some(POST), "/components/schemas/ItemRequest/properties/code")]),
        row("response property became a map (its `additionalProperties` come with the type)", |d| set(d, &format!("{ITEM}/properties/title"), json!({"type": "object", "additionalProperties": true})),
            vec![("response-property-type-changed", B, Some(POST), "/components/schemas/Item/properties/title")]),
        row("validation-only format added in a request (oasdiff: type changed)", |d| set(d, &format!("{REQ}/properties/email/format"), json!("email")),
            vec![("request-property-type-changed", B, Some(POST), "/components/schemas/ItemRequest/properties/email")]),
        row("Rust: request property int32 to int64", |d| set(d, &format!("{REQ}/properties/count/format"), json!("int64")),
            vec![("request-property-type-generalized", B, Some(POST), "/components/schemas/ItemRequest/properties/count")]),
        row("Rust: request property integer to number", |d| set(d, &format!("{REQ}/properties/size/type"), json!("number")),
            vec![("request-property-type-generalized", B, Some(POST), "/components/schemas/ItemRequest/properties/size")]),
        row("request property loses a validation-only format (String stays)", |d| del(d, &format!("{REQ}/properties/currency/format")),
            vec![("request-property-type-generalized", N, Some(POST), "/components/schemas/ItemRequest/properties/currency")]),
        row("request enum value added (enums are non_exhaustive)", |d| set(d, &format!("{REQ}/properties/kind/enum/2"), json!("c")),
            vec![("request-property-enum-value-added", N, Some(POST), "/components/schemas/ItemRequest/properties/kind")]),
        row("request enum value removed", |d| del(d, &format!("{REQ}/properties/kind/enum/1")),
            vec![("request-property-enum-value-removed", B, Some(POST), "/components/schemas/ItemRequest/properties/kind")]),
        row("request property became an enum", |d| set(d, &format!("{REQ}/properties/code/enum"), json!(["x"])),
            vec![("request-property-became-enum", B, Some(POST), "/components/schemas/ItemRequest/properties/code")]),
        row("Rust: request property no longer an enum", |d| del(d, &format!("{REQ}/properties/kind/enum")),
            vec![("request-property-became-not-enum", B, Some(POST), "/components/schemas/ItemRequest/properties/kind")]),
        row("Rust: request maxLength set (String to newtype)", |d| set(d, &format!("{REQ}/properties/code/maxLength"), json!(10)),
            vec![("request-property-max-length-set", B, Some(POST), "/components/schemas/ItemRequest/properties/code")]),
        row_from("request maxLength set on a newtype", |d| set(d, &format!("{REQ}/properties/code/pattern"), json!("^c")), |d| set(d, &format!("{REQ}/properties/code/maxLength"), json!(10)),
            vec![("request-property-max-length-set", P, Some(POST), "/components/schemas/ItemRequest/properties/code")]),
        row("request maxLength decreased", |d| set(d, &format!("{REQ}/properties/note/maxLength"), json!(50)),
            vec![("request-property-max-length-decreased", B, Some(POST), "/components/schemas/ItemRequest/properties/note")]),
        row("request maxLength increased", |d| set(d, &format!("{REQ}/properties/note/maxLength"), json!(200)),
            vec![("request-property-max-length-increased", N, Some(POST), "/components/schemas/ItemRequest/properties/note")]),
        row("Rust: request maxLength removed (newtype to String)", |d| del(d, &format!("{REQ}/properties/note/maxLength")),
            vec![("request-property-max-length-unset", B, Some(POST), "/components/schemas/ItemRequest/properties/note")]),
        row("request minLength set", |d| set(d, &format!("{REQ}/properties/note/minLength"), json!(1)),
            vec![("request-property-min-length-increased", B, Some(POST), "/components/schemas/ItemRequest/properties/note")]),
        row_from("request minLength decreased", |d| set(d, &format!("{REQ}/properties/note/minLength"), json!(5)), |d| set(d, &format!("{REQ}/properties/note/minLength"), json!(2)),
            vec![("request-property-min-length-decreased", N, Some(POST), "/components/schemas/ItemRequest/properties/note")]),
        row("request pattern added", |d| set(d, &format!("{REQ}/properties/code/pattern"), json!("^c")),
            vec![("request-property-pattern-added", B, Some(POST), "/components/schemas/ItemRequest/properties/code")]),
        row_from("request pattern changed", |d| set(d, &format!("{REQ}/properties/code/pattern"), json!("^c")), |d| set(d, &format!("{REQ}/properties/code/pattern"), json!("^d")),
            vec![("request-property-pattern-changed", P, Some(POST), "/components/schemas/ItemRequest/properties/code")]),
        row_from("request pattern generalized", |d| set(d, &format!("{REQ}/properties/code/pattern"), json!("^c")), |d| set(d, &format!("{REQ}/properties/code/pattern"), json!(".*")),
            vec![("request-property-pattern-generalized", N, Some(POST), "/components/schemas/ItemRequest/properties/code")]),
        row_from("Rust: request pattern removed (newtype to String)", |d| set(d, &format!("{REQ}/properties/code/pattern"), json!("^c")), |d| del(d, &format!("{REQ}/properties/code/pattern")),
            vec![("request-property-pattern-removed", B, Some(POST), "/components/schemas/ItemRequest/properties/code")]),
        row("request maximum set", |d| set(d, &format!("{REQ}/properties/price/maximum"), json!(100)),
            vec![("request-property-max-set", P, Some(POST), "/components/schemas/ItemRequest/properties/price")]),
        row_from("request maximum decreased", |d| set(d, &format!("{REQ}/properties/price/maximum"), json!(100)), |d| set(d, &format!("{REQ}/properties/price/maximum"), json!(50)),
            vec![("request-property-max-decreased", B, Some(POST), "/components/schemas/ItemRequest/properties/price")]),
        row_from("request maximum increased", |d| set(d, &format!("{REQ}/properties/price/maximum"), json!(100)), |d| set(d, &format!("{REQ}/properties/price/maximum"), json!(200)),
            vec![("request-property-max-increased", N, Some(POST), "/components/schemas/ItemRequest/properties/price")]),
        row_from("request maximum removed", |d| set(d, &format!("{REQ}/properties/price/maximum"), json!(100)), |d| del(d, &format!("{REQ}/properties/price/maximum")),
            vec![("request-property-max-unset", N, Some(POST), "/components/schemas/ItemRequest/properties/price")]),
        row("request minimum set on a number (f64 stays)", |d| set(d, &format!("{REQ}/properties/price/minimum"), json!(0)),
            vec![("request-property-min-set", P, Some(POST), "/components/schemas/ItemRequest/properties/price")]),
        row("Rust: request minimum 0 on an integer (i64 to u64)", |d| set(d, &format!("{REQ}/properties/size/minimum"), json!(0)),
            vec![("request-property-min-set", B, Some(POST), "/components/schemas/ItemRequest/properties/size")]),
        row_from("request minimum increased", |d| set(d, &format!("{REQ}/properties/price/minimum"), json!(0)), |d| set(d, &format!("{REQ}/properties/price/minimum"), json!(1)),
            vec![("request-property-min-increased", B, Some(POST), "/components/schemas/ItemRequest/properties/price")]),
        row_from("request minimum decreased", |d| set(d, &format!("{REQ}/properties/price/minimum"), json!(1)), |d| set(d, &format!("{REQ}/properties/price/minimum"), json!(0)),
            vec![("request-property-min-decreased", N, Some(POST), "/components/schemas/ItemRequest/properties/price")]),
        row_from("request minimum removed", |d| set(d, &format!("{REQ}/properties/price/minimum"), json!(1)), |d| del(d, &format!("{REQ}/properties/price/minimum")),
            vec![("request-property-min-unset", N, Some(POST), "/components/schemas/ItemRequest/properties/price")]),
        some(row("Rust: request property is another schema", |d| set(d, &format!("{REQ}/properties/owner/$ref"), json!("#/components/schemas/Tag")),
            vec![("request-property-ref-changed", B, Some(POST), "/components/schemas/ItemRequest/properties/owner")])),
        row("Rust: property of a nested object removed", |d| del(d, &format!("{REQ}/properties/meta/properties/tag")),
            vec![("request-property-removed", B, Some(POST), "/components/schemas/ItemRequest/properties/meta/properties/tag")]),
        row("property added to array items, used in a request and a response", |d| set(d, "/components/schemas/Tag/properties/color", json!({"type": "string"})),
            vec![
                ("new-optional-request-property", N, Some(POST), "/components/schemas/Tag/properties/color"),
                ("response-optional-property-added", N, Some(POST), "/components/schemas/Tag/properties/color"),
            ]),
        row("Rust: property removed inside a self-referencing component", |d| del(d, "/components/schemas/Owner/properties/nickname"),
            vec![("request-property-removed", B, Some(POST), "/components/schemas/Owner/properties/nickname")]),
        row_from("a cycle of $refs ends", |d| {
                set(d, "/components/schemas/A", json!({"$ref": "#/components/schemas/B"}));
                set(d, "/components/schemas/B", json!({"$ref": "#/components/schemas/A"}));
                set(d, &format!("{REQ}/properties/loop"), json!({"$ref": "#/components/schemas/A"}));
            }, |d| set(d, "/components/schemas/A/description", json!("A loop.")),
            vec![("description-changed", N, None, "/components/schemas/A/description")]),
        // Responses.
        row("success response added with the same body", |d| set(d, &format!("{OP}/responses/201"), json!({"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}})),
            vec![("response-success-status-added", N, Some(POST), "/paths/~1items/post/responses/201")]),
        row("Rust: success response added with another body (progenitor fails)", |d| set(d, &format!("{OP}/responses/202"), json!({"description": "Accepted"})),
            vec![("response-success-status-added", B, Some(POST), "/paths/~1items/post/responses/202")]),
        row("success response removed", |d| del(d, &format!("{OP}/responses/200")),
            vec![("response-success-status-removed", B, Some(POST), "/paths/~1items/post/responses/200")]),
        row("error response added without a body", |d| set(d, &format!("{OP}/responses/500"), json!({"description": "Oops"})),
            vec![("response-non-success-status-added", N, Some(POST), "/paths/~1items/post/responses/500")]),
        row("Rust: error response added with a body (error type changes)", |d| set(d, "/paths/~1items~1{id}/get/responses/404", json!({"description": "Missing", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Tag"}}}})),
            vec![("response-non-success-status-added", B, Some("GET /items/{id}"), "/paths/~1items~1{id}/get/responses/404")]),
        row("error response removed (Error<()> either way)", |d| del(d, &format!("{OP}/responses/400")),
            vec![("response-non-success-status-removed", N, Some(POST), "/paths/~1items/post/responses/400")]),
        row("response body type changed", |d| set(d, &format!("{ITEM}/type"), json!("array")),
            vec![("response-body-type-changed", B, Some(POST), ITEM)]),
        some(row("Rust: response body is another schema", |d| set(d, &format!("{OP}/responses/200/content/application~1json/schema/$ref"), json!("#/components/schemas/Tag")),
            vec![("response-body-ref-changed", B, Some(POST), "/paths/~1items/post/responses/200/content/application~1json/schema")])),
        // Response properties.
        row("required response property added", |d| { set(d, &format!("{ITEM}/properties/created"), json!({"type": "string"})); require(d, ITEM, "created"); },
            vec![("response-required-property-added", N, Some(POST), "/components/schemas/Item/properties/created")]),
        row("Rust: required response property added to a struct with none (it loses `Default`)", |d| { let at = "/paths/~1items~1{id}/get/responses/200/content/application~1json/schema"; set(d, &format!("{at}/properties/name"), json!({"type": "string"})); set(d, &format!("{at}/required"), json!(["name"])); },
            vec![("response-required-property-added", B, Some("GET /items/{id}"), "/paths/~1items~1{id}/get/responses/200/content/application~1json/schema/properties/name")]),
        row("optional response property added", |d| set(d, &format!("{ITEM}/properties/created"), json!({"type": "string"})),
            vec![("response-optional-property-added", N, Some(POST), "/components/schemas/Item/properties/created")]),
        row("required response property removed", |d| { del(d, &format!("{ITEM}/properties/id")); unrequire(d, ITEM, "id"); },
            vec![("response-required-property-removed", B, Some(POST), "/components/schemas/Item/properties/id")]),
        row("Rust: optional response property removed", |d| del(d, &format!("{ITEM}/properties/title")),
            vec![("response-optional-property-removed", B, Some(POST), "/components/schemas/Item/properties/title")]),
        row("response property became optional", |d| unrequire(d, ITEM, "status"),
            vec![("response-property-became-optional", B, Some(POST), "/components/schemas/Item/properties/status")]),
        row("Rust: response property became required", |d| require(d, ITEM, "title"),
            vec![("response-property-became-required", B, Some(POST), "/components/schemas/Item/properties/title")]),
        row("response property type changed", |d| set(d, &format!("{ITEM}/properties/score/type"), json!("string")),
            vec![("response-property-type-changed", B, Some(POST), "/components/schemas/Item/properties/score")]),
        row("response property integer to number", |d| { set(d, &format!("{ITEM}/properties/score/type"), json!("number")); del(d, &format!("{ITEM}/properties/score/format")); },
            vec![("response-property-type-generalized", B, Some(POST), "/components/schemas/Item/properties/score")]),
        row("Rust: response format uuid added (String to Uuid)", |d| set(d, &format!("{ITEM}/properties/uid/format"), json!("uuid")),
            vec![("response-property-type-specialized", B, Some(POST), "/components/schemas/Item/properties/uid")]),
        row("response format email added (String stays)", |d| set(d, &format!("{ITEM}/properties/uid/format"), json!("email")),
            vec![("response-property-type-specialized", N, Some(POST), "/components/schemas/Item/properties/uid")]),
        row("response enum value added (decodes as Unknown)", |d| set(d, &format!("{ITEM}/properties/status/enum/2"), json!("archived")),
            vec![("response-property-enum-value-added", N, Some(POST), "/components/schemas/Item/properties/status")]),
        row("Rust: response enum value removed", |d| del(d, &format!("{ITEM}/properties/status/enum/1")),
            vec![("response-property-enum-value-removed", B, Some(POST), "/components/schemas/Item/properties/status")]),
        row("Rust: response property became an enum", |d| set(d, &format!("{ITEM}/properties/title/enum"), json!(["t"])),
            vec![("response-property-became-enum", B, Some(POST), "/components/schemas/Item/properties/title")]),
        row("Rust: response property no longer an enum", |d| del(d, &format!("{ITEM}/properties/status/enum")),
            vec![("response-property-became-not-enum", B, Some(POST), "/components/schemas/Item/properties/status")]),
        row("Rust: response maxLength set (String to newtype)", |d| set(d, &format!("{ITEM}/properties/title/maxLength"), json!(10)),
            vec![("response-property-max-length-set", B, Some(POST), "/components/schemas/Item/properties/title")]),
        row("response maxLength decreased", |d| set(d, &format!("{ITEM}/properties/link/maxLength"), json!(50)),
            vec![("response-property-max-length-decreased", N, Some(POST), "/components/schemas/Item/properties/link")]),
        row("response maxLength increased", |d| set(d, &format!("{ITEM}/properties/link/maxLength"), json!(200)),
            vec![("response-property-max-length-increased", B, Some(POST), "/components/schemas/Item/properties/link")]),
        row("response maxLength removed", |d| del(d, &format!("{ITEM}/properties/link/maxLength")),
            vec![("response-property-max-length-unset", B, Some(POST), "/components/schemas/Item/properties/link")]),
        row("response minLength set on a newtype", |d| set(d, &format!("{ITEM}/properties/link/minLength"), json!(5)),
            vec![("response-property-min-length-increased", N, Some(POST), "/components/schemas/Item/properties/link")]),
        row_from("response minLength decreased", |d| set(d, &format!("{ITEM}/properties/link/minLength"), json!(5)), |d| set(d, &format!("{ITEM}/properties/link/minLength"), json!(2)),
            vec![("response-property-min-length-decreased", B, Some(POST), "/components/schemas/Item/properties/link")]),
        row("Rust: response pattern added (String to newtype)", |d| set(d, &format!("{ITEM}/properties/title/pattern"), json!("^t")),
            vec![("response-property-pattern-added", B, Some(POST), "/components/schemas/Item/properties/title")]),
        row("response pattern changed", |d| set(d, &format!("{ITEM}/properties/link/pattern"), json!("^http")),
            vec![("response-property-pattern-changed", N, Some(POST), "/components/schemas/Item/properties/link")]),
        row("response pattern removed (maxLength keeps the newtype)", |d| del(d, &format!("{ITEM}/properties/link/pattern")),
            vec![("response-property-pattern-removed", N, Some(POST), "/components/schemas/Item/properties/link")]),
        row("response maximum set", |d| set(d, &format!("{ITEM}/properties/total/maximum"), json!(100)),
            vec![("response-property-max-set", N, Some(POST), "/components/schemas/Item/properties/total")]),
        row_from("response maximum decreased", |d| set(d, &format!("{ITEM}/properties/total/maximum"), json!(100)), |d| set(d, &format!("{ITEM}/properties/total/maximum"), json!(50)),
            vec![("response-property-max-decreased", N, Some(POST), "/components/schemas/Item/properties/total")]),
        row_from("response maximum increased", |d| set(d, &format!("{ITEM}/properties/total/maximum"), json!(100)), |d| set(d, &format!("{ITEM}/properties/total/maximum"), json!(200)),
            vec![("response-property-max-increased", B, Some(POST), "/components/schemas/Item/properties/total")]),
        row_from("response maximum removed", |d| set(d, &format!("{ITEM}/properties/total/maximum"), json!(100)), |d| del(d, &format!("{ITEM}/properties/total/maximum")),
            vec![("response-property-max-unset", B, Some(POST), "/components/schemas/Item/properties/total")]),
        row("response minimum set on an int64 (i64 stays)", |d| set(d, &format!("{ITEM}/properties/score/minimum"), json!(0)),
            vec![("response-property-min-set", N, Some(POST), "/components/schemas/Item/properties/score")]),
        row_from("response minimum increased", |d| set(d, &format!("{ITEM}/properties/total/minimum"), json!(0)), |d| set(d, &format!("{ITEM}/properties/total/minimum"), json!(5)),
            vec![("response-property-min-increased", N, Some(POST), "/components/schemas/Item/properties/total")]),
        row_from("response minimum decreased", |d| set(d, &format!("{ITEM}/properties/total/minimum"), json!(5)), |d| set(d, &format!("{ITEM}/properties/total/minimum"), json!(0)),
            vec![("response-property-min-decreased", B, Some(POST), "/components/schemas/Item/properties/total")]),
        row_from("response minimum removed", |d| set(d, &format!("{ITEM}/properties/total/minimum"), json!(5)), |d| del(d, &format!("{ITEM}/properties/total/minimum")),
            vec![("response-property-min-unset", B, Some(POST), "/components/schemas/Item/properties/total")]),
        some(row("Rust: response array items are another schema", |d| set(d, &format!("{ITEM}/properties/tags/items/$ref"), json!("#/components/schemas/Owner")),
            vec![("response-property-ref-changed", B, Some(POST), "/components/schemas/Item/properties/tags/items")])),
        // Components, documentation, the rest.
        row("schema added", |d| set(d, "/components/schemas/Unused", json!({"type": "string"})),
            vec![("api-schema-added", N, None, "/components/schemas/Unused")]),
        row_from("Rust: schema removed", |d| set(d, "/components/schemas/Unused", json!({"type": "string"})), |d| del(d, "/components/schemas/Unused"),
            vec![("api-schema-removed", B, None, "/components/schemas/Unused")]),
        row("description changed", |d| set(d, &format!("{REQ}/properties/name/description"), json!("The item's name.")),
            vec![("description-changed", N, None, "/components/schemas/ItemRequest/properties/name/description")]),
        row("summary added", |d| set(d, &format!("{OP}/summary"), json!("Create an item.")),
            vec![("summary-changed", N, Some(POST), "/paths/~1items/post/summary")]),
        row("example added", |d| set(d, &format!("{REQ}/properties/name/example"), json!("Lamp")),
            vec![("example-changed", N, None, "/components/schemas/ItemRequest/properties/name/example")]),
        row("info.version changed", |d| set(d, "/info/version", json!("1.1.0")),
            vec![("info-version-changed", N, None, "/info/version")]),
        row("a property named `description` is not documentation", |d| set(d, &format!("{REQ}/properties/description"), json!({"type": "string"})),
            vec![("new-optional-request-property", N, Some(POST), "/components/schemas/ItemRequest/properties/description")]),
        row("unclassified: nullable", |d| set(d, &format!("{ITEM}/properties/title/nullable"), json!(true)),
            vec![("unclassified", P, None, "/components/schemas/Item/properties/title/nullable")]),
        row("unclassified: servers", |d| set(d, "/servers", json!([{"url": "https://example.com"}])),
            vec![("unclassified", P, None, "/servers")]),
        row("unclassified inside an operation", |d| set(d, &format!("{OP}/tags"), json!(["items"])),
            vec![("unclassified", P, Some(POST), "/paths/~1items/post/tags")]),
        row("no change", keep, vec![]),
    ]
}

fn shown(report: &Report) -> Vec<(String, Level, Option<String>, String)> {
    report
        .changes
        .iter()
        .map(|c| {
            (
                c.id.to_owned(),
                c.level,
                c.location.operation.clone(),
                c.location.pointer.clone(),
            )
        })
        .collect()
}

#[test]
fn every_row() {
    let mut failures = Vec::new();
    for row in rows() {
        let report = run(row.base, row.head);
        let got = shown(&report);
        let expected: Vec<(String, Level, Option<String>, String)> = row
            .expected
            .iter()
            .map(|(id, level, op, pointer)| {
                (
                    (*id).to_owned(),
                    *level,
                    op.map(str::to_owned),
                    (*pointer).to_owned(),
                )
            })
            .collect();
        let ok = if row.exact {
            // Worst first, then in document order: compare as sets.
            let mut a = got.clone();
            let mut b = expected.clone();
            a.sort_by(|x, y| format!("{x:?}").cmp(&format!("{y:?}")));
            b.sort_by(|x, y| format!("{x:?}").cmp(&format!("{y:?}")));
            a == b
        } else {
            expected.iter().all(|e| got.contains(e))
        };
        if !ok {
            failures.push(format!(
                "{}:\n  expected {expected:?}\n  got      {got:?}\n{}",
                row.name,
                report.to_text()
            ));
        }
        for change in &report.changes {
            assert!(!change.message.is_empty(), "{}: empty message", row.name);
            assert!(
                !change.message.contains('\n'),
                "{}: message on two lines",
                row.name
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every rule of the table has a row, except the ones listed here with the reason.
#[test]
fn every_rule_has_a_row() {
    let not_covered: &[(&str, &str)] = &[
        (
            "response-body-type-generalized",
            "needs a top-level scalar response; same code path as response-property-type-generalized",
        ),
        (
            "response-body-type-specialized",
            "needs a top-level scalar response; same code path as response-property-type-specialized",
        ),
    ];
    let rows = rows();
    let mut missing = Vec::new();
    for rule in rules::RULES {
        let has_row = rows
            .iter()
            .any(|r| r.expected.iter().any(|e| e.0 == rule.id));
        let excused = not_covered.iter().any(|(id, _)| *id == rule.id);
        if !has_row && !excused {
            missing.push(rule.id);
        }
    }
    assert!(missing.is_empty(), "rules without a row: {missing:?}");
}

#[test]
fn a_broken_spec_is_an_error_with_its_line() {
    let error = compare(BASE, "openapi: 3.0.3\npaths: [\n").unwrap_err();
    assert_eq!(error.side(), stablemint_diff::Side::Head);
    assert_eq!(error.line(), Some(3));
    assert!(error.problem().contains("line 3"), "{}", error.problem());
    let error = compare("- a list\n", BASE).unwrap_err();
    assert_eq!(error.side(), stablemint_diff::Side::Base);
    assert!(
        error.problem().contains("not a mapping"),
        "{}",
        error.problem()
    );
}

#[test]
fn malformed_documents_do_not_panic() {
    let odd = [
        "openapi: 3.0.3",
        "paths: {}",
        "paths: {/a: {post: 3}}",
        "paths: {/a: {post: {parameters: [1, {in: query}], requestBody: [], responses: 7}}}",
        "paths: {/a: {post: {requestBody: {$ref: '#/nowhere'}, responses: {'200': {$ref: '#/x'}}}}}",
        "components: {schemas: {A: {$ref: '#/components/schemas/A'}, B: {properties: 5, required: 3}}}",
        "components: {schemas: {A: {type: [string, number], enum: 4, maxLength: abc, minimum: '3'}}}",
        "paths: {/a: {post: {x-stablemint: [1], parameters: {a: 1}}}}",
    ];
    for a in odd {
        for b in odd {
            let report = compare(a, b).unwrap();
            if a == b {
                assert!(report.changes.is_empty(), "{a}");
            }
        }
        let _ = compare(a, BASE).unwrap();
        let _ = compare(BASE, a).unwrap();
    }
}
