//! Requests a shopper altered from the console: a price in the order, an amount or a
//! currency in the checkout. Each is refused, and the session's amount is the order's.

use serde_json::{Value, json};

use super::{EMAIL, check_eq, shown_session, valid_order};
use crate::World;
use crate::browser::{Context, Outcome};

/// `fetch(path)` from the page with `body`, as a tampering shopper would send it from
/// the console; returns the status and the JSON answer.
async fn tampered(w: &World, path: &str, body: &Value) -> Outcome<(u64, Value)> {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         fetch({path}, {{ method: 'POST', headers: {{ 'Content-Type': 'application/json' }},
           body: JSON.stringify({body}) }})
           .then((r) => r.json().then((b) => done([r.status, b])))
           .catch((e) => done(['error', String(e)]));",
        path = serde_json::to_string(path).doing("quoting the path")?,
    );
    let answer = w.browser.run_async(&script).await?;
    let status = answer[0]
        .as_u64()
        .ok_or_else(|| format!("the tampered request failed: {answer}"))?;
    Ok((status, answer[1].clone()))
}

/// A request altered to carry a price or an amount is refused; the session's amount is
/// the order's.
pub(crate) async fn altered_amount(w: &mut World) -> Outcome<()> {
    let order_id = valid_order(w, &w.recorded).await?;
    // A price in the order, an amount or a currency in the checkout: each refused.
    let (status, body) = tampered(
        w,
        "/api/orders",
        &json!({"items": [{"productId": "espresso-beans", "quantity": 1, "price": 1}]}),
    )
    .await?;
    check_eq("the status of an order with a price", status, 400)?;
    check_eq(
        "the refused field",
        &body["errors"][0]["pointer"],
        &json!("/items/0/price"),
    )?;
    let (status, body) = tampered(
        w,
        "/api/checkout",
        &json!({"orderId": order_id, "userEmail": EMAIL, "userCountryCode": "DE",
                "amount": "0.01", "currency": "EUR"}),
    )
    .await?;
    check_eq("the status of a checkout with an amount", status, 400)?;
    check_eq(
        "the refused fields",
        body["errors"].as_array().map(|errors| {
            errors
                .iter()
                .map(|e| e["pointer"].clone())
                .collect::<Vec<_>>()
        }),
        Some(vec![json!("/amount"), json!("/currency")]),
    )?;
    check_eq(
        "requests that reached StableMint",
        w.sent.lock().map(|sent| sent.len()).unwrap_or(usize::MAX),
        0,
    )?;

    w.browser.click("#pay").await?;
    shown_session(w, &w.recorded, &order_id).await?;
    let sent = w.sent.lock().map(|sent| sent.clone()).unwrap_or_default();
    check_eq("requests that reached StableMint", sent.len(), 1)?;
    check_eq("the session's amount", &sent[0]["amount"], &json!(31.5))?;
    check_eq(
        "the session's currency",
        &sent[0]["currency"],
        &json!("EUR"),
    )?;
    check_eq(
        "the session's order",
        &sent[0]["websiteReference"],
        &json!(order_id),
    )?;
    w.browser.shot("altered-amount-refused-then-paid").await?;
    Ok(())
}
