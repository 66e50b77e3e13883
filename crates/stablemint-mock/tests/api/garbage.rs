//! No input makes the server answer 5xx or stop serving: random bodies, random header
//! bytes (not UTF-8 included), odd timestamps, random JSON and bytes that are not HTTP.

use std::time::Duration;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::ValueTree;
use serde_json::{Value, json};
use stablemint_mock::MockServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::runtime::Runtime;

use crate::support::*;

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Sends `call`, asserts the answer is not 5xx and, unless it is a 200, is the error
/// JSON; returns the status and the body.
async fn never_5xx(call: Call, client: &reqwest::Client, server: &MockServer) -> (u16, Value) {
    let response = call.try_send_with(client, server).await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert!(status < 500, "{status}: {text}");
    let json: Value = serde_json::from_str(&text).unwrap();
    if status != 200 {
        assert!(
            json["code"].is_string() && json["message"].is_string(),
            "{text}"
        );
    }
    (status, json)
}

#[test]
fn random_bodies_are_refused_cleanly() {
    let rt = runtime();
    let server = rt.block_on(start());
    let client = http();
    proptest!(ProptestConfig::with_cases(200), |(bytes in vec(any::<u8>(), 0..700))| {
        let call = Call::signed(&valid_body()).body(bytes);
        let (status, json) = rt.block_on(never_5xx(call, &client, &server));
        prop_assert!(status == 400 || status == 401, "{} {}", status, json);
    });
    assert_eq!(server.sessions_created(), 0);
}

/// Bytes a header value may hold: visible ASCII, space, tab and obs-text (not UTF-8).
fn header_value() -> impl Strategy<Value = Vec<u8>> {
    vec(prop_oneof![0x20u8..0x7f, 0x80u8..=0xff, Just(b'\t')], 0..80)
}

#[test]
fn random_header_values_are_refused_cleanly() {
    let rt = runtime();
    let server = rt.block_on(start());
    let client = http();
    let valid = || Call::signed(&valid_body());
    let strategy = (
        prop::option::of(header_value()),
        prop::option::of(header_value()),
        prop::option::of(header_value()),
        prop::option::of(header_value()),
    );
    proptest!(ProptestConfig::with_cases(200), |((key, timestamp, signature, media) in strategy)| {
        let mut call = valid();
        let mut changed = false;
        for (name, value) in [
            ("api_key", key),
            ("timestamp", timestamp),
            ("signature", signature),
            ("content-type", media),
        ] {
            if let Some(value) = value {
                call = call.header(name, value);
                changed = true;
            }
        }
        let (status, json) = rt.block_on(never_5xx(call, &client, &server));
        if changed {
            prop_assert!([401, 415].contains(&status), "{} {}", status, json);
        } else {
            prop_assert_eq!(status, 200);
        }
    });
}

