//! The names of the headers both sides read.

/// The request header that carries the API key.
pub const API_KEY: &str = "api_key";

/// The request header that carries the Unix time, in seconds, the request was signed at.
pub const TIMESTAMP: &str = "timestamp";

/// The request header that carries the signature (see [`signature`](crate::signature)).
pub const SIGNATURE: &str = "signature";

/// The three authentication headers, in the order the spec lists them.
pub const AUTH_HEADERS: [&str; 3] = [API_KEY, TIMESTAMP, SIGNATURE];

/// The response header that carries the server's request id.
///
/// StableMint's documentation names none; `x-request-id` is the common convention, and
/// the mock sends it. This constant is the one place the name lives.
pub const REQUEST_ID: &str = "x-request-id";
