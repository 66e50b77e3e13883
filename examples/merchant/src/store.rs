//! The orders, in SQLite.
//!
//! An order row is written before StableMint is called, with the idempotency key of the
//! call; the session's id, reference and expiry are written once the answer arrives. A
//! process that dies in between leaves a row with a key and no session, and the next
//! attempt at that order sends the same key again.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, params};

use crate::payments::{Session, SessionDetails};

/// The schema. `STRICT` makes SQLite refuse a value of the wrong type instead of storing
/// it; `replaced_sessions` keeps the sessions that expired and were replaced, since a
/// notification about one can still arrive.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS orders (
    id                TEXT PRIMARY KEY NOT NULL,
    user_email        TEXT NOT NULL,
    user_country_code TEXT NOT NULL,
    amount            REAL NOT NULL,
    currency          TEXT NOT NULL,
    -- Which session of the order this is: 1, then one more for each replaced session.
    generation        INTEGER NOT NULL,
    idempotency_key   TEXT NOT NULL UNIQUE,
    -- Set once StableMint's answer arrived.
    session_id        TEXT,
    reference         TEXT,
    expires_at        INTEGER,
    created_at        INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS replaced_sessions (
    order_id          TEXT NOT NULL REFERENCES orders (id),
    generation        INTEGER NOT NULL,
    idempotency_key   TEXT NOT NULL,
    session_id        TEXT NOT NULL,
    reference         TEXT NOT NULL,
    expires_at        INTEGER NOT NULL,
    PRIMARY KEY (order_id, generation)
) STRICT;
";

/// An order as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Order {
    /// What is sent to StableMint, order id included.
    pub details: SessionDetails,
    /// Which session of the order the key is for, from 1.
    pub generation: u32,
    /// The idempotency key of the current session's call.
    pub idempotency_key: String,
    /// The current session, once StableMint's answer was stored.
    pub session: Option<Session>,
}

/// What [`Store::place`] found.
#[derive(Debug)]
pub enum Placed {
    /// The order is stored with these details (just now, or before).
    Order(Order),
    /// An order with this id exists with other details.
    Conflict,
}

/// A database error.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed, while doing what `doing` says.
    #[error("{doing}: {source}")]
    Sql {
        /// What was being done.
        doing: &'static str,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// An order was not found right after it was written: someone deleted it meanwhile.
    #[error("the order {0} was deleted while it was being processed")]
    Vanished(String),
    /// The database call panicked.
    #[error("the database call failed unexpectedly; see the log")]
    Panicked,
}

fn context(doing: &'static str) -> impl FnOnce(rusqlite::Error) -> StoreError {
    move |source| StoreError::Sql { doing, source }
}

