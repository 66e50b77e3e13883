//! Absolute URIs (RFC 3986 section 4.3): a scheme, a colon and the rest, in the
//! characters a URI may hold.

use std::borrow::Cow;

use super::Rule;

/// The longest URI accepted, in bytes: browsers and servers commonly stop near 2,000,
/// and a longer one is a mistake (or a payload) rather than an address.
pub const MAX_URI_LEN: usize = 2048;

/// Why a string is not an absolute URI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reason {
    /// No `scheme:` at the start (a relative reference, or no scheme at all).
    NoScheme,
    /// Nothing after the scheme.
    Empty,
    /// `//` with no host after it.
    NoHost,
    /// A character a URI may not hold (a space, a control, non-ASCII, `<>"{}|\^` or a
    /// backtick), or a `%` not followed by two hex digits.
    Character,
    /// Longer than [`MAX_URI_LEN`].
    TooLong,
}

/// Whether `s` is an absolute URI: `scheme:rest`, the scheme a letter followed by
/// letters, digits, `+`, `-` or `.`, the rest not empty, only characters RFC 3986
/// allows (so no spaces and no non-ASCII: percent-encode them), every `%` followed by
/// two hex digits, a host after `//` when there is one, and at most 2,048 bytes.
///
/// ```
/// use stablemint_validate::is_uri;
///
/// assert!(is_uri("https://shop.example/return?order=77"));
/// assert!(is_uri("mailto:jane@example.com"));
/// assert!(!is_uri("/return"));
/// assert!(!is_uri("https://shop.example/a b"));
/// assert!(!is_uri("https://"));
/// ```
pub fn is_uri(s: &str) -> bool {
    Uri::test(s).is_ok()
}

/// The `uri` rule: [`is_uri`], with a message that says how to fix the value.
pub(crate) struct Uri;

impl Rule for Uri {
    type Input<'a> = &'a str;
    type Reason = Reason;
    const CODE: &'static str = "uri";

    fn test(s: &str) -> Result<(), Reason> {
        if s.len() > MAX_URI_LEN {
            return Err(Reason::TooLong);
        }
        let Some((scheme, rest)) = s.split_once(':') else {
            return Err(Reason::NoScheme);
        };
        let mut letters = scheme.bytes();
        let scheme_ok = letters.next().is_some_and(|b| b.is_ascii_alphabetic())
            && letters.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
        if !scheme_ok {
            return Err(Reason::NoScheme);
        }
        if rest.is_empty() {
            return Err(Reason::Empty);
        }
        let bytes = rest.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'%' => {
                    let hex = bytes
                        .get(i + 1..i + 3)
                        .filter(|pair| pair.iter().all(u8::is_ascii_hexdigit));
                    if hex.is_none() {
                        return Err(Reason::Character);
                    }
                    i += 3;
                    continue;
                }
                b if is_uri_char(b) => {}
                _ => return Err(Reason::Character),
            }
            i += 1;
        }
        if let Some(after) = rest.strip_prefix("//") {
            let authority = after.split(['/', '?', '#']).next().unwrap_or_default();
            let host = authority.rsplit('@').next().unwrap_or_default();
            let host = host.split(':').next().unwrap_or_default();
            if host.is_empty() && !authority.starts_with('[') {
                return Err(Reason::NoHost);
            }
        }
        Ok(())
    }

    fn message(reason: Reason) -> Cow<'static, str> {
        Cow::Borrowed(match reason {
            Reason::NoScheme => {
                "not an absolute URI: it must start with a scheme and a colon, such as \
                 `https:`; give the whole address, not a path"
            }
            Reason::Empty => "not an absolute URI: nothing follows the scheme",
            Reason::NoHost => "not an absolute URI: no host follows `//`",
            Reason::Character => {
                "not an absolute URI: it holds a character a URI may not (a space, a \
                 control, non-ASCII text, or a `%` without two hex digits); percent-encode it"
            }
            Reason::TooLong => "not an absolute URI of at most 2048 bytes: use a shorter one",
        })
    }
}

/// RFC 3986's unreserved, gen-delims and sub-delims characters (`%` is handled apart).
fn is_uri_char(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b':'
                | b'/'
                | b'?'
                | b'#'
                | b'['
                | b']'
                | b'@'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::message_of;

    fn reason(s: &str) -> Result<(), Reason> {
        Uri::test(s)
    }

    #[test]
    fn absolute_uris_pass() {
        for s in [
            "https://shop.example/return?order=77&x=%2F#done",
            "http://127.0.0.1:8080/",
            "https://user@host.example",
            "https://[::1]:3000/a",
            "mailto:jane@example.com",
            "urn:isbn:0451450523",
            "h:x",
            "a+b-c.d://host",
        ] {
            assert_eq!(reason(s), Ok(()), "{s}");
        }
        assert_eq!(
            reason(&format!("https://h/{}", "a".repeat(2048 - 10))),
            Ok(())
        );
    }

    #[test]
    fn everything_else_fails_with_its_reason() {
        for (s, why) in [
            ("", Reason::NoScheme),
            ("/return", Reason::NoScheme),
            ("shop.example/return", Reason::NoScheme),
            ("1http://h", Reason::NoScheme),
            ("ht tp://h", Reason::NoScheme),
            (":x", Reason::NoScheme),
            ("https:", Reason::Empty),
            ("https://", Reason::NoHost),
            ("https:///path", Reason::NoHost),
            ("https://user@/x", Reason::NoHost),
            ("https://h/a b", Reason::Character),
            ("https://h/ü", Reason::Character),
            ("https://h/\n", Reason::Character),
            ("https://h/<script>", Reason::Character),
            ("https://h/%zz", Reason::Character),
            ("https://h/%4", Reason::Character),
        ] {
            assert_eq!(reason(s), Err(why), "{s:?}");
        }
        assert_eq!(
            reason(&format!("https://h/{}", "a".repeat(2048))),
            Err(Reason::TooLong)
        );
    }

    #[test]
    fn messages_say_how_to_fix_and_never_repeat_the_value() {
        let message = message_of(crate::rules::uri("/secret-path"));
        assert!(message.contains("start with a scheme"), "{message}");
        assert!(!message.contains("secret"), "{message}");
        assert_eq!(
            crate::rules::uri("https://h/x").map_err(|e| e.code()),
            Ok(())
        );
        assert_eq!(crate::rules::uri("x").unwrap_err().code(), "uri");
    }
}
