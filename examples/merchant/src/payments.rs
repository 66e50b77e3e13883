//! Every call into `stablemint` and `stablemint-mock` made by this example, in one place.
//!
//! The rest of the example sees only the types below: [`Gateway`] to create a session,
//! `Sandbox` for the in-process mock (with the `sandbox` feature), [`idempotency_key`]
//! for the key of an order's session, and its own [`Session`], [`CallError`] and
//! [`CallFailure`]. So when those crates change, this module is the one to adapt.

#[cfg(feature = "sandbox")]
use std::io;
use std::time::Duration;

use stablemint::{Client, Error, RetryPolicy, Validate, types};

use crate::Clock;
pub use crate::store::Session;
use crate::store::{Order, Payer};
pub use crate::support::unix_seconds;
#[cfg(feature = "sandbox")]
use stablemint_mock::{MockConfig, MockServer};
#[cfg(feature = "sandbox")]
use zeroize::Zeroizing;

/// The API key and secret, as `stablemint` keeps them: the secret is wiped from memory
/// on drop and never shown by `Debug`.
pub use stablemint::Credentials;

/// The URL the client sends to when `STABLEMINT_BASE_URL` is not set.
pub const PRODUCTION_URL: &str = stablemint::PRODUCTION_URL;

/// How many attempts one call makes: the first and two retries, all with the order's
/// idempotency key. A test that wants a call to fail arms this many faults.
pub const ATTEMPTS_PER_CALL: usize = 3;

/// The idempotency key of an order's `generation`-th session.
///
/// It is derived from the order, not drawn at random, and stored with the order before
/// the call: a process that dies after StableMint created the session but before the
/// answer was stored sends the same key again when the order is retried, and StableMint
/// answers with the session it already created. The client's own automatic key only
/// covers the retries inside one call.
///
/// The generation is part of the key because an expired session is replaced by a new
/// one for the same order, and that needs a new key: the old one would replay the
/// expired session.
pub fn idempotency_key(order_id: &str, generation: u32) -> String {
    stablemint::IdempotencyKey::for_order_session(order_id, generation).into_string()
}

/// What the shop sends to StableMint for an order.
#[derive(Clone, PartialEq)]
pub struct SessionDetails {
    /// The shop's order id; sent as `websiteReference`, which StableMint's notifications
    /// carry, so that a webhook can be matched to its order.
    pub order_id: String,
    /// The buyer's e-mail address.
    pub user_email: String,
    /// The buyer's country, ISO 3166-1 alpha-2.
    pub user_country_code: String,
    /// The amount to pay: the order's total, from its minor units.
    pub amount: f64,
    /// The currency, ISO 4217.
    pub currency: String,
}

impl SessionDetails {
    /// The details of `order`, paid by `payer`: the amount and the currency are the
    /// order's own, as the server computed them, never anything the browser sent.
    pub fn for_order(order: &Order, payer: &Payer) -> Result<SessionDetails, Vec<FieldError>> {
        let amount = stablemint::amount_from_minor_units(order.total_minor, &order.currency)
            .map_err(|invalid| {
                vec![FieldError {
                    pointer: "/amount".into(),
                    code: invalid.code().to_owned(),
                    message: invalid.message().to_owned(),
                }]
            })?;
        Ok(SessionDetails {
            order_id: order.id.clone(),
            user_email: payer.email.clone(),
            user_country_code: payer.country_code.clone(),
            amount,
            currency: order.currency.clone(),
        })
    }
}

impl std::fmt::Debug for SessionDetails {
    // The e-mail address is personal data: it is never printed, so never logged.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionDetails")
            .field("order_id", &self.order_id)
            .field("user_email", &"** personal data **")
            .field("user_country_code", &self.user_country_code)
            .field("amount", &self.amount)
            .field("currency", &self.currency)
            .finish()
    }
}

