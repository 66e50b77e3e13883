//! Showing text that came from the other side of the wire.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every control character, every line or paragraph separator and every
/// bidirectional formatting character written as a `\u{..}` escape, so that text from a
/// server (or a client) can neither run terminal escape sequences nor forge lines (a
/// newline becomes `\u{a}`, and so do U+2028 and U+2029, which some viewers break
/// lines at) nor reorder what a reader sees.
///
/// ```
/// assert_eq!(
///     stablemint_wire::escape_controls("bad\u{1b}]0;pwned\u{7}\nfake line"),
///     r"bad\u{1b}]0;pwned\u{7}\u{a}fake line",
/// );
/// assert_eq!(stablemint_wire::escape_controls("a\u{2028}b"), r"a\u{2028}b");
/// assert_eq!(stablemint_wire::escape_controls("plain text, ü"), "plain text, ü");
/// ```
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether [`escape_controls`] escapes `c`: C0, DEL and C1 controls; the line and
/// paragraph separators; the bidi marks, embeddings, overrides and isolates.
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// `text` escaped (see [`escape_controls`]), trimmed, and cut to at most `limit`
/// characters, an ellipsis marking the cut: how an error message shows text from the
/// other side.
///
/// ```
/// assert_eq!(stablemint_wire::shown("  abcdef\n", 3), "abc…");
/// ```
pub fn shown(text: &str, limit: usize) -> String {
    let escaped = escape_controls(text.trim());
    match escaped.char_indices().nth(limit) {
        Some((cut, _)) => format!("{}…", &escaped[..cut]),
        None => escaped.into_owned(),
    }
}

/// `key` with all but its last four characters replaced by `*`: how an API key is shown
/// in `Debug` output and logs, by the client and the mock alike.
///
/// ```
/// assert_eq!(stablemint_wire::masked("pk_live_1234abcd"), "************abcd");
/// assert_eq!(stablemint_wire::masked("ключ-1234"), "*****1234");
/// ```
pub fn masked(key: &str) -> String {
    let shown = key.chars().count().saturating_sub(4);
    key.chars()
        .enumerate()
        .map(|(i, c)| if i < shown { '*' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_control_separator_and_bidi_character() {
        assert_eq!(
            escape_controls("a\r\nb\tc\u{7f}"),
            r"a\u{d}\u{a}b\u{9}c\u{7f}"
        );
        assert_eq!(escape_controls("\u{9b}31m"), r"\u{9b}31m");
        assert_eq!(escape_controls("x\u{202e}y\u{2066}"), r"x\u{202e}y\u{2066}");
        assert_eq!(
            escape_controls("\u{2028}\u{2029}\u{200e}\u{200f}\u{61c}"),
            r"\u{2028}\u{2029}\u{200e}\u{200f}\u{61c}"
        );
        for kept in [
            '\u{2027}', '\u{202f}', '\u{2065}', '\u{206a}', '\u{200d}', 'é',
        ] {
            assert!(!needs_escape(kept), "{kept:?}");
        }
        assert!(matches!(escape_controls("fine"), Cow::Borrowed("fine")));
    }

    #[test]
    fn shown_escapes_then_cuts() {
        assert_eq!(shown("  abc\n ", 10), r"abc");
        assert_eq!(shown("abcdef", 3), "abc…");
        assert_eq!(shown("\u{1b}[2J", 100), r"\u{1b}[2J");
    }
}
