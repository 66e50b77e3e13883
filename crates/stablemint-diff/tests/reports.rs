//! The report in each format, its lines, fingerprints and messages.

mod common;

use common::*;
use serde_json::{Value, json};
use stablemint_diff::{Accepted, Format, Report, Side, Source, classify};

#[test]
fn text_and_json_reports() {
    let (base, head) = texts(keep, three_levels);
    let report = compare(&base, &head).unwrap();
    assert_eq!(
        report.tally(),
        "3 changes: 1 breaking, 1 possibly-breaking, 1 non-breaking"
    );
    assert_eq!(Report::default().tally(), "no changes");
    let sku = line_after(&head, &["ItemRequest:", "sku:"]);
    let fingerprint = report.changes[0].fingerprint.clone();
    let text = report.to_text();
    assert!(
        text.starts_with(&format!(
            "Breaking (1):\n  - new-required-request-property at POST /items [{fingerprint}]\n    \
             head.yaml:{sku} /components/schemas/ItemRequest/properties/sku\n    \
             required request property `sku` added\n\n"
        )),
        "{text}"
    );
    assert!(
        text.ends_with("\n3 changes: 1 breaking, 1 possibly-breaking, 1 non-breaking\n"),
        "{text}"
    );
    assert!(
        report
            .render(Format::Text, None)
            .starts_with("Changes from base.yaml to head.yaml\n\nBreaking (1):\n")
    );
    let json: Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(
        json["changes"][0],
        json!({
            "id": "new-required-request-property",
            "level": "breaking",
            "fingerprint": fingerprint,
            "location": {
                "operation": "POST /items",
                "pointer": "/components/schemas/ItemRequest/properties/sku",
                "file": "head.yaml",
                "revision": null,
                "line": sku,
            },
            "message": "required request property `sku` added",
            "accepted": null,
        })
    );
    assert_eq!(json["changes"][1]["location"]["operation"], Value::Null);
    assert_eq!(json["changes"][1]["id"], "unclassified");
    assert_eq!(json["stale"], json!([]));
    assert!(json.get("versions").is_none());
    assert_eq!(
        report.summary("HEAD"),
        "3 changes since HEAD: 1 breaking (new-required-request-property at POST /items \
         /components/schemas/ItemRequest/properties/sku), 1 possibly-breaking, 1 non-breaking"
    );
}

#[test]
fn a_removal_is_on_the_base_line_and_shows_where_it_was_in_the_head() {
    let (base, head) = texts(keep, |d| del(d, &format!("{REQ}/properties/email")));
    let report = classify(
        Source::new("openapi/stablemint.yaml", &base).at("HEAD~1"),
        Source::new("openapi/stablemint.yaml", &head),
    )
    .unwrap();
    let change = &report.changes[0];
    assert_eq!(change.id, "request-property-removed");
    assert_eq!(change.location.side, Side::Base);
    assert_eq!(
        change.location.line,
        Some(line_after(
            &base,
            &["ItemRequest:", "properties:", "email:"]
        ))
    );
    // The head has no `email`: the closest enclosing key it has is `properties`.
    assert_eq!(
        change.location.head_line,
        Some(line_after(&head, &["ItemRequest:", "properties:"]))
    );
    let text = report.render(Format::Text, None);
    assert!(
        text.starts_with(
            "Changes from openapi/stablemint.yaml at HEAD~1 to openapi/stablemint.yaml\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "    openapi/stablemint.yaml:{} at HEAD~1 /components/schemas/ItemRequest/properties/email\n",
            change.location.line.unwrap()
        )),
        "{text}"
    );
    let json: Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["changes"][0]["location"]["revision"], "HEAD~1");

    // A parameter removed by position: in the head, positions mean other parameters,
    // so the annotation goes on the list.
    let (base, head) = texts(keep, |d| del(d, &format!("{OP}/parameters/1")));
    let report = compare(&base, &head).unwrap();
    let change = &report.changes[0];
    assert_eq!(change.id, "request-parameter-removed");
    assert_eq!(
        change.location.head_line,
        Some(line_after(&head, &["/items:", "post:", "parameters:"]))
    );
}

