//! The test kit (the `kit` feature): a mock on a free port and a `stablemint::Client`
//! already pointed at it, with its credentials, whose retries wait no real time.

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use stablemint::{Client, ClientBuilder, Credentials, SleepFuture, Sleeper};

use crate::{MockConfig, MockServer};

/// A mock and a client wired to it, for testing code that calls StableMint.
///
/// The client is `stablemint::Client` as your code builds it, with the mock's base URL
/// and credentials (made up: [`TestKit::API_KEY`], [`TestKit::API_SECRET`]), and a
/// [`RecordingSleeper`]: a retry's wait is recorded ([`delays`](Self::delays)) instead of
/// slept, so a test of retries takes no time. Everything of [`MockServer`] is here too
/// (through `Deref`): [`script`](MockServer::script) answers,
/// [`journal`](MockServer::journal) what was received, [`expect`](MockServer::expect)
/// and [`verify`](MockServer::verify).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use stablemint::types::EmbeddedSessionRequest;
/// use stablemint_mock::{Answer, Expect, TestKit};
///
/// let kit = TestKit::start().await?;
/// kit.script("createEmbeddedSession", [Answer::status(503)])?;
/// kit.expect(Expect::called("createEmbeddedSession").times(2).with_one_key())?;
///
/// let request: EmbeddedSessionRequest = EmbeddedSessionRequest::builder()
///     .user_id("user-1")
///     .user_email("jane@example.com")
///     .user_country_code("DE")
///     .currency("EUR")
///     .try_into()?;
/// let session = kit.client().create_embedded_session(&request).await?;
///
/// assert_eq!(session.attempts(), 2);
/// assert_eq!(kit.delays().len(), 1); // one wait, not slept
/// kit.verify()?;
/// # Ok(())
/// # }
/// ```
pub struct TestKit {
    server: MockServer,
    client: Client,
    sleeper: RecordingSleeper,
    credentials: Credentials,
}

impl TestKit {
    /// The API key the kit's mock accepts and its client sends (made up).
    ///
    /// ```
    /// use stablemint_mock::{MockConfig, TestKit};
    ///
    /// // A mock of your own configuration that the kit's client still signs for.
    /// let config = MockConfig::new(TestKit::API_KEY, TestKit::API_SECRET);
    /// # let _ = config;
    /// ```
    pub const API_KEY: &'static str = "test-kit-key-0001";

    /// The secret the kit's mock verifies and its client signs with (made up).
    ///
    /// ```
    /// let credentials = stablemint::Credentials::new(
    ///     stablemint_mock::TestKit::API_KEY,
    ///     stablemint_mock::TestKit::API_SECRET,
    /// );
    /// # let _ = credentials;
    /// ```
    pub const API_SECRET: &'static str = "test-kit-made-up-secret";

