//! The throttle shared through a real Redis, against `apie-mock` (real
//! rules, scaled minute, the server's own tally): clients with separate
//! throttles stand for separate processes.
//!
//! Redis: the server `API_ENTREPRISE_REDIS_TEST_URL` names (`.ci/redis.sh
//! start`), else one started here when `redis-server` is on the PATH; the
//! test that stops and restarts Redis always starts its own. With
//! `APIE_REQUIRE_REDIS=1` (CI), a missing Redis fails the tests instead of
//! skipping them.

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use api_entreprise::runtime::throttle::{OnRedisFailure, RedisConfig};
use api_entreprise::runtime::{
    CallOptions, Error, OperationMeta, Request, RetryPolicy, Throttle, ThrottleConfig, Token,
};
use api_entreprise::{Client, Traceability};
use apie_mock::{MockConfig, MockServer};

const JSON_OP: &str = "api_entreprise_v4_insee_unites_legales";
const DOCUMENT_OP: &str = "api_entreprise_v4_acoss_attestations_sociales";
const FIVE_A_MINUTE_OP: &str = "api_entreprise_v4_dgfip_attestations_fiscales";
const SIREN: &str = "552049447";

/// A `redis-server` this test started: on a free loopback port, no
/// persistence; killed when dropped.
struct OwnRedis {
    port: u16,
    child: Option<Child>,
}

