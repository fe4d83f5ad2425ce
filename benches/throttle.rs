//! Throttling benchmark: how close to the allowed rate the client runs,
//! against `apie-mock` enforcing the real rules with a scaled minute, and
//! whether it ever gets a 429 or a ban.
//!
//! `cargo bench --bench throttle` (`APIE_BENCH_MINUTE_MS`, default 1000;
//! `APIE_BENCH_WINDOWS`, default 6). It prints, per scenario and bucket:
//! the achieved rate over the allowed one (calls of the complete windows,
//! over the time those windows took, against limit per minute), 429s
//! (client and server counts), bans, and the limiter's wait; then the
//! client's latency against a raw HTTP call when no wait is needed, in the
//! same run. Figures, not assertions: the tests assert behaviour.

use std::time::{Duration, Instant};

use api_entreprise::runtime::{Error, OperationMeta, Request, Throttle, ThrottleConfig, Token};
use api_entreprise::{Client, Traceability};
use apie_mock::{MockConfig, MockServer};

const JSON_OP: &str = "api_entreprise_v4_insee_unites_legales";
const DOCUMENT_OP: &str = "api_entreprise_v4_acoss_attestations_sociales";
/// A SIREN that passes the Luhn check; the mock answers the spec's example.
const SIREN: &str = "552049447";
const RECIPIENT: &str = "13002526500013";
const TASKS: usize = 64;

/// One call as the load saw it.
#[derive(Debug, Clone, Copy)]
struct Sample {
    /// Which series (client and operation) it belongs to.
    series: usize,
    /// When it left the limiter: start plus the time it waited.
    sent_at: Instant,
    /// Time waited in the limiter.
    waited: Duration,
    outcome: Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Answered,
    TooManyRequests,
    Ban,
    Other,
}

/// One series of the load: a client calling one operation.
struct Series {
    label: &'static str,
    client: Client,
    meta: &'static OperationMeta,
    tasks: usize,
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let minute = Duration::from_millis(env_or("APIE_BENCH_MINUTE_MS", 1000));
    let windows = env_or("APIE_BENCH_WINDOWS", 6) as u32;
    println!(
        "throttle bench: minute scaled to {minute:?}, {windows} windows per scenario, {TASKS} tasks"
    );
    one_token(minute, windows).await;
    two_tokens_one_ip(minute, windows).await;
    limit_lowered_mid_run(minute, windows).await;
    overhead().await;
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn mock(config: MockConfig) -> MockServer {
    MockServer::start_with(config)
        .await
        .unwrap_or_else(|e| panic!("the mock must start: {e}"))
}

fn client(server: &MockServer, token: String, throttle: Throttle) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .token(Token::new(token))
        .traceability(Traceability::new("benchmark", RECIPIENT, "throttle bench").unwrap())
        .throttle(throttle)
        .build()
        .expect("client")
}

fn request(meta: &'static OperationMeta) -> Request {
    Request::from_params(meta, &[("siren".to_owned(), SIREN.to_owned())]).expect("valid call")
}

fn op(id: &str) -> &'static OperationMeta {
    api_entreprise::find_operation(id).unwrap_or_else(|| panic!("{id} is in the spec"))
}

/// The staging token with another signature: a second token to the mock,
/// which checks the claims and not the signature.
fn second_token(token: &str) -> String {
    let (unsigned, _) = token.rsplit_once('.').expect("a JWT");
    format!("{unsigned}.c2Vjb25kLXRva2Vu")
}

