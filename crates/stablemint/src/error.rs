//! What can go wrong with a call.

use std::fmt;

use stablemint_validate::ValidationErrors;

/// The error of any `stablemint` operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request broke a validation rule, so nothing was sent. Every broken rule is
    /// listed, each with the JSON Pointer of its field; values are never shown.
    #[error("the request is invalid, so it was not sent:\n{0}")]
    Validation(ValidationErrors),

    /// StableMint answered with a status other than 200.
    #[error("{}", api_message(*.status, .body, .request_id.as_deref(), *.timestamp))]
    Api {
        /// The HTTP status code.
        status: u16,
        /// The response body.
        body: ApiBody,
        /// The `x-request-id` response header, when the server sent one; quote it when
        /// you contact StableMint.
        request_id: Option<String>,
        /// The `timestamp` header this client sent (Unix seconds, from its own clock).
        timestamp: u64,
    },

    /// The request did not complete: connection refused or reset, DNS, TLS, or timeout.
    #[error("could not reach StableMint: {0}; check the base URL and the network, then retry")]
    Transport(#[source] reqwest::Error),

    /// StableMint answered 200 but the body is not the documented response.
    #[error(
        "StableMint answered {status} with a body that is not a valid response \
         ({source}); the API may have changed, so check for a newer stablemint crate"
    )]
    Decode {
        /// The HTTP status code.
        status: u16,
        /// The body that failed to decode.
        body: String,
        /// Why it failed.
        #[source]
        source: serde_json::Error,
    },

    /// The client was configured wrongly; the message says which setting and why.
    #[error("invalid client configuration: {0}")]
    Config(String),
}

impl Error {
    /// The HTTP status of the response this error came from, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::Decode { status, .. } => Some(*status),
            Error::Transport(e) => e.status().map(|s| s.as_u16()),
            Error::Validation(_) | Error::Config(_) => None,
        }
    }
}

/// The body of an error response: the raw text, and the same parsed as JSON when it is
/// JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiBody {
    // Boxed so that `Result<_, Error>` stays small on the success path.
    inner: Box<(String, Option<serde_json::Value>)>,
}

impl ApiBody {
    pub(crate) fn new(text: String) -> Self {
        let json = serde_json::from_str(&text).ok();
        Self {
            inner: Box::new((text, json)),
        }
    }

    /// The body exactly as received.
    pub fn text(&self) -> &str {
        &self.inner.0
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<&serde_json::Value> {
        self.inner.1.as_ref()
    }

    /// The server's own explanation: the JSON `message` (or `error`) string when there
    /// is one, else the text, shortened to 300 characters.
    pub fn message(&self) -> String {
        let from_json = self.json().and_then(|json| {
            ["message", "error", "detail", "title"]
                .iter()
                .find_map(|key| json.get(key)?.as_str())
        });
        let text = from_json.unwrap_or(self.text()).trim();
        match text.char_indices().nth(300) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text.to_owned(),
        }
    }
}

impl fmt::Display for ApiBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

fn api_message(status: u16, body: &ApiBody, request_id: Option<&str>, timestamp: u64) -> String {
    let hint = match status {
        401 => format!(
            "StableMint refused the credentials. Likely causes: a wrong API key or secret, \
             or clock skew: this request was signed with timestamp {timestamp} (Unix \
             seconds, from the local clock), and the server refuses timestamps far from its \
             own time, so check that this machine's clock is synchronised"
        ),
        403 => "StableMint refused access: check that this API key may create sessions".into(),
        404 | 405 => "StableMint does not know this endpoint: check the base URL".into(),
        409 => "StableMint saw a conflict: the idempotencyKey was used before with a \
                different request; use a new key for a new request"
            .into(),
        429 => "StableMint is rate limiting this client: retry later, more slowly".into(),
        400..=499 => "StableMint rejected the request".into(),
        500..=599 => "StableMint had a server error: retry later".into(),
        _ => "StableMint answered with an unexpected status".into(),
    };
    let mut message = format!("{hint} (HTTP {status})");
    let said = body.message();
    if !said.is_empty() {
        message.push_str(&format!("; the server said: {said}"));
    }
    if let Some(id) = request_id {
        message.push_str(&format!("; request id {id}"));
    }
    message
}