#[test]
fn fingerprints_survive_unrelated_edits_and_reformatting() {
    fn page(d: &mut Value) {
        set(
            d,
            &format!("{OP}/parameters/4"),
            json!({"name": "page", "in": "query", "schema": {"type": "integer"}}),
        )
    }
    let required = |d: &mut Value| set(d, &format!("{OP}/parameters/2/required"), json!(true));
    let fingerprint_of = |report: &Report, id: &str| {
        report
            .changes
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no {id}:\n{}", report.to_text()))
            .fingerprint
            .clone()
    };
    let alone = fingerprint_of(&run(keep, required), "request-parameter-became-required");
    // A parameter inserted before `limit` moves it from position 2 to 3.
    let moved = run(keep, |d| {
        let params = d
            .pointer_mut(&format!("{OP}/parameters"))
            .unwrap()
            .as_array_mut()
            .unwrap();
        params.insert(
            0,
            json!({"name": "x-trace", "in": "header", "schema": {"type": "string"}}),
        );
        params[3]["required"] = json!(true);
    });
    assert_eq!(
        moved
            .changes
            .iter()
            .find(|c| c.id == "request-parameter-became-required")
            .map(|c| c.location.pointer.as_str()),
        Some("/paths/~1items/post/parameters/3")
    );
    assert_eq!(
        fingerprint_of(&moved, "request-parameter-became-required"),
        alone
    );
    // Another change elsewhere, and the same texts as JSON: nothing moves.
    let both = run(keep, |d| {
        page(d);
        set(d, &format!("{OP}/parameters/2/required"), json!(true));
    });
    assert_eq!(
        fingerprint_of(&both, "request-parameter-became-required"),
        alone
    );
    let (base, head) = texts(keep, required);
    let as_json = |text: &str| {
        serde_json::to_string_pretty(&serde_yaml::from_str::<Value>(text).unwrap()).unwrap()
    };
    let reformatted = compare(&as_json(&base), &as_json(&head)).unwrap();
    assert_eq!(
        fingerprint_of(&reformatted, "request-parameter-became-required"),
        alone
    );
    // Two enum values added to one schema are two changes with two fingerprints.
    let values = run(keep, |d| {
        set(
            d,
            &format!("{OP}/parameters/3/schema/enum/2"),
            json!("auto"),
        );
        set(d, &format!("{OP}/parameters/3/schema/enum/3"), json!("off"));
    });
    assert_eq!(values.changes.len(), 2);
    assert_ne!(values.changes[0].fingerprint, values.changes[1].fingerprint);
    assert_eq!(
        values.changes[0].location.pointer,
        values.changes[1].location.pointer
    );
}