/// A problem with one field of a request, at its JSON Pointer (`/userEmail`), with the
/// rule's code and a message that names the fix but never repeats the value.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// Where the problem is, as a JSON Pointer into the request.
    pub pointer: String,
    /// The broken rule (`email`, `alpha2`, `required`, ...).
    pub code: String,
    /// What is wrong and what to do.
    pub message: String,
}

/// Why no session came back.
#[derive(Debug)]
pub enum CallError {
    /// The request breaks StableMint's rules, so it was not sent.
    Invalid(Vec<FieldError>),
    /// StableMint answered, or failed to, in a way the shop cannot fix by itself; the
    /// [`CallFailure`] says how, for the operator's log.
    Failed(CallFailure),
}

/// How a call that gave no session failed: everything an operator needs to follow it
/// up, none of it for the shopper's eyes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallFailure {
    /// What kind of failure it was.
    pub kind: CallFailureKind,
    /// The HTTP status of StableMint's last answer, if there was one.
    pub status: Option<u16>,
    /// StableMint's request id of its last answer, if it sent one.
    pub request_id: Option<String>,
    /// The idempotency key the call was sent with.
    pub idempotency_key: Option<String>,
    /// How many attempts the call made.
    pub attempts: u32,
    /// The client's own description (StableMint's message included, its control
    /// characters escaped). It may quote what the server sent back, so it is logged
    /// only through [`crate::support::redact`].
    pub detail: String,
}

/// The kinds of [`CallFailure`], by what the shopper can do about them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallFailureKind {
    /// StableMint was unavailable (5xx or 429 on every attempt): trying again later may
    /// work, with the same key.
    Unavailable,
    /// No answer came back (connection refused or reset, DNS): the session may exist;
    /// trying again with the same key gets it.
    Unreachable,
    /// The call's deadline passed: as for [`Unreachable`](Self::Unreachable).
    Timeout,
    /// StableMint refused the request (4xx: credentials, a key reused with another
    /// request, a rule the shop's own check missed): trying again will not help.
    Refused,
    /// StableMint answered with success, but not with a session this client can read.
    Undecodable,
    /// The client is set up wrongly.
    Misconfigured,
}

impl CallFailureKind {
    /// The kind's name in logs.
    pub fn name(self) -> &'static str {
        match self {
            CallFailureKind::Unavailable => "unavailable",
            CallFailureKind::Unreachable => "unreachable",
            CallFailureKind::Timeout => "timeout",
            CallFailureKind::Refused => "refused",
            CallFailureKind::Undecodable => "undecodable",
            CallFailureKind::Misconfigured => "misconfigured",
        }
    }

    /// Whether the shopper should be told to try again: the same key then gets the
    /// session, if one was made.
    pub fn retryable(self) -> bool {
        matches!(
            self,
            CallFailureKind::Unavailable | CallFailureKind::Unreachable | CallFailureKind::Timeout
        )
    }
}

impl CallFailure {
    /// The failure `error` describes.
    fn of(error: &Error) -> CallFailure {
        let kind = match error {
            Error::Transport { source, .. } if source.is_timeout() => CallFailureKind::Timeout,
            Error::Transport { .. } => CallFailureKind::Unreachable,
            Error::Deadline { .. } => CallFailureKind::Timeout,
            Error::Api(api) if api.status >= 500 || api.status == 429 => {
                CallFailureKind::Unavailable
            }
            Error::Api(_) => CallFailureKind::Refused,
            Error::Decode(_) | Error::ResponseTooLarge { .. } => CallFailureKind::Undecodable,
            _ => CallFailureKind::Misconfigured,
        };
        CallFailure {
            kind,
            status: error.status(),
            request_id: error.request_id().map(str::to_owned),
            idempotency_key: error.idempotency_key().map(str::to_owned),
            attempts: error.attempts(),
            detail: error.to_string(),
        }
    }
}

