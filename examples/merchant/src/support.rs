//! What the shopper sees of a failure, and what the operator sees.
//!
//! The shopper gets a short message and a support reference ([`Reference`]); the
//! operator's log gets the same reference with the whole diagnosis. The diagnosis is
//! text that may quote what StableMint (or something pretending to be it) sent back, so
//! it goes to the log only through [`redact`]: no API secret or key, no signature, no
//! e-mail address, whatever the upstream echoed.

use std::fmt;

/// A support reference: `SR-` and 12 characters a person can read out on the phone.
/// It names one failed request in the log and nothing else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference(String);

impl Reference {
    /// A new reference, from 60 random bits.
    pub fn new() -> Reference {
        // Crockford's base32: no I, L, O or U, so nothing is misread.
        const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        let random = uuid::Uuid::new_v4().as_u128();
        let text: String = (0..12)
            .map(|i| char::from(ALPHABET[((random >> (i * 5)) & 31) as usize]))
            .collect();
        Reference(format!("SR-{text}"))
    }

    /// The reference as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Reference {
    fn default() -> Self {
        Reference::new()
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Values that must never reach a log, besides the patterns [`redact`] always hides:
/// the API key and secret in use.
#[derive(Clone, Default)]
pub struct Secrets {
    values: Vec<zeroize::Zeroizing<String>>,
}

impl Secrets {
    /// These values (empty ones are ignored).
    pub fn new<'a>(values: impl IntoIterator<Item = &'a str>) -> Secrets {
        Secrets {
            values: values
                .into_iter()
                .filter(|v| !v.is_empty())
                .map(|v| zeroize::Zeroizing::new(v.to_owned()))
                .collect(),
        }
    }
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets({} redacted)", self.values.len())
    }
}

/// `text` with what must not be logged taken out:
///
/// - each of `secrets` (the API key and secret), wherever it appears;
/// - every run of 64 or more hexadecimal digits: a SHA-256 signature is 64 of them, and
///   shorter runs (an order id has 32) stay readable;
/// - every word with an `@` between other characters: an e-mail address, however the
///   upstream quoted it.
pub fn redact(text: &str, secrets: &Secrets) -> String {
    let mut text = text.to_owned();
    for secret in &secrets.values {
        text = text.replace(secret.as_str(), "[redacted]");
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars() {
        if c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ',' | ';' | '(' | ')') {
            out.push_str(&redact_word(&word));
            word.clear();
            out.push(c);
        } else {
            word.push(c);
        }
    }
    out.push_str(&redact_word(&word));
    out
}

fn redact_word(word: &str) -> String {
    if let Some(at) = word.find('@')
        && at > 0
        && at + 1 < word.len()
    {
        return "[e-mail]".into();
    }
    let mut out = String::with_capacity(word.len());
    let mut run = String::new();
    for c in word.chars() {
        if c.is_ascii_hexdigit() {
            run.push(c);
            continue;
        }
        flush_hex(&mut out, &mut run);
        out.push(c);
    }
    flush_hex(&mut out, &mut run);
    out
}

fn flush_hex(out: &mut String, run: &mut String) {
    if run.len() >= 64 {
        out.push_str("[hex redacted]");
    } else {
        out.push_str(run);
    }
    run.clear();
}

/// Whole seconds since the Unix epoch, negative before it, saturating.
pub fn unix_seconds(time: std::time::SystemTime) -> i64 {
    match time.duration_since(std::time::UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_short_readable_and_new_each_time() {
        let a = Reference::new();
        let b = Reference::new();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 15, "{a}");
        assert!(a.as_str().starts_with("SR-"));
        assert!(
            a.as_str()[3..]
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()),
            "{a}"
        );
        assert!(!a.as_str()[3..].contains(['I', 'L', 'O', 'U']), "{a}");
    }

    #[test]
    fn secrets_signatures_and_e_mails_are_taken_out() {
        let signature = "a".repeat(40) + &"0123456789".repeat(3);
        let text = format!(
            "StableMint answered HTTP 401: api_key: pk_live_abc | signature: {signature} | \
             secret sk_live_xyz for <jane.doe@example.com>, also \"bob@x.io\"\n  \
             idempotency key order:ord_0123456789abcdef0123456789abcdef, request id \
             req_00aa11bb22cc33dd"
        );
        let secrets = Secrets::new(["pk_live_abc", "sk_live_xyz", ""]);
        let clean = redact(&text, &secrets);
        for gone in [
            "pk_live_abc",
            "sk_live_xyz",
            signature.as_str(),
            "jane.doe",
            "example.com",
            "bob@x.io",
        ] {
            assert!(!clean.contains(gone), "{gone} in {clean}");
        }
        for kept in [
            "HTTP 401",
            "order:ord_0123456789abcdef0123456789abcdef",
            "req_00aa11bb22cc33dd",
            "[hex redacted]",
            "[e-mail]",
            "\n  idempotency",
        ] {
            assert!(clean.contains(kept), "{kept} not in {clean}");
        }
        assert!(!format!("{secrets:?}").contains("sk_live"));
    }

    #[test]
    fn an_at_sign_alone_is_not_an_address() {
        let secrets = Secrets::default();
        assert_eq!(redact("a @ b", &secrets), "a @ b");
        assert_eq!(redact("@handle x@", &secrets), "@handle x@");
    }
}
