//! The backend through HTTP, against its in-process sandbox: sessions, idempotency,
//! expiry, concurrency, errors, and what answers must (and must not) contain.

mod common;

use std::time::Duration;

use common::{App, EMAIL, KEY, SECRET, form, get, order_id, post};
use merchant_example::payments::{
    ATTEMPTS_PER_CALL, Credentials, SandboxOptions, Session, idempotency_key,
};
use merchant_example::{BODY_LIMIT, StableMint, WidgetScript, page};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_is_created_once_and_stored_with_its_key() {
    let app = App::start().await;
    let order = order_id();

    let first = app.checkout(&form(&order)).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.str("orderId"), order);
    let session_id = first.str("sessionId").to_owned();
    assert_eq!(session_id.len(), 36, "{session_id}");
    assert!(first.str("reference").starts_with("SM-"), "{}", first.text);
    let expires_in = first.json["expiresInSeconds"].as_i64().unwrap();
    assert!((890..=900).contains(&expires_in), "{expires_in}");
    assert_eq!(first.json["generation"], 1);

    let stored = app.running.store().order(&order).unwrap().unwrap();
    assert_eq!(stored.idempotency_key, idempotency_key(&order, 1));
    assert_eq!(stored.generation, 1);
    assert_eq!(stored.details.user_email, EMAIL);
    assert_eq!(stored.details.amount, 25.0);
    assert_eq!(stored.details.currency, "EUR");
    assert_eq!(
        stored.session,
        Some(Session {
            id: session_id.clone(),
            reference: first.str("reference").to_owned(),
            expires_at: first.json["expiresAt"].as_i64().unwrap(),
        })
    );

    // Paying again for the same order gets the stored session, without a call.
    let again = app.checkout(&form(&order)).await;
    assert_eq!(again.str("sessionId"), session_id);
    assert_eq!(app.sandbox().sessions_created(), 1);
    assert_eq!(app.sandbox().requests_received(), 1);
    app.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_form_is_refused_field_by_field_and_nothing_is_stored_or_sent() {
    let app = App::start().await;
    let order = order_id();
    let mut body = form(&order);
    body["userEmail"] = json!("jane.doe@");
    body["userCountryCode"] = json!("XX");
    body["amount"] = json!("ten");

    let answer = app.checkout(&body).await;
    assert_eq!(answer.status, 400, "{}", answer.text);
    assert_eq!(answer.str("code"), "invalid_request");
    assert_eq!(answer.json["retryable"], false);
    let errors: Vec<(&str, &str)> = answer.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["pointer"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errors,
        [
            ("/amount", "number"),
            ("/userCountryCode", "alpha2"),
            ("/userEmail", "email"),
        ]
    );
    // The messages name the fix, never the value.
    assert!(!answer.text.contains("jane.doe@"), "{}", answer.text);
    assert!(app.running.store().order(&order).unwrap().is_none());
    assert_eq!(app.sandbox().requests_received(), 0);
    app.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_is_retried_within_the_call_and_creates_one_session() {
    let app = App::start().await;
    app.sandbox().fail_next_with_status(1, 503).unwrap();

    let answer = app.checkout(&form(&order_id())).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(app.sandbox().requests_received(), 2);
    assert_eq!(app.sandbox().sessions_created(), 1);
    app.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_every_attempt_fails_the_order_is_kept_and_a_retry_gets_one_session() {
    let app = App::start().await;
    let order = order_id();
    app.sandbox()
        .fail_next_with_status(ATTEMPTS_PER_CALL, 503)
        .unwrap();

    let failed = app.checkout(&form(&order)).await;
    assert_eq!(failed.status, 502, "{}", failed.text);
    assert_eq!(failed.str("code"), "stablemint_error");
    assert_eq!(failed.json["retryable"], true);
    assert!(
        failed.str("message").contains("HTTP 503"),
        "{}",
        failed.text
    );
    assert!(
        failed.str("detail").contains(&idempotency_key(&order, 1)),
        "{}",
        failed.text
    );
    let stored = app.running.store().order(&order).unwrap().unwrap();
    assert_eq!(stored.idempotency_key, idempotency_key(&order, 1));
    assert_eq!(stored.session, None);

    let retried = app.checkout(&form(&order)).await;
    assert_eq!(retried.status, 200, "{}", retried.text);
    assert_eq!(app.sandbox().sessions_created(), 1);
    app.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_then_a_retry_gives_the_session_that_was_created() {
    let app = App::start().await;
    let order = order_id();
    app.sandbox().lose_next_answers(ATTEMPTS_PER_CALL).unwrap();

    let lost = app.checkout(&form(&order)).await;
    assert_eq!(lost.status, 504, "{}", lost.text);
    assert_eq!(lost.str("code"), "stablemint_unreachable");
    assert_eq!(lost.json["retryable"], true);
    // StableMint created the session; only the answer was lost.
    assert_eq!(app.sandbox().sessions_created(), 1);

    let retried = app.checkout(&form(&order)).await;
    assert_eq!(retried.status, 200, "{}", retried.text);
    assert_eq!(app.sandbox().sessions_created(), 1);
    assert_eq!(
        app.sandbox().requests_received(),
        ATTEMPTS_PER_CALL + 1,
        "the retry was answered from the key, not by a new session"
    );
    app.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_session_is_replaced_under_a_new_key_and_kept() {
    let app = App::start().await;
    let order = order_id();
    let first = app.checkout(&form(&order)).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let first_id = first.str("sessionId").to_owned();

    // 900 s is the sandbox's session lifetime.
    app.clock.advance(901);
    let second = app.checkout(&form(&order)).await;
    assert_eq!(second.status, 200, "{}", second.text);
    assert_eq!(second.str("orderId"), order);
    assert_ne!(second.str("sessionId"), first_id);
    assert_eq!(second.json["generation"], 2);
    assert_eq!(app.sandbox().sessions_created(), 2);

    let stored = app.running.store().order(&order).unwrap().unwrap();
    assert_eq!(stored.idempotency_key, idempotency_key(&order, 2));
    assert_eq!(
        stored.session.as_ref().map(|s| s.id.as_str()),
        Some(second.str("sessionId"))
    );
    let replaced = app.running.store().replaced_sessions(&order).unwrap();
    assert_eq!(
        replaced.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        [first_id.as_str()]
    );

    // The new session is the order's until it expires in turn.
    let third = app.checkout(&form(&order)).await;
    assert_eq!(third.str("sessionId"), second.str("sessionId"));
    assert_eq!(app.sandbox().sessions_created(), 2);
    app.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_for_one_order_make_one_call() {
    let app = App::start().await;
    let order = order_id();
    // The first call is slow, so that the others arrive while it is in flight.
    app.sandbox()
        .delay_next_answers(1, Duration::from_millis(500))
        .unwrap();

    let base = app.running.url();
    let requests: Vec<_> = (0..8)
        .map(|_| {
            let base = base.clone();
            let body = form(&order);
            tokio::spawn(async move { post(&base, &body).await })
        })
        .collect();
    let mut ids = Vec::new();
    for request in requests {
        let answer = request.await.unwrap();
        assert_eq!(answer.status, 200, "{}", answer.text);
        ids.push(answer.str("sessionId").to_owned());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(app.running.checkout_requests(), 8);
    assert_eq!(app.sandbox().requests_received(), 1);
    assert_eq!(app.sandbox().sessions_created(), 1);
    app.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_id_reused_with_other_details_is_a_conflict() {
    let app = App::start().await;
    let order = order_id();
    assert_eq!(app.checkout(&form(&order)).await.status, 200);
    let mut other = form(&order);
    other["amount"] = json!("30.00");

    let answer = app.checkout(&other).await;
    assert_eq!(answer.status, 409, "{}", answer.text);
    assert_eq!(answer.str("code"), "order_conflict");
    assert_eq!(answer.json["retryable"], false);
    assert!(answer.str("message").contains("Reload the page"));
    assert_eq!(app.sandbox().sessions_created(), 1);
    app.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_are_bounded_typed_and_parsed_before_anything_else() {
    let app = App::start().await;
    let url = format!("{}/api/checkout", app.running.url());

    let mut large = form(&order_id());
    large["userEmail"] = json!(format!("{}@example.com", "a".repeat(BODY_LIMIT)));
    let answer = post(&app.running.url(), &large).await;
    assert_eq!(answer.status, 413, "{}", answer.text);
    assert_eq!(answer.str("code"), "body_too_large");

    let plain = common::client()
        .post(&url)
        .header("content-type", "text/plain")
        .body(form(&order_id()).to_string())
        .send()
        .await
        .unwrap();
    let plain = common::answer(plain).await;
    assert_eq!(plain.status, 415, "{}", plain.text);
    assert_eq!(plain.str("code"), "unsupported_media_type");

    let broken = common::client()
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"orderId\":")
        .send()
        .await
        .unwrap();
    let broken = common::answer(broken).await;
    assert_eq!(broken.status, 400, "{}", broken.text);
    assert_eq!(broken.json["errors"][0]["pointer"], "");
    assert_eq!(broken.json["errors"][0]["code"], "json");
    assert_eq!(app.running.checkout_requests(), 3);
    assert_eq!(app.sandbox().requests_received(), 0);
    app.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_carries_the_policy_and_it_names_the_widget_origin() {
    let widget = WidgetScript::parse("https://widget.example.com/v2/widget.js").unwrap();
    let expected = page::content_security_policy(Some(&widget));
    let app = App::start_with(|config| config.widget_script = Some(widget)).await;
    let base = app.running.url();

    let mut answers = vec![
        get(&base, "/").await,
        get(&base, page::SCRIPT_PATH).await,
        get(&base, page::STYLE_PATH).await,
        get(&base, "/no/such/page").await,
        post(&base, &json!({})).await,
    ];
    answers.push(post(&base, &form(&order_id())).await);
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [200, 200, 200, 404, 400, 200]);
    for answer in &answers {
        assert_eq!(
            answer.headers["content-security-policy"], expected,
            "{}",
            answer.text
        );
        assert_eq!(answer.headers["x-content-type-options"], "nosniff");
    }
    assert!(expected.contains("script-src 'self' https://widget.example.com;"));
    let page = &answers[0];
    assert!(
        page.text
            .contains(r#"<script src="https://widget.example.com/v2/widget.js" defer></script>"#),
        "{}",
        page.text
    );
    assert_eq!(page.headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(page.headers["cache-control"], "no-store");
    app.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secret_is_in_no_answer() {
    let app = App::start().await;
    let base = app.running.url();
    let order = order_id();
    let mut answers = vec![
        get(&base, "/").await,
        get(&base, page::SCRIPT_PATH).await,
        get(&base, "/missing").await,
    ];
    let mut invalid = form(&order);
    invalid["userEmail"] = json!("nope");
    answers.push(post(&base, &invalid).await);
    app.sandbox()
        .fail_next_with_status(ATTEMPTS_PER_CALL, 500)
        .unwrap();
    answers.push(post(&base, &form(&order)).await);
    app.sandbox().lose_next_answers(ATTEMPTS_PER_CALL).unwrap();
    answers.push(post(&base, &form(&order_id())).await);
    answers.push(post(&base, &form(&order)).await);
    assert_eq!(
        answers.iter().map(|a| a.status).collect::<Vec<_>>(),
        [200, 200, 404, 400, 502, 504, 200]
    );

    // A server that refuses the key: its error reaches the page, the secret does not.
    let sandbox_url = app.running.stablemint_url().to_owned();
    let wrong = App::start_with(|config| {
        config.stablemint = StableMint::Remote {
            base_url: sandbox_url,
            credentials: Credentials::new(KEY, "wrong-secret-5d2e"),
        }
    })
    .await;
    let refused = wrong.checkout(&form(&order_id())).await;
    assert_eq!(refused.status, 502, "{}", refused.text);
    assert!(
        refused.str("detail").contains("HTTP 401"),
        "{}",
        refused.text
    );
    answers.push(refused);

    for answer in &answers {
        let headers = format!("{:?}", answer.headers);
        for secret in [SECRET, "wrong-secret-5d2e"] {
            assert!(!answer.text.contains(secret), "{}", answer.text);
            assert!(!headers.contains(secret), "{headers}");
        }
    }
    let debug = format!(
        "{:?} {:?}",
        app.running,
        SandboxOptions::with_credentials(KEY, SECRET)
    );
    assert!(!debug.contains(SECRET), "{debug}");
    wrong.running.shutdown().await;
    app.running.shutdown().await;
}

/// A StableMint that answers every call with an error whose message is markup and
/// terminal escapes.
async fn hostile_stablemint() -> (String, tokio::task::JoinHandle<()>) {
    use axum::http::StatusCode;
    let app = axum::Router::new().fallback(|| async {
        (
            StatusCode::BAD_REQUEST,
            [("content-type", "application/json")],
            r#"{"message": "<img src=x onerror=alert(1)>\u001b[2J"}"#,
        )
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (url, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stablemint_errors_reach_the_page_as_data_with_control_characters_escaped() {
    let (url, server) = hostile_stablemint().await;
    let app = App::start_with(|config| {
        config.stablemint = StableMint::Remote {
            base_url: url,
            credentials: Credentials::new(KEY, SECRET),
        }
    })
    .await;

    let answer = app.checkout(&form(&order_id())).await;
    assert_eq!(answer.status, 502, "{}", answer.text);
    assert_eq!(answer.headers["content-type"], "application/json");
    let detail = answer.str("detail");
    // JSON for the script, which shows it with textContent; the escape character is
    // shown, not sent to whatever displays it.
    assert!(detail.contains("<img src=x onerror=alert(1)>"), "{detail}");
    assert!(detail.contains(r"\u{1b}[2J"), "{detail}");
    assert!(!detail.contains('\u{1b}'), "{detail}");
    app.running.shutdown().await;
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_page_has_its_own_order_id_and_the_form_the_api_expects() {
    let app = App::start().await;
    let first = get(&app.running.url(), "/").await;
    let second = get(&app.running.url(), "/").await;
    let id = |text: &str| {
        let start = text.find("name=\"orderId\" value=\"").unwrap() + 22;
        text[start..start + 36].to_owned()
    };
    assert_ne!(id(&first.text), id(&second.text));
    assert!(id(&first.text).starts_with("ord_"));
    for pointer in ["/userEmail", "/userCountryCode", "/amount", "/currency"] {
        let field = &pointer[1..];
        assert!(
            first.text.contains(&format!(r#"data-pointer="{pointer}""#)),
            "{pointer}"
        );
        assert!(
            first.text.contains(&format!(r#"name="{field}""#)),
            "{field}"
        );
    }
    // The page's own order id is accepted as it is.
    let answer = app.checkout(&form(&id(&first.text))).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    app.running.shutdown().await;
}
