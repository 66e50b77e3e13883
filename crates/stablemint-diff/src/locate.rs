//! Where a JSON Pointer into a YAML document stands in its text.
//!
//! serde_yaml, which reads the documents, keeps no positions. So the text is read a
//! second time, as events, by saphyr-parser (a YAML 1.2 parser that gives every event
//! its span), and each mapping key and sequence item is given the pointer it would have
//! in the parsed document. Being a real parser, it reads what a YAML tool may write:
//! block or flow style, quoted keys with escapes, block scalars, comments, anchors. A
//! pointer into an alias's target through the alias has no line of its own; it gets
//! the line of the closest enclosing node that has one.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser};
use stablemint_codegen::spec::pointer_segment;

/// The 1-based line of every mapping key and sequence item of a YAML text, by JSON
/// Pointer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lines {
    lines: HashMap<String, usize>,
}

/// A mapping or sequence being read, with its pointer (`None` inside a complex key,
/// which no pointer reaches).
enum Frame {
    Mapping {
        at: Option<String>,
        /// The segment of the key just read, waiting for its value; `None` while the
        /// next node is a key.
        key: Option<Option<String>>,
    },
    Sequence {
        at: Option<String>,
        next: usize,
    },
}

impl Lines {
    /// Reads the first document of `text`. Where the parser stops on an error, the
    /// lines read until then are kept: positions are a help to the reader, never a
    /// reason to fail.
    pub fn of(text: &str) -> Self {
        let mut lines = HashMap::new();
        let mut stack: Vec<Frame> = Vec::new();
        let mut parser = Parser::new_from_str(text);
        let mut started = false;
        while let Some(Ok((event, span))) = parser.next_event() {
            let line = span.start.line();
            let (scalar, container) = match &event {
                Event::Scalar(text, ..) => (Some(text.as_ref()), None),
                Event::Alias(_) => (None, None),
                Event::MappingStart(..) => (None, Some(true)),
                Event::SequenceStart(..) => (None, Some(false)),
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                    continue;
                }
                Event::DocumentEnd | Event::StreamEnd => break,
                _ => continue,
            };
            let at = if stack.is_empty() {
                if started {
                    break;
                }
                started = true;
                lines.insert(String::new(), line);
                Some(String::new())
            } else {
                place(&mut stack, &mut lines, line, scalar)
            };
            match container {
                Some(true) => stack.push(Frame::Mapping { at, key: None }),
                Some(false) => stack.push(Frame::Sequence { at, next: 0 }),
                None => {}
            }
        }
        Self { lines }
    }

    /// The line of the key or item at `pointer` (line 1 for the root), if the text has
    /// one there.
    pub fn exact(&self, pointer: &str) -> Option<usize> {
        self.lines.get(pointer).copied()
    }

    /// The line of `pointer` or, when it has none, of the closest enclosing pointer
    /// that has one. `None` only when the text could not be read at all.
    pub fn line(&self, pointer: &str) -> Option<usize> {
        let mut at = pointer;
        loop {
            if let Some(line) = self.exact(at) {
                return Some(line);
            }
            at = &at[..at.rfind('/')?];
        }
    }
}

/// The pointer of the node that starts now inside the container on top of `stack`,
/// recording the line of a key or an item.
fn place(
    stack: &mut [Frame],
    lines: &mut HashMap<String, usize>,
    line: usize,
    scalar: Option<&str>,
) -> Option<String> {
    let top = stack.last_mut()?;
    match top {
        Frame::Mapping { at, key } => match key.take() {
            // A key: its value comes next.
            None => {
                let segment = scalar.map(pointer_segment);
                if let (Some(at), Some(segment)) = (at.as_ref(), segment.as_ref()) {
                    lines.entry(format!("{at}/{segment}")).or_insert(line);
                }
                *key = Some(segment);
                // A complex key (a mapping or a sequence) is reached by no pointer.
                None
            }
            Some(segment) => Some(format!("{}/{}", at.as_ref()?, segment?)),
        },
        Frame::Sequence { at, next } => {
            let index = *next;
            *next += 1;
            let pointer = format!("{}/{index}", at.as_ref()?);
            lines.entry(pointer.clone()).or_insert(line);
            Some(pointer)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;

    #[test]
    fn block_flow_quoted_and_scalars() {
        let text = "\
# a comment: not a key
a:
  b: 1
  \"c/d\": |
    e: not a key
    f: neither
  'it''s': {x: 1,
    y: [10,
        20]}
list:
  - name: first
  - {name: second}
  - plain
\"esc\\u0041ped\": true
200: {description: unquoted status}
";
        let lines = Lines::of(text);
        let at = |p: &str| lines.exact(p);
        assert_eq!(at(""), Some(2));
        assert_eq!(at("/a"), Some(2));
        assert_eq!(at("/a/b"), Some(3));
        assert_eq!(at("/a/c~1d"), Some(4));
        assert_eq!(at("/a/c~1d/e"), None);
        assert_eq!(at("/a/e"), None);
        assert_eq!(at("/a/it's"), Some(7));
        assert_eq!(at("/a/it's/x"), Some(7));
        assert_eq!(at("/a/it's/y"), Some(8));
        assert_eq!(at("/a/it's/y/1"), Some(9));
        assert_eq!(at("/list/0"), Some(11));
        assert_eq!(at("/list/0/name"), Some(11));
        assert_eq!(at("/list/1/name"), Some(12));
        assert_eq!(at("/list/2"), Some(13));
        assert_eq!(at("/escAped"), Some(14));
        // serde_yaml reads a plain number key as its text, and so does the locator.
        let doc: serde_json::Value = serde_yaml::from_str(text).unwrap();
        assert!(doc.pointer("/200/description").is_some());
        assert_eq!(at("/200/description"), Some(15));
        // The closest enclosing line for what has none.
        assert_eq!(lines.line("/a/c~1d/e"), Some(4));
        assert_eq!(lines.line("/nowhere/at/all"), Some(2));
    }

    #[test]
    fn anchors_complex_keys_and_later_documents() {
        let text = "\
base: &shared
  k: 1
copy: *shared
? [complex, key]
: {inner: 1}
after: 2
---
second: 3
";
        let lines = Lines::of(text);
        assert_eq!(lines.exact("/base/k"), Some(2));
        assert_eq!(lines.exact("/copy"), Some(3));
        assert_eq!(lines.exact("/copy/k"), None);
        assert_eq!(lines.line("/copy/k"), Some(3));
        assert_eq!(lines.exact("/after"), Some(6));
        assert_eq!(lines.exact("/second"), None);
    }

    #[test]
    fn broken_text_keeps_what_was_read() {
        let lines = Lines::of("a: 1\nb: [\nc: 2\n");
        assert_eq!(lines.exact("/a"), Some(1));
        assert_eq!(Lines::of("").line("/a"), None);
        for text in [
            "{",
            "]",
            "- a\nb: c",
            "a: b: c",
            "\t",
            "? : :",
            "&a *a",
            "!!map [",
        ] {
            let _ = Lines::of(text).line("/x/0");
        }
    }
}
