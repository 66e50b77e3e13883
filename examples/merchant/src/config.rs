//! What the server is told at start: [`Config`], where sessions come from
//! ([`StableMint`]), which origins the browser may use ([`PublicOrigin`]), and the
//! widget's script ([`WidgetScript`]).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

#[cfg(feature = "sandbox")]
use crate::payments::SandboxOptions;
use crate::payments::{Credentials, PRODUCTION_URL};
use crate::store::{Database, PoolSettings};
use crate::support::Secrets;

/// The time source of the server: when a stored session counts as expired, the time
/// requests to StableMint are signed with, and the sandbox's clock. Tests move it.
pub type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// The environment variable with the API key.
pub const API_KEY_VAR: &str = "STABLEMINT_API_KEY";
/// The environment variable with the API secret.
pub const API_SECRET_VAR: &str = "STABLEMINT_API_SECRET";
/// The environment variable with the API's base URL.
pub const BASE_URL_VAR: &str = "STABLEMINT_BASE_URL";

/// The variables that mean production: setting any of them, even to nothing, turns the
/// sandbox off.
pub const PRODUCTION_VARS: [&str; 3] = [API_KEY_VAR, API_SECRET_VAR, BASE_URL_VAR];

/// How the server starts.
#[derive(Clone)]
pub struct Config {
    /// Where the orders are.
    pub database: Database,
    /// The database pool, and how long a request may wait for the database.
    pub pool: PoolSettings,
    /// Where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Origins the shop is also reached at (behind a proxy or a load balancer), besides
    /// the listen address.
    pub public_origins: Vec<PublicOrigin>,
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
    /// Orders in `database`, sessions from `stablemint`, listening on `127.0.0.1:3000`
    /// and reached there only, no widget script, 20 s per call, the default pool, the
    /// system clock.
    pub fn new(database: Database, stablemint: StableMint) -> Config {
        Config {
            database,
            pool: PoolSettings::default(),
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 3000)),
            public_origins: Vec::new(),
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
            .field("database", &self.database)
            .field("pool", &self.pool)
            .field("addr", &self.addr)
            .field("public_origins", &self.public_origins)
            .field("stablemint", &self.stablemint)
            .field("widget_script", &self.widget_script)
            .field("call_timeout", &self.call_timeout)
            .finish_non_exhaustive()
    }
}

/// Where sessions come from.
#[derive(Clone, Debug)]
pub enum StableMint {
    /// `stablemint-mock`, started in this process: no money moves, and the page says
    /// so. Only with the `sandbox` feature (on by default).
    #[cfg(feature = "sandbox")]
    Sandbox(SandboxOptions),
    /// A StableMint server: the real API, or a sandbox elsewhere.
    Remote {
        /// Its base URL.
        base_url: String,
        /// The API key and secret.
        credentials: Credentials,
        /// The key and secret again, to take out of anything logged.
        secrets: Secrets,
    },
}

impl StableMint {
    /// The StableMint at `base_url` with this key and secret.
    pub fn remote(base_url: &str, api_key: &str, api_secret: &str) -> StableMint {
        StableMint::Remote {
            base_url: base_url.to_owned(),
            credentials: Credentials::new(api_key, api_secret),
            secrets: Secrets::new([api_key, api_secret]),
        }
    }

    /// Whether this is the in-process sandbox.
    pub fn is_sandbox(&self) -> bool {
        !matches!(self, StableMint::Remote { .. })
    }

