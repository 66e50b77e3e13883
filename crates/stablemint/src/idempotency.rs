//! Idempotency keys derived from your own records.

use std::fmt;

use sha2::{Digest, Sha256};
use stablemint_raw::IntoOptional;

/// An idempotency key derived from a record of your own, such as an order: the same
/// record always gives the same key, so a process that crashed after StableMint acted
/// and retries the record gets the first answer back instead of a second session.
///
/// Store the key with the record **before** the call. The client's own key (a UUIDv4 it
/// adds when a request has none) only covers the retries inside one call.
///
/// ```
/// use stablemint::IdempotencyKey;
/// use stablemint::types::EmbeddedSessionRequest;
///
/// let key = IdempotencyKey::for_order("order-77");
/// assert_eq!(key.as_str(), "order:order-77");
/// assert_eq!(key, IdempotencyKey::for_order("order-77"));
/// // After the first session expired, the order's second one needs a key of its own:
/// // the first key would replay the expired session.
/// assert_eq!(IdempotencyKey::for_order_session("order-77", 2).as_str(), "order:order-77:2");
///
/// let request: EmbeddedSessionRequest = EmbeddedSessionRequest::builder()
///     .user_id("user-8c1f")
///     .user_email("jane.doe@example.com")
///     .user_country_code("DE")
///     .currency("EUR")
///     .amount(25.0)
///     .idempotency_key(&key)
///     .try_into()?;
/// assert_eq!(request.idempotency_key.as_deref(), Some("order:order-77"));
/// # Ok::<(), stablemint::types::error::ConversionError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

/// How long a record's id may be to appear in its key as it is; longer ids, and ids
/// with characters a key may not hold, are hashed.
const READABLE_ID_LEN: usize = 200;

impl IdempotencyKey {
    /// The key of the (first) session of the order `order_id`: `order:<order_id>` when
    /// the id is printable ASCII of at most 200 characters, else
    /// `order-sha256:<hex of the id's SHA-256>`. Either way a valid key, the same for the
    /// same id.
    pub fn for_order(order_id: &str) -> Self {
        Self::for_order_session(order_id, 1)
    }

    /// The key of the `session`-th session of the order `order_id` (`1` is
    /// [`for_order`](Self::for_order)): when a session has expired and the order needs a
    /// new one, count up, store the new number with the order, and use its key.
    pub fn for_order_session(order_id: &str, session: u32) -> Self {
        let readable = order_id.len() <= READABLE_ID_LEN
            && stablemint_wire::check_idempotency_key(order_id).is_ok();
        let mut key = if readable {
            format!("order:{order_id}")
        } else {
            format!(
                "order-sha256:{}",
                hex::encode(Sha256::digest(order_id.as_bytes()))
            )
        };
        if session != 1 {
            key.push_str(&format!(":{session}"));
        }
        Self(key)
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key as a `String`.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<IdempotencyKey> for String {
    fn from(key: IdempotencyKey) -> Self {
        key.0
    }
}

impl IntoOptional<String> for IdempotencyKey {
    fn into_optional(self) -> Option<String> {
        Some(self.0)
    }
}

impl IntoOptional<String> for &IdempotencyKey {
    fn into_optional(self) -> Option<String> {
        Some(self.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_conversion_gives_the_key_itself() {
        let key = IdempotencyKey::for_order_session("order-7", 3);
        assert_eq!(key.to_string(), "order:order-7:3");
        assert_eq!(
            IntoOptional::<String>::into_optional(&key).as_deref(),
            Some("order:order-7:3")
        );
        assert_eq!(
            IntoOptional::<String>::into_optional(key.clone()).as_deref(),
            Some("order:order-7:3")
        );
        assert_eq!(String::from(key.clone()), "order:order-7:3");
        assert_eq!(key.into_string(), "order:order-7:3");
    }

    #[test]
    fn every_derived_key_is_a_valid_key() {
        let long = "o".repeat(201);
        for id in ["order-77", "", "ü-order", "a\nb", &"o".repeat(200), &long] {
            for session in [0, 1, 2, u32::MAX] {
                let key = IdempotencyKey::for_order_session(id, session);
                assert!(
                    stablemint_wire::check_idempotency_key(key.as_str()).is_ok(),
                    "{id:?} {session}: {key}"
                );
            }
        }
        assert_eq!(
            IdempotencyKey::for_order("a\nb").as_str(),
            format!("order-sha256:{}", hex::encode(Sha256::digest(b"a\nb")))
        );
        assert!(
            IdempotencyKey::for_order(&long)
                .as_str()
                .starts_with("order-sha256:")
        );
        assert_ne!(
            IdempotencyKey::for_order("order-7"),
            IdempotencyKey::for_order_session("order-7", 2)
        );
    }
}
