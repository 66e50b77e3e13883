//! Sends signed `POST /session/embedded` requests, each with its own idempotency key, to
//! a mock on loopback, and prints how many were answered 200. Used by
//! `scripts/mock-memory.sh` to fill the mock's idempotency store.
//!
//! ```sh
//! cargo run --release -p stablemint-mock --example keyed_load -- \
//!     --url http://127.0.0.1:8080 --first 0 --count 100000 [--concurrency 16]
//! ```
//!
//! Request n carries the key `mem-` and n in 32 hex digits (as long as a UUID). It
//! refuses any host that is not loopback, and sends exactly `--count` requests.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

const API_KEY: &str = "bench-key-0001";
const API_SECRET: &str = "bench-made-up-secret";
const USER_ID: &str = "bench-user-1";
const MAX_COUNT: u64 = 10_000_000;

struct Args {
    url: String,
    first: u64,
    count: u64,
    concurrency: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        url: String::new(),
        first: 0,
        count: 0,
        concurrency: 16,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let number = || value.parse::<u64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--url" => args.url = value.clone(),
            "--first" => args.first = number()?,
            "--count" => args.count = number()?,
            "--concurrency" => args.concurrency = number()? as usize,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    let url = reqwest::Url::parse(&args.url).map_err(|e| format!("--url: {e}"))?;
    let host = url.host_str().unwrap_or("");
    let loopback = host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if !loopback {
        return Err(format!("refusing {host}: this load targets loopback only"));
    }
    if args.concurrency == 0 || args.count == 0 || args.count > MAX_COUNT {
        return Err(format!(
            "--concurrency must be positive and --count in 1..={MAX_COUNT}"
        ));
    }
    Ok(args)
}

/// Takes request numbers from `next` until `end`; returns how many were not a 200.
async fn worker(client: reqwest::Client, url: Arc<String>, next: Arc<AtomicU64>, end: u64) -> u64 {
    let mut failures = 0;
    loop {
        let n = next.fetch_add(1, Ordering::Relaxed);
        if n >= end {
            return failures;
        }
        let body = format!(
            r#"{{"userId":"{USER_ID}","userEmail":"bench@example.com","userCountryCode":"DE","currency":"EUR","amount":12.5,"idempotencyKey":"mem-{n:032x}"}}"#
        );
        let timestamp = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let answer = client
            .post(url.as_str())
            .header("content-type", "application/json")
            .header("api_key", API_KEY)
            .header("timestamp", timestamp.to_string())
            .header(
                "signature",
                stablemint::signature(timestamp, API_SECRET, USER_ID),
            )
            .body(body)
            .send()
            .await;
        let ok = match answer {
            Ok(response) => response.status() == 200 && response.bytes().await.is_ok(),
            Err(_) => false,
        };
        if !ok {
            failures += 1;
        }
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = match reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .timeout(Duration::from_secs(10))
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let url = Arc::new(format!(
        "{}/session/embedded",
        args.url.trim_end_matches('/')
    ));
    let next = Arc::new(AtomicU64::new(args.first));
    let end = args.first + args.count;
    let started = Instant::now();
    let tasks: Vec<_> = (0..args.concurrency)
        .map(|_| tokio::spawn(worker(client.clone(), url.clone(), next.clone(), end)))
        .collect();
    let mut failures = 0;
    for task in tasks {
        failures += task.await.unwrap_or(0);
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "keys {}..{end}: {} requests, non-200 {failures}, {seconds:.1} s, {:.0} req/s",
        args.first,
        args.count,
        args.count as f64 / seconds
    );
    if failures == 0 {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
