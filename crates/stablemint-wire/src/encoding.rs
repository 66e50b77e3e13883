//! Parameter values in a URL: how the client writes a path segment, and how a server
//! reads path segments and query strings back, refusing what does not decode to text.
//!
//! The client does not leave path segments to a general-purpose encoder. progenitor's
//! encodes `/ ? # % space` and non-ASCII but not `\` or dot segments, and URL parsers
//! then read `\` as `/` and resolve `..`, which moves a signed request to another
//! endpoint. [`encode_path_segment`] encodes every byte outside RFC 3986's unreserved
//! set, so its output holds only letters, digits, `-`, `.`, `_`, `~` and `%XX`: no
//! parser can find a delimiter in it, and it is a dot segment only when the value is
//! `.` or `..`, which [`check_parameter`](crate::ParameterCheck) refuses.

/// Whether `byte` is in RFC 3986's unreserved set: `A`–`Z`, `a`–`z`, `0`–`9`, `-`, `.`,
/// `_`, `~`.
const fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// Whether `byte` is written as itself in a query string, as reqwest (the WHATWG
/// `application/x-www-form-urlencoded` serializer) writes one: letters, digits, `*`,
/// `-`, `.`, `_`. A space becomes `+`; every other byte `%XX`.
const fn is_query_literal(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'*' | b'-' | b'.' | b'_' | b' ')
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// `value` as one path segment: every byte outside RFC 3986's unreserved set written as
/// `%XX` (upper-case hex), so a `/`, `\`, `?`, `#`, `;`, `%` or any non-ASCII character
/// in a value stays inside its segment and reaches the server as it was given.
///
/// ```
/// use stablemint_wire::encode_path_segment;
///
/// assert_eq!(encode_path_segment("s-1.a_b~"), "s-1.a_b~");
/// assert_eq!(encode_path_segment("..\\status"), "..%5Cstatus");
/// assert_eq!(encode_path_segment("a/b;c%2e"), "a%2Fb%3Bc%252e");
/// assert_eq!(encode_path_segment("ü"), "%C3%BC");
/// ```
pub fn encode_path_segment(value: &str) -> String {
    if value.bytes().all(is_unreserved) {
        return value.to_owned();
    }
    let mut out = String::with_capacity(encoded_path_len(value));
    for byte in value.bytes() {
        if is_unreserved(byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
    }
    out
}

/// The length in bytes of [`encode_path_segment`]`(value)`, without writing it.
pub fn encoded_path_len(value: &str) -> usize {
    value
        .bytes()
        .map(|b| if is_unreserved(b) { 1 } else { 3 })
        .sum()
}

/// The length in bytes of `value` written into a query string as reqwest writes it
/// (`application/x-www-form-urlencoded`), without writing it.
pub fn encoded_query_len(value: &str) -> usize {
    value
        .bytes()
        .map(|b| if is_query_literal(b) { 1 } else { 3 })
        .sum()
}

/// Text whose percent-decoded bytes are not UTF-8 (`%ff`): it stands for no string, so
/// a server cannot tell which value was meant, nor verify a signature over it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotUtf8;

/// Decodes every `%XX` in `text` (a `%` not followed by two hex digits stays as it
/// is, as URL parsers leave it), refusing bytes that are not UTF-8 rather than
/// replacing them: `%ff` and `%fe` would otherwise both read as U+FFFD, and two paths
/// would share one value and one signature.
///
/// ```
/// use stablemint_wire::{NotUtf8, percent_decode};
///
/// assert_eq!(percent_decode("a%2Fb%C3%BC%zz").unwrap(), "a/bü%zz");
/// assert_eq!(percent_decode("%ff"), Err(NotUtf8));
/// ```
pub fn percent_decode(text: &str) -> Result<String, NotUtf8> {
    decode(text, false)
}

/// A query string's `(name, value)` pairs, decoded as `application/x-www-form-urlencoded`
/// (`+` is a space, then `%XX`), in their order; empty pieces (`a=1&&b=2`) are skipped.
/// A pair whose name or value does not decode to UTF-8 is an error in its place.
///
/// ```
/// use stablemint_wire::{QueryNotUtf8, decode_query};
///
/// assert_eq!(
///     decode_query("a=1+2&b=%C3%BC&c"),
///     [Ok(("a".into(), "1 2".into())), Ok(("b".into(), "ü".into())), Ok(("c".into(), String::new()))],
/// );
/// assert_eq!(
///     decode_query("a=1&b=%ff&%ff=1"),
///     [
///         Ok(("a".into(), "1".into())),
///         Err(QueryNotUtf8 { name: Some("b".into()) }),
///         Err(QueryNotUtf8 { name: None }),
///     ],
/// );
/// ```
pub fn decode_query(query: &str) -> Vec<Result<(String, String), QueryNotUtf8>> {
    query
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
            let name = decode(name, true).map_err(|NotUtf8| QueryNotUtf8 { name: None })?;
            match decode(value, true) {
                Ok(value) => Ok((name, value)),
                Err(NotUtf8) => Err(QueryNotUtf8 { name: Some(name) }),
            }
        })
        .collect()
}

