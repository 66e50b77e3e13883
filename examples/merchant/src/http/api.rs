//! The page and the two JSON endpoints: making an order, and checking it out.

use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::answers::ErrorAnswer;
use super::{AppState, BODY_LIMIT};
use crate::catalog::{CartItem, LineView, MAX_QUANTITY, format_money};
use crate::checkout::{CheckoutRequest, OrderSession};
use crate::page;
use crate::payments::{FieldError, unix_seconds};
use crate::store::{CartError, DbWait, MAX_LINES, Payer};

/// The cookie that binds orders to the browser that made them.
pub const BROWSER_COOKIE: &str = "shop_browser";

/// The fields of `POST /api/checkout`, in the order they are reported.
const CHECKOUT_FIELDS: [&str; 3] = ["orderId", "userEmail", "userCountryCode"];

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

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// The browser's token from its cookie, if it has one of the right shape.
fn browser_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == BROWSER_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|value| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A new browser token: 244 random bits, as 64 hex digits.
fn new_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// What the database keeps of a browser token: its SHA-256, so that a copy of the
/// database does not let anyone act as the browser.
fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn field_error(pointer: &str, code: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        pointer: pointer.to_owned(),
        code: code.to_owned(),
        message: message.into(),
    }
}

fn cart_error(error: CartError) -> FieldError {
    match error {
        CartError::Empty => field_error("/items", "empty", "choose at least one product"),
        CartError::TooManyLines => field_error(
            "/items",
            "too_many",
            format!("an order has at most {MAX_LINES} lines"),
        ),
        CartError::UnknownProduct(index) => field_error(
            &format!("/items/{index}/productId"),
            "unknown_product",
            "this product is not in the catalog: reload the page",
        ),
        CartError::Quantity(index) => field_error(
            &format!("/items/{index}/quantity"),
            "quantity",
            format!("choose between 1 and {MAX_QUANTITY}"),
        ),
        CartError::Duplicate(index) => field_error(
            &format!("/items/{index}/productId"),
            "duplicate",
            "this product is already in the order",
        ),
        CartError::MixedCurrencies => field_error(
            "/items",
            "currency",
            "these products cannot be paid together: order them separately",
        ),
        CartError::TooLarge => field_error("/items", "too_large", "this order is too large"),
    }
}

/// The cart from `{"items": [{"productId": "...", "quantity": 2}, ...]}`; every problem
/// is reported at once, at its pointer. Items with quantity 0 are left out, so the page
/// can send every product of its list.
pub(crate) fn parse_cart(body: &[u8]) -> Result<Vec<CartItem>, Vec<FieldError>> {
    let object = parse_object(body, "a JSON object with the field items")?;
    let mut errors = Vec::new();
    for name in object.keys() {
        if name != "items" {
            errors.push(unknown(
                name,
                "this field is not part of an order: remove it",
            ));
        }
    }
    let items = match object.get("items") {
        Some(Value::Array(items)) => items.as_slice(),
        Some(_) => {
            errors.push(field_error("/items", "type", "send items as a JSON array"));
            &[]
        }
        None => {
            errors.push(field_error("/items", "required", "items is missing"));
            &[]
        }
    };
    if items.len() > MAX_LINES * 4 {
        errors.push(field_error(
            "/items",
            "too_many",
            format!("an order has at most {MAX_LINES} lines"),
        ));
        return Err(errors);
    }
    let mut cart = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let Value::Object(item) = item else {
            errors.push(field_error(
                &format!("/items/{index}"),
                "type",
                "send each item as an object with productId and quantity",
            ));
            continue;
        };
        for name in item.keys() {
            if name != "productId" && name != "quantity" {
                let mut pointer = format!("/items/{index}");
                push_pointer_token(&mut pointer, name);
                errors.push(field_error(
                    &pointer,
                    "unknown",
                    "an item has a productId and a quantity only: prices come from the shop",
                ));
            }
        }
        let product_id = match item.get("productId") {
            Some(Value::String(id)) if !id.is_empty() && id.len() <= 100 => Some(id.clone()),
            _ => {
                errors.push(field_error(
                    &format!("/items/{index}/productId"),
                    "type",
                    "send productId as the product's id",
                ));
                None
            }
        };
        let quantity = match item.get("quantity").and_then(Value::as_u64) {
            Some(quantity) if quantity <= u64::from(MAX_QUANTITY) => Some(quantity as u32),
            _ => {
                errors.push(field_error(
                    &format!("/items/{index}/quantity"),
                    "quantity",
                    format!("send quantity as a whole number from 0 to {MAX_QUANTITY}"),
                ));
                None
            }
        };
        if let (Some(product_id), Some(quantity)) = (product_id, quantity)
            && quantity > 0
        {
            cart.push(CartItem {
                product_id,
                quantity,
            });
        }
    }
    if errors.is_empty() {
        Ok(cart)
    } else {
        Err(errors)
    }
}

