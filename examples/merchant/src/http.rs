//! The HTTP side: the routes, the JSON between page and backend, and the headers every
//! answer carries.
//!
//! `POST /api/checkout` takes `{"orderId", "userEmail", "userCountryCode", "amount",
//! "currency"}` (all strings) and answers 200 with `{"orderId", "sessionId",
//! "reference", "expiresAt", "expiresInSeconds", "generation"}`, or an error status with
//! `{"code", "message", "detail"?, "retryable", "errors"?}`, where `errors` lists
//! `{"pointer", "code", "message"}` for each field to fix.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::checkout::{Checkout, CheckoutError, OrderSession};
use crate::config::WidgetScript;
use crate::page;
use crate::payments::{CallError, FieldError, SessionDetails};

/// The largest request body the backend reads; larger ones are answered 413 unread.
/// A checkout form is a few hundred bytes.
pub const BODY_LIMIT: usize = 8 * 1024;

/// The fields of `POST /api/checkout`, in the order they are reported.
const FIELDS: [&str; 5] = [
    "orderId",
    "userEmail",
    "userCountryCode",
    "amount",
    "currency",
];

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
}

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(checkout_page))
        .route(page::SCRIPT_PATH, get(script))
        .route(page::STYLE_PATH, get(style))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/api/checkout", post(checkout))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            secure_headers,
        ))
        .with_state(state)
}

/// Headers on every answer, errors and 404s included.
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
    // Pages carry an order id and answers carry sessions: neither is for a cache.
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

async fn checkout_page(State(state): State<AppState>) -> Response {
    // A new order id for each page: the page stands in for a shop's cart, which has its
    // order before the buyer pays. Nothing is stored until the buyer pays.
    let order_id = format!("ord_{}", uuid::Uuid::new_v4().simple());
    let html = page::checkout(&order_id, state.widget.as_ref());
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
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
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "There is nothing here.").into_response()
}

async fn checkout(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    state
        .stats
        .checkout_requests
        .fetch_add(1, Ordering::Relaxed);
    if !is_json(&headers) {
        return ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the order as JSON, with Content-Type: application/json.",
        )
        .into_response();
    }
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                format!(
                    "The order is larger than {BODY_LIMIT} bytes; send the form's fields only."
                ),
            )
            .into_response();
        }
        Err(_) => {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                "unreadable_body",
                "The order could not be read; send it again.",
            )
            .into_response();
        }
    };
    let details = match parse_checkout(&body) {
        Ok(details) => details,
        Err(errors) => return invalid(errors).into_response(),
    };
    let order_id = details.order_id.clone();
    match state.checkout.session(details).await {
        Ok(session) => {
            tracing::info!(
                order_id,
                session_id = session.session.id,
                generation = session.generation,
                "session ready"
            );
            axum::Json(SessionAnswer::new(&order_id, &session)).into_response()
        }
        Err(error) => {
            let answer = ApiError::from(error);
            tracing::warn!(
                order_id,
                status = answer.status.as_u16(),
                code = answer.body.code,
                detail = answer.body.detail.as_deref().unwrap_or(""),
                "no session"
            );
            answer.into_response()
        }
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// The order's details from the page's JSON, trimmed, with the country and currency
/// upper-cased (the form accepts `de`; StableMint accepts only `DE`); every problem is
/// reported at once, at its field's pointer.
pub(crate) fn parse_checkout(body: &[u8]) -> Result<SessionDetails, Vec<FieldError>> {
    let error = |pointer: &str, code: &str, message: String| FieldError {
        pointer: pointer.to_owned(),
        code: code.to_owned(),
        message,
    };
    let object: Map<String, Value> = match serde_json::from_slice(body) {
        Ok(Value::Object(object)) => object,
        Ok(_) => {
            return Err(vec![error(
                "",
                "type",
                "send a JSON object with the fields orderId, userEmail, userCountryCode, amount and currency".into(),
            )]);
        }
        Err(_) => {
            return Err(vec![error(
                "",
                "json",
                "the body is not JSON: send a JSON object with the fields orderId, userEmail, userCountryCode, amount and currency".into(),
            )]);
        }
    };
    let mut errors = Vec::new();
    let mut values = Vec::with_capacity(FIELDS.len());
    for name in FIELDS {
        let pointer = format!("/{name}");
        match object.get(name) {
            Some(Value::String(value)) => values.push(value.trim().to_owned()),
            Some(_) => {
                errors.push(error(
                    &pointer,
                    "type",
                    format!("send {name} as a JSON string"),
                ));
                values.push(String::new());
            }
            None => {
                errors.push(error(
                    &pointer,
                    "required",
                    format!("{name} is missing: fill it in"),
                ));
                values.push(String::new());
            }
        }
    }
    for name in object.keys() {
        if !FIELDS.contains(&name.as_str()) {
            let mut pointer = String::new();
            push_pointer_token(&mut pointer, name);
            errors.push(error(
                &pointer,
                "unknown",
                "this field is not part of an order: remove it".into(),
            ));
        }
    }
    let [order_id, user_email, user_country_code, amount, currency]: [String; 5] =
        values.try_into().unwrap_or_default();
    if !errors.iter().any(|e| e.pointer == "/orderId") && !is_order_id(&order_id) {
        errors.push(error(
            "/orderId",
            "format",
            "this is not an order id from this shop: reload the page to start a new order".into(),
        ));
    }
    let amount = if errors.iter().any(|e| e.pointer == "/amount") {
        0.0
    } else {
        match parse_amount(&amount) {
            Some(amount) => amount,
            None => {
                errors.push(error(
                    "/amount",
                    "number",
                    "enter the amount as a number with a dot for decimals, such as 25.00".into(),
                ));
                0.0
            }
        }
    };
    let details = SessionDetails {
        order_id,
        user_email,
        user_country_code: user_country_code.to_ascii_uppercase(),
        amount,
        currency: currency.to_ascii_uppercase(),
    };
    // StableMint's rules too, so that every problem is shown at once. A field that
    // already has an error gets no second one about the value that stands in for it.
    if let Err(more) = crate::payments::validate(&details) {
        let more: Vec<FieldError> = more
            .into_iter()
            .filter(|e| !errors.iter().any(|seen| seen.pointer == e.pointer))
            .collect();
        errors.extend(more);
    }
    if errors.is_empty() {
        Ok(details)
    } else {
        Err(errors)
    }
}

/// Appends `/` and `token`, JSON-Pointer-escaped, to `pointer`.
fn push_pointer_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    pointer.push_str(&token.replace('~', "~0").replace('/', "~1"));
}

