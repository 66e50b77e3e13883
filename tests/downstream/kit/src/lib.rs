//! A shop's service, as a user writes one: an axum handler that creates a StableMint
//! session for a checkout, and one that refunds. `tests/service.rs` tests it with
//! `stablemint_mock::TestKit` alone.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use stablemint::types::{CreateProbeRefund400Error, EmbeddedSessionRequest, ProbeRefundRequest};
use stablemint::{Client, Error, IdempotencyKey, amount_from_minor_units};

/// The service's routes: `POST /checkout` and `POST /refund`.
pub fn app(client: Client) -> Router {
    Router::new()
        .route("/checkout", post(checkout))
        .route("/refund", post(refund))
        .with_state(client)
}

/// A checkout as the shop's page posts it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Checkout {
    order_id: String,
    email: String,
    country: String,
    cents: i64,
}

type Answer = (StatusCode, String);

async fn checkout(State(client): State<Client>, Json(order): Json<Checkout>) -> Answer {
    let Ok(amount) = amount_from_minor_units(order.cents, "EUR") else {
        return (StatusCode::UNPROCESSABLE_ENTITY, "bad amount".into());
    };
    let request: Result<EmbeddedSessionRequest, _> = EmbeddedSessionRequest::builder()
        .user_id(order.order_id.as_str())
        .user_email(order.email)
        .user_country_code(order.country)
        .currency("EUR")
        .amount(amount)
        .idempotency_key(IdempotencyKey::for_order(&order.order_id))
        .try_into();
    let Ok(request) = request else {
        return (StatusCode::UNPROCESSABLE_ENTITY, "incomplete order".into());
    };
    match client.create_embedded_session(&request).await {
        Ok(session) => (StatusCode::OK, session.session_id.to_string()),
        Err(Error::Validation(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors.to_string()),
        Err(error) if error.status() == Some(409) => (StatusCode::CONFLICT, "in use".into()),
        Err(_) => (StatusCode::BAD_GATEWAY, "try again".into()),
    }
}

/// A refund of part of a session.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Refund {
    session_id: String,
    cents: i64,
}

async fn refund(State(client): State<Client>, Json(refund): Json<Refund>) -> Answer {
    let request: Result<ProbeRefundRequest, _> = ProbeRefundRequest::builder()
        .user_id("shop")
        .probe_id(refund.session_id)
        .amount(refund.cents as f64 / 100.0)
        .currency("EUR")
        .try_into();
    let Ok(request) = request else {
        return (StatusCode::UNPROCESSABLE_ENTITY, "incomplete refund".into());
    };
    match client.create_probe_refund(&request).await {
        Ok(done) => (StatusCode::OK, done.refund_id.to_string()),
        Err(Error::Api(api)) => match api.decoded::<CreateProbeRefund400Error>() {
            Some(refused) => (StatusCode::BAD_REQUEST, refused.message.clone()),
            None => (StatusCode::BAD_GATEWAY, "try again".into()),
        },
        Err(_) => (StatusCode::BAD_GATEWAY, "try again".into()),
    }
}
