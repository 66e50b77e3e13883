//! A server with made-up credentials and a fixed clock, requests signed by hand, and
//! assertions on the one error shape.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value, json};
use stablemint::types::EmbeddedSessionResponse;
use stablemint_mock::{MockConfig, MockServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const KEY: &str = "mock-key-made-up-3f9c";
pub const SECRET: &str = "mock-secret-made-up-b51e0a";
/// The fixed server time of [`config`], in Unix seconds.
pub const NOW: u64 = 1_700_000_000;
pub const ROUTE: &str = "/session/embedded";

/// A path no operation of the spec can have, however the spec grows: one segment more
/// than its deepest path template, so that no template can match it.
pub fn unknown_path() -> String {
    let deepest = stablemint_raw::operations::ALL
        .iter()
        .map(|operation| operation.path.split('/').count())
        .max()
        .unwrap_or(1);
    "/not-served".repeat(deepest)
}

/// Whether some operation of the spec has a path template that matches `path`, as the
/// mock routes: as many segments, literals equal, variables not empty.
pub fn served(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').skip(1).collect();
    stablemint_raw::operations::ALL.iter().any(|operation| {
        let template: Vec<&str> = operation.path.split('/').skip(1).collect();
        template.len() == parts.len()
            && template.iter().zip(&parts).all(|(t, p)| {
                if t.starts_with('{') {
                    !p.is_empty()
                } else {
                    t == p
                }
            })
    })
}

/// What a 404's message lists: every operation the spec has (the first ten).
pub fn assert_lists_what_is_served(message: &str) {
    for operation in stablemint_raw::operations::ALL.iter().take(10) {
        let served = format!("{} {}", operation.method, operation.path);
        assert!(message.contains(&served), "{served} not in: {message}");
    }
    assert!(message.ends_with("; check the path"), "{message}");
}

/// A configuration with the test credentials and the clock stopped at [`NOW`].
pub fn config() -> MockConfig {
    MockConfig::new(KEY, SECRET).clock(|| SystemTime::UNIX_EPOCH + Duration::from_secs(NOW))
}

/// A server with [`config`].
pub async fn start() -> MockServer {
    MockServer::start(config()).await.unwrap()
}

/// A plain HTTP client; reqwest needs a rustls provider even for `http://`.
pub fn http() -> reqwest::Client {
    http_with_timeout(Duration::from_secs(20))
}

/// The same, giving up on a request after `timeout`.
pub fn http_with_timeout(timeout: Duration) -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().timeout(timeout).build().unwrap()
}

/// A request body that passes every rule.
pub fn valid_body() -> Value {
    json!({
        "userId": "user-1",
        "userEmail": "jane.doe@example.com",
        "userCountryCode": "DE",
        "currency": "EUR",
        "amount": 25.5,
    })
}

/// One HTTP request, built field by field so a test can break any part of it.
#[derive(Clone, Debug)]
pub struct Call {
    method: reqwest::Method,
    path: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Call {
    /// `POST /session/embedded` with `body`, signed at [`NOW`] with the test credentials.
    pub fn signed(body: &Value) -> Self {
        Self::signed_at(body, NOW)
    }

    /// The same, signed with `timestamp`.
    pub fn signed_at(body: &Value, timestamp: u64) -> Self {
        let user_id = body.get("userId").and_then(Value::as_str).unwrap_or("");
        Self {
            method: reqwest::Method::POST,
            path: ROUTE.to_owned(),
            headers: HeaderMap::new(),
            body: serde_json::to_vec(body).unwrap(),
        }
        .header("content-type", "application/json")
        .header("api_key", KEY)
        .header("timestamp", timestamp.to_string())
        .header(
            "signature",
            stablemint_wire::signature(timestamp, SECRET, user_id),
        )
    }

    /// Sets header `name` to `value` (any bytes a header value may hold).
    pub fn header(mut self, name: &str, value: impl AsRef<[u8]>) -> Self {
        let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
        self.headers
            .insert(name, HeaderValue::from_bytes(value.as_ref()).unwrap());
        self
    }

    /// Adds another value for header `name`.
    pub fn append(mut self, name: &str, value: impl AsRef<[u8]>) -> Self {
        let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
        self.headers
            .append(name, HeaderValue::from_bytes(value.as_ref()).unwrap());
        self
    }

    /// Removes header `name`.
    pub fn without(mut self, name: &str) -> Self {
        self.headers.remove(name);
        self
    }

    /// Replaces the body with these bytes (the signature stays as it was).
    pub fn body(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.body = bytes.into();
        self
    }

    pub fn method(mut self, method: &str) -> Self {
        self.method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        self
    }

    pub fn path(mut self, path: &str) -> Self {
        self.path = path.to_owned();
        self
    }

    pub async fn try_send(self, server: &MockServer) -> reqwest::Result<reqwest::Response> {
        self.try_send_with(&http(), server).await
    }

    pub async fn try_send_with(
        self,
        client: &reqwest::Client,
        server: &MockServer,
    ) -> reqwest::Result<reqwest::Response> {
        client
            .request(self.method, format!("{}{}", server.base_url(), self.path))
            .headers(self.headers)
            .body(self.body)
            .send()
            .await
    }

    pub async fn send(self, server: &MockServer) -> reqwest::Response {
        self.try_send(server).await.unwrap()
    }
}

/// Asserts that `response` is the error JSON with this status and code, and returns it.
pub async fn error(response: reqwest::Response, status: u16, code: &str) -> Value {
    let actual = response.status().as_u16();
    let content_type = response.headers().get("content-type").cloned();
    let text = response.text().await.unwrap();
    assert_eq!(actual, status, "{text}");
    assert_eq!(
        content_type.as_ref().and_then(|v| v.to_str().ok()),
        Some("application/json"),
        "{text}"
    );
    let json: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["code"], code, "{text}");
    let message = json["message"].as_str().unwrap();
    assert!(message.len() > 20, "{text}");
    let object = json.as_object().unwrap();
    assert!(
        object
            .keys()
            .all(|k| ["code", "message", "errors"].contains(&k.as_str())),
        "{text}"
    );
    assert_eq!(
        object.contains_key("errors"),
        code == "invalid_body" || code == "invalid_request",
        "{text}"
    );
    json
}

