//! A hostile or broken server cannot make the client leak credentials or personal data,
//! read without bound, or write control characters to a terminal; and a call always
//! tells the caller its idempotency key and the server's request id.

mod support;

use std::time::Duration;

use serde_json::json;
use stablemint::{Client, Credentials, Error, RetryPolicy};
use support::{API_KEY, API_SECRET, Answer, Hostile, Reply, Server, client, ok, request};

fn redirect_to(location: &str) -> Answer {
    Answer::Raw(
        format!(
            "HTTP/1.1 307 Temporary Redirect\r\nlocation: {location}\r\ncontent-length: 0\r\n\r\n"
        )
        .into_bytes(),
    )
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_reports_its_location() {
    let elsewhere = Server::start(vec![ok()]).await;
    let location = format!("{}/elsewhere", elsewhere.url);
    let hostile = Hostile::start(redirect_to(&location)).await;
    let (client, sleeper) = client(&hostile.url, RetryPolicy::default());
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert!(
        elsewhere.seen().is_empty(),
        "the request followed the redirect"
    );
    assert_eq!(hostile.requests(), 1, "a redirect is not retried");
    assert!(sleeper.delays().is_empty());
    let Error::Api(api) = &error else {
        panic!("expected Error::Api, got {error:?}");
    };
    assert_eq!(api.status, 307);
    assert_eq!(api.location.as_deref(), Some(location.as_str()));
    let message = error.to_string();
    assert!(
        message.starts_with("StableMint answered HTTP 307"),
        "{message}"
    );
    assert!(message.contains(&location), "{message}");
    assert!(message.contains("follows no redirect"), "{message}");
}

#[tokio::test]
async fn a_redirect_is_not_followed_with_the_callers_own_http_client_either() {
    let elsewhere = Server::start(vec![ok()]).await;
    let hostile = Hostile::start(redirect_to(&format!("{}/x", elsewhere.url))).await;
    // reqwest's own default follows up to 10 redirects.
    let client = Client::builder(Credentials::new(API_KEY, API_SECRET))
        .base_url(&hostile.url)
        .http_client(stablemint::reqwest::Client::builder())
        .build()
        .unwrap();
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(307));
    assert!(elsewhere.seen().is_empty());
}

async fn too_large(answer: Answer, limit: Option<usize>) -> Error {
    let hostile = Hostile::start(answer).await;
    let mut builder = Client::builder(Credentials::new(API_KEY, API_SECRET))
        .base_url(&hostile.url)
        .retry(RetryPolicy::default().with_base_delay(Duration::from_millis(1)));
    if let Some(limit) = limit {
        builder = builder.max_response_bytes(limit);
    }
    let error = builder
        .build()
        .unwrap()
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert_eq!(hostile.requests(), 1, "an oversized answer is not retried");
    error
}

