//! The backend through HTTP, against its in-process sandbox: orders the server prices,
//! sessions, idempotency, expiry, concurrency, and what answers must (and must not)
//! contain.

// The tests run the in-process sandbox: they need the `sandbox` feature (on by default).
#![cfg(feature = "sandbox")]

mod common;

use std::time::Duration;

use common::{App, CART, CART_TOTAL_MINOR, EMAIL, KEY, SECRET, Shopper, form, get};
use merchant_example::payments::{ATTEMPTS_PER_CALL, Session, idempotency_key};
use merchant_example::store::Payer;
use merchant_example::{BODY_LIMIT, RETRY_AFTER_SECS, StableMint, WidgetScript, page};
use serde_json::json;
use stablemint_mock::{Answer, Expect};
use stablemint_test_support::{Reply, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_prices_the_order_from_its_catalog() {
    let app = App::start().await;
    let mut shopper = app.shopper();
    let answer = shopper.order(&CART).await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    assert_eq!(answer.str("total"), "31.50 EUR");
    assert_eq!(answer.str("currency"), "EUR");
    assert_eq!(
        answer.json["lines"],
        json!([
            {"name": "Espresso beans, 250 g", "quantity": 2, "unitPrice": "12.50 EUR", "lineTotal": "25.00 EUR"},
            {"name": "Paper filters, 100", "quantity": 1, "unitPrice": "6.50 EUR", "lineTotal": "6.50 EUR"},
        ])
    );
    let cookie = answer.headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    let order_id = answer.str("orderId");
    let stored = app.running.store().order(order_id).await.unwrap().unwrap();
    assert_eq!(stored.total_minor, CART_TOTAL_MINOR);
    assert_eq!(stored.currency, "EUR");
    assert_eq!(stored.generation, 0);
    assert_eq!(stored.idempotency_key, None);
    // The same browser keeps its cookie for its next order.
    let second = shopper.order(&[("ceramic-cup", 1)]).await;
    assert_eq!(second.status, 201, "{}", second.text);
    assert!(second.headers.get("set-cookie").is_none());
    assert_ne!(second.str("orderId"), order_id);

    // A price, a total or an unknown product from the browser is refused.
    for (body, pointer, code) in [
        (
            json!({"items": [{"productId": "espresso-beans", "quantity": 1, "price": 1}]}),
            "/items/0/price",
            "unknown",
        ),
        (
            json!({"items": [{"productId": "espresso-beans", "quantity": 1}], "total": "0.01"}),
            "/total",
            "unknown",
        ),
        (
            json!({"items": [{"productId": "gold-bar", "quantity": 1}]}),
            "/items/0/productId",
            "unknown_product",
        ),
        (
            json!({"items": [{"productId": "espresso-beans", "quantity": 11}]}),
            "/items/0/quantity",
            "quantity",
        ),
        (json!({"items": []}), "/items", "empty"),
    ] {
        let refused = shopper.post("/api/orders", &body).await;
        assert_eq!(refused.status, 400, "{}", refused.text);
        assert_eq!(
            refused.json["errors"][0]["pointer"], pointer,
            "{}",
            refused.text
        );
        assert_eq!(refused.json["errors"][0]["code"], code, "{}", refused.text);
    }
    assert_eq!(app.running.store().orders().await.unwrap().len(), 2);
    app.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkout_carrying_an_amount_is_refused_and_the_session_amount_is_the_order_total() {
    // A StableMint that records what it receives.
    let expires_at = common::unix_now() + 900;
    let upstream = Server::start(vec![Reply::json(200, common::session_json(expires_at))]).await;
    let app = App::start_with(|config| {
        config.stablemint = StableMint::remote(&upstream.url, KEY, SECRET);
    })
    .await;
    let mut shopper = app.shopper();
    let order_id = shopper.new_order().await;

    let mut altered = form(&order_id);
    altered["amount"] = json!("0.01");
    altered["currency"] = json!("JPY");
    let refused = shopper.checkout(&altered).await;
    assert_eq!(refused.status, 400, "{}", refused.text);
    let pointers: Vec<(&str, &str)> = refused.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["pointer"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(pointers, [("/amount", "unknown"), ("/currency", "unknown")]);
    assert!(
        upstream.seen().is_empty(),
        "the altered request reached StableMint"
    );

    let paid = shopper.checkout(&form(&order_id)).await;
    assert_eq!(paid.status, 200, "{}", paid.text);
    let seen = upstream.seen();
    assert_eq!(seen.len(), 1);
    let body = &seen[0].body;
    assert_eq!(body["amount"], json!(31.5), "{body}");
    assert_eq!(body["currency"], "EUR", "{body}");
    assert_eq!(body["websiteReference"], order_id.as_str(), "{body}");
    assert_eq!(
        body["idempotencyKey"],
        idempotency_key(&order_id, 1).as_str(),
        "{body}"
    );
    assert_eq!(body["userEmail"], EMAIL);
    app.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leaked_order_id_is_not_enough_to_pay_for_it() {
    let app = App::start().await;
    let mut owner = app.shopper();
    let order_id = owner.new_order().await;

    let mut stranger = app.shopper();
    stranger.new_order().await; // has a cookie of its own
    let without_cookie = app.shopper();
    for other in [&stranger, &without_cookie] {
        let answer = other.checkout(&form(&order_id)).await;
        assert_eq!(answer.status, 404, "{}", answer.text);
        assert_eq!(answer.str("code"), "order_not_found");
    }
    assert_eq!(app.sandbox().requests_received(), 0);
    let stored = app.running.store().order(&order_id).await.unwrap().unwrap();
    assert_eq!(stored.payer, None, "a stranger's e-mail was stored");

    let paid = owner.checkout(&form(&order_id)).await;
    assert_eq!(paid.status, 200, "{}", paid.text);
    app.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_is_created_once_and_stored_with_its_key() {
    let app = App::start().await;
    let mut shopper = app.shopper();
    let order = shopper.new_order().await;

    let first = shopper.checkout(&form(&order)).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.str("orderId"), order);
    let session_id = first.str("sessionId").to_owned();
    assert_eq!(session_id.len(), 36, "{session_id}");
    assert!(first.str("reference").starts_with("SM-"), "{}", first.text);
    let expires_in = first.json["expiresInSeconds"].as_i64().unwrap();
    assert!((890..=900).contains(&expires_in), "{expires_in}");
    assert_eq!(first.json["generation"], 1);

    let stored = app.running.store().order(&order).await.unwrap().unwrap();
    assert_eq!(
        stored.idempotency_key.as_deref(),
        Some(idempotency_key(&order, 1).as_str())
    );
    assert_eq!(stored.generation, 1);
    assert_eq!(
        stored.payer,
        Some(Payer {
            email: EMAIL.into(),
            country_code: "DE".into()
        })
    );
    assert_eq!(
        stored.session,
        Some(Session {
            id: session_id.clone(),
            reference: first.str("reference").to_owned(),
            expires_at: first.json["expiresAt"].as_i64().unwrap(),
        })
    );

    // Paying again for the same order gets the stored session, without a call.
    let again = shopper.checkout(&form(&order)).await;
    assert_eq!(again.str("sessionId"), session_id);
    assert_eq!(app.sandbox().sessions_created(), 1);
    assert_eq!(app.sandbox().requests_received(), 1);
    app.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_form_is_refused_field_by_field_and_nothing_is_stored_or_sent() {
    let app = App::start().await;
    let mut shopper = app.shopper();
    let order = shopper.new_order().await;
    let mut body = form(&order);
    body["userEmail"] = json!("jane.doe@");
    body["userCountryCode"] = json!("XX");

    let answer = shopper.checkout(&body).await;
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
        [("/userCountryCode", "alpha2"), ("/userEmail", "email")]
    );
    // The messages name the fix, never the value.
    assert!(!answer.text.contains("jane.doe@"), "{}", answer.text);
    let stored = app.running.store().order(&order).await.unwrap().unwrap();
    assert_eq!((stored.generation, stored.payer), (0, None));
    assert_eq!(app.sandbox().requests_received(), 0);
    app.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_is_retried_within_the_call_and_creates_one_session() {
    let app = App::start().await;
    let mut shopper = app.shopper();
    let order = shopper.new_order().await;
    app.sandbox()
        .script("createEmbeddedSession", [Answer::status(503)])
        .unwrap();
    let retried = Expect::called("createEmbeddedSession")
        .times(2)
        .with_one_key();
    app.sandbox().expect(retried).unwrap();

    let answer = shopper.checkout(&form(&order)).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    app.sandbox().verify().unwrap();
    let statuses: Vec<_> = app.sandbox().journal().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(503), Some(200)]);
    assert_eq!(app.sandbox().sessions_created(), 1);
    app.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_every_attempt_fails_the_order_is_kept_and_a_retry_gets_one_session() {
    let app = App::start().await;
    let mut shopper = app.shopper();
    let order = shopper.new_order().await;
    let unavailable = Answer::status(503).times(ATTEMPTS_PER_CALL);
    app.sandbox()
        .script("createEmbeddedSession", [unavailable])
        .unwrap();

    let failed = shopper.checkout(&form(&order)).await;
    assert_eq!(failed.status, 503, "{}", failed.text);
    assert_eq!(
        failed.headers["retry-after"],
        RETRY_AFTER_SECS.to_string().as_str()
    );
    assert_eq!(failed.str("code"), "payment_unavailable");
    assert_eq!(failed.json["retryable"], true);
    assert!(failed.str("supportReference").starts_with("SR-"));
    // The shopper is told what to do, not what happened upstream.
    assert!(!failed.text.contains("503"), "{}", failed.text);
    assert!(!failed.text.contains("order:"), "{}", failed.text);
    let stored = app.running.store().order(&order).await.unwrap().unwrap();
    assert_eq!(
        stored.idempotency_key.as_deref(),
        Some(idempotency_key(&order, 1).as_str())
    );
    assert_eq!(stored.session, None);

    let retried = shopper.checkout(&form(&order)).await;
    assert_eq!(retried.status, 200, "{}", retried.text);
    assert_eq!(app.sandbox().sessions_created(), 1);
    app.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_then_a_retry_gives_the_session_that_was_created() {
    let app = App::start().await;
    let mut shopper = app.shopper();
    let order = shopper.new_order().await;
    let lost = Answer::drop_after_processing().times(ATTEMPTS_PER_CALL);
    app.sandbox()
        .script("createEmbeddedSession", [lost])
        .unwrap();

    let lost = shopper.checkout(&form(&order)).await;
    assert_eq!(lost.status, 503, "{}", lost.text);
    assert_eq!(lost.str("code"), "payment_unavailable");
    assert_eq!(lost.json["retryable"], true);
    // StableMint created the session; only the answer was lost.
    assert_eq!(app.sandbox().sessions_created(), 1);

    let retried = shopper.checkout(&form(&order)).await;
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
    let mut shopper = app.shopper();
    let order = shopper.new_order().await;
    let first = shopper.checkout(&form(&order)).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let first_id = first.str("sessionId").to_owned();

    // 900 s is the sandbox's session lifetime.
    app.clock.advance(901);
    let second = shopper.checkout(&form(&order)).await;
    assert_eq!(second.status, 200, "{}", second.text);
    assert_eq!(second.str("orderId"), order);
    assert_ne!(second.str("sessionId"), first_id);
    assert_eq!(second.json["generation"], 2);
    assert_eq!(app.sandbox().sessions_created(), 2);

    let stored = app.running.store().order(&order).await.unwrap().unwrap();
    assert_eq!(
        stored.idempotency_key.as_deref(),
        Some(idempotency_key(&order, 2).as_str())
    );
    assert_eq!(
        stored.session.as_ref().map(|s| s.id.as_str()),
        Some(second.str("sessionId"))
    );
    let replaced = app.running.store().replaced_sessions(&order).await.unwrap();
    assert_eq!(
        replaced.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        [first_id.as_str()]
    );

    // The new session is the order's until it expires in turn.
    let third = shopper.checkout(&form(&order)).await;
    assert_eq!(third.str("sessionId"), second.str("sessionId"));
    assert_eq!(app.sandbox().sessions_created(), 2);
    app.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_for_one_order_make_one_call() {
    let app = App::start().await;
    let mut shopper = app.shopper();
    let order = shopper.new_order().await;
    // The first call is slow, so that the others arrive while it is in flight.
    let slow = Answer::process().delayed(Duration::from_millis(500));
    app.sandbox()
        .script("createEmbeddedSession", [slow])
        .unwrap();

    let requests: Vec<_> = (0..8)
        .map(|_| {
            let shopper = shopper.clone();
            let body = form(&order);
            tokio::spawn(async move { shopper.checkout(&body).await })
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
async fn a_checkout_with_another_payer_is_a_conflict() {
    let app = App::start().await;
    let mut shopper = app.shopper();
    let order = shopper.new_order().await;
    assert_eq!(shopper.checkout(&form(&order)).await.status, 200);
    let mut other = form(&order);
    other["userEmail"] = json!("someone.else@example.com");

    let answer = shopper.checkout(&other).await;
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
    let mut shopper = app.shopper();
    let order = shopper.new_order().await;
    let url = format!("{}/api/checkout", app.running.url());

    let mut large = form(&order);
    large["userEmail"] = json!(format!("{}@example.com", "a".repeat(BODY_LIMIT)));
    let answer = shopper.checkout(&large).await;
    assert_eq!(answer.status, 413, "{}", answer.text);
    assert_eq!(answer.str("code"), "body_too_large");

    let plain = common::client()
        .post(&url)
        .header("origin", app.running.url())
        .header("content-type", "text/plain")
        .body(form(&order).to_string())
        .send()
        .await
        .unwrap();
    let plain = common::answer(plain).await;
    assert_eq!(plain.status, 415, "{}", plain.text);
    assert_eq!(plain.str("code"), "unsupported_media_type");

    let broken = common::client()
        .post(&url)
        .header("origin", app.running.url())
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
    let mut shopper = app.shopper();

    let mut answers = vec![
        get(&base, "/").await,
        get(&base, page::SCRIPT_PATH).await,
        get(&base, page::STYLE_PATH).await,
        get(&base, "/no/such/page").await,
        shopper.checkout(&json!({})).await,
        shopper.order(&CART).await,
    ];
    let order = answers[5].str("orderId").to_owned();
    answers.push(shopper.checkout(&form(&order)).await);
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [200, 200, 200, 404, 400, 201, 200]);
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
async fn the_sandbox_says_so_on_the_page_and_production_does_not() {
    let app = App::start().await;
    let page = get(&app.running.url(), "/").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains(page::SANDBOX_BANNER), "{}", page.text);
    // The catalog is rendered by the server, prices included.
    for text in [
        "Espresso beans, 250 g",
        "12.50 EUR",
        "data-product-id=\"paper-filters\"",
    ] {
        assert!(page.text.contains(text), "{text} not in {}", page.text);
    }
    let sandbox_url = app.running.stablemint_url().to_owned();
    let production = App::start_with(|config| {
        config.stablemint = StableMint::remote(&sandbox_url, KEY, SECRET);
    })
    .await;
    let page = get(&production.running.url(), "/").await;
    assert_eq!(page.status, 200);
    assert!(!page.text.contains(page::SANDBOX_BANNER), "{}", page.text);
    assert!(!page.text.contains("sandbox"), "{}", page.text);
    production.running.shutdown().await;
    app.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_of_one_browser_are_unaffected_by_another_cart() {
    // Two shoppers, interleaved: each order keeps its own total.
    let app = App::start().await;
    let mut a = app.shopper();
    let mut b = Shopper::new(&app.running.url());
    let order_a = a.order(&[("pour-over-kettle", 1)]).await;
    let order_b = b.order(&[("ceramic-cup", 3)]).await;
    assert_eq!(order_a.str("total"), "49.00 EUR");
    assert_eq!(order_b.str("total"), "54.00 EUR");
    assert_ne!(a.cookie, b.cookie);
    app.running.shutdown().await;
}
