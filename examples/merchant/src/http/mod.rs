//! The HTTP side: the routes, the guard every request passes ([`guard`]), the JSON
//! between page and backend ([`api`]), what the shopper is told when something fails
//! ([`answers`]), and the headers every answer carries.
//!
//! - `GET /`: the page, with the catalog.
//! - `POST /api/orders` takes `{"items": [{"productId", "quantity"}]}` and answers 201
//!   with `{"orderId", "lines": [{"name", "quantity", "unitPrice", "lineTotal"}],
//!   "total", "currency"}`; the order is bound to this browser by an `HttpOnly`,
//!   `SameSite=Strict` cookie.
//! - `POST /api/checkout` takes `{"orderId", "userEmail", "userCountryCode"}` (nothing
//!   else: no amount, no currency) and answers 200 with `{"orderId", "sessionId",
//!   "reference", "expiresAt", "expiresInSeconds", "generation"}`.
//!
//! An error is `{"code", "message", "retryable", "supportReference"?, "errors"?}`,
//! where `errors` lists `{"pointer", "code", "message"}` for each field to fix, and a
//! 503 carries `Retry-After`.

pub(crate) mod answers;
pub(crate) mod api;
pub(crate) mod guard;

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::checkout::Checkout;
use crate::config::WidgetScript;
use crate::page;
use crate::support::Secrets;

use answers::ErrorAnswer;
use guard::Allowed;

/// The largest request body the backend reads; larger ones are answered 413 unread.
/// An order or a checkout form is a few hundred bytes.
pub const BODY_LIMIT: usize = 8 * 1024;

/// Counters a test can read.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub(crate) checkout_requests: AtomicUsize,
}

#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) checkout: Checkout,
    pub(crate) widget: Option<WidgetScript>,
    pub(crate) csp: HeaderValue,
    pub(crate) stats: Arc<Stats>,
    pub(crate) allowed: Arc<Allowed>,
    /// Whether sessions come from the in-process sandbox: the page says so.
    pub(crate) sandbox: bool,
    /// Whether the browser cookie is marked `Secure` (every public origin is https).
    pub(crate) secure_cookie: bool,
    /// Taken out of everything logged.
    pub(crate) secrets: Secrets,
    /// How long one request may wait for the database in all.
    pub(crate) db_wait: Duration,
}

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(api::page))
        .route(page::SCRIPT_PATH, get(script))
        .route(page::STYLE_PATH, get(style))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/api/orders", post(api::create_order))
        .route("/api/checkout", post(api::checkout))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            secure_headers,
        ))
        .with_state(state)
}

/// Refuses a request for another host, or a state change from another origin, before
/// any handler sees it.
async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match state.allowed.check(request.method(), request.headers()) {
        Ok(()) => next.run(request).await,
        Err((status, code, message)) => ErrorAnswer::new(status, code, message).into_response(),
    }
}

/// Headers on every answer, errors, refusals and 404s included.
async fn secure_headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, state.csp.clone());
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin"),
    );
    // Pages carry orders and answers carry sessions: neither is for a cache.
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

async fn script() -> Response {
    asset("text/javascript; charset=utf-8", page::SCRIPT)
}

async fn style() -> Response {
    asset("text/css; charset=utf-8", page::STYLE)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

async fn not_found() -> Response {
    ErrorAnswer::new(StatusCode::NOT_FOUND, "not_found", "There is nothing here.").into_response()
}
