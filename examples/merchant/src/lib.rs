//! A merchant's backend and checkout page on `stablemint`: the integration as a shop
//! builds it, crash-safe.
//!
//! - Orders live in SQLite ([`store`]). Each order's idempotency key is derived from the
//!   order id and written **before** StableMint is called, so a process that dies
//!   between StableMint's answer and the write creates no second session when the order
//!   is retried ([`checkout`]).
//! - The session's id, reference and expiry are stored with the order; an expired
//!   session is replaced by a new one for the same order, under a new key.
//! - The checkout page is server-rendered HTML and a small script from this origin
//!   ([`page`]), under a Content-Security-Policy that allows this origin and the widget's
//!   only. The API secret stays on the server.
//! - Every call into `stablemint` and `stablemint-mock` is in [`payments`].
//!
//! [`start`] runs the server in the current Tokio runtime and returns its address and
//! handles, the in-process sandbox included, so that tests can arm faults on it:
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use merchant_example::{Config, StableMint, payments::SandboxOptions};
//!
//! let mut config = Config::new("orders.db", StableMint::Sandbox(SandboxOptions::new()));
//! config.addr = "127.0.0.1:0".parse()?;
//! let running = merchant_example::start(config).await?;
//! println!("checkout page at {}", running.url());
//! if let Some(sandbox) = running.sandbox() {
//!     sandbox.fail_next_with_status(1, 503)?; // the client retries it
//! }
//! running.shutdown().await;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod checkout;
pub mod config;
mod http;
pub mod page;
pub mod payments;
pub mod store;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::http::HeaderValue;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{Clock, Config, ConfigError, StableMint, WidgetScript};
pub use http::BODY_LIMIT;

use checkout::Checkout;
use payments::{Gateway, Sandbox};
use store::{Store, StoreError};

/// Why the server did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be opened.
    #[error("cannot open the orders database {path}: {source}")]
    Database {
        /// The file.
        path: String,
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
    sandbox: Option<Sandbox>,
    store: Store,
    stats: Arc<http::Stats>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running")
            .field("addr", &self.addr)
            .field("stablemint", &self.base_url)
            .field("sandbox", &self.sandbox)
            .finish_non_exhaustive()
    }
}

/// Opens the database, starts the sandbox if the config asks for one, and starts
/// serving on `config.addr` in the current Tokio runtime.
pub async fn start(config: Config) -> Result<Running, StartError> {
    let store = {
        let path = config.db.clone();
        tokio::task::spawn_blocking(move || Store::open(&path))
            .await
            .unwrap_or(Err(StoreError::Panicked))
            .map_err(|source| StartError::Database {
                path: config.db.display().to_string(),
                source,
            })?
    };
    let (gateway, sandbox) = match config.stablemint {
        StableMint::Sandbox(options) => {
            let sandbox = Sandbox::start(options, config.clock.clone())
                .await
                .map_err(StartError::Sandbox)?;
            let gateway = Gateway::new(
                &sandbox.base_url(),
                sandbox.credentials(),
                config.call_timeout,
                config.clock.clone(),
            )
            .map_err(StartError::Client)?;
            (gateway, Some(sandbox))
        }
        StableMint::Remote {
            base_url,
            credentials,
        } => (
            Gateway::new(
                &base_url,
                credentials,
                config.call_timeout,
                config.clock.clone(),
            )
            .map_err(StartError::Client)?,
            None,
        ),
    };
    let base_url = gateway.base_url().to_owned();
    let csp = page::content_security_policy(config.widget_script.as_ref());
    let state = http::AppState {
        checkout: Checkout::new(store.clone(), gateway, config.clock),
        widget: config.widget_script,
        // The policy is built from checked parts only (see `WidgetScript::parse`).
        csp: HeaderValue::from_str(&csp).map_err(|_| {
            StartError::Client("the widget origin cannot be sent in a header".into())
        })?,
        stats: Arc::default(),
    };
    let stats = state.stats.clone();
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

    /// Stops accepting, lets requests in flight finish, then stops the sandbox.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match (&mut self.task).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::warn!(%error, "the server stopped with an error"),
            Err(error) => tracing::warn!(%error, "the server task failed"),
        }
        if let Some(sandbox) = self.sandbox.take() {
            sandbox.shutdown().await;
        }
    }
}
