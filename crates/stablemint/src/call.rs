//! The generic call flow, written once for every operation: validation, the
//! idempotency key, signing every attempt, clock-skew correction, retries by the
//! method's semantics and the client's retry budget, the timeouts, and the spans,
//! metrics and hooks of each attempt. What differs per operation is its [`Operation`]
//! impl, which `cargo xtask gen` writes for every operation of the spec into
//! `operations.rs`; what an attempt's failure means is in `classify.rs`.

use std::borrow::Cow;
use std::future::Future;
use std::time::Duration;

use progenitor_client::{Error as RawError, ResponseValue};

use stablemint_validate::ValidationErrors;
use stablemint_wire::{OperationSpec, ParameterCheck};
use tokio::time::Instant;
use tracing::Instrument as _;

use crate::classify::{FailedAttempt, REQUEST_ID};
use crate::client::Client;
use crate::error::{Error, HookError, HookStage};
use crate::hook::{self, AttemptInfo, AttemptOutcome};
use crate::response::Response;
use crate::retry::RetryPolicy;
use crate::telemetry::{ErrorType, Outcome, Server, record_attempt_end, record_call_end};

/// What the raw client's positional methods return.
pub(crate) type RawResult<T> = Result<ResponseValue<T>, RawError<()>>;

/// The authentication headers of one attempt.
#[derive(Clone, Copy)]
pub(crate) struct AuthHeaders<'a> {
    pub(crate) api_key: &'a str,
    pub(crate) timestamp: i64,
    pub(crate) signature: &'a str,
}

/// Per-call overrides of the client's settings, carried by every generated options type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct CallOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) total_timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
}

/// One call of an operation of the API, as the generic flow needs it: implemented by
/// the generated struct that holds the call's parameters (borrowed as the raw method
/// takes them), never by hand.
///
/// The parameters' lifetime is the implementing type's, and every method borrows
/// `self`: a generic associated type, or a lifetime on the trait, would put the raw
/// method's future behind a higher-ranked bound, and the compiler could then no longer
/// prove a call's future `Send` (rust-lang/rust#100013), which every caller that spawns
/// a call needs.
pub(crate) trait Operation: Sync {
    /// The request body; `()` for an operation without one.
    type Body: Clone + Send + Sync;
    /// The success response; `()` for one without a body.
    type Output: Send;

    /// The operation as the spec describes it (the entry of
    /// `stablemint_raw::operations`): its id, method, path, parameters, what the
    /// signature covers and its idempotency key field. The mock serves the same entry.
    const SPEC: &'static OperationSpec;

    /// Adds to `errors` what breaks the body's rules.
    fn validate(&self, _body: &Self::Body, _errors: &mut ValidationErrors) {}

    /// Gives `check` every parameter with its texts as they are sent.
    fn check_parameters(&self, _check: &mut ParameterCheck<'_>) {}

    /// The value the signature covers, or `None` when the operation is not signed (as
    /// its table entry's `auth` says: the generator writes both from one declaration).
    fn signed_value<'s>(&'s self, body: &'s Self::Body) -> Option<Cow<'s, str>>;

    /// The body's idempotency key, if it has one.
    fn idempotency_key(_body: &Self::Body) -> Option<&str> {
        None
    }

    /// A copy of `body` carrying `key`.
    fn with_idempotency_key(body: &Self::Body, _key: String) -> Self::Body {
        body.clone()
    }

    /// The span of attempt number `attempt` (1 for the first), to `server`: written by
    /// the generator with [`attempt_span!`](crate::telemetry::attempt_span), so that each
    /// operation has its own call site, named after its method.
    fn attempt_span(server: &Server, attempt: u32) -> tracing::Span;

    /// Sends one attempt through the raw client's generated method.
    fn send<'a>(
        &'a self,
        raw: &'a stablemint_raw::Client,
        auth: AuthHeaders<'a>,
        body: &'a Self::Body,
    ) -> impl Future<Output = RawResult<Self::Output>> + Send + 'a;
}

/// What one call uses of the client's settings and its own overrides.
struct CallSettings {
    /// The call's own limit for each attempt, if it has one.
    timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    retry: RetryPolicy,
}

