//! What goes over the wire: request JSON and parsed responses, as reviewed snapshots.

use serde_json::json;
use stablemint_raw::types::{EmbeddedSessionRequest, EmbeddedSessionResponse, UserKyc};

/// The workspace's one full request: every field set.
fn full_request() -> EmbeddedSessionRequest {
    stablemint_tests::full_request()
}

/// The same request as the fixture, built the way users build requests: with the
/// builders, which keep compiling when the spec gains optional properties.
fn full_request_from_builders() -> EmbeddedSessionRequest {
    let mut custom_fields = serde_json::Map::new();
    custom_fields.insert("orderId".into(), json!("order-2026-0042"));
    custom_fields.insert("items".into(), json!([{"sku": "SKU-1", "qty": 2}]));
    let kyc: UserKyc = UserKyc::builder()
        .full_name(Some("Jane Doe".to_owned()))
        .citizenship_country_code(Some("AT".to_owned()))
        .residence_address(Some("Hauptstrasse 1, 10115 Berlin".to_owned()))
        .date_of_birth(Some("1990-02-28".to_owned()))
        .place_of_birth(Some("Vienna".to_owned()))
        .gender(Some("female".to_owned()))
        .mobile_phone(Some("+49 30 1234567".to_owned()))
        .personal_identification_number(Some("ID-000000".to_owned()))
        .try_into()
        .unwrap();
    EmbeddedSessionRequest::builder()
        .user_id("user-8c1f")
        .user_email("jane.doe@example.com")
        .user_country_code("DE")
        .currency("EUR")
        .amount(Some(125.5))
        .idempotency_key(Some("0b7e0a6e-3f53-4b5e-9a53-0f6a7c1d2e3f".to_owned()))
        .website_reference(Some("checkout-17".to_owned()))
        .user_kyc(Some(kyc))
        .custom_fields(custom_fields)
        .try_into()
        .unwrap()
}

fn minimal_request() -> EmbeddedSessionRequest {
    EmbeddedSessionRequest::builder()
        .user_id("user-8c1f")
        .user_email("jane.doe@example.com")
        .user_country_code("DE")
        .currency("EUR")
        .try_into()
        .unwrap()
}

#[test]
fn the_builders_make_the_fixture() {
    assert_eq!(
        serde_json::to_value(full_request_from_builders()).unwrap(),
        serde_json::to_value(full_request()).unwrap()
    );
}

#[test]
fn full_request_json() {
    insta::assert_json_snapshot!("full_request", full_request());
}

#[test]
fn minimal_request_sends_only_the_required_fields() {
    let value = serde_json::to_value(minimal_request()).unwrap();
    let keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    // Absent, not null; and no empty customFields.
    assert_eq!(keys.len(), 4, "{value}");
    for key in ["userId", "userEmail", "userCountryCode", "currency"] {
        assert!(keys.contains(&key), "{key} missing from {value}");
    }
    assert!(!value.to_string().contains("null"));
    insta::assert_json_snapshot!("minimal_request", value);
}

#[test]
fn empty_kyc_object_sends_no_kyc_fields() {
    let mut request = minimal_request();
    request.user_kyc = Some(UserKyc::default());
    let value = serde_json::to_value(request).unwrap();
    assert_eq!(value["userKyc"], json!({}));
}

/// The documentation's sample response, with realistic values.
fn sample_response() -> serde_json::Value {
    json!({
        "sessionId": "5f0c6a52-8f3e-4c1b-9d2a-7b6e1f4a3c21",
        "expiresAt": 1_764_150_000_i64,
        "allowedPaymentMethods": [
            {
                "paymentMethod": 1,
                "countryCodes": [
                    {"code": "DE", "name": "Germany"},
                    {"code": "AT", "name": "Austria"}
                ]
            },
            {"paymentMethod": 4}
        ],
        "savedBanks": [
            {
                "country": "DE",
                "logo": "https://cdn.example.com/banks/sparkasse.png",
                "bankName": "Sparkasse Berlin",
                "bankId": 10050000,
                "lastUsed": "2026-11-20T09:14:00Z",
                "validated": true
            }
        ],
        "reference": "SM-2026-000123"
    })
}

#[test]
fn sample_response_parses() {
    let parsed: EmbeddedSessionResponse = serde_json::from_value(sample_response()).unwrap();
    assert_eq!(
        parsed.session_id.to_string(),
        "5f0c6a52-8f3e-4c1b-9d2a-7b6e1f4a3c21"
    );
    assert_eq!(parsed.expires_at, 1_764_150_000);
    insta::assert_debug_snapshot!("sample_response", parsed);
}

#[test]
fn response_with_only_required_fields_parses() {
    let parsed: EmbeddedSessionResponse = serde_json::from_value(json!({
        "sessionId": "5f0c6a52-8f3e-4c1b-9d2a-7b6e1f4a3c21",
        "expiresAt": 1_764_150_000_i64,
        "allowedPaymentMethods": [],
        "reference": "SM-2026-000123"
    }))
    .unwrap();
    assert!(parsed.saved_banks.is_empty());
}

#[test]
fn unknown_response_fields_are_ignored() {
    let mut value = sample_response();
    value["newTopLevelField"] = json!({"nested": [1, 2, 3]});
    value["allowedPaymentMethods"][0]["fee"] = json!("0.25");
    value["savedBanks"][0]["iban"] = json!("DE00 0000");
    let with_extras: EmbeddedSessionResponse = serde_json::from_value(value).unwrap();
    let plain: EmbeddedSessionResponse = serde_json::from_value(sample_response()).unwrap();
    assert_eq!(format!("{with_extras:?}"), format!("{plain:?}"));
}

#[test]
fn missing_required_response_field_is_an_error() {
    let mut value = sample_response();
    value.as_object_mut().unwrap().remove("sessionId");
    let error = serde_json::from_value::<EmbeddedSessionResponse>(value).unwrap_err();
    assert!(error.to_string().contains("sessionId"), "{error}");
}