/// The order id and the payer from the checkout's JSON, trimmed, with the country
/// upper-cased (the form accepts `de`; StableMint accepts only `DE`); every problem is
/// reported at once, at its field's pointer. A field the checkout does not take (an
/// `amount`, a `currency`) is refused: the order has them.
pub(crate) fn parse_checkout(body: &[u8]) -> Result<(String, Payer), Vec<FieldError>> {
    let object = parse_object(
        body,
        "a JSON object with orderId, userEmail and userCountryCode",
    )?;
    let mut errors = Vec::new();
    let mut values = Vec::with_capacity(CHECKOUT_FIELDS.len());
    for name in CHECKOUT_FIELDS {
        let pointer = format!("/{name}");
        match object.get(name) {
            Some(Value::String(value)) => values.push(value.trim().to_owned()),
            Some(_) => {
                errors.push(field_error(
                    &pointer,
                    "type",
                    format!("send {name} as a JSON string"),
                ));
                values.push(String::new());
            }
            None => {
                errors.push(field_error(
                    &pointer,
                    "required",
                    format!("{name} is missing: fill it in"),
                ));
                values.push(String::new());
            }
        }
    }
    for name in object.keys() {
        if !CHECKOUT_FIELDS.contains(&name.as_str()) {
            errors.push(unknown(
                name,
                "this field is not part of a checkout: the order's amount and currency are the shop's",
            ));
        }
    }
    let [order_id, email, country]: [String; 3] = values.try_into().unwrap_or_default();
    if !errors.iter().any(|e| e.pointer == "/orderId") && !is_order_id(&order_id) {
        errors.push(field_error(
            "/orderId",
            "format",
            "this is not an order of this shop: reload the page to start a new order",
        ));
    }
    let payer = Payer {
        email,
        country_code: country.to_ascii_uppercase(),
    };
    // StableMint's rules too, so that every problem is shown at once. A field that
    // already has an error gets no second one about the value that stands in for it.
    if let Err(more) = crate::payments::validate_payer(&payer) {
        let more: Vec<FieldError> = more
            .into_iter()
            .filter(|e| !errors.iter().any(|seen| seen.pointer == e.pointer))
            .collect();
        errors.extend(more);
    }
    if errors.is_empty() {
        Ok((order_id, payer))
    } else {
        Err(errors)
    }
}

fn parse_object(body: &[u8], expected: &str) -> Result<Map<String, Value>, Vec<FieldError>> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(vec![field_error("", "type", format!("send {expected}"))]),
        Err(_) => Err(vec![field_error(
            "",
            "json",
            format!("the body is not JSON: send {expected}"),
        )]),
    }
}

fn unknown(name: &str, message: &str) -> FieldError {
    let mut pointer = String::new();
    push_pointer_token(&mut pointer, name);
    field_error(&pointer, "unknown", message)
}

/// Appends `/` and `token`, JSON-Pointer-escaped, to `pointer`.
fn push_pointer_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    pointer.push_str(&token.replace('~', "~0").replace('/', "~1"));
}

