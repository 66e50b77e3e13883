//! The orders, in SQLite or PostgreSQL, through sqlx's `Any` driver: one schema, one set
//! of migrations (`migrations/`), the same SQL for both, and a pool of connections.
//!
//! Every change of an order is one statement that says what it expects to find (a
//! compare-and-set): the first checkout stores who pays and the idempotency key only
//! `WHERE generation = 0`, a session is stored only `WHERE session_id IS NULL` for the
//! generation it was asked for, an expired session is replaced only `WHERE generation =`
//! the one that expired. So any number of processes on one database agree on one key
//! per order and generation, and StableMint, given that key, on one session.
//!
//! Waiting is bounded: every call here is made through a [`DbWait`], the budget of one
//! request, and a database that does not answer within it is [`StoreError::Busy`]
//! (answered 503 with `Retry-After`).
//!
//! Here: the [`Store`] and its pool, and the helper every query reads rows with. Where
//! the orders are and the pool's settings are in `database.rs`, errors and the bounded
//! wait in `error.rs`, opening and the migrations in `open.rs`, making an order from a
//! cart in `cart.rs`, and the order and session queries in `orders.rs`.

mod cart;
mod database;
mod error;
mod open;
mod orders;

use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

pub use cart::{CartError, MAX_LINES};
pub use database::{Database, PoolSettings, sqlite};
pub use error::{DbWait, StoreError};
pub use orders::{Order, Payer, Session, Started};

use error::context;

/// The orders database. Cheap to clone; every clone shares one pool.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    postgres: bool,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("postgres", &self.postgres)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Whether this store is on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.postgres
    }

    /// Closes every connection, once those in use are given back.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// One column of a row, as `T`; a value that does not decode is an error.
fn get<'r, T>(row: &'r AnyRow, column: &'static str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    row.try_get(column).map_err(context("reading a row"))
}
