//! An order as stored ([`Order`], its [`Payer`]) and the queries on it: reading orders
//! and their lines, and the compare-and-set statements of the checkout (the first key,
//! the session, an expired session replaced).

use sqlx::any::AnyRow;

use crate::catalog::OrderLine;

use super::error::context;
use super::{Store, StoreError, get};

/// A session StableMint created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// `sessionId`: what the widget is started with.
    pub id: String,
    /// `reference`: StableMint's reference for the session, for support and reports.
    pub reference: String,
    /// `expiresAt`, Unix seconds.
    pub expires_at: i64,
}
/// An order as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order {
    /// Its id (`ord_` and 32 hex digits).
    pub id: String,
    /// Its currency.
    pub currency: String,
    /// Its total in minor units, computed by the server from the catalog.
    pub total_minor: i64,
    /// Who pays, once the first checkout stored it.
    pub payer: Option<Payer>,
    /// Which session of the order the key is for: 0 before the first checkout, then 1,
    /// then one more per replaced session.
    pub generation: u32,
    /// The idempotency key of the current session's call, from the first checkout on.
    pub idempotency_key: Option<String>,
    /// The current session, once StableMint's answer was stored.
    pub session: Option<Session>,
}

/// Who pays for an order, as the checkout gave it.
#[derive(Clone, PartialEq, Eq)]
pub struct Payer {
    /// The e-mail address.
    pub email: String,
    /// The country, ISO 3166-1 alpha-2.
    pub country_code: String,
}

impl std::fmt::Debug for Payer {
    /// The e-mail address is personal data: never printed, so never logged.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Payer")
            .field("email", &"** personal data **")
            .field("country_code", &self.country_code)
            .finish()
    }
}

/// What [`Store::start_checkout`] found.
#[derive(Debug)]
pub enum Started {
    /// The order, with its payer and key stored (just now, or before, with the same
    /// payer).
    Order(Order),
    /// No order with this id was made by this browser.
    NotFound,
    /// The order's checkout was started with another payer.
    Conflict,
}

impl Store {
    /// The lines of an order, in the order they were asked for.
    pub async fn lines(&self, order_id: &str) -> Result<Vec<OrderLine>, StoreError> {
        let rows = sqlx::query(
            "SELECT product_id, name, unit_price_minor, quantity FROM order_lines \
             WHERE order_id = $1 ORDER BY position",
        )
        .bind(order_id)
        .fetch_all(&self.pool)
        .await
        .map_err(context("reading the order's lines"))?;
        rows.iter()
            .map(|row| {
                let quantity: i64 = get(row, "quantity")?;
                Ok(OrderLine {
                    product_id: get(row, "product_id")?,
                    name: get(row, "name")?,
                    unit_price_minor: get(row, "unit_price_minor")?,
                    quantity: u32::try_from(quantity)
                        .map_err(|_| StoreError::Corrupt(order_id.to_owned(), "quantity"))?,
                })
            })
            .collect()
    }

