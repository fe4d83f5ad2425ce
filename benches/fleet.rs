//! Fleet benchmark: four OS processes — this binary started four times, each with one
//! client, its own throttle and 16 tasks — one token, one IP, against `apie-mock`
//! (in this process) enforcing the real rules with a scaled minute.
//!
//! `cargo bench --bench fleet --features redis` (`APIE_BENCH_MINUTE_MS`, default 1000;
//! `APIE_BENCH_WINDOWS`, default 6). Redis: the server `API_ENTREPRISE_REDIS_TEST_URL`
//! names, else one started here (the outage scenario always starts its own: it stops
//! it). Prints, per scenario:
//!
//! - per group (JSON, documents) the fleet's achieved / allowed rate, 429s, bans;
//! - per process its calls per window, and the lowest over its fair share (the
//!   window's budget over the processes);
//! - for a fixed amount of unequal work (150, 150, 150 and 500 JSON calls), the time the
//!   fleet took over the fastest safe time, and each process's calls per window;
//! - Redis operations per call, and fallbacks to the local share.
//!
//! The scenarios: the baseline with throttles that do not share (what the fleet would
//! do without Redis); shared through Redis; the fixed work; Redis stopped for one window
//! mid-run; and the latency the shared throttle adds to a call that needs no wait (one
//! process). Figures, not assertions: `apie/tests/fleet_fairness.rs` and
//! `tests/throttle_redis.rs` assert.

// The member processes' side, in a folder of its own: a bench target is one file.
#[path = "fleet/member.rs"]
mod member;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use api_entreprise::runtime::throttle::RedisConfig;
use api_entreprise::runtime::{OperationMeta, Request, Throttle, ThrottleConfig, Token};
use api_entreprise::{Client, Traceability};
use apie_mock::{MockConfig, MockServer};
use member::{now_micros, Load, Plan, MEMBER_ENV};

const JSON_OP: &str = "api_entreprise_v4_insee_unites_legales";
const DOCUMENT_OP: &str = "api_entreprise_v4_acoss_attestations_sociales";
const SIREN: &str = "552049447";
const PROCESSES: usize = 4;
const TASKS: usize = 16;
/// The per-token limits of the two groups the load uses, a window.
const JSON_LIMIT: usize = 250;
const DOCUMENT_LIMIT: usize = 50;
/// The fixed-work scenario: one process with almost four times the others' work.
const WORK: [usize; PROCESSES] = [150, 150, 150, 500];

/// A `redis-server` of the bench's own, on a free loopback port.
struct OwnRedis {
    port: u16,
    child: Option<Child>,
}

