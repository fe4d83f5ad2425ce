//! What the client does when a call fails: which failures are retried, how
//! often, how long it waits, and what it reports when it gives up.

mod support;

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use api_entreprise::runtime::{CallOptions, Error, OperationMeta, Request, RetryPolicy, Token};
use api_entreprise::{Client, Traceability};
use serde::Deserialize;
use serde_json::json;
// The paused clock's instants: they move only when the test's runtime waits.
use support::meta::fake_operation;
use support::scripted::{Reply, Scripted};
use tokio::time::Instant;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const PATH: &str = "/v3/test/418166096";

const META: OperationMeta = fake_operation("test_operation", "/v3/test/{siren}");

#[derive(Debug, Deserialize, PartialEq)]
struct Body {
    data: Data,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Data {
    siren: String,
    effectif: Option<i64>,
}

/// Short waits so the tests stay fast; bounds as in production.
fn fast_policy() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
        conflict_wait: Duration::from_millis(50),
        ..RetryPolicy::default()
    }
}

fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .token(Token::new("SECRET-TOKEN-123".into()))
        .traceability(Traceability::new("tests", "13002526500013", "retries").unwrap())
        .retry(fast_policy())
        .build()
        .unwrap()
}

fn request() -> Request {
    Request::new(&META, PATH.to_owned())
}

fn ok_body() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"data": {"siren": "418166096", "effectif": 12}}))
}

fn error_body(status: u16, code: &str, retry_in: Option<u64>) -> ResponseTemplate {
    let meta = match retry_in {
        Some(s) => json!({"provider": "INSEE", "retry_in": s}),
        None => json!({"provider": "INSEE"}),
    };
    ResponseTemplate::new(status).set_body_json(json!({
        "errors": [{"code": code, "title": "Erreur", "detail": "détail", "source": null, "meta": meta}]
    }))
}

fn ok_reply() -> Reply {
    Reply::new(200, json!({"data": {"siren": "418166096", "effectif": 12}}))
}

fn error_reply(status: u16, code: &str, retry_in: Option<u64>) -> Reply {
    let meta = match retry_in {
        Some(s) => json!({"provider": "INSEE", "retry_in": s}),
        None => json!({"provider": "INSEE"}),
    };
    Reply::new(
        status,
        json!({"errors": [{"code": code, "title": "Erreur", "detail": "détail", "source": null, "meta": meta}]}),
    )
}

/// The first `failures` calls get `failure`, the next ones a 200.
async fn server_failing(failures: u64, failure: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path(PATH))
        .respond_with(failure)
        .up_to_n_times(failures)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path(PATH))
        .respond_with(ok_body())
        .with_priority(2)
        .mount(&server)
        .await;
    server
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

#[tokio::test]
async fn gateway_errors_are_retried_until_success() {
    for status in [502, 503, 504] {
        let server = server_failing(2, error_body(status, "01000", None)).await;
        let response = client(&server.uri())
            .execute::<Body>(request())
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(response.body.data.siren, "418166096");
        assert_eq!(requests(&server).await, 3, "{status}");
    }
}

#[tokio::test]
async fn attempts_are_bounded() {
    let server = server_failing(100, error_body(503, "01000", None)).await;
    let err = client(&server.uri())
        .execute::<Body>(request())
        .await
        .expect_err("always 503");
    assert_eq!(err.status(), Some(503));
    assert_eq!(requests(&server).await, 3);

    // Per call: no retry at all.
    let server = server_failing(100, error_body(503, "01000", None)).await;
    let mut req = request();
    req.options(CallOptions {
        retry: Some(RetryPolicy::none()),
        ..CallOptions::default()
    });
    client(&server.uri())
        .execute::<Body>(req)
        .await
        .expect_err("503");
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    for status in [400, 401, 403, 404, 422, 451] {
        let server = server_failing(100, error_body(status, "00000", None)).await;
        let err = client(&server.uri())
            .execute::<Body>(request())
            .await
            .expect_err("error status");
        assert_eq!(err.status(), Some(status));
        assert_eq!(requests(&server).await, 1, "{status} must not be retried");
    }
}

