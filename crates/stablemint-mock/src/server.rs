//! The listener, the connections, and stopping them.
//!
//! Each connection is served by hyper directly (not by a framework's `serve`), so that
//! an injected [`Fault::DropConnection`](crate::Fault::DropConnection) can close it
//! without writing anything: the handler fires the connection's kill signal, and the
//! connection task drops the socket.
//!
//! hyper's automatic `Date` header is off: every answer the mock writes carries its own,
//! from the mock's clock, and hyper's own answers to malformed HTTP carry none (rather
//! than one from the system clock that would contradict the mock's).

use std::convert::Infallible;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::{JoinHandle, JoinSet};

use crate::config::{Fault, FaultError, MockConfig};
use crate::exchange::{self, MAX_HEAD_BYTES, Reply};
use crate::expect::{Expect, Unmet};
use crate::journal::Journal;
use crate::script::Answer;
use crate::state::Shared;

/// How long a client may take to send the request line and headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// How long [`MockServer::shutdown`] waits for requests in flight before it closes
/// their connections anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A running mock of the StableMint API, serving every operation of its spec over plain
/// HTTP/1.1 (no TLS, no HTTP/2) on a local address.
///
/// It runs as tasks on the Tokio runtime that started it, so it serves requests only
/// while that runtime runs (in a `#[tokio::test]`, while the test awaits). Stop it with
/// [`shutdown`](Self::shutdown) to wait until the port is free; dropping it stops it
/// too, and the port is released as soon as the runtime next polls the server task.
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    /// Sending `true` stops the server; so does dropping it with the server, because
    /// the tasks take a closed channel as a stop too.
    stop: Option<watch::Sender<bool>>,
    task: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Starts a server on `127.0.0.1` with a port the operating system picks.
    ///
    /// Like any Tokio I/O, it must be called from within a Tokio runtime.
    pub async fn start(config: MockConfig) -> std::io::Result<MockServer> {
        Self::start_on(config, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await
    }

    /// Starts a server on `addr` (port 0 picks a free port).
    ///
    /// Fails when the address cannot be bound, e.g. because the port is in use.
    pub async fn start_on(config: MockConfig, addr: SocketAddr) -> std::io::Result<MockServer> {
        let shared = Arc::new(Shared::new(config)?);
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(accept(listener, shared.clone(), stopped));
        tracing::debug!(%addr, "stablemint mock listening");
        Ok(MockServer {
            addr,
            shared,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The URL to give the client as its base URL: `http://127.0.0.1:PORT` for a server
    /// from [`start`](Self::start), `http://` and the bound address in general.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Applies `fault` to the next `count` requests to any operation, after any faults
    /// already armed (and before any [`RandomFaults`](crate::RandomFaults)). Requests to
    /// unknown paths, or with a method their path does not take, neither see nor use
    /// faults.
    ///
    /// Fails, and arms nothing, if `fault` is [`Fault::Status`] with a status outside
    /// `200..=599` (see [`FaultError`]).
    pub fn fail_next(&self, count: usize, fault: Fault) -> Result<(), FaultError> {
        self.shared.arm(None, count, fault)
    }

    /// Applies `fault` to the next `count` requests to the operation `operation_id` (the
    /// spec's operationId, such as `createEmbeddedSession`), queued with the faults of
    /// [`fail_next`](Self::fail_next).
    ///
    /// Fails, and arms nothing, if the server serves no such operation, or as
    /// [`fail_next`](Self::fail_next) does.
    pub fn fail_next_on(
        &self,
        operation_id: &str,
        count: usize,
        fault: Fault,
    ) -> Result<(), FaultError> {
        self.shared.arm(Some(operation_id), count, fault)
    }

    /// Scripts how the next requests to `operation_id` are answered: each [`Answer`] in
    /// turn (once, [`times`](Answer::times) or [`always`](Answer::always)), after those
    /// scripted already; then as the spec says. A scripted answer comes before an armed
    /// [`Fault`].
    ///
    /// Fails, scripting nothing, for an operation the server does not serve, a status
    /// outside `200..=599`, or a typed body ([`Answer::body`]) that does not decode as the
    /// type the operation declares for its status.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use stablemint_mock::{Answer, MockConfig, MockServer};
    ///
    /// let server = MockServer::start(MockConfig::new("test_key", "test_secret")).await?;
    /// server.script(
    ///     "createEmbeddedSession",
    ///     [Answer::status(503).times(2), Answer::process()],
    /// )?;
    /// assert!(server.script("noSuchOperation", [Answer::process()]).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn script(
        &self,
        operation_id: &str,
        answers: impl IntoIterator<Item = Answer>,
    ) -> Result<(), FaultError> {
        self.shared.script(operation_id, answers)
    }

    /// Every request received so far (up to
    /// [`MockConfig::journal_limit`], the newest kept), however it was answered:
    /// operation, method, path, query, body, idempotency key, whether the signature
    /// verified, and the status.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use stablemint_mock::{MockConfig, MockServer};
    ///
    /// let server = MockServer::start(MockConfig::new("test_key", "test_secret")).await?;
    /// for received in server.journal().of("createEmbeddedSession") {
    ///     println!("{received}");
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn journal(&self) -> Journal {
        self.shared.journal.snapshot()
    }

    /// Adds an expectation, checked by [`verify`](Self::verify), or when the server is
    /// dropped or shut down without that: then an unmet expectation panics, with what
    /// the server received. Fails for an operation the server does not serve.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use stablemint_mock::{Expect, MockConfig, MockServer};
    ///
    /// let server = MockServer::start(MockConfig::new("test_key", "test_secret")).await?;
    /// server.expect(Expect::called("createEmbeddedSession").never())?;
    /// server.verify()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn expect(&self, expectation: Expect) -> Result<(), FaultError> {
        self.shared.expect(expectation)
    }

    /// Checks every expectation against what was received; the error lists each unmet
    /// one and every request. Once verified, the expectations are not checked again
    /// when the server is dropped (until another is added).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use stablemint_mock::{Expect, MockConfig, MockServer};
    ///
    /// let server = MockServer::start(MockConfig::new("test_key", "test_secret")).await?;
    /// server.expect(Expect::called("createEmbeddedSession").times(1))?;
    /// let unmet = server.verify().unwrap_err();
    /// assert!(unmet.to_string().contains("and was called 0 times"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn verify(&self) -> Result<(), Unmet> {
        self.shared.verify()
    }

    /// How many `POST` requests were carried out (answered with success, not
    /// replayed), over every operation: in this API each creates a session. Idempotent
    /// replays do not count.
    pub fn sessions_created(&self) -> usize {
        self.shared.posts_carried_out()
    }

    /// How many requests to the operation `operation_id` were carried out (answered
    /// with success, not replayed); `None` if the server serves no such operation.
    pub fn carried_out(&self, operation_id: &str) -> Option<usize> {
        self.shared.carried_out(operation_id)
    }

    /// How many idempotency keys the server remembers now, at most
    /// [`MockConfig::max_idempotency_keys`]. Expired keys count until a later keyed
    /// request forgets them.
    pub fn idempotency_keys(&self) -> usize {
        self.shared.idempotency.keys()
    }

    /// How many HTTP requests reached the server, on any route and whatever the answer
    /// (faults included). Requests hyper rejects as malformed HTTP are not counted.
    pub fn requests_received(&self) -> usize {
        self.shared.requests()
    }

    /// Stops the server: stops accepting, lets requests in flight finish (for up to
    /// 5 seconds), closes every connection, and returns once the port is free.
    pub async fn shutdown(mut self) {
        self.check_expectations();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        if let Some(task) = self.task.take()
            && let Err(error) = task.await
        {
            tracing::warn!(%error, "the stablemint mock's server task failed");
        }
        tracing::debug!(addr = %self.addr, "stablemint mock stopped");
    }
}

