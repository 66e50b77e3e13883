//! The one error shape every failure is answered with, and its stable codes.

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{self, HeaderValue};
use hyper::{Response, StatusCode};
use serde_json::{Map, Value};
use stablemint_validate::{ValidationError, ValidationErrors};

use crate::synth::Synth;

/// A stable, machine-readable error code. The crate documentation lists them with
/// their statuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Code {
    HeadersTooLarge,
    NotFound,
    MethodNotAllowed,
    InjectedFault,
    UnsupportedMediaType,
    BodyTooLarge,
    RequestTimeout,
    UnreadableBody,
    MissingHeader,
    DuplicateHeader,
    UnknownApiKey,
    StaleTimestamp,
    MalformedJson,
    InvalidBody,
    InvalidRequest,
    BadSignature,
    IdempotencyConflict,
}

impl Code {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Code::HeadersTooLarge => "headers_too_large",
            Code::NotFound => "not_found",
            Code::MethodNotAllowed => "method_not_allowed",
            Code::InjectedFault => "injected_fault",
            Code::UnsupportedMediaType => "unsupported_media_type",
            Code::BodyTooLarge => "body_too_large",
            Code::RequestTimeout => "request_timeout",
            Code::UnreadableBody => "unreadable_body",
            Code::MissingHeader => "missing_header",
            Code::DuplicateHeader => "duplicate_header",
            Code::UnknownApiKey => "unknown_api_key",
            Code::StaleTimestamp => "stale_timestamp",
            Code::MalformedJson => "malformed_json",
            Code::InvalidBody => "invalid_body",
            Code::InvalidRequest => "invalid_request",
            Code::BadSignature => "bad_signature",
            Code::IdempotencyConflict => "idempotency_conflict",
        }
    }

    /// The status the code is answered with; an injected fault uses the armed status.
    fn status(self) -> StatusCode {
        match self {
            Code::HeadersTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Code::NotFound => StatusCode::NOT_FOUND,
            Code::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Code::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Code::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Code::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Code::UnreadableBody
            | Code::DuplicateHeader
            | Code::MalformedJson
            | Code::InvalidBody
            | Code::InvalidRequest => StatusCode::BAD_REQUEST,
            Code::MissingHeader
            | Code::UnknownApiKey
            | Code::StaleTimestamp
            | Code::BadSignature => StatusCode::UNAUTHORIZED,
            Code::IdempotencyConflict => StatusCode::CONFLICT,
            Code::InjectedFault => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// A failed request: answered as
/// `{"code": ..., "message": ..., "errors": [{"pointer", "code", "message"}]}` with
/// `errors` only for field-level problems, or in the shape the operation declares for
/// the status, made from those.
///
/// Messages say what happened and what to do. They never contain secrets, signatures or
/// request values, except the `timestamp` header (which is not secret) for a stale one.
#[derive(Debug)]
pub(crate) struct Refusal {
    status: StatusCode,
    code: Code,
    message: String,
    errors: Option<ValidationErrors>,
    /// For a 405: the methods the path takes.
    allow: Option<String>,
}

impl Refusal {
    pub(crate) fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            status: code.status(),
            code,
            message: message.into(),
            errors: None,
            allow: None,
        }
    }

    /// A 405 for a path that takes `allowed` (as the `Allow` header lists them).
    pub(crate) fn method_not_allowed(path: &str, allowed: &str) -> Self {
        Self {
            allow: Some(allowed.to_owned()),
            ..Self::new(
                Code::MethodNotAllowed,
                format!(
                    "{} accepts only {allowed}; send the request with one of those",
                    stablemint_wire::shown(path, 200)
                ),
            )
        }
    }

    /// A 400 `invalid_body` listing the field-level `errors`.
    pub(crate) fn invalid_body(errors: ValidationErrors) -> Self {
        let count = errors.len();
        let message = format!(
            "the request body breaks {count} rule{} of the API; fix each field listed in \
             `errors` at its JSON Pointer and send it again",
            if count == 1 { "" } else { "s" },
        );
        Self {
            errors: Some(errors),
            ..Self::new(Code::InvalidBody, message)
        }
    }

    /// A 400 `invalid_request` listing the problems of parameters (and of the body, if
    /// it has some too).
    pub(crate) fn invalid_request(errors: ValidationErrors) -> Self {
        let count = errors.len();
        let message = format!(
            "the request's parameters or body break {count} rule{} of the API; fix each \
             one listed in `errors` (a parameter at `/<name>`) and send it again",
            if count == 1 { "" } else { "s" },
        );
        Self {
            errors: Some(errors),
            ..Self::new(Code::InvalidRequest, message)
        }
    }

    /// A 400 `invalid_body` for one field.
    pub(crate) fn invalid_field(error: ValidationError) -> Self {
        let mut errors = ValidationErrors::new();
        errors.push(error);
        Self::invalid_body(errors)
    }

    /// The error for an injected [`Fault::Status`](crate::Fault::Status).
    pub(crate) fn injected(status: u16) -> Self {
        Self {
            // `Fault::check` keeps `status` in 200..=599, so this never falls back.
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            ..Self::new(
                Code::InjectedFault,
                format!(
                    "the mock was told to fail this request with HTTP {status} \
                     (fail_next); nothing was processed, so send it again"
                ),
            )
        }
    }

    pub(crate) fn code(&self) -> Code {
        self.code
    }

    /// The answer. `declared` is the schema the operation declares for this status, if
    /// it declares one: the body is then made in that shape, from the mock's own `code`,
    /// `message` and `errors`, so that it validates against the spec.
    pub(crate) fn into_response(self, declared: Option<&Value>) -> Response<Full<Bytes>> {
        let own = self.to_json();
        let body = match declared {
            Some(schema) => {
                let mut synth = Synth {
                    sources: vec![&own],
                    trusted: 0,
                    rng: fastrand::Rng::with_seed(0),
                    now: 0,
                };
                synth.answer(schema, None)
            }
            None => Value::Object(own),
        };
        let mut response = json_response(self.status, Bytes::from(body.to_string()));
        if let Some(allow) = self
            .allow
            .as_deref()
            .and_then(|a| HeaderValue::from_str(a).ok())
        {
            response.headers_mut().insert(header::ALLOW, allow);
        }
        response
    }

    /// The status answered.
    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }

    /// The body in the mock's own shape, as a JSON object.
    fn to_json(&self) -> Map<String, Value> {
        let mut body = Map::new();
        body.insert("code".into(), Value::from(self.code.as_str()));
        body.insert("message".into(), Value::from(self.message.as_str()));
        if let Some(errors) = &self.errors {
            let errors = errors.iter().map(|error| {
                let mut entry = Map::new();
                entry.insert("pointer".into(), Value::from(error.pointer()));
                entry.insert("code".into(), Value::from(error.code()));
                entry.insert("message".into(), Value::from(error.message()));
                Value::Object(entry)
            });
            body.insert("errors".into(), Value::Array(errors.collect()));
        }
        body
    }
}

