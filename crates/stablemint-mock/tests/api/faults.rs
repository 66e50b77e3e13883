//! Injected faults: statuses, dropped connections, and a client retrying through them.

use std::time::Duration;

use stablemint::types::EmbeddedSessionRequest;
use stablemint::{Client, Credentials, RetryPolicy};
use stablemint_mock::{Fault, MockConfig, MockServer};

use crate::support::*;

#[tokio::test]
async fn two_503s_then_success() {
    let server = start().await;
    server.fail_next(2, Fault::Status(503));
    for _ in 0..2 {
        let response = Call::signed(&valid_body()).send(&server).await;
        let json = error(response, 503, "injected_fault").await;
        assert!(
            json["message"].as_str().unwrap().contains("HTTP 503"),
            "{json}"
        );
    }
    success(Call::signed(&valid_body()).send(&server).await).await;
    assert_eq!(server.sessions_created(), 1);
    assert_eq!(server.requests_received(), 3);
}

#[tokio::test]
async fn faults_queue_in_order_and_can_be_configured_up_front() {
    let config = config()
        .fail_next(1, Fault::Status(429))
        .fail_next(1, Fault::Status(400));
    let server = MockServer::start(config).await.unwrap();
    server.fail_next(1, Fault::Status(200));
    error(
        Call::signed(&valid_body()).send(&server).await,
        429,
        "injected_fault",
    )
    .await;
    error(
        Call::signed(&valid_body()).send(&server).await,
        400,
        "injected_fault",
    )
    .await;
    // A 200 with the error body, to test how a client handles an undecodable answer.
    let response = Call::signed(&valid_body()).send(&server).await;
    assert_eq!(response.status(), 200);
    let json: serde_json::Value = response.json().await.unwrap();
    assert_eq!(json["code"], "injected_fault");
    success(Call::signed(&valid_body()).send(&server).await).await;
}

#[tokio::test]
async fn faults_come_before_any_check_but_after_routing() {
    let server = start().await;
    server.fail_next(1, Fault::Status(502));
    error(
        Call::signed(&valid_body())
            .path("/other")
            .send(&server)
            .await,
        404,
        "not_found",
    )
    .await;
    let get = Call::signed(&valid_body())
        .method("GET")
        .send(&server)
        .await;
    error(get, 405, "method_not_allowed").await;
    // Unauthenticated and not even JSON: the fault still answers.
    let response = Call::signed(&valid_body())
        .without("api_key")
        .without("content-type")
        .body("garbage")
        .send(&server)
        .await;
    error(response, 502, "injected_fault").await;
    assert_eq!(server.requests_received(), 3);
}

#[tokio::test]
async fn a_dropped_connection_is_a_transport_error() {
    let server = start().await;
    server.fail_next(1, Fault::DropConnection);
    let client = http();
    let error = Call::signed(&valid_body())
        .try_send_with(&client, &server)
        .await
        .unwrap_err();
    assert!(error.status().is_none(), "{error:?}");
    assert!(
        error.is_request() || error.is_connect() || error.is_body(),
        "{error:?}"
    );
    assert_eq!(server.sessions_created(), 0);
    // The server carries on, on a new connection.
    success(
        Call::signed(&valid_body())
            .try_send_with(&client, &server)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(server.requests_received(), 2);
}

#[tokio::test]
async fn a_dropped_connection_sends_no_bytes() {
    let server = start().await;
    server.fail_next(1, Fault::DropConnection);
    let body = serde_json::to_string(&valid_body()).unwrap();
    let head = raw_head(
        &valid_body(),
        &format!("content-length: {}\r\n", body.len()),
    );
    let answer = raw(&server, format!("{head}{body}").as_bytes()).await;
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
}

fn request() -> EmbeddedSessionRequest {
    EmbeddedSessionRequest::builder()
        .user_id("user-8c1f")
        .user_email("jane.doe@example.com")
        .user_country_code("GB")
        .currency("GBP")
        .try_into()
        .unwrap()
}

fn client(server: &MockServer, retry: RetryPolicy) -> Client {
    Client::builder(Credentials::new(KEY, SECRET))
        .base_url(&server.base_url())
        .retry(retry.with_base_delay(Duration::from_millis(1)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_client_retries_through_faults_and_creates_one_session() {
    let server = MockServer::start(MockConfig::new(KEY, SECRET))
        .await
        .unwrap();
    server.fail_next(1, Fault::Status(503));
    server.fail_next(1, Fault::DropConnection);
    let client = client(&server, RetryPolicy::default());
    let session = client.create_embedded_session(&request()).await.unwrap();
    assert_eq!(session.allowed_payment_methods[0].payment_method, Some(3));
    assert_eq!(server.sessions_created(), 1);
    assert_eq!(server.requests_received(), 3);
}

#[tokio::test]
async fn without_retries_the_client_reports_the_fault() {
    let server = MockServer::start(MockConfig::new(KEY, SECRET))
        .await
        .unwrap();
    let client = client(&server, RetryPolicy::none());

    server.fail_next(1, Fault::DropConnection);
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert!(
        matches!(error, stablemint::Error::Transport { .. }),
        "{error:?}"
    );

    server.fail_next(1, Fault::Status(503));
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, stablemint::Error::Api(api) if api.status == 503),
        "{error:?}"
    );
    assert_eq!(server.sessions_created(), 0);
}

#[tokio::test]
#[should_panic(expected = "Fault::Status(600) cannot be injected")]
async fn a_status_that_is_not_final_is_refused() {
    let server = start().await;
    server.fail_next(1, Fault::Status(600));
}
