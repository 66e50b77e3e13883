//! The browser cookie that binds orders to the browser that made them: its name, the
//! token read from it, a new token, and the hash of it that the database keeps.

use axum::http::{HeaderMap, header};
use sha2::{Digest, Sha256};

/// The cookie that binds orders to the browser that made them.
pub const BROWSER_COOKIE: &str = "shop_browser";

/// The browser's token from its cookie, if it has one of the right shape.
pub(super) fn browser_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == BROWSER_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|value| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A new browser token: 244 random bits, as 64 hex digits.
pub(super) fn new_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// What the database keeps of a browser token: its SHA-256, so that a copy of the
/// database does not let anyone act as the browser.
pub(super) fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn the_browser_token_comes_from_its_cookie_only_when_well_formed() {
        let token = new_token();
        assert_eq!(token.len(), 64);
        assert_ne!(token, new_token());
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=b; {BROWSER_COOKIE}={token}; c=d")).unwrap(),
        );
        assert_eq!(browser_token(&headers), Some(token.clone()));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("shop_browser=short"),
        );
        assert_eq!(browser_token(&headers), None);
        assert_eq!(browser_token(&HeaderMap::new()), None);
        // The database keeps the hash, never the token.
        assert_eq!(hash(&token).len(), 64);
        assert_ne!(hash(&token), token);
    }
}
