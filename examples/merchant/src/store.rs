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

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, Executor, Row, SqlSafeStr};

use crate::catalog::{CartItem, MAX_QUANTITY, OrderLine, Product};
use crate::payments::Session;

/// The migrations, oldest first. Each runs once per database, in a transaction.
const MIGRATIONS: [(i64, &str, &str); 1] =
    [(1, "shop", include_str!("../migrations/0001_shop.sql"))];

/// The most lines one order may have.
pub const MAX_LINES: usize = 20;

/// Where the orders are.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file, created if missing.
    Sqlite(PathBuf),
    /// A `sqlite:` or `postgres:` URL, as given to `--database-url`.
    Url(String),
}

impl Database {
    /// A `sqlite:`, `postgres:` or `postgresql:` URL; anything else is refused with the
    /// forms that work.
    pub fn from_url(url: &str) -> Result<Database, StoreError> {
        let scheme = url.split_once(':').map(|(scheme, _)| scheme);
        match scheme {
            Some("sqlite" | "postgres" | "postgresql") => Ok(Database::Url(url.to_owned())),
            _ => Err(StoreError::Config(
                "--database-url must start with postgres:// (such as \
                 postgres://shop@127.0.0.1:5432/shop) or sqlite: (such as sqlite:orders.db)"
                    .into(),
            )),
        }
    }

    /// Whether this is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(self, Database::Url(url) if url.starts_with("postgres"))
    }

    /// The URL sqlx connects with. A file's path is percent-encoded where sqlx would
    /// read `?`, `#` or `%` as URL syntax; `mode=rwc` creates the file.
    fn url(&self) -> String {
        match self {
            Database::Sqlite(path) => {
                let text = path.to_string_lossy();
                let mut encoded = String::with_capacity(text.len());
                for c in text.chars() {
                    match c {
                        '%' => encoded.push_str("%25"),
                        '?' => encoded.push_str("%3F"),
                        '#' => encoded.push_str("%23"),
                        c => encoded.push(c),
                    }
                }
                format!("sqlite://{encoded}?mode=rwc")
            }
            Database::Url(url) => url.clone(),
        }
    }

    /// What to call the database in messages and logs: the file, or the URL without
    /// its user name, password and parameters.
    pub fn shown(&self) -> String {
        match self {
            Database::Sqlite(path) => path.display().to_string(),
            Database::Url(url) => {
                let Some((scheme, rest)) = url.split_once("://") else {
                    return url.split('?').next().unwrap_or_default().to_owned();
                };
                let rest = rest.split('?').next().unwrap_or_default();
                let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
                format!("{scheme}://{rest}")
            }
        }
    }
}

impl std::fmt::Debug for Database {
    /// Never the password of a URL.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Database({})", self.shown())
    }
}

/// How the pool behaves.
#[derive(Clone, Copy, Debug)]
pub struct PoolSettings {
    /// The most connections open at once.
    pub max_connections: u32,
    /// How long one request may wait for the database in all, waits for a connection
    /// included; also SQLite's busy timeout and PostgreSQL's `lock_timeout` and
    /// `statement_timeout`, so that the database gives up about when the request does.
    pub wait: Duration,
}

impl Default for PoolSettings {
    /// 8 connections; 3 s of waiting per request.
    fn default() -> Self {
        PoolSettings {
            max_connections: 8,
            wait: Duration::from_secs(3),
        }
    }
}

/// A database error, said without the database's URL or any order's personal data.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database did not answer within the request's budget: it is locked, slow or
    /// out of connections. Trying again later may work.
    #[error("the database did not answer within the request's budget ({doing})")]
    Busy {
        /// What was being done.
        doing: &'static str,
    },
    /// The database failed.
    #[error("{doing}: {source}")]
    Sql {
        /// What was being done.
        doing: &'static str,
        /// sqlx's error.
        source: sqlx::Error,
    },
    /// The migrations could not be applied.
    #[error("applying the migrations: {0}")]
    Migrate(sqlx::migrate::MigrateError),
    /// The database can be read but not written.
    #[error(
        "the database cannot be written to ({0}): check that the file and its directory \
         are writable by this user, that no -wal or -shm file was left there by another \
         user, and that the URL does not open it read-only"
    )]
    ReadOnly(String),
    /// A setting cannot be used.
    #[error("{0}")]
    Config(String),
    /// An order was not found right after it was written: someone deleted it meanwhile.
    #[error("the order {0} was deleted while it was being processed")]
    Vanished(String),
    /// A stored value is not what the schema promises.
    #[error("the stored order {0} is inconsistent: {1}")]
    Corrupt(String, &'static str),
}

