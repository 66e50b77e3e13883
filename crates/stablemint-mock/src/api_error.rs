//! The one error shape every failure is answered with, and its stable codes.

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{self, HeaderValue};
use hyper::{Response, StatusCode};
use serde_json::{Map, Value};
use stablemint_validate::{ValidationError, ValidationErrors};

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
            | Code::InvalidBody => StatusCode::BAD_REQUEST,
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
/// `errors` only for field-level problems.
///
/// Messages say what happened and what to do. They never contain secrets, signatures or
/// request values, except the `timestamp` header (which is not secret) for a stale one.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    code: Code,
    message: String,
    errors: Option<ValidationErrors>,
}

impl ApiError {
    pub(crate) fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            status: code.status(),
            code,
            message: message.into(),
            errors: None,
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

    pub(crate) fn into_response(self) -> Response<Full<Bytes>> {
        let mut response = json_response(self.status, Bytes::from(self.to_json()));
        if self.code == Code::MethodNotAllowed {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
        }
        response
    }

    /// The body, built as a JSON value: writing a `Value` out cannot fail.
    fn to_json(&self) -> String {
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
        Value::Object(body).to_string()
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

    async fn json_of(error: ApiError) -> (StatusCode, serde_json::Value) {
        let response = error.into_response();
        let status = response.status();
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn errors_have_one_shape() {
        let (status, json) = json_of(ApiError::new(Code::BadSignature, "no")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            json,
            serde_json::json!({"code": "bad_signature", "message": "no"})
        );

        let field = ValidationError::new("/userId", "required", "add it");
        let (status, json) = json_of(ApiError::invalid_field(field)).await;
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
        let (_, json) = json_of(ApiError::invalid_body(errors)).await;
        assert_eq!(json["errors"], expected);
        assert!(json["message"].as_str().unwrap().contains("2 rules of"));
    }

    #[tokio::test]
    async fn method_not_allowed_names_the_allowed_method() {
        let response = ApiError::new(Code::MethodNotAllowed, "use POST").into_response();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response.headers()[header::ALLOW], "POST");
    }

    #[tokio::test]
    async fn injected_faults_use_the_armed_status() {
        let (status, json) = json_of(ApiError::injected(503)).await;
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
            Code::BadSignature,
            Code::IdempotencyConflict,
            Code::HeadersTooLarge,
        ];
        let names: std::collections::BTreeSet<&str> = all.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), all.len());
    }
}