impl OwnRedis {
    fn start() -> Option<OwnRedis> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let mut redis = OwnRedis { port, child: None };
        redis.restart().then_some(redis)
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// (Re)starts the server on its port, empty.
    fn restart(&mut self) -> bool {
        let spawned = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let Ok(child) = spawned else {
            return false;
        };
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
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

/// Where the tests find Redis; `None`: skip (not under CI).
enum Redis {
    Given(String),
    Own(OwnRedis),
}

impl Redis {
    fn url(&self) -> String {
        match self {
            Redis::Given(url) => url.clone(),
            Redis::Own(own) => own.url(),
        }
    }
}

fn required() -> bool {
    std::env::var("APIE_REQUIRE_REDIS").is_ok_and(|v| v == "1")
}

fn redis() -> Option<Redis> {
    if let Some(url) = std::env::var("API_ENTREPRISE_REDIS_TEST_URL")
        .ok()
        .filter(|v| !v.is_empty())
    {
        return Some(Redis::Given(url));
    }
    assert!(
        !required(),
        "APIE_REQUIRE_REDIS=1 but API_ENTREPRISE_REDIS_TEST_URL is not set (eval \"$(.ci/redis.sh start)\")"
    );
    let own = OwnRedis::start().map(Redis::Own);
    if own.is_none() {
        eprintln!(
            "skipped: no Redis (set API_ENTREPRISE_REDIS_TEST_URL or put redis-server on the PATH)"
        );
    }
    own
}

fn own_redis() -> Option<OwnRedis> {
    let own = OwnRedis::start();
    assert!(
        own.is_some() || !required(),
        "APIE_REQUIRE_REDIS=1 but redis-server cannot be started"
    );
    if own.is_none() {
        eprintln!("skipped: redis-server is not on the PATH");
    }
    own
}

/// A fleet name of its own per test, so tests sharing a server do not
/// share counters.
fn fleet_name(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{test}-{}-{nanos}", std::process::id())
}

/// A throttle of its own (a process of its own) in `fleet`.
fn shared(fleet: &str, minute: Duration, config: RedisConfig) -> Throttle {
    Throttle::redis_with(
        ThrottleConfig::new(&api_entreprise::PLATFORM).scaled(minute),
        config.fleet(fleet),
    )
    .expect("a valid Redis URL")
}

async fn mock(config: MockConfig) -> MockServer {
    MockServer::start_with(config)
        .await
        .unwrap_or_else(|e| panic!("the mock must start: {e}"))
}

fn client(server: &MockServer, throttle: Throttle, retry: RetryPolicy) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .token(Token::new(server.staging_token()))
        .traceability(Traceability::new("tests", "13002526500013", "fleet").unwrap())
        .throttle(throttle)
        .retry(retry)
        .build()
        .unwrap()
}

fn request(id: &str) -> Request {
    let meta: &'static OperationMeta = api_entreprise::find_operation(id).expect("in the spec");
    Request::from_params(meta, &[("siren".to_owned(), SIREN.to_owned())]).unwrap()
}

/// `calls` calls of `operation` from `tasks` tasks of each client, shared.
async fn hammer(
    clients: &[Client],
    operation: &'static str,
    tasks: usize,
    calls: usize,
) -> Vec<Result<u16, Error>> {
    let left = Arc::new(AtomicUsize::new(calls));
    let mut set = tokio::task::JoinSet::new();
    for client in clients {
        for _ in 0..tasks {
            let (client, left) = (client.clone(), left.clone());
            set.spawn(async move {
                let mut outcomes = Vec::new();
                while left
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok()
                {
                    let outcome = client.execute_bytes(request(operation)).await;
                    outcomes.push(outcome.map(|r| r.status));
                }
                outcomes
            });
        }
    }
    let mut all = Vec::new();
    while let Some(done) = set.join_next().await {
        all.extend(done.unwrap());
    }
    all
}

/// Every key of `fleet` in the server at `url`, with each one's TTL and
/// its whole content as text.
async fn dump(url: &str, fleet: &str) -> Vec<(String, i64, String)> {
    let client = redis::Client::open(url).unwrap();
    let mut con = client.get_multiplexed_async_connection().await.unwrap();
    let mut cursor: u64 = 0;
    let mut keys: Vec<String> = Vec::new();
    loop {
        let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("COUNT")
            .arg(1000)
            .query_async(&mut con)
            .await
            .unwrap();
        keys.extend(batch);
        cursor = next;
        if cursor == 0 {
            break;
        }
    }
    let mut out = Vec::new();
    for key in keys
        .into_iter()
        .filter(|k| k.contains(&format!("{{{fleet}}}")))
    {
        let ttl: i64 = redis::cmd("PTTL")
            .arg(&key)
            .query_async(&mut con)
            .await
            .unwrap();
        let kind: String = redis::cmd("TYPE")
            .arg(&key)
            .query_async(&mut con)
            .await
            .unwrap();
        let content: redis::Value = match kind.as_str() {
            "hash" => redis::cmd("HGETALL")
                .arg(&key)
                .query_async(&mut con)
                .await
                .unwrap(),
            "zset" => redis::cmd("ZRANGE")
                .arg(&key)
                .arg(0)
                .arg(-1)
                .arg("WITHSCORES")
                .query_async(&mut con)
                .await
                .unwrap(),
            _ => redis::cmd("GET")
                .arg(&key)
                .query_async(&mut con)
                .await
                .unwrap(),
        };
        out.push((key, ttl, format!("{content:?}")));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_clients_with_their_own_throttles_share_one_budget_no_429() {
    let Some(redis) = redis() else { return };
    let minute = Duration::from_millis(500);
    let server = mock(MockConfig {
        minute,
        // A single ignored 429 would ban the IP.
        tolerated_429s: 1,
        ..MockConfig::default()
    })
    .await;
    let fleet = fleet_name("budget");
    let clients: Vec<Client> = (0..2)
        .map(|_| {
            let throttle = shared(&fleet, minute, RedisConfig::new(redis.url()));
            client(&server, throttle, RetryPolicy::default())
        })
        .collect();
    let started = Instant::now();
    let (json, documents) = tokio::join!(
        hammer(&clients, JSON_OP, 12, 3 * 250),
        hammer(&clients, DOCUMENT_OP, 4, 2 * 50)
    );
    let elapsed = started.elapsed();
    for outcome in json.iter().chain(&documents) {
        assert!(matches!(outcome, Ok(200)), "{outcome:?}");
    }
    let stats = server.stats();
    assert_eq!((stats.rate_limited, stats.bans()), (0, 0), "{stats:?}");
    assert_eq!(stats.requests, 3 * 250 + 2 * 50);
    // Together they sent three JSON windows: they cannot fit in less than two.
    assert!(elapsed >= 2 * minute, "{elapsed:?}");
    let snapshots: Vec<_> = clients.iter().map(|c| c.throttle_snapshot()).collect();
    let sent: u64 = snapshots
        .iter()
        .map(|s| s.bucket("json").unwrap().sent)
        .sum();
    assert_eq!(sent, 750);
    assert!(
        snapshots.iter().all(|s| s.bucket("json").unwrap().sent > 0),
        "both clients took part"
    );
    let shared = snapshots[0].shared.as_ref().expect("a shared throttle");
    assert_eq!(shared.mode, "redis");
    assert!(
        shared.ops_per_call() > 0.0 && shared.ops_per_call() < 6.0,
        "{shared:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_in_one_closes_the_bucket_in_the_other() {
    let Some(redis) = redis() else { return };
    let minute = Duration::from_secs(3);
    let server = mock(MockConfig {
        minute,
        ..MockConfig::default()
    })
    .await;
    // Someone outside the fleet uses the token's 5 calls of this window.
    let outsider = client(
        &server,
        Throttle::new(ThrottleConfig::new(&api_entreprise::PLATFORM).scaled(minute)),
        RetryPolicy::none(),
    );
    for _ in 0..5 {
        outsider
            .execute_bytes(request(FIVE_A_MINUTE_OP))
            .await
            .unwrap();
    }
    let fleet = fleet_name("closure");
    let a = client(
        &server,
        shared(&fleet, minute, RedisConfig::new(redis.url())),
        RetryPolicy::none(),
    );
    let b_throttle = shared(&fleet, minute, RedisConfig::new(redis.url()));
    let b = client(&server, b_throttle.clone(), RetryPolicy::none());
    let refused = a
        .execute_bytes(request(FIVE_A_MINUTE_OP))
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(429), "{refused:?}");
    let before = server.stats().requests;
    // B has never called: it learns the closure from Redis alone.
    let deadline = Instant::now() + Duration::from_secs(2);
    let closed = loop {
        let snapshot = b_throttle.shared_snapshot().await;
        let closed = snapshot
            .buckets
            .iter()
            .find(|bucket| bucket.bucket == FIVE_A_MINUTE_OP)
            .and_then(|bucket| bucket.closed_for);
        if closed.is_some() || Instant::now() > deadline {
            break closed;
        }
        // B's snapshot lists only buckets it used: one call registers them.
        let _ = b
            .execute_bytes(
                request(FIVE_A_MINUTE_OP).call_options_max_wait(Duration::from_millis(1)),
            )
            .await;
    };
    assert!(closed.is_some(), "B sees the bucket closed");
    let not_sent = b
        .execute_bytes(request(FIVE_A_MINUTE_OP).call_options_max_wait(Duration::from_millis(50)))
        .await
        .unwrap_err();
    assert!(matches!(not_sent, Error::Throttled { .. }), "{not_sent:?}");
    assert_eq!(
        server.stats().requests,
        before,
        "B sent nothing to the closed bucket"
    );
    assert_eq!(server.stats().rate_limited, 1);
}

/// A call that fails with `Error::Throttled` rather than wait past `d`.
trait MaxWait {
    fn call_options_max_wait(self, d: Duration) -> Request;
}

impl MaxWait for Request {
    fn call_options_max_wait(mut self, d: Duration) -> Request {
        self.options(CallOptions {
            max_wait: Some(d),
            ..CallOptions::default()
        });
        self
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_breaker_tripped_by_one_stops_the_other() {
    let Some(redis) = redis() else { return };
    // The server allows 4 calls from the IP and bans the fifth.
    let minute = Duration::from_secs(60);
    let server = mock(MockConfig {
        minute,
        ip_limits: vec![api_entreprise::runtime::Limit {
            calls: 4,
            window: Duration::from_secs(60),
        }],
        ..MockConfig::default()
    })
    .await;
    let fleet = fleet_name("breaker");
    let retry = RetryPolicy {
        initial_backoff: Duration::from_millis(10),
        ..RetryPolicy::default()
    };
    let a = client(
        &server,
        shared(&fleet, minute, RedisConfig::new(redis.url())),
        retry.clone(),
    );
    let b_throttle = shared(&fleet, minute, RedisConfig::new(redis.url()));
    let b = client(&server, b_throttle.clone(), retry);
    for _ in 0..4 {
        a.execute_bytes(request(JSON_OP)).await.unwrap();
    }
    let mut errors = Vec::new();
    for _ in 0..3 {
        errors.push(a.execute_bytes(request(JSON_OP)).await.unwrap_err());
    }
    assert!(
        matches!(errors.last(), Some(Error::PossibleBan { .. })),
        "{errors:?}"
    );
    let dropped = server.stats().dropped;
    assert_eq!(dropped, 5, "five calls without answer trip the breaker");
    // B learns the trip from Redis: its calls fail at once, unsent.
    let deadline = Instant::now() + Duration::from_secs(2);
    while b_throttle
        .shared_snapshot()
        .await
        .possible_ban_until
        .is_none()
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let before = server.stats();
    let stopped = b.execute_bytes(request(JSON_OP)).await.unwrap_err();
    assert!(matches!(stopped, Error::PossibleBan { .. }), "{stopped:?}");
    let stats = server.stats();
    assert_eq!(
        (stats.dropped, stats.requests),
        (before.dropped, before.requests),
        "B sent nothing: {stats:?}"
    );
    // Lifted for the whole fleet by either.
    b_throttle.reset_breaker();
    let deadline = Instant::now() + Duration::from_secs(2);
    while a
        .throttle()
        .shared_snapshot()
        .await
        .possible_ban_until
        .is_some()
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(a
        .throttle()
        .shared_snapshot()
        .await
        .possible_ban_until
        .is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_stopped_then_restarted_mid_run_still_no_429() {
    let Some(mut redis) = own_redis() else { return };
    let minute = Duration::from_millis(500);
    let server = mock(MockConfig {
        minute,
        tolerated_429s: 1,
        ..MockConfig::default()
    })
    .await;
    let fleet = fleet_name("outage");
    let config = || {
        RedisConfig::new(redis.url())
            .timeout(Duration::from_millis(100))
            .on_failure(OnRedisFailure::LocalShare(0.5))
    };
    let clients: Vec<Client> = (0..2)
        .map(|_| {
            client(
                &server,
                shared(&fleet, minute, config()),
                RetryPolicy::default(),
            )
        })
        .collect();
    let run = minute * 9;
    let started = Instant::now();
    let load = async {
        let mut outcomes = Vec::new();
        let mut set = tokio::task::JoinSet::new();
        for client in &clients {
            for _ in 0..8 {
                let client = client.clone();
                set.spawn(async move {
                    let mut out = Vec::new();
                    while started.elapsed() < run {
                        out.push(
                            client
                                .execute_bytes(request(JSON_OP))
                                .await
                                .map(|r| r.status),
                        );
                    }
                    out
                });
            }
        }
        while let Some(done) = set.join_next().await {
            outcomes.extend(done.unwrap());
        }
        outcomes
    };
    let outage = async {
        tokio::time::sleep(minute * 2).await;
        redis.stop();
        tokio::time::sleep(minute * 2).await;
        assert!(redis.restart(), "redis-server restarts");
    };
    let (outcomes, ()) = tokio::join!(load, outage);
    let stats = server.stats();
    assert_eq!((stats.rate_limited, stats.bans()), (0, 0), "{stats:?}");
    assert!(
        outcomes.iter().all(|o| matches!(o, Ok(200))),
        "{:?}",
        outcomes.iter().find(|o| !matches!(o, Ok(200)))
    );
    for client in &clients {
        let snapshot = client.throttle_snapshot();
        let shared = snapshot.shared.unwrap();
        assert!(shared.fallbacks >= 1, "{shared:?}");
        assert_eq!(shared.mode, "redis", "back on Redis: {shared:?}");
    }
    // Both kept calling through the outage and after it.
    assert!(stats.requests > 3 * 250, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_expire_and_the_token_appears_nowhere_in_redis() {
    let Some(redis) = redis() else { return };
    let minute = Duration::from_millis(300);
    let server = mock(MockConfig {
        minute,
        ..MockConfig::default()
    })
    .await;
    let fleet = fleet_name("expiry");
    let throttle = shared(&fleet, minute, RedisConfig::new(redis.url()).grace(minute));
    let c = client(&server, throttle, RetryPolicy::none());
    for operation in [JSON_OP, DOCUMENT_OP, FIVE_A_MINUTE_OP, JSON_OP] {
        c.execute_bytes(request(operation)).await.unwrap();
    }
    let keys = dump(&redis.url(), &fleet).await;
    assert!(
        keys.len() >= 6,
        "buckets, epoch, members, breaker: {keys:?}"
    );
    let token = server.staging_token();
    let parts: Vec<&str> = token.split('.').filter(|p| p.len() >= 8).collect();
    for (key, ttl, content) in &keys {
        assert!(*ttl > 0, "{key} expires by itself (PTTL {ttl})");
        for part in parts.iter().copied().chain([token.as_str()]) {
            assert!(
                !key.contains(part) && !content.contains(part),
                "{key} holds the token"
            );
        }
    }
    // Once the process is gone (its heartbeat with it), everything goes
    // within the longest TTL left.
    drop(c);
    tokio::time::sleep(minute).await;
    let keys = dump(&redis.url(), &fleet).await;
    let longest = keys
        .iter()
        .map(|(_, ttl, _)| *ttl)
        .max()
        .unwrap_or(0)
        .max(0) as u64;
    tokio::time::sleep(Duration::from_millis(longest + 100)).await;
    let left = dump(&redis.url(), &fleet).await;
    assert!(left.is_empty(), "{left:?}");
}
