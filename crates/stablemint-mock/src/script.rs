//! Scripted answers: what a test says the mock answers to the next requests to one
//! operation, in order, before it goes back to answering from the spec.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use serde_json::Value;
use stablemint_wire::OperationSpec;

use crate::config::{Fault, FaultError, check_operation};

/// How the mock answers one request to an operation, when a test says so
/// ([`MockServer::script`](crate::MockServer::script)).
///
/// An answer applies once unless [`times`](Self::times) or [`always`](Self::always)
/// says otherwise, and may be [`delayed`](Self::delayed). What no answer is scripted
/// for is answered from the spec, as always.
///
/// ```
/// use std::time::Duration;
/// use stablemint_mock::Answer;
///
/// // 503 twice, then as the spec says, a second late.
/// let answers = [
///     Answer::status(503).times(2),
///     Answer::process().delayed(Duration::from_secs(1)),
/// ];
/// # let _ = answers;
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub(crate) action: Action,
    pub(crate) delay: Option<Duration>,
    pub(crate) times: Times,
}

/// What is done with the request.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Action {
    /// Every check, then the answer from the spec.
    Process,
    /// Processed, then the connection is closed without the answer.
    DropAfterProcessing,
    /// The connection is closed before anything is checked.
    DropConnection,
    /// This status with the mock's error JSON (`injected_fault`), nothing processed.
    Status(u16),
    /// This status with this body, nothing processed; `typed` when it came from a value
    /// of a generated type, which must decode as the operation declares it.
    Json {
        status: u16,
        body: Result<Value, String>,
        typed: bool,
    },
}

/// How many requests an answer applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Times {
    Count(usize),
    Always,
}

impl Answer {
    fn new(action: Action) -> Self {
        Self {
            action,
            delay: None,
            times: Times::Count(1),
        }
    }

    /// Every check, then the answer the spec gives: what the mock does when nothing is
    /// scripted. In a sequence, it lets one request through.
    ///
    /// ```
    /// # use stablemint_mock::Answer;
    /// let first_lost_then_fine = [Answer::drop_after_processing(), Answer::process()];
    /// # let _ = first_lost_then_fine;
    /// ```
    pub fn process() -> Self {
        Self::new(Action::Process)
    }

    /// This HTTP status with the mock's error JSON (code `injected_fault`, in the
    /// shape the operation declares for the status, if it declares one), without
    /// processing the request: nothing is created.
    ///
    /// ```
    /// # use stablemint_mock::Answer;
    /// let unavailable = Answer::status(503);
    /// # let _ = unavailable;
    /// ```
    pub fn status(status: u16) -> Self {
        Self::new(Action::Status(status))
    }

    /// This HTTP status with exactly this JSON body, without processing the request:
    /// for answers the spec does not describe (a body that does not decode, a field
    /// that is not there yet).
    ///
    /// ```
    /// # use stablemint_mock::Answer;
    /// let odd = Answer::json(200, serde_json::json!({"unexpected": true}));
    /// # let _ = odd;
    /// ```
    pub fn json(status: u16, body: Value) -> Self {
        Self::new(Action::Json {
            status,
            body: Ok(body),
            typed: false,
        })
    }

    /// This HTTP status with `body`, a value of a generated type, as its JSON, without
    /// processing the request. [`script`](crate::MockServer::script) checks that it
    /// decodes as the type the operation declares for the status (its success type, or
    /// its declared error type), so the answer is one the real API could give.
    ///
    /// ```
    /// use stablemint::types::EmbeddedSessionResponse;
    /// # use stablemint_mock::Answer;
    /// let session: EmbeddedSessionResponse = serde_json::from_value(serde_json::json!({
    ///     "sessionId": "1c3a9f5e-2a8b-4c6d-9e0f-123456789abc",
    ///     "expiresAt": 1_800_000_000_i64,
    ///     "allowedPaymentMethods": [],
    ///     "reference": "SM-0000000000000001",
    /// }))?;
    /// let answer = Answer::body(200, &session);
    /// # let _ = answer;
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn body<T: serde::Serialize>(status: u16, body: &T) -> Self {
        Self::new(Action::Json {
            status,
            body: serde_json::to_value(body).map_err(|e| e.to_string()),
            typed: true,
        })
    }