impl Client {
    /// Runs operation `O`. The caller's span (the call's, opened with
    /// [`call_span!`](crate::telemetry::call_span)) is current.
    pub(crate) async fn call<O: Operation>(
        &self,
        operation: &O,
        body: &O::Body,
        options: &CallOptions,
    ) -> Result<Response<O::Output>, Error> {
        let span = tracing::Span::current();
        // What the call's span records costs a call each time; with no subscriber
        // listening, none of it is done.
        let recording = !span.is_disabled();
        let config = self.config();
        let settings = CallSettings {
            // The HTTP client applies the client's own timeout; only a call's own is set on
            // each request, since that costs a task-local scope and an extension (about a
            // thousand instructions an attempt).
            timeout: options.timeout,
            total_timeout: options.total_timeout.or(config.total_timeout),
            retry: options.retry.unwrap_or(config.retry),
        };
        let started = settings.total_timeout.is_some().then(Instant::now);
        // The check the mock runs on what it receives (see `stablemint_wire`): the
        // body's rules, its idempotency key, and every parameter as it is sent.
        let mut errors = ValidationErrors::new();
        operation.validate(body, &mut errors);
        O::SPEC.check_idempotency_key(O::idempotency_key(body), &mut errors);
        let mut parameters = ParameterCheck::new(&mut errors);
        operation.check_parameters(&mut parameters);
        parameters.check_url(O::SPEC, &config.base_url);
        if !errors.is_empty() {
            tracing::debug!(errors = errors.len(), "request invalid; nothing sent");
            let error = Error::Validation(errors);
            return Err(finish(&span, recording, Outcome::Invalid, 0, error));
        }
        // The one copy a call may make: the body with a key of our own, when the
        // operation takes a key, the caller gave none, and retries may happen. It is
        // sent as it is on every attempt.
        let keyed = (O::SPEC.idempotency_key_field.is_some()
            && settings.retry.enabled()
            && O::idempotency_key(body).is_none())
        .then(|| O::with_idempotency_key(body, uuid::Uuid::new_v4().to_string()));
        let body = keyed.as_ref().unwrap_or(body);
        let key = O::idempotency_key(body);
        if recording && let Some(key) = key {
            span.record("stablemint.idempotency_key", key);
        }
        let idempotent = key.is_some() || O::SPEC.method.is_idempotent();
        // A deadline too far away to be represented is no deadline.
        let deadline = settings
            .total_timeout
            .and_then(|limit| started?.checked_add(limit));

        // The offset this call signs with: the one kept from earlier calls, until a 401
        // whose `Date` shows skew gives a better one to resend with once. Only a resend
        // that then succeeds keeps it for later calls.
        let kept = self.clock_offset();
        let mut offset = kept;
        let mut attempts = 0;
        let mut retries = 0;
        let mut skew_resent = false;
        // What the last retry took from the retry budget: given back if it succeeds.
        let mut retry_tokens = 0;
        loop {
            attempts += 1;
            let attempt_span = O::attempt_span(&config.server, attempts);
            let attempt_started = config.times_attempts().then(Instant::now);
            // Pinned where it is made, so that wrapping it in its span (and in the
            // deadline's timeout) moves a pointer, not the attempt's whole state.
            let attempt = std::pin::pin!(self.attempt(
                operation,
                body,
                key,
                settings.timeout,
                offset,
                attempts
            ));
            let attempt = attempt.instrument(attempt_span.clone());
            let outcome = match deadline {
                Some(deadline) => match tokio::time::timeout_at(deadline, attempt).await {
                    Ok(outcome) => outcome,
                    Err(_) => {
                        tracing::debug!("deadline passed during an attempt");
                        let ended = Ended {
                            status: None,
                            error: Some(ErrorType::DEADLINE),
                            request_id: None,
                        };
                        let error = match self.attempt_ended::<O>(
                            &attempt_span,
                            attempts,
                            attempt_started,
                            ended,
                        ) {
                            Ok(()) => Error::Deadline {
                                limit: settings.total_timeout.unwrap_or_default(),
                                attempts,
                                idempotency_key: key.map(str::to_owned),
                            },
                            Err(message) => after_hook_panicked(message, attempts, key),
                        };
                        let outcome = outcome_of(&error, Outcome::Deadline);
                        return Err(finish(&span, recording, outcome, attempts, error));
                    }
                },
                None => attempt.await,
            };
            let failure = match outcome {
                Ok((value, status, request_id)) => {
                    let id = request_id.as_ref().and_then(|id| id.to_str().ok());
                    let ended = Ended {
                        status: Some(status),
                        error: None,
                        request_id: id,
                    };
                    if let Err(message) =
                        self.attempt_ended::<O>(&attempt_span, attempts, attempt_started, ended)
                    {
                        let error = after_hook_panicked(message, attempts, key);
                        return Err(ended_by_hook(&span, recording, attempts, error));
                    }
                    if offset != kept {
                        self.keep_clock_offset(offset);
                    }
                    config.retry_budget.succeeded(retry_tokens);
                    tracing::debug!("call succeeded");
                    if recording {
                        record_call_end(&span, Outcome::Success, attempts, None, id);
                    }
                    return Ok(Response::new(
                        value,
                        key.map(str::to_owned),
                        request_id,
                        attempts,
                    ));
                }
                Err(failure) => failure,
            };
            let error_type = ErrorType::of(&failure.error);
            // A hook that panicked before the attempt was sent: nothing was sent, so no
            // hook hears of its end.
            if !matches!(failure.error, Error::Hook(_)) {
                let ended = Ended {
                    status: failure.error.status(),
                    error: Some(error_type),
                    request_id: failure.error.request_id(),
                };
                if let Err(message) =
                    self.attempt_ended::<O>(&attempt_span, attempts, attempt_started, ended)
                {
                    let error = after_hook_panicked(message, attempts, key);
                    return Err(ended_by_hook(&span, recording, attempts, error));
                }
            } else if !attempt_span.is_disabled() {
                record_attempt_end(&attempt_span, None, Some(error_type));
            }
            if let Some(server_time) = failure.skewed_server_time
                && config.clock_skew_correction
                && !skew_resent
            {
                match self.offset_to(server_time) {
                    Some(candidate) => {
                        tracing::info!(
                            offset_s = candidate,
                            "clock skew: resending once, signed with the server's time"
                        );
                        offset = candidate;
                        skew_resent = true;
                        continue;
                    }
                    None => tracing::debug!(
                        "the server's Date is more than a day from this clock: not believed"
                    ),
                }
            }
            if failure.error.status() == Some(401)
                && failure.skewed_server_time.is_none()
                && offset != 0
                && offset == kept
            {
                // The kept offset did not make this 401 go away: it may be what caused it.
                self.drop_clock_offset(offset);
            }
            let error = failure.error.with_attempts(attempts);
            let may_retry = failure.retry.allows(idempotent);
            if !may_retry || retries >= settings.retry.max_retries() {
                tracing::debug!(operation = O::SPEC.id, may_retry, "call failed");
                let outcome = if may_retry {
                    Outcome::RetriesExhausted
                } else {
                    outcome_of(&error, Outcome::Failed)
                };
                return Err(finish(&span, recording, outcome, attempts, error));
            }
            let delay = settings.retry.delay(retries, failure.retry_after);
            let too_late = deadline.is_some_and(|deadline| {
                Instant::now()
                    .checked_add(delay)
                    .is_none_or(|after| after >= deadline)
            });
            if too_late {
                tracing::debug!("no time for another attempt before the deadline");
                return Err(finish(&span, recording, Outcome::Deadline, attempts, error));
            }
            // Taken only for a retry that will be made, after every other reason not to.
            let Some(tokens) = config
                .retry_budget
                .take_retry(error_type == ErrorType::TIMEOUT)
            else {
                tracing::debug!("the client's retry budget is spent: not retrying");
                #[cfg(feature = "metrics")]
                config.metrics.retry(O::SPEC.id, error_type, false);
                let error = error.with_retry_budget_exhausted();
                let outcome = Outcome::RetryBudgetExhausted;
                return Err(finish(&span, recording, outcome, attempts, error));
            };
            retry_tokens = tokens;
            #[cfg(feature = "metrics")]
            config.metrics.retry(O::SPEC.id, error_type, true);
            tracing::debug!(
                delay_ms = delay.as_millis() as u64,
                "attempt failed; retrying"
            );
            config.sleeper.sleep(delay).await;
            retries += 1;
        }
    }

