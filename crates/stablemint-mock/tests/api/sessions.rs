//! Successful requests: the response matches the spec's types, and its fixtures.

use std::time::Duration;

use serde_json::{Value, json};
use stablemint::types::{EmbeddedSessionRequest, SavedBank, UserKyc};
use stablemint::{Client, Credentials, RetryPolicy};
use stablemint_mock::{MockConfig, MockServer, UnknownFields, fixtures};

use crate::support::*;

fn keys(json: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

#[tokio::test]
async fn a_signed_request_creates_a_session_matching_the_spec() {
    let server = start().await;
    let (json, session) = success(Call::signed(&valid_body()).send(&server).await).await;
    assert_eq!(
        keys(&json),
        [
            "allowedPaymentMethods",
            "expiresAt",
            "reference",
            "sessionId"
        ]
    );
    assert_eq!(session.session_id.get_version_num(), 4);
    assert_eq!(session.expires_at, NOW as i64 + 900);
    let digits = session.reference.strip_prefix("SM-").unwrap();
    assert_eq!(digits.len(), 16, "{}", session.reference);
    assert!(session.saved_banks.is_empty());
    assert_eq!(server.sessions_created(), 1);
    assert_eq!(server.requests_received(), 1);

    let (_, second) = success(Call::signed(&valid_body()).send(&server).await).await;
    assert_ne!(second.session_id, session.session_id);
    assert_ne!(second.reference, session.reference);
    assert_eq!(server.sessions_created(), 2);
}

#[tokio::test]
async fn the_ttl_sets_the_expiry() {
    let server = MockServer::start(config().session_ttl(Duration::from_secs(60)))
        .await
        .unwrap();
    let (_, session) = success(Call::signed(&valid_body()).send(&server).await).await;
    assert_eq!(session.expires_at, NOW as i64 + 60);
}

#[tokio::test]
async fn payment_methods_depend_on_the_country() {
    let server = start().await;
    let methods = |country: &'static str| {
        let mut body = valid_body();
        body["userCountryCode"] = json!(country);
        let server = &server;
        async move {
            let (json, _) = success(Call::signed(&body).send(server).await).await;
            json["allowedPaymentMethods"].clone()
        }
    };

    let sepa = methods("DE").await;
    assert_eq!(sepa.as_array().unwrap().len(), 2, "{sepa}");
    assert_eq!(sepa[0]["paymentMethod"], 1);
    let countries = sepa[0]["countryCodes"].as_array().unwrap();
    assert_eq!(countries.len(), 35);
    assert!(countries.contains(&json!({"code": "DE", "name": "Germany"})));
    assert!(countries.contains(&json!({"code": "NO", "name": "Norway"})));
    assert!(!countries.iter().any(|c| c["code"] == "GB"));
    assert_eq!(sepa[1], json!({"paymentMethod": 2}));
    assert_eq!(methods("FR").await, sepa);

    assert_eq!(
        methods("GB").await,
        json!([
            {"paymentMethod": 3, "countryCodes": [{"code": "GB", "name": "United Kingdom"}]},
            {"paymentMethod": 2},
        ])
    );
    for elsewhere in ["US", "JP", "XK"] {
        assert_eq!(
            methods(elsewhere).await,
            json!([{"paymentMethod": 2}]),
            "{elsewhere}"
        );
    }
    assert_eq!(
        fixtures::allowed_payment_methods("DE")[0].payment_method,
        Some(fixtures::BANK_TRANSFER)
    );
}

#[tokio::test]
async fn saved_banks_are_returned_for_a_configured_user() {
    let bank: SavedBank = SavedBank::builder()
        .bank_id(Some(4021))
        .bank_name(Some("Sparkasse Berlin".to_owned()))
        .country(Some("DE".to_owned()))
        .last_used(Some("2026-01-15T10:30:00Z".to_owned()))
        .logo(Some("https://example.com/logos/sparkasse.png".to_owned()))
        .validated(Some(true))
        .try_into()
        .unwrap();
    let config = config()
        .saved_banks("user-1", vec![bank.clone(), SavedBank::default()])
        .saved_banks("user-3", vec![]);
    let server = MockServer::start(config).await.unwrap();

    let (json, session) = success(Call::signed(&valid_body()).send(&server).await).await;
    assert_eq!(
        json["savedBanks"],
        json!([
            {
                "bankId": 4021,
                "bankName": "Sparkasse Berlin",
                "country": "DE",
                "lastUsed": "2026-01-15T10:30:00Z",
                "logo": "https://example.com/logos/sparkasse.png",
                "validated": true,
            },
            {},
        ])
    );
    assert_eq!(session.saved_banks.len(), 2);

    for other in ["user-2", "user-3", "USER-1"] {
        let mut body = valid_body();
        body["userId"] = json!(other);
        let (json, _) = success(Call::signed(&body).send(&server).await).await;
        assert!(json.get("savedBanks").is_none(), "{other}: {json}");
    }
}