    /// A mock with the default configuration and the kit's credentials, on a free port
    /// of 127.0.0.1, and its client.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let kit = stablemint_mock::TestKit::start().await?;
    /// assert!(kit.base_url().starts_with("http://127.0.0.1:"));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start() -> std::io::Result<TestKit> {
        Self::with_config(MockConfig::new(Self::API_KEY, Self::API_SECRET)).await
    }

    /// A mock with `config` (its credentials are the client's), and its client.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::time::Duration;
    /// use stablemint_mock::{MockConfig, TestKit};
    ///
    /// let config = MockConfig::new("my-key", "my-made-up-secret")
    ///     .session_ttl(Duration::from_secs(60));
    /// let kit = TestKit::with_config(config).await?;
    /// # let _ = kit;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn with_config(config: MockConfig) -> std::io::Result<TestKit> {
        let credentials = Credentials::new(config.api_key.clone(), config.api_secret.as_str());
        let server = MockServer::start(config).await?;
        let sleeper = RecordingSleeper::new();
        let client = Client::builder(credentials.clone())
            .base_url(&server.base_url())
            .sleeper(sleeper.clone())
            .build()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        Ok(TestKit {
            server,
            client,
            sleeper,
            credentials,
        })
    }

    /// The client, pointed at the mock.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let kit = stablemint_mock::TestKit::start().await?;
    /// let client: stablemint::Client = kit.client().clone(); // for your code's state
    /// assert_eq!(client.base_url(), kit.base_url());
    /// # Ok(())
    /// # }
    /// ```
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// A builder for another client of the same mock (its base URL, credentials and
    /// recording sleeper set), to change a setting first: a retry policy, a timeout.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let kit = stablemint_mock::TestKit::start().await?;
    /// let no_retries = kit.client_builder().retry(stablemint::RetryPolicy::none()).build()?;
    /// # let _ = no_retries;
    /// # Ok(())
    /// # }
    /// ```
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder(self.credentials.clone())
            .base_url(&self.server.base_url())
            .sleeper(self.sleeper.clone())
    }

    /// The waits the kit's clients asked for between retries, in order (none was
    /// slept).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use stablemint_mock::{Answer, TestKit};
    ///
    /// let kit = TestKit::start().await?;
    /// kit.script("createEmbeddedSession", [Answer::status(503).times(2)])?;
    /// // … your code creates a session through kit.client() …
    /// # let request: stablemint::types::EmbeddedSessionRequest =
    /// #     stablemint::types::EmbeddedSessionRequest::builder()
    /// #         .user_id("u-1").user_email("jane@example.com").user_country_code("DE")
    /// #         .currency("EUR").try_into()?;
    /// # kit.client().create_embedded_session(&request).await?;
    /// assert_eq!(kit.delays().len(), 2); // two backoffs, none slept
    /// # Ok(())
    /// # }
    /// ```
    pub fn delays(&self) -> Vec<Duration> {
        self.sleeper.delays()
    }

    /// The mock.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let kit = stablemint_mock::TestKit::start().await?;
    /// let server: &stablemint_mock::MockServer = kit.server();
    /// assert_eq!(server.requests_received(), 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// Stops the mock (checking its expectations first, as a drop does).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let kit = stablemint_mock::TestKit::start().await?;
    /// kit.expect(stablemint_mock::Expect::called("createEmbeddedSession").never())?;
    /// kit.shutdown().await; // panics if an expectation is unmet
    /// # Ok(())
    /// # }
    /// ```
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}

impl Deref for TestKit {
    type Target = MockServer;

    fn deref(&self) -> &MockServer {
        &self.server
    }
}

impl fmt::Debug for TestKit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestKit")
            .field("server", &self.server)
            .field("delays", &self.delays())
            .finish_non_exhaustive()
    }
}

/// A [`Sleeper`] that records each wait it is asked for and returns at once, so that a
/// test can check the backoff and `Retry-After` without waiting. Clones share the record.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::time::Duration;
/// use stablemint::Sleeper;
/// use stablemint_mock::RecordingSleeper;
///
/// let sleeper = RecordingSleeper::new();
/// sleeper.sleep(Duration::from_secs(5)).await; // returns at once
/// assert_eq!(sleeper.delays(), [Duration::from_secs(5)]);
/// # }
/// ```
#[derive(Clone, Debug, Default)]
pub struct RecordingSleeper {
    delays: Arc<Mutex<Vec<Duration>>>,
}

impl RecordingSleeper {
    /// A sleeper with nothing recorded.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let sleeper = stablemint_mock::RecordingSleeper::new();
    /// assert!(sleeper.delays().is_empty());
    /// let client = stablemint::Client::builder(stablemint::Credentials::new("key", "secret"))
    ///     .sleeper(sleeper.clone())
    ///     .build()?;
    /// # let _ = client;
    /// # Ok(())
    /// # }
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Every wait asked for, in order.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use stablemint::Sleeper;
    ///
    /// let sleeper = stablemint_mock::RecordingSleeper::new();
    /// sleeper.sleep(Duration::from_millis(250)).await;
    /// sleeper.sleep(Duration::from_millis(500)).await;
    /// assert_eq!(sleeper.delays(), [Duration::from_millis(250), Duration::from_millis(500)]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn delays(&self) -> Vec<Duration> {
        self.delays
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, delay: Duration) -> SleepFuture {
        // One push: consistent even if a holder panicked.
        self.delays
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(delay);
        Box::pin(std::future::ready(()))
    }
}
