//! Expectations: what a test says the mock must have received, checked on demand
//! ([`MockServer::verify`](crate::MockServer::verify)) and when the server is dropped.

use std::fmt;

use crate::journal::Journal;

/// What the mock must have received of one operation.
///
/// ```
/// use stablemint_mock::Expect;
///
/// // Three attempts, all with the same idempotency key.
/// let retried = Expect::called("createEmbeddedSession").times(3).with_one_key();
/// // Not one request.
/// let untouched = Expect::called("createEmbeddedSession").never();
/// # let _ = (retried, untouched);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expect {
    operation: String,
    times: Option<usize>,
    one_key: bool,
}

impl Expect {
    /// The operation `operation_id` is called at least once.
    ///
    /// ```
    /// let called = stablemint_mock::Expect::called("createEmbeddedSession");
    /// # let _ = called;
    /// ```
    pub fn called(operation_id: impl Into<String>) -> Self {
        Self {
            operation: operation_id.into(),
            times: None,
            one_key: false,
        }
    }

    /// … exactly `count` times (every attempt counts: a retry is a call).
    ///
    /// ```
    /// // One call, retried once after a 503.
    /// let retried = stablemint_mock::Expect::called("createEmbeddedSession").times(2);
    /// # let _ = retried;
    /// ```
    pub fn times(mut self, count: usize) -> Self {
        self.times = Some(count);
        self
    }

    /// … never.
    ///
    /// ```
    /// // An invalid order must not reach StableMint.
    /// let untouched = stablemint_mock::Expect::called("createEmbeddedSession").never();
    /// # let _ = untouched;
    /// ```
    pub fn never(self) -> Self {
        self.times(0)
    }

    /// … and every call carried one idempotency key, the same.
    ///
    /// ```
    /// let safe = stablemint_mock::Expect::called("createEmbeddedSession").with_one_key();
    /// # let _ = safe;
    /// ```
    pub fn with_one_key(mut self) -> Self {
        self.one_key = true;
        self
    }

    /// The operation it is about.
    pub(crate) fn operation(&self) -> &str {
        &self.operation
    }

    /// Why `journal` does not meet it, if it does not.
    pub(crate) fn unmet(&self, journal: &Journal) -> Option<String> {
        let calls: Vec<_> = journal.of(&self.operation).collect();
        let name = stablemint_wire::shown(&self.operation, 100);
        let count = calls.len();
        match self.times {
            Some(times) if count != times => {
                return Some(format!(
                    "{name} was expected to be called {}, and was called {}",
                    plural(times),
                    plural(count)
                ));
            }
            None if count == 0 => return Some(format!("{name} was expected to be called")),
            _ => {}
        }
        if self.one_key {
            let first = calls.first().and_then(|c| c.idempotency_key.as_deref());
            let one =
                first.is_some() && calls.iter().all(|c| c.idempotency_key.as_deref() == first);
            if !one {
                return Some(format!(
                    "{name} was expected to carry one idempotency key on every call, and \
                     did not"
                ));
            }
        }
        None
    }
}

fn plural(n: usize) -> String {
    match n {
        1 => "once".to_owned(),
        n => format!("{n} times"),
    }
}

/// Expectations a server's journal does not meet: each, and every request it received.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use stablemint_mock::{Expect, TestKit};
///
/// let kit = TestKit::start().await?;
/// kit.expect(Expect::called("createEmbeddedSession"))?;
/// let unmet = kit.verify().unwrap_err();
/// assert_eq!(unmet.reasons, ["createEmbeddedSession was expected to be called"]);
/// assert_eq!(
///     unmet.to_string(),
///     "createEmbeddedSession was expected to be called\nthe mock received:\n(no request)"
/// );
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Unmet {
    /// Why each expectation is not met, in the order they were set.
    pub reasons: Vec<String>,
    /// What the server received.
    pub journal: Journal,
}

impl fmt::Display for Unmet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for reason in &self.reasons {
            writeln!(f, "{reason}")?;
        }
        write!(f, "the mock received:\n{}", self.journal)
    }
}

impl std::error::Error for Unmet {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{Received, SignatureCheck, Store};

    fn journal(keys: &[Option<&str>]) -> Journal {
        let store = Store::new(10);
        for key in keys {
            store.push(Received {
                operation: Some("createEmbeddedSession"),
                method: "POST".into(),
                path: "/session/embedded".into(),
                query: None,
                body: None,
                idempotency_key: key.map(str::to_owned),
                signature: SignatureCheck::Verified,
                status: Some(200),
                fault: None,
            });
        }
        store.snapshot()
    }

    #[test]
    fn counts_and_keys() {
        let op = "createEmbeddedSession";
        let two = journal(&[Some("k"), Some("k")]);
        assert_eq!(Expect::called(op).times(2).with_one_key().unmet(&two), None);
        assert_eq!(Expect::called(op).unmet(&two), None);
        assert_eq!(
            Expect::called(op).times(1).unmet(&two).as_deref(),
            Some("createEmbeddedSession was expected to be called once, and was called 2 times")
        );
        assert_eq!(
            Expect::called(op).unmet(&journal(&[])).as_deref(),
            Some("createEmbeddedSession was expected to be called")
        );
        assert_eq!(Expect::called(op).never().unmet(&journal(&[])), None);
        for keys in [
            &[Some("k"), Some("j")][..],
            &[None, None],
            &[Some("k"), None],
        ] {
            assert!(
                Expect::called(op)
                    .with_one_key()
                    .unmet(&journal(keys))
                    .is_some(),
                "{keys:?}"
            );
        }
        let unmet = Unmet {
            reasons: vec!["x was expected to be called".into()],
            journal: two,
        };
        assert_eq!(
            unmet.to_string(),
            "x was expected to be called\nthe mock received:\n\
             1. createEmbeddedSession POST /session/embedded key=k signed → 200\n\
             2. createEmbeddedSession POST /session/embedded key=k signed → 200"
        );
    }
}
