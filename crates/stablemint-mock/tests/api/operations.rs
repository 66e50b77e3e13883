//! The mock serves whatever operations it is given, with no code of its own per
//! operation: a table here describes operations the spec does not have (a `GET` signed
//! over a path parameter, a list with query parameters, a `PUT` with a body and a key, a
//! `DELETE` answering 204, a `POST` answering 201 with declared error schemas, and an
//! unsigned `GET`), and each is checked as declared and answered in its schema's shape.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value, json};
use stablemint::types::EmbeddedSessionRequest;
use stablemint_mock::{Fault, MockServer};
use stablemint_wire::shape::WireShape;
use stablemint_wire::{
    Auth, BodySpec, Location, Method, OperationSpec, ParameterKind, ParameterSpec, ResponseSpec,
    Status,
};

use crate::support::*;

const THING: &str = r#"{"type":"object","required":["id","state","expiresAt"],"properties":{
    "id":{"type":"string"},"state":{"type":"string","enum":["open","closed"]},
    "expiresAt":{"type":"integer","format":"int64"},"tag":{"type":"string"}}}"#;
const REFUND: &str = r#"{"type":"object","required":["refundId","amount"],"properties":{
    "refundId":{"type":"string","format":"uuid"},"amount":{"type":"number"}}}"#;
const BAD_REQUEST: &str = r#"{"type":"object","required":["code","message","problems"],
    "properties":{"code":{"type":"string"},"message":{"type":"string"},
    "problems":{"type":"array","items":{"type":"object"}}}}"#;
const PROBLEM: &str = r#"{"type":"object","required":["code","message"],"properties":{
    "code":{"type":"string"},"message":{"type":"string"}}}"#;

const fn response(status: Status, schema: Option<&'static str>) -> ResponseSpec {
    ResponseSpec {
        status,
        schema,
        example: None,
        rust_type: None,
        decode: None,
    }
}

const fn parameter(
    name: &'static str,
    location: Location,
    required: bool,
    kind: ParameterKind,
) -> ParameterSpec {
    ParameterSpec {
        name,
        location,
        required,
        kind,
        rule: None,
    }
}

const ID: ParameterSpec = parameter("id", Location::Path, true, ParameterKind::String);

static GET_PARAMETERS: [ParameterSpec; 2] = [
    ID,
    parameter("X-Trace", Location::Header, false, ParameterKind::String),
];
static LIST_PARAMETERS: [ParameterSpec; 4] = [
    parameter("owner", Location::Query, true, ParameterKind::String),
    parameter("limit", Location::Query, false, ParameterKind::Int32),
    parameter("open", Location::Query, false, ParameterKind::Boolean),
    ParameterSpec {
        name: "currency",
        location: Location::Query,
        required: false,
        kind: ParameterKind::StringArray,
        rule: Some(stablemint_validate::rules::currency),
    },
];
static ID_ONLY: [ParameterSpec; 1] = [ID];
static ERRORS: [ResponseSpec; 2] = [
    response(Status::Code(400), Some(BAD_REQUEST)),
    response(Status::Default, Some(PROBLEM)),
];

const BODY: BodySpec = BodySpec {
    schema: "EmbeddedSessionRequest",
    required: true,
    shape: <EmbeddedSessionRequest as WireShape>::SHAPE,
    check: stablemint_wire::check_value::<EmbeddedSessionRequest>,
};

const fn operation(
    id: &'static str,
    method: Method,
    path: &'static str,
    auth: Auth,
) -> OperationSpec {
    OperationSpec {
        id,
        method,
        path,
        parameters: &[],
        auth,
        idempotency_key_field: None,
        body: None,
        success: response(Status::Code(200), Some(THING)),
        errors: &[],
    }
}

