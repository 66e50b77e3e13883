//! Headless Chromium through chromedriver: starting both, and the few things the cases
//! do with the page.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use bytes::Bytes;
use fantoccini::elements::Element;
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use tokio::process::{Child, Command};

/// What a step returns: the value, or what went wrong in words.
pub type Outcome<T> = Result<T, String>;

/// Turns any error into the step's message.
pub trait Context<T> {
    /// The error, prefixed with what was being done.
    fn doing(self, what: &str) -> Outcome<T>;
}

impl<T, E: std::fmt::Display> Context<T> for Result<T, E> {
    fn doing(self, what: &str) -> Outcome<T> {
        self.map_err(|error| format!("{what}: {error}"))
    }
}

/// How long a wait for the page may take before the step fails.
pub const PATIENCE: Duration = Duration::from_secs(15);

/// Chromium's flags: headless, and without the background traffic (updates, sync,
/// safe browsing, QUIC) that would flood a machine with no network.
const CHROMIUM_FLAGS: [&str; 11] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=900,1000",
    "--lang=en-US",
];

/// chromedriver, with a browser session open, and the screenshots taken so far.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
    shots: PathBuf,
    shot_count: usize,
}

impl Browser {
    /// Starts `chromedriver` on a free port and opens a session of `chromium` with a
    /// fresh profile; screenshots go to `shots`.
    pub async fn start(chromedriver: &Path, chromium: &Path, shots: PathBuf) -> Outcome<Browser> {
        let port = free_port()?;
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .doing(&format!("starting {}", chromedriver.display()))?;
        let url = format!("http://127.0.0.1:{port}");
        wait_until_ready(&url).await?;

        let profile = tempfile::tempdir().doing("making a Chromium profile directory")?;
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|s| (*s).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let mut capabilities = Capabilities::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": chromium, "args": args }),
        );
        // The console, CSP violations included, is read back through the log.
        capabilities.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&url)
            .await
            .doing("opening a Chromium session through chromedriver")?;
        std::fs::create_dir_all(&shots).doing("creating the screenshot directory")?;
        // Screenshots of an earlier run would be mistaken for this one's.
        for entry in std::fs::read_dir(&shots).doing("listing the screenshot directory")? {
            let path = entry.doing("listing the screenshot directory")?.path();
            if path.extension().is_some_and(|e| e == "png") {
                std::fs::remove_file(&path).doing(&format!("removing {}", path.display()))?;
            }
        }
        Ok(Browser {
            client,
            driver,
            _profile: profile,
            shots,
            shot_count: 0,
        })
    }

    /// Closes the session and stops chromedriver.
    pub async fn close(mut self) {
        let _ = self.client.close().await;
        let _ = self.driver.start_kill();
        let _ = self.driver.wait().await;
    }

    /// Saves a screenshot as `NN-name.png` and returns its path.
    pub async fn shot(&mut self, name: &str) -> Outcome<PathBuf> {
        self.shot_count += 1;
        let png = self
            .client
            .screenshot()
            .await
            .doing("taking a screenshot")?;
        let path = self
            .shots
            .join(format!("{:02}-{name}.png", self.shot_count));
        std::fs::write(&path, png).doing(&format!("writing {}", path.display()))?;
        Ok(path)
    }

    /// Opens `url` and waits for the catalog.
    pub async fn open(&self, url: &str) -> Outcome<()> {
        self.client.goto(url).await.doing("opening the page")?;
        self.wait_visible("#make-order").await.map(|_| ())
    }

    /// The element at `css`.
    pub async fn find(&self, css: &str) -> Outcome<Element> {
        self.client
            .find(Locator::Css(css))
            .await
            .doing(&format!("finding {css}"))
    }

    /// Sets the quantity of each product of `cart` (by product id), clicks "Review
    /// order" and waits for the order the server made; returns its id.
    pub async fn order(&self, cart: &[(&str, u32)]) -> Outcome<String> {
        for (product, quantity) in cart {
            let css = format!("#qty-{product}");
            let input = self.find(&css).await?;
            input.clear().await.doing(&format!("clearing {css}"))?;
            input
                .send_keys(&quantity.to_string())
                .await
                .doing(&format!("typing into {css}"))?;
        }
        self.click("#make-order").await?;
        self.wait_visible("#order").await?;
        self.wait_text("#order-id", |id| id.starts_with("ord_"))
            .await
    }

    /// Types the payment form's fields.
    pub async fn fill(&self, email: &str, country: &str) -> Outcome<()> {
        for (css, value) in [("#userEmail", email), ("#userCountryCode", country)] {
            let input = self.find(css).await?;
            input.clear().await.doing(&format!("clearing {css}"))?;
            input
                .send_keys(value)
                .await
                .doing(&format!("typing into {css}"))?;
        }
        Ok(())
    }

    /// Whether the element at `css` is displayed.
    pub async fn visible(&self, css: &str) -> Outcome<bool> {
        self.find(css)
            .await?
            .is_displayed()
            .await
            .doing(&format!("checking whether {css} is displayed"))
    }

    /// Whether the element at `css` is enabled.
    pub async fn enabled(&self, css: &str) -> Outcome<bool> {
        self.find(css)
            .await?
            .is_enabled()
            .await
            .doing(&format!("checking whether {css} is enabled"))
    }

    /// Clicks the element at `css`.
    pub async fn click(&self, css: &str) -> Outcome<()> {
        self.find(css)
            .await?
            .click()
            .await
            .doing(&format!("clicking {css}"))
    }

    /// Waits until the element at `css` is displayed, and returns it.
    pub async fn wait_visible(&self, css: &str) -> Outcome<Element> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && element.is_displayed().await.unwrap_or(false)
            {
                return Ok(element);
            }
            if Instant::now() > deadline {
                return Err(format!("{css} was not displayed within {PATIENCE:?}"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the text of `css` satisfies `test`, and returns it.
    pub async fn wait_text(&self, css: &str, test: impl Fn(&str) -> bool) -> Outcome<String> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let text = self.text(css).await?;
            if test(&text) {
                return Ok(text);
            }
            if Instant::now() > deadline {
                return Err(format!("{css} still reads {text:?} after {PATIENCE:?}"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The rendered text of the element at `css`.
    pub async fn text(&self, css: &str) -> Outcome<String> {
        self.find(css)
            .await?
            .text()
            .await
            .doing(&format!("reading the text of {css}"))
    }

    /// Runs `script` in the page and returns its result.
    pub async fn run(&self, script: &str) -> Outcome<Value> {
        self.client
            .execute(script, Vec::new())
            .await
            .doing("running a script in the page")
    }

    /// Runs `script` in the page as an asynchronous script: it gets a callback as its
    /// last argument and calls it with its result.
    pub async fn run_async(&self, script: &str) -> Outcome<Value> {
        self.client
            .execute_async(script, Vec::new())
            .await
            .doing("running an asynchronous script in the page")
    }

    /// The browser console's entries since the last call (chromedriver hands each entry
    /// out once).
    pub async fn console(&self) -> Outcome<Vec<String>> {
        let entries = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .doing("reading the browser log")?;
        Ok(entries
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|entry| {
                        format!(
                            "{} {}",
                            entry["level"].as_str().unwrap_or("?"),
                            entry["message"].as_str().unwrap_or("")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default())
    }
}

/// chromedriver's `POST /session/{id}/se/log` with type `browser`: the console entries
/// that `goog:loggingPrefs` asked it to keep.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.to_owned()))
    }
}

/// Whether a console entry reports a Content-Security-Policy violation.
pub fn is_csp_violation(entry: &str) -> bool {
    entry.contains("Content Security Policy")
}

/// A port nobody listens on now.
fn free_port() -> Outcome<u16> {
    let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .doing("finding a free port")?;
    Ok(listener.local_addr().doing("finding a free port")?.port())
}

/// A plain HTTP client for this machine's servers.
pub fn http() -> HttpClient<HttpConnector, Empty<Bytes>> {
    HttpClient::builder(TokioExecutor::new()).build_http()
}

/// The most of a body [`get`] reads.
const MAX_BODY: usize = 1024 * 1024;

/// `GET url`: the status, the headers and the body (at most 1 MiB).
pub async fn get(url: &str) -> Outcome<(http::StatusCode, http::HeaderMap, String)> {
    let uri: http::Uri = url.parse().doing(&format!("parsing {url}"))?;
    let response = tokio::time::timeout(PATIENCE, http().get(uri))
        .await
        .doing(&format!("GET {url}"))?
        .doing(&format!("GET {url}"))?;
    let (parts, body) = response.into_parts();
    let body = Limited::new(body, MAX_BODY)
        .collect()
        .await
        .doing(&format!("reading GET {url}"))?
        .to_bytes();
    Ok((
        parts.status,
        parts.headers,
        String::from_utf8_lossy(&body).into_owned(),
    ))
}

/// Waits for chromedriver's `/status` to say it is ready.
async fn wait_until_ready(url: &str) -> Outcome<()> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok((status, _, body)) = get(&format!("{url}/status")).await
            && status.is_success()
            && serde_json::from_str::<Value>(&body)
                .is_ok_and(|status| status["value"]["ready"] == true)
        {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err("chromedriver did not get ready within 20 s".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
