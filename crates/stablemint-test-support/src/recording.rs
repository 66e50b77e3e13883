//! A scripted HTTP server that records what it receives.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The method.
    pub method: Method,
    /// The path, without the query.
    pub path: String,
    /// Every header.
    pub headers: HeaderMap,
    /// The body parsed as JSON (`null` when it is not JSON).
    pub body: serde_json::Value,
}

impl Seen {
    /// The value of header `name`; panics when it is missing or not text.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} header"))
            .to_str()
            .unwrap_or_else(|_| panic!("the {name} header is not text"))
    }
}

/// A canned answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The status.
    pub status: u16,
    /// Extra headers (`content-type: application/json` is always sent).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

impl Reply {
    /// `status` with `body` as JSON.
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self {
            status,
            headers: vec![],
            body: body.to_string(),
        }
    }

    /// The same reply with one more header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// A server that answers with its replies in order (the last one repeats).
pub struct Server {
    /// Its base URL, `http://127.0.0.1:PORT`.
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    /// Starts a server on a free port.
    pub async fn start(replies: Vec<Reply>) -> Self {
        assert!(!replies.is_empty(), "a server needs at least one reply");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let queue = Arc::new(Mutex::new(VecDeque::from(replies)));
        let record = seen.clone();
        let app = Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, bytes: Bytes| {
                let record = record.clone();
                let queue = queue.clone();
                async move {
                    record
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(Seen {
                            method,
                            path: uri.path().to_owned(),
                            headers,
                            body: serde_json::from_slice(&bytes).unwrap_or_default(),
                        });
                    let reply = {
                        let mut queue = queue.lock().unwrap_or_else(PoisonError::into_inner);
                        if queue.len() > 1 {
                            queue.pop_front()
                        } else {
                            queue.front().cloned()
                        }
                    }
                    .expect("the queue is never empty");
                    let mut response: Response = (
                        StatusCode::from_u16(reply.status).expect("a valid status"),
                        [("content-type", "application/json")],
                        reply.body,
                    )
                        .into_response();
                    for (name, value) in reply.headers {
                        response.headers_mut().insert(
                            HeaderName::try_from(name).expect("a valid header name"),
                            HeaderValue::try_from(value).expect("a valid header value"),
                        );
                    }
                    response
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, seen }
    }

    /// Every request received so far, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}
