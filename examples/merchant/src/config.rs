//! What the server is told at start: [`Config`], where sessions come from
//! ([`StableMint`]), and the widget's script ([`WidgetScript`]).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::payments::{Credentials, PRODUCTION_URL, SandboxOptions};

/// The time source of the server: when a stored session counts as expired, the time
/// requests to StableMint are signed with, and the sandbox's clock. Tests move it.
pub type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// The environment variable with the API key.
pub const API_KEY_VAR: &str = "STABLEMINT_API_KEY";
/// The environment variable with the API secret.
pub const API_SECRET_VAR: &str = "STABLEMINT_API_SECRET";
/// The environment variable with the API's base URL.
pub const BASE_URL_VAR: &str = "STABLEMINT_BASE_URL";

/// How the server starts.
#[derive(Clone)]
pub struct Config {
    /// The SQLite file with the orders; created if missing.
    pub db: PathBuf,
    /// Where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Where sessions come from.
    pub stablemint: StableMint,
    /// StableMint's widget script, if configured.
    pub widget_script: Option<WidgetScript>,
    /// The deadline for one call to StableMint, its retries included.
    pub call_timeout: Duration,
    /// The time source (see [`Clock`]).
    pub clock: Clock,
}

impl Config {
    /// Orders in `db`, sessions from `stablemint`, listening on `127.0.0.1:3000`, no
    /// widget script, 20 s per call, the system clock.
    pub fn new(db: impl Into<PathBuf>, stablemint: StableMint) -> Config {
        Config {
            db: db.into(),
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 3000)),
            stablemint,
            widget_script: None,
            call_timeout: Duration::from_secs(20),
            clock: Arc::new(SystemTime::now),
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("db", &self.db)
            .field("addr", &self.addr)
            .field("stablemint", &self.stablemint)
            .field("widget_script", &self.widget_script)
            .field("call_timeout", &self.call_timeout)
            .finish_non_exhaustive()
    }
}

/// Where sessions come from.
#[derive(Clone, Debug)]
pub enum StableMint {
    /// `stablemint-mock`, started in this process.
    Sandbox(SandboxOptions),
    /// A StableMint server: the real API, or a sandbox elsewhere.
    Remote {
        /// Its base URL.
        base_url: String,
        /// The API key and secret.
        credentials: Credentials,
    },
}

impl StableMint {
    /// From the environment: [`StableMint::Remote`] when `STABLEMINT_API_KEY` and
    /// `STABLEMINT_API_SECRET` are set (to `STABLEMINT_BASE_URL`, or production), else a
    /// sandbox with made-up credentials.
    pub fn from_env() -> Result<StableMint, ConfigError> {
        Self::from_vars(|name| std::env::var_os(name).map(|v| v.into_string()))
    }

    /// As [`from_env`](Self::from_env), reading variables with `var`: `None` when unset,
    /// `Some(Err)` when not UTF-8.
    pub fn from_vars(
        var: impl Fn(&str) -> Option<Result<String, std::ffi::OsString>>,
    ) -> Result<StableMint, ConfigError> {
        let read = |name: &'static str| match var(name) {
            None => Ok(None),
            Some(Ok(value)) if value.is_empty() => Ok(None),
            Some(Ok(value)) => Ok(Some(value)),
            Some(Err(_)) => Err(ConfigError::NotUnicode(name)),
        };
        let key = read(API_KEY_VAR)?;
        let secret = read(API_SECRET_VAR)?;
        let base_url = read(BASE_URL_VAR)?;
        match (key, secret) {
            (Some(key), Some(secret)) => Ok(StableMint::Remote {
                base_url: base_url.unwrap_or_else(|| PRODUCTION_URL.to_owned()),
                credentials: Credentials::new(key, secret),
            }),
            (None, None) if base_url.is_some() => Err(ConfigError::BaseUrlWithoutCredentials),
            (None, None) => Ok(StableMint::Sandbox(SandboxOptions::new())),
            (Some(_), None) => Err(ConfigError::Missing(API_SECRET_VAR, API_KEY_VAR)),
            (None, Some(_)) => Err(ConfigError::Missing(API_KEY_VAR, API_SECRET_VAR)),
        }
    }
}

/// StableMint's widget script: where the page loads it from, and the origin the page's
/// Content-Security-Policy allows for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WidgetScript {
    url: String,
    origin: String,
}

impl WidgetScript {
    /// Checks `url`: an absolute `https` URL (or `http` to this machine, for tests),
    /// without user name or password.
    pub fn parse(url: &str) -> Result<WidgetScript, ConfigError> {
        let bad = |why: &'static str| ConfigError::WidgetUrl(why);
        let uri: http::Uri = url.parse().map_err(|_| {
            bad("it is not a URL; give one such as https://widget.example.com/widget.js")
        })?;
        const ABSOLUTE: &str =
            "it is not an absolute URL; give one such as https://widget.example.com/widget.js";
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return Err(bad(ABSOLUTE));
        };
        if authority.as_str().contains('@') {
            return Err(bad("it has a user name or password in it; remove them"));
        }
        let host = authority.host().to_ascii_lowercase();
        let plain_host = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'));
        if !plain_host {
            return Err(bad("its host has characters a host name cannot have"));
        }
        let loopback = host == "localhost"
            || host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        let scheme = match scheme {
            "https" => "https",
            "http" if loopback => "http",
            "http" => {
                return Err(bad(
                    "it uses plain http to another machine; use https (http is allowed to localhost only)",
                ));
            }
            _ => return Err(bad("its scheme is not https; use an https URL")),
        };
        let origin = match authority.port_u16() {
            Some(port) => format!("{scheme}://{host}:{port}"),
            None => format!("{scheme}://{host}"),
        };
        Ok(WidgetScript {
            url: url.to_owned(),
            origin,
        })
    }

    /// The script's URL, as given.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The script's origin: scheme, host and port.
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

