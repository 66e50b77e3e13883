//! The two JSON bodies read into what the shop works with: the cart of `POST /api/orders`
//! and the order id and payer of `POST /api/checkout`, every problem reported at once
//! as a [`FieldError`] at its JSON Pointer.

use serde_json::{Map, Value};

use crate::catalog::{CartItem, MAX_QUANTITY};
use crate::payments::FieldError;
use crate::store::{CartError, MAX_LINES, Payer};

/// The fields of `POST /api/checkout`, in the order they are reported.
const CHECKOUT_FIELDS: [&str; 3] = ["orderId", "userEmail", "userCountryCode"];

/// A problem with one field, at `pointer`.
fn field_error(pointer: &str, code: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        pointer: pointer.to_owned(),
        code: code.to_owned(),
        message: message.into(),
    }
}

/// Why the cart cannot become an order, said at the field to fix.
pub(super) fn cart_error(error: CartError) -> FieldError {
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

/// The body as a JSON object; else one error at `""` saying what to send (`expected`).
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

/// A field the body may not carry, at its pointer.
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
/// `ord_` and 32 lowercase hex digits, as [`create_order`](super::create_order) makes
/// them.
fn is_order_id(id: &str) -> bool {
    id.strip_prefix("ord_").is_some_and(|hex| {
        hex.len() == 32 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
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
}
