//! Rust benchmark of the `p100` crate (run by scripts/bench.sh; see bench/README.md).
//!
//! Each case runs the SDK and plain `reqwest` + `serde_json` interleaved in this one process,
//! for BENCH_ROUNDS rounds of BENCH_CALLS calls, and reports the median rate of each. Results
//! are lines `BENCH {json}` on stdout; progress goes to stderr.
//!
//! ```text
//! P100_BENCH_URL=http://127.0.0.1:PORT P100_BENCH_KEY=KEY p100-bench
//! p100-bench mem CONTENDER MONTH YEAR   (child process: peak RSS of one history call)
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use p100::models::TransactionHistoryQuery;
use serde_json::{json, Value};

type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;
/// One call of a contender (panics on any failure: a benchmark of failing calls is no benchmark).
type Call = Arc<dyn Fn() -> BoxFuture + Send + Sync>;

struct Config {
    url: String,
    key: String,
    rounds: usize,
    calls: usize,
    conc: usize,
    sizes: Vec<usize>,
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

impl Config {
    fn from_env() -> Config {
        Config {
            url: env_or("P100_BENCH_URL", ""),
            key: env_or("P100_BENCH_KEY", ""),
            rounds: env_or("BENCH_ROUNDS", "5").parse().expect("BENCH_ROUNDS"),
            calls: env_or("BENCH_CALLS", "2000").parse().expect("BENCH_CALLS"),
            conc: env_or("BENCH_CONC", "32").parse().expect("BENCH_CONC"),
            sizes: env_or("BENCH_SIZES", "100 1000 10000")
                .split_whitespace()
                .map(|s| s.parse().expect("BENCH_SIZES"))
                .collect(),
        }
    }
}

fn emit(case: &str, alt: &str, unit: &str, sdk: f64, other: f64) {
    let row =
        json!({"lang": "Rust", "case": case, "alt": alt, "unit": unit, "sdk": sdk, "other": other});
    println!("BENCH {row}");
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

/// Calls per second of `n` calls, one after another.
async fn sequential(call: &Call, n: usize) -> f64 {
    let start = Instant::now();
    for _ in 0..n {
        call().await;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// Calls per second of `n` calls from `conc` tasks (each awaits its calls one after another).
async fn concurrent(call: &Call, n: usize, conc: usize) -> f64 {
    let start = Instant::now();
    let tasks: Vec<_> = (0..conc)
        .map(|i| n / conc + usize::from(i < n % conc))
        .filter(|&count| count > 0)
        .map(|count| {
            let call = call.clone();
            tokio::spawn(async move {
                for _ in 0..count {
                    call().await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("a benchmark task panicked");
    }
    n as f64 / start.elapsed().as_secs_f64()
}

#[derive(Clone, Copy)]
enum Mode {
    Sequential,
    Concurrent(usize),
}

/// Every contender once per round (rotating who goes first); the median rate of each.
async fn interleave(cfg: &Config, contenders: &[(&str, Call)], n: usize, mode: Mode) -> Vec<f64> {
    let mut seen = vec![Vec::new(); contenders.len()];
    for r in 0..cfg.rounds {
        for j in 0..contenders.len() {
            let i = (r + j) % contenders.len();
            let rate = match mode {
                Mode::Sequential => sequential(&contenders[i].1, n).await,
                Mode::Concurrent(c) => concurrent(&contenders[i].1, n, c).await,
            };
            seen[i].push(rate);
        }
    }
    seen.into_iter().map(median).collect()
}

fn report(case: &str, unit: &str, contenders: &[(&str, Call)], values: &[f64]) {
    for (i, (name, _)) in contenders.iter().enumerate().skip(1) {
        emit(case, name, unit, values[0], values[i]);
    }
}

fn sdk_client(cfg: &Config) -> p100::Client {
    p100::Client::new(cfg.key.clone(), cfg.url.clone()).expect("SDK client")
}

/// GET `url` with the key, status checked, the body parsed as JSON.
async fn get_json(http: &reqwest::Client, url: &str, key: &str) -> Value {
    let r = http
        .get(url)
        .header("x-api-key", key)
        .send()
        .await
        .expect("send");
    assert!(r.status().is_success(), "HTTP {}", r.status());
    serde_json::from_slice(&r.bytes().await.expect("body")).expect("JSON")
}

async fn control(http: &reqwest::Client, cfg: &Config, path: &str, body: Value) -> Value {
    let r = http
        .post(format!("{}{path}", cfg.url))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("control");
    assert!(r.status().is_success(), "{path}: HTTP {}", r.status());
    serde_json::from_slice(&r.bytes().await.expect("body")).expect("JSON")
}

fn history_url(cfg: &Config, month: u32, year: i32) -> String {
    format!(
        "{}/v1/partner/transactions?month={month}&year={year}",
        cfg.url
    )
}

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .expect("field of /proc/self/status")
}

/// One history call in this fresh process: prints the peak RSS growth in KiB.
async fn mem_child(cfg: &Config, contender: &str, month: u32, year: i32) {
    let query = TransactionHistoryQuery::new(month, year);
    let sdk = sdk_client(cfg);
    let http = reqwest::Client::new();
    let url = history_url(cfg, month, year);
    let balances = format!("{}/v1/partner/balances", cfg.url);
    // Warm: code paths loaded, connection open.
    if contender == "SDK" {
        sdk.partner().balances().await.expect("balances");
    } else {
        get_json(&http, &balances, &cfg.key).await;
    }
    std::fs::write("/proc/self/clear_refs", "5").expect("reset VmHWM");
    let before = status_kib("VmRSS");
    let count = if contender == "SDK" {
        let h = sdk.partner().transactions(&query).await.expect("history");
        h.transactions.len()
    } else {
        let v = get_json(&http, &url, &cfg.key).await;
        v["transactions"].as_array().map_or(0, Vec::len)
    };
    let peak = status_kib("VmHWM");
    assert!(count > 0);
    println!("{}", peak.saturating_sub(before));
}

fn mem_run(contender: &str, month: u32, year: i32) -> f64 {
    let exe = std::env::current_exe().expect("current exe");
    let out = std::process::Command::new(exe)
        .args(["mem", contender, &month.to_string(), &year.to_string()])
        .output()
        .expect("memory child");
    assert!(out.status.success(), "memory child failed");
    let text = String::from_utf8_lossy(&out.stdout);
    let kib: f64 = text
        .split_whitespace()
        .last()
        .unwrap_or("0")
        .parse()
        .unwrap();
    kib / 1024.0
}

async fn run(cfg: Config) {
    let sdk = sdk_client(&cfg);
    let http = reqwest::Client::new();
    let balances_url = format!("{}/v1/partner/balances", cfg.url);
    let key = cfg.key.clone();

    let sdk_balances: Call = {
        let sdk = sdk.clone();
        Arc::new(move || {
            let sdk = sdk.clone();
            Box::pin(async move {
                sdk.partner().balances().await.expect("balances");
            })
        })
    };
    let plain_balances: Call = {
        let (http, url, key) = (http.clone(), balances_url.clone(), key.clone());
        Arc::new(move || {
            let (http, url, key) = (http.clone(), url.clone(), key.clone());
            Box::pin(async move {
                get_json(&http, &url, &key).await;
            })
        })
    };
    let contenders = [
        ("SDK", sdk_balances),
        ("reqwest + serde_json::Value", plain_balances),
    ];
    eprintln!(
        "[rust] sequential and {} concurrent: {} rounds x {} calls",
        cfg.conc, cfg.rounds, cfg.calls
    );
    let v = interleave(&cfg, &contenders, cfg.calls, Mode::Sequential).await;
    report("balances, sequential", "calls/s", &contenders, &v);
    let v = interleave(&cfg, &contenders, cfg.calls, Mode::Concurrent(cfg.conc)).await;
    let case = format!("balances, {} concurrent", cfg.conc);
    report(&case, "calls/s", &contenders, &v);

    for &n in &cfg.sizes {
        control(&http, &cfg, "/_sandbox/reset", json!({})).await;
        let seeded = control(
            &http,
            &cfg,
            "/_sandbox/seed-transactions",
            json!({"count": n}),
        )
        .await;
        let month = seeded["month"].as_u64().expect("month") as u32;
        let year = seeded["year"].as_i64().expect("year") as i32;
        let calls = (cfg.calls * 100 / n).max(2);
        eprintln!(
            "[rust] history of {n} entries: {} rounds x {calls} calls",
            cfg.rounds
        );
        let sdk_history: Call = {
            let sdk = sdk.clone();
            let query = TransactionHistoryQuery::new(month, year);
            Arc::new(move || {
                let (sdk, query) = (sdk.clone(), query.clone());
                Box::pin(async move {
                    let h = sdk.partner().transactions(&query).await.expect("history");
                    assert_eq!(h.transactions.len(), n);
                })
            })
        };
        let plain_history: Call = {
            let (http, url, key) = (http.clone(), history_url(&cfg, month, year), key.clone());
            Arc::new(move || {
                let (http, url, key) = (http.clone(), url.clone(), key.clone());
                Box::pin(async move {
                    let v = get_json(&http, &url, &key).await;
                    assert_eq!(v["transactions"].as_array().map_or(0, Vec::len), n);
                })
            })
        };
        let bytes_only: Call = {
            let (http, url, key) = (http.clone(), history_url(&cfg, month, year), key.clone());
            Arc::new(move || {
                let (http, url, key) = (http.clone(), url.clone(), key.clone());
                Box::pin(async move {
                    let r = http.get(&url).header("x-api-key", &key).send().await;
                    let r = r.expect("send");
                    assert!(r.status().is_success(), "HTTP {}", r.status());
                    assert!(!r.bytes().await.expect("body").is_empty());
                })
            })
        };
        let contenders = [
            ("SDK", sdk_history),
            ("reqwest + serde_json::Value", plain_history),
            ("reqwest, body bytes only", bytes_only),
        ];
        let rates = interleave(&cfg, &contenders, calls, Mode::Sequential).await;
        let ms: Vec<f64> = rates.iter().map(|r| 1000.0 / r).collect();
        report(&format!("history {n}: time"), "ms/call", &contenders, &ms);
        let peaks: Vec<f64> = contenders[..2]
            .iter()
            .map(|(name, _)| mem_run(name, month, year))
            .collect();
        let case = format!("history {n}: peak RSS growth");
        report(&case, "MB", &contenders[..2], &peaks);
    }
}

#[tokio::main]
async fn main() {
    let cfg = Config::from_env();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [mode, contender, month, year] if mode == "mem" => {
            let (month, year) = (month.parse().expect("month"), year.parse().expect("year"));
            mem_child(&cfg, contender, month, year).await;
        }
        [] => run(cfg).await,
        _ => {
            eprintln!("usage: p100-bench [mem CONTENDER MONTH YEAR]");
            std::process::exit(2);
        }
    }
}
