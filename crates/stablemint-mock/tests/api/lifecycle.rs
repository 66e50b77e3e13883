//! Starting, addressing and stopping servers.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::Value;
use stablemint_mock::MockServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::*;

#[tokio::test]
async fn the_base_url_is_the_bound_loopback_address() {
    let server = start().await;
    let addr = server.local_addr();
    assert!(addr.ip().is_loopback());
    assert_ne!(addr.port(), 0);
    assert_eq!(
        server.base_url(),
        format!("http://127.0.0.1:{}", addr.port())
    );
}

#[tokio::test]
async fn a_taken_port_is_an_error() {
    let server = start().await;
    let error = MockServer::start_on(config(), server.local_addr())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::AddrInUse);
}

#[tokio::test]
async fn shutdown_closes_connections_and_frees_the_port() {
    let server = start().await;
    let addr = server.local_addr();
    let client = http();
    // A kept-alive connection must not hold the server up.
    success(
        Call::signed(&valid_body())
            .try_send_with(&client, &server)
            .await
            .unwrap(),
    )
    .await;
    server.shutdown().await;

    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    let again = MockServer::start_on(config(), addr).await.unwrap();
    assert_eq!(again.local_addr(), addr);
    // The old client's pooled connection is gone; it reconnects to the new server.
    success(
        Call::signed(&valid_body())
            .try_send_with(&client, &again)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(again.sessions_created(), 1);
}

/// Binds `addr` again, retrying until `deadline`.
async fn rebind(addr: SocketAddr, deadline: Duration) -> MockServer {
    let started = Instant::now();
    loop {
        match MockServer::start_on(config(), addr).await {
            Ok(server) => return server,
            Err(error) if started.elapsed() < deadline => {
                assert_eq!(error.kind(), std::io::ErrorKind::AddrInUse);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            Err(error) => panic!("the port is still taken after {deadline:?}: {error}"),
        }
    }
}

#[tokio::test]
async fn dropping_the_server_frees_the_port() {
    let server = start().await;
    let addr = server.local_addr();
    success(Call::signed(&valid_body()).send(&server).await).await;
    drop(server);
    let again = rebind(addr, Duration::from_secs(5)).await;
    success(Call::signed(&valid_body()).send(&again).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_a_request_in_flight_finish() {
    let server = start().await;
    let body = serde_json::to_vec(&valid_body()).unwrap();
    let mut stream = open_request(&server, body.len()).await;
    stream.write_all(&body[..10]).await.unwrap();
    // Wait until the handler has the request, then stop the server while the body is
    // unfinished.
    let started = Instant::now();
    while server.requests_received() == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the request never arrived"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let stopping = tokio::spawn(server.shutdown());
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!stopping.is_finished());
    stream.write_all(&body[10..]).await.unwrap();

    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    assert_eq!(
        raw_status(&answer),
        Some(200),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    let json: Value = raw_json(&answer);
    assert!(json["sessionId"].is_string(), "{json}");
    tokio::time::timeout(Duration::from_secs(5), stopping)
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn debug_output_shows_no_secret() {
    let server = start().await;
    let debug = format!("{server:?}");
    assert!(!debug.contains(SECRET), "{debug}");
    assert!(!debug.contains(KEY), "{debug}");
    assert!(debug.contains("** redacted **"), "{debug}");
    assert!(debug.contains("sessions_created: 0"), "{debug}");
}
