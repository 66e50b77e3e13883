//! The journal: every request the mock received, in order, however it was answered, so
//! that a test can show what its code sent (that a retry carried the same idempotency
//! key, that an invalid request sent nothing).

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Mutex, PoisonError};

use serde_json::Value;

/// One request as the mock received it. Authentication header values are not kept: only
/// whether the signature verified.
///
/// ```
/// use stablemint_mock::{Received, SignatureCheck};
///
/// /// Whether `retry` repeated `first`: the same idempotency key, signed.
/// fn is_a_retry_of(retry: &Received, first: &Received) -> bool {
///     first.idempotency_key.is_some()
///         && retry.idempotency_key == first.idempotency_key
///         && retry.signature == SignatureCheck::Verified
/// }
/// # let _ = is_a_retry_of;
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Received {
    /// The operation it was routed to (its operationId), or `None` for a path or method
    /// the spec does not have.
    pub operation: Option<&'static str>,
    /// The method, such as `POST`.
    pub method: String,
    /// The path, as sent (percent-encoded).
    pub path: String,
    /// The query string, as sent, if there was one.
    pub query: Option<String>,
    /// The body, when it was JSON.
    pub body: Option<Value>,
    /// The idempotency key the body carried, for an operation that takes one.
    pub idempotency_key: Option<String>,
    /// Whether the signature verified.
    pub signature: SignatureCheck,
    /// The status answered, or `None` when the connection was closed without an answer.
    pub status: Option<u16>,
    /// What the test made of the request: an injected fault (`status`,
    /// `drop_connection`, `drop_after_processing`, `delay`) or a scripted answer
    /// (`script`), if either applied.
    pub fault: Option<&'static str>,
}

/// Whether a request's signature verified.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let kit = stablemint_mock::TestKit::start().await?;
/// // … your code calls StableMint through kit.client() …
/// let journal = kit.journal();
/// assert!(journal.iter().all(|r| r.signature == stablemint_mock::SignatureCheck::Verified));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureCheck {
    /// The key was the mock's, and the signature was the one the secret gives over the
    /// `timestamp` header and the signed value. (Whether the timestamp was fresh is
    /// another check.)
    Verified,
    /// The key, the signature or a header it needs was wrong or missing.
    Wrong,
    /// The operation is not signed (`auth: none`), or the request reached none.
    NotSigned,
}

impl fmt::Display for Received {
    /// One line: `createEmbeddedSession POST /session/embedded key=order:1 signed → 503
    /// (status)`; the body is not shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = stablemint_wire::shown(&self.path, 120);
        write!(
            f,
            "{} {} {path}",
            self.operation.unwrap_or("(no operation)"),
            self.method
        )?;
        if let Some(key) = &self.idempotency_key {
            write!(f, " key={}", stablemint_wire::shown(key, 80))?;
        }
        match self.signature {
            SignatureCheck::Verified => f.write_str(" signed")?,
            SignatureCheck::Wrong => f.write_str(" badly signed")?,
            SignatureCheck::NotSigned => {}
        }
        match self.status {
            Some(status) => write!(f, " → {status}")?,
            None => f.write_str(" → no answer")?,
        }
        if let Some(fault) = self.fault {
            write!(f, " ({fault})")?;
        }
        Ok(())
    }
}

/// What the mock has received, oldest first (a copy, taken when asked for).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use stablemint_mock::{MockConfig, MockServer};
///
/// let server = MockServer::start(MockConfig::new("test_key", "test_secret")).await?;
/// let journal = server.journal();
/// assert!(journal.is_empty());
/// assert_eq!(journal.of("createEmbeddedSession").count(), 0);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Journal {
    entries: Vec<Received>,
    forgotten: usize,
}