// The waits below run on tokio's paused clock against a server on the test's
// own runtime: they take no real time, and are asserted to the millisecond.

#[tokio::test(start_paused = true)]
async fn a_429_is_retried_only_once_retry_after_has_passed_or_fails_fast() {
    let too_many = || error_reply(429, "00429", None).header("Retry-After", "1");
    let server = Scripted::start(vec![too_many(), ok_reply()]).await;
    let started = Instant::now();
    let response = client(&server.url)
        .execute::<Body>(request())
        .await
        .expect("retried once the bucket reopened");
    assert_eq!(response.status, 200);
    assert_eq!(server.received(), 2);
    let waited = started.elapsed();
    // The throttle adds its margin to every reopening: a five-hundredth of the
    // API's minute, 120 ms.
    let margin = Duration::from_secs(60) / 500;
    assert!(
        waited >= Duration::from_secs(1)
            && waited <= Duration::from_secs(1) + margin + Duration::from_millis(10),
        "nothing is sent before Retry-After, and no later than needed: {waited:?}"
    );
    assert!(response.throttled_for >= Duration::from_millis(900));

    // A caller that will not wait gets "try again at T", and nothing more
    // is sent.
    let server = Scripted::start(vec![too_many(), ok_reply()]).await;
    let mut req = request();
    req.options(CallOptions {
        max_wait: Some(Duration::ZERO),
        ..CallOptions::default()
    });
    let before = SystemTime::now();
    let err = client(&server.url)
        .execute::<Body>(req)
        .await
        .expect_err("the bucket is closed");
    let Error::Throttled { retry_at, .. } = &err else {
        panic!("expected Throttled, got {err:?}");
    };
    let wait = retry_at.duration_since(before).unwrap();
    assert!(
        wait >= Duration::from_millis(900) && wait <= Duration::from_secs(3),
        "{wait:?}"
    );
    assert!(err.to_string().contains("try again at"), "{err}");
    assert_eq!(server.received(), 1);
}

#[tokio::test(start_paused = true)]
async fn conflict_waits_and_gets_the_answer() {
    let server = Scripted::start(vec![error_reply(409, "00409", None), ok_reply()]).await;
    let started = Instant::now();
    let response = client(&server.url)
        .execute::<Body>(request())
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(server.received(), 2);
    let waited = started.elapsed();
    let wait = fast_policy().conflict_wait;
    assert!(
        waited >= wait && waited < wait + Duration::from_millis(50),
        "{waited:?}"
    );
}

/// A 409 whose head and body come in two writes (as a proxy streaming the body sends
/// them): the body is read whole, the wait is the same, the retry gets the answer.
#[tokio::test(start_paused = true)]
async fn conflict_written_in_two_parts_is_waited_for_and_retried() {
    let conflict = error_reply(409, "00409", None).split();
    let server = Scripted::start(vec![conflict, ok_reply().split()]).await;
    let started = Instant::now();
    let response = client(&server.url)
        .execute::<Body>(request())
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(server.received(), 2);
    let waited = started.elapsed();
    let wait = fast_policy().conflict_wait;
    assert!(
        waited >= wait && waited < wait + Duration::from_millis(50),
        "{waited:?}"
    );
}

/// Without retries, the same split 409 is the call's error, its code read from the body
/// that came second.
#[tokio::test(start_paused = true)]
async fn conflict_written_in_two_parts_without_retry_is_the_error() {
    let server = Scripted::start(vec![error_reply(409, "00409", None).split()]).await;
    let client = Client::builder()
        .base_url(&server.url)
        .token(Token::new("SECRET-TOKEN-123".into()))
        .traceability(Traceability::new("tests", "13002526500013", "retries").unwrap())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.execute::<Body>(request()).await.expect_err("409");
    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}")
    };
    assert_eq!(api.status, 409);
    assert_eq!(api.first_code(), Some("00409"), "{err}");
    assert!(api.not_understood.is_none(), "{err}");
    assert_eq!(server.received(), 1);
}

