//! Reading the request body: its media type, a size limit, a time limit, and draining
//! what is left when the server answers early.

use std::time::Duration;

use http_body_util::BodyExt;
use hyper::HeaderMap;
use hyper::body::{Body, Bytes, Incoming};
use hyper::header;

use crate::refusal::{Code, Refusal};

/// How long a client may take to send the body once the headers are in.
const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// The most memory reserved for a body before it arrives.
const PREALLOCATE_LIMIT: usize = 64 * 1024;

/// How much of an unwanted body is read and thrown away before answering. Many clients
/// (Python's http.client among them) write the whole body before they read anything; if
/// the server closed instead, they would meet a broken pipe instead of the answer.
const DRAIN_LIMIT: usize = 16 * 1024 * 1024;

/// How long draining may take.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// Refuses (415) a body whose `Content-Type` is not `application/json` (in any case,
/// with any parameters), or whose `charset` is anything but UTF-8: the body is read as
/// UTF-8, and a body written in another charset would be read as another request than
/// the one sent.
pub(crate) fn check_media_type(headers: &HeaderMap) -> Result<(), Refusal> {
    let refuse = |message: &str| Err(Refusal::new(Code::UnsupportedMediaType, message));
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return refuse(
            "the request body must be JSON: send it with `Content-Type: application/json`",
        );
    };
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return refuse(
            "the request body must be JSON: send it with `Content-Type: application/json`",
        );
    }
    for parameter in parts {
        let Some((name, charset)) = parameter.split_once('=') else {
            continue;
        };
        if !name.trim().eq_ignore_ascii_case("charset") {
            continue;
        }
        let charset = charset.trim().trim_matches('"');
        if !(charset.eq_ignore_ascii_case("utf-8") || charset.eq_ignore_ascii_case("utf8")) {
            return refuse(
                "the request body must be JSON encoded as UTF-8: send it with \
                 `Content-Type: application/json` (or `; charset=utf-8`)",
            );
        }
    }
    Ok(())
}

/// The whole body, if it has at most `limit` bytes and arrives in time.
///
/// A body that declares a larger `Content-Length` is refused before any of it is read.
pub(crate) async fn read(body: &mut Incoming, limit: usize) -> Result<Bytes, Refusal> {
    match tokio::time::timeout(BODY_TIMEOUT, read_limited(body, limit)).await {
        Ok(result) => result,
        Err(_elapsed) => Err(Refusal::new(
            Code::RequestTimeout,
            format!(
                "the request body did not arrive within {} s; send it again",
                BODY_TIMEOUT.as_secs()
            ),
        )),
    }
}

async fn read_limited(body: &mut Incoming, limit: usize) -> Result<Bytes, Refusal> {
    let too_large = || {
        Refusal::new(
            Code::BodyTooLarge,
            format!(
                "the request body is larger than the {limit} bytes this server accepts; \
                 send a smaller body"
            ),
        )
    };
    let declared = body.size_hint().lower();
    if declared > u64::try_from(limit).unwrap_or(u64::MAX) {
        return Err(too_large());
    }
    // `declared` fits in `limit` now, but the limit may be huge and the body may never
    // come: reserve no more than what a small body needs up front.
    let reserve = usize::try_from(declared)
        .unwrap_or(0)
        .min(PREALLOCATE_LIMIT);
    let mut bytes = Vec::with_capacity(reserve);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|error| {
            tracing::debug!(%error, "the request body could not be read");
            Refusal::new(
                Code::UnreadableBody,
                "the request body could not be read (broken framing or a closed \
                 connection); send the request again",
            )
        })?;
        if let Ok(data) = frame.into_data() {
            if data.len() > limit - bytes.len() {
                return Err(too_large());
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(bytes))
}

/// Reads and discards what is left of `body`, up to a limit in size and time.
///
/// Returns whether the body was read to its end; if not, the connection must close
/// after the answer.
pub(crate) async fn drain(body: &mut Incoming) -> bool {
    if body.is_end_stream() {
        return true;
    }
    let discard = async {
        let mut read = 0usize;
        while let Some(frame) = body.frame().await {
            let Ok(frame) = frame else { return false };
            if let Ok(data) = frame.into_data() {
                read = read.saturating_add(data.len());
                if read > DRAIN_LIMIT {
                    return false;
                }
            }
        }
        true
    };
    tokio::time::timeout(DRAIN_TIMEOUT, discard)
        .await
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderValue;

    fn with_content_type(value: &[u8]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_bytes(value).unwrap(),
        );
        headers
    }

    #[test]
    fn json_media_types() {
        for ok in [
            &b"application/json"[..],
            b"application/json; charset=utf-8",
            b"Application/JSON;charset=UTF-8",
            b"application/json ; foo=bar",
            b"application/json; charset=\"utf-8\"",
            b"application/json; Charset=utf8",
        ] {
            assert!(check_media_type(&with_content_type(ok)).is_ok(), "{ok:?}");
        }
        for bad in [
            &b"text/plain"[..],
            b"application/jsonx",
            b"application/problem+json",
            b"application/x-www-form-urlencoded",
            b"",
            b"application/json\xff",
            b"application/json; charset=utf-16",
            b"application/json; charset=latin1; x=y",
            b"application/json; charset=",
        ] {
            assert!(
                check_media_type(&with_content_type(bad)).is_err(),
                "{bad:?}"
            );
        }
        assert!(check_media_type(&HeaderMap::new()).is_err());
    }
}
