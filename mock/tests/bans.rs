//! The per-IP limit and the bans: a banned IP gets no HTTP answer at all, as from the real
//! server, until the ban ends or is lifted.

mod support;

use std::time::{Duration, SystemTime};

use apie_mock::{MockConfig, MockServer};
use support::{insee_path, start_with, status_or_none, token};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Writes a GET on a fresh connection and reads until the server closes it: what a banned
/// client receives. `Ok(bytes)` when closed in order, `Err` on a reset.
async fn raw_get(server: &MockServer, path: &str) -> std::io::Result<Vec<u8>> {
    let mut stream = tokio::net::TcpStream::connect(server.addr()).await?;
    // The write may already fail if the server closed first: that is no answer either.
    let request = format!("GET {path} HTTP/1.1\r\nHost: mock\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut received = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut received))
        .await
        .expect("the server closes the connection")?;
    Ok(received)
}

/// Asserts that a banned client gets nothing: no byte on a raw connection, a transport error
/// from reqwest (not a status), on data and monitoring routes alike.
async fn assert_unanswered(server: &MockServer, client: &reqwest::Client, token: &str) {
    match raw_get(server, &insee_path()).await {
        Ok(bytes) => assert!(
            bytes.is_empty(),
            "a banned IP got {}",
            String::from_utf8_lossy(&bytes)
        ),
        Err(_reset) => {}
    }
    assert_eq!(
        status_or_none(client, server, &insee_path(), Some(token)).await,
        None
    );
    assert_eq!(
        status_or_none(client, server, "/watchdoge/dashboard/current_status/", None).await,
        None
    );
}

#[tokio::test]
async fn a_client_ignoring_429s_is_banned_at_the_refusal_past_the_tolerance() {
    let minute = Duration::from_secs(5);
    let server = start_with(MockConfig {
        minute,
        tolerated_429s: 2,
        ..support::config()
    })
    .await;
    server.set_limit("json", 3).unwrap();
    let client = support::http();
    let token = token("sequential");
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(status_or_none(&client, &server, &insee_path(), Some(&token)).await);
    }
    // Three within the limit, two tolerated 429s, the third refusal is not answered.
    assert_eq!(
        statuses,
        [
            Some(200),
            Some(200),
            Some(200),
            Some(429),
            Some(429),
            None,
            None
        ]
    );
    let stats = server.stats();
    assert_eq!(stats.ignored_429_bans, 1, "{stats:?}");
    assert_eq!(stats.ip_limit_bans, 0, "{stats:?}");
    assert_eq!(stats.rate_limited, 2, "{stats:?}");
    assert_eq!(stats.answered_with(200), 3, "{stats:?}");
    // The 6th request was read, then dropped; the 7th connection was closed at accept,
    // before any request was read from it.
    assert_eq!(stats.requests, 6, "{stats:?}");
    assert_eq!(stats.dropped, 2, "{stats:?}");
    // Twelve hours of mock minutes.
    let until = stats.localhost_banned_until().expect("127.0.0.1 is banned");
    let left = until.duration_since(SystemTime::now()).unwrap();
    let ban = minute * 720;
    assert!(
        left <= ban && left > ban - Duration::from_secs(60),
        "{left:?}"
    );
}

#[tokio::test]
async fn a_naive_concurrent_client_is_banned_and_unban_all_restores_answers() {
    let server = start_with(MockConfig {
        minute: Duration::from_secs(5),
        ..support::config()
    })
    .await;
    server.set_limit("json", 5).unwrap();
    // A client keeping its connections open: the ban must cut those too.
    let client = reqwest::Client::new();
    let token = token("naive");
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..40 {
        let (client, url, token) = (
            client.clone(),
            format!("{}{}", server.base_url(), insee_path()),
            token.clone(),
        );
        calls.spawn(async move {
            let sent = client.get(url).bearer_auth(token).send().await;
            sent.ok().map(|r| r.status().as_u16())
        });
    }
    let mut answered = Vec::new();
    let mut unanswered = 0;
    while let Some(result) = calls.join_next().await {
        match result.unwrap() {
            Some(status) => answered.push(status),
            None => unanswered += 1,
        }
    }
    // At most the limit and the tolerance are answered (a request already answered in the
    // handler is still cut if the ban falls before it is sent).
    let ok = answered.iter().filter(|s| **s == 200).count();
    let refused = answered.iter().filter(|s| **s == 429).count();
    assert!(ok <= 5 && refused <= 10, "{answered:?}");
    assert_eq!(ok + refused, answered.len(), "{answered:?}");
    assert!(unanswered >= 25, "{unanswered} unanswered, {answered:?}");
    let stats = server.stats();
    assert_eq!(stats.ignored_429_bans, 1, "{stats:?}");
    assert!(stats.localhost_banned_until().is_some(), "{stats:?}");

    // The same client, on its kept connections, and new ones: nothing.
    assert_eq!(
        status_or_none(&client, &server, &insee_path(), Some(&token)).await,
        None
    );
    assert_unanswered(&server, &support::http(), &token).await;
    assert!(server.stats().dropped >= 25 + 4);

    assert_eq!(server.unban_all(), 1);
    assert_eq!(server.stats().localhost_banned_until(), None);
    // Answered again: the token's window is still full (429), another token's is not.
    let http = support::http();
    assert_eq!(
        status_or_none(&http, &server, &insee_path(), Some(&token)).await,
        Some(429)
    );
    assert_eq!(
        status_or_none(
            &http,
            &server,
            &insee_path(),
            Some(&support::token("other"))
        )
        .await,
        Some(200)
    );
    assert_eq!(server.stats().bans(), 1);
}