/// `ord_` and 32 lowercase hex digits, as [`checkout_page`] makes them.
fn is_order_id(id: &str) -> bool {
    id.strip_prefix("ord_").is_some_and(|hex| {
        hex.len() == 32 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

/// Digits, with at most one dot between digits: `25`, `25.5`, `0.99`. No sign, no
/// exponent, no thousands separators, so what is charged is what was typed.
fn parse_amount(text: &str) -> Option<f64> {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    let digits = |s: &str| !s.is_empty() && s.len() <= 15 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || fraction.is_some_and(|f| !digits(f)) {
        return None;
    }
    text.parse().ok()
}

/// The page's view of a session.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionAnswer<'a> {
    order_id: &'a str,
    session_id: &'a str,
    reference: &'a str,
    expires_at: i64,
    expires_in_seconds: i64,
    generation: u32,
}

impl<'a> SessionAnswer<'a> {
    fn new(order_id: &'a str, session: &'a OrderSession) -> Self {
        SessionAnswer {
            order_id,
            session_id: &session.session.id,
            reference: &session.session.reference,
            expires_at: session.session.expires_at,
            expires_in_seconds: session.expires_in,
            generation: session.generation,
        }
    }
}

/// An error answer.
struct ApiError {
    status: StatusCode,
    body: ErrorBody,
}

#[derive(Serialize)]
struct ErrorBody {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    retryable: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldError>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: ErrorBody {
                code,
                message: message.into(),
                detail: None,
                retryable: false,
                errors: Vec::new(),
            },
        }
    }

    fn retryable(mut self, detail: Option<String>) -> ApiError {
        self.body.retryable = true;
        self.body.detail = detail;
        self
    }
}

fn invalid(errors: Vec<FieldError>) -> ApiError {
    let mut answer = ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        "Some fields need fixing.",
    );
    answer.body.errors = errors;
    answer
}

