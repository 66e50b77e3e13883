//! `stablemint`: sign, validate and create StableMint embedded sessions from the command
//! line, and run a local mock server for offline development.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::json;
use stablemint::{Client, Credentials, Error, ValidationErrors};
use stablemint_mock::{MockConfig, MockServer};

const EXIT_CODES: &str = "\
Exit codes:
  0  success (for `validate`: the request is valid)
  1  the request is invalid (validation failed; nothing was sent)
  2  usage or configuration error (bad arguments, missing environment variable,
     unreadable or oversized input, refused base URL)
  3  StableMint answered with an error status (the status and the server's message
     are printed)
  4  StableMint could not be reached, or its answer could not be read";

/// The largest request body read from a file or standard input. A request is a few
/// kilobytes; anything near this is a mistake (or `/dev/zero`).
const INPUT_LIMIT: u64 = 1024 * 1024;

/// The process's exit codes (see [`EXIT_CODES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exit {
    Invalid = 1,
    Usage = 2,
    Api = 3,
    Unreachable = 4,
}

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
        /// The Unix timestamp (seconds) sent in the `timestamp` header, in plain decimal
        /// digits exactly as sent (no sign, no leading zeros): the signature covers its
        /// text.
        #[arg(long, value_parser = canonical_timestamp)]
        timestamp: u64,
        /// The request body's `userId`.
        #[arg(long)]
        user_id: String,
    },
    /// Check a request body (JSON) against the API's rules without sending it.
    ///
    /// Reports every problem at once as `pointer: message (code)`. Values are never
    /// printed.
    #[command(after_help = EXIT_CODES)]
    Validate {
        /// The request body: a file path, or `-` for standard input (at most 1 MiB).
        file: PathBuf,
        /// How to print the result.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
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
    /// Create an embedded session from a request body (JSON) and print it.
    ///
    /// Credentials come from STABLEMINT_API_KEY and STABLEMINT_API_SECRET. The target is
    /// printed on stderr before anything is sent.
    #[command(after_help = EXIT_CODES)]
    Create {
        /// The request body: a file path, or `-` for standard input (at most 1 MiB).
        file: PathBuf,
        /// The API base URL [default: STABLEMINT_BASE_URL, else production].
        #[arg(long, env = "STABLEMINT_BASE_URL")]
        base_url: Option<String>,
        /// The limit for each attempt, in seconds.
        #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
        timeout: u64,
        /// How to print the result.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// How results and errors are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Lines for people; errors on stderr, each starting with `error:`.
    Text,
    /// One JSON document on stdout, errors included.
    Json,
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

/// A failure: its exit code, its message, and (for `--format json`) its JSON.
struct CommandError {
    exit: Exit,
    message: String,
    json: serde_json::Value,
}

impl CommandError {
    fn usage(message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            exit: Exit::Usage,
            json: json!({"error": {"kind": "usage", "message": message}}),
            message,
        }
    }

    fn invalid(errors: &ValidationErrors) -> Self {
        Self {
            exit: Exit::Invalid,
            message: format!("the request is invalid:\n{}", indented(errors)),
            json: json!({"valid": false, "errors": errors_json(errors)}),
        }
    }
}

impl From<Error> for CommandError {
    fn from(error: Error) -> Self {
        let (exit, kind) = match &error {
            Error::Validation(errors) => return CommandError::invalid(errors),
            Error::Config(_) => (Exit::Usage, "config"),
            Error::Api(_) => (Exit::Api, "api"),
            Error::Transport { .. } => (Exit::Unreachable, "transport"),
            Error::Deadline { .. } => (Exit::Unreachable, "deadline"),
            Error::ResponseTooLarge { .. } => (Exit::Unreachable, "response_too_large"),
            _ => (Exit::Unreachable, "decode"),
        };
        let mut message = error.to_string();
        if let Error::Transport { source, .. } = &error
            && source.is_connect()
            && source.url().is_some_and(is_loopback)
        {
            message.push_str(
                "\n  nothing is listening there: start a local server with `stablemint mock`",
            );
        }
        let mut detail = json!({"kind": kind, "message": message});
        if let Some(status) = error.status() {
            detail["status"] = status.into();
        }
        if let Some(key) = error.idempotency_key() {
            detail["idempotencyKey"] = key.into();
        }
        if let Some(id) = error.request_id() {
            detail["requestId"] = stablemint::escape_controls(id).into_owned().into();
        }
        Self {
            exit,
            message,
            json: json!({"error": detail}),
        }
    }
}

/// Each validation error on its own indented line, `pointer: message (code)`. A pointer
/// holds the input's own key names, so the line is escaped: a key cannot send escape
/// sequences to the terminal or forge a line of its own.
fn indented(errors: &ValidationErrors) -> String {
    errors
        .iter()
        .map(|e| format!("  {}", stablemint::escape_controls(&e.to_string())))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `value` as JSON text that is safe on a terminal: serde_json escapes the C0 controls,
/// and this escapes the rest of what [`stablemint::escape_controls`] would (DEL, the C1
/// controls, U+2028, U+2029 and the bidi formatting characters) as `\uXXXX`. Those
/// characters can stand only inside JSON strings, where the escape means the same
/// character, so the JSON is unchanged for a program reading it.
fn terminal_json(value: &serde_json::Value, pretty: bool) -> String {
    let text = if pretty {
        format!("{value:#}")
    } else {
        value.to_string()
    };
    if !text.chars().any(stablemint_wire::needs_escape) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if stablemint_wire::needs_escape(c) && !c.is_ascii_control() {
            // Every such character is in the Basic Multilingual Plane.
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else if c == '\u{7f}' {
            out.push_str("\\u007f");
        } else {
            out.push(c);
        }
    }
    out
}

fn errors_json(errors: &ValidationErrors) -> serde_json::Value {
    errors
        .iter()
        .map(|e| json!({"pointer": e.pointer(), "code": e.code(), "message": e.message()}))
        .collect()
}

fn is_loopback(url: &stablemint::reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let format = match &cli.command {
        Command::Validate { format, .. }
        | Command::Session(SessionCommand::Create { format, .. }) => *format,
        _ => Format::Text,
    };
    let outcome = match cli.command {
        Command::Sign { timestamp, user_id } => sign(timestamp, &user_id),
        Command::Validate { file, format } => validate(&file, format),
        Command::Session(SessionCommand::Create {
            file,
            base_url,
            timeout,
            format,
        }) => create_session(&file, base_url.as_deref(), timeout, format).await,
        Command::Mock(args) => mock(args).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            match format {
                Format::Json => println!("{}", terminal_json(&failure.json, false)),
                Format::Text => eprintln!("error: {}", failure.message),
            }
            ExitCode::from(failure.exit as u8)
        }
    }
}

/// Accepts only the canonical decimal form: the text the server sees must be the text
/// that was signed, so `01700000000` and `+1700000000` are refused.
fn canonical_timestamp(text: &str) -> Result<u64, String> {
    let canonical =
        text == "0" || (!text.starts_with('0') && text.bytes().all(|b| b.is_ascii_digit()));
    match text.parse::<u64>() {
        Ok(value) if canonical && !text.is_empty() => Ok(value),
        _ => Err(format!(
            "{text:?} is not a Unix timestamp in plain decimal digits (no sign, no leading \
             zeros, at most {})",
            u64::MAX
        )),
    }
}

fn env(name: &str) -> Result<String, CommandError> {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Ok(value),
        _ => Err(CommandError::usage(format!(
            "set the environment variable {name}"
        ))),
    }
}

