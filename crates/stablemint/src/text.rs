//! Showing text that came from a server, and dates.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every control character and every bidirectional-override character
/// written as a `\u{..}` escape, so that text from a server can neither run terminal
/// escape sequences nor forge lines (a newline becomes `\u{a}`) nor reorder what a
/// reader sees.
///
/// ```
/// assert_eq!(
///     stablemint::escape_controls("bad\u{1b}]0;pwned\u{7}\nfake line"),
///     r"bad\u{1b}]0;pwned\u{7}\u{a}fake line",
/// );
/// assert_eq!(stablemint::escape_controls("plain text, ü"), "plain text, ü");
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

fn needs_escape(c: char) -> bool {
    // C0, DEL and C1 controls; the bidi embeddings, overrides and isolates.
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` escaped and cut to at most `limit` characters (an ellipsis marks the cut).
pub(crate) fn shown(text: &str, limit: usize) -> String {
    let escaped = escape_controls(text.trim());
    match escaped.char_indices().nth(limit) {
        Some((cut, _)) => format!("{}…", &escaped[..cut]),
        None => escaped.into_owned(),
    }
}

/// Unix seconds as an RFC 3339 UTC timestamp (`2026-11-26T14:00:00Z`), for years 0 to
/// 9999; outside that range, the seconds themselves.
pub(crate) fn rfc3339(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let second_of_day = unix_seconds.rem_euclid(86_400);
    // Howard Hinnant's `civil_from_days`.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    if !(0..=9999).contains(&year) {
        return format!("{unix_seconds} (Unix seconds)");
    }
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_control_and_bidi_character() {
        assert_eq!(
            escape_controls("a\r\nb\tc\u{7f}"),
            r"a\u{d}\u{a}b\u{9}c\u{7f}"
        );
        assert_eq!(escape_controls("\u{9b}31m"), r"\u{9b}31m");
        assert_eq!(escape_controls("x\u{202e}y\u{2066}"), r"x\u{202e}y\u{2066}");
        assert!(matches!(escape_controls("fine"), Cow::Borrowed("fine")));
    }

    #[test]
    fn shown_escapes_then_cuts() {
        assert_eq!(shown("  abc\n ", 10), r"abc");
        assert_eq!(shown("abcdef", 3), "abc…");
        assert_eq!(shown("\u{1b}[2J", 100), r"\u{1b}[2J");
    }

    #[test]
    fn rfc3339_matches_known_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(rfc3339(253_402_300_799), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339(253_402_300_800), "253402300800 (Unix seconds)");
        assert_eq!(rfc3339(i64::MIN), format!("{} (Unix seconds)", i64::MIN));
    }
}
