//! `POST /session/embedded`: every check in the documented order, then idempotency,
//! then the new session.

use hyper::HeaderMap;
use hyper::body::{Bytes, Incoming};
use serde_json::Value;
use stablemint_raw::types::{EmbeddedSessionRequest, EmbeddedSessionResponse};
use stablemint_validate::ValidationError;
use uuid::Uuid;

use crate::api_error::{ApiError, Code};
use crate::sessions::Outcome;
use crate::state::Shared;
use crate::{auth, body, fixtures};

/// Checks the request and creates (or replays) a session; the 200 response body.
///
/// The order is part of the contract: media type, body size, API key, timestamp, JSON,
/// `userId`, signature, the request's fields and rules, and last the idempotency key.
/// So nothing about the body is revealed to a caller that is not authenticated, and
/// nothing is stored for a request that fails a check.
pub(crate) async fn create(
    shared: &Shared,
    headers: &HeaderMap,
    body: &mut Incoming,
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
    let now = shared.now();
    let timestamp = auth::check_timestamp(headers, now, config.timestamp_window.as_secs())?;

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
        stablemint::parse_json(text, config.unknown_fields).map_err(ApiError::invalid_body)?;
    let key = request.idempotency_key.as_deref();
    match shared
        .sessions
        .create_or_replay(key, value, || new_session(shared, &request, now))
    {
        Outcome::Created(response) => Ok(response),
        Outcome::Replayed(response) => {
            tracing::debug!("idempotent replay: answering with the stored session");
            Ok(response)
        }
        Outcome::Conflict => Err(ApiError::new(
            Code::IdempotencyConflict,
            "this idempotencyKey was already used with a different request body; use a new \
             key for a new request, or send exactly the same body to get the first \
             response again",
        )),
        Outcome::Failed(error) => {
            tracing::error!(%error, "cannot serialize the session");
            Err(ApiError::new(
                Code::Internal,
                "the mock could not serialize the session; please report this bug",
            ))
        }
    }
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

/// The response body of a new session, for a request at server time `now`.
fn new_session(
    shared: &Shared,
    request: &EmbeddedSessionRequest,
    now: i64,
) -> Result<Bytes, String> {
    let config = &shared.config;
    let ttl = i64::try_from(config.session_ttl.as_secs()).unwrap_or(i64::MAX);
    let response: EmbeddedSessionResponse = EmbeddedSessionResponse::builder()
        .session_id(Uuid::new_v4())
        .expires_at(now.saturating_add(ttl))
        .allowed_payment_methods(fixtures::allowed_payment_methods(
            &request.user_country_code,
        ))
        .saved_banks(
            config
                .saved_banks
                .get(&request.user_id)
                .cloned()
                .unwrap_or_default(),
        )
        .reference(new_reference())
        .try_into()
        .map_err(|e: stablemint_raw::types::error::ConversionError| e.to_string())?;
    serde_json::to_vec(&response)
        .map(Bytes::from)
        .map_err(|e| e.to_string())
}

/// `SM-` and 16 uppercase hex digits from a fresh random UUID.
fn new_reference() -> String {
    let mut buffer = Uuid::encode_buffer();
    let hex = Uuid::new_v4().simple().encode_upper(&mut buffer);
    format!("SM-{}", &hex[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_look_alike_and_differ() {
        let a = new_reference();
        let b = new_reference();
        assert_ne!(a, b);
        for reference in [a, b] {
            let digits = reference.strip_prefix("SM-").unwrap();
            assert_eq!(digits.len(), 16);
            assert!(
                digits
                    .chars()
                    .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
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
}