/// The orders database. Cheap to clone; every clone uses the same connection.
///
/// rusqlite is synchronous: call these methods from blocking code, e.g. within
/// `tokio::task::spawn_blocking`. Each one is short.
#[derive(Clone)]
pub struct Store {
    connection: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (or creates) the database at `path` and its tables.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let connection = Connection::open(path).map_err(context("opening the database"))?;
        // WAL lets a second process read while this one writes; FULL makes a commit
        // durable before it returns, so the key is on disk before the call is made.
        // busy_timeout makes two processes on one file wait for each other, not fail.
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                 PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;",
            )
            .map_err(context("configuring the database"))?;
        connection
            .execute_batch(SCHEMA)
            .map_err(context("creating the tables"))?;
        Ok(Store {
            connection: Arc::new(Mutex::new(connection)),
        })
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // A panic while the lock was held leaves no half-done transaction behind
        // (SQLite rolls it back), so the connection is still usable.
        let mut connection = self
            .connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut connection)
    }

    /// Stores a new order with its first idempotency key, or finds the order already
    /// stored under that id.
    pub fn place(
        &self,
        details: &SessionDetails,
        idempotency_key: &str,
        now: i64,
    ) -> Result<Placed, StoreError> {
        self.with(|connection| {
            connection
                .execute(
                    "INSERT INTO orders (id, user_email, user_country_code, amount, currency, \
                     generation, idempotency_key, created_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7) ON CONFLICT (id) DO NOTHING",
                    params![
                        details.order_id,
                        details.user_email,
                        details.user_country_code,
                        details.amount,
                        details.currency,
                        idempotency_key,
                        now
                    ],
                )
                .map_err(context("storing the order"))?;
            let order = read(connection, &details.order_id)?
                .ok_or_else(|| StoreError::Vanished(details.order_id.clone()))?;
            Ok(if order.details == *details {
                Placed::Order(order)
            } else {
                Placed::Conflict
            })
        })
    }

    /// The order with this id, if there is one.
    pub fn order(&self, order_id: &str) -> Result<Option<Order>, StoreError> {
        self.with(|connection| read(connection, order_id))
    }

    /// Stores the session of the order's `generation`; does nothing if the order has
    /// moved on to a later generation meanwhile. Returns the order as stored.
    pub fn record_session(
        &self,
        order_id: &str,
        generation: u32,
        session: &Session,
    ) -> Result<Order, StoreError> {
        self.with(|connection| {
            connection
                .execute(
                    "UPDATE orders SET session_id = ?1, reference = ?2, expires_at = ?3 \
                     WHERE id = ?4 AND generation = ?5",
                    params![
                        session.id,
                        session.reference,
                        session.expires_at,
                        order_id,
                        generation
                    ],
                )
                .map_err(context("storing the session"))?;
            read(connection, order_id)?.ok_or_else(|| StoreError::Vanished(order_id.to_owned()))
        })
    }

    /// Moves the order from `generation` (whose session expired) to the next one, with
    /// `next_key`, and keeps the expired session in `replaced_sessions`; both in one
    /// transaction, and before the new call. Only one caller moves a generation on, even
    /// across processes: the others find the order already moved and use its new key.
    /// Returns the order as stored.
    pub fn replace_session(
        &self,
        order_id: &str,
        generation: u32,
        next_key: &str,
    ) -> Result<Order, StoreError> {
        self.with(|connection| {
            let transaction = connection
                .transaction()
                .map_err(context("starting a transaction"))?;
            transaction
                .execute(
                    "INSERT OR IGNORE INTO replaced_sessions \
                     SELECT id, generation, idempotency_key, session_id, reference, expires_at \
                     FROM orders WHERE id = ?1 AND generation = ?2 AND session_id IS NOT NULL",
                    params![order_id, generation],
                )
                .map_err(context("keeping the expired session"))?;
            transaction
                .execute(
                    "UPDATE orders SET generation = generation + 1, idempotency_key = ?1, \
                     session_id = NULL, reference = NULL, expires_at = NULL \
                     WHERE id = ?2 AND generation = ?3",
                    params![next_key, order_id, generation],
                )
                .map_err(context("moving the order to a new session"))?;
            let order = read(&transaction, order_id)?
                .ok_or_else(|| StoreError::Vanished(order_id.to_owned()))?;
            transaction
                .commit()
                .map_err(context("committing the new session's key"))?;
            Ok(order)
        })
    }

    /// The sessions of this order that expired and were replaced, oldest first.
    pub fn replaced_sessions(&self, order_id: &str) -> Result<Vec<Session>, StoreError> {
        self.with(|connection| {
            let mut statement = connection
                .prepare(
                    "SELECT session_id, reference, expires_at FROM replaced_sessions \
                     WHERE order_id = ?1 ORDER BY generation",
                )
                .map_err(context("reading replaced sessions"))?;
            let rows = statement
                .query_map(params![order_id], |row| {
                    Ok(Session {
                        id: row.get(0)?,
                        reference: row.get(1)?,
                        expires_at: row.get(2)?,
                    })
                })
                .map_err(context("reading replaced sessions"))?;
            rows.collect::<Result<Vec<_>, _>>()
                .map_err(context("reading replaced sessions"))
        })
    }
}

fn read(connection: &Connection, order_id: &str) -> Result<Option<Order>, StoreError> {
    connection
        .query_row(
            "SELECT id, user_email, user_country_code, amount, currency, generation, \
             idempotency_key, session_id, reference, expires_at FROM orders WHERE id = ?1",
            params![order_id],
            |row| {
                let session = match (row.get(7)?, row.get(8)?, row.get(9)?) {
                    (Some(id), Some(reference), Some(expires_at)) => Some(Session {
                        id,
                        reference,
                        expires_at,
                    }),
                    _ => None,
                };
                Ok(Order {
                    details: SessionDetails {
                        order_id: row.get(0)?,
                        user_email: row.get(1)?,
                        user_country_code: row.get(2)?,
                        amount: row.get(3)?,
                        currency: row.get(4)?,
                    },
                    generation: row.get(5)?,
                    idempotency_key: row.get(6)?,
                    session,
                })
            },
        )
        .optional()
        .map_err(context("reading the order"))
}
