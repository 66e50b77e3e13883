//! Opening the store: connecting the pool (with the database's own timeouts set to the
//! request's budget), WAL for SQLite, the migrations, and the check that the database
//! can be written to.

use std::borrow::Cow;

use sqlx::any::AnyPoolOptions;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{Executor, SqlSafeStr};

use super::error::{context, first_line, is_read_only};
use super::{Database, PoolSettings, Store, StoreError};

/// The migrations, oldest first. Each runs once per database, in a transaction.
const MIGRATIONS: [(i64, &str, &str); 1] =
    [(1, "shop", include_str!("../../migrations/0001_shop.sql"))];

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

    /// Writes one row: a database that can only be read is [`StoreError::ReadOnly`].
    async fn check_writable(&self) -> Result<(), StoreError> {
        let now = crate::support::unix_seconds(std::time::SystemTime::now());
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
}
