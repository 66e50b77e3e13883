//! Where the orders are ([`Database`]: a SQLite file or a URL, shown without its
//! credentials) and how the pool of connections behaves ([`PoolSettings`]).

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::StoreError;

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
    pub(super) fn url(&self) -> String {
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

/// The path of a SQLite file as `--db` gives it: relative paths stay relative to the
/// working directory.
pub fn sqlite(path: impl AsRef<Path>) -> Database {
    Database::Sqlite(path.as_ref().to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

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
