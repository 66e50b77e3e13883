//! Accepted changes, and the versions the changes need.

mod common;

use common::*;
use serde_json::{Value, json};
use stablemint_diff::{Accepted, Bump, Level, Report, rules};

#[test]
fn accepted_changes_pass_fail_on_and_stale_entries_are_found() {
    let (base, head) = texts(keep, three_levels);
    let mut report = compare(&base, &head).unwrap();
    assert_eq!(report.worst_unaccepted(), Some(Level::Breaking));
    let entry = |c: &stablemint_diff::Change| {
        format!(
            "  - fingerprint: {}\n    id: {}\n    reason: Read it.\n    date: 2026-03-02\n",
            c.fingerprint, c.id
        )
    };
    let text = format!(
        "accepted:\n{}{}",
        entry(&report.changes[0]),
        entry(&report.changes[1])
    );
    let accepted = Accepted::parse("a.yaml", &text).unwrap();
    assert_eq!(accepted.entries.len(), 2);
    assert_eq!((accepted.entries[0].line, accepted.entries[1].line), (2, 6));
    report.accept(&accepted);
    assert_eq!(report.worst(), Some(Level::Breaking));
    assert_eq!(report.worst_unaccepted(), Some(Level::NonBreaking));
    assert_eq!(report.accepted(), 2);
    assert!(report.stale.is_empty());
    let acceptance = report.changes[0].accepted.as_ref().unwrap();
    assert_eq!(
        (
            acceptance.reason.as_str(),
            acceptance.date.as_str(),
            acceptance.line
        ),
        ("Read it.", "2026-03-02", 2)
    );
    assert!(
        report
            .to_text()
            .contains("\n    accepted 2026-03-02 (line 2): Read it.\n")
    );
    let json: Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(
        json["changes"][0]["accepted"],
        json!({"reason": "Read it.", "date": "2026-03-02", "line": 2})
    );

    // The same file against a spec where the breaking change is gone: that entry is
    // stale, and the other still accepts its change.
    let mut later = run(keep, |d| {
        set(d, &format!("{OP}/summary"), json!("Create an item."));
        set(d, &format!("{ITEM}/properties/title/nullable"), json!(true));
    });
    later.accept(&accepted);
    assert_eq!(later.stale.len(), 1);
    assert_eq!(later.stale[0].id, "new-required-request-property");
    assert_eq!(later.stale[0].line, 2);
    assert_eq!(later.accepted(), 1);
    assert!(later.to_text().contains(&format!(
        "Stale accepted entries (1): they match no change; remove them:\n  - {} new-required-request-property (a.yaml:2)\n",
        later.stale[0].fingerprint
    )));
    let json: Value = serde_json::from_str(&later.to_json()).unwrap();
    assert_eq!(json["stale"][0]["line"], 2);

    // A fingerprint of another rule's change does not accept it.
    let mut other = compare(&base, &head).unwrap();
    let wrong = format!(
        "accepted:\n  - fingerprint: {}\n    id: endpoint-added\n    reason: x\n    date: 2026-03-02\n",
        other.changes[0].fingerprint
    );
    other.accept(&Accepted::parse("a.yaml", &wrong).unwrap());
    assert_eq!(other.accepted(), 0);
    assert_eq!(other.stale.len(), 1);
}

