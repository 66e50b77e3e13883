//! Requests carried out, and idempotency keys.
//!
//! A request with an idempotency key the server remembers gets the first response
//! again, byte for byte, if it is the same request (the operation, its parameters and
//! its body as a JSON value: key order and whitespace do not matter; `10` and `10.0`
//! are different values), and 409 `idempotency_conflict` if not. Looking the key up,
//! carrying the request out and storing it happen under one lock, so concurrent
//! requests with one key are carried out exactly once.
//!
//! The store is bounded: a key is forgotten once it is older than the TTL (by the
//! server's clock), and when a new key would go past the maximum, the oldest key is
//! forgotten first. A forgotten key is a new key: its next request creates a session.
//!
//! Each key keeps only what its response is made from (the seed of the answer's
//! generator and the server time it was made at) and a SHA-256 digest of its request,
//! not the bodies: a replay is made again from the replayed request, which is the same,
//! and an answer is the same for the same request, seed and time. A key is at most
//! 255 characters, so an entry stays under half a kilobyte.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// What an answer is made from, besides the request itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Session {
    /// The seed of the generator that draws its fresh ids and references.
    pub(crate) seed: u64,
    /// The server time it was made at, Unix seconds.
    pub(crate) at: i64,
}

/// What happened to a request that passed every check.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A new session.
    Created(Session),
    /// The key is remembered with the same request; its session.
    Replayed(Session),
    /// The key is remembered with another request.
    Conflict,
}

/// A digest of a request (its operation, parameters and body) that two requests share
/// exactly when those are equal (as `serde_json::Value`'s `==` sees them), whatever
/// their key order.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct RequestDigest([u8; 32]);

impl RequestDigest {
    /// Stands in for the digest of a request without a key, which is never compared.
    pub(crate) const UNKEYED: Self = Self([0; 32]);

    /// The digest of one request: its operation, its parameters and its body, fed in
    /// turn (so nothing is copied to put them together).
    pub(crate) fn of_request(
        operation: &str,
        parameters: &Map<String, Value>,
        body: Option<&Value>,
    ) -> Self {
        let mut hasher = Sha256::new();
        text(&mut hasher, operation);
        object(&mut hasher, parameters);
        match body {
            Some(body) => {
                hasher.update(b"b");
                feed(&mut hasher, body);
            }
            None => hasher.update(b"-"),
        }
        Self(hasher.finalize().into())
    }
}

/// Feeds `value` to `hasher` in a form that is unambiguous (every item is tagged and
/// every string carries its length) and canonical (object keys sorted).
fn feed(hasher: &mut Sha256, value: &Value) {
    match value {
        Value::Null => hasher.update(b"n"),
        Value::Bool(b) => hasher.update(if *b { b"t" } else { b"f" }),
        Value::Number(number) => {
            // Integers and floats differ, as they do for `==`; 0.0 and -0.0 do not.
            if let Some(i) = number.as_i64() {
                hasher.update(b"i");
                hasher.update(i.to_le_bytes());
            } else if let Some(u) = number.as_u64() {
                hasher.update(b"u");
                hasher.update(u.to_le_bytes());
            } else {
                let float = number.as_f64().unwrap_or(0.0);
                let float = if float == 0.0 { 0.0 } else { float };
                hasher.update(b"d");
                hasher.update(float.to_bits().to_le_bytes());
            }
        }
        Value::String(s) => {
            hasher.update(b"s");
            text(hasher, s);
        }
        Value::Array(items) => {
            hasher.update(b"a");
            hasher.update((items.len() as u64).to_le_bytes());
            for item in items {
                feed(hasher, item);
            }
        }
        Value::Object(fields) => object(hasher, fields),
    }
}

/// Feeds an object's fields, sorted by key, after its tag and length.
fn object(hasher: &mut Sha256, fields: &Map<String, Value>) {
    let mut sorted: Vec<(&String, &Value)> = fields.iter().collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
    hasher.update(b"o");
    hasher.update((sorted.len() as u64).to_le_bytes());
    for (key, item) in sorted {
        text(hasher, key);
        feed(hasher, item);
    }
}

/// Feeds a string's length, then its bytes.
fn text(hasher: &mut Sha256, text: &str) {
    hasher.update((text.len() as u64).to_le_bytes());
    hasher.update(text.as_bytes());
}