#[tokio::test]
async fn odd_timestamps_are_stale() {
    let server = start().await;
    let mut values: Vec<Vec<u8>> = [
        i64::MIN.to_string(),
        i64::MAX.to_string(),
        u64::MAX.to_string(),
        (u128::from(u64::MAX) + 1).to_string(),
        "9".repeat(4000),
        "-0".into(),
        "0".into(),
        "1e9".into(),
        "0x6553F100".into(),
        "١٧٠٠٠٠٠٠٠٠".into(),
        "NaN".into(),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect();
    values.push(b"\xff\xfe\xfd".to_vec());
    values.push(b"1700000000\x80".to_vec());
    for value in values {
        let response = Call::signed(&valid_body())
            .header("timestamp", &value)
            .send(&server)
            .await;
        error(response, 401, "stale_timestamp").await;
    }
}

#[tokio::test]
async fn headers_that_are_not_utf8_are_refused() {
    let server = start().await;
    for (name, status, code) in [
        ("api_key", 401, "unknown_api_key"),
        ("timestamp", 401, "stale_timestamp"),
        ("signature", 401, "bad_signature"),
        ("content-type", 415, "unsupported_media_type"),
    ] {
        let response = Call::signed(&valid_body())
            .header(name, b"caf\xe9 \xff")
            .send(&server)
            .await;
        error(response, status, code).await;
    }
    // Headers the mock does not read may hold anything.
    let response = Call::signed(&valid_body())
        .header("x-anything", b"\xc3\x28\xa0\xa1")
        .send(&server)
        .await;
    success(response).await;
}

const FIELDS: [&str; 14] = [
    "userId",
    "userEmail",
    "userCountryCode",
    "currency",
    "amount",
    "idempotencyKey",
    "websiteReference",
    "userKyc",
    "customFields",
    "dateOfBirth",
    "citizenshipCountryCode",
    "fullName",
    "mobilePhone",
    "",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(FIELDS.to_vec()).prop_map(str::to_owned),
        1 => "[a-zA-Z~/]{1,6}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,10}".prop_map(Value::from),
        select(vec![
            "DE",
            "GB",
            "EUR",
            "JPY",
            "jane@example.com",
            "1990-02-28",
            "user-1",
            ""
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map(key(), inner, 0..6).prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

#[test]
fn random_json_objects_are_answered_200_or_400() {
    let rt = runtime();
    let server = rt.block_on(start());
    let client = http();
    let strategy = btree_map(key(), json_value(), 0..10);
    proptest!(ProptestConfig::with_cases(300), |(fields in strategy)| {
        let body = Value::Object(fields.into_iter().collect());
        let call = Call::signed(&body);
        let (status, json) = rt.block_on(never_5xx(call, &client, &server));
        match status {
            200 => prop_assert!(json["sessionId"].is_string()),
            400 => prop_assert_eq!(&json["code"], &json!("invalid_body")),
            _ => prop_assert!(false, "{} {}", status, json),
        }
    });
}

/// Writes `bytes`, closes the writing side, and returns whatever comes back.
async fn raw_then_eof(server: &MockServer, bytes: &[u8]) -> Vec<u8> {
    let mut stream = tokio::net::TcpStream::connect(server.local_addr())
        .await
        .unwrap();
    let _ = stream.write_all(bytes).await;
    let _ = stream.shutdown().await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    answer
}

#[test]
fn bytes_that_are_not_http_do_not_stop_the_server() {
    let rt = runtime();
    let server = rt.block_on(start());
    let mut inputs: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"\r\n\r\n".to_vec(),
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec(),
        b"POST /session/embedded HTTP/9.9\r\n\r\n".to_vec(),
        b"POST /session/embedded HTTP/1.1\r\ncontent-length: -1\r\n\r\n".to_vec(),
        b"POST /session/embedded HTTP/1.1\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\n"
            .to_vec(),
        b"POST /session/embedded HTTP/1.1\r\ntransfer-encoding: gzip\r\n\r\n".to_vec(),
        b"GET /\x00\x01 HTTP/1.1\r\n\r\n".to_vec(),
        format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(70_000)).into_bytes(),
        format!("GET / HTTP/1.1\r\nx: {}\r\n\r\n", "a".repeat(500_000)).into_bytes(),
        format!("GET / HTTP/1.1\r\n{}\r\n", "x: y\r\n".repeat(200)).into_bytes(),
    ];
    let mut generated = proptest::test_runner::TestRunner::deterministic();
    let strategy = vec(any::<u8>(), 0..300);
    for _ in 0..100 {
        inputs.push(strategy.new_tree(&mut generated).unwrap().current());
    }
    for input in &inputs {
        let answer = rt.block_on(raw_then_eof(&server, input));
        if let Some(status) = raw_status(&answer) {
            assert!(
                status < 500,
                "{status} for {:?}",
                String::from_utf8_lossy(input)
            );
        }
    }
    let client = http();
    let (status, _) = rt.block_on(never_5xx(Call::signed(&valid_body()), &client, &server));
    assert_eq!(status, 200);
}
