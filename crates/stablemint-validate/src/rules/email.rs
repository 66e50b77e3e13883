//! E-mail addresses, by the WHATWG HTML "valid e-mail address" grammar.
//!
//! ```text
//! email  = 1*( atext / "." ) "@" label *( "." label )
//! atext  = ALPHA / DIGIT / "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "/" / "="
//!          / "?" / "^" / "_" / "`" / "{" / "|" / "}" / "~" / "-"
//! label  = let-dig [ *61( let-dig / "-" ) let-dig ]      ; 1 to 63 characters
//! ```
//!
//! On top of the grammar, the validation policy caps the local part at 64 bytes and the
//! whole address at 254 (RFC 5321's limits) and refuses IP addresses as the domain: the
//! bracketed `[192.0.2.1]` form is outside the grammar already, and a dotted quad such as
//! `192.0.2.1` is refused by requiring the last label to contain a letter or hyphen (no
//! top-level domain is all digits).

use std::borrow::Cow;

use super::Rule;

const MAX_LEN: usize = 254;
const MAX_LOCAL_LEN: usize = 64;
const MAX_LABEL_LEN: usize = 63;

const EMPTY: &str = "an e-mail address is required";
const TOO_LONG: &str = "not a valid e-mail address: it is longer than 254 bytes";
const NON_ASCII: &str = "not a valid e-mail address: use ASCII only (write an internationalized domain in its xn-- form)";
const SPACE: &str = "not a valid e-mail address: remove the spaces and line breaks";
const NO_AT: &str = "not a valid e-mail address: it needs an @ between the name and the domain";
const LOCAL_EMPTY: &str = "not a valid e-mail address: nothing comes before the @";
const LOCAL_TOO_LONG: &str =
    "not a valid e-mail address: the part before the @ is longer than 64 bytes";
const LOCAL_CHAR: &str = "not a valid e-mail address: the part before the @ may contain only letters, digits, dots and !#$%&'*+/=?^_`{|}~-";
const IP_LITERAL: &str =
    "not a valid e-mail address: use a domain name after the @, not an IP address";
const MORE_THAN_ONE_AT: &str = "not a valid e-mail address: it has more than one @";
const DOMAIN_EMPTY: &str = "not a valid e-mail address: a domain must follow the @";
const EMPTY_LABEL: &str = "not a valid e-mail address: the domain has an empty part (a dot at the start or end, or two dots in a row)";
const LABEL_TOO_LONG: &str =
    "not a valid e-mail address: each dot-separated part of the domain is at most 63 characters";
const LABEL_CHAR: &str = "not a valid e-mail address: the domain may contain only letters, digits, dots and hyphens, with no hyphen at the start or end of a part";

/// Why a string is not an e-mail address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reason {
    Empty,
    TooLong,
    NonAscii,
    Space,
    NoAt,
    LocalEmpty,
    LocalTooLong,
    LocalChar,
    IpLiteral,
    MoreThanOneAt,
    DomainEmpty,
    EmptyLabel,
    LabelTooLong,
    LabelChar,
}

/// Whether `s` is a valid e-mail address by the WHATWG HTML grammar (what
/// `<input type=email>` accepts), with the local part at most 64 bytes, the whole at
/// most 254, no IP address as the domain and nothing but ASCII.
///
/// Dots in the local part are taken as the grammar allows them (leading, trailing or
/// doubled); a domain without a dot (`user@localhost`) is allowed by the grammar too.
///
/// ```
/// use stablemint_validate::is_email;
///
/// assert!(is_email("jane.doe+invoices@example.com"));
/// assert!(!is_email("jane@[192.0.2.1]"));
/// assert!(!is_email("jane@exämple.com"));
/// ```
pub fn is_email(s: &str) -> bool {
    Email::test(s).is_ok()
}

/// The `email` rule: [`is_email`], with a message that says how to fix the value.
pub(crate) struct Email;

impl Rule for Email {
    type Input<'a> = &'a str;
    type Reason = Reason;
    const CODE: &'static str = "email";

    fn test(s: &str) -> Result<(), Reason> {
        let bytes = s.as_bytes();
        if bytes.is_empty() {
            return Err(Reason::Empty);
        }
        if bytes.len() > MAX_LEN {
            return Err(Reason::TooLong);
        }
        if !bytes.is_ascii() {
            return Err(Reason::NonAscii);
        }
        if bytes.iter().any(u8::is_ascii_whitespace) {
            return Err(Reason::Space);
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err(Reason::NoAt);
        };
        check_local(local.as_bytes())?;
        check_domain(domain.as_bytes())
    }

