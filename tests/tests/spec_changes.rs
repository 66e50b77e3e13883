//! The report a reviewer reads when the spec changes: `cargo xtask diff`'s text,
//! Markdown and GitHub annotations for one edit that changes several things at once, as
//! reviewed snapshots.
//!
//! The edit is made on the parsed document of `tests/fixtures/stablemint-frozen.yaml`, a
//! copy of the spec frozen when this test was written, and both sides are written out
//! by serde_yaml. So the snapshots change when the report changes, and neither when the
//! spec evolves nor when a YAML tool reformats it.

use serde_json::{Value, json};
use stablemint_diff::{Format, Report, Source, classify};

const FROZEN: &str = include_str!("../fixtures/stablemint-frozen.yaml");

fn edited() -> Report {
    let base: Value = serde_yaml::from_str(FROZEN).unwrap();
    let mut head = base.clone();
    let schemas = &mut head["components"]["schemas"];
    // A new required request property, first in the list.
    let request = &mut schemas["EmbeddedSessionRequest"];
    request["required"]
        .as_array_mut()
        .unwrap()
        .push(json!("merchantId"));
    let properties = request["properties"].as_object_mut().unwrap();
    let mut reordered = serde_json::Map::new();
    reordered.insert(
        "merchantId".into(),
        json!({"type": "string", "description": "Your merchant account."}),
    );
    reordered.extend(std::mem::take(properties));
    *properties = reordered;
    // A request property becomes an enum.
    schemas["UserKyc"]["properties"]["gender"]["enum"] = json!(["female", "male", "other"]);
    // A response property made optional, and a new optional response property with an
    // enum.
    let response = &mut schemas["EmbeddedSessionResponse"];
    response["required"]
        .as_array_mut()
        .unwrap()
        .retain(|name| name != "reference");
    response["properties"]["status"] = json!({
        "type": "string",
        "enum": ["created", "pending"],
        "description": "The session's status.",
    });
    // A new operation.
    head["paths"]["/session/hosted"] = json!({"post": {
        "operationId": "createHostedSession",
        "summary": "Create a hosted session.",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {
            "$ref": "#/components/schemas/EmbeddedSessionRequest"}}}},
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {
            "$ref": "#/components/schemas/EmbeddedSessionResponse"}}}}},
    }});
    let (base, head) = (
        serde_yaml::to_string(&base).unwrap(),
        serde_yaml::to_string(&head).unwrap(),
    );
    classify(
        Source::new("openapi/stablemint.yaml", &base).at("HEAD"),
        Source::new("openapi/stablemint.yaml", &head),
    )
    .unwrap()
}

#[test]
fn snapshot_of_an_edit_of_the_spec() {
    let report = edited();
    insta::assert_snapshot!("text", report.render(Format::Text, None));
    insta::assert_snapshot!("markdown", report.render(Format::Markdown, None));
    insta::assert_snapshot!("github", report.render(Format::Github, None));
}
