//! One request to one operation of the spec: every check in the documented order, then
//! idempotency, then the answer. Nothing here is written for a particular operation;
//! what differs is read from its [`OperationSpec`](stablemint_wire::OperationSpec).

use std::time::SystemTime;

use hyper::StatusCode;
use hyper::body::{Bytes, Incoming};
use hyper::http::request::Parts;
use serde_json::{Map, Value};
use stablemint_validate::{ValidationError, ValidationErrors, push_token};
use stablemint_wire::{Auth, Status};

use crate::fixtures::Offer;
use crate::idempotency_store::{Outcome, RequestDigest, Session};
use crate::params;
use crate::refusal::{Code, Refusal};
use crate::state::{Served, Shared};
use crate::synth::Synth;
use crate::{auth, body};

/// A successful answer: its status and its JSON body, if it has one.
pub(crate) struct Success {
    pub(crate) status: StatusCode,
    pub(crate) body: Option<Bytes>,
}

/// Checks the request and carries it out (or replays it), at server time `now`.
///
/// The order is part of the contract: the body's media type and size, the API key and
/// timestamp, the body's JSON, the value the signature covers, the signature, the
/// parameters' and the body's rules, and last the idempotency key. So nothing about
/// the request is revealed to a caller that is not authenticated, and nothing is stored
/// for a request that fails a check.
///
/// The body, once read as JSON, is left in `seen` for the journal (when the journal
/// keeps requests).
pub(crate) async fn process(
    shared: &Shared,
    served: &Served,
    path: &[(&'static str, String)],
    parts: &Parts,
    incoming: &mut Incoming,
    now: SystemTime,
    seen: &mut Option<Value>,
) -> Result<Success, Refusal> {
    let config = &shared.config;
    let operation = served.spec;
    let headers = &parts.headers;
    let bytes = match &operation.body {
        Some(_) => {
            body::check_media_type(headers)?;
            Some(body::read(incoming, config.body_limit).await?)
        }
        None => None,
    };
    let now_seconds = stablemint_wire::unix_seconds(now);
    let timestamp = if operation.auth.is_signed() {
        auth::check_api_key(headers, &config.api_key)?;
        Some(auth::check_timestamp(
            headers,
            now_seconds,
            config.timestamp_window.as_secs(),
        )?)
    } else {
        None
    };
    let value = match &bytes {
        Some(bytes) => Some(read_json(bytes)?),
        None => None,
    };
    if shared.journal.keeps() {
        seen.clone_from(&value);
    }
    let fields = value.as_ref().and_then(Value::as_object);

    let mut parameter_errors = ValidationErrors::new();
    let parameters = params::read(
        operation,
        path,
        parts.uri.query(),
        headers,
        config.unknown_fields,
        &mut parameter_errors,
    );

    if let Some(timestamp) = timestamp {
        let (signed, covers) = match operation.auth {
            Auth::SignedField(field) => {
                let signed = signed_field(fields, field)?;
                (signed, (field, format!("the body's `{field}`")))
            }
            Auth::SignedParameter(name) => {
                let Some(signed) = parameters.text(name) else {
                    return Err(Refusal::invalid_request(parameter_errors));
                };
                let place = operation
                    .parameter(name)
                    .map_or("", |p| p.location.as_str());
                (signed, (name, format!("the {place} parameter `{name}`")))
            }
            Auth::None => ("", ("", String::new())),
        };
        auth::check_signature(
            headers,
            timestamp,
            &config.api_secret,
            signed,
            (covers.0, &covers.1),
        )?;
    }

    // The check the client runs before it sends: the body's shape, its rules and its
    // idempotency key.
    let body_errors = match &value {
        Some(value) => match operation.check_body(value, config.unknown_fields) {
            Ok(()) => ValidationErrors::new(),
            Err(errors) => errors,
        },
        None => ValidationErrors::new(),
    };
    if !parameter_errors.is_empty() {
        parameter_errors.extend(body_errors);
        return Err(Refusal::invalid_request(parameter_errors));
    }
    if !body_errors.is_empty() {
        return Err(Refusal::invalid_body(body_errors));
    }
    let key = value.as_ref().and_then(|value| operation.json_key(value));

    let parameters_json = parameters.to_json();
    // Only a keyed request is ever compared with another.
    let digest = match key {
        Some(_) => RequestDigest::of_request(operation.id, &parameters_json, value.as_ref()),
        None => RequestDigest::UNKEYED,
    };
    let create = || Session {
        seed: fastrand::u64(..),
        at: now_seconds,
    };
    let session = match shared
        .idempotency
        .create_or_replay(key, digest, now, create)
    {
        Outcome::Created(session) => {
            served.count();
            session
        }
        Outcome::Replayed(session) => {
            tracing::debug!("idempotent replay: answering with the first answer again");
            session
        }
        Outcome::Conflict => {
            let field = operation.idempotency_key_field.unwrap_or("idempotency key");
            return Err(Refusal::new(
                Code::IdempotencyConflict,
                format!(
                    "this {field} was already used with a different request; use a new key \
                     for a new request, or send exactly the same request to get the first \
                     answer again"
                ),
            ));
        }
    };
    let status = match operation.success.status {
        Status::Code(code) => StatusCode::from_u16(code).unwrap_or(StatusCode::OK),
        Status::Range(_) | Status::Default => StatusCode::OK,
    };
    Ok(Success {
        status,
        body: render(shared, served, &session, fields, &parameters_json),
    })
}

/// The body as a JSON object, read as the client's check reads it: UTF-8 text, JSON,
/// and no object key given twice (which readers could take either way, and which the
/// signature could then cover in one reading and the server act on in the other).
fn read_json(bytes: &Bytes) -> Result<Value, Refusal> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        Refusal::new(
            Code::MalformedJson,
            "the request body is not UTF-8 text; send a JSON object encoded as UTF-8",
        )
    })?;
    let value = stablemint_wire::read_json(text).map_err(|errors| {
        match errors.iter().find(|e| e.code() == "json") {
            Some(syntax) => Refusal::new(
                Code::MalformedJson,
                format!(
                    "the request body is not valid JSON ({}); send a JSON object",
                    syntax.message()
                ),
            ),
            None => Refusal::invalid_body(errors),
        }
    })?;
    if !value.is_object() {
        return Err(Refusal::new(
            Code::MalformedJson,
            "the request body is JSON but not an object; send a JSON object with the \
             request's fields",
        ));
    }
    Ok(value)
}