    /// Closes the connection before checking anything: the client sees a connection
    /// error, and nothing is created.
    ///
    /// ```
    /// # use stablemint_mock::Answer;
    /// let unreachable = Answer::drop_connection();
    /// # let _ = unreachable;
    /// ```
    pub fn drop_connection() -> Self {
        Self::new(Action::DropConnection)
    }

    /// Processes the request (a valid one creates what it creates, and stores its
    /// idempotency key), then closes the connection without the answer: the server
    /// acted, the client saw a connection error.
    ///
    /// ```
    /// # use stablemint_mock::Answer;
    /// let lost = Answer::drop_after_processing();
    /// # let _ = lost;
    /// ```
    pub fn drop_after_processing() -> Self {
        Self::new(Action::DropAfterProcessing)
    }

    /// The same answer, sent `delay` later (real time; a client that gives up meanwhile
    /// closes the connection).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use stablemint_mock::Answer;
    /// let slow = Answer::process().delayed(Duration::from_millis(300));
    /// # let _ = slow;
    /// ```
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// The same answer for the next `count` requests (zero: none).
    ///
    /// ```
    /// # use stablemint_mock::Answer;
    /// let twice = Answer::status(503).times(2);
    /// # let _ = twice;
    /// ```
    pub fn times(mut self, count: usize) -> Self {
        self.times = Times::Count(count);
        self
    }

    /// The same answer for every request from now on; answers scripted after it are
    /// never reached.
    ///
    /// ```
    /// # use stablemint_mock::Answer;
    /// let down = Answer::status(503).always();
    /// # let _ = down;
    /// ```
    pub fn always(mut self) -> Self {
        self.times = Times::Always;
        self
    }

    /// The answer a [`Fault`] stands for.
    pub(crate) fn from_fault(fault: Fault) -> Self {
        match fault {
            Fault::Status(status) => Self::status(status),
            Fault::DropConnection => Self::drop_connection(),
            Fault::DropAfterProcessing => Self::drop_after_processing(),
            Fault::Delay(delay) => Self::process().delayed(delay),
        }
    }