/// The request body from `file` (`-` for stdin), at most [`INPUT_LIMIT`] bytes of UTF-8.
fn read_input(file: &Path) -> Result<String, CommandError> {
    let shown = if file.as_os_str() == "-" {
        "standard input".to_owned()
    } else {
        file.display().to_string()
    };
    let cannot = |e: std::io::Error| CommandError::usage(format!("cannot read {shown}: {e}"));
    let mut bytes = Vec::new();
    if file.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(INPUT_LIMIT + 1)
            .read_to_end(&mut bytes)
            .map_err(cannot)?;
    } else {
        std::fs::File::open(file)
            .and_then(|f| f.take(INPUT_LIMIT + 1).read_to_end(&mut bytes))
            .map_err(cannot)?;
    }
    if bytes.len() as u64 > INPUT_LIMIT {
        return Err(CommandError::usage(format!(
            "{shown} is larger than {INPUT_LIMIT} bytes (1 MiB); a request body is a few \
             kilobytes, so check the path"
        )));
    }
    String::from_utf8(bytes)
        .map_err(|_| CommandError::usage(format!("{shown} is not UTF-8 text; give a JSON file")))
}

fn sign(timestamp: u64, user_id: &str) -> Result<(), CommandError> {
    let secret = env("STABLEMINT_API_SECRET")?;
    println!(
        "{}",
        stablemint_wire::signature(timestamp, &secret, user_id)
    );
    Ok(())
}