/// How long keys are remembered, and how many at most.
#[derive(Clone, Copy, Debug)]
pub(crate) struct KeyLimits {
    pub(crate) ttl: Duration,
    pub(crate) max_keys: usize,
}

struct Remembered {
    request: RequestDigest,
    session: Session,
    /// The server time the key was stored at.
    stored_at: SystemTime,
    /// Which entry of `Store::order` is this key's: an entry with another number is
    /// left over from a key that was forgotten early and stored again.
    seq: u64,
}

#[derive(Default)]
struct Store {
    by_key: HashMap<Arc<str>, Remembered>,
    /// Keys in the order they were stored, oldest first, with their `seq`.
    order: VecDeque<(u64, Arc<str>)>,
    next_seq: u64,
}

impl Store {
    /// Whether the front entry of `order` still names a remembered key.
    fn is_live(&self, seq: u64, key: &str) -> bool {
        self.by_key.get(key).is_some_and(|r| r.seq == seq)
    }

    /// Forgets keys from the oldest on while they have expired.
    fn forget_expired(&mut self, now: SystemTime, ttl: Duration) {
        while let Some((seq, key)) = self.order.front() {
            if self.is_live(*seq, key) {
                if !expired(&self.by_key[&**key], now, ttl) {
                    return;
                }
                self.by_key.remove(&**key);
            }
            self.order.pop_front();
        }
    }

    /// Forgets the oldest remembered key.
    fn forget_oldest(&mut self) {
        while let Some((seq, key)) = self.order.pop_front() {
            if self.is_live(seq, &key) {
                self.by_key.remove(&*key);
                return;
            }
        }
    }

    fn remember(&mut self, key: &str, remembered: Remembered) {
        let key: Arc<str> = Arc::from(key);
        self.order.push_back((remembered.seq, key.clone()));
        self.by_key.insert(key, remembered);
        // Entries left over by keys forgotten out of order (expired when looked up)
        // are dropped once they are as many as the keys, so `order` stays bounded.
        if self.order.len() > 2 * self.by_key.len() + 64 {
            let by_key = &self.by_key;
            self.order
                .retain(|(seq, key)| by_key.get(&**key).is_some_and(|r| r.seq == *seq));
        }
    }
}

/// Whether a key stored at `stored_at` has expired at `now`. A clock that went back
/// keeps it.
fn expired(remembered: &Remembered, now: SystemTime, ttl: Duration) -> bool {
    now.duration_since(remembered.stored_at)
        .is_ok_and(|age| age >= ttl)
}

/// Every session created, and the idempotency keys remembered.
pub(crate) struct IdempotencyStore {
    limits: KeyLimits,
    store: Mutex<Store>,
    created: AtomicUsize,
}

impl IdempotencyStore {
    pub(crate) fn new(limits: KeyLimits) -> Self {
        Self {
            limits,
            store: Mutex::new(Store::default()),
            created: AtomicUsize::new(0),
        }
    }

    /// Returns the session remembered for `key` if `request` matches the one
    /// remembered, or creates one with `create` (and remembers it under `key`, if there
    /// is one and the limits allow), at server time `now`.
    pub(crate) fn create_or_replay(
        &self,
        key: Option<&str>,
        request: RequestDigest,
        now: SystemTime,
        create: impl FnOnce() -> Session,
    ) -> Outcome {
        let Some(key) = key else {
            return Outcome::Created(self.count(create()));
        };
        let KeyLimits { ttl, max_keys } = self.limits;
        let mut store = self.lock();
        store.forget_expired(now, ttl);
        if let Some(remembered) = store.by_key.get(key) {
            if !expired(remembered, now, ttl) {
                return if remembered.request == request {
                    Outcome::Replayed(remembered.session)
                } else {
                    Outcome::Conflict
                };
            }
            // Expired, but not at the front of `order` (the clock went back meanwhile).
            store.by_key.remove(key);
        }
        let session = self.count(create());
        if max_keys > 0 && !ttl.is_zero() {
            while store.by_key.len() >= max_keys {
                store.forget_oldest();
            }
            let seq = store.next_seq;
            store.next_seq += 1;
            store.remember(
                key,
                Remembered {
                    request,
                    session,
                    stored_at: now,
                    seq,
                },
            );
        }
        Outcome::Created(session)
    }