#[tokio::test]
async fn every_optional_field_is_accepted_and_unknown_ones_when_configured() {
    let server = MockServer::start(config().unknown_fields(UnknownFields::Ignore))
        .await
        .unwrap();
    let body = json!({
        "userId": "user-1",
        "userEmail": "jane.doe@example.com",
        "userCountryCode": "GB",
        "currency": "GBP",
        "amount": 10,
        "idempotencyKey": "order-1",
        "websiteReference": "cart-77",
        "userKyc": {
            "fullName": "Jane Doe",
            "citizenshipCountryCode": "IE",
            "residenceAddress": "1 High Street, London",
            "dateOfBirth": "1990-02-28",
            "placeOfBirth": "Cork",
            "gender": "female",
            "mobilePhone": "+44 20 7946 0000",
            "personalIdentificationNumber": "AB123456C",
        },
        "customFields": {"cart": {"items": 3}, "note": null},
        "somethingNew": [1, 2, 3],
    });
    success(Call::signed(&body).send(&server).await).await;

    // By default, the unknown property is refused with the wire names' closest match.
    let strict = start().await;
    let mut misspelled = valid_body();
    misspelled["idempotencykey"] = json!("order-2");
    let json = error(
        Call::signed(&misspelled).send(&strict).await,
        400,
        "invalid_body",
    )
    .await;
    assert_eq!(json["errors"][0]["pointer"], "/idempotencykey");
    assert_eq!(json["errors"][0]["code"], "unknown");
    assert!(
        json["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `idempotencyKey`?"),
        "{json}"
    );
    assert_eq!(strict.sessions_created(), 0);

    // Empty strings are not refused where the spec gives no rule.
    let mut body = valid_body();
    body["userId"] = json!("");
    success(Call::signed(&body).send(&server).await).await;
}

fn request(country: &str) -> EmbeddedSessionRequest {
    EmbeddedSessionRequest::builder()
        .user_id("user-8c1f")
        .user_email("jane.doe@example.com")
        .user_country_code(country)
        .currency("EUR")
        .amount(Some(25.0))
        .user_kyc(Some(
            UserKyc::builder()
                .date_of_birth(Some("1990-02-28".to_owned()))
                .try_into()
                .unwrap(),
        ))
        .try_into()
        .unwrap()
}

#[tokio::test]
async fn the_client_creates_sessions_against_the_mock() {
    // The client signs with the system clock, so the server uses it too.
    let server = MockServer::start(MockConfig::new(KEY, SECRET))
        .await
        .unwrap();
    let client = Client::builder(Credentials::new(KEY, SECRET))
        .base_url(&server.base_url())
        .build()
        .unwrap();
    let first = client
        .create_embedded_session(&request("AT"))
        .await
        .unwrap();
    assert!(!first.is_expired());
    assert_eq!(first.allowed_payment_methods.len(), 2);
    assert_eq!(first.allowed_payment_methods[0].payment_method, Some(1));
    // The client adds a fresh idempotency key per call, so a second call is a new session.
    let second = client
        .create_embedded_session(&request("AT"))
        .await
        .unwrap();
    assert_ne!(first.session_id, second.session_id);
    assert_eq!(server.sessions_created(), 2);
}

#[tokio::test]
async fn the_client_reports_the_mocks_errors() {
    let server = MockServer::start(MockConfig::new(KEY, SECRET))
        .await
        .unwrap();
    let client = Client::builder(Credentials::new(KEY, "not-the-secret"))
        .base_url(&server.base_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let error = client
        .create_embedded_session(&request("DE"))
        .await
        .unwrap_err();
    let stablemint::Error::Api(api) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(api.status, 401);
    assert_eq!(api.body.json().unwrap()["code"], "bad_signature");
    assert!(
        error
            .to_string()
            .starts_with("StableMint answered HTTP 401: the `signature` header"),
        "{error}"
    );
    assert_eq!(server.sessions_created(), 0);
}