/// Checks `details` against StableMint's rules without sending anything, so that an
/// invalid order is refused before it is stored.
pub fn validate(details: &SessionDetails) -> Result<(), Vec<FieldError>> {
    request(details, "validation-only").map(|_| ())
}

/// Checks who pays against StableMint's rules (e-mail, country) before an order is
/// looked up: the rules are checked on a request whose amount and currency are valid
/// stand-ins, and only the payer's fields are reported.
pub fn validate_payer(payer: &Payer) -> Result<(), Vec<FieldError>> {
    let details = SessionDetails {
        order_id: "ord_payer_check".into(),
        user_email: payer.email.clone(),
        user_country_code: payer.country_code.clone(),
        amount: 1.0,
        currency: "EUR".into(),
    };
    let errors: Vec<FieldError> = validate(&details)
        .err()
        .unwrap_or_default()
        .into_iter()
        .filter(|e| e.pointer == "/userEmail" || e.pointer == "/userCountryCode")
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The request for `details`, carrying `idempotency_key`, checked against StableMint's
/// rules.
fn request(
    details: &SessionDetails,
    idempotency_key: &str,
) -> Result<types::EmbeddedSessionRequest, Vec<FieldError>> {
    let request: types::EmbeddedSessionRequest = types::EmbeddedSessionRequest::builder()
        .user_id(user_id(&details.order_id))
        .user_email(details.user_email.clone())
        .user_country_code(details.user_country_code.clone())
        .currency(details.currency.clone())
        .amount(details.amount)
        .website_reference(Some(details.order_id.clone()))
        .idempotency_key(idempotency_key)
        .try_into()
        .map_err(|error: types::error::ConversionError| {
            vec![FieldError {
                pointer: String::new(),
                code: "builder".into(),
                message: error.to_string(),
            }]
        })?;
    request.validate().map_err(field_errors)?;
    Ok(request)
}

/// StableMint's `userId`: this example has guest checkouts only, so each order is its
/// own user. A shop with accounts sends its customer id instead.
fn user_id(order_id: &str) -> String {
    format!("guest-{order_id}")
}

fn field_errors(errors: stablemint::ValidationErrors) -> Vec<FieldError> {
    errors
        .iter()
        .map(|error| FieldError {
            pointer: error.pointer().to_owned(),
            code: error.code().to_owned(),
            message: error.message().to_owned(),
        })
        .collect()
}

/// Where the shop's sessions come from: StableMint, or a mock of it.
#[derive(Clone, Debug)]
pub struct Gateway {
    client: Client,
}

impl Gateway {
    /// A client for the API at `base_url` (https, or http to loopback), with a deadline
    /// of `call_timeout` for each call, retries and waits included, and the example's
    /// retry policy (see [`ATTEMPTS_PER_CALL`]). Requests are signed with the time from
    /// `clock`.
    pub fn new(
        base_url: &str,
        credentials: Credentials,
        call_timeout: Duration,
        clock: Clock,
    ) -> Result<Gateway, String> {
        let retries = u32::try_from(ATTEMPTS_PER_CALL - 1).unwrap_or(u32::MAX);
        Client::builder(credentials)
            .base_url(base_url)
            .clock(SigningClock(clock))
            .retry(RetryPolicy::default().with_max_retries(retries))
            .timeout(call_timeout)
            .total_timeout(call_timeout)
            .build()
            .map(|client| Gateway { client })
            .map_err(|error| error.to_string())
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.client.base_url()
    }

    /// Creates the session for `details` with `idempotency_key`; with the key of an
    /// earlier call that got no answer, StableMint returns that call's session.
    pub async fn create_session(
        &self,
        details: &SessionDetails,
        idempotency_key: &str,
    ) -> Result<Session, CallError> {
        let request = request(details, idempotency_key).map_err(CallError::Invalid)?;
        match self.client.create_embedded_session(&request).await {
            Ok(session) => Ok(Session {
                id: session.session_id.to_string(),
                reference: session.reference.clone(),
                expires_at: session.expires_at,
            }),
            Err(Error::Validation(errors)) => Err(CallError::Invalid(field_errors(errors))),
            Err(error) => Err(CallError::Failed(CallFailure::of(&error))),
        }
    }
}

/// The server's clock, as the client reads it for the `timestamp` it signs.
struct SigningClock(Clock);

impl std::fmt::Debug for SigningClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningClock")
    }
}

