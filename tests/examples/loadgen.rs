//! A concurrent load of signed `POST /session/embedded` requests against a server on
//! loopback, in one of two modes:
//!
//! - **timed** (the default): the same request, for `--seconds` after `--warmup`; prints
//!   throughput and latency percentiles. `scripts/bench-mock.sh` uses it to compare the
//!   StableMint mock with Prism in one run.
//! - **keyed** (`--keys FIRST --count N`): exactly N requests, request n with its own
//!   idempotency key `mem-` and n in 32 hex digits (as long as a UUID), from n = FIRST;
//!   `--key-length L` pads each key with `0`s to L characters (at most 255).
//!   `scripts/mock-memory.sh` uses it to fill the mock's idempotency store. Exits 1 when a
//!   request is not answered 200.
//!
//! ```sh
//! cargo run --release -p stablemint-tests --example loadgen -- \
//!     --url http://127.0.0.1:8080 --name mock [--concurrency 16] [--seconds 10]
//! cargo run --release -p stablemint-tests --example loadgen -- \
//!     --url http://127.0.0.1:8080 --keys 0 --count 100000
//! ```
//!
//! It refuses any host that is not loopback, and stops after 5,000,000 requests (timed)
//! or 10,000,000 (keyed).

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

const API_KEY: &str = "bench-key-0001";
const API_SECRET: &str = "bench-made-up-secret";
const USER_ID: &str = "bench-user-1";
const MAX_TIMED: usize = 5_000_000;
const MAX_KEYED: u64 = 10_000_000;
const BODY: &str = r#"{"userId":"bench-user-1","userEmail":"bench@example.com","userCountryCode":"DE","currency":"EUR","amount":12.5}"#;

struct Args {
    url: String,
    name: String,
    concurrency: usize,
    seconds: u64,
    warmup: u64,
    /// Keyed mode: the first request number and how many.
    keyed: Option<(u64, u64)>,
    /// How long each key is: `mem-`, the request number in hex, and `0`s up to it.
    key_length: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        url: String::new(),
        name: "server".into(),
        concurrency: 16,
        seconds: 10,
        warmup: 2,
        keyed: None,
        key_length: 36,
    };
    let (mut first, mut count) = (None, None);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let number = || value.parse::<u64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--url" => args.url = value.clone(),
            "--name" => args.name = value.clone(),
            "--concurrency" => args.concurrency = number()? as usize,
            "--seconds" => args.seconds = number()?,
            "--warmup" => args.warmup = number()?,
            "--keys" => first = Some(number()?),
            "--key-length" => args.key_length = number()? as usize,
            "--count" => count = Some(number()?),
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
        return Err(format!(
            "refusing {host}: the load generator targets loopback only"
        ));
    }
    args.keyed = match (first, count) {
        (None, None) => None,
        (Some(first), Some(count)) if (1..=MAX_KEYED).contains(&count) => Some((first, count)),
        _ => {
            return Err(format!(
                "--keys and --count go together, with --count in 1..={MAX_KEYED}"
            ));
        }
    };
    if !(36..=255).contains(&args.key_length) {
        return Err("--key-length goes from 36 to 255 (the longest key the mock takes)".into());
    }
    if args.concurrency == 0 || args.seconds == 0 {
        return Err("--concurrency and --seconds must be positive".into());
    }
    Ok(args)
}

/// Sends one signed request with `body`; true when it was answered 200.
async fn send(client: &reqwest::Client, url: &str, body: String) -> bool {
    let timestamp = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let outcome = client
        .post(url)
        .header("content-type", "application/json")
        .header("api_key", API_KEY)
        .header("timestamp", timestamp.to_string())
        .header(
            "signature",
            stablemint_wire::signature(timestamp, API_SECRET, USER_ID),
        )
        .body(body)
        .send()
        .await;
    match outcome {
        Ok(response) => {
            let status = response.status();
            response.bytes().await.is_ok() && status == 200
        }
        Err(_) => false,
    }
}

/// Timed mode: sends until `until`; returns (latencies in µs, non-200 count).
async fn timed(
    client: reqwest::Client,
    url: Arc<String>,
    until: Instant,
    record_after: Instant,
) -> (Vec<u32>, u64) {
    let mut latencies = Vec::new();
    let mut failures = 0;
    while Instant::now() < until && latencies.len() < MAX_TIMED {
        let started = Instant::now();
        let ok = send(&client, &url, BODY.to_owned()).await;
        if started >= record_after {
            latencies.push(u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX));
            if !ok {
                failures += 1;
            }
        }
    }
    (latencies, failures)
}

/// Keyed mode: takes request numbers from `next` until `end`; returns the non-200 count.
async fn keyed(
    client: reqwest::Client,
    url: Arc<String>,
    next: Arc<AtomicU64>,
    end: u64,
    key_length: usize,
) -> u64 {
    let mut failures = 0;
    loop {
        let n = next.fetch_add(1, Ordering::Relaxed);
        if n >= end {
            return failures;
        }
        let pad = key_length - 36;
        let body = BODY.replace(
            '}',
            &format!(r#","idempotencyKey":"mem-{n:032x}{:0>pad$}"}}"#, ""),
        );
        if !send(&client, &url, body).await {
            failures += 1;
        }
    }
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    f64::from(sorted[rank.min(sorted.len() - 1)]) / 1000.0
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

    if let Some((first, count)) = args.keyed {
        let next = Arc::new(AtomicU64::new(first));
        let end = first + count;
        let started = Instant::now();
        let tasks: Vec<_> = (0..args.concurrency)
            .map(|_| {
                tokio::spawn(keyed(
                    client.clone(),
                    url.clone(),
                    next.clone(),
                    end,
                    args.key_length,
                ))
            })
            .collect();
        let mut failures = 0;
        for task in tasks {
            failures += task.await.unwrap_or(0);
        }
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "keys {first}..{end}: {count} requests, non-200 {failures}, {seconds:.1} s, {:.0} req/s",
            count as f64 / seconds
        );
        return if failures == 0 {
            std::process::ExitCode::SUCCESS
        } else {
            std::process::ExitCode::FAILURE
        };
    }

    let start = Instant::now();
    let record_after = start + Duration::from_secs(args.warmup);
    let until = record_after + Duration::from_secs(args.seconds);
    let tasks: Vec<_> = (0..args.concurrency)
        .map(|_| tokio::spawn(timed(client.clone(), url.clone(), until, record_after)))
        .collect();
    let mut latencies = Vec::new();
    let mut failures = 0;
    for task in tasks {
        let (l, f) = task.await.unwrap_or_default();
        latencies.extend(l);
        failures += f;
    }
    latencies.sort_unstable();
    let throughput = latencies.len() as f64 / args.seconds as f64;
    println!(
        "{:<10} concurrency {:>3}  requests {:>8}  non-200 {:>6}  throughput {:>9.0} req/s  p50 {:>7.3} ms  p99 {:>7.3} ms",
        args.name,
        args.concurrency,
        latencies.len(),
        failures,
        throughput,
        percentile(&latencies, 50.0),
        percentile(&latencies, 99.0),
    );
    std::process::ExitCode::SUCCESS
}