impl Journal {
    /// Every request kept, oldest first.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let kit = stablemint_mock::TestKit::start().await?;
    /// // … your code calls StableMint through kit.client() …
    /// for received in kit.journal().iter() {
    ///     assert_ne!(received.status, Some(401), "{received}");
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn iter(&self) -> std::slice::Iter<'_, Received> {
        self.entries.iter()
    }

    /// The requests to `operation_id`, oldest first.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let kit = stablemint_mock::TestKit::start().await?;
    /// // … your code refuses an invalid order before calling StableMint …
    /// assert_eq!(kit.journal().of("createEmbeddedSession").count(), 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn of<'j>(&'j self, operation_id: &'j str) -> impl Iterator<Item = &'j Received> + 'j {
        self.entries
            .iter()
            .filter(move |r| r.operation == Some(operation_id))
    }

    /// How many requests it holds.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let kit = stablemint_mock::TestKit::start().await?;
    /// assert_eq!(kit.journal().len(), 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds none.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let kit = stablemint_mock::TestKit::start().await?;
    /// assert!(kit.journal().is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many of the oldest requests were forgotten to keep it within its limit
    /// ([`MockConfig::journal_limit`](crate::MockConfig::journal_limit)).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use stablemint_mock::{MockConfig, TestKit};
    ///
    /// let config = MockConfig::new(TestKit::API_KEY, TestKit::API_SECRET).journal_limit(10);
    /// let kit = TestKit::with_config(config).await?;
    /// assert_eq!(kit.journal().forgotten(), 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn forgotten(&self) -> usize {
        self.forgotten
    }
}

impl<'j> IntoIterator for &'j Journal {
    type Item = &'j Received;
    type IntoIter = std::slice::Iter<'j, Received>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

impl fmt::Display for Journal {
    /// One numbered line per request; none: `(no request)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.entries.is_empty() {
            return f.write_str("(no request)");
        }
        if self.forgotten > 0 {
            writeln!(f, "({} older requests forgotten)", self.forgotten)?;
        }
        for (index, received) in self.entries.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{}. {received}", index + 1 + self.forgotten)?;
        }
        Ok(())
    }
}

/// The journal a server keeps: at most `limit` requests, the oldest forgotten first.
pub(crate) struct Store {
    limit: usize,
    kept: Mutex<(VecDeque<Received>, usize)>,
}

impl Store {
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            limit,
            kept: Mutex::new((VecDeque::new(), 0)),
        }
    }

    /// Whether it keeps any request (a limit of zero keeps none).
    pub(crate) fn keeps(&self) -> bool {
        self.limit > 0
    }

    pub(crate) fn push(&self, received: Received) {
        if self.limit == 0 {
            return;
        }
        // Each change is one push and pops: consistent even if a holder panicked.
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.0.push_back(received);
        while kept.0.len() > self.limit {
            kept.0.pop_front();
            kept.1 += 1;
        }
    }

    pub(crate) fn snapshot(&self) -> Journal {
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        Journal {
            entries: kept.0.iter().cloned().collect(),
            forgotten: kept.1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn received(path: &str) -> Received {
        Received {
            operation: Some("createEmbeddedSession"),
            method: "POST".into(),
            path: path.into(),
            query: None,
            body: None,
            idempotency_key: Some("order:7".into()),
            signature: SignatureCheck::Verified,
            status: Some(503),
            fault: Some("status"),
        }
    }

    #[test]
    fn the_oldest_are_forgotten_past_the_limit() {
        let store = Store::new(2);
        for path in ["/a", "/b", "/c"] {
            store.push(received(path));
        }
        let journal = store.snapshot();
        let paths: Vec<&str> = journal.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(paths, ["/b", "/c"]);
        assert_eq!(journal.forgotten(), 1);
        assert_eq!(
            journal.to_string(),
            "(1 older requests forgotten)\n\
             2. createEmbeddedSession POST /b key=order:7 signed → 503 (status)\n\
             3. createEmbeddedSession POST /c key=order:7 signed → 503 (status)"
        );
        let off = Store::new(0);
        off.push(received("/a"));
        assert!(off.snapshot().is_empty());
        assert_eq!(off.snapshot().to_string(), "(no request)");
    }

    #[test]
    fn lines_escape_what_came_from_the_client() {
        let mut odd = received("/x\u{1b}[2J");
        odd.idempotency_key = Some("k\nfake".into());
        odd.operation = None;
        odd.signature = SignatureCheck::NotSigned;
        odd.status = None;
        odd.fault = None;
        assert_eq!(
            odd.to_string(),
            r"(no operation) POST /x\u{1b}[2J key=k\u{a}fake → no answer"
        );
    }
}
