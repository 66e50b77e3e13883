//! Error answers: what the shopper is told, and what goes to the operator's log.
//!
//! A failure the shopper cannot fix (StableMint unavailable or refusing, the database
//! busy or failing) is answered with a short message and a support reference; the
//! whole diagnosis is logged under the same reference, through [`redact`]. Nothing of
//! the diagnosis is in the answer: no URL, no status from upstream, no request id, no
//! key, no text from StableMint.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::checkout::CheckoutError;
use crate::payments::FieldError;
use crate::store::StoreError;
use crate::support::{Reference, Secrets, redact};

/// How long a shopper is asked to wait before trying again after a 503, in seconds.
pub const RETRY_AFTER_SECS: u32 = 2;

/// An error answer.
pub(crate) struct ErrorAnswer {
    pub(crate) status: StatusCode,
    pub(crate) body: ErrorBody,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ErrorBody {
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) retryable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) support_reference: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) errors: Vec<FieldError>,
}

impl ErrorAnswer {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ErrorAnswer {
            status,
            body: ErrorBody {
                code,
                message: message.into(),
                retryable: false,
                support_reference: None,
                errors: Vec::new(),
            },
        }
    }

    fn retryable(mut self) -> Self {
        self.body.retryable = true;
        self
    }

    fn reference(mut self, reference: &Reference) -> Self {
        self.body.support_reference = Some(reference.to_string());
        self
    }

    /// 400 with every field to fix.
    pub(crate) fn invalid(errors: Vec<FieldError>) -> Self {
        let mut answer = ErrorAnswer::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Some fields need fixing.",
        );
        answer.body.errors = errors;
        answer
    }

    /// 503 with `Retry-After`: the database did not answer in time, or failed.
    pub(crate) fn storage(error: &StoreError, order_id: Option<&str>, secrets: &Secrets) -> Self {
        let reference = Reference::new();
        let detail = redact(&error.to_string(), secrets);
        if error.is_busy() {
            tracing::warn!(
                support_reference = %reference,
                order_id = order_id.unwrap_or(""),
                detail,
                "the database was busy; answered 503"
            );
            ErrorAnswer::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "The shop is busy. Your order is safe: try again in a moment.",
            )
            .retryable()
            .reference(&reference)
        } else {
            tracing::error!(
                support_reference = %reference,
                order_id = order_id.unwrap_or(""),
                detail,
                "database error"
            );
            ErrorAnswer::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "Something went wrong on our side. If it keeps happening, contact us with the support reference.",
            )
            .reference(&reference)
        }
    }

    /// The answer to a failed checkout of `order_id`; logs what the operator needs.
    pub(crate) fn checkout(error: CheckoutError, order_id: &str, secrets: &Secrets) -> Self {
        match error {
            CheckoutError::Invalid(errors) => ErrorAnswer::invalid(errors),
            CheckoutError::NotFound => ErrorAnswer::new(
                StatusCode::NOT_FOUND,
                "order_not_found",
                "This order was not made in this browser. Reload the page to start a new order.",
            ),
            CheckoutError::Conflict => ErrorAnswer::new(
                StatusCode::CONFLICT,
                "order_conflict",
                "The payment for this order was started with another e-mail address or country. Reload the page to start a new order.",
            ),
            CheckoutError::Storage(error) => ErrorAnswer::storage(&error, Some(order_id), secrets),
            CheckoutError::Payment(failure) => {
                let reference = Reference::new();
                tracing::error!(
                    support_reference = %reference,
                    order_id,
                    kind = failure.kind.name(),
                    status = failure.status,
                    // Server text: a careless upstream may echo anything into it.
                    request_id = redact(failure.request_id.as_deref().unwrap_or(""), secrets),
                    idempotency_key = failure.idempotency_key.as_deref().unwrap_or(""),
                    attempts = failure.attempts,
                    detail = redact(&failure.detail, secrets),
                    "StableMint gave no session"
                );
                if failure.kind.retryable() {
                    ErrorAnswer::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "payment_unavailable",
                        "Payments are not available right now. Your order is saved: try again in a moment.",
                    )
                    .retryable()
                    .reference(&reference)
                } else {
                    ErrorAnswer::new(
                        StatusCode::BAD_GATEWAY,
                        "payment_failed",
                        "We could not start the payment. Please contact us with the support reference.",
                    )
                    .reference(&reference)
                }
            }
            CheckoutError::StillExpired { expires_at, now } => {
                let reference = Reference::new();
                tracing::error!(
                    support_reference = %reference,
                    order_id,
                    expires_at,
                    now,
                    "StableMint answered every call with a session that had already expired"
                );
                ErrorAnswer::new(
                    StatusCode::BAD_GATEWAY,
                    "payment_failed",
                    "We could not start the payment. Please contact us with the support reference.",
                )
                .reference(&reference)
            }
        }
    }
}

impl IntoResponse for ErrorAnswer {
    fn into_response(self) -> Response {
        let unavailable = self.status == StatusCode::SERVICE_UNAVAILABLE;
        let mut response = (self.status, axum::Json(self.body)).into_response();
        if unavailable {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
        }
        response
    }
}