impl MockServer {
    /// Panics, listing them and what was received, when expectations were set and
    /// never verified and are not met; unless the thread is panicking already.
    fn check_expectations(&self) {
        if self.shared.unverified()
            && !std::thread::panicking()
            && let Err(unmet) = self.shared.verify()
        {
            panic!("the StableMint mock's expectations are not met:\n{unmet}");
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.check_expectations();
        // Not shut down: stop accepting, and let the task end by itself.
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
    }
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .field("config", &self.shared.config)
            .field("sessions_created", &self.sessions_created())
            .field("requests_received", &self.requests_received())
            .field("idempotency_keys", &self.idempotency_keys())
            .finish()
    }
}

/// Accepts connections until told to stop, then winds them down.
async fn accept(listener: TcpListener, shared: Arc<Shared>, mut stopped: watch::Receiver<bool>) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_header_size(MAX_HEAD_BYTES)
        .auto_date_header(false);
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    connections.spawn(serve(stream, http.clone(), shared.clone(), stopped.clone()));
                }
                Err(error) => {
                    // Such as running out of file descriptors: back off instead of spinning.
                    tracing::warn!(%error, "the stablemint mock cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            // A value or a dropped sender both mean stop.
            _ = stopped.changed() => break,
            Some(finished) = connections.join_next(), if !connections.is_empty() => {
                if let Err(error) = finished {
                    tracing::warn!(%error, "a stablemint mock connection task failed");
                }
            }
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::debug!("closing connections still busy after the shutdown grace period");
    }
    connections.shutdown().await;
}

/// Serves one connection until the client closes it, the handler asks to drop it, or the
/// server stops (then in-flight requests finish first).
async fn serve(
    stream: TcpStream,
    http: http1::Builder,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let kill = Arc::new(Notify::new());
    let service = {
        let kill = kill.clone();
        service_fn(move |request| {
            let shared = shared.clone();
            let kill = kill.clone();
            async move {
                match exchange::handle(&shared, request).await {
                    Reply::Respond(response) => Ok::<_, Infallible>(response),
                    Reply::DropConnection => {
                        // `notify_one` keeps the permit if the select below is not
                        // waiting yet; the connection is dropped before this resumes.
                        kill.notify_one();
                        std::future::pending().await
                    }
                }
            }
        })
    };
    let connection = http.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    let mut stopping = false;
    loop {
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(error) = result {
                    tracing::debug!(%error, "connection ended with an error");
                }
                break;
            }
            () = kill.notified() => break,
            _ = stopped.changed(), if !stopping => {
                connection.as_mut().graceful_shutdown();
                stopping = true;
            }
        }
    }
}