    /// From the environment. No `STABLEMINT_*` variable at all: the in-process sandbox
    /// (with the `sandbox` feature). Any of them set, even to nothing: production, which
    /// needs `STABLEMINT_API_KEY` and `STABLEMINT_API_SECRET` (and takes
    /// `STABLEMINT_BASE_URL`, StableMint's production URL by default); an incomplete
    /// set is an error, never a fall-back to the sandbox.
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
            Some(Ok(value)) => Ok(Some(value)),
            Some(Err(_)) => Err(ConfigError::NotUnicode(name)),
        };
        let key = read(API_KEY_VAR)?;
        let secret = read(API_SECRET_VAR)?;
        let base_url = read(BASE_URL_VAR)?;
        if key.is_none() && secret.is_none() && base_url.is_none() {
            #[cfg(feature = "sandbox")]
            return Ok(StableMint::Sandbox(SandboxOptions::new()));
            #[cfg(not(feature = "sandbox"))]
            return Err(ConfigError::NoSandbox);
        }
        let set: Vec<&'static str> = [(API_KEY_VAR, &key), (API_SECRET_VAR, &secret)]
            .into_iter()
            .filter(|(_, value)| value.as_deref().is_some_and(|v| !v.is_empty()))
            .map(|(name, _)| name)
            .collect();
        let missing: Vec<&'static str> = [(API_KEY_VAR, &key), (API_SECRET_VAR, &secret)]
            .into_iter()
            .filter(|(_, value)| value.as_deref().is_none_or(str::is_empty))
            .map(|(name, _)| name)
            .collect();
        if !missing.is_empty() {
            let mut given: Vec<&'static str> = set;
            if base_url.is_some() {
                given.push(BASE_URL_VAR);
            }
            return Err(ConfigError::Incomplete { missing, given });
        }
        let base_url = match base_url {
            Some(url) if url.is_empty() => return Err(ConfigError::EmptyBaseUrl),
            Some(url) => url,
            None => PRODUCTION_URL.to_owned(),
        };
        let (key, secret) = (key.unwrap_or_default(), secret.unwrap_or_default());
        Ok(StableMint::remote(&base_url, &key, &secret))
    }
}

/// An origin the browser reaches the shop at, besides the listen address: scheme, host
/// and port, as `--public-origin https://shop.example.com` gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicOrigin {
    origin: String,
    hosts: Vec<String>,
    https: bool,
}

