//! What can go wrong: [`StoreError`], sqlx's errors sorted into it (a wait that ran out
//! is [`StoreError::Busy`], a database that cannot be written is
//! [`StoreError::ReadOnly`]), and [`DbWait`], the budget that bounds one request's
//! waiting.

use std::time::{Duration, Instant};

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
pub(super) fn context(doing: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
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

/// Whether `error` says the database is read-only (SQLite's `SQLITE_READONLY` and its
/// extended codes, PostgreSQL's `read_only_sql_transaction`).
pub(super) fn is_read_only(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(error) => {
            let code = error.code();
            let code = code.as_deref().unwrap_or_default();
            code == "8" || code.parse::<u32>().is_ok_and(|c| c & 0xff == 8) || code == "25006"
        }
        _ => false,
    }
}

/// The first line of `text`: a database's message without what follows it.
pub(super) fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_owned()
}