    /// The order with this id, whoever made it (for operators and tests).
    pub async fn order(&self, order_id: &str) -> Result<Option<Order>, StoreError> {
        let row = sqlx::query(
            "SELECT id, currency, total_minor, user_email, user_country_code, generation, \
             idempotency_key, session_id, reference, expires_at FROM orders WHERE id = $1",
        )
        .bind(order_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(context("reading the order"))?;
        row.as_ref().map(read_order).transpose()
    }

    /// The order with this id if the browser whose cookie hashes to `browser_hash` made
    /// it.
    pub async fn order_of(
        &self,
        order_id: &str,
        browser_hash: &str,
    ) -> Result<Option<Order>, StoreError> {
        let row = sqlx::query(
            "SELECT id, currency, total_minor, user_email, user_country_code, generation, \
             idempotency_key, session_id, reference, expires_at FROM orders \
             WHERE id = $1 AND browser_hash = $2",
        )
        .bind(order_id)
        .bind(browser_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(context("reading the order"))?;
        row.as_ref().map(read_order).transpose()
    }

    /// The first checkout of an order: stores `payer` and the first session's
    /// `idempotency_key`, in one statement, only if no checkout stored them before.
    /// Then reads the order back: every process that gets here for this order finds the
    /// same key.
    pub async fn start_checkout(
        &self,
        order_id: &str,
        browser_hash: &str,
        payer: &Payer,
        idempotency_key: &str,
    ) -> Result<Started, StoreError> {
        sqlx::query(
            "UPDATE orders SET generation = 1, idempotency_key = $1, user_email = $2, \
             user_country_code = $3 \
             WHERE id = $4 AND browser_hash = $5 AND generation = 0",
        )
        .bind(idempotency_key)
        .bind(&payer.email)
        .bind(&payer.country_code)
        .bind(order_id)
        .bind(browser_hash)
        .execute(&self.pool)
        .await
        .map_err(context("storing the order's key"))?;
        Ok(match self.order_of(order_id, browser_hash).await? {
            None => Started::NotFound,
            Some(order) if order.payer.as_ref() == Some(payer) => Started::Order(order),
            Some(_) => Started::Conflict,
        })
    }

    /// Stores the session of the order's `generation`, unless one is stored already or
    /// the order has moved on to a later generation. Returns the order as stored: with
    /// this session, or with the one another process stored first.
    pub async fn record_session(
        &self,
        order_id: &str,
        generation: u32,
        session: &Session,
    ) -> Result<Order, StoreError> {
        sqlx::query(
            "UPDATE orders SET session_id = $1, reference = $2, expires_at = $3 \
             WHERE id = $4 AND generation = $5 AND session_id IS NULL",
        )
        .bind(&session.id)
        .bind(&session.reference)
        .bind(session.expires_at)
        .bind(order_id)
        .bind(i64::from(generation))
        .execute(&self.pool)
        .await
        .map_err(context("storing the session"))?;
        self.order(order_id)
            .await?
            .ok_or_else(|| StoreError::Vanished(order_id.to_owned()))
    }

    /// Moves the order from `generation` (whose session expired) to the next one, with
    /// `next_key`, before the new call; keeps the expired session in
    /// `replaced_sessions`. Each statement is safe to repeat and the move is a
    /// compare-and-set, so a crash between them loses nothing, and of several processes
    /// only one moves the order on: the others find it moved and use its new key.
    pub async fn replace_session(
        &self,
        order_id: &str,
        generation: u32,
        next_key: &str,
    ) -> Result<Order, StoreError> {
        sqlx::query(
            "INSERT INTO replaced_sessions \
             (order_id, generation, idempotency_key, session_id, reference, expires_at) \
             SELECT id, generation, idempotency_key, session_id, reference, expires_at \
             FROM orders WHERE id = $1 AND generation = $2 AND session_id IS NOT NULL \
             ON CONFLICT (order_id, generation) DO NOTHING",
        )
        .bind(order_id)
        .bind(i64::from(generation))
        .execute(&self.pool)
        .await
        .map_err(context("keeping the expired session"))?;
        sqlx::query(
            "UPDATE orders SET generation = generation + 1, idempotency_key = $1, \
             session_id = NULL, reference = NULL, expires_at = NULL \
             WHERE id = $2 AND generation = $3",
        )
        .bind(next_key)
        .bind(order_id)
        .bind(i64::from(generation))
        .execute(&self.pool)
        .await
        .map_err(context("moving the order to a new session"))?;
        self.order(order_id)
            .await?
            .ok_or_else(|| StoreError::Vanished(order_id.to_owned()))
    }

    /// The sessions of this order that expired and were replaced, oldest first.
    pub async fn replaced_sessions(&self, order_id: &str) -> Result<Vec<Session>, StoreError> {
        let rows = sqlx::query(
            "SELECT session_id, reference, expires_at FROM replaced_sessions \
             WHERE order_id = $1 ORDER BY generation",
        )
        .bind(order_id)
        .fetch_all(&self.pool)
        .await
        .map_err(context("reading replaced sessions"))?;
        rows.iter()
            .map(|row| {
                Ok(Session {
                    id: get(row, "session_id")?,
                    reference: get(row, "reference")?,
                    expires_at: get(row, "expires_at")?,
                })
            })
            .collect()
    }

    /// Every order, oldest first (for operators, tests and the replica run's check).
    pub async fn orders(&self) -> Result<Vec<Order>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, currency, total_minor, user_email, user_country_code, generation, \
             idempotency_key, session_id, reference, expires_at FROM orders \
             ORDER BY created_at, id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(context("reading the orders"))?;
        rows.iter().map(read_order).collect()
    }
}

fn read_order(row: &AnyRow) -> Result<Order, StoreError> {
    let id: String = get(row, "id")?;
    let generation: i64 = get(row, "generation")?;
    let email: Option<String> = get(row, "user_email")?;
    let country: Option<String> = get(row, "user_country_code")?;
    let session_id: Option<String> = get(row, "session_id")?;
    let reference: Option<String> = get(row, "reference")?;
    let expires_at: Option<i64> = get(row, "expires_at")?;
    let session = match (session_id, reference, expires_at) {
        (Some(id), Some(reference), Some(expires_at)) => Some(Session {
            id,
            reference,
            expires_at,
        }),
        _ => None,
    };
    let payer = match (email, country) {
        (Some(email), Some(country_code)) => Some(Payer {
            email,
            country_code,
        }),
        _ => None,
    };
    Ok(Order {
        currency: get(row, "currency")?,
        total_minor: get(row, "total_minor")?,
        payer,
        generation: u32::try_from(generation)
            .map_err(|_| StoreError::Corrupt(id.clone(), "generation"))?,
        idempotency_key: get(row, "idempotency_key")?,
        session,
        id,
    })
}
