//! What the property tests of `tests/inputs.rs` need: a server that records the bytes
//! it receives, exactly, and a client of the every-shape operations pointed at it under
//! a base URL with a path prefix.
//!
//! The server is a plain TCP listener that reads one request per connection and answers
//! `404` with `connection: close`, so nothing is retried and every request arrives on a
//! fresh connection. It reads what a real server reads: the request target as sent, the
//! header values with their surrounding spaces trimmed (as HTTP says), and the body.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};

use sha2::{Digest, Sha256};
use stablemint::{Client, Credentials, RetryPolicy};

/// The made-up credentials every client here uses.
pub const KEY: &str = "inputs-key-0001";
/// The made-up secret every client here signs with.
pub const SECRET: &str = "inputs-made-up-secret";
/// The path the base URL ends with: every request's target must start with it.
pub const PREFIX: &str = "/api/stablemint/v1";

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The method.
    pub method: String,
    /// The request target, as sent: path and query, still percent-encoded.
    pub target: String,
    /// Every header as `(lower-case name, value bytes)`, the value trimmed of spaces.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Recorded {
    /// The value of header `name` as text, if it was sent and is UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| std::str::from_utf8(v).ok())
    }

    /// The target's path, without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The target's query, if it has one.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    /// Whether `signature` is the SHA-256 of `"<timestamp>,<secret>,<value>"`, computed
    /// here from the definition, not with the crate's own function.
    pub fn is_signed_over(&self, value: &str) -> bool {
        let (Some(timestamp), Some(signature)) =
            (self.header("timestamp"), self.header("signature"))
        else {
            return false;
        };
        let expected = hex::encode(Sha256::digest(format!("{timestamp},{SECRET},{value}")));
        signature == expected
    }
}

/// A recording server on 127.0.0.1.
pub struct Recorder {
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    seen: Arc<Mutex<Vec<Recorded>>>,
}

impl Recorder {
    /// Starts the server on a thread of its own.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let origin = format!("http://{}", listener.local_addr().expect("an address"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                if let Some(request) = read_request(&stream) {
                    record
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(request);
                }
                let mut stream = stream;
                let _ = stream.write_all(
                    b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n\
                      content-length: 2\r\nconnection: close\r\n\r\n{}",
                );
            }
        });
        Self { origin, seen }
    }

    /// Takes every request received since the last call.
    pub fn take(&self) -> Vec<Recorded> {
        std::mem::take(&mut *self.seen.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// A client of this server under [`PREFIX`], which never retries.
    pub fn client(&self) -> Client {
        Client::builder(Credentials::new(KEY, SECRET))
            .base_url(&format!("{}{PREFIX}", self.origin))
            .retry(RetryPolicy::none())
            .build()
            .expect("a client")
    }
}

/// One request from `stream`: the head up to a blank line (at most 1 MiB), then a body
/// of `content-length` bytes.
fn read_request(stream: &TcpStream) -> Option<Recorded> {
    let mut reader = BufReader::new(stream.take(1 << 20));
    let mut line = Vec::new();
    reader.read_until(b'\n', &mut line).ok()?;
    let request_line = String::from_utf8(line).ok()?;
    let mut parts = request_line.trim_end().split(' ');
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = Vec::new();
        reader.read_until(b'\n', &mut line).ok()?;
        if line == b"\r\n" || line.is_empty() {
            break;
        }
        let line = line.strip_suffix(b"\r\n")?;
        let colon = line.iter().position(|b| *b == b':')?;
        let name = String::from_utf8(line[..colon].to_vec())
            .ok()?
            .to_ascii_lowercase();
        let value = line[colon + 1..].trim_ascii().to_vec();
        headers.push((name, value));
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| std::str::from_utf8(v).ok()?.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Recorded {
        method,
        target,
        headers,
        body,
    })
}

/// What in `request` a careful server (the mock) would refuse as ambiguous: a body
/// that is not UTF-8 JSON with each key once, a `Content-Type` other than plain
/// `application/json`, a query that does not decode to UTF-8, a whole number written
/// other than canonically. Empty when there is nothing.
pub fn ambiguities(request: &Recorded) -> Vec<String> {
    let mut found = Vec::new();
    if !request.body.is_empty() {
        match std::str::from_utf8(&request.body) {
            Ok(text) => {
                if stablemint_wire::read_json(text).is_err() {
                    found.push("a body that is not JSON with each key once".to_owned());
                }
            }
            Err(_) => found.push("a body that is not UTF-8".to_owned()),
        }
        if request.header("content-type") != Some("application/json") {
            found.push(format!("content-type {:?}", request.header("content-type")));
        }
    }
    if let Some(query) = request.query() {
        for pair in query.split('&') {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decoded = [name, value].map(|text| {
                percent_encoding::percent_decode_str(&text.replace('+', " "))
                    .decode_utf8()
                    .map(|text| text.into_owned())
            });
            let [Ok(name), Ok(value)] = decoded else {
                found.push(format!("a query pair that is not UTF-8: {pair:?}"));
                continue;
            };
            if name == "limit" && !stablemint_wire::ParameterKind::Int32.accepts(&value) {
                found.push(format!("a whole number written as {value:?}"));
            }
        }
    }
    found
}
