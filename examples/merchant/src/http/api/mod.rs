//! The page and the two JSON endpoints: making an order, and checking it out.
//!
//! The handlers and the answers' shapes are here; reading the JSON bodies into a cart or
//! a checkout is [`parse`], the browser cookie [`cookie`].

mod cookie;
mod parse;

use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::answers::ErrorAnswer;
use super::{AppState, BODY_LIMIT};
use crate::catalog::{LineView, format_money};
use crate::checkout::{CheckoutRequest, OrderSession};
use crate::page;
use crate::payments::unix_seconds;
use crate::store::DbWait;

pub use cookie::BROWSER_COOKIE;

pub(crate) use parse::{parse_cart, parse_checkout};

use cookie::{browser_token, hash, new_token};
use parse::cart_error;

/// `GET /`: the page with the catalog.
pub(crate) async fn page(State(state): State<AppState>) -> Response {
    let mut wait = DbWait::new(state.db_wait);
    let products = wait
        .run("reading the catalog", state.checkout.store().products())
        .await;
    match products {
        Ok(products) => {
            let html = page::checkout(&products, state.widget.as_ref(), state.sandbox);
            ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
        }
        Err(error) => {
            // A page, not JSON: this is what the shopper's browser shows.
            let answer = ErrorAnswer::storage(&error, None, &state.secrets);
            let reference = answer.body.support_reference.clone().unwrap_or_default();
            let mut response = (
                answer.status,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                page::unavailable(&reference),
            )
                .into_response();
            if answer.status == StatusCode::SERVICE_UNAVAILABLE {
                response.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(super::answers::RETRY_AFTER_SECS),
                );
            }
            response
        }
    }
}

/// The order as the page gets it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OrderAnswer {
    order_id: String,
    lines: Vec<LineView>,
    total: String,
    currency: String,
}

/// `POST /api/orders`: the server makes the order from the catalog.
pub(crate) async fn create_order(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match read_json_body(&headers, body) {
        Ok(body) => body,
        Err(answer) => return answer.into_response(),
    };
    let cart = match parse_cart(&body) {
        Ok(cart) => cart,
        Err(errors) => return ErrorAnswer::invalid(errors).into_response(),
    };
    let (token, new_cookie) = match browser_token(&headers) {
        Some(token) => (token, false),
        None => (new_token(), true),
    };
    let order_id = format!("ord_{}", uuid::Uuid::new_v4().simple());
    let now = unix_seconds(std::time::SystemTime::now());
    let mut wait = DbWait::new(state.db_wait);
    let made = wait
        .run(
            "storing the order",
            state
                .checkout
                .store()
                .create_order(&order_id, &hash(&token), &cart, now),
        )
        .await;
    let (order, lines) = match made {
        Ok(Ok(made)) => made,
        Ok(Err(error)) => return ErrorAnswer::invalid(vec![cart_error(error)]).into_response(),
        Err(error) => {
            return ErrorAnswer::storage(&error, Some(&order_id), &state.secrets).into_response();
        }
    };
    tracing::info!(
        order_id,
        total_minor = order.total_minor,
        currency = order.currency,
        lines = lines.len(),
        "order made"
    );
    let answer = OrderAnswer {
        lines: lines
            .iter()
            .map(|line| LineView::new(line, &order.currency))
            .collect(),
        total: format_money(order.total_minor, &order.currency),
        currency: order.currency,
        order_id: order.id,
    };
    let mut response = (StatusCode::CREATED, axum::Json(answer)).into_response();
    if new_cookie {
        let secure = if state.secure_cookie { "; Secure" } else { "" };
        let cookie = format!("{BROWSER_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
    }
    response
}

/// `POST /api/checkout`: the order's session.
pub(crate) async fn checkout(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    state
        .stats
        .checkout_requests
        .fetch_add(1, Ordering::Relaxed);
    let body = match read_json_body(&headers, body) {
        Ok(body) => body,
        Err(answer) => return answer.into_response(),
    };
    let (order_id, payer) = match parse_checkout(&body) {
        Ok(parsed) => parsed,
        Err(errors) => return ErrorAnswer::invalid(errors).into_response(),
    };
    // Without this browser's cookie the order is not found, exactly as an order of
    // another browser is not: a leaked order id is not enough to pay for it.
    let browser_hash = browser_token(&headers).map_or_else(String::new, |token| hash(&token));
    let request = CheckoutRequest {
        order_id,
        browser_hash,
        payer,
    };
    let mut wait = DbWait::new(state.db_wait);
    match state.checkout.session(&request, &mut wait).await {
        Ok(session) => {
            tracing::info!(
                order_id = request.order_id,
                session_id = session.session.id,
                generation = session.generation,
                "session ready"
            );
            axum::Json(SessionAnswer::new(&request.order_id, &session)).into_response()
        }
        Err(error) => {
            ErrorAnswer::checkout(error, &request.order_id, &state.secrets).into_response()
        }
    }
}

/// The body, if it is JSON within the limit; else the answer that says what to send.
fn read_json_body(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Bytes, ErrorAnswer> {
    if !is_json(headers) {
        return Err(ErrorAnswer::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send JSON, with Content-Type: application/json.",
        ));
    }
    match body {
        Ok(body) => Ok(body),
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            Err(ErrorAnswer::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                format!(
                    "The request is larger than {BODY_LIMIT} bytes; send the form's fields only."
                ),
            ))
        }
        Err(_) => Err(ErrorAnswer::new(
            StatusCode::BAD_REQUEST,
            "unreadable_body",
            "The request could not be read; send it again.",
        )),
    }
}

/// Whether the request says its body is JSON.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// The page's view of a session. `expiresAt` and `expiresInSeconds` are `null` when
/// StableMint's `expiresAt` is too far away to count down to (see
/// [`MAX_COUNTDOWN_SECS`](crate::checkout::MAX_COUNTDOWN_SECS)).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionAnswer<'a> {
    order_id: &'a str,
    session_id: &'a str,
    reference: &'a str,
    expires_at: Option<i64>,
    expires_in_seconds: Option<i64>,
    generation: u32,
}

impl<'a> SessionAnswer<'a> {
    fn new(order_id: &'a str, session: &'a OrderSession) -> Self {
        SessionAnswer {
            order_id,
            session_id: &session.session.id,
            reference: &session.session.reference,
            expires_at: session.expires_in.map(|_| session.session.expires_at),
            expires_in_seconds: session.expires_in,
            generation: session.generation,
        }
    }
}
