//! The lines every error message shares: the call's request id, attempts and
//! idempotency key, and how much of the server's text is shown.

use stablemint_wire::{escape_controls, shown};

/// How many characters of the server's message an error shows.
pub(super) const MESSAGE_LIMIT: usize = 300;

/// What an error says when the retry budget stopped its call.
pub(super) const BUDGET_LINE: &str = "\n  no retry was made: this client's retry budget is spent, \
                           because many of its calls failed and were retried lately (as \
                           when StableMint is failing); it refills as calls succeed";

/// The lines that identify a call: its request id, its attempts and its idempotency
/// key. The advice to send the request again with the key is given only when `retry`
/// says that can help: the request may or may not have been carried out (a transport
/// error, a timeout, 429 or 5xx), not when StableMint refused it.
pub(super) fn call_lines(
    request_id: Option<&str>,
    idempotency_key: Option<&str>,
    attempts: u32,
    retry: bool,
) -> String {
    let mut lines = String::new();
    if let Some(id) = request_id {
        lines.push_str(&format!("\n  request id: {}", shown(id, 200)));
    }
    if attempts > 0 {
        lines.push_str(&format!("\n  attempts: {attempts}"));
    }
    if let Some(key) = idempotency_key {
        let key = escape_controls(key);
        if retry {
            lines.push_str(&format!(
                "\n  idempotency key: {key}; to retry without creating a duplicate, send \
                 the request again with this key"
            ));
        } else {
            lines.push_str(&format!("\n  idempotency key: {key}"));
        }
    }
    lines
}
