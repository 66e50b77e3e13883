//! Getting the session of an order: the pattern this example is about.
//!
//! 1. The order is stored with the idempotency key of its session **before** StableMint
//!    is called ([`Store::place`]).
//! 2. StableMint is called with that key; its answer (session id, reference, expiry) is
//!    stored with the order.
//! 3. The next request for the order gets the stored session without a call; if the
//!    process died between 1 and 2, the same key is sent again and StableMint answers with
//!    the session it created, not a second one.
//! 4. An expired session is replaced: the order moves to its next generation, with a new
//!    key, stored before the new call ([`Store::replace_session`]).
//!
//! Concurrent requests for one order (a double click, two tabs) wait for each other on a
//! per-order lock, so one call is made and the others read its result.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::Clock;
use crate::payments::{
    self, CallError, FieldError, Gateway, Session, SessionDetails, unix_seconds,
};
use crate::store::{Order, Placed, Store, StoreError};

/// How many times one request may go round: call, find the answer already expired (a
/// replay of an old session), replace it, call again. More than that means something
/// is wrong, and the request fails rather than loop.
const MAX_ROUNDS: usize = 3;

/// Why an order has no session.
#[derive(Debug)]
pub enum CheckoutError {
    /// The details break a rule; nothing was stored or sent.
    Invalid(Vec<FieldError>),
    /// The order id is already used by an order with other details.
    Conflict,
    /// StableMint gave no session; the order and its key are stored, so retrying the
    /// order is safe.
    Payment(CallError),
    /// The database failed.
    Storage(StoreError),
    /// StableMint answered every call with a session that had already expired.
    StillExpired,
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
    /// Whole seconds until it expires, rounded up, by this server's clock.
    pub expires_in: i64,
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

    /// The current session of the order `details` describes: the stored one while it
    /// lasts, else a new one. Stores the order first if it is new.
    pub async fn session(&self, details: SessionDetails) -> Result<OrderSession, CheckoutError> {
        payments::validate(&details).map_err(CheckoutError::Invalid)?;
        let _turn = self.lock(&details.order_id).await;

        let first_key = payments::idempotency_key(&details.order_id, 1);
        let now = self.now();
        let placed = {
            let store = self.store.clone();
            let details = details.clone();
            blocking(move || store.place(&details, &first_key, now)).await?
        };
        let mut order = match placed {
            Placed::Order(order) => order,
            Placed::Conflict => return Err(CheckoutError::Conflict),
        };

        for _ in 0..MAX_ROUNDS {
            if let Some(session) = &order.session {
                let expires_in = session.expires_at.saturating_sub(self.now());
                if expires_in > 0 {
                    return Ok(OrderSession {
                        session: session.clone(),
                        generation: order.generation,
                        expires_in,
                    });
                }
                tracing::info!(
                    order_id = order.details.order_id,
                    session_id = session.id,
                    "the session expired; replacing it"
                );
                order = self.replace(&order).await?;
                continue;
            }
            tracing::info!(
                order_id = order.details.order_id,
                generation = order.generation,
                "asking StableMint for a session"
            );
            let session = self
                .gateway
                .create_session(&order.details, &order.idempotency_key)
                .await
                .map_err(CheckoutError::Payment)?;
            let store = self.store.clone();
            let (order_id, generation) = (details.order_id.clone(), order.generation);
            order = blocking(move || store.record_session(&order_id, generation, &session)).await?;
        }
        Err(CheckoutError::StillExpired)
    }

    /// Moves `order` past its expired session, and returns it with the new key.
    async fn replace(&self, order: &Order) -> Result<Order, CheckoutError> {
        let store = self.store.clone();
        let order_id = order.details.order_id.clone();
        let generation = order.generation;
        let next_key = payments::idempotency_key(&order_id, generation.saturating_add(1));
        Ok(blocking(move || store.replace_session(&order_id, generation, &next_key)).await?)
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

/// Runs a database call off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or(Err(StoreError::Panicked))
}