/// `(pointer, code)` of every entry of an `invalid_body` error's `errors`.
pub fn field_errors(json: &Value) -> Vec<(String, String)> {
    json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert!(!e["message"].as_str().unwrap().is_empty(), "{e}");
            (
                e["pointer"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Asserts a 200 with a JSON body; the body as JSON and as the generated type.
pub async fn success(response: reqwest::Response) -> (Value, EmbeddedSessionResponse) {
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").cloned();
    let text = response.text().await.unwrap();
    assert_eq!(status, 200, "{text}");
    assert_eq!(content_type.unwrap(), "application/json");
    let json: Value = serde_json::from_str(&text).unwrap();
    let typed: EmbeddedSessionResponse = serde_json::from_str(&text).unwrap();
    (json, typed)
}

/// Writes `bytes` to a new connection, then reads until the server closes it (or
/// 5 s pass); returns what was read.
pub async fn raw(server: &MockServer, bytes: &[u8]) -> Vec<u8> {
    let mut stream = tokio::net::TcpStream::connect(server.local_addr())
        .await
        .unwrap();
    // The server may close before everything is written; that is an answer too.
    let _ = stream.write_all(bytes).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    answer
}

/// The status code of a raw HTTP/1.1 answer, if there is one.
pub fn raw_status(answer: &[u8]) -> Option<u16> {
    let text = std::str::from_utf8(answer.get(..12)?).ok()?;
    text.strip_prefix("HTTP/1.1 ")?.parse().ok()
}

/// The body of a raw HTTP/1.1 answer (after the blank line), as JSON.
pub fn raw_json(answer: &[u8]) -> Value {
    let text = String::from_utf8_lossy(answer);
    let (_, body) = text.split_once("\r\n\r\n").unwrap();
    serde_json::from_str(body).unwrap()
}

/// A request head for a raw connection, signed for `body` at [`NOW`].
pub fn raw_head(body: &Value, framing: &str) -> String {
    let user_id = body["userId"].as_str().unwrap_or("");
    format!(
        "POST {ROUTE} HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\n\
         api_key: {KEY}\r\ntimestamp: {NOW}\r\nsignature: {}\r\nconnection: close\r\n\
         {framing}\r\n",
        stablemint_wire::signature(NOW, SECRET, user_id)
    )
}

/// A connection with the head of a signed request for [`valid_body`] already written,
/// announcing a body of `content_length` bytes that the caller writes.
pub async fn open_request(server: &MockServer, content_length: usize) -> tokio::net::TcpStream {
    let head = raw_head(
        &valid_body(),
        &format!("content-length: {content_length}\r\n"),
    );
    let mut stream = tokio::net::TcpStream::connect(server.local_addr())
        .await
        .unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream
}

/// A server clock a test moves by hand, in Unix seconds.
#[derive(Clone)]
pub struct Clock(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl Clock {
    /// A clock at [`NOW`], and the test configuration reading it.
    pub fn config() -> (Clock, MockConfig) {
        let clock = Clock(std::sync::Arc::new(std::sync::atomic::AtomicU64::new(NOW)));
        let reader = clock.clone();
        let config = MockConfig::new(KEY, SECRET).clock(move || {
            SystemTime::UNIX_EPOCH
                + Duration::from_secs(reader.0.load(std::sync::atomic::Ordering::SeqCst))
        });
        (clock, config)
    }

    /// Moves the clock on by `seconds`.
    pub fn advance(&self, seconds: u64) {
        self.0
            .fetch_add(seconds, std::sync::atomic::Ordering::SeqCst);
    }

    /// The time now, in Unix seconds.
    pub fn now(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// The valid body with `idempotencyKey` set to `key`.
pub fn keyed(key: &str) -> Value {
    let mut body = valid_body();
    body["idempotencyKey"] = json!(key);
    body
}
