//! The base URL a client sends to: https, or plain http to a loopback address only, no
//! user or password, no query; and how a URL is shown in a message (never with its
//! password).

use std::net::IpAddr;

use crate::error::Error;

/// `url` as it may be shown: without user name and password (even when it does not
/// parse), escaped and cut.
pub(crate) fn shown_url(url: &str) -> String {
    let without_userinfo = match url.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            match rest[..authority_end].rfind('@') {
                Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
                None => url.to_owned(),
            }
        }
        None => match url.rfind('@') {
            Some(at) => url[at + 1..].to_owned(),
            None => url.to_owned(),
        },
    };
    format!("{:?}", stablemint_wire::shown(&without_userinfo, 200))
}

/// The base URL without a trailing slash, and whether it is plain http to loopback; or
/// why it is refused. No message shows the URL's user name or password.
pub(crate) fn check_base_url(base_url: &str) -> Result<(String, bool), Error> {
    let shown = shown_url(base_url);
    let url = reqwest::Url::parse(base_url)
        .map_err(|e| Error::Config(format!("the base URL {shown} does not parse: {e}")))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "the base URL {shown} has a query or fragment; give scheme, host, port and path \
             only"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(
            "the base URL has a user name or password in it; the API key goes in the \
             credentials instead"
                .into(),
        ));
    }
    let loopback_http = match url.scheme() {
        "https" => false,
        "http" if is_loopback(&url) => true,
        "http" => {
            return Err(Error::Config(format!(
                "the base URL {shown} uses plain http to a host that is not loopback; \
                 the API key and signature would cross the network unencrypted, so use \
                 https (http is allowed only to localhost, 127.0.0.0/8 and [::1])"
            )));
        }
        other => {
            return Err(Error::Config(format!(
                "the base URL {shown} has scheme {other:?}; use https"
            )));
        }
    };
    Ok((url.as_str().trim_end_matches('/').to_owned(), loopback_http))
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_message_shows_a_password() {
        for url in [
            "https://user:hunter2@h/#f",
            "https://user:hunter2@h?x=1",
            "ftp://user:hunter2@example.com",
            "http://user:hunter2@example.com",
            "https://user:hunter2@[::1",
            "user:hunter2@host:99999",
        ] {
            let Err(Error::Config(message)) = check_base_url(url) else {
                panic!("{url} was accepted");
            };
            assert!(!message.contains("hunter2"), "{message}");
            assert!(!message.contains("user:"), "{message}");
        }
        assert_eq!(shown_url("https://a:b@h/p@q"), r#""https://h/p@q""#);
        assert_eq!(shown_url("https://h/\u{1b}x"), r#""https://h/\\u{1b}x""#);
    }

    #[test]
    fn base_urls() {
        for ok in [
            "https://paymentinitiationservice-rest.stablemint.io",
            "https://example.com/api/",
            "http://localhost:8080",
            "http://127.0.0.1:1234",
            "http://127.9.9.9",
            "http://[::1]:9000",
            "http://LOCALHOST",
        ] {
            assert!(check_base_url(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            check_base_url("https://example.com/api/").unwrap(),
            ("https://example.com/api".to_owned(), false)
        );
        assert_eq!(
            check_base_url("http://127.0.0.1:8080").unwrap(),
            ("http://127.0.0.1:8080".to_owned(), true)
        );
        for bad in [
            "http://example.com",
            "http://10.0.0.1",
            "http://localhost.example.com",
            "ftp://example.com",
            "example.com",
            "",
            "https://example.com/?x=1",
            "https://user:pw@example.com",
            "https://user@example.com",
            "https://:pw@example.com",
        ] {
            assert!(
                matches!(check_base_url(bad), Err(Error::Config(_))),
                "{bad}"
            );
        }
    }
}
