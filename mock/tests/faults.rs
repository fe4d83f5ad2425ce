//! Faults as a client sees them: late answers, 5xx bodies in the API's format, connections
//! reset, truncated JSON, slow bodies. Faulted requests still count against the limits.

mod support;

use std::time::{Duration, Instant};

use apie_mock::{Fault, FaultKind, FaultPlan, MockConfig, MockServer};
use support::{insee_path, start_default, start_with, status_or_none, token};

/// The status, headers and raw body of a GET with a fresh token's bearer.
async fn fetch(server: &MockServer, path: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let response = support::http()
        .get(format!("{}{path}", server.base_url()))
        .bearer_auth(token("faults"))
        .send()
        .await
        .expect("an answer");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.text().await.expect("a body"))
}

fn plan(specs: &[&str]) -> FaultPlan {
    FaultPlan::parse(specs).unwrap()
}

#[tokio::test]
async fn a_delay_holds_the_answer_back() {
    let server = start_default().await;
    server.set_faults(plan(&["delay=400ms@every=2"]));
    let (status, _, _) = fetch(&server, &insee_path()).await;
    assert_eq!(status, 200);
    assert_eq!(server.stats().faulted, 0, "every=2 spares the first");
    let started = Instant::now();
    let (status, _, body) = fetch(&server, &insee_path()).await;
    let elapsed = started.elapsed();
    assert_eq!(status, 200);
    assert!(elapsed >= Duration::from_millis(400), "{elapsed:?}");
    serde_json::from_str::<serde_json::Value>(&body).expect("the answer itself is intact");
    assert_eq!(server.stats().faulted, 1);
}

#[tokio::test]
async fn status_faults_answer_the_api_error_format_and_still_count() {
    let server = start_default().await;
    server.set_faults(plan(&["503@every=2@path=/v3/insee", "502@path=/v3/dgfip"]));
    assert_eq!(
        server.faults().specs(),
        ["503@every=2@path=/v3/insee", "502@path=/v3/dgfip"]
    );
    let (first, _, _) = fetch(&server, &insee_path()).await;
    assert_eq!(first, 200);
    let (status, headers, body) = fetch(&server, &insee_path()).await;
    assert_eq!(status, 503);
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    let item = &body["errors"][0];
    assert_eq!(item["code"], "00503");
    assert_eq!(item["title"], "Service non disponible");
    assert!(item["detail"].is_string());
    // Counted: the token's window went down by one more.
    assert_eq!(headers["ratelimit-remaining"], "248");
    // 502 on an operation documenting it: the spec's own example.
    let (status, _, body) = fetch(
        &server,
        &format!(
            "/v3/dgfip/unites_legales/418166096/attestation_fiscale?{}",
            support::TRACE
        ),
    )
    .await;
    assert_eq!(status, 502);
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    let code = body["errors"][0]["code"].as_str().unwrap();
    assert!(code.len() == 5 && code.ends_with("999"), "{body}");
    // Other paths are spared.
    let (status, _, _) = fetch(&server, "/watchdoge/dashboard/current_status/").await;
    assert_eq!(status, 200);
    let stats = server.stats();
    assert_eq!((stats.answered_with(503), stats.answered_with(502)), (1, 1));
}

#[tokio::test]
async fn a_reset_closes_the_connection_without_answer_and_bans_nobody() {
    let server = start_with(MockConfig {
        faults: plan(&["reset@every=2"]),
        ..support::config()
    })
    .await;
    let client = support::http();
    let token = token("reset");
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(status_or_none(&client, &server, &insee_path(), Some(&token)).await);
    }
    assert_eq!(statuses, [Some(200), None, Some(200), None]);
    let stats = server.stats();
    assert_eq!((stats.dropped, stats.bans(), stats.faulted), (2, 0, 2));
    // Counted all the same: four calls in the token's window.
    let reply = support::get(&server, &insee_path(), Some(&token)).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("ratelimit-remaining"), "245");
}

#[tokio::test]
async fn malformed_bodies_are_truncated_json_with_a_200() {
    let server = start_default().await;
    let (_, _, whole) = fetch(&server, &insee_path()).await;
    server.set_faults(FaultPlan::from(vec![Fault::new(FaultKind::Malformed)]));
    // Even an error answer becomes a 200 whose body does not parse.
    let (status, _, cut) = fetch(&server, "/v3/insee/sirene/unites_legales/552049447").await;
    assert_eq!(status, 200);
    assert!(
        serde_json::from_str::<serde_json::Value>(&cut).is_err(),
        "{cut}"
    );
    let (status, _, cut) = fetch(&server, &insee_path()).await;
    assert_eq!(status, 200);
    assert!(
        serde_json::from_str::<serde_json::Value>(&cut).is_err(),
        "{cut}"
    );
    assert!(!cut.is_empty() && whole.starts_with(&cut), "{cut}");
}

#[tokio::test]
async fn a_slow_body_arrives_whole_but_late() {
    let server = start_default().await;
    let (_, _, whole) = fetch(&server, &insee_path()).await;
    server.set_faults(FaultPlan::from(vec![Fault::new(FaultKind::SlowBody(
        Duration::from_millis(600),
    ))
    .on_path("/v3/insee")]));
    let started = Instant::now();
    let response = support::http()
        .get(format!("{}{}", server.base_url(), insee_path()))
        .bearer_auth(token("slow"))
        .send()
        .await
        .unwrap();
    let headers_after = started.elapsed();
    assert_eq!(response.status(), 200);
    let body = response.text().await.unwrap();
    let body_after = started.elapsed();
    assert!(body_after >= Duration::from_millis(600), "{body_after:?}");
    assert!(
        headers_after + Duration::from_millis(300) < body_after,
        "headers {headers_after:?}, body {body_after:?}"
    );
    // The same bytes as unfaulted (the window's count aside, nothing in the body moves).
    assert_eq!(body, whole);
}

#[tokio::test]
async fn faults_given_at_start_apply_from_the_first_request() {
    let server = start_with(MockConfig {
        faults: plan(&["504"]),
        ..support::config()
    })
    .await;
    assert_eq!(server.faults(), plan(&["504"]));
    let (status, _, body) = fetch(&server, &insee_path()).await;
    assert_eq!(status, 504);
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(body["errors"][0]["code"].is_string(), "{body}");
    server.set_faults(FaultPlan::none());
    assert_eq!(fetch(&server, &insee_path()).await.0, 200);
}