    fn message(reason: Reason) -> Cow<'static, str> {
        Cow::Borrowed(match reason {
            Reason::Empty => EMPTY,
            Reason::TooLong => TOO_LONG,
            Reason::NonAscii => NON_ASCII,
            Reason::Space => SPACE,
            Reason::NoAt => NO_AT,
            Reason::LocalEmpty => LOCAL_EMPTY,
            Reason::LocalTooLong => LOCAL_TOO_LONG,
            Reason::LocalChar => LOCAL_CHAR,
            Reason::IpLiteral => IP_LITERAL,
            Reason::MoreThanOneAt => MORE_THAN_ONE_AT,
            Reason::DomainEmpty => DOMAIN_EMPTY,
            Reason::EmptyLabel => EMPTY_LABEL,
            Reason::LabelTooLong => LABEL_TOO_LONG,
            Reason::LabelChar => LABEL_CHAR,
        })
    }
}

fn check_local(local: &[u8]) -> Result<(), Reason> {
    if local.is_empty() {
        return Err(Reason::LocalEmpty);
    }
    if local.len() > MAX_LOCAL_LEN {
        return Err(Reason::LocalTooLong);
    }
    if !local.iter().all(|&b| is_atext(b) || b == b'.') {
        return Err(Reason::LocalChar);
    }
    Ok(())
}

fn check_domain(domain: &[u8]) -> Result<(), Reason> {
    if domain.first() == Some(&b'[') {
        return Err(Reason::IpLiteral);
    }
    if domain.contains(&b'@') {
        return Err(Reason::MoreThanOneAt);
    }
    if domain.is_empty() {
        return Err(Reason::DomainEmpty);
    }
    let mut last_label: &[u8] = &[];
    for label in domain.split(|&b| b == b'.') {
        check_label(label)?;
        last_label = label;
    }
    if last_label.iter().all(u8::is_ascii_digit) {
        return Err(Reason::IpLiteral);
    }
    Ok(())
}

fn check_label(label: &[u8]) -> Result<(), Reason> {
    let (Some(first), Some(last)) = (label.first(), label.last()) else {
        return Err(Reason::EmptyLabel);
    };
    if label.len() > MAX_LABEL_LEN {
        return Err(Reason::LabelTooLong);
    }
    let inner_ok = label
        .iter()
        .all(|&b| b.is_ascii_alphanumeric() || b == b'-');
    if !inner_ok || !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
        return Err(Reason::LabelChar);
    }
    Ok(())
}

/// `atext` of the grammar: letters, digits and ``!#$%&'*+/=?^_`{|}~-``.
fn is_atext(b: u8) -> bool {
    // One bit per ASCII byte: a shift and a mask instead of a scan of the symbol list.
    b < 128 && ATEXT >> b & 1 == 1
}

