//! The report a reviewer reads when the spec changes: `cargo xtask diff`'s text for one
//! edit of the real spec that changes several things at once, as a reviewed snapshot.

use stablemint_diff::classify;

/// The text report for one edit of the real spec that changes several things at once.
#[test]
fn snapshot_of_an_edit_of_the_real_spec() {
    let base = include_str!("../../openapi/stablemint.yaml");
    let edit = |text: &str, from: &str, to: &str| {
        assert_eq!(text.matches(from).count(), 1, "{from:?} is not unique");
        text.replace(from, to)
    };
    // A new required request property.
    let head = edit(
        base,
        "        - currency\n      properties:\n",
        "        - currency\n        - merchantId\n      properties:\n",
    );
    let head = edit(
        &head,
        "        userId:\n          type: string\n",
        "        merchantId:\n          type: string\n          description: Your merchant account.\n        userId:\n          type: string\n",
    );
    // A response property made optional, and a new optional response property with an
    // enum.
    let head = edit(&head, "        - reference\n", "");
    let head = edit(
        &head,
        "        reference:\n          type: string\n          description: Unique reference for the session.\n",
        "        reference:\n          type: string\n          description: Unique reference for the session.\n        status:\n          type: string\n          enum: [created, pending]\n          description: The session's status.\n",
    );
    // A request property becomes an enum.
    let head = edit(
        &head,
        "        gender:\n          type: string\n          description: Gender.\n",
        "        gender:\n          type: string\n          enum: [female, male, other]\n          description: Gender.\n",
    );
    // A new operation.
    let head = edit(
        &head,
        "components:\n",
        "  /session/hosted:\n    post:\n      operationId: createHostedSession\n      summary: Create a hosted session.\n      requestBody:\n        required: true\n        content:\n          application/json:\n            schema:\n              $ref: \"#/components/schemas/EmbeddedSessionRequest\"\n      responses:\n        \"200\":\n          description: OK\n          content:\n            application/json:\n              schema:\n                $ref: \"#/components/schemas/EmbeddedSessionResponse\"\ncomponents:\n",
    );
    let report = classify(base, &head).unwrap();
    insta::assert_snapshot!(report.to_text());
}
