//! `stablemint`: sign, validate and create StableMint embedded sessions from the command
//! line, and run a local mock server for offline development.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use stablemint::{Client, Credentials, Error};
use stablemint_mock::{MockConfig, MockServer};

const EXIT_CODES: &str = "\
Exit codes:
  0  success (for `validate`: the request is valid)
  1  the request is invalid (validation failed; nothing was sent)
  2  usage or configuration error (bad arguments, missing environment variable,
     unreadable file, refused base URL)
  3  StableMint answered with an error status (the status and the server's message
     are printed)
  4  StableMint could not be reached, or its answer could not be decoded";

/// Work with the StableMint payment API.
#[derive(Parser)]
#[command(name = "stablemint", version, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the signature header for a timestamp and user id.
    ///
    /// The secret is read from STABLEMINT_API_SECRET, never from the command line, so it
    /// stays out of shell history and process listings.
    #[command(after_help = EXIT_CODES)]
    Sign {
        /// The Unix timestamp (seconds) sent in the `timestamp` header.
        #[arg(long)]
        timestamp: u64,
        /// The request body's `userId`.
        #[arg(long)]
        user_id: String,
    },
    /// Check a request body (JSON) against the API's rules without sending it.
    ///
    /// Prints each problem as `pointer: message (code)`. Values are never printed.
    #[command(after_help = EXIT_CODES)]
    Validate {
        /// The request body: a file path, or `-` for standard input.
        file: PathBuf,
    },
    /// Sessions.
    #[command(subcommand)]
    Session(SessionCommand),
    /// Run a local StableMint mock server until Ctrl-C.
    ///
    /// It verifies api_key, timestamp and signature like the real service, validates
    /// bodies, and honours idempotency keys. It prints `export` lines for its URL, key
    /// and secret, and logs one line per request on stderr: method, path, status, error
    /// code, latency and request id (never a header value or a body).
    #[command(after_help = EXIT_CODES)]
    Mock(MockArgs),
}

#[derive(Subcommand)]
enum SessionCommand {
    /// Create an embedded session from a request body (JSON) and print the response.
    ///
    /// Credentials come from STABLEMINT_API_KEY and STABLEMINT_API_SECRET.
    #[command(after_help = EXIT_CODES)]
    Create {
        /// The request body: a file path, or `-` for standard input.
        file: PathBuf,
        /// The API base URL [default: STABLEMINT_BASE_URL, else production].
        #[arg(long, env = "STABLEMINT_BASE_URL")]
        base_url: Option<String>,
    },
}

#[derive(Args)]
struct MockArgs {
    /// The port to listen on (127.0.0.1 only); 0 picks a free one.
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The API key the mock accepts.
    #[arg(long, default_value = "mock_api_key", requires = "api_secret")]
    api_key: String,
    /// The API secret the mock verifies signatures with.
    #[arg(long, default_value = "mock_api_secret", requires = "api_key")]
    api_secret: String,
    /// How long an idempotency key is remembered, in seconds; a request with an expired
    /// key creates a new session.
    #[arg(long, value_name = "SECONDS", default_value_t = 86_400)]
    idempotency_ttl: u64,
    /// The most idempotency keys remembered at once; past it, the oldest is forgotten.
    #[arg(long, value_name = "COUNT", default_value_t = 100_000)]
    max_idempotency_keys: usize,
    /// Do not print a line per request on stderr.
    #[arg(short, long)]
    quiet: bool,
}

