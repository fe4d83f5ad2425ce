//! The client's throttle against `apie-mock`, which counts, refuses and
//! bans like the real server (its minute scaled down). What is asserted is
//! the server's own tally: 429s it sent, bans it placed, connections it
//! dropped.

use std::time::{Duration, Instant};

use api_entreprise::runtime::{
    Error, OperationMeta, Request, RetryPolicy, Throttle, ThrottleConfig, Token,
};
use api_entreprise::{Client, Traceability};
use apie_mock::{MockConfig, MockServer};

const JSON_OP: &str = "api_entreprise_v4_insee_unites_legales";
const DOCUMENT_OP: &str = "api_entreprise_v4_acoss_attestations_sociales";
/// 5 calls a minute, a window of its own.
const FIVE_A_MINUTE_OP: &str = "api_entreprise_v4_dgfip_attestations_fiscales";
const SIREN: &str = "552049447";

async fn mock(config: MockConfig) -> MockServer {
    MockServer::start_with(config)
        .await
        .unwrap_or_else(|e| panic!("the mock must start: {e}"))
}

fn client(server: &MockServer, throttle: Throttle) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .token(Token::new(server.staging_token()))
        .traceability(Traceability::new("tests", "13002526500013", "throttle").unwrap())
        .throttle(throttle)
        .build()
        .unwrap()
}

fn op(id: &str) -> &'static OperationMeta {
    api_entreprise::find_operation(id).expect("in the spec")
}

fn request(id: &str) -> Request {
    Request::from_params(op(id), &[("siren".to_owned(), SIREN.to_owned())]).unwrap()
}