/// The body property the signature covers, which must be a string.
fn signed_field<'v>(
    fields: Option<&'v Map<String, Value>>,
    field: &str,
) -> Result<&'v str, Refusal> {
    let mut pointer = String::new();
    push_token(&mut pointer, field);
    match fields.and_then(|f| f.get(field)) {
        Some(Value::String(value)) => Ok(value),
        Some(_) => Err(Refusal::invalid_field(ValidationError::new(
            pointer,
            "type",
            "must be a string: it is the value the signature covers",
        ))),
        None => Err(Refusal::invalid_field(ValidationError::new(
            pointer,
            "required",
            "a required field is missing; add it, it is the value the signature covers",
        ))),
    }
}

/// The success body of `session`, made from the response's schema (none for a response
/// without one).
///
/// The sources, first match first: the mock's fixtures (`expiresAt` is the server time
/// plus [`MockConfig::session_ttl`](crate::MockConfig::session_ttl), `reference` is
/// `SM-` and 16 hex digits, `allowedPaymentMethods` follows the request's
/// `userCountryCode`, and `savedBanks` are the configured banks of its `userId`), then
/// the request's parameters, then its body. The session's seed draws the fresh values,
/// so the same request and session give the same bytes.
///
/// The two list fixtures are written as JSON text once, when the server starts: the
/// answer is made with an empty list in their place, and the text goes in where the
/// list was, so a request costs neither a copy of them nor writing them out.
pub(crate) fn render(
    shared: &Shared,
    served: &Served,
    session: &Session,
    body: Option<&Map<String, Value>>,
    parameters: &Map<String, Value>,
) -> Option<Bytes> {
    let schema = served.success_schema.as_ref()?;
    let mut rng = fastrand::Rng::with_seed(session.seed);
    let text = |name: &str| {
        body.and_then(|b| b.get(name))
            .or_else(|| parameters.get(name))
            .and_then(Value::as_str)
    };
    let ttl = i64::try_from(shared.config.session_ttl.as_secs()).unwrap_or(i64::MAX);
    let mut fixtures = Map::new();
    fixtures.insert(
        "expiresAt".into(),
        Value::from(session.at.saturating_add(ttl)),
    );
    fixtures.insert(
        "reference".into(),
        Value::from(format!("SM-{:016X}", rng.u64(..))),
    );
    let offer = Offer::for_country(text("userCountryCode").unwrap_or_default());
    let mut lists = vec![("allowedPaymentMethods", shared.offer(offer))];
    if let Some(banks) = text("userId").and_then(|user| shared.saved_banks(user)) {
        lists.push(("savedBanks", banks));
    }
    for (name, _) in &lists {
        fixtures.insert((*name).into(), Value::Array(Vec::new()));
    }
    let empty = Map::new();
    let mut synth = Synth {
        sources: vec![&fixtures, parameters, body.unwrap_or(&empty)],
        trusted: 1,
        rng,
        now: session.at,
    };
    let mut answer = synth.answer(schema, served.success_example.as_ref());
    let mut marked = Vec::new();
    if let Value::Object(fields) = &mut answer {
        for (name, json) in lists {
            // Only where the stand-in was taken: the schema's property is a list.
            let is_list = schema
                .pointer(&format!("/properties/{name}/type"))
                .and_then(Value::as_str)
                == Some("array");
            if let Some(slot) = fields.get_mut(name).filter(|_| is_list) {
                let marker = format!("\u{1}{:016x}:{name}\u{1}", shared.fixture_marker);
                *slot = Value::from(marker.as_str());
                marked.push((Value::from(marker).to_string(), json));
            }
        }
    }
    let mut out = answer.to_string();
    for (marker, json) in marked {
        out = out.replacen(&marker, json, 1);
    }
    Some(Bytes::from(out))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use stablemint_raw::types::{EmbeddedSessionResponse, SavedBank};

    use super::*;
    use crate::MockConfig;

    #[test]
    fn a_list_fixture_goes_only_where_the_schema_has_a_list() {
        let shared = Shared::new(MockConfig::new("k", "s")).unwrap();
        let mut served = shared
            .served(&stablemint_raw::operations::CREATE_EMBEDDED_SESSION)
            .map(|s| s.success_schema.clone())
            .unwrap()
            .unwrap();
        served["properties"]["allowedPaymentMethods"] = serde_json::json!({"type": "string"});
        let spec = Box::leak(Box::new(stablemint_wire::OperationSpec {
            success: stablemint_wire::ResponseSpec {
                schema: Some(Box::leak(served.to_string().into_boxed_str())),
                ..stablemint_raw::operations::CREATE_EMBEDDED_SESSION.success
            },
            ..stablemint_raw::operations::CREATE_EMBEDDED_SESSION
        }));
        let operations: &'static [stablemint_wire::OperationSpec] = std::slice::from_ref(spec);
        let shared = Shared::new(MockConfig::new("k", "s").operations(operations)).unwrap();
        let served = shared.served(spec).unwrap();
        let session = Session { seed: 1, at: 0 };
        let body = serde_json::json!({"userCountryCode": "DE"});
        let rendered = render(&shared, served, &session, body.as_object(), &Map::new()).unwrap();
        let answer: Value = serde_json::from_slice(&rendered).unwrap();
        assert_eq!(answer["allowedPaymentMethods"], "text", "{answer}");
    }

    #[test]
    fn json_errors_say_where_without_quoting() {
        let error =
            read_json(&Bytes::from_static(b"{\"userEmail\": jane@example.com}")).unwrap_err();
        let message = format!("{error:?}");
        assert!(message.contains("MalformedJson"), "{message}");
        assert!(message.contains("line 1 column"), "{message}");
        assert!(!message.contains("jane"), "{message}");
    }

    #[test]
    fn a_key_given_twice_is_refused_at_its_pointer() {
        let error = read_json(&Bytes::from_static(
            br#"{"userId": "a", "x": {"k": 1, "k": 2}, "userId": "b"}"#,
        ))
        .unwrap_err();
        let message = format!("{error:?}");
        assert!(message.contains("InvalidBody"), "{message}");
        assert!(message.contains(r#"pointer: "/userId""#), "{message}");
        assert!(message.contains(r#"pointer: "/x/k""#), "{message}");
        assert!(message.contains(r#"code: "duplicate""#), "{message}");
    }

    /// Every answer of the spec's operations decodes as its generated type, for every
    /// offer, with and without saved banks, and is the same for the same session.
    #[test]
    fn answers_decode_as_the_generated_types() {
        let mut bank = SavedBank::default();
        bank.bank_id = Some(7);
        bank.bank_name = Some("Bank \"Quote\" \u{e9}".into());
        bank.validated = Some(true);
        let config = MockConfig::new("k", "s")
            .session_ttl(Duration::from_secs(900))
            .saved_banks("with-banks", vec![bank]);
        let shared = Shared::new(config).unwrap();
        let served = shared
            .served(&stablemint_raw::operations::CREATE_EMBEDDED_SESSION)
            .unwrap();
        let session = Session {
            seed: 42,
            at: 1_700_000_000,
        };
        for country in ["DE", "GB", "US"] {
            for user in ["with-banks", "without"] {
                let request = serde_json::json!({"userId": user, "userCountryCode": country});
                let rendered =
                    render(&shared, served, &session, request.as_object(), &Map::new()).unwrap();
                let again =
                    render(&shared, served, &session, request.as_object(), &Map::new()).unwrap();
                assert_eq!(rendered, again);
                (served.spec.success.decode.unwrap())(&rendered).unwrap();
                let parsed: EmbeddedSessionResponse = serde_json::from_slice(&rendered).unwrap();
                assert_eq!(parsed.expires_at, 1_700_000_900);
                assert!(parsed.reference.starts_with("SM-"));
                assert_eq!(parsed.saved_banks.len(), usize::from(user == "with-banks"));
                let methods: Vec<i32> = parsed
                    .allowed_payment_methods
                    .iter()
                    .filter_map(|m| m.payment_method)
                    .collect();
                let expected: Vec<i32> = crate::fixtures::allowed_payment_methods(country)
                    .iter()
                    .filter_map(|m| m.payment_method)
                    .collect();
                assert_eq!(methods, expected, "{country}");
            }
        }
        let other = Session {
            seed: 43,
            at: 1_700_000_000,
        };
        let request = serde_json::json!({"userId": "u", "userCountryCode": "DE"});
        let first: EmbeddedSessionResponse = serde_json::from_slice(
            &render(&shared, served, &session, request.as_object(), &Map::new()).unwrap(),
        )
        .unwrap();
        let second: EmbeddedSessionResponse = serde_json::from_slice(
            &render(&shared, served, &other, request.as_object(), &Map::new()).unwrap(),
        )
        .unwrap();
        assert_ne!(first.session_id, second.session_id);
        assert_ne!(first.reference, second.reference);
    }
}