impl stablemint::Clock for SigningClock {
    fn now(&self) -> std::time::SystemTime {
        (self.0)()
    }
}

#[cfg(feature = "sandbox")]
/// How to start the in-process sandbox.
#[derive(Clone, Debug)]
pub struct SandboxOptions {
    /// The API key it accepts.
    pub api_key: String,
    /// The secret it checks signatures with.
    pub api_secret: Secret,
    /// How long its sessions live; `None` for the mock's default (900 s).
    pub session_ttl: Option<Duration>,
}

#[cfg(feature = "sandbox")]
impl SandboxOptions {
    /// A sandbox with made-up credentials: a fixed key and a secret new to this process,
    /// which is never shown.
    pub fn new() -> SandboxOptions {
        let secret = format!("sandbox_secret_{}", uuid::Uuid::new_v4().simple());
        SandboxOptions::with_credentials("sandbox_key", &secret)
    }

    /// The key and secret, to take out of anything logged.
    pub fn secrets(&self) -> crate::support::Secrets {
        crate::support::Secrets::new([self.api_key.as_str(), self.api_secret.0.as_str()])
    }

    /// A sandbox that accepts this key and secret.
    pub fn with_credentials(api_key: &str, api_secret: &str) -> SandboxOptions {
        SandboxOptions {
            api_key: api_key.to_owned(),
            api_secret: Secret(Zeroizing::new(api_secret.to_owned())),
            session_ttl: None,
        }
    }
}

#[cfg(feature = "sandbox")]
impl Default for SandboxOptions {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(feature = "sandbox")]
/// A secret that `Debug` never shows and that is wiped from memory on drop.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

#[cfg(feature = "sandbox")]
impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("** redacted **")
    }
}

#[cfg(feature = "sandbox")]
/// `stablemint-mock`, running in this process on `127.0.0.1`: StableMint's checks
/// (signature, timestamp, idempotency keys) without the network.
///
/// It derefs to the [`MockServer`], so a test scripts its answers, reads its journal
/// and sets expectations with the mock's own test kit:
/// `sandbox.script("createEmbeddedSession", [Answer::status(503)])`.
pub struct Sandbox {
    server: MockServer,
    credentials: Credentials,
}

#[cfg(feature = "sandbox")]
impl std::ops::Deref for Sandbox {
    type Target = MockServer;

    fn deref(&self) -> &MockServer {
        &self.server
    }
}

#[cfg(feature = "sandbox")]
impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.server.base_url())
            .field("credentials", &self.credentials)
            .finish()
    }
}

#[cfg(feature = "sandbox")]
impl Sandbox {
    /// Starts the mock on a free port of `127.0.0.1`, reading the time from `clock`
    /// (for `expiresAt` and its timestamp check).
    pub async fn start(options: SandboxOptions, clock: Clock) -> io::Result<Sandbox> {
        let secret: &str = &options.api_secret.0;
        let credentials = Credentials::new(options.api_key.clone(), secret);
        let mut config = MockConfig::new(options.api_key, secret).clock(move || clock());
        if let Some(ttl) = options.session_ttl {
            config = config.session_ttl(ttl);
        }
        let server = MockServer::start(config).await?;
        Ok(Sandbox {
            server,
            credentials,
        })
    }

    /// The credentials it accepts, for the client.
    pub fn credentials(&self) -> Credentials {
        self.credentials.clone()
    }

    /// Stops it and waits until its port is free.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}