    /// Tells the attempt's span, the metrics and the hooks how attempt number `attempt`
    /// ended; the text of a hook's panic, if one panicked.
    fn attempt_ended<O: Operation>(
        &self,
        span: &tracing::Span,
        attempt: u32,
        started: Option<Instant>,
        ended: Ended<'_>,
    ) -> Result<(), String> {
        if !span.is_disabled() {
            record_attempt_end(span, ended.status, ended.error);
        }
        let Some(started) = started else {
            return Ok(());
        };
        let duration = started.elapsed();
        let config = self.config();
        #[cfg(feature = "metrics")]
        config.metrics.attempt(
            O::SPEC.method.as_str(),
            O::SPEC.path,
            duration,
            ended.status,
            ended.error,
        );
        let Some(hooks) = &config.hooks else {
            return Ok(());
        };
        let info = attempt_info::<O>(attempt);
        let mut buffer = [0; 3];
        let outcome = AttemptOutcome {
            info: &info,
            status: ended.status,
            error_type: ended.error.as_ref().map(|e| e.as_str(&mut buffer)),
            duration,
            request_id: ended.request_id,
        };
        hook::after_attempt(hooks, &outcome)
    }

    /// One attempt, signed anew (with the clock moved by `offset`) when the operation is
    /// signed; on success, the value, the status and the request id.
    async fn attempt<O: Operation>(
        &self,
        operation: &O,
        body: &O::Body,
        key: Option<&str>,
        timeout: Option<Duration>,
        offset: i64,
        attempt: u32,
    ) -> Result<(O::Output, u16, Option<reqwest::header::HeaderValue>), FailedAttempt> {
        let config = self.config();
        let timestamp = self.timestamp_with(offset);
        let signed = match operation.signed_value(body) {
            Some(value) => {
                stablemint_wire::signature(timestamp, config.credentials.api_secret(), &value)
            }
            None => String::new(),
        };
        let auth = AuthHeaders {
            api_key: config.credentials.api_key(),
            timestamp: i64::try_from(timestamp).unwrap_or(i64::MAX),
            signature: &signed,
        };
        // Pinned where it is made: awaiting it, or wrapping it in a task-local scope,
        // then moves a pointer rather than the request's whole state.
        let sent = std::pin::pin!(operation.send(&config.raw, auth, body));
        let outcome = match (&config.hooks, timeout) {
            (None, None) => sent.await,
            (None, Some(timeout)) => stablemint_raw::with_attempt_timeout(timeout, sent).await,
            (Some(hooks), timeout) => {
                let before = hook::before_send(hooks.clone(), attempt_info::<O>(attempt));
                let mut settings = stablemint_raw::AttemptSettings::new().before_send(before);
                if let Some(timeout) = timeout {
                    settings = settings.timeout(timeout);
                }
                stablemint_raw::with_attempt(settings, sent).await
            }
        };
        match outcome {
            Ok(response) => {
                let status = response.status().as_u16();
                // Kept as the header's own value: no copy unless someone asks for it.
                let request_id = response.headers().get(&REQUEST_ID).cloned();
                Ok((response.into_inner(), status, request_id))
            }
            Err(error) => Err(self.classify(O::SPEC, error, timestamp, key, attempt).await),
        }
    }
}

