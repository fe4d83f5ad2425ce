//! The rate limiter, seen from the wire: what reaches the server, when, in
//! which order, and what a caller gets when it cannot wait.
//!
//! Scripted servers (wiremock, a raw TCP listener) play the server's part
//! where a test needs exact headers or silence; `apie-mock`, whose time is
//! scaled, plays it where the real server's counting matters.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use api_entreprise::runtime::{
    ApiVersion, CallOptions, Error, Limit, OperationMeta, Request, RetryPolicy, Throttle,
    ThrottleConfig, Token,
};
use api_entreprise::{Client, Traceability};
use support::meta::fake_operation;
use support::scripted::{Reply, Scripted};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

const JSON_OP: OperationMeta = fake_operation("test_json", "/v3/test/{siren}");

/// An operation allowed 5 calls a window, like DGFIP's fiscal certificate.
const SLOW_OP: OperationMeta = OperationMeta {
    group: &api_entreprise::platform::GROUP_DOCUMENTS,
    own_limit: Some(Limit {
        calls: 5,
        window: Duration::from_secs(60),
    }),
    ..fake_operation("test_five_a_minute", "/v3/five/{siren}")
};

const MONITORING_OP: OperationMeta = OperationMeta {
    operation_id: "test_monitoring",
    version: ApiVersion::Unversioned,
    path: "/current_status",
    group: &api_entreprise::platform::GROUP_MONITORING,
    auth: api_entreprise::runtime::AuthScheme::None,
    traceability: &[],
    ..fake_operation("test_monitoring", "/current_status")
};

fn client_with(base_url: &str, token: &str, throttle: Throttle) -> Client {
    Client::builder()
        .base_url(base_url)
        .token(Token::new(token.to_owned()))
        .traceability(Traceability::new("tests", "13002526500013", "throttle").unwrap())
        .retry(RetryPolicy::none())
        .throttle(throttle)
        .build()
        .unwrap()
}

fn scaled(minute_ms: u64) -> Throttle {
    Throttle::new(
        ThrottleConfig::new(&api_entreprise::PLATFORM).scaled(Duration::from_millis(minute_ms)),
    )
}

fn call(meta: &'static OperationMeta, tag: usize) -> Request {
    let prefix = meta.path.split('{').next().unwrap_or("/");
    let mut request = Request::new(meta, format!("{prefix}418166096"));
    request.query("tag", tag.to_string());
    request
}

fn epoch_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": {}}))
}

async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap_or_default()
}

// On tokio's paused clock with the API's real minute, against a server on the
// test's runtime: the two minutes of waiting take no real time, and are
// asserted to the second.
#[tokio::test(start_paused = true)]
async fn calls_beyond_the_limit_wait_for_the_next_window_and_go_in_arrival_order() {
    let server = Scripted::start(vec![Reply::new(200, serde_json::json!({"data": {}}))]).await;
    let minute = Duration::from_secs(60);
    let client = client_with(
        &server.url,
        "token-fifo",
        Throttle::new(ThrottleConfig::new(&api_entreprise::PLATFORM).scaled(minute)),
    );
    let started = tokio::time::Instant::now();
    let mut tasks = Vec::new();
    for tag in 0..12 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            client.execute_bytes(call(&SLOW_OP, tag)).await
        }));
        // Each task is queued before the next one is started.
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    for task in tasks {
        task.await.unwrap().expect("every call ends well");
    }
    let order: Vec<usize> = server
        .targets()
        .iter()
        .map(|t| {
            t.rsplit("tag=")
                .next()
                .and_then(|v| v.parse().ok())
                .expect("tag")
        })
        .collect();
    // First come, first served: each window takes the next five in line.
    // Within a window the calls leave together, and which connection opens
    // first is the network's business, so only the windows' sets are checked.
    let windows: Vec<std::collections::BTreeSet<usize>> = order
        .chunks(5)
        .map(|w| w.iter().copied().collect())
        .collect();
    let expected: Vec<std::collections::BTreeSet<usize>> = [0..5, 5..10, 10..12]
        .into_iter()
        .map(|r| r.collect())
        .collect();
    assert_eq!(windows, expected, "first come, first served: {order:?}");
    // 5 a window: 12 calls need three windows, so two full windows of waiting,
    // and not a second more.
    let waited = started.elapsed();
    assert!(
        waited >= 2 * minute && waited < 2 * minute + Duration::from_secs(1),
        "{waited:?}"
    );
    let snapshot = client.throttle_snapshot();
    let bucket = snapshot.bucket("test_five_a_minute").expect("own bucket");
    assert_eq!((bucket.limit, bucket.sent), (5, 12));
    assert!(bucket.waits >= 7, "{bucket:?}");
    assert_eq!(snapshot.bucket("documents").unwrap().sent, 12);
}