/// `calls` calls of `operation` from `tasks` concurrent tasks; every
/// outcome, in no particular order.
async fn hammer(
    client: &Client,
    operation: &'static str,
    tasks: usize,
    calls: usize,
) -> Vec<Result<u16, Error>> {
    let left = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(calls));
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..tasks {
        let (client, left) = (client.clone(), left.clone());
        set.spawn(async move {
            let mut outcomes = Vec::new();
            while left
                .fetch_update(
                    std::sync::atomic::Ordering::SeqCst,
                    std::sync::atomic::Ordering::SeqCst,
                    |n| n.checked_sub(1),
                )
                .is_ok()
            {
                let outcome = client.execute_bytes(request(operation)).await;
                outcomes.push(outcome.map(|r| r.status));
            }
            outcomes
        });
    }
    let mut all = Vec::new();
    while let Some(done) = set.join_next().await {
        all.extend(done.unwrap());
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heavy_concurrency_gets_no_429_and_no_ban() {
    let minute = Duration::from_millis(400);
    let server = mock(MockConfig {
        minute,
        // A single ignored 429 would ban the IP.
        tolerated_429s: 1,
        ..MockConfig::default()
    })
    .await;
    let client = client(
        &server,
        Throttle::new(ThrottleConfig::new(&api_entreprise::PLATFORM).scaled(minute)),
    );
    let started = Instant::now();
    // 64 tasks: three windows of JSON calls, and two of documents beside.
    let (json, documents) = tokio::join!(
        hammer(&client, JSON_OP, 48, 3 * 250),
        hammer(&client, DOCUMENT_OP, 16, 2 * 50)
    );
    let elapsed = started.elapsed();
    for outcome in json.iter().chain(&documents) {
        assert!(matches!(outcome, Ok(200)), "{outcome:?}");
    }
    let stats = server.stats();
    assert_eq!(stats.rate_limited, 0, "{stats:?}");
    assert_eq!(stats.bans(), 0, "{stats:?}");
    assert_eq!(stats.requests, 3 * 250 + 2 * 50);
    // Three JSON windows cannot fit in less than two window lengths.
    assert!(elapsed >= 2 * minute, "{elapsed:?}");
    let snapshot = client.throttle_snapshot();
    assert_eq!(snapshot.bucket("json").unwrap().sent, 750);
    assert_eq!(snapshot.bucket("documents").unwrap().sent, 100);
    assert_eq!(snapshot.bucket("ip").unwrap().sent, 850);
}

/// The client believes in 1 s windows; the server counts in `server_ms`.
async fn run_with_a_longer_server_window(server_ms: u64) -> (MockServer, Vec<Result<u16, Error>>) {
    let server = mock(MockConfig {
        minute: Duration::from_millis(server_ms),
        tolerated_429s: 1,
        ..MockConfig::default()
    })
    .await;
    let throttle = Throttle::new(
        ThrottleConfig::new(&api_entreprise::PLATFORM).scaled(Duration::from_secs(1)),
    );
    let client = client(&server, throttle);
    let outcomes = hammer(&client, FIVE_A_MINUTE_OP, 4, 7).await;
    (server, outcomes)
}

#[tokio::test]
async fn a_server_window_longer_than_ours_is_read_from_its_reset_header() {
    // 5 s against 1 s: far beyond the headers' one-second rounding, so the
    // window's end is taken from RateLimit-Reset and no call is refused.
    let started = Instant::now();
    let (server, outcomes) = run_with_a_longer_server_window(5_000).await;
    assert!(
        outcomes.iter().all(|o| matches!(o, Ok(200))),
        "{outcomes:?}"
    );
    let stats = server.stats();
    assert_eq!((stats.rate_limited, stats.bans()), (0, 0), "{stats:?}");
    assert!(started.elapsed() >= Duration::from_secs(4));
}

#[tokio::test]
async fn a_429_from_a_window_we_cannot_see_is_waited_out_never_ignored() {
    // 2 s against 1 s: within the headers' rounding, so the client opens its
    // next window too early and meets a 429. It must then send nothing more
    // to that bucket before Retry-After: one more 429 in the window and the
    // mock (tolerating one) bans the IP.
    let (server, outcomes) = run_with_a_longer_server_window(2_000).await;
    assert!(
        outcomes.iter().all(|o| matches!(o, Ok(200))),
        "{outcomes:?}"
    );
    let stats = server.stats();
    assert_eq!(stats.bans(), 0, "{stats:?}");
    assert!(
        stats.rate_limited <= 2,
        "one 429 per server window at most: {stats:?}"
    );
    assert_eq!(stats.answered_with(200), 7);
}

#[tokio::test]
async fn a_real_ban_trips_the_breaker_and_the_client_goes_silent() {
    // The client is told the IP may make 1000 calls; the server allows 4 and
    // bans the fifth, then drops every connection.
    let server = mock(MockConfig {
        minute: Duration::from_secs(60),
        ip_limits: vec![api_entreprise::runtime::Limit {
            calls: 4,
            window: Duration::from_secs(60),
        }],
        ..MockConfig::default()
    })
    .await;
    let throttle = Throttle::new(
        ThrottleConfig::new(&api_entreprise::PLATFORM).scaled(Duration::from_secs(60)),
    );
    let client = Client::builder()
        .base_url(server.base_url())
        .token(Token::new(server.staging_token()))
        .traceability(Traceability::new("tests", "13002526500013", "throttle").unwrap())
        .throttle(throttle.clone())
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    for _ in 0..4 {
        client.execute_bytes(request(JSON_OP)).await.unwrap();
    }
    let mut errors = Vec::new();
    for _ in 0..5 {
        errors.push(client.execute_bytes(request(JSON_OP)).await.unwrap_err());
    }
    // The first failing call makes its 3 attempts; the second's first 2
    // attempts trip the breaker (5 in a row without answer), and from then
    // on nothing is sent.
    assert!(matches!(errors[0], Error::Transport { .. }), "{errors:?}");
    assert!(
        errors[1..]
            .iter()
            .all(|e| matches!(e, Error::PossibleBan { .. })),
        "{errors:?}"
    );
    let stats = server.stats();
    assert!(stats.localhost_banned_until().is_some());
    assert_eq!(stats.answered_with(200), 4);
    assert_eq!(stats.dropped, 5, "{stats:?}");
    assert!(throttle.snapshot().possible_ban_until.is_some());
}