fn validate(file: &Path, format: Format) -> Result<(), CommandError> {
    let text = read_input(file)?;
    match stablemint::request_from_json(&text) {
        Ok(_) => {
            match format {
                Format::Text => println!("valid"),
                Format::Json => println!(
                    "{}",
                    terminal_json(&json!({"valid": true, "errors": []}), false)
                ),
            }
            Ok(())
        }
        Err(errors) => Err(CommandError::invalid(&errors)),
    }
}

async fn create_session(
    file: &Path,
    base_url: Option<&str>,
    timeout: u64,
    format: Format,
) -> Result<(), CommandError> {
    let credentials = Credentials::new(env("STABLEMINT_API_KEY")?, env("STABLEMINT_API_SECRET")?);
    let text = read_input(file)?;
    let request = stablemint::request_from_json(&text).map_err(|e| CommandError::invalid(&e))?;
    let mut builder = Client::builder(credentials).timeout(Duration::from_secs(timeout));
    if let Some(url) = base_url {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;
    let target = if base_url.is_some() {
        "STABLEMINT_BASE_URL or --base-url"
    } else {
        "production: set STABLEMINT_BASE_URL to use another server"
    };
    eprintln!(
        "→ {}/session/embedded ({target}; {timeout} s per attempt)",
        client.base_url()
    );
    let session = client.create_embedded_session(&request).await?;
    match format {
        Format::Json => {
            let document = json!({
                "session": *session,
                "expiresAt": session.expires_at_rfc3339(),
                "idempotencyKey": session.idempotency_key(),
                "requestId": session.request_id().map(|id| stablemint::escape_controls(id).into_owned()),
                "attempts": session.attempts(),
            });
            println!("{}", terminal_json(&document, true));
        }
        Format::Text => {
            println!("session created");
            println!("  sessionId:       {}", session.session_id);
            println!(
                "  reference:       {}",
                stablemint::escape_controls(&session.reference)
            );
            println!("  expires at:      {}", session.expires_at_rfc3339());
            let methods: Vec<String> = session
                .allowed_payment_methods
                .iter()
                .filter_map(|m| m.payment_method)
                .map(|m| m.to_string())
                .collect();
            println!("  payment methods: {}", methods.join(", "));
            if let Some(key) = session.idempotency_key() {
                println!("  idempotency key: {}", stablemint::escape_controls(key));
            }
            if let Some(id) = session.request_id() {
                println!("  request id:      {}", stablemint::escape_controls(id));
            }
        }
    }
    Ok(())
}

async fn mock(args: MockArgs) -> Result<(), CommandError> {
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
        .map_err(|e| CommandError::usage(format!("cannot listen on {addr}: {e}")))?;
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
        .map_err(|e| CommandError::usage(format!("cannot wait for Ctrl-C: {e}")))?;
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
    use super::{shell_quote, terminal_json};

    #[test]
    fn json_for_a_terminal_escapes_what_serde_json_leaves() {
        let value = serde_json::json!({"k\u{9b}31m": "a\u{202e}b\u{2028}c\u{7f}\u{1b}d\u{85}é"});
        let text = terminal_json(&value, false);
        assert_eq!(
            text,
            r#"{"k\u009b31m":"a\u202eb\u2028c\u007f\u001bd\u0085é"}"#
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
        // Pretty JSON has its own line breaks, and nothing else to escape.
        let pretty = terminal_json(&value, true);
        assert!(
            !pretty
                .chars()
                .any(|c| c != '\n' && stablemint_wire::needs_escape(c))
        );
    }

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