/// Runs every series until `duration` has passed; returns every call.
async fn load(series: &[Series], duration: Duration) -> Vec<Sample> {
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (index, s) in series.iter().enumerate() {
        for _ in 0..s.tasks {
            let client = s.client.clone();
            let request = request(s.meta);
            tasks.spawn(async move {
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
                        series: index,
                        sent_at: begun + waited,
                        waited,
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
    let mut all = Vec::new();
    while let Some(done) = tasks.join_next().await {
        all.extend(done.expect("load task"));
    }
    all.sort_by_key(|s| s.sent_at);
    all
}

/// Calls grouped into windows: a window starts at a call sent more than a
/// quarter minute after the previous one (calls burst when a window opens).
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

/// Achieved over allowed rate of the complete windows of `sent`, counting
/// from the first window starting at or after `from`.
fn rate_ratio(
    sent: &[Instant],
    minute: Duration,
    limit: u32,
    from: Instant,
) -> Option<(f64, usize)> {
    let all = windows(sent, minute);
    let w: Vec<_> = all.into_iter().filter(|(t, _)| *t >= from).collect();
    // The last window may be cut short by the end of the run.
    if w.len() < 3 {
        return None;
    }
    let complete = &w[..w.len() - 1];
    let calls: usize = complete.iter().map(|(_, n)| n).sum();
    let span = w[w.len() - 1].0.duration_since(w[0].0);
    let achieved = calls as f64 / span.as_secs_f64();
    let allowed = f64::from(limit) / minute.as_secs_f64();
    Some((achieved / allowed, complete.len()))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

/// Prints one bucket's figures.
fn report(label: &str, samples: &[&Sample], minute: Duration, limit: u32, from: Instant) {
    let sent: Vec<Instant> = samples.iter().map(|s| s.sent_at).collect();
    let mut waits: Vec<Duration> = samples.iter().map(|s| s.waited).collect();
    waits.sort();
    let count = |o| samples.iter().filter(|s| s.outcome == o).count();
    let ratio = rate_ratio(&sent, minute, limit, from).map_or_else(
        || "n/a (fewer than 3 windows)".to_owned(),
        |(r, n)| format!("{r:.3} over {n} windows"),
    );
    println!(
        "  {label:<28} limit {limit:>4}/min  achieved/allowed {ratio}  calls {:>5}  429s {}  bans {}  other errors {}  limiter wait p50 {:?} p99 {:?}",
        samples.len(),
        count(Outcome::TooManyRequests),
        count(Outcome::Ban),
        count(Outcome::Other),
        percentile(&waits, 0.50),
        percentile(&waits, 0.99),
    );
}

fn server_line(server: &MockServer) {
    let stats = server.stats();
    println!(
        "  server: {} requests, {} answered 429, {} bans, {} connections dropped",
        stats.requests,
        stats.rate_limited,
        stats.bans(),
        stats.dropped
    );
}

async fn one_token(minute: Duration, windows: u32) {
    println!("\n[1] one token, {TASKS} tasks: half on a JSON endpoint (250/min), half on a document endpoint (50/min)");
    let server = mock(MockConfig {
        minute,
        ..MockConfig::default()
    })
    .await;
    let token = server.staging_token();
    let client = client(
        &server,
        token,
        Throttle::new(ThrottleConfig::new(&api_entreprise::PLATFORM).scaled(minute)),
    );
    let series = [
        Series {
            label: "json (v4 unites_legales)",
            client: client.clone(),
            meta: op(JSON_OP),
            tasks: TASKS / 2,
        },
        Series {
            label: "documents (v4 attestations)",
            client,
            meta: op(DOCUMENT_OP),
            tasks: TASKS / 2,
        },
    ];
    let start = Instant::now();
    let samples = load(&series, minute * windows + minute / 2).await;
    for (i, (s, limit)) in series.iter().zip([250, 50]).enumerate() {
        let mine: Vec<&Sample> = samples.iter().filter(|x| x.series == i).collect();
        report(s.label, &mine, minute, limit, start);
    }
    server_line(&server);
    server.shutdown().await;
}

async fn two_tokens_one_ip(minute: Duration, windows: u32) {
    let ip_limit = 400;
    println!(
        "\n[2] two clients, two tokens, one IP allowed {ip_limit}/min (below the tokens' 2 × 250): {} tasks each on JSON",
        TASKS / 2
    );
    let server = mock(MockConfig {
        minute,
        ip_limits: vec![api_entreprise::runtime::Limit {
            calls: ip_limit,
            window: api_entreprise::PLATFORM.window,
        }],
        ..MockConfig::default()
    })
    .await;
    let token = server.staging_token();
    let throttle = Throttle::new(
        ThrottleConfig::new(&api_entreprise::PLATFORM)
            .scaled(minute)
            .ip_limit(ip_limit),
    );
    let series = [
        Series {
            label: "token A",
            client: client(&server, token.clone(), throttle.clone()),
            meta: op(JSON_OP),
            tasks: TASKS / 2,
        },
        Series {
            label: "token B",
            client: client(&server, second_token(&token), throttle),
            meta: op(JSON_OP),
            tasks: TASKS / 2,
        },
    ];
    let start = Instant::now();
    let samples = load(&series, minute * windows + minute / 2).await;
    let all: Vec<&Sample> = samples.iter().collect();
    report("ip (both tokens)", &all, minute, ip_limit, start);
    for (i, s) in series.iter().enumerate() {
        let n = samples.iter().filter(|x| x.series == i).count();
        println!("  {:<28} {n} calls", s.label);
    }
    server_line(&server);
    server.shutdown().await;
}

async fn limit_lowered_mid_run(minute: Duration, windows: u32) {
    let lowered = 150;
    println!(
        "\n[3] the server lowers the JSON limit from 250 to {lowered} mid-run, told only by its headers"
    );
    let server = mock(MockConfig {
        minute,
        ..MockConfig::default()
    })
    .await;
    let token = server.staging_token();
    let series = [Series {
        label: "json",
        client: client(
            &server,
            token,
            Throttle::new(ThrottleConfig::new(&api_entreprise::PLATFORM).scaled(minute)),
        ),
        meta: op(JSON_OP),
        tasks: TASKS,
    }];
    let run = minute * (2 * windows) + minute / 2;
    let change_after = minute * windows;
    let started = Instant::now();
    let (samples, ()) = tokio::join!(load(&series, run), async {
        tokio::time::sleep(change_after).await;
        server.set_limit("json", lowered).expect("json bucket");
    });
    let changed_at = started + change_after;
    let before: Vec<&Sample> = samples.iter().filter(|s| s.sent_at < changed_at).collect();
    let after: Vec<&Sample> = samples.iter().filter(|s| s.sent_at >= changed_at).collect();
    report("json before the change", &before, minute, 250, started);
    // The window open at the change keeps its limit; the next ones have the new one.
    report(
        "json after the change",
        &after,
        minute,
        lowered,
        changed_at + minute,
    );
    server_line(&server);
    server.shutdown().await;
}

/// Latency of a call that needs no wait, through the client and as a raw
/// HTTP request, interleaved in the same run.
async fn overhead() {
    let calls = 120;
    println!("\n[4] added latency when no wait is needed: {calls} sequential calls (real minute, under the limit)");
    let server = mock(MockConfig::default()).await;
    let token = server.staging_token();
    let client = client(
        &server,
        token.clone(),
        Throttle::new(ThrottleConfig::new(&api_entreprise::PLATFORM)),
    );
    let raw = reqwest::Client::new();
    let url = format!(
        "{}/v4/insee/sirene/unites_legales/{SIREN}?context=benchmark&recipient={RECIPIENT}&object=throttle+bench",
        server.base_url()
    );
    let meta = op(JSON_OP);
    let (mut through_client, mut direct) = (Vec::new(), Vec::new());
    for _ in 0..calls {
        let t = Instant::now();
        client.execute_bytes(request(meta)).await.expect("call");
        through_client.push(t.elapsed());
        let t = Instant::now();
        let r = raw
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .expect("raw call");
        r.bytes().await.expect("raw body");
        direct.push(t.elapsed());
    }
    through_client.sort();
    direct.sort();
    for p in [0.50, 0.99] {
        let (c, d) = (percentile(&through_client, p), percentile(&direct, p));
        println!(
            "  p{:<2} client {c:>10.3?}  raw HTTP {d:>10.3?}  added {:>10.3?}",
            (p * 100.0) as u32,
            c.saturating_sub(d)
        );
    }
    server_line(&server);
    server.shutdown().await;
}
