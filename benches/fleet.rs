//! Fleet benchmark: four clients with throttles of their own (four
//! processes, as far as the throttle can tell) × 16 tasks, one token, one
//! IP, against `apie-mock` enforcing the real rules with a scaled minute,
//! JSON and document endpoints together.
//!
//! `cargo bench --bench fleet --features redis` (`APIE_BENCH_MINUTE_MS`,
//! default 1000; `APIE_BENCH_WINDOWS`, default 6). Redis: the server
//! `API_ENTREPRISE_REDIS_TEST_URL` names, else one started here (the outage
//! scenario always starts its own: it stops it). Prints per group the
//! fleet's achieved / allowed rate, 429s, bans, Redis operations per call;
//! the baseline with in-process throttles only; Redis stopped for one window
//! mid-run; and the latency the shared throttle adds to a call that needs
//! no wait. Figures, not assertions: `tests/throttle_redis.rs` asserts.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use api_entreprise::runtime::throttle::{OnRedisFailure, RedisConfig};
use api_entreprise::runtime::{
    Client, Error, OperationMeta, Request, Throttle, ThrottleConfig, Token, Traceability,
};
use apie_mock::{MockConfig, MockServer};

const JSON_OP: &str = "api_entreprise_v4_insee_unites_legales";
const DOCUMENT_OP: &str = "api_entreprise_v4_acoss_attestations_sociales";
const SIREN: &str = "552049447";
const PROCESSES: usize = 4;
const TASKS: usize = 16;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Answered,
    TooManyRequests,
    Ban,
    Other,
}