/// A failure with its exit code; the message goes to stderr.
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn usage(message: impl Into<String>) -> Self {
        Self {
            code: 2,
            message: message.into(),
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        let code = match &error {
            Error::Validation(_) => 1,
            Error::Config(_) => 2,
            Error::Api { .. } => 3,
            _ => 4,
        };
        Self {
            code,
            message: error.to_string(),
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Sign { timestamp, user_id } => sign(timestamp, &user_id),
        Command::Validate { file } => validate(&file),
        Command::Session(SessionCommand::Create { file, base_url }) => {
            create_session(&file, base_url.as_deref()).await
        }
        Command::Mock(args) => mock(args).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

fn env(name: &str) -> Result<String, Failure> {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Ok(value),
        _ => Err(Failure::usage(format!(
            "error: set the environment variable {name}"
        ))),
    }
}

fn read_input(file: &PathBuf) -> Result<String, Failure> {
    let mut text = String::new();
    let read = if file.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(file).map(|t| text = t)
    };
    read.map_err(|e| Failure::usage(format!("error: cannot read {}: {e}", file.display())))?;
    Ok(text)
}

fn sign(timestamp: u64, user_id: &str) -> Result<(), Failure> {
    let secret = env("STABLEMINT_API_SECRET")?;
    println!("{}", stablemint::signature(timestamp, &secret, user_id));
    Ok(())
}

fn validate(file: &PathBuf) -> Result<(), Failure> {
    let text = read_input(file)?;
    match stablemint::request_from_json(&text) {
        Ok(_) => {
            println!("valid");
            Ok(())
        }
        Err(errors) => Err(Failure {
            code: 1,
            message: errors.to_string(),
        }),
    }
}

async fn create_session(file: &PathBuf, base_url: Option<&str>) -> Result<(), Failure> {
    let credentials = Credentials::new(env("STABLEMINT_API_KEY")?, env("STABLEMINT_API_SECRET")?);
    let text = read_input(file)?;
    let request = stablemint::request_from_json(&text).map_err(Error::Validation)?;
    let mut builder = Client::builder(credentials);
    if let Some(url) = base_url {
        builder = builder.base_url(url);
    }
    let session = builder.build()?.create_embedded_session(&request).await?;
    let json = serde_json::to_string_pretty(&session.into_inner())
        .map_err(|e| Failure::usage(format!("error: cannot print the response: {e}")))?;
    println!("{json}");
    Ok(())
}

async fn mock(args: MockArgs) -> Result<(), Failure> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let mut config = MockConfig::new(args.api_key.clone(), args.api_secret.clone())
        .idempotency_ttl(Duration::from_secs(args.idempotency_ttl))
        .max_idempotency_keys(args.max_idempotency_keys);
    if !args.quiet {
        // Method, path, status, error code, latency and request id: no header value,
        // no body, nothing secret.
        // A closed stderr must not fail the request, so a failed write is ignored.
        // One write per line, so that concurrent requests' lines do not interleave.
        config = config.on_request(|request| {
            let _ = std::io::stderr().write_all(format!("{request}\n").as_bytes());
        });
    }
    let server = MockServer::start_on(config, addr)
        .await
        .map_err(|e| Failure::usage(format!("error: cannot listen on {addr}: {e}")))?;
    let url = server.base_url();
    say(&format!("StableMint mock listening on {url}"));
    say("Paste these lines into another shell to point the client and the CLI at it:");
    say(&format!(
        "  export STABLEMINT_BASE_URL={}",
        shell_quote(&url)
    ));
    say(&format!(
        "  export STABLEMINT_API_KEY={}",
        shell_quote(&args.api_key)
    ));
    say(&format!(
        "  export STABLEMINT_API_SECRET={}",
        shell_quote(&args.api_secret)
    ));
    if args.quiet {
        say("Press Ctrl-C to stop.");
    } else {
        say("Each request is logged on stderr (-q silences it). Press Ctrl-C to stop.");
    }
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| Failure::usage(format!("error: cannot wait for Ctrl-C: {e}")))?;
    server.shutdown().await;
    say("stopped");
    Ok(())
}

/// Prints a line of the mock's banner. A closed stdout (`stablemint mock | head -1`)
/// must not stop the server, so a failed write is ignored, where `println!` would panic.
fn say(line: &str) {
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// `value` as one word for a POSIX shell: as it is if it holds only characters no shell
/// treats specially, otherwise in single quotes (a `'` inside becomes `'\''`).
fn shell_quote(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.,:/@%+=".contains(&b));
    if plain {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    fn shell_words() {
        assert_eq!(shell_quote("mock_api_key"), "mock_api_key");
        assert_eq!(
            shell_quote("http://127.0.0.1:8080"),
            "http://127.0.0.1:8080"
        );
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("a b$c"), "'a b$c'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("~x"), "'~x'");
    }
}