impl PublicOrigin {
    /// Checks `text`: `http` or `https`, a host, an optional port, and nothing else (no
    /// path, no user name).
    pub fn parse(text: &str) -> Result<PublicOrigin, ConfigError> {
        let bad = ConfigError::PublicOrigin;
        let uri: http::Uri = text
            .parse()
            .map_err(|_| bad("it is not a URL; give one such as https://shop.example.com"))?;
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return Err(bad(
                "give the scheme and the host, such as https://shop.example.com",
            ));
        };
        if authority.as_str().contains('@') {
            return Err(bad("it has a user name or password in it; remove them"));
        }
        if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
            return Err(bad(
                "an origin has no path or query; give only https://host[:port]",
            ));
        }
        let https = match scheme {
            "https" => true,
            "http" => false,
            _ => return Err(bad("its scheme is neither http nor https")),
        };
        let host = authority.host().to_ascii_lowercase();
        if host.is_empty()
            || !host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'))
        {
            return Err(bad("its host has characters a host name cannot have"));
        }
        let default_port = if https { 443 } else { 80 };
        let port = authority.port_u16().unwrap_or(default_port);
        let origin = if port == default_port {
            format!("{scheme}://{host}")
        } else {
            format!("{scheme}://{host}:{port}")
        };
        let mut hosts = vec![format!("{host}:{port}")];
        if port == default_port {
            hosts.push(host.clone());
        }
        Ok(PublicOrigin {
            origin,
            hosts,
            https,
        })
    }

    /// The origin as a browser sends it in `Origin`: `https://shop.example.com`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The `Host` header values that name it.
    pub fn hosts(&self) -> &[String] {
        &self.hosts
    }

    /// Whether it is served over https.
    pub fn is_https(&self) -> bool {
        self.https
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
    /// Some `STABLEMINT_*` variables are set, but not the two that production needs.
    #[error(
        "{} {} not set (or empty), but {} {}: a STABLEMINT_* variable means production, which \
         needs both STABLEMINT_API_KEY and STABLEMINT_API_SECRET; set {}, or unset every \
         STABLEMINT_* variable to run the in-process sandbox",
        missing.join(" and "),
        if missing.len() == 1 { "is" } else { "are" },
        given.join(" and "),
        if given.len() == 1 { "is" } else { "are" },
        missing.join(" and ")
    )]
    Incomplete {
        /// The variables production needs that are missing.
        missing: Vec<&'static str>,
        /// The `STABLEMINT_*` variables that are set.
        given: Vec<&'static str>,
    },
    /// `STABLEMINT_BASE_URL` is set to nothing.
    #[error(
        "STABLEMINT_BASE_URL is set but empty: give StableMint's URL, or unset it for the \
         production URL"
    )]
    EmptyBaseUrl,
    /// Neither credentials nor a sandbox in this build.
    #[error(
        "STABLEMINT_API_KEY and STABLEMINT_API_SECRET are not set, and this build has no \
         sandbox (it was built without the `sandbox` feature): set them to use StableMint"
    )]
    NoSandbox,
    /// A variable that is not UTF-8.
    #[error("{0} is not valid UTF-8: set it again as plain text")]
    NotUnicode(&'static str),
    /// The widget script's URL cannot be used.
    #[error("--widget-script-url cannot be used: {0}")]
    WidgetUrl(&'static str),
    /// A public origin cannot be used.
    #[error("--public-origin cannot be used: {0}")]
    PublicOrigin(&'static str),
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
    fn credentials_choose_the_server_and_no_variable_means_the_sandbox() {
        #[cfg(feature = "sandbox")]
        assert!(matches!(vars(&[]), Ok(StableMint::Sandbox(_))));
        #[cfg(not(feature = "sandbox"))]
        assert_eq!(vars(&[]).unwrap_err(), ConfigError::NoSandbox);
        let remote = vars(&[(API_KEY_VAR, "pk_1"), (API_SECRET_VAR, "sk_1")]).unwrap();
        assert!(!remote.is_sandbox());
        #[allow(irrefutable_let_patterns)] // without the sandbox feature
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
    fn any_stablemint_variable_means_production_and_half_a_set_is_refused() {
        let incomplete =
            |missing: &[&'static str], given: &[&'static str]| ConfigError::Incomplete {
                missing: missing.to_vec(),
                given: given.to_vec(),
            };
        assert_eq!(
            vars(&[(API_KEY_VAR, "pk_1")]).unwrap_err(),
            incomplete(&[API_SECRET_VAR], &[API_KEY_VAR])
        );
        assert_eq!(
            vars(&[(API_SECRET_VAR, "sk_1")]).unwrap_err(),
            incomplete(&[API_KEY_VAR], &[API_SECRET_VAR])
        );
        // A base URL alone, or a credential set to nothing, is production too: never
        // the sandbox.
        let error = vars(&[(BASE_URL_VAR, "https://example.com")]).unwrap_err();
        assert_eq!(
            error,
            incomplete(&[API_KEY_VAR, API_SECRET_VAR], &[BASE_URL_VAR])
        );
        let message = error.to_string();
        assert!(
            message.starts_with(
                "STABLEMINT_API_KEY and STABLEMINT_API_SECRET are not set (or empty), but \
                 STABLEMINT_BASE_URL is: a STABLEMINT_* variable means production"
            ),
            "{message}"
        );
        assert!(
            message.contains("unset every STABLEMINT_* variable"),
            "{message}"
        );
        assert_eq!(
            vars(&[(API_KEY_VAR, ""), (API_SECRET_VAR, "")]).unwrap_err(),
            incomplete(&[API_KEY_VAR, API_SECRET_VAR], &[])
        );
        assert_eq!(
            vars(&[
                (API_KEY_VAR, "pk"),
                (API_SECRET_VAR, "sk"),
                (BASE_URL_VAR, "")
            ])
            .unwrap_err(),
            ConfigError::EmptyBaseUrl
        );
        let not_unicode = StableMint::from_vars(|name| {
            (name == API_KEY_VAR).then(|| Err(std::ffi::OsString::from("x")))
        });
        assert_eq!(
            not_unicode.unwrap_err(),
            ConfigError::NotUnicode(API_KEY_VAR)
        );
    }

    #[test]
    fn public_origins_give_the_origin_and_its_host_headers() {
        let shop = PublicOrigin::parse("https://Shop.Example.com").unwrap();
        assert_eq!(shop.origin(), "https://shop.example.com");
        assert_eq!(shop.hosts(), ["shop.example.com:443", "shop.example.com"]);
        assert!(shop.is_https());
        let local = PublicOrigin::parse("http://127.0.0.1:8080/").unwrap();
        assert_eq!(local.origin(), "http://127.0.0.1:8080");
        assert_eq!(local.hosts(), ["127.0.0.1:8080"]);
        assert!(!local.is_https());
        for (text, why) in [
            ("shop.example.com", "scheme and the host"),
            ("https://shop.example.com/checkout", "no path"),
            ("https://a@shop.example.com", "user name"),
            ("ftp://shop.example.com", "neither http nor https"),
            ("", "not a URL"),
        ] {
            let error = PublicOrigin::parse(text).unwrap_err().to_string();
            assert!(error.contains(why), "{text}: {error}");
        }
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
