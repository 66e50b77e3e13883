//! Created sessions and idempotency keys.
//!
//! A request with an `idempotencyKey` the server has seen before gets the stored
//! response again, byte for byte, if its body is the same JSON value (key order and
//! whitespace do not matter; `10` and `10.0` are different values), and 409
//! `idempotency_conflict` if not. Looking the key up, creating the session and storing
//! it happen under one lock, so concurrent requests with one key create exactly one
//! session. Keys are kept for the life of the server.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use hyper::body::Bytes;
use serde_json::Value;

/// What happened to a request that passed every check.
#[derive(Debug)]
pub(crate) enum Outcome<E> {
    /// A new session; its response body.
    Created(Bytes),
    /// The key was used before with the same body; the stored response body.
    Replayed(Bytes),
    /// The key was used before with another body.
    Conflict,
    /// Creating the session failed; nothing was stored or counted.
    Failed(E),
}

struct Stored {
    request: Value,
    response: Bytes,
}

/// Every session created, by idempotency key.
#[derive(Default)]
pub(crate) struct Sessions {
    by_key: Mutex<HashMap<String, Stored>>,
    created: AtomicUsize,
}

impl Sessions {
    /// Returns the stored response for `key` if `request` matches the one stored, or
    /// creates a session with `create` (and stores it under `key`, if there is one).
    pub(crate) fn create_or_replay<E>(
        &self,
        key: Option<&str>,
        request: Value,
        create: impl FnOnce() -> Result<Bytes, E>,
    ) -> Outcome<E> {
        let Some(key) = key else {
            return self.count(create());
        };
        // Nothing in here panics or awaits, but a poisoned lock still holds a consistent
        // map: every insert is a single call.
        let mut by_key = self.by_key.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(stored) = by_key.get(key) {
            return if stored.request == request {
                Outcome::Replayed(stored.response.clone())
            } else {
                Outcome::Conflict
            };
        }
        let outcome = self.count(create());
        if let Outcome::Created(response) = &outcome {
            by_key.insert(
                key.to_owned(),
                Stored {
                    request,
                    response: response.clone(),
                },
            );
        }
        outcome
    }

    fn count<E>(&self, created: Result<Bytes, E>) -> Outcome<E> {
        match created {
            Ok(response) => {
                self.created.fetch_add(1, Ordering::SeqCst);
                Outcome::Created(response)
            }
            Err(error) => Outcome::Failed(error),
        }
    }

    /// How many distinct sessions were created.
    pub(crate) fn created(&self) -> usize {
        self.created.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use serde_json::json;

    use super::*;

    fn body(text: &'static str) -> impl FnOnce() -> Result<Bytes, Infallible> {
        move || Ok(Bytes::from_static(text.as_bytes()))
    }

    #[test]
    fn a_key_replays_the_same_body_and_refuses_another() {
        let sessions = Sessions::default();
        let first = sessions.create_or_replay(Some("k"), json!({"a": 1, "b": [1, 2]}), body("one"));
        assert!(matches!(first, Outcome::Created(ref b) if b == "one"));
        let again = sessions.create_or_replay(Some("k"), json!({"b": [1, 2], "a": 1}), body("two"));
        assert!(matches!(again, Outcome::Replayed(ref b) if b == "one"));
        let other =
            sessions.create_or_replay(Some("k"), json!({"a": 2, "b": [1, 2]}), body("three"));
        assert!(matches!(other, Outcome::Conflict));
        let float =
            sessions.create_or_replay(Some("k"), json!({"a": 1.0, "b": [1, 2]}), body("four"));
        assert!(matches!(float, Outcome::Conflict));
        assert_eq!(sessions.created(), 1);
    }

    #[test]
    fn without_a_key_every_request_creates() {
        let sessions = Sessions::default();
        for _ in 0..3 {
            let outcome = sessions.create_or_replay(None, json!({}), body("x"));
            assert!(matches!(outcome, Outcome::Created(_)));
        }
        assert_eq!(sessions.created(), 3);
    }

    #[test]
    fn a_failed_creation_stores_and_counts_nothing() {
        let sessions = Sessions::default();
        let failed = sessions.create_or_replay(Some("k"), json!({}), || Err("no"));
        assert!(matches!(failed, Outcome::Failed("no")));
        assert_eq!(sessions.created(), 0);
        let created = sessions.create_or_replay(Some("k"), json!({"x": 1}), body("ok"));
        assert!(matches!(created, Outcome::Created(_)));
    }

    #[test]
    fn concurrent_requests_with_one_key_create_one_session() {
        let sessions = Sessions::default();
        let start = std::sync::Barrier::new(16);
        let bodies: Vec<Bytes> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..16)
                .map(|i| {
                    let (sessions, start) = (&sessions, &start);
                    scope.spawn(move || {
                        // A slow creation: without the lock held around it, every
                        // thread would get past the lookup before the first insert.
                        let create = move || {
                            std::thread::sleep(std::time::Duration::from_millis(5));
                            Ok::<_, Infallible>(Bytes::from(i.to_string()))
                        };
                        start.wait();
                        match sessions.create_or_replay(Some("k"), json!({"same": true}), create) {
                            Outcome::Created(b) | Outcome::Replayed(b) => b,
                            other => panic!("{other:?}"),
                        }
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(sessions.created(), 1);
        assert!(bodies.iter().all(|b| *b == bodies[0]));
    }
}