static OPERATIONS: [OperationSpec; 6] = [
    OperationSpec {
        parameters: &GET_PARAMETERS,
        ..operation(
            "getThing",
            Method::Get,
            "/things/{id}",
            Auth::SignedParameter("id"),
        )
    },
    OperationSpec {
        parameters: &ID_ONLY,
        success: response(Status::Code(204), None),
        ..operation(
            "deleteThing",
            Method::Delete,
            "/things/{id}",
            Auth::SignedParameter("id"),
        )
    },
    OperationSpec {
        parameters: &LIST_PARAMETERS,
        success: ResponseSpec {
            status: Status::Code(200),
            schema: Some(
                r#"{"type":"array","items":{"type":"object","required":["owner"],"properties":{"owner":{"type":"string"}}}}"#,
            ),
            example: None,
            rust_type: None,
            decode: None,
        },
        ..operation(
            "listThings",
            Method::Get,
            "/things",
            Auth::SignedParameter("owner"),
        )
    },
    OperationSpec {
        parameters: &ID_ONLY,
        idempotency_key_field: Some("idempotencyKey"),
        body: Some(BODY),
        ..operation(
            "putThing",
            Method::Put,
            "/things/{id}/note",
            Auth::SignedField("userId"),
        )
    },
    OperationSpec {
        body: Some(BODY),
        success: response(Status::Code(201), Some(REFUND)),
        errors: &ERRORS,
        ..operation(
            "createRefund",
            Method::Post,
            "/refunds",
            Auth::SignedField("userId"),
        )
    },
    operation("status", Method::Get, "/status", Auth::None),
];

async fn server() -> MockServer {
    MockServer::start(config().operations(&OPERATIONS))
        .await
        .unwrap()
}