/// A setting that cannot be used; the message names the setting and the fix.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// One of the two credentials is set without the other.
    #[error(
        "{0} is not set, but {1} is: set both to use StableMint, or neither to use the in-process sandbox"
    )]
    Missing(&'static str, &'static str),
    /// A base URL without credentials.
    #[error(
        "STABLEMINT_BASE_URL is set, but STABLEMINT_API_KEY and STABLEMINT_API_SECRET are not: \
         set them too, or unset STABLEMINT_BASE_URL to use the in-process sandbox"
    )]
    BaseUrlWithoutCredentials,
    /// A variable that is not UTF-8.
    #[error("{0} is not valid UTF-8: set it again as plain text")]
    NotUnicode(&'static str),
    /// The widget script's URL cannot be used.
    #[error("--widget-script-url cannot be used: {0}")]
    WidgetUrl(&'static str),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(set: &[(&str, &str)]) -> Result<StableMint, ConfigError> {
        let set: Vec<(String, String)> = set
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        StableMint::from_vars(|name| {
            set.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| Ok(v.clone()))
        })
    }

    #[test]
    fn credentials_choose_the_server() {
        assert!(matches!(vars(&[]), Ok(StableMint::Sandbox(_))));
        let remote = vars(&[(API_KEY_VAR, "pk_1"), (API_SECRET_VAR, "sk_1")]).unwrap();
        let StableMint::Remote { base_url, .. } = remote else {
            panic!("{remote:?}");
        };
        assert_eq!(base_url, PRODUCTION_URL);
        let remote = vars(&[
            (API_KEY_VAR, "pk_1"),
            (API_SECRET_VAR, "sk_1"),
            (BASE_URL_VAR, "http://127.0.0.1:8080"),
        ])
        .unwrap();
        let debug = format!("{remote:?}");
        assert!(debug.contains("http://127.0.0.1:8080"), "{debug}");
        assert!(!debug.contains("sk_1"), "{debug}");
    }

    #[test]
    fn half_a_configuration_is_refused_with_its_fix() {
        assert_eq!(
            vars(&[(API_KEY_VAR, "pk_1")]).unwrap_err(),
            ConfigError::Missing(API_SECRET_VAR, API_KEY_VAR)
        );
        assert_eq!(
            vars(&[(API_SECRET_VAR, "sk_1")]).unwrap_err(),
            ConfigError::Missing(API_KEY_VAR, API_SECRET_VAR)
        );
        let error = vars(&[(BASE_URL_VAR, "https://example.com")]).unwrap_err();
        assert_eq!(error, ConfigError::BaseUrlWithoutCredentials);
        assert!(error.to_string().contains("unset STABLEMINT_BASE_URL"));
        let not_unicode = StableMint::from_vars(|name| {
            (name == API_KEY_VAR).then(|| Err(std::ffi::OsString::from("x")))
        });
        assert_eq!(
            not_unicode.unwrap_err(),
            ConfigError::NotUnicode(API_KEY_VAR)
        );
    }

    #[test]
    fn the_widget_origin_is_scheme_host_and_port() {
        let widget = WidgetScript::parse("https://Widget.Example.com/v1/widget.js?x=1").unwrap();
        assert_eq!(widget.origin(), "https://widget.example.com");
        assert_eq!(widget.url(), "https://Widget.Example.com/v1/widget.js?x=1");
        let local = WidgetScript::parse("http://127.0.0.1:4000/widget.js").unwrap();
        assert_eq!(local.origin(), "http://127.0.0.1:4000");
        assert_eq!(
            WidgetScript::parse("http://[::1]:9/w.js").unwrap().origin(),
            "http://[::1]:9"
        );
    }

    #[test]
    fn unusable_widget_urls_are_refused() {
        for (url, why) in [
            ("widget.js", "not an absolute URL"),
            ("/widget.js", "not an absolute URL"),
            ("http://cdn.example.com/w.js", "plain http"),
            ("ftp://cdn.example.com/w.js", "not https"),
            ("https://user:pw@cdn.example.com/w.js", "user name"),
            ("https://a;b.example.com/w.js", "host has characters"),
            ("https://cdn.example.com/w.js'; script-src *", "not a URL"),
            ("", "not a URL"),
        ] {
            let error = WidgetScript::parse(url).unwrap_err().to_string();
            assert!(error.contains(why), "{url}: {error}");
            assert!(error.starts_with("--widget-script-url"), "{error}");
        }
    }
}
