//! A created embedded session.

use std::ops::Deref;
use std::time::{Duration, SystemTime};

use crate::types::EmbeddedSessionResponse;

/// A session StableMint created: the generated [`EmbeddedSessionResponse`] (through
/// `Deref`) plus conveniences for its expiry.
#[derive(Debug, Clone)]
pub struct EmbeddedSession {
    response: EmbeddedSessionResponse,
}

impl EmbeddedSession {
    pub(crate) fn new(response: EmbeddedSessionResponse) -> Self {
        Self { response }
    }

    /// When the session expires (`expiresAt`, Unix seconds).
    pub fn expires_at(&self) -> SystemTime {
        let seconds = self.response.expires_at;
        let offset = Duration::from_secs(seconds.unsigned_abs());
        let moment = if seconds >= 0 {
            SystemTime::UNIX_EPOCH.checked_add(offset)
        } else {
            SystemTime::UNIX_EPOCH.checked_sub(offset)
        };
        moment.unwrap_or(SystemTime::UNIX_EPOCH)
    }

    /// Whether the session has expired by the system clock.
    pub fn is_expired(&self) -> bool {
        self.is_expired_at(SystemTime::now())
    }

    /// Whether the session has expired at `now`.
    pub fn is_expired_at(&self, now: SystemTime) -> bool {
        now >= self.expires_at()
    }

    /// The generated response value.
    pub fn into_inner(self) -> EmbeddedSessionResponse {
        self.response
    }
}

impl Deref for EmbeddedSession {
    type Target = EmbeddedSessionResponse;

    fn deref(&self) -> &EmbeddedSessionResponse {
        &self.response
    }
}

impl From<EmbeddedSession> for EmbeddedSessionResponse {
    fn from(session: EmbeddedSession) -> Self {
        session.response
    }
}
