//! The servers the cases need besides the browser: the example app (in this process, on
//! free ports, each with its own database), a stand-in for the widget's origin, a
//! StableMint whose errors are hostile markup, one whose sessions never expire, and a
//! recorder in front of a sandbox that keeps what the shop sent.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::rt::TokioExecutor;
use merchant_example::payments::SandboxOptions;
use merchant_example::store::{self, PoolSettings};
use merchant_example::{Config, Running, StableMint, WidgetScript};
use serde_json::Value;
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

/// A StableMint that answers every call with a session whose `expiresAt` is
/// `expires_at`.
pub async fn fixed_session_stablemint(expires_at: i64) -> Outcome<Local> {
    let body = serde_json::json!({
        "sessionId": "6f1d2c3b-4a59-4c7a-9a3e-0b6f3a521f0e",
        "expiresAt": expires_at,
        "allowedPaymentMethods": [{"paymentMethod": 1}],
        "reference": "SM-FEEDFACECAFEBEEF",
    })
    .to_string();
    serve(Router::new().fallback(move || {
        let body = body.clone();
        async move { ([(header::CONTENT_TYPE, "application/json")], body) }
    }))
    .await
}

/// The bodies a [`recorder`] forwarded, as JSON.
pub type Recorded = Arc<Mutex<Vec<Value>>>;

/// A proxy in front of `target` (a sandbox) that keeps every request body it forwards:
/// what the shop really sent to StableMint.
pub async fn recorder(target: String) -> Outcome<(Local, Recorded)> {
    let recorded: Recorded = Arc::default();
    let kept = recorded.clone();
    let client = HttpClient::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let router = Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let kept = kept.clone();
            let client = client.clone();
            let target = target.clone();
            async move {
                kept.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(serde_json::from_slice(&body).unwrap_or(Value::Null));
                let path = uri.path_and_query().map_or("/", |p| p.as_str());
                let mut request = http::Request::builder()
                    .method(method)
                    .uri(format!("{target}{path}"));
                for (name, value) in &headers {
                    if name != header::HOST {
                        request = request.header(name, value);
                    }
                }
                let Ok(request) = request.body(Full::new(body)) else {
                    return StatusCode::BAD_GATEWAY.into_response();
                };
                let Ok(response) = client.request(request).await else {
                    return StatusCode::BAD_GATEWAY.into_response();
                };
                let (parts, body) = response.into_parts();
                let Ok(body) = Limited::new(body, 1024 * 1024).collect().await else {
                    return StatusCode::BAD_GATEWAY.into_response();
                };
                Response::from_parts(parts, axum::body::Body::from(body.to_bytes()))
            }
        },
    );
    Ok((serve(router).await?, recorded))
}

/// The app on a free port with a database in `dir`, the widget script from `widget`.
pub async fn app(
    dir: &std::path::Path,
    name: &str,
    stablemint: StableMint,
    widget: &WidgetScript,
) -> Outcome<Running> {
    let mut config = Config::new(store::sqlite(dir.join(format!("{name}.db"))), stablemint);
    config.addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    config.widget_script = Some(widget.clone());
    config.call_timeout = Duration::from_secs(10);
    // A locked database is answered within a second, for the busy case.
    config.pool = PoolSettings {
        wait: Duration::from_secs(1),
        ..PoolSettings::default()
    };
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

/// Made-up credentials of the browser test's own sandboxes and fake StableMints.
pub const KEY: &str = "browser_test_key";
/// See [`KEY`].
pub const SECRET: &str = "browser_test_secret_never_shown";

/// A StableMint at `url`, with made-up credentials.
pub fn remote(url: &str) -> StableMint {
    StableMint::remote(url, KEY, SECRET)
}