/// `ord_` and 32 lowercase hex digits, as [`create_order`] makes them.
fn is_order_id(id: &str) -> bool {
    id.strip_prefix("ord_").is_some_and(|hex| {
        hex.len() == 32 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pointers<T: std::fmt::Debug>(result: Result<T, Vec<FieldError>>) -> Vec<(String, String)> {
        result
            .unwrap_err()
            .into_iter()
            .map(|e| (e.pointer, e.code))
            .collect()
    }

    const ORDER: &str = "ord_0123456789abcdef0123456789abcdef";

    #[test]
    fn a_valid_checkout_is_trimmed_and_upper_cased() {
        let body = format!(
            r#"{{"orderId":"{ORDER}","userEmail":" jane@example.com ","userCountryCode":"de"}}"#
        );
        let (order, payer) = parse_checkout(body.as_bytes()).unwrap();
        assert_eq!(order, ORDER);
        assert_eq!(payer.email, "jane@example.com");
        assert_eq!(payer.country_code, "DE");
    }

    #[test]
    fn a_checkout_carrying_an_amount_or_a_currency_is_refused() {
        let body = format!(
            r#"{{"orderId":"{ORDER}","userEmail":"jane@example.com","userCountryCode":"DE","amount":"0.01","currency":"EUR"}}"#
        );
        assert_eq!(
            pointers(parse_checkout(body.as_bytes())),
            [
                ("/amount".into(), "unknown".into()),
                ("/currency".into(), "unknown".into()),
            ]
        );
    }

    #[test]
    fn every_problem_is_reported_at_its_pointer() {
        let body = r#"{"orderId":"ord_x","userEmail":"jane@","userCountryCode":5,"extra/field":1}"#;
        assert_eq!(
            pointers(parse_checkout(body.as_bytes())),
            [
                ("/userCountryCode".into(), "type".into()),
                ("/extra~1field".into(), "unknown".into()),
                ("/orderId".into(), "format".into()),
                ("/userEmail".into(), "email".into()),
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
        assert_eq!(pointers(parse_cart(b"")), [("".into(), "json".into())]);
    }

    #[test]
    fn a_cart_names_products_and_quantities_only() {
        let cart = parse_cart(
            br#"{"items":[{"productId":"espresso-beans","quantity":2},{"productId":"ceramic-cup","quantity":0}]}"#,
        )
        .unwrap();
        assert_eq!(
            cart,
            [CartItem {
                product_id: "espresso-beans".into(),
                quantity: 2
            }]
        );
        assert_eq!(
            pointers(parse_cart(
                br#"{"items":[{"productId":"a","quantity":1,"price":1},{"productId":"b","quantity":-1},{"productId":7,"quantity":1.5},3],"total":1}"#
            )),
            [
                ("/total".into(), "unknown".into()),
                ("/items/0/price".into(), "unknown".into()),
                ("/items/1/quantity".into(), "quantity".into()),
                ("/items/2/productId".into(), "type".into()),
                ("/items/2/quantity".into(), "quantity".into()),
                ("/items/3".into(), "type".into()),
            ]
        );
        let many = format!(
            r#"{{"items":[{}]}}"#,
            vec![r#"{"productId":"a","quantity":1}"#; MAX_LINES * 4 + 1].join(",")
        );
        assert_eq!(
            pointers(parse_cart(many.as_bytes())),
            [("/items".into(), "too_many".into())]
        );
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

    #[test]
    fn the_browser_token_comes_from_its_cookie_only_when_well_formed() {
        let token = new_token();
        assert_eq!(token.len(), 64);
        assert_ne!(token, new_token());
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=b; {BROWSER_COOKIE}={token}; c=d")).unwrap(),
        );
        assert_eq!(browser_token(&headers), Some(token.clone()));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("shop_browser=short"),
        );
        assert_eq!(browser_token(&headers), None);
        assert_eq!(browser_token(&HeaderMap::new()), None);
        // The database keeps the hash, never the token.
        assert_eq!(hash(&token).len(), 64);
        assert_ne!(hash(&token), token);
    }
}