/// A response with a JSON body.
pub(crate) fn json_response(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    async fn json_of(error: Refusal) -> (StatusCode, serde_json::Value) {
        let response = error.into_response(None);
        let status = response.status();
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn errors_have_one_shape() {
        let (status, json) = json_of(Refusal::new(Code::BadSignature, "no")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            json,
            serde_json::json!({"code": "bad_signature", "message": "no"})
        );

        let field = ValidationError::new("/userId", "required", "add it");
        let (status, json) = json_of(Refusal::invalid_field(field)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(json["code"], "invalid_body");
        assert_eq!(
            json["errors"],
            serde_json::json!([{"pointer": "/userId", "code": "required", "message": "add it"}])
        );
        assert!(json["message"].as_str().unwrap().contains("1 rule of"));
    }

    #[tokio::test]
    async fn field_errors_keep_their_order_and_the_shape_of_validation_errors() {
        let mut errors = ValidationErrors::new();
        errors.push(ValidationError::new("/b", "email", "fix b"));
        errors.push(ValidationError::new("/a", "required", "add a"));
        let expected = serde_json::to_value(&errors).unwrap();
        let (_, json) = json_of(Refusal::invalid_body(errors)).await;
        assert_eq!(json["errors"], expected);
        assert!(json["message"].as_str().unwrap().contains("2 rules of"));
    }

    #[tokio::test]
    async fn method_not_allowed_names_the_allowed_methods() {
        let response = Refusal::method_not_allowed("/x", "GET, DELETE").into_response(None);
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response.headers()[header::ALLOW], "GET, DELETE");
    }

    #[tokio::test]
    async fn a_declared_error_schema_gives_the_body_its_shape() {
        let schema = serde_json::json!({"type": "object", "required": ["code", "detail"],
            "properties": {"code": {"type": "string"}, "detail": {"type": "string"},
                           "message": {"type": "integer"}}});
        let response = Refusal::new(Code::BadSignature, "no").into_response(Some(&schema));
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "bad_signature", "detail": "text"})
        );
    }

    #[tokio::test]
    async fn injected_faults_use_the_armed_status() {
        let (status, json) = json_of(Refusal::injected(503)).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(json["code"], "injected_fault");
    }

    #[test]
    fn codes_are_distinct() {
        let all = [
            Code::NotFound,
            Code::MethodNotAllowed,
            Code::InjectedFault,
            Code::UnsupportedMediaType,
            Code::BodyTooLarge,
            Code::RequestTimeout,
            Code::UnreadableBody,
            Code::MissingHeader,
            Code::DuplicateHeader,
            Code::UnknownApiKey,
            Code::StaleTimestamp,
            Code::MalformedJson,
            Code::InvalidBody,
            Code::InvalidRequest,
            Code::BadSignature,
            Code::IdempotencyConflict,
            Code::HeadersTooLarge,
        ];
        let names: std::collections::BTreeSet<&str> = all.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), all.len());
    }
}
