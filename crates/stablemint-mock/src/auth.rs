//! The three authentication headers: `api_key`, `timestamp` and `signature`.
//!
//! Comparisons of the key and the signature take constant time, so that their
//! timing does not reveal how much of a guess was right.

use hyper::HeaderMap;
use hyper::header::HeaderValue;
use subtle::ConstantTimeEq;

use crate::config::MockConfig;
use crate::journal::SignatureCheck;
use crate::refusal::{Code, Refusal};
use stablemint_wire::{Auth, Location, OperationSpec};

use stablemint_wire::headers::{API_KEY, SIGNATURE, TIMESTAMP};

/// The only value of header `name`: missing is 401 `missing_header` (the message says
/// what to send: `purpose`), repeated is 400 `duplicate_header` (two values would leave
/// it open which one was signed).
fn single<'a>(
    headers: &'a HeaderMap,
    name: &str,
    purpose: &str,
) -> Result<&'a HeaderValue, Refusal> {
    let mut values = headers.get_all(name).iter();
    let Some(value) = values.next() else {
        return Err(Refusal::new(
            Code::MissingHeader,
            format!("the `{name}` header is missing; send the {purpose}"),
        ));
    };
    if values.next().is_some() {
        return Err(Refusal::new(
            Code::DuplicateHeader,
            format!("the `{name}` header is sent more than once; send it exactly once"),
        ));
    }
    Ok(value)
}

/// Checks the `api_key` header against the configured key.
pub(crate) fn check_api_key(headers: &HeaderMap, expected: &str) -> Result<(), Refusal> {
    let sent = single(headers, API_KEY, "API key from the dashboard")?;
    if bool::from(sent.as_bytes().ct_eq(expected.as_bytes())) {
        Ok(())
    } else {
        Err(Refusal::new(
            Code::UnknownApiKey,
            "the `api_key` header is not a key this server knows; send the API key the \
             mock was started with",
        ))
    }
}

/// The `timestamp` header, if it is a whole number of Unix seconds within `window`
/// seconds of `now` (inclusive).
pub(crate) fn check_timestamp(headers: &HeaderMap, now: i64, window: u64) -> Result<u64, Refusal> {
    let sent = single(headers, TIMESTAMP, "current Unix time in seconds")?;
    // Only the canonical decimal form is accepted ("+5" and "05" are not), because the
    // signature covers the header's text and the check recomputes it from the number.
    let parsed = sent.to_str().ok().and_then(|text| {
        let number = text.parse::<i64>().ok()?;
        (number.to_string() == text).then_some(number)
    });
    let Some(timestamp) = parsed else {
        return Err(Refusal::new(
            Code::StaleTimestamp,
            format!(
                "the `timestamp` header is not a whole number of Unix seconds in plain \
                 decimal digits; the server time is {now}: send the current Unix time in \
                 seconds"
            ),
        ));
    };
    let skew = i128::from(timestamp) - i128::from(now);
    let unsigned = u64::try_from(timestamp).ok();
    match unsigned {
        Some(timestamp) if skew.unsigned_abs() <= u128::from(window) => Ok(timestamp),
        _ => Err(Refusal::new(
            Code::StaleTimestamp,
            stale_message(timestamp, now, skew, window),
        )),
    }
}

fn stale_message(timestamp: i64, now: i64, skew: i128, window: u64) -> String {
    let direction = if skew > 0 { "ahead of" } else { "behind" };
    let mut message = format!(
        "the timestamp {timestamp} is {} s {direction} the server time {now}, more than the \
         {window} s allowed; sign with the current Unix time in seconds and check that the \
         client's clock is synchronised (NTP)",
        skew.unsigned_abs()
    );
    let as_seconds = i128::from(timestamp) / 1000;
    if (as_seconds - i128::from(now)).unsigned_abs() <= u128::from(window) {
        message.push_str("; it looks like milliseconds: send seconds");
    }
    message
}

/// Checks the `signature` header: the lowercase hex SHA-256 of
/// `"{timestamp},{secret},{signed}"`, computed as the client does. `covers` names the
/// signed value in messages: `userId` for the body property, `the path parameter
/// `sessionId``.
pub(crate) fn check_signature(
    headers: &HeaderMap,
    timestamp: u64,
    secret: &str,
    signed: &str,
    covers: (&str, &str),
) -> Result<(), Refusal> {
    let (name, place) = covers;
    let sent = single(
        headers,
        SIGNATURE,
        &format!("lowercase hex SHA-256 of \"<timestamp>,<api secret>,<{name}>\""),
    )?;
    let expected = stablemint_wire::signature(timestamp, secret, signed);
    if bool::from(sent.as_bytes().ct_eq(expected.as_bytes())) {
        Ok(())
    } else {
        Err(Refusal::new(
            Code::BadSignature,
            format!(
                "the `signature` header does not match; sign the lowercase hex SHA-256 of \
                 \"<timestamp>,<api secret>,<{name}>\" with the exact `timestamp` header \
                 sent, the API secret the mock was started with and {place}"
            ),
        ))
    }
}

