//! `POST /session/embedded`: every check in the documented order, then idempotency,
//! then the new session.

use std::time::SystemTime;

use hyper::HeaderMap;
use hyper::body::{Bytes, Incoming};
use serde_json::Value;
use stablemint_raw::types::EmbeddedSessionRequest;
use stablemint_validate::ValidationError;
use uuid::Uuid;

use crate::api_error::{ApiError, Code};
use crate::fixtures::Offer;
use crate::sessions::{Outcome, RequestDigest, Session};
use crate::state::Shared;
use crate::{auth, body};

/// Checks the request and creates (or replays) a session, at server time `now`; the
/// 200 response body.
///
/// The order is part of the contract: media type, body size, API key, timestamp, JSON,
/// `userId`, signature, the request's fields and rules, and last the idempotency key.
/// So nothing about the body is revealed to a caller that is not authenticated, and
/// nothing is stored for a request that fails a check.
pub(crate) async fn create(
    shared: &Shared,
    headers: &HeaderMap,
    body: &mut Incoming,
    now: SystemTime,
) -> Result<Bytes, ApiError> {
    let config = &shared.config;
    if !body::is_json(headers) {
        return Err(ApiError::new(
            Code::UnsupportedMediaType,
            "the request body must be JSON: send it with `Content-Type: application/json`",
        ));
    }
    let bytes = body::read(body, config.body_limit).await?;
    auth::check_api_key(headers, &config.api_key)?;
    let now_seconds = stablemint_wire::unix_seconds(now);
    let timestamp = auth::check_timestamp(headers, now_seconds, config.timestamp_window.as_secs())?;

    let text = std::str::from_utf8(&bytes).map_err(|_| {
        ApiError::new(
            Code::MalformedJson,
            "the request body is not UTF-8 text; send a JSON object encoded as UTF-8",
        )
    })?;
    let value: Value = serde_json::from_str(text).map_err(|error| malformed_json(&error))?;
    let Value::Object(fields) = &value else {
        return Err(ApiError::new(
            Code::MalformedJson,
            "the request body is JSON but not an object; send a JSON object with the \
             request's fields",
        ));
    };
    let user_id = match fields.get("userId") {
        Some(Value::String(user_id)) => user_id,
        Some(_) => {
            return Err(ApiError::invalid_field(ValidationError::new(
                "/userId",
                "type",
                "must be a string: the user's unique identifier, which the signature covers",
            )));
        }
        None => {
            return Err(ApiError::invalid_field(ValidationError::new(
                "/userId",
                "required",
                "a required field is missing; add the user's unique identifier, which the \
                 signature covers",
            )));
        }
    };
    auth::check_signature(headers, timestamp, &config.api_secret, user_id)?;

    let request: EmbeddedSessionRequest =
        stablemint_wire::parse_json(text, config.unknown_fields).map_err(ApiError::invalid_body)?;
    let key = request.idempotency_key.as_deref();
    let digest = RequestDigest::of(&value);
    let session = match shared
        .sessions
        .create_or_replay(key, digest, now, || new_session(shared, now_seconds))
    {
        Outcome::Created(session) => session,
        Outcome::Replayed(session) => {
            tracing::debug!("idempotent replay: answering with the stored session");
            session
        }
        Outcome::Conflict => {
            return Err(ApiError::new(
                Code::IdempotencyConflict,
                "this idempotencyKey was already used with a different request body; use a \
                 new key for a new request, or send exactly the same body to get the first \
                 response again",
            ));
        }
    };
    let offer = Offer::for_country(&request.user_country_code);
    Ok(render(shared, &session, offer, &request.user_id))
}

/// A 400 for text that is not JSON. serde_json's syntax errors name the problem and its
/// position, never the text around it.
fn malformed_json(error: &serde_json::Error) -> ApiError {
    let message = if error.is_syntax() || error.is_eof() {
        format!("the request body is not valid JSON ({error}); send a JSON object")
    } else {
        "the request body is not valid JSON; send a JSON object".to_owned()
    };
    ApiError::new(Code::MalformedJson, message)
}