/// A request signed over `signed`, at the mock's time, with the test credentials.
async fn send(
    server: &MockServer,
    method: &str,
    path_and_query: &str,
    signed: Option<&str>,
    body: Option<&Value>,
) -> reqwest::Response {
    let mut headers = HeaderMap::new();
    if let Some(signed) = signed {
        let pairs = [
            ("api_key", KEY.to_owned()),
            ("timestamp", NOW.to_string()),
            ("signature", stablemint_wire::signature(NOW, SECRET, signed)),
        ];
        for (name, value) in pairs {
            headers.insert(
                HeaderName::from_static(name),
                HeaderValue::from_str(&value).unwrap(),
            );
        }
    }
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = http()
        .request(method, format!("{}{path_and_query}", server.base_url()))
        .headers(headers);
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.unwrap()
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let actual = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert_eq!(actual, status, "{text}");
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn each_operation_is_routed_signed_as_declared_and_answered_in_its_shape() {
    let server = server().await;
    // Signed over the path parameter, decoded; the answer echoes it.
    let thing = json_of(
        send(&server, "GET", "/things/a%20b", Some("a b"), None).await,
        200,
    )
    .await;
    assert_eq!(
        thing,
        json!({"id": "a b", "state": "open", "expiresAt": NOW + 900})
    );
    // Signed over something else: refused.
    let wrong = send(&server, "GET", "/things/a", Some("b"), None).await;
    error(wrong, 401, "bad_signature").await;
    // No signature: refused, and the message says what it covers.
    let unsigned = http()
        .get(format!("{}/things/a", server.base_url()))
        .header("api_key", KEY)
        .header("timestamp", NOW.to_string())
        .send()
        .await
        .unwrap();
    let json = error(unsigned, 401, "missing_header").await;
    let message = json["message"].as_str().unwrap();
    assert!(
        message.contains(r#""<timestamp>,<api secret>,<id>""#),
        "{message}"
    );

    let deleted = send(&server, "DELETE", "/things/a", Some("a"), None).await;
    assert_eq!(deleted.status(), 204);
    assert!(deleted.bytes().await.unwrap().is_empty());

    let list = send(
        &server,
        "GET",
        "/things?owner=o-1&limit=5&open=true",
        Some("o-1"),
        None,
    );
    assert_eq!(json_of(list.await, 200).await, json!([{"owner": "o-1"}]));

    let status = json_of(send(&server, "GET", "/status", None, None).await, 200).await;
    assert_eq!(status["state"], "open");

    assert_eq!(server.carried_out("getThing"), Some(1));
    assert_eq!(server.carried_out("deleteThing"), Some(1));
    assert_eq!(server.carried_out("status"), Some(1));
    assert_eq!(server.carried_out("nope"), None);
    assert_eq!(server.sessions_created(), 0);
}

#[tokio::test]
async fn parameter_problems_are_reported_at_once_without_their_values() {
    let server = server().await;
    let response = send(
        &server,
        "GET",
        "/things?owner=o-1&limit=many&open=yes&currency=EUR&currency=EURO&ownr=secret-x",
        Some("o-1"),
        None,
    )
    .await;
    let json = error(response, 400, "invalid_request").await;
    assert_eq!(
        pointers_and_codes(&json),
        [
            ("/ownr".to_owned(), "unknown".to_owned()),
            ("/limit".to_owned(), "type".to_owned()),
            ("/open".to_owned(), "type".to_owned()),
            ("/currency/1".to_owned(), "currency".to_owned()),
        ]
    );
    assert!(!json.to_string().contains("secret-x"));
    assert!(json.to_string().contains("did you mean `owner`?"));
    // The parameter the signature covers is missing: reported before the signature is
    // checked, like any parameter problem.
    let response = send(&server, "GET", "/things?limit=1", Some(""), None).await;
    let json = error(response, 400, "invalid_request").await;
    assert_eq!(
        pointers_and_codes(&json),
        [("/owner".to_owned(), "required".to_owned())]
    );
}

#[tokio::test]
async fn known_paths_with_other_methods_list_what_they_allow() {
    let server = server().await;
    let response = send(&server, "POST", "/things/a", Some("a"), None).await;
    assert_eq!(response.headers()["allow"], "GET, DELETE");
    error(response, 405, "method_not_allowed").await;
    let response = send(&server, "GET", "/nothing", None, None).await;
    let json = error(response, 404, "not_found").await;
    let message = json["message"].as_str().unwrap();
    assert!(
        message.contains("GET /things/{id}, DELETE /things/{id}"),
        "{message}"
    );
}

#[tokio::test]
async fn errors_take_the_declared_shape_of_their_status() {
    let server = server().await;
    let body = valid_body();
    server
        .fail_next_on("createRefund", 1, Fault::Status(400))
        .unwrap();
    let json = json_of(
        send(&server, "POST", "/refunds", Some("user-1"), Some(&body)).await,
        400,
    )
    .await;
    assert_eq!(json["code"], "injected_fault");
    assert_eq!(json["problems"], json!([{}]));
    assert_eq!(json.as_object().unwrap().len(), 3, "{json}");
    // Anything else takes `default`: here a 401.
    let json = json_of(
        send(&server, "POST", "/refunds", Some("other"), Some(&body)).await,
        401,
    )
    .await;
    assert_eq!(
        json.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["code", "message"]
    );
    assert_eq!(json["code"], "bad_signature");
    // A success is a 201 in its own shape, echoing what the request says of it.
    let refund = json_of(
        send(&server, "POST", "/refunds", Some("user-1"), Some(&body)).await,
        201,
    )
    .await;
    assert_eq!(refund["amount"], 25.5);
    assert!(uuid::Uuid::parse_str(refund["refundId"].as_str().unwrap()).is_ok());
    assert_eq!(server.sessions_created(), 1);
}

#[tokio::test]
async fn faults_and_idempotency_keys_work_per_operation() {
    let server = server().await;
    server
        .fail_next_on("putThing", 1, Fault::Status(503))
        .unwrap();
    assert_eq!(
        server
            .fail_next_on("missing", 1, Fault::Status(503))
            .unwrap_err()
            .to_string(),
        "the mock serves no operation `missing`; give the spec's operationId, such as \
         `createEmbeddedSession`"
    );
    // The fault waits for its operation.
    json_of(
        send(&server, "GET", "/things/a", Some("a"), None).await,
        200,
    )
    .await;
    let mut body = valid_body();
    body["idempotencyKey"] = json!("put-1");
    let first = send(
        &server,
        "PUT",
        "/things/a/note",
        Some("user-1"),
        Some(&body),
    )
    .await;
    error(first, 503, "injected_fault").await;
    let first = json_of(
        send(
            &server,
            "PUT",
            "/things/a/note",
            Some("user-1"),
            Some(&body),
        )
        .await,
        200,
    )
    .await;
    let again = json_of(
        send(
            &server,
            "PUT",
            "/things/a/note",
            Some("user-1"),
            Some(&body),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(first, again);
    assert_eq!(server.carried_out("putThing"), Some(1));
    // The same key on another path is another request: a conflict.
    let other = send(
        &server,
        "PUT",
        "/things/b/note",
        Some("user-1"),
        Some(&body),
    )
    .await;
    error(other, 409, "idempotency_conflict").await;
    // A key no one could share safely is refused.
    body["idempotencyKey"] = json!("");
    let empty = send(
        &server,
        "PUT",
        "/things/a/note",
        Some("user-1"),
        Some(&body),
    )
    .await;
    let json = error(empty, 400, "invalid_body").await;
    assert_eq!(
        pointers_and_codes(&json),
        [("/idempotencyKey".to_owned(), "idempotency_key".to_owned())]
    );
}

fn pointers_and_codes(json: &Value) -> Vec<(String, String)> {
    json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["pointer"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// What two readers could read differently is refused, each at its place, before the
/// request is carried out: a body key given twice, a whole number written with `+` or a
/// leading zero (the signature covers its text), bytes that percent-decode to no text,
/// and a body in another charset.
#[tokio::test]
async fn ambiguous_requests_are_refused_at_their_place() {
    let server = server().await;
    for limit in ["%2B5", "05", "-0"] {
        let path = format!("/things?owner=o-1&limit={limit}");
        let list = send(&server, "GET", &path, Some("o-1"), None).await;
        let json = error(list, 400, "invalid_request").await;
        assert_eq!(
            field_errors(&json),
            [("/limit".into(), "type".into())],
            "{limit}"
        );
    }
    // `%ff%fe` and `%ef%bf%bd` once both read as U+FFFD: two paths, one value.
    let undecodable = send(
        &server,
        "GET",
        "/things/%ff%fe",
        Some("\u{fffd}\u{fffd}"),
        None,
    );
    let json = error(undecodable.await, 400, "invalid_request").await;
    assert_eq!(field_errors(&json), [("/id".into(), "utf8".into())]);
    // A URL parser would read `%2e%2e` as `..` and resolve it: this one is sent raw.
    let head = format!(
        "GET /things/%2e%2e HTTP/1.1\r\nhost: localhost\r\napi_key: {KEY}\r\n\
         timestamp: {NOW}\r\nsignature: {}\r\nconnection: close\r\n\r\n",
        stablemint_wire::signature(NOW, SECRET, "..")
    );
    let answer = raw(&server, head.as_bytes()).await;
    assert_eq!(raw_status(&answer), Some(400));
    assert_eq!(
        field_errors(&raw_json(&answer)),
        [("/id".into(), "path_segment".into())]
    );
    let query = send(&server, "GET", "/things?owner=%ff", Some("\u{fffd}"), None);
    let json = error(query.await, 400, "invalid_request").await;
    assert!(
        field_errors(&json).contains(&("/owner".into(), "utf8".into())),
        "{json}"
    );

    let body = br#"{"userId": "user-1", "userEmail": "jane@example.com", "userCountryCode": "DE",
        "currency": "EUR", "currency": "JPY", "userKyc": {"fullName": "A", "fullName": "B"}}"#;
    let twice = Call::signed(&valid_body())
        .method("PUT")
        .path("/things/t-1/note")
        .body(body.to_vec())
        .send(&server)
        .await;
    let json = error(twice, 400, "invalid_body").await;
    assert_eq!(
        field_errors(&json),
        [
            ("/currency".into(), "duplicate".into()),
            ("/userKyc/fullName".into(), "duplicate".into())
        ]
    );
    let utf16 = Call::signed(&valid_body())
        .method("PUT")
        .path("/things/t-1/note")
        .header("content-type", "application/json; charset=utf-16")
        .send(&server)
        .await;
    error(utf16, 415, "unsupported_media_type").await;
    assert_eq!(server.carried_out("listThings"), Some(0));
    assert_eq!(server.carried_out("putThing"), Some(0));
}
