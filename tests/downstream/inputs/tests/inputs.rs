//! Every input, not only the known ones: the every-shape operations called through
//! `stablemint::Client` with arbitrary parameter values, against a server that records
//! what it receives under a base URL with a path prefix.
//!
//! The promise, for each value: either the call fails with `Error::Validation` naming
//! the parameter and nothing is sent, or exactly one request arrives, at the prefix plus
//! the operation's declared path, with the parameter decoding to exactly the value given
//! and the signature verifying over it; and no request is one a careful server would
//! refuse as ambiguous. The cases anyone found by hand are kept as named tests below.

use std::future::Future;

use downstream_inputs::{PREFIX, Recorded, Recorder, ambiguities};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use stablemint::types::ProbeNote;
use stablemint::{Client, Error, options};

/// Cases per property.
const CASES: u32 = 1500;

/// The longest URL the client may send: the limit of the `http` crate's `Uri`, which
/// reqwest builds requests with, and of hyper's request target (the mock answers `414`
/// past it).
const MAX_URL: usize = 65_534;

struct Fixture {
    runtime: tokio::runtime::Runtime,
    recorder: Recorder,
    client: Client,
}

impl Fixture {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let recorder = Recorder::start();
        let client = recorder.client();
        Self {
            runtime,
            recorder,
            client,
        }
    }

    /// Runs `call`, and returns its validation errors (as pointer and code) or the
    /// requests it made.
    fn run<T>(
        &self,
        call: impl Future<Output = Result<T, Error>>,
    ) -> Result<Vec<Recorded>, Vec<(String, &'static str)>> {
        self.recorder.take();
        let outcome = self.runtime.block_on(call);
        let sent = self.recorder.take();
        match outcome {
            Err(Error::Validation(errors)) => {
                assert!(sent.is_empty(), "a refused call sent {sent:?}");
                Err(errors
                    .iter()
                    .map(|e| (e.pointer().to_owned(), e.code()))
                    .collect())
            }
            // The recorder answers 404 to everything.
            Err(Error::Api(api)) if api.status == 404 => Ok(sent),
            Err(other) => panic!("unexpected error: {}", short(&other.to_string())),
            Ok(_) => panic!("the recorder never answers with success"),
        }
    }
}

/// `text` cut to a readable length: a failing case can hold 70 kB.
fn short(text: &str) -> String {
    let mut cut: String = text.chars().take(600).collect();
    if cut.len() < text.len() {
        cut.push_str(&format!("… ({} bytes in all)", text.len()));
    }
    cut
}

/// Runs `test` on `CASES` values of `strategy`, and fails with the smallest failing
/// value found, shown cut.
fn property<S: Strategy>(strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    if let Err(failure) = TestRunner::new(config()).run(&strategy, test) {
        panic!("{}", short(&failure.to_string()));
    }
}