/// A new session, created at server time `now` (Unix seconds).
fn new_session(shared: &Shared, now: i64) -> Session {
    let ttl = i64::try_from(shared.config.session_ttl.as_secs()).unwrap_or(i64::MAX);
    Session {
        id: Uuid::new_v4(),
        expires_at: now.saturating_add(ttl),
        reference: fastrand::u64(..),
    }
}

/// The `EmbeddedSessionResponse` JSON of `session` for a user in `offer` with
/// `user_id`: `allowedPaymentMethods` and `savedBanks` are written once at start-up, the
/// rest here. The same inputs give the same bytes, so a replay is byte for byte the
/// first answer. Nothing here can fail; a unit test checks that the result is what
/// serialising the generated type gives.
fn render(shared: &Shared, session: &Session, offer: Offer, user_id: &str) -> Bytes {
    let methods = shared.offer_json(offer);
    let banks = shared.saved_banks_json(user_id);
    let mut id = Uuid::encode_buffer();
    let id = session.id.hyphenated().encode_lower(&mut id);
    let mut json = String::with_capacity(methods.len() + banks.map_or(0, str::len) + 160);
    json.push_str(r#"{"allowedPaymentMethods":"#);
    json.push_str(methods);
    json.push_str(r#","expiresAt":"#);
    json.push_str(&session.expires_at.to_string());
    json.push_str(r#","reference":""#);
    json.push_str(&reference(session.reference));
    if let Some(banks) = banks {
        json.push_str(r#"","savedBanks":"#);
        json.push_str(banks);
        json.push_str(r#","sessionId":""#);
    } else {
        json.push_str(r#"","sessionId":""#);
    }
    json.push_str(id);
    json.push_str(r#""}"#);
    Bytes::from(json)
}

/// `SM-` and the 16 uppercase hex digits of `n`.
fn reference(n: u64) -> String {
    format!("SM-{n:016X}")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use stablemint_raw::types::{EmbeddedSessionResponse, SavedBank};

    use super::*;
    use crate::MockConfig;

    #[test]
    fn references_look_alike_and_differ() {
        assert_eq!(reference(0xAB), "SM-00000000000000AB");
        let a = reference(fastrand::u64(..));
        let b = reference(fastrand::u64(..));
        assert_ne!(a, b);
        for reference in [a, b] {
            let digits = reference.strip_prefix("SM-").unwrap();
            assert_eq!(digits.len(), 16);
            assert!(
                digits
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c))
            );
        }
    }

    #[test]
    fn json_errors_say_where_without_quoting() {
        let error = serde_json::from_str::<Value>("{\"userEmail\": jane@example.com}").unwrap_err();
        let message = format!("{:?}", malformed_json(&error));
        assert!(message.contains("line 1 column"), "{message}");
        assert!(!message.contains("jane"), "{message}");
    }

    /// The hand-written JSON is what serde writes for the generated type, for every
    /// offer, with and without saved banks.
    #[test]
    fn rendered_sessions_are_the_generated_type_serialised() {
        let mut bank = SavedBank::default();
        bank.bank_id = Some(7);
        bank.bank_name = Some("Bank \"Quote\" \u{e9}".into());
        bank.validated = Some(true);
        let config = MockConfig::new("k", "s")
            .session_ttl(Duration::from_secs(900))
            .saved_banks("with-banks", vec![bank]);
        let shared = Shared::new(config).unwrap();
        for offer in Offer::ALL {
            for user in ["with-banks", "without"] {
                let session = new_session(&shared, 1_700_000_000);
                let rendered = render(&shared, &session, offer, user);
                let parsed: EmbeddedSessionResponse = serde_json::from_slice(&rendered).unwrap();
                assert_eq!(parsed.session_id, session.id);
                assert_eq!(parsed.expires_at, 1_700_000_900);
                assert_eq!(parsed.reference, reference(session.reference));
                assert_eq!(parsed.saved_banks.len(), usize::from(user == "with-banks"));
                let typed = serde_json::to_vec(&parsed).unwrap();
                assert_eq!(
                    std::str::from_utf8(&rendered).unwrap(),
                    std::str::from_utf8(&typed).unwrap()
                );
            }
        }
    }
}
