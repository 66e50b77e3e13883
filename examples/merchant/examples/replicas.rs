//! The shop as several replicas on one PostgreSQL database, under faults: run by
//! `scripts/replicas.sh`, which starts PostgreSQL; not part of `cargo test`.
//!
//! It starts a StableMint mock in this process that injects faults at random into
//! session creation (an answer lost after the session was made, a 503, an answer
//! delayed past the replicas' deadline, one delayed a little), starts `--replicas`
//! processes of the `merchant-example` binary on the database and the mock, and lets
//! `--shoppers` shoppers order and check out at once, each sending every request to a
//! replica chosen at random and trying again on a declared 503 or a broken connection.
//!
//! It passes when the mock created exactly one session per order, every order row holds
//! its idempotency key and the session its shopper was given, no answer was a 5xx other
//! than a 503 with `Retry-After`, no replica logged a secret or an e-mail address, and
//! every replica drained and stopped on SIGTERM. It prints the checkout latency (p50,
//! p99) per request and per shopper.

use std::path::PathBuf;
use std::process::{ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use merchant_example::payments::idempotency_key;
use merchant_example::store::{Database, PoolSettings, Store};
use serde_json::{Value, json};
use stablemint_mock::{Fault, MockConfig, MockServer, RandomFaults};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Made-up credentials: the mock accepts them, nothing else does.
const KEY: &str = "replica_run_key_7c1d";
const SECRET: &str = "replica-run-secret-4e9a0b-never-logged";

/// Runs replicas of the merchant example against one database and one faulty mock.
#[derive(Debug, Parser)]
struct Args {
    /// The merchant-example binary (built without the sandbox, as for production).
    #[arg(long)]
    merchant: PathBuf,
    /// The PostgreSQL database the replicas share.
    #[arg(long)]
    database_url: String,
    /// How many replicas.
    #[arg(long, default_value_t = 3)]
    replicas: usize,
    /// How many shoppers check out at once.
    #[arg(long, default_value_t = 200)]
    shoppers: usize,
    /// The share of session requests that get a fault.
    #[arg(long, default_value_t = 0.3)]
    fault_rate: f64,
    /// The seed of the faults.
    #[arg(long, default_value_t = 26)]
    seed: u64,
    /// Where the replicas' logs go.
    #[arg(long, default_value = "target/replicas")]
    logs: PathBuf,
}

/// The deadline of one call to StableMint in each replica, in seconds: the long delay
/// fault is longer.
const CALL_TIMEOUT_SECS: u64 = 2;
/// How many requests one shopper sends before giving up.
const MAX_TRIES: usize = 25;

struct Replica {
    child: Child,
    url: String,
    log: PathBuf,
}

#[derive(Default)]
struct Tally {
    declared_503: AtomicUsize,
    connection_errors: AtomicUsize,
    requests: AtomicUsize,
}

/// What one shopper got.
struct Outcome {
    order_id: String,
    session_id: String,
    /// Each checkout request's latency, in seconds.
    requests: Vec<f64>,
    /// From the first checkout request to the session, in seconds.
    total: f64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args).await {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: &Args) -> Result<usize, String> {
    let started = Instant::now();
    let faults = Arc::new(std::sync::Mutex::new(std::collections::BTreeMap::<
        &'static str,
        usize,
    >::new()));
    let counted = faults.clone();
    let chaos = RandomFaults::new(
        args.seed,
        args.fault_rate,
        [
            Fault::DropAfterProcessing,
            Fault::Status(503),
            Fault::Delay(Duration::from_millis(CALL_TIMEOUT_SECS * 1000 + 500)),
            Fault::Delay(Duration::from_millis(300)),
        ],
    )
    .map_err(|e| e.to_string())?
    .only_on("createEmbeddedSession");
    let mock = MockServer::start(
        MockConfig::new(KEY, SECRET)
            .random_faults(chaos)
            .on_request(move |log| {
                if let Some(fault) = log.fault {
                    *counted
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .entry(fault)
                        .or_default() += 1;
                }
            }),
    )
    .await
    .map_err(|e| format!("starting the mock: {e}"))?;

    std::fs::create_dir_all(&args.logs).map_err(|e| format!("creating {:?}: {e}", args.logs))?;
    let mut replicas = Vec::new();
    for index in 0..args.replicas {
        replicas.push(spawn_replica(args, index, &mock.base_url()).await?);
    }
    let urls: Arc<Vec<String>> = Arc::new(replicas.iter().map(|r| r.url.clone()).collect());
    println!(
        "{} replicas on {} ({}), mock at {}, set up in {:.1} s",
        replicas.len(),
        Database::from_url(&args.database_url)
            .map(|d| d.shown())
            .unwrap_or_default(),
        urls.join(", "),
        mock.base_url(),
        started.elapsed().as_secs_f64()
    );

    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .no_proxy()
        .pool_max_idle_per_host(64)
        .build()
        .map_err(|e| e.to_string())?;
    let tally = Arc::new(Tally::default());
    let violations = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let run_started = Instant::now();
    let shoppers: Vec<_> = (0..args.shoppers)
        .map(|index| {
            let client = client.clone();
            let urls = urls.clone();
            let tally = tally.clone();
            let violations = violations.clone();
            let seed = args.seed.wrapping_mul(1_000_003).wrapping_add(index as u64);
            tokio::spawn(async move {
                let result = shop(&client, &urls, index, seed, &tally).await;
                if let Err(problem) = &result {
                    violations
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(format!("shopper {index}: {problem}"));
                }
                result.ok()
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for shopper in shoppers {
        if let Ok(Some(outcome)) = shopper.await {
            outcomes.push(outcome);
        }
    }
    let wall = run_started.elapsed().as_secs_f64();

    // Every replica drains and stops on SIGTERM.
    let mut checks: Vec<(String, bool)> = Vec::new();
    let mut stopped = 0;
    for replica in &mut replicas {
        if stop(replica).await {
            stopped += 1;
        }
    }
    checks.push((
        format!(
            "{stopped} of {} replicas stopped cleanly on SIGTERM",
            replicas.len()
        ),
        stopped == replicas.len(),
    ));

    let store = Store::open(
        &Database::from_url(&args.database_url).map_err(|e| e.to_string())?,
        PoolSettings::default(),
    )
    .await
    .map_err(|e| format!("opening the database to check it: {e}"))?;
    let orders = store.orders().await.map_err(|e| e.to_string())?;
    store.close().await;
    let created = mock.sessions_created();
    let with_session = orders.iter().filter(|o| o.session.is_some()).count();
    let mut session_ids: Vec<&str> = orders
        .iter()
        .filter_map(|o| o.session.as_ref().map(|s| s.id.as_str()))
        .collect();
    session_ids.sort_unstable();
    session_ids.dedup();
    let keyed = orders
        .iter()
        .filter(|o| {
            o.generation == 1 && o.idempotency_key.as_deref() == Some(&*idempotency_key(&o.id, 1))
        })
        .count();
    let matching = outcomes
        .iter()
        .filter(|outcome| {
            orders.iter().any(|o| {
                o.id == outcome.order_id
                    && o.session.as_ref().map(|s| s.id.as_str()) == Some(&*outcome.session_id)
            })
        })
        .count();
    let problems = violations.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let leaks = leaked_secrets(&replicas, args.shoppers);

    checks.push((
        format!(
            "{} of {} shoppers got a session",
            outcomes.len(),
            args.shoppers
        ),
        outcomes.len() == args.shoppers,
    ));
    checks.push((
        format!(
            "the mock created {created} sessions for {} orders",
            orders.len()
        ),
        created == orders.len() && orders.len() == args.shoppers,
    ));
    checks.push((
        format!(
            "{with_session} order rows hold a session, {} distinct",
            session_ids.len()
        ),
        with_session == orders.len() && session_ids.len() == orders.len(),
    ));
    checks.push((
        format!("{keyed} order rows hold their idempotency key (generation 1)",),
        keyed == orders.len(),
    ));
    checks.push((
        format!("{matching} shoppers were given the session their order row holds"),
        matching == outcomes.len(),
    ));
    checks.push((
        format!(
            "{} answers broke the rules (a 5xx other than a declared 503, or another error)",
            problems.len()
        ),
        problems.is_empty(),
    ));
    checks.push((
        format!(
            "{} replica log lines hold a secret or an e-mail address",
            leaks
        ),
        leaks == 0,
    ));

    let mut per_request: Vec<f64> = outcomes.iter().flat_map(|o| o.requests.clone()).collect();
    let mut per_shopper: Vec<f64> = outcomes.iter().map(|o| o.total).collect();
    println!(
        "checkout requests: {} ({} declared 503s, {} broken connections) in {wall:.1} s",
        tally.requests.load(Ordering::Relaxed),
        tally.declared_503.load(Ordering::Relaxed),
        tally.connection_errors.load(Ordering::Relaxed),
    );
    println!(
        "faults injected by the mock: {:?} (of {} requests it received)",
        faults.lock().unwrap_or_else(|p| p.into_inner()),
        mock.requests_received()
    );
    println!(
        "checkout latency per request: p50 {:.0} ms, p99 {:.0} ms (n = {})",
        percentile(&mut per_request, 0.50) * 1000.0,
        percentile(&mut per_request, 0.99) * 1000.0,
        per_request.len()
    );
    println!(
        "time to a session per shopper, retries included: p50 {:.0} ms, p99 {:.0} ms (n = {})",
        percentile(&mut per_shopper, 0.50) * 1000.0,
        percentile(&mut per_shopper, 0.99) * 1000.0,
        per_shopper.len()
    );
    for problem in problems.iter().take(20) {
        println!("  {problem}");
    }
    let mut passed = 0;
    let mut failed = 0;
    for (what, ok) in &checks {
        if *ok {
            passed += 1;
            println!("check: ok: {what}");
        } else {
            failed += 1;
            println!("check: FAILED: {what}");
        }
    }
    mock.shutdown().await;
    println!("replica run: {passed} passed, {failed} failed");
    Ok(failed)
}

/// Starts replica `index` and waits until it listens.
async fn spawn_replica(args: &Args, index: usize, mock: &str) -> Result<Replica, String> {
    let log = args.logs.join(format!("replica-{index}.log"));
    let log_file = std::fs::File::create(&log).map_err(|e| format!("creating {log:?}: {e}"))?;
    let mut child = Command::new(&args.merchant)
        .args(["--addr", "127.0.0.1:0"])
        .args(["--call-timeout", &CALL_TIMEOUT_SECS.to_string()])
        .args(["--db-connections", "5"])
        .env("DATABASE_URL", &args.database_url)
        .env("STABLEMINT_API_KEY", KEY)
        .env("STABLEMINT_API_SECRET", SECRET)
        .env("STABLEMINT_BASE_URL", mock)
        .env_remove("STABLEMINT_WIDGET_SCRIPT_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log_file)
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("starting {:?}: {e}", args.merchant))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let url = tokio::time::timeout(Duration::from_secs(60), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(url) = line.strip_prefix("Listening on ") {
                return Some(url.to_owned());
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
    .ok_or_else(|| format!("replica {index} did not start; see {}", log.display()))?;
    // The rest of its output (the lines it prints when it stops) is read and dropped.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok(Replica { child, url, log })
}

/// One shopper: orders on a random replica, then checks out, each try on a random
/// replica, until it has a session.
async fn shop(
    client: &reqwest::Client,
    urls: &[String],
    index: usize,
    seed: u64,
    tally: &Tally,
) -> Result<Outcome, String> {
    let mut rng = fastrand_lite(seed);
    let products = [
        "espresso-beans",
        "pour-over-kettle",
        "paper-filters",
        "ceramic-cup",
    ];
    let items: Vec<Value> = (0..=(rng() % 3) as usize)
        .map(|i| json!({"productId": products[(index + i) % products.len()], "quantity": 1 + rng() % 3}))
        .collect();
    let mut cookie = None;
    let mut order_id = None;
    for _ in 0..MAX_TRIES {
        let base = &urls[(rng() % urls.len() as u64) as usize];
        match post(
            client,
            base,
            "/api/orders",
            None,
            &json!({ "items": items }),
        )
        .await
        {
            Ok((201, headers, body)) => {
                cookie = headers
                    .get("set-cookie")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.split(';').next())
                    .map(str::to_owned);
                order_id = body["orderId"].as_str().map(str::to_owned);
                break;
            }
            Ok((503, headers, _)) if headers.contains_key("retry-after") => {
                tokio::time::sleep(Duration::from_millis(100 + rng() % 200)).await;
            }
            Ok((status, _, body)) => {
                return Err(format!("POST /api/orders answered {status}: {body}"));
            }
            Err(_) => {}
        }
    }
    let (Some(cookie), Some(order_id)) = (cookie, order_id) else {
        return Err("no order after every try".into());
    };
    let checkout = json!({
        "orderId": order_id,
        "userEmail": format!("shopper-{index}@example.com"),
        "userCountryCode": "DE",
    });
    let first = Instant::now();
    let mut requests = Vec::new();
    for _ in 0..MAX_TRIES {
        let base = &urls[(rng() % urls.len() as u64) as usize];
        let sent = Instant::now();
        tally.requests.fetch_add(1, Ordering::Relaxed);
        let answer = post(client, base, "/api/checkout", Some(&cookie), &checkout).await;
        requests.push(sent.elapsed().as_secs_f64());
        match answer {
            Ok((200, _, body)) => {
                let session_id = body["sessionId"].as_str().unwrap_or_default().to_owned();
                return Ok(Outcome {
                    order_id,
                    session_id,
                    requests,
                    total: first.elapsed().as_secs_f64(),
                });
            }
            Ok((503, headers, body))
                if headers.contains_key("retry-after")
                    && matches!(body["code"].as_str(), Some("payment_unavailable" | "busy")) =>
            {
                tally.declared_503.fetch_add(1, Ordering::Relaxed);
                // Retry-After says 2 s; a shopper clicking "Try again" is quicker.
                tokio::time::sleep(Duration::from_millis(100 + rng() % 300)).await;
            }
            Ok((status, _, body)) => {
                return Err(format!("POST /api/checkout answered {status}: {body}"));
            }
            Err(_) => {
                tally.connection_errors.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    Err(format!("no session after {MAX_TRIES} tries"))
}

async fn post(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    cookie: Option<&str>,
    body: &Value,
) -> Result<(u16, reqwest::header::HeaderMap, Value), reqwest::Error> {
    let mut request = client
        .post(format!("{base}{path}"))
        .header("origin", base)
        .json(body);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await?;
    Ok((
        status,
        headers,
        serde_json::from_str(&text).unwrap_or(Value::Null),
    ))
}

/// Sends SIGTERM and waits for the replica to exit; whether it exited 0.
async fn stop(replica: &mut Replica) -> bool {
    let Some(pid) = replica.child.id() else {
        return false;
    };
    let sent = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .await
        .is_ok_and(|s| s.success());
    if !sent {
        return false;
    }
    match tokio::time::timeout(Duration::from_secs(60), replica.child.wait()).await {
        Ok(Ok(status)) => status.success(),
        _ => {
            let _ = replica.child.start_kill();
            false
        }
    }
}

/// How many lines of the replicas' logs hold the secret, the key, or a shopper's
/// e-mail address.
fn leaked_secrets(replicas: &[Replica], shoppers: usize) -> usize {
    let mut leaks = 0;
    for replica in replicas {
        let Ok(text) = std::fs::read_to_string(&replica.log) else {
            leaks += 1;
            continue;
        };
        for line in text.lines() {
            let shopper = line.contains("@example.com")
                || (0..shoppers).any(|i| line.contains(&format!("shopper-{i}@")));
            if line.contains(SECRET) || line.contains(KEY) || shopper {
                leaks += 1;
            }
        }
    }
    leaks
}

/// The `p`-th percentile of `values` (nearest rank); 0 for none.
fn percentile(values: &mut [f64], p: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let rank = ((p * values.len() as f64).ceil() as usize).clamp(1, values.len());
    values[rank - 1]
}

/// A small seeded generator (xorshift64*), so that a run's shoppers can be replayed.
fn fastrand_lite(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed ^ 0x9e37_79b9_7f4a_7c15;
    if state == 0 {
        state = 1;
    }
    move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}