/// On a real clock the client reads a split answer even from a server with Nagle's
/// algorithm on (its second write then waits for the client's delayed acknowledgement):
/// the retry that timed out in issue 21's report did so on a paused clock only, which
/// jumped to the call's timeout during those milliseconds of real time. The test
/// server's fault, fixed there (`TCP_NODELAY`), not the client's.
#[tokio::test]
async fn split_answers_behind_nagle_reach_the_client_on_a_real_clock() {
    let conflict = error_reply(409, "00409", None).split();
    let server = Scripted::start_with_nagle(vec![conflict, ok_reply().split()]).await;
    let started = std::time::Instant::now();
    let response = client(&server.url)
        .execute::<Body>(request())
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(server.received(), 2);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

/// On a real clock: a wait of a whole second on the paused clock was seen to
/// stretch to three under load (the clock jumps ahead whenever the runtime idles
/// on a socket), so the bounds here are the real ones. A sleep never ends
/// early, so the lower bound is exact; the upper one leaves room for a loaded
/// machine yet fails a client that waits its ten-second ceiling instead.
#[tokio::test]
async fn short_retry_in_is_waited_for() {
    let server = Scripted::start(vec![error_reply(503, "01000", Some(1)), ok_reply()]).await;
    let started = std::time::Instant::now();
    let response = client(&server.url)
        .execute::<Body>(request())
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(server.received(), 2);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(1) && waited < Duration::from_secs(3),
        "the server asked for 1 s: {waited:?}"
    );
}

#[tokio::test]
async fn long_retry_in_ends_the_call_with_a_retry_date() {
    // 04501: the provider asks to come back in two days.
    let server = server_failing(100, error_body(502, "04501", Some(172_800))).await;
    let err = client(&server.uri())
        .execute::<Body>(request())
        .await
        .expect_err("502");
    assert_eq!(requests(&server).await, 1, "a two-day wait is not waited");
    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}")
    };
    assert_eq!(api.retry_in(), Some(Duration::from_secs(172_800)));
    let at = api.retry_at.expect("retry date");
    let expected = SystemTime::now() + Duration::from_secs(172_800);
    let gap = expected.duration_since(at).unwrap_or_else(|e| e.duration());
    assert!(gap < Duration::from_secs(60), "retry_at is two days ahead");
    let message = err.to_string();
    assert!(
        message.contains("04501") && message.contains("try again after 20"),
        "{message}"
    );
}

#[tokio::test]
async fn timeouts_are_not_retried() {
    let server = server_failing(100, ok_body().set_delay(Duration::from_millis(500))).await;
    let mut req = request();
    req.options(CallOptions {
        timeout: Some(Duration::from_millis(100)),
        ..CallOptions::default()
    });
    let err = client(&server.uri())
        .execute::<Body>(req)
        .await
        .expect_err("timeout");
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(requests(&server).await, 1);
}

/// A server that accepts connections and closes them without answering.
fn resetting_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    (format!("http://{address}"), accepted)
}

#[tokio::test]
async fn connection_resets_are_retried_a_bounded_number_of_times() {
    let (url, accepted) = resetting_server();
    let err = client(&url)
        .execute::<Body>(request())
        .await
        .expect_err("reset");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(!err.to_string().contains("SECRET-TOKEN-123"));
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn partial_content_nulls_placeholders_and_lists_them() {
    let server = MockServer::start().await;
    Mock::given(path(PATH))
        .respond_with(ResponseTemplate::new(206).set_body_json(json!({
            "data": {"siren": "418166096", "effectif": "Donnée indisponible"}
        })))
        .mount(&server)
        .await;
    let response = client(&server.uri())
        .execute::<Body>(request())
        .await
        .unwrap();
    assert!(response.partial);
    assert_eq!(response.unavailable, ["data.effectif"]);
    assert_eq!(response.body.data.effectif, None);
    assert_eq!(
        requests(&server).await,
        1,
        "a 206 is an answer, not retried"
    );
}
