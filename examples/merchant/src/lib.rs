//! A merchant's backend and checkout page on `stablemint`: the integration as a shop
//! builds it, to copy.
//!
//! - **The server owns orders and prices.** The catalog is in the database
//!   ([`catalog`], [`store`]); the server makes the order from the products and
//!   quantities the page names, and the checkout takes the order and who pays, nothing
//!   else: the session's amount and currency are the order's. Orders are bound to the
//!   browser that made them by an `HttpOnly`, `SameSite=Strict` cookie.
//! - **One order, one session**, across crashes and across replicas: the idempotency
//!   key is derived from the order id and stored **before** StableMint is called, with
//!   compare-and-set statements that any number of processes can run on one database
//!   ([`checkout`], [`store`]). SQLite by default, PostgreSQL for several replicas,
//!   through sqlx's `Any` driver: one schema, one set of migrations, a pool, and a
//!   bounded wait (503 with `Retry-After` when the database does not answer in time).
//! - **Shoppers see a message and a support reference; operators get the diagnosis**
//!   in the log, without secrets, signatures or e-mail addresses ([`support`]).
//! - **Host and Origin are checked**: another `Host` is 421, a state change from
//!   another origin 403.
//! - **The sandbox is on purpose**: with no `STABLEMINT_*` variable the server runs
//!   `stablemint-mock` in process (the `sandbox` feature, on by default) and the page
//!   says "Sandbox: no money moves"; any `STABLEMINT_*` variable means production, which
//!   never falls back to the sandbox ([`config`]).
//! - The page is server-rendered HTML and a small script from this origin ([`page`]),
//!   under a Content-Security-Policy that allows this origin and the widget's only.
//! - Every call into `stablemint` and `stablemint-mock` is in [`payments`].
//!
//! [`start`] runs the server in the current Tokio runtime and returns its address and
//! handles, the in-process sandbox included, so that tests can arm faults on it:
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use merchant_example::{Config, StableMint, payments::SandboxOptions, store};
//!
//! let mut config = Config::new(
//!     store::sqlite("orders.db"),
//!     StableMint::Sandbox(SandboxOptions::new()),
//! );
//! config.addr = "127.0.0.1:0".parse()?;
//! let running = merchant_example::start(config).await?;
//! println!("checkout page at {}", running.url());
//! if let Some(sandbox) = running.sandbox() {
//!     // The mock's test kit: the next session request is answered 503, and retried.
//!     sandbox.script("createEmbeddedSession", [stablemint_mock::Answer::status(503)])?;
//! }
//! running.shutdown().await;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod catalog;
pub mod checkout;
pub mod config;
mod http;
pub mod page;
pub mod payments;
pub mod store;
pub mod support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::http::HeaderValue;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{Clock, Config, ConfigError, PublicOrigin, StableMint, WidgetScript};
pub use http::BODY_LIMIT;
pub use http::answers::RETRY_AFTER_SECS;
pub use http::api::BROWSER_COOKIE;

use checkout::Checkout;
use payments::Gateway;
#[cfg(feature = "sandbox")]
use payments::Sandbox;
use store::{Store, StoreError};

/// Why the server did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be opened, migrated or written to.
    #[error("cannot use the orders database {database}: {source}")]
    Database {
        /// The database, without credentials.
        database: String,
        /// Why.
        source: StoreError,
    },
    /// The in-process sandbox did not start.
    #[error("cannot start the in-process StableMint sandbox: {0}")]
    Sandbox(std::io::Error),
    /// The StableMint client could not be built from the settings.
    #[error("cannot use these StableMint settings: {0}")]
    Client(String),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source} (choose another with --addr)")]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// The running server.
pub struct Running {
    addr: SocketAddr,
    base_url: String,
    #[cfg(feature = "sandbox")]
    sandbox: Option<Sandbox>,
    store: Store,
    stats: Arc<http::Stats>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut debug = f.debug_struct("Running");
        debug
            .field("addr", &self.addr)
            .field("stablemint", &self.base_url);
        #[cfg(feature = "sandbox")]
        debug.field("sandbox", &self.sandbox);
        debug.finish_non_exhaustive()
    }
}

