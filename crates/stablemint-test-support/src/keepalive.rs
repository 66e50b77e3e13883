//! A server that keeps connections alive and closes idle ones, as a load balancer does.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

use crate::hostile::read_request;

/// When a [`KeepAlive`] server closes a connection that has been idle.
#[derive(Debug, Clone, Copy)]
pub enum IdleClose {
    /// Close it once it has been idle this long (the client may notice before it
    /// writes again).
    AfterIdle(Duration),
    /// Keep it open, but when a request arrives on it after it has been idle this long,
    /// close it without answering: the load balancer's close meeting the client's write.
    /// The request counts as received.
    OnLateRequest(Duration),
}

/// A raw HTTP/1.1 server on 127.0.0.1 that answers every request with a 200 and a JSON
/// body, keeps the connection alive, and closes idle connections as [`IdleClose`] says.
pub struct KeepAlive {
    /// Its base URL, `http://127.0.0.1:PORT`.
    pub url: String,
    requests: Arc<AtomicUsize>,
    connections: Arc<AtomicUsize>,
    unanswered: Arc<AtomicUsize>,
}

impl KeepAlive {
    /// Starts a server on a free port that answers with `body`.
    pub async fn start(close: IdleClose, body: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let server = Self {
            url,
            requests: Arc::default(),
            connections: Arc::default(),
            unanswered: Arc::default(),
        };
        let counters = (
            server.requests.clone(),
            server.connections.clone(),
            server.unanswered.clone(),
        );
        let body = Arc::new(body);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                counters.1.fetch_add(1, Ordering::SeqCst);
                let counters = (counters.0.clone(), counters.2.clone());
                tokio::spawn(serve(stream, close, body.clone(), counters));
            }
        });
        server
    }

    /// How many requests were read, answered or not.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// How many requests were read and then closed on without an answer.
    pub fn unanswered(&self) -> usize {
        self.unanswered.load(Ordering::SeqCst)
    }
}

async fn serve(
    mut stream: TcpStream,
    close: IdleClose,
    body: Arc<String>,
    (requests, unanswered): (Arc<AtomicUsize>, Arc<AtomicUsize>),
) {
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: keep-alive\r\n\r\n{body}",
        body.len()
    );
    let mut idle_since = Instant::now();
    loop {
        let read = match close {
            // Idle for too long (the timeout): close, as the load balancer does.
            IdleClose::AfterIdle(idle) => tokio::time::timeout(idle, read_request(&mut stream))
                .await
                .ok()
                .flatten(),
            IdleClose::OnLateRequest(_) => read_request(&mut stream).await,
        };
        if read.is_none() {
            break;
        }
        requests.fetch_add(1, Ordering::SeqCst);
        if let IdleClose::OnLateRequest(idle) = close
            && idle_since.elapsed() >= idle
        {
            unanswered.fetch_add(1, Ordering::SeqCst);
            break;
        }
        if stream.write_all(answer.as_bytes()).await.is_err() {
            break;
        }
        idle_since = Instant::now();
    }
    let _ = stream.shutdown().await;
}