impl OwnRedis {
    fn start() -> OwnRedis {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut redis = OwnRedis { port, child: None };
        redis.restart();
        redis
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    fn restart(&mut self) {
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server on the PATH (.ci/redis.sh installs it)");
        self.child = Some(child);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Answered,
    TooManyRequests,
    Ban,
    Other,
}

impl Outcome {
    /// The word a member prints.
    fn word(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::TooManyRequests => "429",
            Outcome::Ban => "ban",
            Outcome::Other => "other",
        }
    }

    fn from_word(word: &str) -> Outcome {
        [
            Outcome::Answered,
            Outcome::TooManyRequests,
            Outcome::Ban,
            Outcome::Other,
        ]
        .into_iter()
        .find(|o| o.word() == word)
        .unwrap_or(Outcome::Other)
    }
}

/// One call: which process, which group, when it left the throttle (µs since the Unix
/// epoch), how it ended.
struct Sample {
    process: usize,
    json: bool,
    sent_at: u64,
    outcome: Outcome,
}

/// What a fleet's processes reported.
#[derive(Default)]
struct Report {
    samples: Vec<Sample>,
    redis_ops: u64,
    redis_calls: u64,
    fallbacks: u64,
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    if std::env::var_os(MEMBER_ENV).is_some() {
        member::run().await;
        return;
    }
    let minute = Duration::from_millis(env_or("APIE_BENCH_MINUTE_MS", 1000));
    let windows = env_or("APIE_BENCH_WINDOWS", 6) as u32;
    println!(
        "fleet bench: {PROCESSES} processes x {TASKS} tasks (half JSON 250/min, half documents 50/min), one token, minute {minute:?}, {windows} windows"
    );
    let mut own = OwnRedis::start();
    let url = std::env::var("API_ENTREPRISE_REDIS_TEST_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| own.url());
    let run = std::process::id();

    println!("\n[1] baseline: throttles that do not share (no Redis)");
    timed(minute, windows, None, "none".into(), None).await;

    println!("\n[2] shared through Redis");
    timed(minute, windows, Some(&url), format!("bench-{run}"), None).await;

    println!("\n[3] fixed work shared through Redis: {WORK:?} JSON calls");
    fixed_work(minute, &url, format!("bench-work-{run}")).await;

    println!("\n[4] shared through Redis, Redis stopped for one window mid-run (local share 1/{PROCESSES})");
    let own_url = own.url();
    let fleet = format!("bench-outage-{run}");
    timed(minute, windows, Some(&own_url), fleet, Some(&mut own)).await;

    println!("\n[5] added latency when no wait is needed: sequential calls in one process (real minute, under the limit)");
    latency(&url).await;
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn mock(minute: Duration) -> MockServer {
    MockServer::start_with(MockConfig {
        minute,
        ..MockConfig::default()
    })
    .await
    .expect("the mock starts")
}

/// Starts one member process a plan, and collects what they report. The mock runs on
/// this process's runtime: the waits are on blocking threads, so it goes on serving.
async fn fleet(plans: Vec<Plan>) -> Report {
    let exe = std::env::current_exe().expect("the bench's own path");
    let children: Vec<Child> = plans
        .iter()
        .map(|plan| {
            Command::new(&exe)
                .envs(plan.env())
                .stdout(Stdio::piped())
                .spawn()
                .expect("a member process")
        })
        .collect();
    let waits: Vec<_> = children
        .into_iter()
        .map(|child| tokio::task::spawn_blocking(move || child.wait_with_output()))
        .collect();
    let mut report = Report::default();
    for (process, wait) in waits.into_iter().enumerate() {
        let output = wait.await.expect("join").expect("the member's output");
        assert!(
            output.status.success(),
            "member {process}: {}",
            output.status
        );
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["call", group, sent, outcome] => report.samples.push(Sample {
                    process,
                    json: *group == "json",
                    sent_at: sent.parse().expect("µs"),
                    outcome: Outcome::from_word(outcome),
                }),
                ["redis", ops, calls, fallbacks] => {
                    report.redis_ops += ops.parse::<u64>().unwrap_or(0);
                    report.redis_calls += calls.parse::<u64>().unwrap_or(0);
                    report.fallbacks += fallbacks.parse::<u64>().unwrap_or(0);
                }
                _ => {}
            }
        }
    }
    report.samples.sort_by_key(|s| s.sent_at);
    report
}

fn plan(
    server: &MockServer,
    redis: Option<&str>,
    fleet: &str,
    minute: Duration,
    load: Load,
) -> Plan {
    Plan {
        url: server.base_url(),
        token: server.staging_token(),
        redis: redis.map(str::to_owned),
        fleet: fleet.to_owned(),
        minute,
        load,
    }
}

/// The timed load for `windows` windows and a half; with `outage`, stops that Redis for
/// one window after two, then starts it again (empty).
async fn timed(
    minute: Duration,
    windows: u32,
    redis: Option<&str>,
    fleet_name: String,
    outage: Option<&mut OwnRedis>,
) {
    let server = mock(minute).await;
    let duration = minute * windows + minute / 2;
    let until = (now_micros() + duration.as_micros() as u64) / 1000;
    let plans = (0..PROCESSES)
        .map(|_| plan(&server, redis, &fleet_name, minute, Load::Until(until)))
        .collect();
    let running = fleet(plans);
    let report = match outage {
        Some(redis) => {
            let outage = async {
                tokio::time::sleep(minute * 2).await;
                redis.stop();
                tokio::time::sleep(minute).await;
                redis.restart();
            };
            tokio::join!(running, outage).0
        }
        None => running.await,
    };
    for (label, json, limit) in [
        ("json", true, JSON_LIMIT),
        ("documents", false, DOCUMENT_LIMIT),
    ] {
        let mine: Vec<&Sample> = report.samples.iter().filter(|s| s.json == json).collect();
        group_report(label, &mine, minute, limit);
        per_process(&mine, minute, limit);
    }
    redis_report(&report);
    server_report(&server);
    server.shutdown().await;
}

/// The unequal fixed work: how long the fleet takes against the fastest safe time, and
/// what each process got in each window.
async fn fixed_work(minute: Duration, redis: &str, fleet_name: String) {
    let server = mock(minute).await;
    let plans = WORK
        .iter()
        .map(|n| plan(&server, Some(redis), &fleet_name, minute, Load::Calls(*n)))
        .collect();
    let report = fleet(plans).await;
    let answered: Vec<&Sample> = report
        .samples
        .iter()
        .filter(|s| s.outcome == Outcome::Answered)
        .collect();
    let total: usize = WORK.iter().sum();
    if let (Some(first), Some(last)) = (answered.first(), answered.last()) {
        let took = Duration::from_micros(last.sent_at - first.sent_at);
        // At the fastest safe pace the last window opens (windows − 1) minutes after the
        // first call, and its calls leave at once.
        let fastest = minute * (total.div_ceil(JSON_LIMIT) as u32 - 1);
        println!(
            "  {} of {total} calls answered; first to last call {took:.3?}, fastest safe {fastest:?}: {:.3} x",
            answered.len(),
            took.as_secs_f64() / fastest.as_secs_f64()
        );
        let starts = window_starts(&answered, minute);
        for process in 0..PROCESSES {
            let mine: Vec<&Sample> = answered
                .iter()
                .copied()
                .filter(|s| s.process == process)
                .collect();
            let counts = per_window(&mine, &starts);
            let done = mine.last().map_or(Duration::ZERO, |s| {
                Duration::from_micros(s.sent_at - first.sent_at)
            });
            println!(
                "  process {process}: {:>3} calls, last at {done:>9.3?}, per window {counts:?}",
                mine.len()
            );
        }
    }
    redis_report(&report);
    server_report(&server);
    server.shutdown().await;
}

/// Where each window starts: at a call sent more than a quarter minute after the
/// previous one (the calls of a window leave together when it opens).
fn window_starts(sent: &[&Sample], minute: Duration) -> Vec<u64> {
    let gap = minute.as_micros() as u64 / 4;
    let mut starts = Vec::new();
    let mut last: Option<u64> = None;
    for s in sent {
        if last.is_none_or(|l| s.sent_at - l >= gap) {
            starts.push(s.sent_at);
        }
        last = Some(s.sent_at);
    }
    starts
}

/// How many of `samples` fall in each window.
fn per_window(samples: &[&Sample], starts: &[u64]) -> Vec<usize> {
    let mut counts = vec![0; starts.len()];
    for s in samples {
        let window = starts.partition_point(|start| *start <= s.sent_at);
        if window > 0 {
            counts[window - 1] += 1;
        }
    }
    counts
}

/// The fleet's achieved rate over the allowed one: the calls of the complete windows over
/// the time those windows took, against the limit a minute.
fn group_report(label: &str, samples: &[&Sample], minute: Duration, limit: usize) {
    let answered: Vec<&Sample> = samples
        .iter()
        .copied()
        .filter(|s| s.outcome == Outcome::Answered)
        .collect();
    let starts = window_starts(&answered, minute);
    let ratio = if starts.len() >= 3 {
        let counts = per_window(&answered, &starts);
        let calls: usize = counts[..counts.len() - 1].iter().sum();
        let span = Duration::from_micros(starts[starts.len() - 1] - starts[0]);
        let achieved = calls as f64 / span.as_secs_f64();
        let allowed = limit as f64 / minute.as_secs_f64();
        format!(
            "{:.3} over {} windows",
            achieved / allowed,
            starts.len() - 1
        )
    } else {
        "n/a (fewer than 3 windows)".to_owned()
    };
    let count = |o| samples.iter().filter(|s| s.outcome == o).count();
    println!(
        "  {label:<10} limit {limit:>3}/min  achieved/allowed {ratio}  calls {:>5}  429s {}  bans seen {}  other errors {}",
        samples.len(),
        count(Outcome::TooManyRequests),
        count(Outcome::Ban),
        count(Outcome::Other),
    );
}

/// Each process's answered calls a complete window, and the lowest over its fair share.
fn per_process(samples: &[&Sample], minute: Duration, limit: usize) {
    let answered: Vec<&Sample> = samples
        .iter()
        .copied()
        .filter(|s| s.outcome == Outcome::Answered)
        .collect();
    let starts = window_starts(&answered, minute);
    if starts.len() < 3 {
        return;
    }
    let complete = starts.len() - 1;
    let rates: Vec<f64> = (0..PROCESSES)
        .map(|process| {
            let mine: Vec<&Sample> = answered
                .iter()
                .copied()
                .filter(|s| s.process == process)
                .collect();
            let counts = per_window(&mine, &starts);
            counts[..complete].iter().sum::<usize>() as f64 / complete as f64
        })
        .collect();
    let fair = limit as f64 / PROCESSES as f64;
    let lowest = rates.iter().copied().fold(f64::INFINITY, f64::min);
    let shown: Vec<String> = rates.iter().map(|r| format!("{r:.1}")).collect();
    println!(
        "  {:<10} per process a window [{}]  lowest / fair share ({fair:.1}) {:.2}",
        "",
        shown.join(", "),
        lowest / fair
    );
}

fn redis_report(report: &Report) {
    if report.redis_calls > 0 {
        println!(
            "  redis: {} operations for {} calls counted there: {:.2} per call; {} fallbacks to the local share",
            report.redis_ops,
            report.redis_calls,
            report.redis_ops as f64 / report.redis_calls as f64,
            report.fallbacks
        );
    }
}

fn server_report(server: &MockServer) {
    let stats = server.stats();
    println!(
        "  server: {} requests, {} answered 429, {} bans, {} connections dropped",
        stats.requests,
        stats.rate_limited,
        stats.bans(),
        stats.dropped
    );
}

/// A client of this process, for the latency figures.
fn client(server: &MockServer, throttle: Throttle) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .token(Token::new(server.staging_token()))
        .traceability(Traceability::new("benchmark", "13002526500013", "fleet bench").unwrap())
        .throttle(throttle)
        .build()
        .expect("client")
}