#[tokio::test]
async fn a_caller_that_will_not_wait_gets_try_again_at_and_nothing_is_sent() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ok()).mount(&server).await;
    let client = client_with(&server.uri(), "token-fail-fast", scaled(60_000));
    for tag in 0..5 {
        client.execute_bytes(call(&SLOW_OP, tag)).await.unwrap();
    }
    let mut request = call(&SLOW_OP, 5);
    request.options(CallOptions {
        max_wait: Some(Duration::from_millis(50)),
        ..CallOptions::default()
    });
    let before = SystemTime::now();
    let err = client.execute_bytes(request).await.expect_err("full");
    let Error::Throttled {
        retry_at, bucket, ..
    } = &err
    else {
        panic!("expected Throttled, got {err:?}");
    };
    assert_eq!(bucket, "test_five_a_minute");
    let wait = retry_at.duration_since(before).unwrap();
    assert!(
        wait > Duration::from_secs(55) && wait <= Duration::from_secs(61),
        "{wait:?}"
    );
    assert_eq!(received(&server).await.len(), 5);
}

/// Answers like a server whose limit is 3, with its own count.
struct LimitedTo3 {
    calls: AtomicUsize,
}

impl Respond for LimitedTo3 {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let reset = (epoch_now() + 60).to_string();
        let template = if n > 3 {
            ResponseTemplate::new(429).insert_header("Retry-After", "60")
        } else {
            ok()
        };
        template
            .insert_header("RateLimit-Limit", "3")
            .insert_header(
                "RateLimit-Remaining",
                (3usize.saturating_sub(n)).to_string(),
            )
            .insert_header("RateLimit-Reset", reset)
    }
}

#[tokio::test]
async fn a_limit_lowered_by_the_servers_headers_is_obeyed_at_once() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(LimitedTo3 {
            calls: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    // The metadata says 250; the server says 3.
    let client = client_with(&server.uri(), "token-lowered", scaled(60_000));
    let mut outcomes = Vec::new();
    for tag in 0..5 {
        let mut request = call(&JSON_OP, tag);
        request.options(CallOptions {
            max_wait: Some(Duration::from_millis(100)),
            ..CallOptions::default()
        });
        outcomes.push(client.execute_bytes(request).await);
    }
    assert!(outcomes[..3].iter().all(Result::is_ok), "{outcomes:?}");
    for outcome in &outcomes[3..] {
        assert!(
            matches!(outcome, Err(Error::Throttled { .. })),
            "{outcome:?}"
        );
    }
    assert_eq!(
        received(&server).await.len(),
        3,
        "no call was refused a 429"
    );
    let json = client.throttle_snapshot();
    let json = json.bucket("json").unwrap();
    assert_eq!((json.limit, json.used, json.too_many_requests), (3, 3, 0));
}

#[tokio::test(start_paused = true)]
async fn retry_after_as_an_http_date_is_read_against_the_servers_date() {
    // The server's clock is in 1994: only the difference between its Date
    // and its Retry-After means anything.
    let server = Scripted::start(vec![
        Reply::new(429, serde_json::json!({"errors": [{"code": "00429"}]}))
            .header("Date", "Sun, 06 Nov 1994 08:49:37 GMT")
            .header("Retry-After", "Sun, 06 Nov 1994 08:49:39 GMT"),
        Reply::new(200, serde_json::json!({"data": {}})),
    ])
    .await;
    let client = Client::builder()
        .base_url(&server.url)
        .token(Token::new("token-http-date".into()))
        .traceability(Traceability::new("tests", "13002526500013", "throttle").unwrap())
        .throttle(scaled(60_000))
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let response = client.execute_bytes(call(&JSON_OP, 0)).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(response.status, 200);
    // On the paused clock the wait is exact: 2 s, not a moment less, and not
    // the 29 years between the server's Date and ours.
    // (plus the throttle's margin, a five-hundredth of the minute).
    assert!(
        elapsed >= Duration::from_secs(2) && elapsed <= Duration::from_millis(2130),
        "waited {elapsed:?} for a Retry-After 2 s after the server's Date"
    );
    assert_eq!(server.received(), 2);
    assert_eq!(
        client
            .throttle_snapshot()
            .bucket("json")
            .unwrap()
            .too_many_requests,
        1
    );
}

#[tokio::test]
async fn monitoring_counts_only_against_the_ip() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ok()).mount(&server).await;
    let throttle = scaled(60_000);
    let client = client_with(&server.uri(), "token-monitoring", throttle.clone());
    for tag in 0..3 {
        client
            .execute_bytes(call(&MONITORING_OP, tag))
            .await
            .unwrap();
    }
    client.execute_bytes(call(&JSON_OP, 3)).await.unwrap();
    let snapshot = throttle.snapshot();
    let buckets: Vec<(&str, u64)> = snapshot
        .buckets
        .iter()
        .map(|b| (b.bucket.as_str(), b.sent))
        .collect();
    assert_eq!(buckets, [("ip", 4), ("json", 1)], "{snapshot:?}");
}

