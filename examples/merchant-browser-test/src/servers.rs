//! The servers the cases need besides the browser: the example app (in this process, on
//! free ports, each with its own database), a stand-in for the widget's origin, and a
//! StableMint whose errors are hostile markup.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::routing::get;
use merchant_example::payments::{Credentials, SandboxOptions};
use merchant_example::{Config, Running, StableMint, WidgetScript};
use tokio::task::JoinHandle;

use crate::browser::{Context, Outcome};

/// What the stand-in widget script does: it only says it was loaded, so that a case can
/// tell the page's policy let it run. It is not StableMint's widget, whose API is not
/// documented.
pub const WIDGET_STUB: &str = "window.widgetScriptLoaded = true;\n";

/// The hostile error message the fake StableMint answers with.
pub const HOSTILE_MESSAGE: &str = "<img src=x onerror=alert(1)><b>bold</b>";

/// A server of this process on `127.0.0.1`, stopped when dropped.
pub struct Local {
    pub url: String,
    task: JoinHandle<()>,
}

impl Drop for Local {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(router: Router) -> Outcome<Local> {
    let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .doing("binding a local server")?;
    let url = format!(
        "http://{}",
        listener.local_addr().doing("reading a local address")?
    );
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok(Local { url, task })
}

/// Serves [`WIDGET_STUB`] at `/widget.js`: another origin than the app's (another
/// port), as StableMint's widget would be.
pub async fn widget_origin() -> Outcome<Local> {
    serve(Router::new().route(
        "/widget.js",
        get(|| async {
            (
                [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                WIDGET_STUB,
            )
        }),
    ))
    .await
}

/// A StableMint that answers every call 400 with [`HOSTILE_MESSAGE`].
pub async fn hostile_stablemint() -> Outcome<Local> {
    let body = serde_json::json!({ "message": HOSTILE_MESSAGE }).to_string();
    serve(Router::new().fallback(move || {
        let body = body.clone();
        async move {
            (
                StatusCode::BAD_REQUEST,
                [(header::CONTENT_TYPE, "application/json")],
                body,
            )
        }
    }))
    .await
}

/// The app on a free port with a database in `dir`, the widget script from `widget`.
pub async fn app(
    dir: &std::path::Path,
    name: &str,
    stablemint: StableMint,
    widget: &WidgetScript,
) -> Outcome<Running> {
    let mut config = Config::new(dir.join(format!("{name}.db")), stablemint);
    config.addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    config.widget_script = Some(widget.clone());
    config.call_timeout = Duration::from_secs(10);
    merchant_example::start(config)
        .await
        .doing(&format!("starting the {name} app"))
}

/// A sandbox whose sessions live `ttl`.
pub fn sandbox(ttl: Option<Duration>) -> StableMint {
    let mut options = SandboxOptions::new();
    options.session_ttl = ttl;
    StableMint::Sandbox(options)
}

/// A StableMint at `url`, with made-up credentials.
pub fn remote(url: &str) -> StableMint {
    StableMint::Remote {
        base_url: url.to_owned(),
        credentials: Credentials::new("browser_test_key", "browser_test_secret"),
    }
}