fn request(id: &str) -> Request {
    let meta: &'static OperationMeta = api_entreprise::find_operation(id).expect("in the spec");
    Request::from_params(meta, &[("siren".to_owned(), SIREN.to_owned())]).expect("valid call")
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len().saturating_sub(1)) as f64 * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

/// Sequential calls through an in-process throttle and a shared one,
/// interleaved, real minute: only the throttles' own cost differs.
async fn latency(url: &str) {
    let calls = 120;
    let server = MockServer::start().await.expect("the mock starts");
    let local = client(
        &server,
        Throttle::new(ThrottleConfig::new(&api_entreprise::PLATFORM)),
    );
    let fleet = format!("bench-latency-{}", std::process::id());
    let config = RedisConfig::new(url).fleet(fleet);
    let shared = client(
        &server,
        Throttle::redis_with(ThrottleConfig::new(&api_entreprise::PLATFORM), config)
            .expect("a valid URL"),
    );
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..calls {
        let t = Instant::now();
        local.execute_bytes(request(JSON_OP)).await.expect("call");
        a.push(t.elapsed());
        let t = Instant::now();
        shared.execute_bytes(request(JSON_OP)).await.expect("call");
        b.push(t.elapsed());
    }
    a.sort();
    b.sort();
    for p in [0.50, 0.99] {
        let (l, s) = (percentile(&a, p), percentile(&b, p));
        println!(
            "  p{:<2} in-process {l:>10.3?}  shared {s:>10.3?}  added {:>10.3?}",
            (p * 100.0) as u32,
            s.saturating_sub(l)
        );
    }
    server.shutdown().await;
}
