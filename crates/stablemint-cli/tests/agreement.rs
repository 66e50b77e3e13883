//! One check, three places: for generated requests, valid and invalid, `stablemint
//! validate`, the client's pre-flight (`request_from_json` and the call) and the mock
//! (sent the same text, signed) give the same verdict and the same pointers and codes.
//!
//! Every request carries a `userId` string: it is what the signature covers, and a mock
//! that cannot read it answers that alone (it cannot authenticate the rest), which is the
//! one place where the three are not meant to list the same problems.

mod support;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use stablemint::{Client, Credentials, Error, RetryPolicy};
use stablemint_mock::{MockConfig, MockServer};
use support::{KEY, SECRET, run, stablemint};

/// What a check said: valid, or these `(pointer, code)` pairs, sorted.
type Verdict = Result<(), Vec<(String, String)>>;

fn sorted(mut found: Vec<(String, String)>) -> Verdict {
    found.sort();
    if found.is_empty() { Ok(()) } else { Err(found) }
}

/// `stablemint validate - --format json`, the binary as a user runs it.
fn cli_verdict(text: &str) -> Verdict {
    let mut command = stablemint();
    command.args(["validate", "-", "--format", "json"]);
    let out = run(command, Some(text));
    let document: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", out.stdout, out.stderr));
    let valid = document["valid"].as_bool().expect("a verdict");
    assert_eq!(out.code, Some(if valid { 0 } else { 1 }), "{}", out.stdout);
    let found = document["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(pair)
        .collect();
    sorted(found)
}

fn pair(error: &serde_json::Value) -> (String, String) {
    (
        error["pointer"].as_str().unwrap_or_default().to_owned(),
        error["code"].as_str().unwrap_or_default().to_owned(),
    )
}

/// The client: `request_from_json`, then the call, sent to a mock of its own.
async fn client_verdict(client: &Client, text: &str) -> Verdict {
    let request = match stablemint::request_from_json(text) {
        Ok(request) => request,
        Err(errors) => {
            return sorted(
                errors
                    .iter()
                    .map(|e| (e.pointer().to_owned(), e.code().to_owned()))
                    .collect(),
            );
        }
    };
    match client.create_embedded_session(&request).await {
        Ok(_) => Ok(()),
        Err(Error::Validation(errors)) => sorted(
            errors
                .iter()
                .map(|e| (e.pointer().to_owned(), e.code().to_owned()))
                .collect(),
        ),
        Err(other) => panic!("the call's pre-flight passed, then: {other}"),
    }
}

/// The mock, sent the text itself, signed over its `userId`.
async fn mock_verdict(
    http: &stablemint::reqwest::Client,
    mock: &MockServer,
    text: &str,
) -> Verdict {
    let user_id = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v["userId"].as_str().map(str::to_owned))
        .expect("every generated request has a userId");
    let timestamp = stablemint_wire::unix_seconds(std::time::SystemTime::now());
    let timestamp = u64::try_from(timestamp).expect("after 1970");
    let response = http
        .post(format!("{}/session/embedded", mock.base_url()))
        .header("content-type", "application/json")
        .header("api_key", KEY)
        .header("timestamp", timestamp.to_string())
        .header(
            "signature",
            stablemint_wire::signature(timestamp, SECRET, &user_id),
        )
        .body(text.to_owned())
        .send()
        .await
        .expect("the mock answers");
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.expect("a JSON answer");
    match status {
        200 => Ok(()),
        400 => {
            assert_eq!(body["code"], "invalid_body", "{body}");
            sorted(
                body["errors"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(pair)
                    .collect(),
            )
        }
        other => panic!("the mock answered {other}: {body}"),
    }
}

/// One of `valid` (drawn most of the time, absence counted among them for an optional
/// field) or one of `invalid` (absence among them for a required one).
fn field(
    required: bool,
    valid: &[&'static str],
    invalid: &[&'static str],
) -> BoxedStrategy<Option<&'static str>> {
    let valid: Vec<Option<&'static str>> = valid
        .iter()
        .copied()
        .map(Some)
        .chain((!required).then_some(None))
        .collect();
    let invalid: Vec<Option<&'static str>> = invalid
        .iter()
        .copied()
        .map(Some)
        .chain(required.then_some(None))
        .collect();
    prop_oneof![
        4 => proptest::sample::select(valid),
        1 => proptest::sample::select(invalid),
    ]
    .boxed()
}

/// A request as JSON text, with fields valid, invalid, of the wrong type, missing,
/// unknown and given twice, in any order.
fn request() -> impl Strategy<Value = String> {
    let long_key = Box::leak(format!("\"{}\"", "k".repeat(256)).into_boxed_str()) as &str;
    (
        (
            proptest::sample::select(vec!["\"user-1\"", "\"u\"", "\"\u{fc}ser\"", "\"\""]),
            field(
                true,
                &["\"jane@example.com\""],
                &["\"not-an-email\"", "7", "null"],
            ),
            field(true, &["\"DE\"", "\"FR\""], &["\"de\"", "\"XX\"", "7"]),
            field(true, &["\"EUR\"", "\"JPY\""], &["\"EURO\"", "null"]),
            field(
                false,
                &["25", "250", "null"],
                &["25.555", "25.5", "-1", "0", "\"12\""],
            ),
        ),
        (
            prop_oneof![
                4 => "[a-z0-9-]{12}".prop_map(|key| Some(format!("\"k-{key}\""))),
                1 => field(false, &[], &["\"\"", long_key, "\"bell\\u0007\"", "5"])
                    .prop_map(|v| v.map(str::to_owned)),
            ],
            field(false, &["\"ref-1\""], &["3"]),
            field(
                false,
                &["{}", "{\"dateOfBirth\": \"1990-02-28\"}"],
                &[
                    "{\"dateOfBirth\": \"1990-02-30\"}",
                    "{\"citizenshipCountryCode\": \"ZZ\"}",
                    "{\"dateOfBrith\": \"1990-01-01\"}",
                    "{\"fullName\": \"A\", \"fullName\": \"B\"}",
                    "\"text\"",
                ],
            ),
            field(false, &["{}", "{\"a\": 1}"], &["\"text\"", "[1]"]),
            field(
                false,
                &[],
                &[
                    "\"idempotencykey\": \"x\"",
                    "\"zzz\": 1",
                    "\"currency\": \"CHF\"",
                ],
            ),
        ),
    )
        .prop_flat_map(
            |((user, email, country, currency, amount), (key, reference, kyc, custom, extra))| {
                let mut fields: Vec<String> = vec![format!("\"userId\": {user}")];
                let mut add = |name: &str, value: Option<&str>| {
                    if let Some(value) = value {
                        fields.push(format!("\"{name}\": {value}"));
                    }
                };
                add("userEmail", email);
                add("userCountryCode", country);
                add("currency", currency);
                add("amount", amount);
                add("idempotencyKey", key.as_deref());
                add("websiteReference", reference);
                add("userKyc", kyc);
                add("customFields", custom);
                if let Some(extra) = extra {
                    fields.push(extra.to_owned());
                }
                Just(fields).prop_shuffle()
            },
        )
        .prop_map(|fields| format!("{{{}}}", fields.join(", ")))
}

#[test]
fn validate_the_client_and_the_mock_give_one_verdict() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (client, http, mock, client_mock) = runtime.block_on(async {
        let mock = MockServer::start(MockConfig::new(KEY, SECRET))
            .await
            .unwrap();
        let client_mock = MockServer::start(MockConfig::new(KEY, SECRET))
            .await
            .unwrap();
        let client = Client::builder(Credentials::new(KEY, SECRET))
            .base_url(&client_mock.base_url())
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        (
            client,
            stablemint::reqwest::Client::new(),
            mock,
            client_mock,
        )
    });
    let seen = std::cell::Cell::new([0usize; 2]);
    let config = Config {
        cases: 1000,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new(config)
        .run(&request(), |text| {
            let cli = cli_verdict(&text);
            let (client, mock) = runtime.block_on(async {
                (
                    client_verdict(&client, &text).await,
                    mock_verdict(&http, &mock, &text).await,
                )
            });
            prop_assert_eq!(&cli, &client, "validate and the client, on {}", text);
            prop_assert_eq!(&cli, &mock, "validate and the mock, on {}", text);
            let mut counts = seen.get();
            counts[usize::from(cli.is_err())] += 1;
            seen.set(counts);
            Ok(())
        })
        .unwrap();
    // Both verdicts were drawn, and plenty of each.
    let [valid, invalid] = seen.get();
    println!("valid {valid}, invalid {invalid}");
    assert!(
        valid >= 20 && invalid >= 500,
        "valid {valid}, invalid {invalid}"
    );
    drop(client_mock);
}