/// How an attempt ended, for its span, the metrics and the hooks.
struct Ended<'a> {
    status: Option<u16>,
    error: Option<ErrorType>,
    request_id: Option<&'a str>,
}

/// What the hooks are told of attempt number `attempt` of `O`.
fn attempt_info<O: Operation>(attempt: u32) -> AttemptInfo {
    AttemptInfo {
        operation_id: O::SPEC.id,
        method: O::SPEC.method.as_str(),
        url_template: O::SPEC.path,
        attempt,
    }
}

/// The error of a call whose hook panicked after attempt number `attempts`.
fn after_hook_panicked(message: String, attempts: u32, key: Option<&str>) -> Error {
    Error::Hook(Box::new(HookError {
        stage: HookStage::AfterAttempt,
        attempt: attempts,
        message,
        idempotency_key: key.map(str::to_owned),
        attempts,
    }))
}

/// [`finish`] for a call that a hook's panic ended after attempt number `attempts`.
fn ended_by_hook(span: &tracing::Span, recording: bool, attempts: u32, error: Error) -> Error {
    finish(span, recording, Outcome::HookPanicked, attempts, error)
}

/// `usual`, unless `error` says a hook panicked.
fn outcome_of(error: &Error, usual: Outcome) -> Outcome {
    if matches!(error, Error::Hook(_)) {
        Outcome::HookPanicked
    } else {
        usual
    }
}

/// Records how the call ended on its span (when `recording`), and gives back `error`.
fn finish(
    span: &tracing::Span,
    recording: bool,
    outcome: Outcome,
    attempts: u32,
    error: Error,
) -> Error {
    if recording {
        let error_type = ErrorType::of(&error);
        record_call_end(
            span,
            outcome,
            attempts,
            Some(error_type),
            error.request_id(),
        );
    }
    error
}