#[tokio::test]
async fn a_huge_chunked_success_body_stops_at_the_default_limit() {
    let error = too_large(
        Answer::Huge {
            size: 60 << 20,
            chunked: true,
        },
        None,
    )
    .await;
    assert!(
        matches!(
            error,
            Error::ResponseTooLarge {
                status: 200,
                limit: 1_048_576,
                ..
            }
        ),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("limit of 1048576 bytes"), "{message}");
    assert!(message.contains("max_response_bytes"), "{message}");
    assert!(error.idempotency_key().is_some());
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_too() {
    let error = too_large(
        Answer::Huge {
            size: 5000,
            chunked: false,
        },
        Some(4096),
    )
    .await;
    assert!(
        matches!(
            error,
            Error::ResponseTooLarge {
                status: 200,
                limit: 4096,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_error_body_over_the_limit_is_refused() {
    let body = format!(r#"{{"message": "{}"}}"#, "x".repeat(3000));
    let answer = Answer::Raw(
        format!(
            "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    );
    let error = too_large(answer, Some(1000)).await;
    assert!(
        matches!(
            error,
            Error::ResponseTooLarge {
                status: 400,
                limit: 1000,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_body_at_the_limit_is_read() {
    let body = json!({
        "sessionId": "5f0c6a52-8f3e-4c1b-9d2a-7b6e1f4a3c21",
        "expiresAt": 1_764_150_000_i64,
        "allowedPaymentMethods": [],
        "reference": "SM-1"
    })
    .to_string();
    let hostile = Hostile::start(Answer::Raw(
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
            body.len()
        )
        .into_bytes(),
    ))
    .await;
    let session = Client::builder(Credentials::new(API_KEY, API_SECRET))
        .base_url(&hostile.url)
        .max_response_bytes(body.len())
        .build()
        .unwrap()
        .create_embedded_session(&request())
        .await
        .unwrap();
    assert_eq!(session.reference, "SM-1");
}

#[tokio::test]
async fn control_characters_from_the_server_are_escaped() {
    let message = "\u{1b}]0;pwned\u{7}\u{1b}[2J\nfake line: session created OK";
    let server = Server::start(vec![Reply::json(400, json!({"message": message}))]).await;
    let (client, _) = client(&server.url, RetryPolicy::default());
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    let shown = error.to_string();
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
        "{shown:?}"
    );
    assert!(
        !shown.lines().any(|l| l.starts_with("fake line")),
        "a server forged a line: {shown}"
    );
    assert!(
        shown.starts_with(
            r"StableMint answered HTTP 400: \u{1b}]0;pwned\u{7}\u{1b}[2J\u{a}fake line"
        ),
        "{shown}"
    );
    // The server's own words stay available, unescaped, to code that asks for them.
    let Error::Api(api) = &error else { panic!() };
    assert_eq!(api.body.json().unwrap()["message"], message);
}

#[tokio::test]
async fn the_deadline_covers_a_server_that_never_answers() {
    let hostile = Hostile::start(Answer::Silence).await;
    let client = Client::builder(Credentials::new(API_KEY, API_SECRET))
        .base_url(&hostile.url)
        .timeout(Duration::from_secs(30))
        .total_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    let Error::Deadline {
        limit,
        attempts,
        idempotency_key,
    } = &error
    else {
        panic!("expected Error::Deadline, got {error:?}");
    };
    assert_eq!(*limit, Duration::from_millis(300));
    assert_eq!(*attempts, 1);
    assert!(idempotency_key.is_some());
    assert!(error.to_string().contains("idempotency key: "), "{error}");
}

#[tokio::test]
async fn no_wait_is_started_that_would_end_past_the_deadline() {
    let server = Server::start(vec![
        Reply::json(503, json!({"message": "busy"})).with_header("retry-after", "5"),
    ])
    .await;
    let sleeper = support::RecordingSleeper::default();
    let client = Client::builder(Credentials::new(API_KEY, API_SECRET))
        .base_url(&server.url)
        .sleeper(sleeper.clone())
        .total_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let error = client
        .create_embedded_session(&request())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(server.seen().len(), 1);
    assert!(sleeper.delays().is_empty(), "{:?}", sleeper.delays());
}

#[tokio::test]
async fn a_session_tells_its_idempotency_key_request_id_and_attempts() {
    let server = Server::start(vec![
        Reply::json(503, json!({})),
        ok().with_header("x-request-id", "req-42"),
    ])
    .await;
    let (client, _) = client(&server.url, RetryPolicy::default());
    let session = client.create_embedded_session(&request()).await.unwrap();
    let sent = server.seen()[0].body["idempotencyKey"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(session.idempotency_key(), Some(sent.as_str()));
    assert_eq!(session.request_id(), Some("req-42"));
    assert_eq!(session.attempts(), 2);
}

#[tokio::test]
async fn a_transport_error_tells_the_key_to_retry_with_and_its_cause() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (client, _) = client(&format!("http://127.0.0.1:{port}"), RetryPolicy::default());
    let mut keyed = request();
    keyed.idempotency_key = Some("order-42".into());
    let error = client.create_embedded_session(&keyed).await.unwrap_err();
    assert_eq!(error.idempotency_key(), Some("order-42"));
    let message = error.to_string();
    assert!(message.contains("Connection refused"), "{message}");
    assert!(message.contains("idempotency key: order-42"), "{message}");
}