#[tokio::test]
async fn going_past_the_ip_limit_bans_at_the_first_excess_request() {
    let server = start_with(MockConfig {
        minute: Duration::from_secs(5),
        ip_limits: vec![api_entreprise::runtime::Limit {
            calls: 6,
            window: Duration::from_secs(60),
        }],
        ..support::config()
    })
    .await;
    let client = support::http();
    // Three tokens, each far within its own limit: the IP counts them together.
    for name in ["a", "b", "c"] {
        for _ in 0..2 {
            assert_eq!(
                status_or_none(&client, &server, &insee_path(), Some(&token(name))).await,
                Some(200)
            );
        }
    }
    assert_eq!(
        status_or_none(&client, &server, &insee_path(), Some(&token("d"))).await,
        None,
        "the 7th request of the window is not answered"
    );
    let stats = server.stats();
    assert_eq!(stats.ip_limit_bans, 1, "{stats:?}");
    assert_eq!(stats.ignored_429_bans, 0, "{stats:?}");
    assert_eq!(stats.answered_with(200), 6, "{stats:?}");
    assert_unanswered(&server, &client, &token("e")).await;
    // Unbanned, the IP's window starts afresh.
    server.unban_all();
    assert_eq!(
        status_or_none(&client, &server, &insee_path(), Some(&token("a"))).await,
        Some(200)
    );
}

#[tokio::test]
async fn monitoring_routes_count_only_against_the_ip() {
    let server = start_with(MockConfig {
        minute: Duration::from_secs(5),
        ip_limits: vec![api_entreprise::runtime::Limit {
            calls: 5,
            window: Duration::from_secs(60),
        }],
        ..support::config()
    })
    .await;
    let monitoring = "/watchdoge/dashboard/current_status/";
    for remaining in ["4", "3", "2"] {
        let reply = support::get(&server, monitoring, None).await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("ratelimit-limit"), "5");
        assert_eq!(reply.header("ratelimit-remaining"), remaining);
    }
    // The control routes count nowhere.
    for _ in 0..10 {
        let stats = support::http()
            .get(format!("{}/__mock/stats", server.base_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(stats.status(), 200);
    }
    // The token's window has not seen the monitoring calls; the IP's has.
    let token = token("monitor");
    let data = support::get(&server, &insee_path(), Some(&token)).await;
    assert_eq!(data.header("ratelimit-limit"), "250");
    assert_eq!(data.header("ratelimit-remaining"), "249");
    let last = support::get(&server, monitoring, None).await;
    assert_eq!(last.header("ratelimit-remaining"), "0");
    let client = support::http();
    assert_eq!(
        status_or_none(&client, &server, monitoring, None).await,
        None
    );
    assert_eq!(server.stats().ip_limit_bans, 1);
}

// On tokio's paused clock, with the API's real minute: the mock serves on the test's own
// runtime, so the minutes of waiting take no real time.
#[tokio::test(start_paused = true)]
async fn a_client_waiting_retry_after_is_never_banned() {
    // One tolerated 429 a window: a client that sent again before the window's end would be
    // banned at its second refusal.
    let server = start_with(MockConfig {
        minute: Duration::from_secs(60),
        tolerated_429s: 1,
        ..support::config()
    })
    .await;
    server.set_limit("json", 2).unwrap();
    let client = support::http();
    let token = token("polite");
    let url = format!("{}{}", server.base_url(), insee_path());
    let (mut ok, mut refused) = (0, 0);
    while ok < 6 {
        let response = client
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .expect("a polite client is always answered");
        match response.status().as_u16() {
            200 => ok += 1,
            429 => {
                refused += 1;
                let wait: u64 = response.headers()["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                tokio::time::sleep(Duration::from_secs(wait)).await;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(
        refused >= 2,
        "the test must cross windows ({refused} refusals)"
    );
    let stats = server.stats();
    assert_eq!(stats.bans(), 0, "{stats:?}");
    assert_eq!(stats.dropped, 0, "{stats:?}");
}
