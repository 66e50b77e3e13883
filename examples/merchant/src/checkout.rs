//! Getting the session of an order: the pattern this example is about.
//!
//! 1. The server made the order (its lines and total, from the catalog) when the
//!    shopper asked for it; the checkout names the order and says who pays, nothing
//!    more. The session's amount and currency are the order's.
//! 2. The first checkout stores the payer and the idempotency key of the order's first
//!    session **before** StableMint is called ([`Store::start_checkout`], a
//!    compare-and-set: one key per order, whichever process gets there first).
//! 3. StableMint is called with that key; its answer (session id, reference, expiry) is
//!    stored with the order, unless another process stored one first.
//! 4. The next checkout of the order gets the stored session without a call; if a
//!    process died between 2 and 3, the same key is sent again and StableMint answers
//!    with the session it created, not a second one.
//! 5. An expired session is replaced: the order moves to its next generation, with a
//!    new key, stored before the new call ([`Store::replace_session`]).
//!
//! Concurrent checkouts of one order in one process (a double click, two tabs) wait
//! for each other on a per-order lock, so one call is made and the others read its
//! result. Across processes the database's compare-and-sets and StableMint's
//! idempotency keys give the same result, with at most one call per process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::Clock;
use crate::payments::{
    self, CallError, CallFailure, FieldError, Gateway, Session, SessionDetails, unix_seconds,
};
use crate::store::{DbWait, Order, Payer, Started, Store, StoreError};

/// How many calls one request may make: call, find the answer already expired (a
/// replay of an old session), replace it, call again. More than that means something
/// is wrong, and the request fails rather than create session after session.
const MAX_ROUNDS: usize = 2;

/// The longest countdown the page is given: StableMint's documentation says nothing of
/// how long a session lives, and an `expiresAt` further away than this is shown as
/// "no end given" rather than trusted.
pub const MAX_COUNTDOWN_SECS: i64 = 24 * 60 * 60;

/// Why an order has no session.
#[derive(Debug)]
pub enum CheckoutError {
    /// The payer's details break a rule; nothing was stored or sent.
    Invalid(Vec<FieldError>),
    /// No order with this id was made by this browser.
    NotFound,
    /// The order's checkout was started with another payer.
    Conflict,
    /// StableMint gave no session; the order and its key are stored, so retrying the
    /// order is safe.
    Payment(CallFailure),
    /// The database failed, or did not answer within the request's budget.
    Storage(StoreError),
    /// StableMint answered every call with a session that had already expired.
    StillExpired {
        /// The last session's `expiresAt`.
        expires_at: i64,
        /// This server's clock then.
        now: i64,
    },
}

impl From<StoreError> for CheckoutError {
    fn from(error: StoreError) -> Self {
        CheckoutError::Storage(error)
    }
}

/// An order's current session, as the page gets it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderSession {
    /// The session.
    pub session: Session,
    /// Which session of the order it is: 1, then one more per replaced session.
    pub generation: u32,
    /// Whole seconds until it expires, by this server's clock, when that is between 1
    /// and [`MAX_COUNTDOWN_SECS`]; `None` for an expiry further away.
    pub expires_in: Option<i64>,
}

/// A checkout as the page asks for it: which order, made by which browser, and who pays.
#[derive(Clone, Debug)]
pub struct CheckoutRequest {
    /// The order's id.
    pub order_id: String,
    /// The SHA-256 of the browser's cookie, as the order was stored with.
    pub browser_hash: String,
    /// Who pays.
    pub payer: Payer,
}

/// The checkout service: the store, the gateway and the per-order locks.
#[derive(Clone)]
pub struct Checkout {
    store: Store,
    gateway: Gateway,
    clock: Clock,
    locks: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
}

