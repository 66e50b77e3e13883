//! Creates one embedded session and prints it.
//!
//! ```sh
//! export STABLEMINT_API_KEY=...        # from the dashboard
//! export STABLEMINT_API_SECRET=...
//! export STABLEMINT_BASE_URL=http://127.0.0.1:8080   # optional; default: production
//! cargo run -p stablemint --example create_session
//! ```

use std::process::ExitCode;

use stablemint::{Client, Credentials, Error, types};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("set {name}"))
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let credentials = Credentials::new(env("STABLEMINT_API_KEY")?, env("STABLEMINT_API_SECRET")?);
    let mut builder = Client::builder(credentials);
    if let Ok(url) = std::env::var("STABLEMINT_BASE_URL") {
        builder = builder.base_url(&url);
    }
    let client = builder.build()?;

    let request: types::EmbeddedSessionRequest = types::EmbeddedSessionRequest::builder()
        .user_id("example-user-1")
        .user_email("jane.doe@example.com")
        .user_country_code("DE")
        .currency("EUR")
        .amount(25.0)
        .try_into()?;

    match client.create_embedded_session(&request).await {
        Ok(session) => {
            println!("sessionId: {}", session.session_id);
            println!(
                "reference: {}",
                stablemint::escape_controls(&session.reference)
            );
            println!("expiresAt: {}", session.expires_at_rfc3339());
            if let Some(key) = session.idempotency_key() {
                println!("idempotency key: {key}");
            }
            Ok(())
        }
        Err(Error::Validation(errors)) => {
            for error in &errors {
                eprintln!("{error}");
            }
            Err("the request is invalid".into())
        }
        Err(other) => {
            // After a timeout or a lost connection the session may exist already: send
            // the request again with this key, and StableMint answers with that session
            // instead of creating a second one.
            if let Some(key) = other.idempotency_key() {
                eprintln!("to retry safely, send the request again with idempotencyKey {key}");
            }
            Err(other.into())
        }
    }
}