/// When the Rust level raises a change, its message says why; when only
/// stablemint-raw breaks, it says that.
#[test]
fn messages_explain_rust_levels() {
    let message = |base: fn(&mut Value), head: fn(&mut Value)| {
        let report = run(base, head);
        assert_eq!(report.changes.len(), 1, "{}", report.to_text());
        report.changes[0].message.clone()
    };
    assert_eq!(
        message(keep, |d| set(
            d,
            "/paths/~1items~1{id}/get/responses/404",
            json!({"description": "Missing", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Tag"}}}})
        )),
        "response status 404 added (Rust: the type changes from `Error<()>` to `Error<types::Tag>`)"
    );
    assert_eq!(
        message(keep, |d| set(
            d,
            &format!("{OP}/responses/202"),
            json!({"description": "Accepted"})
        )),
        "response status 202 added (Rust: the method can no longer be generated: progenitor \
         0.15.1 needs one success body type)"
    );
    assert_eq!(
        message(keep, |d| set(
            d,
            &format!("{REQ}/properties/code/maxLength"),
            json!(10)
        )),
        "`maxLength` of request property `code` set to `10` (Rust: the type changes from \
         `String` to a validated newtype)"
    );
    assert_eq!(
        message(keep, |d| unrequire(d, REQ, "currency")),
        "request property `currency` became optional (Rust: the field becomes `Option<T>`: code \
         that reads it as `T` stops compiling (the setter still takes `.field(\"x\")`, through \
         `IntoOptional`))"
    );
    assert_eq!(
        message(keep, |d| set(
            d,
            &format!("{OP}/parameters/4"),
            json!({"name": "page", "in": "query", "schema": {"type": "integer"}})
        )),
        "optional query parameter `page` added (stablemint-raw: its positional method gains \
         an argument, which breaks direct callers of stablemint-raw)"
    );
}

/// What the signature covers, in each form and between forms.
#[test]
fn messages_of_the_signature_declaration() {
    let message = |base: fn(&mut Value), head: fn(&mut Value)| {
        let report = run(base, head);
        let shown: Vec<String> = report
            .changes
            .iter()
            .map(|c| format!("{}: {}", c.id, c.message))
            .collect();
        shown.join("\n")
    };
    fn ext(d: &mut Value, declaration: Value) {
        set(d, &format!("{OP}/x-stablemint"), declaration)
    }
    assert_eq!(
        message(keep, |d| set(
            d,
            &format!("{OP}/x-stablemint/signedField"),
            json!("email")
        )),
        "signed-field-changed: the request signature covers the body field `email` instead of `name`"
    );
    assert_eq!(
        message(
            |d| ext(d, json!({"signedParameter": "verbose"})),
            |d| ext(d, json!({"signedParameter": "limit"}))
        ),
        "signed-parameter-changed: the request signature covers the parameter `limit` instead of `verbose`"
    );
    assert_eq!(
        message(
            |d| ext(d, json!({"auth": "none"})),
            |d| ext(d, json!({"signedParameter": "limit"}))
        ),
        "auth-changed: authentication changes from no authentication headers to a signature \
         over the parameter `limit`"
    );
    assert_eq!(
        message(
            |d| ext(d, json!({"signedField": "name"})),
            |d| ext(d, json!({"auth": "basic"}))
        ),
        "auth-changed: authentication changes from a signature over the body field `name` to \
         `auth: basic`"
    );
    assert_eq!(
        message(keep, |d| del(d, &format!("{OP}/x-stablemint"))),
        "signed-field-removed: the request signature no longer covers the body field `name` \
         (x-stablemint removed)\nidempotency-key-field-removed: the body field `key` no longer \
         carries an idempotency key (x-stablemint removed)"
    );
    assert_eq!(
        message(keep, |d| set(
            d,
            &format!("{OP}/x-stablemint/idempotencyKeyField"),
            json!("code")
        )),
        "idempotency-key-field-changed: the idempotency key moves from the body field `key` to `code`"
    );
}

/// A property whose name tries to break out of its code span, end the line and forge
/// an annotation, with a terminal escape sequence for good measure.
fn hostile(d: &mut Value) {
    set(
        d,
        &format!("{REQ}/properties/x`<b>\n::error file=a::forged\u{1b}[2J"),
        json!({"type": "string"}),
    );
}

#[test]
fn text_from_the_spec_cannot_escape() {
    let report = run(keep, hostile);
    let text = report.render(Format::Text, None);
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(text.contains(r"\u{1b}[2J"), "{text}");
    assert!(!text.lines().any(|l| l.starts_with("::")), "{text}");

    let markdown = report.render(Format::Markdown, None);
    assert!(!markdown.contains('\u{1b}'));
    assert!(
        markdown.contains(
            r"optional request property ``x`<b>\u{a}::error file=a::forged\u{1b}[2J`` added"
        ),
        "{markdown}"
    );

    let github = report.render(Format::Github, None);
    let commands: Vec<&str> = github.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(commands.len(), 1, "{github}");
    assert!(
        commands[0].starts_with("::notice file=head.yaml,line="),
        "{github}"
    );
    // In the message, the name is a code span on one line; in the pointer, the raw
    // newline is escaped as GitHub reads it.
    assert!(
        commands[0].contains(r"``x`<b>\u{a}::error file=a::forged\u{1b}[2J`` added"),
        "{github}"
    );
    assert!(
        commands[0].contains(r"/properties/x`<b>%0A::error file=a::forged\u{1b}[2J;"),
        "{github}"
    );
    assert!(!github.contains('\u{1b}'));
}

#[test]
fn markdown_is_a_changelog_section() {
    let (base, head) = texts(keep, three_levels);
    let mut report = compare(&base, &head).unwrap();
    let summary = report
        .changes
        .iter()
        .find(|c| c.id == "summary-changed")
        .unwrap()
        .fingerprint
        .clone();
    let accepted = Accepted::parse(
        "accepted.yaml",
        &format!(
            "accepted:\n  - fingerprint: {summary}\n    id: summary-changed\n    reason: Wording.\n    date: 2026-03-02\n  - fingerprint: 0123456789ab\n    id: endpoint-added\n    reason: Gone.\n    date: 2026-03-01\n"
        ),
    )
    .unwrap();
    report.accept(&accepted);
    let (breaking, possibly) = (&report.changes[0], &report.changes[1]);
    let sku = line_after(&head, &["ItemRequest:", "sku:"]);
    let nullable = line_after(&head, &["Item:", "title:", "nullable: true"]);
    let summary_line = line_after(&head, &["/items:", "post:", "summary: Create an item."]);
    assert_eq!(
        report.render(Format::Markdown, None),
        format!(
            "### API changes\n\n\
             From `base.yaml` to `head.yaml`: 3 changes: 1 breaking, 1 possibly-breaking, 1 non-breaking (1 accepted); 1 stale accepted entry.\n\
             \n#### Breaking (1)\n\n\
             - `new-required-request-property` at `POST /items`: required request property `sku` added  \n  \
             `head.yaml:{sku}`, `/components/schemas/ItemRequest/properties/sku`, fingerprint `{}`\n\
             \n#### Possibly breaking (1)\n\n\
             - `unclassified`: `nullable` added: `true`; not classified, review it  \n  \
             `head.yaml:{}`, `/components/schemas/Item/properties/title/nullable`, fingerprint `{}`\n\
             \n#### Non-breaking (1)\n\n\
             - `summary-changed` at `POST /items`: summary added: `\"Create an item.\"`  \n  \
             `head.yaml:{summary_line}`, `/paths/~1items/post/summary`, fingerprint `{summary}`  \n  \
             **Accepted** on 2026-03-02: Wording.\n\
             \n#### Stale accepted entries (1)\n\nThey match no change; remove them.\n\n\
             - `0123456789ab` (`endpoint-added`), `accepted.yaml:6`\n",
            breaking.fingerprint, nullable, possibly.fingerprint,
        )
    );
}

#[test]
fn github_annotations_one_per_change() {
    let (base, head) = texts(keep, |d| {
        three_levels(d);
        del(d, &format!("{REQ}/properties/email"));
    });
    let mut report = compare(&base, &head).unwrap();
    let summary = report
        .changes
        .iter()
        .find(|c| c.id == "summary-changed")
        .unwrap();
    let accepted = Accepted::parse(
        "openapi/accepted-changes.yaml",
        &format!(
            "# Read and accepted.\naccepted:\n  - fingerprint: {}\n    id: summary-changed\n    reason: \"Wording, 100%.\"\n    date: 2026-03-02\n  - fingerprint: 0123456789ab\n    id: endpoint-added\n    reason: Gone.\n    date: 2026-03-01\n",
            summary.fingerprint
        ),
    )
    .unwrap();
    report.accept(&accepted);
    let out = report.render(Format::Github, None);
    let lines: Vec<&str> = out.lines().collect();
    let fp = |id: &str| {
        report
            .changes
            .iter()
            .find(|c| c.id == id)
            .unwrap()
            .fingerprint
            .clone()
    };
    let email_base = line_after(&base, &["ItemRequest:", "properties:", "email:"]);
    assert_eq!(
        lines,
        [
            format!(
                "::error file=head.yaml,line={},title=new-required-request-property::breaking at POST /items: required request property `sku` added (/components/schemas/ItemRequest/properties/sku; fingerprint {})",
                line_after(&head, &["ItemRequest:", "sku:"]),
                fp("new-required-request-property")
            ),
            format!(
                "::error file=head.yaml,line={},title=request-property-removed::breaking at POST /items: request property `email` removed (Rust: its field and builder setter disappear) (/components/schemas/ItemRequest/properties/email; removed from base.yaml:{email_base}; fingerprint {})",
                line_after(&head, &["ItemRequest:", "properties:"]),
                fp("request-property-removed")
            ),
            format!(
                "::warning file=head.yaml,line={},title=unclassified::possibly-breaking: `nullable` added: `true`; not classified, review it (/components/schemas/Item/properties/title/nullable; fingerprint {})",
                line_after(&head, &["Item:", "title:", "nullable: true"]),
                fp("unclassified")
            ),
            format!(
                "::notice file=head.yaml,line={},title=summary-changed::non-breaking, accepted at POST /items: summary added: `\"Create an item.\"` (/paths/~1items/post/summary; fingerprint {}) accepted on 2026-03-02: Wording, 100%25.",
                line_after(&head, &["/items:", "post:", "summary: Create an item."]),
                fp("summary-changed")
            ),
            "::warning file=openapi/accepted-changes.yaml,line=7,title=stale accepted change::fingerprint 0123456789ab (endpoint-added) matches no change: the change it accepted is gone or has become another; remove the entry".to_owned(),
            "4 changes: 2 breaking, 1 possibly-breaking, 1 non-breaking (1 accepted); 1 stale accepted entry".to_owned(),
        ]
    );
}