    /// Refuses what cannot be answered, or a typed body that is not the operation's.
    fn check(&self, operation: &OperationSpec) -> Result<(), FaultError> {
        match &self.action {
            Action::Status(status) => Fault::Status(*status).check(),
            Action::Json {
                status,
                body,
                typed,
            } => {
                Fault::Status(*status).check()?;
                let body = body.as_ref().map_err(|e| FaultError::Body {
                    operation: operation.id.to_owned(),
                    status: *status,
                    problem: format!("it does not serialise as JSON: {e}"),
                })?;
                if *typed {
                    check_declared(operation, *status, body)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// Whether `body` decodes as the type `operation` declares for `status`.
fn check_declared(operation: &OperationSpec, status: u16, body: &Value) -> Result<(), FaultError> {
    let declared = if (200..300).contains(&status) {
        Some(&operation.success)
    } else {
        operation.error_for(status)
    };
    let fail = |problem: String| FaultError::Body {
        operation: operation.id.to_owned(),
        status,
        problem,
    };
    let Some(declared) = declared else {
        return Err(fail(
            "the operation declares no type for this status; script it with \
             `Answer::json`"
                .to_owned(),
        ));
    };
    let Some(decode) = declared.decode else {
        return Err(fail(
            "the operation declares no body for this status".to_owned(),
        ));
    };
    let bytes = serde_json::to_vec(body).map_err(|e| fail(e.to_string()))?;
    decode(&bytes).map(drop).map_err(|e| {
        fail(format!(
            "it does not decode as {}: {e}",
            declared.rust_type.unwrap_or("the declared type")
        ))
    })
}

/// The answers scripted for each operation, in order.
#[derive(Default)]
pub(crate) struct Scripts {
    queues: HashMap<String, VecDeque<Answer>>,
}

impl Scripts {
    /// Appends `answers` for `operation` (one of `operations`), after those scripted
    /// already; all or none.
    pub(crate) fn add(
        &mut self,
        operations: &'static [OperationSpec],
        operation: &str,
        answers: impl IntoIterator<Item = Answer>,
    ) -> Result<(), FaultError> {
        check_operation(operations, operation)?;
        let spec = operations
            .iter()
            .find(|op| op.id == operation)
            .ok_or_else(|| FaultError::UnknownOperation(operation.to_owned()))?;
        let answers: Vec<Answer> = answers.into_iter().collect();
        for answer in &answers {
            answer.check(spec)?;
        }
        self.queues
            .entry(operation.to_owned())
            .or_default()
            .extend(answers.into_iter().filter(|a| a.times != Times::Count(0)));
        Ok(())
    }

    /// The answer for this request to `operation`, if one is scripted; counts it down.
    pub(crate) fn take(&mut self, operation: &str) -> Option<Answer> {
        let queue = self.queues.get_mut(operation)?;
        let front = queue.front_mut()?;
        let answer = front.clone();
        match &mut front.times {
            Times::Always => {}
            Times::Count(left) => {
                *left -= 1;
                if *left == 0 {
                    queue.pop_front();
                }
            }
        }
        Some(answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static OPERATIONS: &[OperationSpec] = stablemint_raw::operations::ALL;
    const CREATE: &str = "createEmbeddedSession";

    #[test]
    fn answers_are_taken_in_order_and_counted_down() {
        let mut scripts = Scripts::default();
        scripts
            .add(
                OPERATIONS,
                CREATE,
                [
                    Answer::status(503).times(2),
                    Answer::status(418).times(0),
                    Answer::process(),
                    Answer::status(502).always(),
                ],
            )
            .unwrap();
        let taken: Vec<Action> = (0..6)
            .map(|_| scripts.take(CREATE).unwrap().action)
            .collect();
        assert_eq!(
            taken,
            [
                Action::Status(503),
                Action::Status(503),
                Action::Process,
                Action::Status(502),
                Action::Status(502),
                Action::Status(502),
            ]
        );
        assert_eq!(Scripts::default().take(CREATE), None);
    }

    #[test]
    fn what_cannot_be_answered_is_refused_and_nothing_is_scripted() {
        let mut scripts = Scripts::default();
        let error = scripts
            .add(OPERATIONS, CREATE, [Answer::process(), Answer::status(99)])
            .unwrap_err();
        assert_eq!(error, FaultError::Status(99));
        assert_eq!(scripts.take(CREATE), None);
        assert!(matches!(
            scripts.add(OPERATIONS, "nope", [Answer::process()]),
            Err(FaultError::UnknownOperation(_))
        ));
        // A typed body must be the operation's: this is not a session.
        let error = scripts
            .add(
                OPERATIONS,
                CREATE,
                [Answer::body(200, &serde_json::json!({"sessionId": 5}))],
            )
            .unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("types::EmbeddedSessionResponse"),
            "{message}"
        );
        // No error type is declared for 409: a typed body there is refused; raw JSON
        // is taken as it is.
        let error = scripts
            .add(
                OPERATIONS,
                CREATE,
                [Answer::body(409, &serde_json::json!({}))],
            )
            .unwrap_err();
        assert!(error.to_string().contains("Answer::json"), "{error}");
        scripts
            .add(
                OPERATIONS,
                CREATE,
                [Answer::json(409, serde_json::json!({}))],
            )
            .unwrap();
    }
}