/// Whether a request's signature verifies, for the journal: the key is the configured
/// one, and the signature is the one the secret gives over the `timestamp` header's text
/// and the value `operation` signs (read from the body or the parameters as sent). The
/// timestamp's freshness is not asked. Never fails: what cannot be read is `Wrong`.
pub(crate) fn verdict(
    operation: &OperationSpec,
    headers: &HeaderMap,
    path: &[(&'static str, String)],
    query: Option<&str>,
    body: Option<&serde_json::Value>,
    config: &MockConfig,
) -> SignatureCheck {
    let signed = match operation.auth {
        Auth::None => return SignatureCheck::NotSigned,
        Auth::SignedField(field) => body
            .and_then(|b| b.get(field))
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned),
        Auth::SignedParameter(name) => signed_parameter(operation, name, headers, path, query),
    };
    let key = single(headers, API_KEY, "").ok();
    let timestamp = single(headers, TIMESTAMP, "")
        .ok()
        .and_then(|t| t.to_str().ok())
        .and_then(|t| t.parse::<u64>().ok().filter(|n| n.to_string() == t));
    let signature = single(headers, SIGNATURE, "").ok();
    let verified = match (key, timestamp, signature, signed) {
        (Some(key), Some(timestamp), Some(signature), Some(signed)) => {
            let expected = stablemint_wire::signature(timestamp, &config.api_secret, &signed);
            bool::from(key.as_bytes().ct_eq(config.api_key.as_bytes()))
                && bool::from(signature.as_bytes().ct_eq(expected.as_bytes()))
        }
        _ => false,
    };
    if verified {
        SignatureCheck::Verified
    } else {
        SignatureCheck::Wrong
    }
}

/// The decoded value of the parameter `name`, as sent.
fn signed_parameter(
    operation: &OperationSpec,
    name: &str,
    headers: &HeaderMap,
    path: &[(&'static str, String)],
    query: Option<&str>,
) -> Option<String> {
    match operation.parameter(name)?.location {
        Location::Path => {
            let raw = path.iter().find(|(n, _)| *n == name)?;
            stablemint_wire::percent_decode(&raw.1).ok()
        }
        Location::Query => stablemint_wire::decode_query(query?)
            .into_iter()
            .filter_map(Result::ok)
            .find(|(n, _)| n == name)
            .map(|(_, value)| value),
        Location::Header => single(headers, name, "")
            .ok()?
            .to_str()
            .ok()
            .map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;
    const BODY: (&str, &str) = ("userId", "the body's `userId`");

    fn headers(pairs: &[(&'static str, &[u8])]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_bytes(value).unwrap());
        }
        headers
    }

    fn code<T: std::fmt::Debug>(result: Result<T, Refusal>) -> &'static str {
        result.unwrap_err().code().as_str()
    }

    #[test]
    fn api_key() {
        assert!(check_api_key(&headers(&[(API_KEY, b"k1")]), "k1").is_ok());
        assert_eq!(
            code(check_api_key(&headers(&[(API_KEY, b"k2")]), "k1")),
            "unknown_api_key"
        );
        assert_eq!(
            code(check_api_key(&headers(&[(API_KEY, b"k")]), "k1")),
            "unknown_api_key"
        );
        assert_eq!(
            code(check_api_key(&headers(&[(API_KEY, b"k1\xff")]), "k1")),
            "unknown_api_key"
        );
        assert_eq!(code(check_api_key(&headers(&[]), "k1")), "missing_header");
        assert_eq!(
            code(check_api_key(
                &headers(&[(API_KEY, b"k1"), (API_KEY, b"k1")]),
                "k1"
            )),
            "duplicate_header"
        );
    }

    #[test]
    fn a_missing_header_says_what_to_send_in_it() {
        let missing = |name: &str| {
            let error = match name {
                API_KEY => check_api_key(&headers(&[]), "k").unwrap_err(),
                TIMESTAMP => check_timestamp(&headers(&[]), NOW, 300).unwrap_err(),
                _ => check_signature(&headers(&[]), 1, "s", "u", BODY).unwrap_err(),
            };
            assert_eq!(error.code().as_str(), "missing_header");
            format!("{error:?}")
        };
        for (name, what) in [
            (API_KEY, "send the API key from the dashboard"),
            (TIMESTAMP, "send the current Unix time in seconds"),
            (
                SIGNATURE,
                r#"send the lowercase hex SHA-256 of \"<timestamp>,<api secret>,<userId>\""#,
            ),
        ] {
            let message = missing(name);
            assert!(
                message.contains(&format!("the `{name}` header is missing")),
                "{message}"
            );
            assert!(message.contains(what), "{name}: {message}");
        }
    }

    #[test]
    fn timestamp_window_is_inclusive() {
        let at =
            |value: &str| check_timestamp(&headers(&[(TIMESTAMP, value.as_bytes())]), NOW, 300);
        assert_eq!(at("1700000000").unwrap(), 1_700_000_000);
        assert_eq!(at("1700000300").unwrap(), 1_700_000_300);
        assert_eq!(at("1699999700").unwrap(), 1_699_999_700);
        assert_eq!(code(at("1700000301")), "stale_timestamp");
        assert_eq!(code(at("1699999699")), "stale_timestamp");
    }

    #[test]
    fn timestamps_that_are_not_seconds() {
        let at = |value: &[u8]| check_timestamp(&headers(&[(TIMESTAMP, value)]), NOW, 300);
        for bad in [
            &b""[..],
            b"abc",
            b"1.7e9",
            b"0x10",
            b"99999999999999999999999",
            b"\xff\xfe",
            b"-1",
            b"-9223372036854775808",
            b"+1700000000",
            b"01700000000",
            b"1700000000 ",
            b" 1700000000",
            b"9223372036854775807",
        ] {
            let error = at(bad).unwrap_err();
            assert_eq!(error.code().as_str(), "stale_timestamp", "{bad:?}");
        }
        assert_eq!(
            code(check_timestamp(&headers(&[]), NOW, 300)),
            "missing_header"
        );
    }

    #[test]
    fn negative_timestamps_are_refused_even_near_the_epoch() {
        let error = check_timestamp(&headers(&[(TIMESTAMP, b"-5")]), 0, 300).unwrap_err();
        assert_eq!(error.code().as_str(), "stale_timestamp");
    }

    #[test]
    fn stale_messages_name_both_times_and_spot_milliseconds() {
        let message = stale_message(1_700_000_400, NOW, 400, 300);
        assert!(
            message.contains("1700000400 is 400 s ahead of the server time 1700000000"),
            "{message}"
        );
        assert!(!message.contains("milliseconds"), "{message}");
        let message = stale_message(1_699_999_000, NOW, -1000, 300);
        assert!(message.contains("1000 s behind"), "{message}");
        let millis = 1_700_000_000_123_i64;
        let message = stale_message(millis, NOW, i128::from(millis - NOW), 300);
        assert!(message.contains("milliseconds"), "{message}");
    }

    #[test]
    fn signature_must_match_exactly() {
        let good = stablemint_wire::signature(NOW as u64, "secret", "user-1");
        let sign = |value: &str| {
            check_signature(
                &headers(&[(SIGNATURE, value.as_bytes())]),
                NOW as u64,
                "secret",
                "user-1",
                BODY,
            )
        };
        assert!(sign(&good).is_ok());
        assert_eq!(code(sign(&good.to_uppercase())), "bad_signature");
        assert_eq!(code(sign(&good[1..])), "bad_signature");
        assert_eq!(
            code(sign(&stablemint_wire::signature(
                NOW as u64, "secret", "user-2"
            ))),
            "bad_signature"
        );
        assert_eq!(
            code(sign(&stablemint_wire::signature(
                NOW as u64 + 1,
                "secret",
                "user-1"
            ))),
            "bad_signature"
        );
        assert_eq!(
            code(sign(&stablemint_wire::signature(
                NOW as u64, "other", "user-1"
            ))),
            "bad_signature"
        );
        let error =
            check_signature(&headers(&[]), NOW as u64, "secret", "user-1", BODY).unwrap_err();
        assert_eq!(error.code().as_str(), "missing_header");
    }

    #[test]
    fn messages_never_contain_the_secret_or_signature() {
        let good = stablemint_wire::signature(NOW as u64, "top-secret", "user-1");
        let wrong = format!("{}0", &good[1..]);
        let error = check_signature(
            &headers(&[(SIGNATURE, wrong.as_bytes())]),
            NOW as u64,
            "top-secret",
            "user-1",
            BODY,
        )
        .unwrap_err();
        let debug = format!("{error:?}");
        assert!(!debug.contains("top-secret") && !debug.contains(&good) && !debug.contains(&wrong));
    }
}
