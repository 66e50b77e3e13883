//! Which requests the shop answers at all: the `Host` must name the shop, and a request
//! that changes something must come from the shop's own page.
//!
//! - Every request's `Host` must be the listen address (or `localhost` and its port,
//!   when listening on loopback) or the host of a configured public origin; any other is
//!   421. That defeats DNS rebinding: a page on `attacker.example` whose name now points
//!   at `127.0.0.1` still sends `Host: attacker.example`.
//! - A request that changes state (any method but `GET`, `HEAD` and `OPTIONS`) must carry
//!   `Origin` with one of the allowed origins or, without `Origin`,
//!   `Sec-Fetch-Site: same-origin`; else 403. That is CSRF protection which does not
//!   rest on the content type.

use std::net::SocketAddr;

use axum::http::{HeaderMap, Method, StatusCode, header};

use crate::config::PublicOrigin;

/// The hosts and origins the shop answers for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allowed {
    hosts: Vec<String>,
    origins: Vec<String>,
}

impl Allowed {
    /// The listen address `addr` (as bound, so its real port), plus `public`.
    pub fn new(addr: SocketAddr, public: &[PublicOrigin]) -> Allowed {
        let mut hosts = vec![addr.to_string()];
        let mut origins = vec![format!("http://{addr}")];
        if addr.ip().is_loopback() {
            hosts.push(format!("localhost:{}", addr.port()));
            origins.push(format!("http://localhost:{}", addr.port()));
        }
        for origin in public {
            hosts.extend(origin.hosts().iter().cloned());
            origins.push(origin.origin().to_owned());
        }
        Allowed { hosts, origins }
    }

    /// Whether the request may go on; if not, the status and the reason, in words for
    /// the one who sent it.
    pub fn check(
        &self,
        method: &Method,
        headers: &HeaderMap,
    ) -> Result<(), (StatusCode, &'static str, &'static str)> {
        let host = headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .map(str::to_ascii_lowercase);
        if !host.is_some_and(|host| self.hosts.contains(&host)) {
            return Err((
                StatusCode::MISDIRECTED_REQUEST,
                "unknown_host",
                "This shop is not served at this address.",
            ));
        }
        if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
            return Ok(());
        }
        let same_origin = match headers.get(header::ORIGIN) {
            Some(origin) => origin
                .to_str()
                .is_ok_and(|origin| self.origins.iter().any(|o| o == origin)),
            None => headers
                .get("sec-fetch-site")
                .is_some_and(|site| site.as_bytes() == b"same-origin"),
        };
        if same_origin {
            Ok(())
        } else {
            Err((
                StatusCode::FORBIDDEN,
                "cross_origin",
                "This request did not come from the shop's own page. Reload the page and try again.",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn status(
        allowed: &Allowed,
        method: Method,
        pairs: &[(&'static str, &'static str)],
    ) -> Option<u16> {
        allowed
            .check(&method, &headers(pairs))
            .err()
            .map(|(status, _, _)| status.as_u16())
    }

    #[test]
    fn hosts_and_origins_come_from_the_listen_address_and_the_public_origins() {
        let public = [PublicOrigin::parse("https://shop.example.com").unwrap()];
        let allowed = Allowed::new("127.0.0.1:3000".parse().unwrap(), &public);
        assert_eq!(
            allowed.hosts,
            [
                "127.0.0.1:3000",
                "localhost:3000",
                "shop.example.com:443",
                "shop.example.com"
            ]
        );
        assert_eq!(
            allowed.origins,
            [
                "http://127.0.0.1:3000",
                "http://localhost:3000",
                "https://shop.example.com"
            ]
        );
        let wide = Allowed::new("0.0.0.0:80".parse().unwrap(), &[]);
        assert_eq!(wide.hosts, ["0.0.0.0:80"]);
    }

    #[test]
    fn another_host_is_421_whatever_the_method() {
        let allowed = Allowed::new("127.0.0.1:3000".parse().unwrap(), &[]);
        assert_eq!(
            status(&allowed, Method::GET, &[("host", "127.0.0.1:3000")]),
            None
        );
        assert_eq!(
            status(&allowed, Method::GET, &[("host", "LOCALHOST:3000")]),
            None
        );
        for host in ["attacker.example", "127.0.0.1:3001", "127.0.0.1", ""] {
            assert_eq!(
                status(&allowed, Method::GET, &[("host", host)]),
                Some(421),
                "{host}"
            );
        }
        assert_eq!(status(&allowed, Method::GET, &[]), Some(421));
    }

    #[test]
    fn a_state_change_needs_a_same_origin_page() {
        let allowed = Allowed::new("127.0.0.1:3000".parse().unwrap(), &[]);
        let host = ("host", "127.0.0.1:3000");
        assert_eq!(
            status(
                &allowed,
                Method::POST,
                &[host, ("origin", "http://127.0.0.1:3000")]
            ),
            None
        );
        assert_eq!(
            status(
                &allowed,
                Method::POST,
                &[host, ("sec-fetch-site", "same-origin")]
            ),
            None
        );
        for pairs in [
            vec![host],
            vec![host, ("origin", "http://attacker.example")],
            vec![host, ("origin", "null")],
            vec![host, ("origin", "https://127.0.0.1:3000")],
            vec![host, ("sec-fetch-site", "cross-site")],
            vec![host, ("sec-fetch-site", "same-site")],
            // An Origin that is not the shop's is refused even when Sec-Fetch-Site
            // claims otherwise.
            vec![
                host,
                ("origin", "http://attacker.example"),
                ("sec-fetch-site", "same-origin"),
            ],
        ] {
            assert_eq!(
                status(&allowed, Method::POST, &pairs),
                Some(403),
                "{pairs:?}"
            );
        }
        // Reading needs no Origin.
        assert_eq!(status(&allowed, Method::GET, &[host]), None);
    }
}