/// Opens the database (applying its migrations, refusing one it cannot write to),
/// starts the sandbox if the config asks for one, and starts serving on `config.addr`
/// in the current Tokio runtime.
pub async fn start(config: Config) -> Result<Running, StartError> {
    let store = Store::open(&config.database, config.pool)
        .await
        .map_err(|source| StartError::Database {
            database: config.database.shown(),
            source,
        })?;
    let sandboxed = config.stablemint.is_sandbox();
    #[cfg(feature = "sandbox")]
    let mut sandbox = None;
    let (gateway, secrets) = match config.stablemint {
        #[cfg(feature = "sandbox")]
        StableMint::Sandbox(options) => {
            let secrets = options.secrets();
            let started = Sandbox::start(options, config.clock.clone())
                .await
                .map_err(StartError::Sandbox)?;
            let gateway = Gateway::new(
                &started.base_url(),
                started.credentials(),
                config.call_timeout,
                config.clock.clone(),
            )
            .map_err(StartError::Client)?;
            sandbox = Some(started);
            (gateway, secrets)
        }
        StableMint::Remote {
            base_url,
            credentials,
            secrets,
        } => (
            Gateway::new(
                &base_url,
                credentials,
                config.call_timeout,
                config.clock.clone(),
            )
            .map_err(StartError::Client)?,
            secrets,
        ),
    };
    let base_url = gateway.base_url().to_owned();
    let csp = page::content_security_policy(config.widget_script.as_ref());
    let listener = TcpListener::bind(config.addr)
        .await
        .map_err(|source| StartError::Listen {
            addr: config.addr,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| StartError::Listen {
        addr: config.addr,
        source,
    })?;
    let secure_cookie = !config.public_origins.is_empty()
        && config.public_origins.iter().all(PublicOrigin::is_https);
    let state = http::AppState {
        checkout: Checkout::new(store.clone(), gateway, config.clock),
        widget: config.widget_script,
        // The policy is built from checked parts only (see `WidgetScript::parse`).
        csp: HeaderValue::from_str(&csp).map_err(|_| {
            StartError::Client("the widget origin cannot be sent in a header".into())
        })?,
        stats: Arc::default(),
        allowed: Arc::new(http::guard::Allowed::new(addr, &config.public_origins)),
        sandbox: sandboxed,
        secure_cookie,
        secrets,
        db_wait: config.pool.wait,
    };
    let stats = state.stats.clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let app = http::router(state);
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    Ok(Running {
        addr,
        base_url,
        #[cfg(feature = "sandbox")]
        sandbox,
        store,
        stats,
        stop: Some(stop),
        task,
    })
}

impl Running {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The checkout page's URL: `http://` and the address.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Where sessions are created: the sandbox's URL, or StableMint's.
    pub fn stablemint_url(&self) -> &str {
        &self.base_url
    }

    /// The in-process sandbox, when the server uses one.
    #[cfg(feature = "sandbox")]
    pub fn sandbox(&self) -> Option<&Sandbox> {
        self.sandbox.as_ref()
    }

    /// The orders database.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// How many `POST /api/checkout` requests arrived, whatever their answer.
    pub fn checkout_requests(&self) -> usize {
        self.stats.checkout_requests.load(Ordering::Relaxed)
    }

    /// Stops accepting, lets requests in flight finish, then closes the database and
    /// stops the sandbox.
    pub async fn shutdown(self) {
        self.shutdown_within(Duration::MAX).await;
    }

    /// As [`shutdown`](Self::shutdown), but requests still in flight after `limit` are
    /// cut off. Returns whether every request finished.
    pub async fn shutdown_within(mut self, limit: Duration) -> bool {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let drained = match tokio::time::timeout(limit, &mut self.task).await {
            Ok(Ok(Ok(()))) => true,
            Ok(Ok(Err(error))) => {
                tracing::warn!(%error, "the server stopped with an error");
                true
            }
            Ok(Err(error)) => {
                tracing::warn!(%error, "the server task failed");
                true
            }
            Err(_) => {
                tracing::warn!(
                    limit_secs = limit.as_secs(),
                    "requests were still in flight when the drain time ran out; cutting them off"
                );
                self.task.abort();
                false
            }
        };
        self.store.close().await;
        #[cfg(feature = "sandbox")]
        if let Some(sandbox) = self.sandbox.take() {
            sandbox.shutdown().await;
        }
        drained
    }
}