/// One call: which group, when it left the limiter, how it ended.
struct Sample {
    json: bool,
    sent_at: Instant,
    outcome: Outcome,
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let minute = Duration::from_millis(env_or("APIE_BENCH_MINUTE_MS", 1000));
    let windows = env_or("APIE_BENCH_WINDOWS", 6) as u32;
    println!(
        "fleet bench: {PROCESSES} clients with throttles of their own x {TASKS} tasks (half JSON 250/min, half documents 50/min), one token, minute {minute:?}, {windows} windows"
    );
    let mut own = OwnRedis::start();
    let url = std::env::var("API_ENTREPRISE_REDIS_TEST_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| own.url());

    println!("\n[1] baseline: in-process throttles only");
    let run = |make: &dyn Fn() -> Throttle| (0..PROCESSES).map(|_| make()).collect::<Vec<_>>();
    scenario(
        minute,
        windows,
        run(&|| Throttle::new(ThrottleConfig::scaled(minute))),
        None,
    )
    .await;

    println!("\n[2] shared through Redis");
    let fleet = format!("bench-{}", std::process::id());
    let throttles = run(&|| redis_throttle(&url, &fleet, minute));
    scenario(minute, windows, throttles, None).await;

    println!("\n[3] shared through Redis, Redis stopped for one window mid-run (local share 1/{PROCESSES})");
    let fleet = format!("bench-outage-{}", std::process::id());
    let own_url = own.url();
    let throttles = run(&|| redis_throttle(&own_url, &fleet, minute));
    scenario(minute, windows, throttles, Some(&mut own)).await;

    println!("\n[4] added latency when no wait is needed: sequential calls (real minute, under the limit)");
    latency(&url).await;
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn redis_throttle(url: &str, fleet: &str, minute: Duration) -> Throttle {
    let config = RedisConfig::new(url)
        .fleet(fleet)
        .timeout(Duration::from_millis(100))
        .on_failure(OnRedisFailure::LocalShare(1.0 / PROCESSES as f64));
    Throttle::redis_with(ThrottleConfig::scaled(minute), config).expect("a valid URL")
}

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

/// Runs the load for `windows` windows and a half; with `outage`, stops
/// that Redis for one window after two, then starts it again (empty).
async fn scenario(
    minute: Duration,
    windows: u32,
    throttles: Vec<Throttle>,
    outage: Option<&mut OwnRedis>,
) {
    let server = MockServer::start_with(MockConfig {
        minute,
        ..MockConfig::default()
    })
    .await
    .expect("the mock starts");
    let clients: Vec<Client> = throttles.into_iter().map(|t| client(&server, t)).collect();
    let duration = minute * windows + minute / 2;
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for client in &clients {
        for task in 0..TASKS {
            let json = task % 2 == 0;
            let client = client.clone();
            tasks.spawn(async move {
                let request = request(if json { JSON_OP } else { DOCUMENT_OP });
                let mut samples = Vec::new();
                while start.elapsed() < duration {
                    let begun = Instant::now();
                    let result = client.execute_bytes(request.clone()).await;
                    let (waited, outcome) = match result {
                        Ok(r) => (r.throttled_for, Outcome::Answered),
                        Err(Error::Api(e)) if e.status == 429 => {
                            (Duration::ZERO, Outcome::TooManyRequests)
                        }
                        Err(Error::Api(_)) => (Duration::ZERO, Outcome::Answered),
                        Err(Error::PossibleBan { .. }) => (Duration::ZERO, Outcome::Ban),
                        Err(_) => (Duration::ZERO, Outcome::Other),
                    };
                    samples.push(Sample {
                        json,
                        sent_at: begun + waited,
                        outcome,
                    });
                    if outcome == Outcome::Ban {
                        break;
                    }
                }
                samples
            });
        }
    }
    if let Some(redis) = outage {
        tokio::time::sleep(minute * 2).await;
        redis.stop();
        tokio::time::sleep(minute).await;
        redis.restart();
    }
    let mut samples = Vec::new();
    while let Some(done) = tasks.join_next().await {
        samples.extend(done.expect("load task"));
    }
    samples.sort_by_key(|s| s.sent_at);
    for (label, json, limit) in [("json", true, 250), ("documents", false, 50)] {
        let mine: Vec<&Sample> = samples.iter().filter(|s| s.json == json).collect();
        report(label, &mine, minute, limit, start);
    }
    let mut ops = 0;
    let mut calls = 0;
    let mut fallbacks = 0;
    for client in &clients {
        if let Some(shared) = client.throttle_snapshot().shared {
            ops += shared.redis_ops;
            calls += shared.calls;
            fallbacks += shared.fallbacks;
        }
    }
    if calls > 0 {
        println!(
            "  redis: {ops} operations for {calls} calls counted there: {:.2} per call; {fallbacks} fallbacks to the local share",
            ops as f64 / calls as f64
        );
    }
    let stats = server.stats();
    println!(
        "  server: {} requests, {} answered 429, {} bans, {} connections dropped",
        stats.requests,
        stats.rate_limited,
        stats.bans(),
        stats.dropped
    );
    server.shutdown().await;
}

/// Calls grouped into windows: a window starts at a call sent more than a
/// quarter minute after the previous one.
fn windows(sent: &[Instant], minute: Duration) -> Vec<(Instant, usize)> {
    let mut out: Vec<(Instant, usize)> = Vec::new();
    let mut last: Option<Instant> = None;
    for &t in sent {
        match (last, out.last_mut()) {
            (Some(l), Some(w)) if t.duration_since(l) < minute / 4 => w.1 += 1,
            _ => out.push((t, 1)),
        }
        last = Some(t);
    }
    out
}

fn report(label: &str, samples: &[&Sample], minute: Duration, limit: u32, from: Instant) {
    let sent: Vec<Instant> = samples
        .iter()
        .filter(|s| s.outcome == Outcome::Answered)
        .map(|s| s.sent_at)
        .collect();
    let w: Vec<_> = windows(&sent, minute)
        .into_iter()
        .filter(|(t, _)| *t >= from)
        .collect();
    let ratio = if w.len() >= 3 {
        let complete = &w[..w.len() - 1];
        let calls: usize = complete.iter().map(|(_, n)| n).sum();
        let span = w[w.len() - 1].0.duration_since(w[0].0);
        let achieved = calls as f64 / span.as_secs_f64();
        let allowed = f64::from(limit) / minute.as_secs_f64();
        format!("{:.3} over {} windows", achieved / allowed, complete.len())
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

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len().saturating_sub(1)) as f64 * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

/// Sequential calls through an in-process throttle and a shared one,
/// interleaved, real minute: only the throttles' own cost differs.
async fn latency(url: &str) {
    let calls = 120;
    let server = MockServer::start().await.expect("the mock starts");
    let local = client(&server, Throttle::new(ThrottleConfig::default()));
    let fleet = format!("bench-latency-{}", std::process::id());
    let config = RedisConfig::new(url).fleet(fleet);
    let shared = client(
        &server,
        Throttle::redis_with(ThrottleConfig::default(), config).expect("a valid URL"),
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