impl From<CheckoutError> for ApiError {
    fn from(error: CheckoutError) -> ApiError {
        match error {
            CheckoutError::Invalid(errors) | CheckoutError::Payment(CallError::Invalid(errors)) => {
                invalid(errors)
            }
            CheckoutError::Conflict => ApiError::new(
                StatusCode::CONFLICT,
                "order_conflict",
                "This order was already placed with other details. Reload the page to start a new order.",
            ),
            CheckoutError::Payment(CallError::Rejected { status, detail }) => ApiError::new(
                StatusCode::BAD_GATEWAY,
                "stablemint_error",
                format!("StableMint did not create the payment session (it answered HTTP {status}). Your order is saved: trying again creates at most one session."),
            )
            .retryable(Some(detail)),
            CheckoutError::Payment(CallError::Unreachable { detail }) => ApiError::new(
                StatusCode::GATEWAY_TIMEOUT,
                "stablemint_unreachable",
                "StableMint did not answer. Your order is saved: trying again creates at most one session.",
            )
            .retryable(Some(detail)),
            CheckoutError::Payment(CallError::Failed { detail }) => ApiError::new(
                StatusCode::BAD_GATEWAY,
                "stablemint_failed",
                "The payment session could not be created.",
            )
            .retryable(Some(detail)),
            CheckoutError::Storage(error) => {
                tracing::error!(%error, "database error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "storage_error",
                    "The order could not be saved. Try again in a moment.",
                )
                .retryable(None)
            }
            CheckoutError::StillExpired => ApiError::new(
                StatusCode::BAD_GATEWAY,
                "session_expired",
                "StableMint answered with a session that had already expired.",
            )
            .retryable(None),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pointers(result: Result<SessionDetails, Vec<FieldError>>) -> Vec<(String, String)> {
        result
            .unwrap_err()
            .into_iter()
            .map(|e| (e.pointer, e.code))
            .collect()
    }

    const ORDER: &str = "ord_0123456789abcdef0123456789abcdef";

    #[test]
    fn a_valid_form_is_trimmed_and_upper_cased() {
        let body = format!(
            r#"{{"orderId":"{ORDER}","userEmail":" jane@example.com ","userCountryCode":"de","amount":"25.50","currency":"eur"}}"#
        );
        let details = parse_checkout(body.as_bytes()).unwrap();
        assert_eq!(details.order_id, ORDER);
        assert_eq!(details.user_email, "jane@example.com");
        assert_eq!(details.user_country_code, "DE");
        assert_eq!(details.amount, 25.5);
        assert_eq!(details.currency, "EUR");
    }

    #[test]
    fn every_problem_is_reported_at_its_pointer() {
        let body = r#"{"orderId":"ord_x","userEmail":"jane@","userCountryCode":5,"amount":"1e3","extra/field":1}"#;
        assert_eq!(
            pointers(parse_checkout(body.as_bytes())),
            [
                ("/userCountryCode".into(), "type".into()),
                ("/currency".into(), "required".into()),
                ("/extra~1field".into(), "unknown".into()),
                ("/orderId".into(), "format".into()),
                ("/amount".into(), "number".into()),
                ("/userEmail".into(), "email".into()),
            ]
        );
    }

    #[test]
    fn stablemint_rules_apply_to_fields_that_parsed() {
        let body = format!(
            r#"{{"orderId":"{ORDER}","userEmail":"jane@example.com","userCountryCode":"QQ","amount":"0.001","currency":"EUR"}}"#
        );
        assert_eq!(
            pointers(parse_checkout(body.as_bytes())),
            [
                ("/amount".into(), "precision".into()),
                ("/userCountryCode".into(), "alpha2".into()),
            ]
        );
    }

    #[test]
    fn bodies_that_are_not_objects_are_refused() {
        assert_eq!(
            pointers(parse_checkout(b"[1]")),
            [("".into(), "type".into())]
        );
        assert_eq!(pointers(parse_checkout(b"{")), [("".into(), "json".into())]);
        assert_eq!(pointers(parse_checkout(b"")), [("".into(), "json".into())]);
    }

    #[test]
    fn amounts_are_plain_decimals() {
        for (text, amount) in [
            ("25", Some(25.0)),
            ("0.99", Some(0.99)),
            ("10.5", Some(10.5)),
        ] {
            assert_eq!(parse_amount(text), amount, "{text}");
        }
        for text in [
            "",
            ".5",
            "5.",
            "-1",
            "+1",
            "1e3",
            "1,5",
            "1.2.3",
            "NaN",
            "inf",
            " 1",
            "1234567890123456",
        ] {
            assert_eq!(parse_amount(text), None, "{text}");
        }
    }

    #[test]
    fn order_ids_are_the_shops_own() {
        assert!(is_order_id(ORDER));
        for id in [
            "",
            "ord_",
            "ord_0123456789ABCDEF0123456789abcdef",
            "xrd_0123456789abcdef0123456789abcdef",
            "ord_0123456789abcdef0123456789abcdef0",
        ] {
            assert!(!is_order_id(id), "{id}");
        }
    }
}
