//! Host and Origin: another `Host` is 421, a state change without the shop's own
//! `Origin` (or `Sec-Fetch-Site: same-origin`) is 403, before anything is stored.

// The tests run the in-process sandbox: they need the `sandbox` feature (on by default).
#![cfg(feature = "sandbox")]

mod common;

use common::{App, CART, client};
use serde_json::json;

fn cart() -> serde_json::Value {
    json!({"items": [{"productId": CART[0].0, "quantity": CART[0].1}]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_host_gets_421_and_a_cross_origin_state_change_403() {
    let app = App::start().await;
    let base = app.running.url();
    let orders = format!("{base}/api/orders");

    // DNS rebinding: the attacker's name, pointing at this machine.
    for request in [
        client().get(format!("{base}/")),
        client()
            .post(&orders)
            .header("origin", "http://attacker.example")
            .json(&cart()),
        client().post(&orders).header("origin", &base).json(&cart()),
    ] {
        let answer = common::answer(
            request
                .header("host", "attacker.example")
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(answer.status, 421, "{}", answer.text);
        assert_eq!(answer.str("code"), "unknown_host");
        assert!(answer.headers.contains_key("content-security-policy"));
    }

    for (origin, site) in [
        (Some("http://attacker.example"), None),
        (Some("null"), None),
        (None, None),
        (None, Some("cross-site")),
        (Some("http://attacker.example"), Some("same-origin")),
    ] {
        let mut request = client().post(&orders).json(&cart());
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        let answer = common::answer(request.send().await.unwrap()).await;
        assert_eq!(answer.status, 403, "{origin:?} {site:?}: {}", answer.text);
        assert_eq!(answer.str("code"), "cross_origin");
    }
    assert_eq!(app.running.store().orders().await.unwrap().len(), 0);

    // The shop's own page: its Origin, or a browser's Sec-Fetch-Site.
    let own = common::answer(
        client()
            .post(&orders)
            .header("origin", &base)
            .json(&cart())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(own.status, 201, "{}", own.text);
    let fetched = common::answer(
        client()
            .post(&orders)
            .header("sec-fetch-site", "same-origin")
            .json(&cart())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(fetched.status, 201, "{}", fetched.text);
    let localhost = format!("http://localhost:{}", app.running.addr().port());
    let by_name = common::answer(
        client()
            .post(format!("{localhost}/api/orders"))
            .header("origin", &localhost)
            .json(&cart())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(by_name.status, 201, "{}", by_name.text);
    assert_eq!(app.running.store().orders().await.unwrap().len(), 3);
    app.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_origin_is_allowed_besides_the_listen_address() {
    let app = App::start_with(|config| {
        config.public_origins =
            vec![merchant_example::PublicOrigin::parse("https://shop.example.com").unwrap()];
    })
    .await;
    let orders = format!("{}/api/orders", app.running.url());
    let answer = common::answer(
        client()
            .post(&orders)
            .header("host", "shop.example.com")
            .header("origin", "https://shop.example.com")
            .json(&cart())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    // Every public origin is https, so the cookie is Secure.
    let cookie = answer.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.ends_with("; Secure"), "{cookie}");
    app.running.shutdown().await;
}