#[test]
fn a_broken_accepted_file_says_where_and_how_to_fix_it() {
    let error = |text: &str| {
        Accepted::parse("openapi/accepted-changes.yaml", text)
            .unwrap_err()
            .to_string()
    };
    let good = "  - fingerprint: 0123456789ab\n    id: endpoint-added\n    reason: Fine.\n    date: 2026-03-02\n";
    assert_eq!(Accepted::parse("a.yaml", "").unwrap().entries, []);
    assert_eq!(
        Accepted::parse("a.yaml", "# nothing yet\n")
            .unwrap()
            .entries,
        []
    );
    assert_eq!(
        Accepted::parse("a.yaml", "accepted: []\n").unwrap().entries,
        []
    );
    assert_eq!(
        Accepted::parse("a.yaml", &format!("accepted:\n{good}"))
            .unwrap()
            .entries
            .len(),
        1
    );
    // An all-digit fingerprint is read as text, as written.
    let digits = good.replace("0123456789ab", "012345678901");
    assert_eq!(
        Accepted::parse("a.yaml", &format!("accepted:\n{digits}"))
            .unwrap()
            .entries[0]
            .fingerprint,
        "012345678901"
    );

    let e = error("accepted:\n  - fingerprint: [\n");
    assert!(e.starts_with("openapi/accepted-changes.yaml:"), "{e}");
    assert!(
        e.contains("the file holds `accepted:`, a list where each entry needs"),
        "{e}"
    );
    let e = error(&format!("accepted:\n{}", good.replace("reason", "reson")));
    assert!(e.starts_with("openapi/accepted-changes.yaml:4: "), "{e}");
    assert!(e.contains("unknown field `reson`"), "{e}");
    let e = error(&format!(
        "accepted:\n{}",
        good.replace("    date: 2026-03-02\n", "")
    ));
    assert!(e.contains("missing field `date`"), "{e}");
    assert!(e.starts_with("openapi/accepted-changes.yaml:2: "), "{e}");
    assert_eq!(
        error(&format!(
            "accepted:\n{}",
            good.replace("0123456789ab", "0123")
        )),
        "openapi/accepted-changes.yaml:2: fingerprint \"0123\" is not 12 lowercase hex digits; \
         copy it from the change as `cargo xtask diff` prints it"
    );
    assert_eq!(
        error(&format!(
            "accepted:\n{}",
            good.replace("endpoint-added", "endpoint-aded")
        )),
        "openapi/accepted-changes.yaml:3: `endpoint-aded` is no rule id; copy the id from the \
         change as `cargo xtask diff` prints it (the rule table lists them all)"
    );
    assert_eq!(
        error(&format!("accepted:\n{}", good.replace("Fine.", "\"  \""))),
        "openapi/accepted-changes.yaml:4: the reason is empty; say why the change is acceptable"
    );
    assert_eq!(
        error(&format!(
            "accepted:\n{}",
            good.replace("2026-03-02", "2026-02-30")
        )),
        "openapi/accepted-changes.yaml:5: date \"2026-02-30\" is not a calendar date written YYYY-MM-DD"
    );
    assert_eq!(
        error(&format!("accepted:\n{good}{good}")),
        "openapi/accepted-changes.yaml:6: fingerprint 0123456789ab is accepted twice (first at \
         line 2); keep one entry"
    );
    for odd in [
        "- 1\n",
        "accepted: 3\n",
        "accepted:\n  - 1\n",
        "\u{1b}: x\n",
        "accepted: [{}]\n",
    ] {
        assert!(Accepted::parse("a.yaml", odd).is_err(), "{odd:?}");
    }
}

#[test]
fn the_bump_follows_the_worst_change() {
    let bump = |report: &Report, raw: bool| report.bump(raw).0;
    let none = run(keep, keep);
    assert_eq!(
        (bump(&none, false), bump(&none, true)),
        (Bump::None, Bump::None)
    );
    let doc = run(keep, |d| set(d, &format!("{OP}/summary"), json!("x")));
    assert_eq!(
        (bump(&doc, false), bump(&doc, true)),
        (Bump::Patch, Bump::Patch)
    );
    // A new optional parameter breaks stablemint-raw's positional method alone.
    let page = run(keep, |d| {
        set(
            d,
            &format!("{OP}/parameters/4"),
            json!({"name": "page", "in": "query", "schema": {"type": "integer"}}),
        )
    });
    assert_eq!(page.changes[0].level, Level::NonBreaking);
    assert_eq!(
        (bump(&page, false), bump(&page, true)),
        (Bump::Patch, Bump::Incompatible)
    );
    assert!(
        rules::rule("new-optional-request-parameter")
            .unwrap()
            .raw
            .is_some()
    );
    // A possibly-breaking change needs the incompatible bump until it is accepted; a
    // breaking one needs it whether or not.
    let (base, head) = texts(keep, three_levels);
    let mut report = compare(&base, &head).unwrap();
    let (needs, why) = report.bump(false);
    assert_eq!(
        (needs, why.map(|c| c.id)),
        (Bump::Incompatible, Some("new-required-request-property"))
    );
    let accept_all: String = report
        .changes
        .iter()
        .map(|c| {
            format!(
                "  - {{fingerprint: {}, id: {}, reason: ok, date: 2026-03-02}}\n",
                c.fingerprint, c.id
            )
        })
        .collect();
    report.accept(&Accepted::parse("a.yaml", &format!("accepted:\n{accept_all}")).unwrap());
    assert_eq!(report.bump(false).0, Bump::Incompatible);
    let mut possibly = run(keep, |d| {
        set(d, &format!("{ITEM}/properties/title/nullable"), json!(true))
    });
    assert_eq!(possibly.bump(false).0, Bump::Incompatible);
    let entry = format!(
        "accepted:\n  - {{fingerprint: {}, id: unclassified, reason: ok, date: 2026-03-02}}\n",
        possibly.changes[0].fingerprint
    );
    possibly.accept(&Accepted::parse("a.yaml", &entry).unwrap());
    assert_eq!(possibly.bump(false).0, Bump::Patch);
}