fn config() -> Config {
    Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Strings that break URLs: dot segments, `\`, encoded dots, delimiters, line breaks,
/// non-ASCII, bytes that percent-decode to no text; and arbitrary Unicode; and, now and
/// then, values around the length a URL may have.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("."),
        Just(".."),
        Just("\\"),
        Just("%2e"),
        Just("%2E"),
        Just(";"),
        Just("/"),
        Just("?"),
        Just("#"),
        Just("%"),
        Just("%ff"),
        Just("\r\n"),
        Just("\0"),
        Just(" "),
        Just("+"),
        Just("&="),
        Just("ü"),
        Just("a"),
    ];
    prop_oneof![
        8 => proptest::collection::vec(piece, 0..6).prop_map(|pieces| pieces.concat()),
        8 => any::<String>(),
        1 => (65_450usize..65_560).prop_map(|n| "a".repeat(n)),
        1 => (21_800usize..21_850).prop_map(|n| "/".repeat(n)),
    ]
}

/// The bytes `value` takes in a path once every byte outside RFC 3986's unreserved set
/// is written `%XX`: computed here from the RFC, not with the crate's function.
fn encoded_len(value: &str) -> usize {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                1
            } else {
                3
            }
        })
        .sum()
}

/// Checks one call of an operation whose path is `/probes/{probeId}` + `suffix`,
/// signed over the probe id, or over `signed_over` when it is given.
fn check_path(
    origin: &str,
    value: &str,
    outcome: Result<Vec<Recorded>, Vec<(String, &'static str)>>,
    method: &str,
    suffix: &str,
    signed_over: Option<&str>,
) -> Result<(), TestCaseError> {
    let literal = origin.len() + PREFIX.len() + "/probes/".len() + suffix.len();
    let expected_refusal = if value.is_empty() || value == "." || value == ".." {
        Some("path_segment")
    } else if literal + encoded_len(value) > MAX_URL {
        Some("too_long")
    } else {
        None
    };
    match (outcome, expected_refusal) {
        (Err(errors), Some(code)) => {
            prop_assert_eq!(errors, vec![("/probeId".to_owned(), code)]);
        }
        (Ok(sent), None) => {
            prop_assert_eq!(sent.len(), 1, "{:?}", sent);
            let request = &sent[0];
            prop_assert_eq!(&request.method, method);
            let segment = request
                .path()
                .strip_prefix(PREFIX)
                .and_then(|rest| rest.strip_prefix("/probes/"))
                .and_then(|rest| rest.strip_suffix(suffix));
            prop_assert!(segment.is_some(), "sent to {}", request.target);
            let segment = segment.unwrap_or_default();
            prop_assert!(
                !segment.contains(['/', '\\', '?', '#']),
                "a delimiter in {}",
                segment
            );
            prop_assert!(request.query().is_none(), "a query in {}", request.target);
            let decoded = percent_encoding::percent_decode_str(segment).decode_utf8();
            prop_assert_eq!(decoded.as_deref(), Ok(value));
            let signed = signed_over.unwrap_or(value);
            prop_assert!(request.is_signed_over(signed), "signature of {:?}", request);
            let refused = ambiguities(request);
            prop_assert!(refused.is_empty(), "{:?}", refused);
        }
        (outcome, expected) => {
            let outcome = short(&format!("{outcome:?}"));
            prop_assert!(
                false,
                "{} for {}, expected {:?}",
                outcome,
                short(value),
                expected
            );
        }
    }
    Ok(())
}

fn note() -> ProbeNote {
    ProbeNote::builder()
        .user_id("user-1")
        .note("left at the door")
        .try_into()
        .expect("a note")
}

#[test]
fn get_probe_sends_every_id_to_its_segment_or_refuses_it() {
    let fixture = Fixture::new();
    property(hostile_text(), |id| {
        let outcome = fixture.run(fixture.client.get_probe(&id));
        check_path(&fixture.recorder.origin, &id, outcome, "GET", "", None)
    });
}

#[test]
fn delete_probe_sends_every_id_to_its_segment_or_refuses_it() {
    let fixture = Fixture::new();
    property(hostile_text(), |id| {
        let outcome = fixture.run(fixture.client.delete_probe(&id));
        check_path(&fixture.recorder.origin, &id, outcome, "DELETE", "", None)
    });
}

#[test]
fn put_probe_note_sends_every_id_to_its_segment_or_refuses_it() {
    let fixture = Fixture::new();
    let note = note();
    property(hostile_text(), |id| {
        let outcome = fixture.run(fixture.client.put_probe_note(&id, &note));
        check_path(
            &fixture.recorder.origin,
            &id,
            outcome,
            "PUT",
            "/note",
            Some("user-1"),
        )
    });
}

#[test]
fn amend_probe_note_sends_every_id_to_its_segment_or_refuses_it() {
    let fixture = Fixture::new();
    let note = note();
    property(hostile_text(), |id| {
        let outcome = fixture.run(fixture.client.amend_probe_note(&id, &note));
        check_path(
            &fixture.recorder.origin,
            &id,
            outcome,
            "PATCH",
            "/note",
            Some("user-1"),
        )
    });
}

/// A header parameter is refused, naming it, or arrives unchanged.
#[test]
fn a_header_parameter_arrives_unchanged_or_is_refused() {
    let fixture = Fixture::new();
    property(hostile_text(), |trace| {
        let options = options::GetProbeOptions::new().x_trace_id(trace.as_str());
        let outcome = fixture.run(fixture.client.get_probe_with("p-1", &options));
        let visible = trace.bytes().all(|b| (b' '..=b'~').contains(&b))
            && !trace.starts_with(' ')
            && !trace.ends_with(' ');
        let expected_refusal = if !visible {
            Some("header_text")
        } else if trace.len() > 8 * 1024 {
            Some("too_long")
        } else {
            None
        };
        match (outcome, expected_refusal) {
            (Err(errors), Some(code)) => {
                prop_assert_eq!(errors, vec![("/X-Trace-Id".to_owned(), code)]);
            }
            (Ok(sent), None) => {
                prop_assert_eq!(sent.len(), 1);
                let received = sent[0]
                    .headers
                    .iter()
                    .find(|(name, _)| name == "x-trace-id")
                    .map(|(_, value)| value.as_slice());
                prop_assert_eq!(received, Some(trace.as_bytes()));
            }
            (outcome, expected) => {
                prop_assert!(false, "{:?}, expected {:?}", outcome, expected);
            }
        }
        Ok(())
    });
}

/// A query parameter (held before these checks, and kept so) decodes to the value, and
/// a whole number is written canonically.
#[test]
fn a_query_parameter_decodes_to_the_value_given() {
    let fixture = Fixture::new();
    let strategy = (hostile_text(), any::<i32>());
    property(strategy, |(user, limit)| {
        let options = options::ListProbesOptions::new().limit(limit);
        let outcome = fixture.run(fixture.client.list_probes_with(&user, &options));
        match outcome {
            Ok(sent) => {
                prop_assert_eq!(sent.len(), 1);
                let request = &sent[0];
                prop_assert_eq!(request.path(), format!("{PREFIX}/probes"));
                let mut pairs: Vec<(String, String)> =
                    form_urlencoded::parse(request.query().unwrap_or_default().as_bytes())
                        .into_owned()
                        .collect();
                pairs.sort();
                prop_assert_eq!(
                    pairs,
                    vec![
                        ("limit".to_owned(), limit.to_string()),
                        ("userId".to_owned(), user.clone()),
                    ]
                );
                prop_assert!(request.is_signed_over(&user));
                let refused = ambiguities(request);
                prop_assert!(refused.is_empty(), "{:?}", refused);
            }
            Err(errors) => {
                prop_assert_eq!(errors, vec![("/userId".to_owned(), "too_long")]);
                prop_assert!(user.len() > 20_000, "refused {} bytes", user.len());
            }
        }
        Ok(())
    });
}

// The reproductions found by hand, each kept as it was found.

fn sent_to(fixture: &Fixture, call: impl Future<Output = Result<(), Error>>) -> String {
    let sent = fixture.run(call).expect("sent");
    assert_eq!(sent.len(), 1);
    format!("{} {}", sent[0].method, sent[0].target)
}

fn refused(
    fixture: &Fixture,
    call: impl Future<Output = Result<(), Error>>,
) -> Vec<(String, &'static str)> {
    fixture.run(call).expect_err("refused")
}

#[test]
fn backslash_dot_dot_stays_in_its_segment() {
    let fixture = Fixture::new();
    let client = &fixture.client;
    assert_eq!(
        sent_to(&fixture, async {
            client.get_probe("..\\status").await.map(drop)
        }),
        format!("GET {PREFIX}/probes/..%5Cstatus")
    );
    assert_eq!(
        sent_to(&fixture, async {
            client
                .delete_probe("..\\..\\..\\..\\..\\metrics")
                .await
                .map(drop)
        }),
        format!("DELETE {PREFIX}/probes/..%5C..%5C..%5C..%5C..%5Cmetrics")
    );
    let note = note();
    assert_eq!(
        sent_to(&fixture, async {
            client
                .put_probe_note("x\\..\\..\\probes\\victim", &note)
                .await
                .map(drop)
        }),
        format!("PUT {PREFIX}/probes/x%5C..%5C..%5Cprobes%5Cvictim/note")
    );
    assert_eq!(
        sent_to(&fixture, async {
            client.get_probe("a;b").await.map(drop)
        }),
        format!("GET {PREFIX}/probes/a%3Bb")
    );
}

#[test]
fn empty_and_dot_segments_are_refused_before_sending() {
    let fixture = Fixture::new();
    let client = &fixture.client;
    for id in ["", ".", ".."] {
        assert_eq!(
            refused(&fixture, async {
                client.delete_probe(id).await.map(drop)
            }),
            [("/probeId".to_owned(), "path_segment")],
            "{id:?}"
        );
    }
    assert_eq!(
        refused(&fixture, async { client.get_probe("").await.map(drop) }),
        [("/probeId".to_owned(), "path_segment")]
    );
}

#[test]
fn a_70_kb_parameter_is_a_validation_error_not_a_transport_error() {
    let fixture = Fixture::new();
    let long = "s".repeat(70_000);
    assert_eq!(
        refused(&fixture, async {
            fixture.client.get_probe(&long).await.map(drop)
        }),
        [("/probeId".to_owned(), "too_long")]
    );
}

#[test]
fn line_breaks_and_non_ascii_in_a_header_are_refused_by_name() {
    let fixture = Fixture::new();
    for trace in ["a\r\nX-Injected: 1", "caf\u{e9}"] {
        let options = options::GetProbeOptions::new().x_trace_id(trace);
        assert_eq!(
            refused(&fixture, async {
                fixture
                    .client
                    .get_probe_with("p-1", &options)
                    .await
                    .map(drop)
            }),
            [("/X-Trace-Id".to_owned(), "header_text")],
            "{trace:?}"
        );
    }
}