impl Checkout {
    /// The service over this store and gateway, reading the time from `clock`.
    pub fn new(store: Store, gateway: Gateway, clock: Clock) -> Checkout {
        Checkout {
            store,
            gateway,
            clock,
            locks: Arc::default(),
        }
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The current session of the order: the stored one while it lasts, else a new one.
    /// Every database call is made within `wait`.
    pub async fn session(
        &self,
        request: &CheckoutRequest,
        wait: &mut DbWait,
    ) -> Result<OrderSession, CheckoutError> {
        let order_id = request.order_id.as_str();
        let found = wait
            .run(
                "reading the order",
                self.store.order_of(order_id, &request.browser_hash),
            )
            .await?
            .ok_or(CheckoutError::NotFound)?;
        // The payer's details are checked with the order's own amount before anything
        // is stored.
        let details =
            SessionDetails::for_order(&found, &request.payer).map_err(CheckoutError::Invalid)?;
        payments::validate(&details).map_err(CheckoutError::Invalid)?;

        let _turn = self.lock(order_id).await;
        let first_key = payments::idempotency_key(order_id, 1);
        let started = wait
            .run(
                "storing the order's key",
                self.store.start_checkout(
                    order_id,
                    &request.browser_hash,
                    &request.payer,
                    &first_key,
                ),
            )
            .await?;
        let mut order = match started {
            Started::Order(order) => order,
            Started::NotFound => return Err(CheckoutError::NotFound),
            Started::Conflict => return Err(CheckoutError::Conflict),
        };

        let mut last_expiry = None;
        let mut calls = 0;
        loop {
            if let Some(session) = &order.session {
                let now = self.now();
                let left = session.expires_at.saturating_sub(now);
                if left > 0 {
                    return Ok(OrderSession {
                        session: session.clone(),
                        generation: order.generation,
                        expires_in: (left <= MAX_COUNTDOWN_SECS).then_some(left),
                    });
                }
                last_expiry = Some((session.expires_at, now));
                if calls >= MAX_ROUNDS {
                    break;
                }
                tracing::info!(
                    order_id,
                    session_id = session.id,
                    expires_at = session.expires_at,
                    now,
                    "the order's session has expired; replacing it"
                );
                order = self.replace(&order, wait).await?;
                continue;
            }
            if calls >= MAX_ROUNDS {
                break;
            }
            calls += 1;
            let key = order
                .idempotency_key
                .clone()
                .ok_or_else(|| StoreError::Corrupt(order.id.clone(), "no idempotency key"))?;
            tracing::info!(
                order_id,
                generation = order.generation,
                "asking StableMint for a session"
            );
            let session = match self.gateway.create_session(&details, &key).await {
                Ok(session) => session,
                Err(CallError::Invalid(errors)) => return Err(CheckoutError::Invalid(errors)),
                Err(CallError::Failed(failure)) => return Err(CheckoutError::Payment(failure)),
            };
            self.note_odd_expiry(order_id, &session);
            let generation = order.generation;
            order = wait
                .run(
                    "storing the session",
                    self.store.record_session(order_id, generation, &session),
                )
                .await?;
        }
        let (expires_at, now) = last_expiry.unwrap_or((0, self.now()));
        Err(CheckoutError::StillExpired { expires_at, now })
    }

    /// Says in the log when StableMint's `expiresAt` is already past or absurdly far
    /// away, with the value it sent: the page copes either way, the operator may want
    /// to know.
    fn note_odd_expiry(&self, order_id: &str, session: &Session) {
        let now = self.now();
        let left = i128::from(session.expires_at) - i128::from(now);
        if left <= 0 {
            tracing::warn!(
                order_id,
                session_id = session.id,
                expires_at = session.expires_at,
                now,
                seconds_ago = -left as u128 as u64,
                "StableMint answered with a session whose expiresAt is already past by this \
                 server's clock (a replay of an old session, or a clock that is off)"
            );
        } else if left > i128::from(MAX_COUNTDOWN_SECS) {
            tracing::warn!(
                order_id,
                session_id = session.id,
                expires_at = session.expires_at,
                now,
                "StableMint answered with a session whose expiresAt is more than a day away; \
                 the page shows no countdown for it"
            );
        }
    }

    /// Moves `order` past its expired session, and returns it with the new key.
    async fn replace(&self, order: &Order, wait: &mut DbWait) -> Result<Order, CheckoutError> {
        let next_key = payments::idempotency_key(&order.id, order.generation.saturating_add(1));
        Ok(wait
            .run(
                "replacing the session",
                self.store
                    .replace_session(&order.id, order.generation, &next_key),
            )
            .await?)
    }

    /// Waits for this order's turn. The map entry goes once nobody holds or waits for
    /// it, so the map does not grow with the number of orders.
    async fn lock(&self, order_id: &str) -> OrderTurn {
        let lock = {
            let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
            locks.entry(order_id.to_owned()).or_default().clone()
        };
        let guard = lock.clone().lock_owned().await;
        OrderTurn {
            locks: self.locks.clone(),
            order_id: order_id.to_owned(),
            lock,
            guard: Some(guard),
        }
    }

    /// Unix seconds by the service's clock.
    fn now(&self) -> i64 {
        unix_seconds((self.clock)())
    }
}

/// Holding this is holding an order's turn.
struct OrderTurn {
    locks: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
    order_id: String,
    lock: Arc<tokio::sync::Mutex<()>>,
    guard: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Drop for OrderTurn {
    fn drop(&mut self) {
        drop(self.guard.take());
        let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
        // Two references left: the map's and this one's. Anyone waiting holds a third.
        if Arc::strong_count(&self.lock) == 2 {
            locks.remove(&self.order_id);
        }
    }
}
