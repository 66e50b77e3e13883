//! Idempotency keys derived from your own records.

use std::borrow::Cow;
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

/// How long a record's id may be, once escaped, to appear in its key; longer ids, and
/// ids with characters a key may not hold, are hashed.
const READABLE_ID_LEN: usize = 200;

impl IdempotencyKey {
    /// The key of the (first) session of the order `order_id`: see
    /// [`for_order_session`](Self::for_order_session) for the rule.
    pub fn for_order(order_id: &str) -> Self {
        Self::for_order_session(order_id, 1)
    }

    /// The key of the `session`-th session of the order `order_id` (`1` is
    /// [`for_order`](Self::for_order)): when a session has expired and the order needs a
    /// new one, count up, store the new number with the order, and use its key.
    ///
    /// The key is `order:<id>`, followed by `:<session>` unless `session` is 1, where
    /// `<id>` is the order id with `%` written `%25` and `:` written `%3A` (so the id
    /// `a:2` and the second session of the order `a` get different keys); an id that
    /// is not printable ASCII, or longer than 200 characters once escaped, is written
    /// `order-sha256:<hex of the id's SHA-256>` instead. So every key is a valid key of
    /// at most 255 characters, the same for the same order and session, and two
    /// different `(order_id, session)` pairs never share one. Ids without `%` or `:`
    /// keep the keys they had before this escaping was introduced.
    ///
    /// ```
    /// use stablemint::IdempotencyKey;
    ///
    /// assert_eq!(IdempotencyKey::for_order_session("o:1", 2).as_str(), "order:o%3A1:2");
    /// assert_ne!(
    ///     IdempotencyKey::for_order_session("order-77", 2),
    ///     IdempotencyKey::for_order("order-77:2"),
    /// );
    /// ```
    pub fn for_order_session(order_id: &str, session: u32) -> Self {
        let escaped = escape(order_id);
        let readable = escaped.len() <= READABLE_ID_LEN
            && stablemint_wire::check_idempotency_key(&escaped).is_ok();
        let mut key = if readable {
            format!("order:{escaped}")
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

/// `id` with `%` written `%25` and `:` written `%3A`: the id can then hold no `:`, so
/// the `:` before a session number cannot be read as part of it.
fn escape(id: &str) -> Cow<'_, str> {
    if !id.contains(['%', ':']) {
        return Cow::Borrowed(id);
    }
    Cow::Owned(id.replace('%', "%25").replace(':', "%3A"))
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
    use proptest::prelude::*;

    use super::*;

    /// The order id and session number a readable key was made from: the rule read
    /// backwards, which exists only if the rule is injective on readable keys.
    fn read_back(key: &str) -> Option<(String, u32)> {
        let rest = key.strip_prefix("order:")?;
        let (id, session) = match rest.split_once(':') {
            Some((id, session)) => (id, session.parse().ok()?),
            None => (rest, 1),
        };
        Some((id.replace("%3A", ":").replace("%25", "%"), session))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// The second pair is made from the first one's key, the way a collision
        /// would be: its id is the first key's text after `order:` read as an id, cut
        /// or extended, so that every way of telling the id from the session number
        /// apart is tried.
        #[test]
        fn no_two_pairs_share_a_key(
            a in ("[a2:%3A5]{0,8}", 0u32..4),
            cut in 0usize..12,
            extra in "(:[0-9]|%3A|%25|%)?",
            session in 0u32..4,
        ) {
            let key_a = IdempotencyKey::for_order_session(&a.0, a.1);
            let text = key_a.as_str().trim_start_matches("order:");
            let mut id: String = text.chars().take(cut).collect();
            id.push_str(&extra);
            let b = (id, session);
            let key_b = IdempotencyKey::for_order_session(&b.0, b.1);
            prop_assert_eq!(key_a == key_b, a == b, "{} {}", key_a, key_b);
        }

        #[test]
        fn every_key_is_valid_and_readable_keys_read_back(
            id in any::<String>(),
            session in any::<u32>(),
        ) {
            let key = IdempotencyKey::for_order_session(&id, session);
            prop_assert!(stablemint_wire::check_idempotency_key(key.as_str()).is_ok(), "{}", key);
            prop_assert!(key.as_str().len() <= stablemint_wire::MAX_IDEMPOTENCY_KEY_LEN);
            match read_back(key.as_str()) {
                Some(pair) => prop_assert_eq!(pair, (id, session)),
                None => prop_assert!(key.as_str().starts_with("order-sha256:"), "{}", key),
            }
        }
    }

    /// Every id of up to four characters from `a`, `2`, `:`, `%`, `3` and `A`, with
    /// sessions 0 to 3: 6,220 pairs, 6,220 keys.
    #[test]
    fn every_small_pair_has_a_key_of_its_own() {
        let alphabet = ['a', '2', ':', '%', '3', 'A'];
        let mut ids = vec![String::new()];
        let mut last = ids.clone();
        for _ in 0..4 {
            last = last
                .iter()
                .flat_map(|id| alphabet.iter().map(move |c| format!("{id}{c}")))
                .collect();
            ids.extend(last.iter().cloned());
        }
        let mut keys = std::collections::HashSet::new();
        for id in &ids {
            for session in 0..4 {
                let key = IdempotencyKey::for_order_session(id, session).into_string();
                assert!(keys.insert(key.clone()), "{id:?} {session}: {key}");
            }
        }
        assert_eq!(keys.len(), 6_220);
    }

    #[test]
    fn an_order_and_a_session_of_another_order_never_share_a_key() {
        // Both were `order:order-77:2` before ids were escaped.
        assert_eq!(
            IdempotencyKey::for_order_session("order-77", 2).as_str(),
            "order:order-77:2"
        );
        assert_eq!(
            IdempotencyKey::for_order("order-77:2").as_str(),
            "order:order-77%3A2"
        );
        assert_eq!(
            IdempotencyKey::for_order("100%:x").as_str(),
            "order:100%25%3Ax"
        );
        // Ids without `%` or `:` keep their keys.
        assert_eq!(
            IdempotencyKey::for_order("order-77").as_str(),
            "order:order-77"
        );
        // An id that fits only unescaped is hashed once escaped.
        let colons = ":".repeat(100);
        assert!(
            IdempotencyKey::for_order(&colons)
                .as_str()
                .starts_with("order-sha256:")
        );
    }

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