    fn count(&self, session: Session) -> Session {
        self.created.fetch_add(1, Ordering::SeqCst);
        session
    }

    fn lock(&self) -> MutexGuard<'_, Store> {
        // Nothing in here panics or awaits while holding the lock; were it poisoned, the
        // store would still be usable: a key missing from `by_key` is only forgotten.
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many requests were carried out (not replayed).
    #[cfg(test)]
    pub(crate) fn created(&self) -> usize {
        self.created.load(Ordering::SeqCst)
    }

    /// How many idempotency keys are remembered now (expired ones included until the
    /// next keyed request forgets them).
    pub(crate) fn keys(&self) -> usize {
        self.lock().by_key.len()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const T0: u64 = 1_700_000_000;

    fn at(seconds: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(seconds)
    }

    fn sessions(ttl: u64, max_keys: usize) -> IdempotencyStore {
        IdempotencyStore::new(KeyLimits {
            ttl: Duration::from_secs(ttl),
            max_keys,
        })
    }

    fn session(n: u64) -> impl FnOnce() -> Session {
        move || Session { seed: n, at: 0 }
    }

    /// The digest of a request to one operation, without parameters, with `value` as
    /// its body.
    fn digest(value: Value) -> RequestDigest {
        RequestDigest::of_request("op", &Map::new(), Some(&value))
    }

    fn reference(outcome: Outcome) -> (&'static str, u64) {
        match outcome {
            Outcome::Created(s) => ("created", s.seed),
            Outcome::Replayed(s) => ("replayed", s.seed),
            Outcome::Conflict => ("conflict", 0),
        }
    }

    #[test]
    fn digests_are_equal_exactly_for_equal_values() {
        let equal = [
            (json!({"a": 1, "b": [1, 2]}), json!({"b": [1, 2], "a": 1})),
            (json!({"x": 0.0}), json!({"x": -0.0})),
            (
                json!({"x": {"b": null, "a": "s"}}),
                json!({"x": {"a": "s", "b": null}}),
            ),
        ];
        for (a, b) in equal {
            assert_eq!(a, b);
            assert!(digest(a) == digest(b));
        }
        let different = [
            (json!({"a": 1}), json!({"a": 1.0})),
            (json!({"a": 1}), json!({"a": -1})),
            (json!({"a": "1"}), json!({"a": 1})),
            (json!(["ab", "c"]), json!(["a", "bc"])),
            (json!({"ab": "c"}), json!({"a": "bc"})),
            (json!([[1], 2]), json!([[1, 2]])),
            (json!({"a": null}), json!({})),
            (json!(u64::MAX), json!(-1)),
            (json!(true), json!(false)),
        ];
        for (a, b) in different {
            assert_ne!(a, b);
            assert!(digest(a) != digest(b));
        }
    }

    #[test]
    fn a_requests_digest_covers_its_operation_and_parameters_apart_from_its_body() {
        let params = |value: Value| value.as_object().unwrap().clone();
        let of = |operation, parameters: Value, body: Option<Value>| {
            RequestDigest::of_request(operation, &params(parameters), body.as_ref())
        };
        let base = of("op", json!({"a": 1, "b": "x"}), Some(json!({"c": 2})));
        // The parameters' order does not matter.
        let mut reordered = Map::new();
        reordered.insert("b".into(), json!("x"));
        reordered.insert("a".into(), json!(1));
        let body = json!({"c": 2});
        assert!(base == RequestDigest::of_request("op", &reordered, Some(&body)));
        for other in [
            of("other", json!({"a": 1, "b": "x"}), Some(json!({"c": 2}))),
            of("op", json!({"a": 2, "b": "x"}), Some(json!({"c": 2}))),
            of("op", json!({"a": 1}), Some(json!({"c": 2}))),
            of("op", json!({"a": 1, "b": "x"}), Some(json!({"c": 3}))),
            of("op", json!({"a": 1, "b": "x"}), None),
        ] {
            assert!(base != other);
        }
        // What is a parameter and what is the body stay apart, and no body is not `null`.
        assert!(of("op", json!({"a": 1}), None) != of("op", json!({}), Some(json!({"a": 1}))));
        assert!(of("op", json!({}), None) != of("op", json!({}), Some(Value::Null)));
        // An operation's name cannot run into its parameters.
        assert!(of("op", json!({}), None) != of("o", json!({"p": 1}), None));
    }

    #[test]
    fn a_key_replays_the_same_request_and_refuses_another() {
        let sessions = sessions(60, 10);
        let now = at(T0);
        let same = || digest(json!({"a": 1}));
        assert_eq!(
            reference(sessions.create_or_replay(Some("k"), same(), now, session(1))),
            ("created", 1)
        );
        assert_eq!(
            reference(sessions.create_or_replay(Some("k"), same(), now, session(2))),
            ("replayed", 1)
        );
        let other = digest(json!({"a": 2}));
        assert_eq!(
            sessions.create_or_replay(Some("k"), other, now, session(3)),
            Outcome::Conflict
        );
        assert_eq!(sessions.created(), 1);
        assert_eq!(sessions.keys(), 1);
    }

    #[test]
    fn without_a_key_every_request_creates() {
        let sessions = sessions(60, 10);
        for n in 0..3 {
            let outcome = sessions.create_or_replay(None, digest(json!({})), at(T0), session(n));
            assert_eq!(reference(outcome), ("created", n));
        }
        assert_eq!(sessions.created(), 3);
        assert_eq!(sessions.keys(), 0);
    }

    #[test]
    fn keys_expire_after_the_ttl() {
        let sessions = sessions(60, 10);
        let request = || digest(json!({"a": 1}));
        sessions.create_or_replay(Some("k"), request(), at(T0), session(1));
        let replay = sessions.create_or_replay(Some("k"), request(), at(T0 + 59), session(2));
        assert_eq!(reference(replay), ("replayed", 1));
        // At the TTL, the key is forgotten: even another body creates a new session.
        let other = digest(json!({"a": 2}));
        let after = sessions.create_or_replay(Some("k"), other, at(T0 + 60), session(3));
        assert_eq!(reference(after), ("created", 3));
        let replay = sessions.create_or_replay(Some("k"), other, at(T0 + 61), session(4));
        assert_eq!(reference(replay), ("replayed", 3));
        assert_eq!(sessions.created(), 2);
    }

    #[test]
    fn expired_keys_are_forgotten_by_later_requests() {
        let sessions = sessions(60, 100);
        for n in 0..10 {
            let key = format!("k{n}");
            sessions.create_or_replay(Some(&key), digest(json!(n)), at(T0 + n), session(n));
        }
        assert_eq!(sessions.keys(), 10);
        // k0..=k5 were stored at T0..=T0+5, so they are at least 60 s old at T0+65.
        sessions.create_or_replay(Some("new"), digest(json!(0)), at(T0 + 65), session(99));
        assert_eq!(sessions.keys(), 5);
    }

    #[test]
    fn a_clock_that_goes_back_keeps_keys() {
        let sessions = sessions(60, 10);
        let request = || digest(json!({"a": 1}));
        sessions.create_or_replay(Some("k"), request(), at(T0), session(1));
        let replay = sessions.create_or_replay(Some("k"), request(), at(T0 - 3600), session(2));
        assert_eq!(reference(replay), ("replayed", 1));
    }

    #[test]
    fn the_oldest_key_is_forgotten_first() {
        let sessions = sessions(3600, 3);
        let request = |n: u64| digest(json!(n));
        for n in 1..=3 {
            let key = format!("k{n}");
            sessions.create_or_replay(Some(&key), request(n), at(T0), session(n));
        }
        // A replay does not make a key younger.
        let replay = sessions.create_or_replay(Some("k1"), request(1), at(T0), session(9));
        assert_eq!(reference(replay), ("replayed", 1));
        sessions.create_or_replay(Some("k4"), request(4), at(T0), session(4));
        assert_eq!(sessions.keys(), 3);
        // k1 was forgotten: its request creates a new session (and k2 goes).
        let again = sessions.create_or_replay(Some("k1"), request(1), at(T0), session(5));
        assert_eq!(reference(again), ("created", 5));
        for (key, n, expected) in [("k3", 3, 3), ("k4", 4, 4), ("k1", 1, 5)] {
            let replay = sessions.create_or_replay(Some(key), request(n), at(T0), session(0));
            assert_eq!(reference(replay), ("replayed", expected), "{key}");
        }
        let k2 = sessions.create_or_replay(Some("k2"), request(2), at(T0), session(6));
        assert_eq!(reference(k2), ("created", 6));
        assert_eq!(sessions.keys(), 3);
    }

    #[test]
    fn zero_limits_remember_nothing() {
        for sessions in [sessions(0, 10), sessions(60, 0)] {
            let request = || digest(json!({"a": 1}));
            for n in 0..3 {
                let outcome = sessions.create_or_replay(Some("k"), request(), at(T0), session(n));
                assert_eq!(reference(outcome), ("created", n));
            }
            assert_eq!(sessions.keys(), 0);
        }
    }

    #[test]
    fn keys_forgotten_out_of_order_do_not_grow_the_queue() {
        let sessions = sessions(10, 1_000);
        let request = || digest(json!({"a": 1}));
        // Two keys stored while the clock is far ahead stay at the front of the queue,
        // unexpired, while a third key expires at every lookup and is stored again:
        // each time it leaves a stale entry behind them.
        for anchor in ["anchor-1", "anchor-2"] {
            sessions.create_or_replay(Some(anchor), request(), at(T0 + 1_000_000), session(0));
        }
        let mut lengths = Vec::new();
        for round in 0..1_000 {
            let now = at(T0 + round * 20);
            let outcome = sessions.create_or_replay(Some("k"), request(), now, session(round));
            assert_eq!(reference(outcome), ("created", round));
            lengths.push(sessions.lock().order.len());
        }
        assert_eq!(sessions.keys(), 3);
        // The stale entries are dropped by the store that takes the queue past twice
        // the keys plus 64, all at once (so the sweep is paid for by the stores before
        // it), and exactly the three remembered keys are left.
        let bound = 2 * 3 + 64;
        assert_eq!(lengths.iter().max(), Some(&bound), "{lengths:?}");
        for pair in lengths.windows(2) {
            if pair[1] < pair[0] {
                assert_eq!((pair[0], pair[1]), (bound, 3), "{lengths:?}");
            } else {
                assert_eq!(pair[1], pair[0] + 1, "{lengths:?}");
            }
        }
    }

    #[test]
    fn the_queue_entry_of_a_key_stored_again_is_skipped() {
        let sessions = sessions(60, 100);
        let request = |n: u64| digest(json!(n));
        // "f" is stored while the clock is ahead, so it stays at the front of the queue
        // unexpired while "a" and "b" behind it expire.
        sessions.create_or_replay(Some("f"), request(0), at(T0 + 1000), session(0));
        sessions.create_or_replay(Some("a"), request(1), at(T0), session(1));
        sessions.create_or_replay(Some("b"), request(2), at(T0 + 1), session(2));
        // "a" has expired: it is forgotten out of order and stored again, and its first
        // queue entry now names a key stored later.
        let again = sessions.create_or_replay(Some("a"), request(1), at(T0 + 70), session(3));
        assert_eq!(reference(again), ("created", 3));
        assert_eq!(sessions.keys(), 3);
        // Everything has expired by now: the sweep passes the stale entry and forgets
        // each key once.
        let new = sessions.create_or_replay(Some("n"), request(4), at(T0 + 1060), session(4));
        assert_eq!(reference(new), ("created", 4));
        assert_eq!(sessions.keys(), 1);
        let store = sessions.lock();
        assert_eq!(store.order.len(), 1);
    }

    #[test]
    fn concurrent_requests_with_one_key_create_one_session() {
        let sessions = sessions(60, 10);
        let start = std::sync::Barrier::new(16);
        let outcomes: Vec<Session> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..16)
                .map(|i| {
                    let (sessions, start) = (&sessions, &start);
                    scope.spawn(move || {
                        // A slow creation: without the lock held around it, every
                        // thread would get past the lookup before the first insert.
                        let create = move || {
                            std::thread::sleep(Duration::from_millis(5));
                            session(i)()
                        };
                        start.wait();
                        let request = digest(json!({"same": true}));
                        match sessions.create_or_replay(Some("k"), request, at(T0), create) {
                            Outcome::Created(s) | Outcome::Replayed(s) => s,
                            Outcome::Conflict => panic!("conflict"),
                        }
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(sessions.created(), 1);
        assert!(outcomes.iter().all(|s| *s == outcomes[0]));
    }
}
