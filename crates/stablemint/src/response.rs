//! A successful answer, with what the call learned along the way.

use std::ops::Deref;
use std::time::{Duration, SystemTime};

use crate::types::EmbeddedSessionResponse;

/// A successful answer: the generated response type (through `Deref`), plus the
/// idempotency key the call was sent with, the server's request id and how many
/// attempts it took.
#[derive(Debug, Clone)]
pub struct Response<T> {
    value: T,
    idempotency_key: Option<String>,
    /// The request-id header as received; read as text only when asked for.
    request_id: Option<reqwest::header::HeaderValue>,
    attempts: u32,
}

/// A session StableMint created (`POST /session/embedded`).
pub type EmbeddedSession = Response<EmbeddedSessionResponse>;

impl<T> Response<T> {
    pub(crate) fn new(
        value: T,
        idempotency_key: Option<String>,
        request_id: Option<reqwest::header::HeaderValue>,
        attempts: u32,
    ) -> Self {
        Self {
            value,
            idempotency_key,
            request_id,
            attempts,
        }
    }

    /// The idempotency key the call was sent with: the request's own, or the one the
    /// client added. `None` only when the call had none (retries off, or an operation
    /// without one).
    pub fn idempotency_key(&self) -> Option<&str> {
        self.idempotency_key.as_deref()
    }

    /// The server's request id (the `x-request-id`
    /// response header), when it sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_ref().and_then(|id| id.to_str().ok())
    }

    /// How many attempts the call made: 1 when the first one succeeded.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The generated response value.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

/// An answer that says when what it describes expires: its `expiresAt`, in Unix seconds.
///
/// The generator implements it for every success type of the spec with a required
/// `expiresAt` integer (`format: int64`), so every such [`Response`] has
/// [`expiry`](Response::expiry), [`expires_at_rfc3339`](Response::expires_at_rfc3339) and
/// [`is_expired`](Response::is_expired). It cannot be implemented outside this crate.
pub trait Expiring: sealed::Sealed {
    /// The `expiresAt` field: Unix seconds.
    fn expires_at_unix(&self) -> i64;
}

pub(crate) mod sealed {
    /// Only the generated impls of [`Expiring`](super::Expiring) may exist.
    pub trait Sealed {}
}

impl<T: Expiring> Response<T> {
    /// When it expires, as a `SystemTime` (`expires_at` is the same moment in Unix
    /// seconds, as the API sends it). A moment `SystemTime` cannot hold is the nearest
    /// one it can, never a panic.
    pub fn expiry(&self) -> SystemTime {
        let seconds = self.value.expires_at_unix();
        let offset = Duration::from_secs(seconds.unsigned_abs());
        let moment = if seconds >= 0 {
            SystemTime::UNIX_EPOCH.checked_add(offset)
        } else {
            SystemTime::UNIX_EPOCH.checked_sub(offset)
        };
        moment.unwrap_or(SystemTime::UNIX_EPOCH)
    }

    /// When it expires, as an RFC 3339 UTC timestamp (`2026-11-26T14:15:00Z`).
    pub fn expires_at_rfc3339(&self) -> String {
        crate::text::rfc3339(self.value.expires_at_unix())
    }

    /// Whether it has expired by the system clock.
    pub fn is_expired(&self) -> bool {
        self.is_expired_at(SystemTime::now())
    }

    /// Whether it has expired at `now`.
    pub fn is_expired_at(&self, now: SystemTime) -> bool {
        now >= self.expiry()
    }
}
