//! A fixed concurrent load of signed `POST /session/embedded` requests against a server
//! on loopback; prints throughput and latency percentiles.
//!
//! ```sh
//! cargo run --release -p stablemint-tests --example loadgen -- \
//!     --url http://127.0.0.1:8080 --name mock [--concurrency 16] [--seconds 10]
//! ```
//!
//! Used by `scripts/bench-mock.sh` to compare the StableMint mock with Prism in one run.
//! It refuses any host that is not loopback, and stops after the given time or
//! 5,000,000 requests, whichever comes first.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

const API_KEY: &str = "bench-key-0001";
const API_SECRET: &str = "bench-made-up-secret";
const MAX_REQUESTS: usize = 5_000_000;
const BODY: &str = r#"{"userId":"bench-user-1","userEmail":"bench@example.com","userCountryCode":"DE","currency":"EUR","amount":12.5}"#;

struct Args {
    url: String,
    name: String,
    concurrency: usize,
    seconds: u64,
    warmup: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        url: String::new(),
        name: "server".into(),
        concurrency: 16,
        seconds: 10,
        warmup: 2,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--url" => args.url = value,
            "--name" => args.name = value,
            "--concurrency" => args.concurrency = value.parse().map_err(|e| format!("{e}"))?,
            "--seconds" => args.seconds = value.parse().map_err(|e| format!("{e}"))?,
            "--warmup" => args.warmup = value.parse().map_err(|e| format!("{e}"))?,
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
    if args.concurrency == 0 || args.seconds == 0 {
        return Err("--concurrency and --seconds must be positive".into());
    }
    Ok(args)
}

/// Sends signed requests until `until`; returns (latencies in µs, non-200 count).
async fn worker(
    client: reqwest::Client,
    url: Arc<String>,
    until: Instant,
    record_after: Instant,
) -> (Vec<u32>, usize) {
    let mut latencies = Vec::new();
    let mut failures = 0;
    while Instant::now() < until && latencies.len() < MAX_REQUESTS {
        let timestamp = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let signature = stablemint::signature(timestamp, API_SECRET, "bench-user-1");
        let started = Instant::now();
        let outcome = client
            .post(url.as_str())
            .header("content-type", "application/json")
            .header("api_key", API_KEY)
            .header("timestamp", timestamp.to_string())
            .header("signature", signature)
            .body(BODY)
            .send()
            .await;
        let ok = match outcome {
            Ok(response) => {
                let status = response.status();
                response.bytes().await.is_ok() && status == 200
            }
            Err(_) => false,
        };
        if started >= record_after {
            latencies.push(u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX));
            if !ok {
                failures += 1;
            }
        }
    }
    (latencies, failures)
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
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a plain HTTP client builds");
    let url = Arc::new(format!(
        "{}/session/embedded",
        args.url.trim_end_matches('/')
    ));
    let start = Instant::now();
    let record_after = start + Duration::from_secs(args.warmup);
    let until = record_after + Duration::from_secs(args.seconds);
    let tasks: Vec<_> = (0..args.concurrency)
        .map(|_| tokio::spawn(worker(client.clone(), url.clone(), until, record_after)))
        .collect();
    let mut latencies = Vec::new();
    let mut failures = 0;
    for task in tasks {
        let (l, f) = task.await.expect("worker task");
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
