//! The line locator on the real spec, and on copies of it that YAML tools wrote: every
//! key of the parsed document is found on a line that holds that key.
//!
//! `fixtures/stablemint-pyyaml.yaml` is the spec as PyYAML's `safe_dump` rewrote it
//! (keys sorted, leaf mappings in flow style over several lines, long strings folded
//! and quoted), frozen so that it keeps testing that style whatever the spec becomes.

use serde_json::Value;
use stablemint_codegen::spec::pointer_segment;
use stablemint_diff::Lines;

fn live_spec() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/stablemint.yaml");
    std::fs::read_to_string(path).unwrap()
}

const PYYAML: &str = include_str!("fixtures/stablemint-pyyaml.yaml");

/// Every pointer in `doc` with, for an object member, its key.
fn pointers(doc: &Value) -> Vec<(String, Option<String>)> {
    fn walk(node: &Value, at: &str, out: &mut Vec<(String, Option<String>)>) {
        match node {
            Value::Object(map) => {
                for (key, child) in map {
                    let pointer = format!("{at}/{}", pointer_segment(key));
                    out.push((pointer.clone(), Some(key.clone())));
                    walk(child, &pointer, out);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    let pointer = format!("{at}/{i}");
                    out.push((pointer.clone(), None));
                    walk(child, &pointer, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, "", &mut out);
    out
}

/// Checks that every pointer of the document has a line, that a key's line holds the
/// key (plain, or quoted as YAML or JSON quote it), and that no line comes before its
/// parent's; returns how many pointers were checked.
fn every_key_on_its_line(name: &str, text: &str) -> usize {
    let doc: Value = serde_yaml::from_str(text).unwrap();
    let lines = Lines::of(text);
    let source: Vec<&str> = text.lines().collect();
    let all = pointers(&doc);
    for (pointer, key) in &all {
        let line = lines
            .exact(pointer)
            .unwrap_or_else(|| panic!("{name}: no line for {pointer}"));
        let parent = &pointer[..pointer.rfind('/').unwrap()];
        let parent_line = lines.exact(parent).unwrap();
        assert!(
            line >= parent_line,
            "{name}: {pointer} at {line}, before its parent at {parent_line}"
        );
        if let Some(key) = key {
            let held = &source[line - 1];
            let json = serde_json::to_string(key).unwrap();
            assert!(
                held.contains(&format!("{key}:"))
                    || held.contains(&format!("'{key}':"))
                    || held.contains(&format!("{json}:")),
                "{name}: line {line} is {held:?}, not the key of {pointer}"
            );
        }
    }
    all.len()
}

#[test]
fn the_real_spec() {
    let spec = live_spec();
    assert!(every_key_on_its_line("openapi/stablemint.yaml", &spec) > 100);
    // The first operation's first declaration, found by reading the text.
    let lines = Lines::of(&spec);
    let doc: Value = serde_yaml::from_str(&spec).unwrap();
    let (path, item) = doc["paths"].as_object().unwrap().iter().next().unwrap();
    let (method, _) = item.as_object().unwrap().iter().next().unwrap();
    let pointer = format!("/paths/{}/{method}", pointer_segment(path));
    let path_line = spec
        .lines()
        .position(|l| l == format!("  {path}:"))
        .unwrap()
        + 1;
    assert_eq!(
        lines.exact(&format!("/paths/{}", pointer_segment(path))),
        Some(path_line)
    );
    assert_eq!(lines.exact(&pointer), Some(path_line + 1));
}

#[test]
fn the_spec_as_yaml_tools_rewrite_it() {
    let spec = live_spec();
    let doc: Value = serde_yaml::from_str(&spec).unwrap();
    let checked = every_key_on_its_line("PyYAML", PYYAML);
    assert!(checked > 100, "{checked}");
    every_key_on_its_line("serde_yaml", &serde_yaml::to_string(&doc).unwrap());
    // JSON is YAML in flow style.
    every_key_on_its_line("JSON", &serde_json::to_string_pretty(&doc).unwrap());
}

#[test]
fn a_change_is_located_in_any_formatting() {
    // The same edit on the PyYAML copy, as text: a new property's line is the line of
    // its key in that text.
    let doc: Value = serde_yaml::from_str(PYYAML).unwrap();
    let mut head = doc.clone();
    head["components"]["schemas"]["EmbeddedSessionRequest"]["properties"]["merchantId"] =
        serde_json::json!({"type": "string"});
    let head_text = serde_json::to_string_pretty(&head).unwrap();
    let report = stablemint_diff::classify(
        stablemint_diff::Source::new("base.yaml", PYYAML),
        stablemint_diff::Source::new("head.json", &head_text),
    )
    .unwrap();
    assert_eq!(report.changes.len(), 1, "{}", report.to_text());
    let line = report.changes[0].location.line.unwrap();
    assert!(
        head_text
            .lines()
            .nth(line - 1)
            .unwrap()
            .contains("\"merchantId\": {"),
        "line {line}"
    );
}

/// Cut short or with a byte changed, a spec is no longer YAML, or another one: the
/// locator keeps what it read, and neither it nor the classifier panics.
#[test]
fn broken_texts_do_not_panic() {
    let spec = live_spec();
    let cuts = spec.char_indices().map(|(i, _)| i).step_by(53);
    for cut in cuts {
        let text = &spec[..cut];
        let lines = Lines::of(text);
        let _ = lines.line("/paths/~1session~1embedded/post/parameters/0/name");
        let _ = stablemint_diff::classify(
            stablemint_diff::Source::new("base.yaml", &spec),
            stablemint_diff::Source::new("head.yaml", text),
        );
    }
    for (i, byte) in [
        b'[', b'{', b'"', b'\'', b':', b'-', b'&', b'*', b'\t', b'|', b'?',
    ]
    .into_iter()
    .cycle()
    .take(100)
    .enumerate()
    {
        let mut bytes = spec.clone().into_bytes();
        let at = (i * 7919) % bytes.len();
        bytes[at] = byte;
        if let Ok(text) = String::from_utf8(bytes) {
            let _ = Lines::of(&text).line("/components/schemas");
            let _ = stablemint_diff::classify(
                stablemint_diff::Source::new("base.yaml", &spec),
                stablemint_diff::Source::new("head.yaml", &text),
            );
        }
    }
}