impl StoreError {
    /// Whether trying again later may work: the database was busy or unreachable.
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Busy { .. })
    }
}

/// `sqlx::Error` to [`StoreError`]: waits that ran out (SQLite's `SQLITE_BUSY` and
/// `SQLITE_LOCKED`, PostgreSQL's lock and statement timeouts, the pool's own) are
/// [`StoreError::Busy`].
fn context(doing: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |source| {
        let busy = match &source {
            sqlx::Error::PoolTimedOut => true,
            sqlx::Error::Database(error) => matches!(
                error.code().as_deref(),
                // SQLite: SQLITE_BUSY, SQLITE_LOCKED and their extended codes.
                Some("5" | "6" | "261" | "262" | "517" | "773")
                // PostgreSQL: lock_not_available, query_canceled (statement_timeout).
                | Some("55P03" | "57014")
            ),
            _ => false,
        };
        if busy {
            StoreError::Busy { doing }
        } else {
            StoreError::Sql { doing, source }
        }
    }
}

/// The budget of one request for the database: each call made through it may take what
/// is left, and no more.
#[derive(Debug)]
pub struct DbWait {
    left: Duration,
}

impl DbWait {
    /// A budget of `total`.
    pub fn new(total: Duration) -> DbWait {
        DbWait { left: total }
    }

    /// Runs `call` within what is left of the budget, and takes what it used.
    pub async fn run<T>(
        &mut self,
        doing: &'static str,
        call: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        let started = Instant::now();
        let outcome = tokio::time::timeout(self.left, call).await;
        self.left = self.left.saturating_sub(started.elapsed());
        outcome.unwrap_or(Err(StoreError::Busy { doing }))
    }
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

/// Why a cart cannot become an order.
#[derive(Debug, PartialEq, Eq)]
pub enum CartError {
    /// The cart is empty.
    Empty,
    /// More lines than [`MAX_LINES`].
    TooManyLines,
    /// The item at this index names no product of the catalog.
    UnknownProduct(usize),
    /// The item at this index asks for 0 or more than [`MAX_QUANTITY`].
    Quantity(usize),
    /// The item at this index names a product another item already named.
    Duplicate(usize),
    /// The products are in more than one currency.
    MixedCurrencies,
    /// The total does not fit.
    TooLarge,
}

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
    /// Connects to `database`, applies the migrations it lacks, and checks that it can
    /// be written to: a database that can only be read is refused now, not at the first
    /// checkout.
    pub async fn open(database: &Database, settings: PoolSettings) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let postgres = database.is_postgres();
        let wait = settings.wait;
        let millis = wait.as_millis().clamp(1, 600_000);
        let options = AnyPoolOptions::new()
            .max_connections(settings.max_connections.max(1))
            .min_connections(0)
            .acquire_timeout(wait)
            .after_connect(move |connection, _| {
                Box::pin(async move {
                    // The database gives up about when the request does, so that a
                    // locked or slow database frees its connections too.
                    let statements = if connection.backend_name() == "SQLite" {
                        vec![format!("PRAGMA busy_timeout = {millis}")]
                    } else {
                        vec![
                            format!("SET lock_timeout = {millis}"),
                            format!("SET statement_timeout = {millis}"),
                        ]
                    };
                    for statement in statements {
                        // Built from a number only.
                        connection.execute(sqlx::AssertSqlSafe(statement)).await?;
                    }
                    Ok(())
                })
            });
        let pool = options
            .connect(&database.url())
            .await
            .map_err(context("connecting to the database"))?;
        if !postgres {
            // WAL lets readers go on while one connection writes; it is a property of
            // the file, set once. SQLite's default `synchronous = FULL` then makes a
            // commit durable before it returns, so a key is on disk before the call.
            let mode: String = sqlx::query_scalar("PRAGMA journal_mode = WAL")
                .fetch_one(&pool)
                .await
                .map_err(context("switching the database to WAL"))?;
            if !mode.eq_ignore_ascii_case("wal") {
                tracing::warn!(mode, "the SQLite database is not in WAL mode");
            }
        }
        let migrations = MIGRATIONS
            .iter()
            .map(|(version, name, sql)| {
                Migration::new(
                    *version,
                    Cow::Borrowed(*name),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect();
        Migrator::with_migrations(migrations)
            .run(&pool)
            .await
            .map_err(|error| match error {
                sqlx::migrate::MigrateError::Execute(source) => {
                    match context("applying the migrations")(source) {
                        StoreError::Sql { source, .. } if is_read_only(&source) => {
                            StoreError::ReadOnly(first_line(&source.to_string()))
                        }
                        other => other,
                    }
                }
                other => StoreError::Migrate(other),
            })?;
        let store = Store { pool, postgres };
        store.check_writable().await?;
        Ok(store)
    }

    /// Whether this store is on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.postgres
    }

    async fn check_writable(&self) -> Result<(), StoreError> {
        let now = crate::payments::unix_seconds(std::time::SystemTime::now());
        sqlx::query(
            "INSERT INTO write_checks (id, checked_at) VALUES (1, $1) \
             ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
        )
        .bind(now)
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(|source| {
            if is_read_only(&source) {
                StoreError::ReadOnly(first_line(&source.to_string()))
            } else {
                context("writing to the database")(source)
            }
        })
    }

    /// Closes every connection, once those in use are given back.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The catalog, in the order the page shows it.
    pub async fn products(&self) -> Result<Vec<Product>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, price_minor, currency FROM products ORDER BY position, id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(context("reading the catalog"))?;
        rows.iter()
            .map(|row| {
                Ok(Product {
                    id: get(row, "id")?,
                    name: get(row, "name")?,
                    price_minor: get(row, "price_minor")?,
                    currency: get(row, "currency")?,
                })
            })
            .collect()
    }