#[tokio::test]
async fn clients_with_different_tokens_share_the_ip_budget() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ok()).mount(&server).await;
    let throttle = Throttle::new(
        ThrottleConfig::new(&api_entreprise::PLATFORM)
            .scaled(Duration::from_secs(60))
            .ip_limit(6),
    );
    let a = client_with(&server.uri(), "token-a", throttle.clone());
    let b = client_with(&server.uri(), "token-b", throttle.clone());
    let mut outcomes = Vec::new();
    for tag in 0..5 {
        for client in [&a, &b] {
            let mut request = call(&JSON_OP, tag);
            request.options(CallOptions {
                max_wait: Some(Duration::from_millis(20)),
                ..CallOptions::default()
            });
            outcomes.push(client.execute_bytes(request).await);
        }
    }
    let sent = outcomes.iter().filter(|o| o.is_ok()).count();
    assert_eq!(sent, 6, "the IP's 6, all tokens together");
    assert_eq!(received(&server).await.len(), 6);
    let refused = outcomes.iter().find_map(|o| match o {
        Err(Error::Throttled { bucket, .. }) => Some(bucket.clone()),
        _ => None,
    });
    assert_eq!(
        refused.as_deref(),
        Some("ip"),
        "named after the full bucket"
    );
    let snapshot = throttle.snapshot();
    assert_eq!(snapshot.bucket("ip").unwrap().sent, 6);
    let tokens: Vec<_> = snapshot
        .buckets
        .iter()
        .filter(|b| b.bucket == "json")
        .map(|b| b.sent)
        .collect();
    assert_eq!(tokens, [3, 3], "two tokens, two buckets");
}

#[tokio::test]
async fn clients_built_without_a_throttle_share_one_per_base_url() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ok()).mount(&server).await;
    let build = |token: &str| {
        Client::builder()
            .base_url(server.uri())
            .token(Token::new(token.to_owned()))
            .traceability(Traceability::new("tests", "13002526500013", "throttle").unwrap())
            .build()
            .unwrap()
    };
    let (a, b) = (build("token-shared-1"), build("token-shared-2"));
    a.execute_bytes(call(&JSON_OP, 0)).await.unwrap();
    b.execute_bytes(call(&JSON_OP, 1)).await.unwrap();
    assert_eq!(a.throttle_snapshot().bucket("ip").unwrap().sent, 2);
    assert_eq!(
        a.throttle().config().ip_limits,
        api_entreprise::PLATFORM.ip_limits
    );
    assert_eq!(a.throttle().config().minute, Duration::from_secs(60));
}

/// A server that accepts connections and closes them without a byte, as a
/// banned IP sees API Entreprise; or, with `hang`, reads and never answers.
async fn silent_server(hang: bool) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    let held = Arc::new(Mutex::new(Vec::new()));
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            if hang {
                held.lock().unwrap().push(socket);
            }
        }
    });
    (url, accepted)
}

#[tokio::test]
async fn calls_without_any_answer_trip_the_ban_breaker_and_stop_all_traffic() {
    let (url, accepted) = silent_server(false).await;
    let throttle = Throttle::new(
        ThrottleConfig::new(&api_entreprise::PLATFORM).scaled(Duration::from_secs(60)),
    );
    let client = client_with(&url, "token-banned", throttle.clone());
    for tag in 0..5 {
        let err = client
            .execute_bytes(call(&JSON_OP, tag))
            .await
            .expect_err("no answer");
        assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    }
    let before = SystemTime::now();
    // Any endpoint, any token: all traffic to the host stops.
    let other = client_with(&url, "another-token", throttle.clone());
    let err = other
        .execute_bytes(call(&MONITORING_OP, 5))
        .await
        .expect_err("stopped");
    let Error::PossibleBan {
        until, failures, ..
    } = &err
    else {
        panic!("expected PossibleBan, got {err:?}");
    };
    assert_eq!(*failures, 5);
    let left = until.duration_since(before).unwrap();
    assert!(left > Duration::from_secs(11 * 3600), "{left:?}");
    assert!(err.to_string().contains("possible IP ban"), "{err}");
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        5,
        "nothing sent once tripped"
    );
    assert!(throttle.snapshot().possible_ban_until.is_some());

    throttle.reset_breaker();
    let err = client
        .execute_bytes(call(&JSON_OP, 6))
        .await
        .expect_err("still silent");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(accepted.load(Ordering::SeqCst), 6, "traffic resumed");
}

#[tokio::test]
async fn slow_answers_are_not_mistaken_for_a_ban() {
    let (url, accepted) = silent_server(true).await;
    let throttle = Throttle::new(
        ThrottleConfig::new(&api_entreprise::PLATFORM).scaled(Duration::from_secs(60)),
    );
    let client = client_with(&url, "token-slow", throttle.clone());
    for tag in 0..7 {
        let mut request = call(&JSON_OP, tag);
        request.options(CallOptions {
            timeout: Some(Duration::from_millis(50)),
            ..CallOptions::default()
        });
        let err = client.execute_bytes(request).await.expect_err("timeout");
        assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    }
    assert!(accepted.load(Ordering::SeqCst) >= 1);
    let snapshot = throttle.snapshot();
    assert_eq!(snapshot.possible_ban_until, None);
    assert_eq!(snapshot.consecutive_no_answer, 0);
}