const ATEXT: u128 =
    ascii_set(b"!#$%&'*+/=?^_`{|}~-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

/// The set of the ASCII bytes in `bytes`, one bit each.
const fn ascii_set(bytes: &[u8]) -> u128 {
    let mut set = 0u128;
    let mut i = 0;
    while i < bytes.len() {
        set |= 1 << bytes[i];
        i += 1;
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(s: &str) -> Result<(), crate::Invalid> {
        crate::rules::email(s)
    }

    fn repeat(c: char, n: usize) -> String {
        std::iter::repeat_n(c, n).collect()
    }

    #[test]
    fn accepts_the_grammar() {
        for s in [
            "a@b",
            "user@localhost",
            "jane.doe@example.com",
            "jane+tag@sub.example.co.uk",
            "!#$%&'*+/=?^_`{|}~-@example.com",
            ".leading.and..double.dots.@example.com",
            "x@a-b.c-d.e",
            "x@1.example",
            "x@123.com",
            "x@example.c0m",
            "x@xn--bcher-kva.example",
            "X@EXAMPLE.COM",
        ] {
            assert_eq!(Email::test(s), Ok(()), "{s}");
        }
    }

    #[test]
    fn local_part_is_capped_at_64_bytes() {
        let at_64 = format!("{}@example.com", repeat('a', 64));
        let at_65 = format!("{}@example.com", repeat('a', 65));
        assert_eq!(Email::test(&at_64), Ok(()));
        assert_eq!(Email::test(&at_65), Err(Reason::LocalTooLong));
    }

    #[test]
    fn whole_address_is_capped_at_254_bytes() {
        // 64 + 1 + 189 = 254: labels of 63, 63 and 61 characters joined by dots.
        let domain = format!(
            "{}.{}.{}",
            repeat('a', 63),
            repeat('b', 63),
            repeat('c', 61)
        );
        let at_254 = format!("{}@{domain}", repeat('x', 64));
        assert_eq!(at_254.len(), 254);
        assert_eq!(Email::test(&at_254), Ok(()));
        let domain = format!(
            "{}.{}.{}",
            repeat('a', 63),
            repeat('b', 63),
            repeat('c', 62)
        );
        let at_255 = format!("{}@{domain}", repeat('x', 64));
        assert_eq!(at_255.len(), 255);
        assert_eq!(Email::test(&at_255), Err(Reason::TooLong));
        assert_eq!(Email::test(&repeat('a', 10_000)), Err(Reason::TooLong));
    }

    #[test]
    fn labels_are_1_to_63_with_inner_hyphens() {
        assert_eq!(Email::test(&format!("a@{}.com", repeat('l', 63))), Ok(()));
        assert_eq!(
            Email::test(&format!("a@{}.com", repeat('l', 64))),
            Err(Reason::LabelTooLong)
        );
        assert_eq!(Email::test("a@-example.com"), Err(Reason::LabelChar));
        assert_eq!(Email::test("a@example-.com"), Err(Reason::LabelChar));
        assert_eq!(Email::test("a@example.com-"), Err(Reason::LabelChar));
        assert_eq!(Email::test("a@exa_mple.com"), Err(Reason::LabelChar));
        assert_eq!(Email::test("a@.example.com"), Err(Reason::EmptyLabel));
        assert_eq!(Email::test("a@example..com"), Err(Reason::EmptyLabel));
        assert_eq!(Email::test("a@example.com."), Err(Reason::EmptyLabel));
    }

    #[test]
    fn no_ip_addresses() {
        assert_eq!(Email::test("a@[192.0.2.1]"), Err(Reason::IpLiteral));
        assert_eq!(Email::test("a@[IPv6:2001:db8::1]"), Err(Reason::IpLiteral));
        assert_eq!(Email::test("a@192.0.2.1"), Err(Reason::IpLiteral));
        assert_eq!(Email::test("a@12345"), Err(Reason::IpLiteral));
    }

    #[test]
    fn no_non_ascii() {
        assert_eq!(Email::test("jöran@example.com"), Err(Reason::NonAscii));
        assert_eq!(Email::test("a@exämple.com"), Err(Reason::NonAscii));
        assert_eq!(Email::test("a@example.com\u{200b}"), Err(Reason::NonAscii));
        assert_eq!(Email::test("ａ@example.com"), Err(Reason::NonAscii));
    }

    #[test]
    fn other_rejections() {
        assert_eq!(Email::test(""), Err(Reason::Empty));
        assert_eq!(Email::test("plainaddress"), Err(Reason::NoAt));
        assert_eq!(Email::test("@example.com"), Err(Reason::LocalEmpty));
        assert_eq!(Email::test("a@"), Err(Reason::DomainEmpty));
        assert_eq!(Email::test("a@b@c"), Err(Reason::MoreThanOneAt));
        assert_eq!(
            Email::test("\"quoted\"@example.com"),
            Err(Reason::LocalChar)
        );
        assert_eq!(
            Email::test("a(comment)@example.com"),
            Err(Reason::LocalChar)
        );
        assert_eq!(Email::test("a,b@example.com"), Err(Reason::LocalChar));
        assert_eq!(Email::test(" a@example.com"), Err(Reason::Space));
        assert_eq!(Email::test("a@example.com\n"), Err(Reason::Space));
        assert_eq!(Email::test("a b@example.com"), Err(Reason::Space));
        assert_eq!(Email::test("a\0@example.com"), Err(Reason::LocalChar));
    }

    #[test]
    fn atext_is_exactly_the_grammar_set() {
        let expected: Vec<u8> = (0..=255u8)
            .filter(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~-".contains(b))
            .collect();
        let actual: Vec<u8> = (0..=255u8).filter(|&b| is_atext(b)).collect();
        assert_eq!(actual, expected);
        assert_eq!(expected.len(), 62 + 19);
    }

    #[test]
    fn every_reason_has_its_own_message() {
        let cases = [
            "",
            &repeat('a', 300),
            "é@x.com",
            "a b@x.com",
            "ab",
            "@x.com",
            &format!("{}@x.com", repeat('a', 65)),
            "a\"@x.com",
            "a@[1.2.3.4]",
            "a@b@c",
            "a@",
            "a@x..com",
            &format!("a@{}.com", repeat('l', 64)),
            "a@x_y.com",
        ];
        let mut messages: Vec<String> = cases
            .iter()
            .map(|s| {
                check(s)
                    .err()
                    .map(|e| e.message().to_owned())
                    .unwrap_or_default()
            })
            .collect();
        assert!(
            messages
                .iter()
                .all(|m| m.starts_with("not a valid") || m == EMPTY)
        );
        messages.sort();
        messages.dedup();
        assert_eq!(messages.len(), cases.len());
        assert_eq!(check("a@x.com"), Ok(()));
    }
}