/// A query string with a name or value that does not decode to UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryNotUtf8 {
    /// The parameter's name, when it is the value that does not decode.
    pub name: Option<String>,
}

fn decode(text: &str, plus_is_space: bool) -> Result<String, NotUtf8> {
    if !text.contains(['%', '+']) {
        return Ok(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        let escaped = (byte == b'%')
            .then(|| {
                Some((
                    hex_value(*bytes.get(i + 1)?)?,
                    hex_value(*bytes.get(i + 2)?)?,
                ))
            })
            .flatten();
        match escaped {
            Some((high, low)) => {
                out.push(high << 4 | low);
                i += 3;
            }
            None => {
                out.push(if plus_is_space && byte == b'+' {
                    b' '
                } else {
                    byte
                });
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| NotUtf8)
}

const fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unreserved_set_is_exactly_rfc_3986s() {
        let kept: String = (0u8..=255)
            .filter(|b| is_unreserved(*b))
            .map(char::from)
            .collect();
        assert_eq!(
            kept,
            "-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~"
        );
    }

    #[test]
    fn every_byte_round_trips_and_the_lengths_are_exact() {
        for byte in 0u8..=127 {
            let value = format!("a{}b", char::from(byte));
            let encoded = encode_path_segment(&value);
            assert_eq!(encoded.len(), encoded_path_len(&value), "{byte}");
            assert_eq!(percent_decode(&encoded).unwrap(), value, "{byte}");
            assert!(
                encoded.bytes().all(|b| is_unreserved(b) || b == b'%'),
                "{encoded}"
            );
        }
        let value = "ü€𝄞 \\..%2e";
        let encoded = encode_path_segment(value);
        assert_eq!(encoded, "%C3%BC%E2%82%AC%F0%9D%84%9E%20%5C..%252e");
        assert_eq!(encoded.len(), encoded_path_len(value));
        assert_eq!(percent_decode(&encoded).unwrap(), value);
    }

    #[test]
    fn query_lengths_match_what_reqwest_writes() {
        // reqwest writes queries with `url`, whose serializer is `form_urlencoded`'s.
        for value in ["", "plain", "a b+c", "*-._~!", "ü/&=?#%", "\u{0}\u{7f}"] {
            let written: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
            assert_eq!(encoded_query_len(value), written.len(), "{value:?}");
        }
        for byte in 0u8..=127 {
            let value = char::from(byte).to_string();
            let written: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
            assert_eq!(encoded_query_len(&value), written.len(), "{byte}");
        }
    }

    #[test]
    fn decoding_is_strict_about_utf8_and_lenient_about_stray_percents() {
        assert_eq!(percent_decode("%ff%fe"), Err(NotUtf8));
        assert_eq!(percent_decode("%C3"), Err(NotUtf8));
        assert_eq!(percent_decode("100%").unwrap(), "100%");
        assert_eq!(percent_decode("%4").unwrap(), "%4");
        assert_eq!(percent_decode("%41%4a%4A+").unwrap(), "AJJ+");
        assert_eq!(decode_query("a=%41+b"), [Ok(("a".into(), "A b".into()))]);
        assert_eq!(decode_query(""), []);
        assert_eq!(decode_query("%ff=1"), [Err(QueryNotUtf8 { name: None })]);
        assert_eq!(
            decode_query("x=1&&y"),
            [
                Ok(("x".into(), "1".into())),
                Ok(("y".into(), String::new()))
            ]
        );
    }
}