    /// Makes an order of `cart`, priced from the catalog, bound to the browser whose
    /// cookie hashes to `browser_hash`; returns it with its lines. The order and its
    /// lines are written in one transaction.
    pub async fn create_order(
        &self,
        order_id: &str,
        browser_hash: &str,
        cart: &[CartItem],
        now: i64,
    ) -> Result<Result<(Order, Vec<OrderLine>), CartError>, StoreError> {
        let catalog = self.products().await?;
        let lines = match price(cart, &catalog) {
            Ok(lines) => lines,
            Err(error) => return Ok(Err(error)),
        };
        let currency = catalog
            .iter()
            .find(|p| Some(&p.id) == lines.first().map(|l| &l.product_id))
            .map(|p| p.currency.clone())
            .unwrap_or_default();
        let Some(total) = lines
            .iter()
            .try_fold(0i64, |sum, line| sum.checked_add(line.total_minor()?))
        else {
            return Ok(Err(CartError::TooLarge));
        };
        let mut transaction = self
            .pool
            .begin()
            .await
            .map_err(context("starting a transaction"))?;
        sqlx::query(
            "INSERT INTO orders (id, browser_hash, currency, total_minor, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(order_id)
        .bind(browser_hash)
        .bind(&currency)
        .bind(total)
        .bind(now)
        .execute(&mut *transaction)
        .await
        .map_err(context("storing the order"))?;
        for (position, line) in lines.iter().enumerate() {
            sqlx::query(
                "INSERT INTO order_lines (order_id, position, product_id, name, \
                 unit_price_minor, quantity) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(order_id)
            .bind(position as i64)
            .bind(&line.product_id)
            .bind(&line.name)
            .bind(line.unit_price_minor)
            .bind(i64::from(line.quantity))
            .execute(&mut *transaction)
            .await
            .map_err(context("storing the order's lines"))?;
        }
        transaction
            .commit()
            .await
            .map_err(context("committing the order"))?;
        let order = Order {
            id: order_id.to_owned(),
            currency,
            total_minor: total,
            payer: None,
            generation: 0,
            idempotency_key: None,
            session: None,
        };
        Ok(Ok((order, lines)))
    }

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

/// Prices `cart` from `catalog`, line by line.
fn price(cart: &[CartItem], catalog: &[Product]) -> Result<Vec<OrderLine>, CartError> {
    if cart.is_empty() {
        return Err(CartError::Empty);
    }
    if cart.len() > MAX_LINES {
        return Err(CartError::TooManyLines);
    }
    let mut lines: Vec<OrderLine> = Vec::with_capacity(cart.len());
    for (index, item) in cart.iter().enumerate() {
        let product = catalog
            .iter()
            .find(|p| p.id == item.product_id)
            .ok_or(CartError::UnknownProduct(index))?;
        if !(1..=MAX_QUANTITY).contains(&item.quantity) {
            return Err(CartError::Quantity(index));
        }
        if lines.iter().any(|line| line.product_id == product.id) {
            return Err(CartError::Duplicate(index));
        }
        if catalog
            .iter()
            .find(|p| Some(&p.id) == lines.first().map(|l| &l.product_id))
            .is_some_and(|first| first.currency != product.currency)
        {
            return Err(CartError::MixedCurrencies);
        }
        lines.push(OrderLine {
            product_id: product.id.clone(),
            name: product.name.clone(),
            unit_price_minor: product.price_minor,
            quantity: item.quantity,
        });
    }
    Ok(lines)
}

fn get<'r, T>(row: &'r AnyRow, column: &'static str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    row.try_get(column).map_err(context("reading a row"))
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

/// Whether `error` says the database is read-only (SQLite's `SQLITE_READONLY` and its
/// extended codes, PostgreSQL's `read_only_sql_transaction`).
fn is_read_only(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(error) => {
            let code = error.code();
            let code = code.as_deref().unwrap_or_default();
            code == "8" || code.parse::<u32>().is_ok_and(|c| c & 0xff == 8) || code == "25006"
        }
        _ => false,
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_owned()
}

/// The path of a SQLite file as `--db` gives it: relative paths stay relative to the
/// working directory.
pub fn sqlite(path: impl AsRef<Path>) -> Database {
    Database::Sqlite(path.as_ref().to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(id: &str, price_minor: i64, currency: &str) -> Product {
        Product {
            id: id.into(),
            name: id.to_uppercase(),
            price_minor,
            currency: currency.into(),
        }
    }

    fn item(id: &str, quantity: u32) -> CartItem {
        CartItem {
            product_id: id.into(),
            quantity,
        }
    }

    #[test]
    fn carts_are_priced_from_the_catalog_only() {
        let catalog = [product("a", 1250, "EUR"), product("b", 650, "EUR")];
        let lines = price(&[item("b", 3), item("a", 1)], &catalog).unwrap();
        assert_eq!(
            lines
                .iter()
                .map(|l| (l.product_id.as_str(), l.unit_price_minor, l.quantity))
                .collect::<Vec<_>>(),
            [("b", 650, 3), ("a", 1250, 1)]
        );
        assert_eq!(price(&[], &catalog), Err(CartError::Empty));
        assert_eq!(
            price(&[item("a", 1), item("zz", 1)], &catalog),
            Err(CartError::UnknownProduct(1))
        );
        assert_eq!(
            price(&[item("a", 0)], &catalog),
            Err(CartError::Quantity(0))
        );
        assert_eq!(
            price(&[item("a", MAX_QUANTITY + 1)], &catalog),
            Err(CartError::Quantity(0))
        );
        assert_eq!(
            price(&[item("a", 1), item("a", 2)], &catalog),
            Err(CartError::Duplicate(1))
        );
        let many: Vec<CartItem> = (0..=MAX_LINES).map(|_| item("a", 1)).collect();
        assert_eq!(price(&many, &catalog), Err(CartError::TooManyLines));
        let mixed = [product("a", 1250, "EUR"), product("y", 100, "JPY")];
        assert_eq!(
            price(&[item("a", 1), item("y", 1)], &mixed),
            Err(CartError::MixedCurrencies)
        );
    }

    #[test]
    fn urls_are_shown_without_credentials() {
        let db = Database::from_url("postgres://shop:hunter2@127.0.0.1:5432/shop?sslmode=disable")
            .unwrap();
        assert_eq!(db.shown(), "postgres://127.0.0.1:5432/shop");
        assert!(!format!("{db:?}").contains("hunter2"));
        assert!(db.is_postgres());
        let error = Database::from_url("mysql://x").unwrap_err().to_string();
        assert!(error.contains("postgres://"), "{error}");
        assert_eq!(
            sqlite("a?b#c%d.db").url(),
            "sqlite://a%3Fb%23c%25d.db?mode=rwc"
        );
        assert!(!sqlite("x.db").is_postgres());
    }
}
