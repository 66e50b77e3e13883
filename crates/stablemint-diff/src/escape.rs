//! Text from a spec on its way out: to a terminal, into Markdown, into a GitHub Actions
//! workflow command. A spec is input like any other, and a pull request can put any
//! key or description in it.

use std::fmt::Write as _;

/// Whether `c` must not reach a reader as it is: C0, DEL and C1 controls (a terminal
/// runs escape sequences, a newline forges a line) and the bidirectional embeddings,
/// overrides and isolates (they reorder what a reader sees).
fn is_hidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every control and bidi character written as a visible `\u{..}` escape.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_hidden(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` as a Markdown code span that nothing in it can close: the fence is one
/// backtick longer than the longest run of backticks inside, as CommonMark allows.
/// Inside a code span, HTML, links and mentions are inert. Control characters are made
/// visible first, so the span stays on one line.
pub fn code(text: &str) -> String {
    if text.is_empty() {
        return "` `".to_owned();
    }
    let text = visible(text);
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    // A space keeps a backtick at either end from joining the fence; CommonMark strips
    // one space on each side.
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// `text` as it is when it is one word of ASCII letters and digits (`query`, `404`),
/// which reads the same everywhere; as [`code`] otherwise.
pub fn word(text: &str) -> String {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric()) {
        text.to_owned()
    } else {
        code(text)
    }
}

/// The message of a GitHub Actions workflow command: `%`, CR and LF escaped as GitHub
/// documents, so the text cannot end the command and start another; other controls made
/// visible.
pub fn annotation_message(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if is_hidden(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// A property value of a workflow command (`file=`, `title=`): as a message, and `:` and
/// `,` too, which would otherwise end the value.
pub fn annotation_property(text: &str) -> String {
    annotation_message(text)
        .replace(':', "%3A")
        .replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_become_visible() {
        assert_eq!(
            visible("a\u{1b}[31mred\u{7}\nnext\u{202e}x\u{85}"),
            r"a\u{1b}[31mred\u{7}\u{a}next\u{202e}x\u{85}"
        );
        assert_eq!(visible("plain, ü, 日本"), "plain, ü, 日本");
    }

    #[test]
    fn code_spans_cannot_be_closed_from_inside() {
        assert_eq!(code("userId"), "`userId`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("``x"), "``` ``x ```");
        assert_eq!(code("x`"), "`` x` ``");
        assert_eq!(code(""), "` `");
        assert_eq!(code("<img src=x>\n@team"), r"`<img src=x>\u{a}@team`");
    }

    #[test]
    fn words_stay_plain() {
        assert_eq!(word("query"), "query");
        assert_eq!(word("404"), "404");
        assert_eq!(word("2XX"), "2XX");
        assert_eq!(word("a b"), "`a b`");
        assert_eq!(word("<b>"), "`<b>`");
        assert_eq!(word(""), "` `");
    }

    #[test]
    fn annotations_cannot_be_forged() {
        let forged = "ok\n::error file=x::forged\r%0A";
        assert_eq!(
            annotation_message(forged),
            "ok%0A::error file=x::forged%0D%250A"
        );
        assert!(!annotation_message(forged).contains('\n'));
        assert_eq!(annotation_property("a,b:c%\u{1b}"), r"a%2Cb%3Ac%25\u{1b}");
    }
}
