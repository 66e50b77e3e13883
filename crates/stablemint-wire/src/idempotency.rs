//! What an idempotency key may be.

use stablemint_validate::Invalid;

/// The longest idempotency key, in characters. StableMint documents no limit; this is
/// Stripe's, and keeps one key from costing a server more than a few hundred bytes.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

/// Checks an idempotency key: not empty, at most [`MAX_IDEMPOTENCY_KEY_LEN`] characters,
/// printable ASCII only (`!` to `~` and the space). Code `"idempotency_key"`.
///
/// An empty key would be one key shared by every caller that sends it, and a key with
/// control characters cannot be shown or logged safely. The message never repeats the
/// key.
///
/// ```
/// use stablemint_wire::check_idempotency_key;
///
/// assert!(check_idempotency_key("order-77").is_ok());
/// assert_eq!(check_idempotency_key("").unwrap_err().code(), "idempotency_key");
/// assert!(check_idempotency_key("bell\u{7}").is_err());
/// ```
pub fn check_idempotency_key(key: &str) -> Result<(), Invalid> {
    let fail = |message: &'static str| Err(Invalid::new("idempotency_key", message));
    if key.is_empty() {
        return fail(
            "an empty idempotency key would be shared by every request that sends it; \
             leave it out to get a new one, or derive one from your own record",
        );
    }
    if !key.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return fail(
            "an idempotency key may hold only printable ASCII characters (space to `~`); \
             remove the others",
        );
    }
    if key.len() > MAX_IDEMPOTENCY_KEY_LEN {
        return fail("an idempotency key may have at most 255 characters; use a shorter one");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limits_are_exact() {
        assert!(check_idempotency_key(&"k".repeat(255)).is_ok());
        assert!(check_idempotency_key(&"k".repeat(256)).is_err());
        assert!(check_idempotency_key(" ~").is_ok());
        for bad in ["\u{7f}", "a\tb", "é", "\u{1b}[2J", "line\nbreak"] {
            let error = check_idempotency_key(bad).unwrap_err();
            assert!(error.message().contains("printable ASCII"), "{bad:?}");
        }
        let empty = check_idempotency_key("").unwrap_err();
        assert!(empty.message().contains("empty"));
    }
}
