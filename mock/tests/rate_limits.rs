//! Rate-limit and cache headers, and the 429 past the limit.

mod support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use support::{get, staging_token, start, start_default, TRACE};

#[tokio::test]
async fn every_answer_carries_the_rate_limit_headers() {
    let server = start_default().await;
    let token = staging_token(&server);
    let path = format!("/v3/insee/sirene/unites_legales/552049447?{TRACE}");
    let first = get(&server, &path, Some(&token)).await;
    let second = get(&server, &path, Some(&token)).await;
    assert_eq!(first.header("ratelimit-limit"), "250");
    let remaining = |r: &support::Reply| r.header("ratelimit-remaining").parse::<u32>().unwrap();
    assert_eq!(remaining(&first), 249);
    assert_eq!(remaining(&second), 248);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let reset: u64 = first.header("ratelimit-reset").parse().unwrap();
    assert!(reset > now && reset <= now + 61, "reset {reset}, now {now}");
    assert_eq!(
        second.header("ratelimit-reset"),
        first.header("ratelimit-reset")
    );

    // Error answers after the token check count and say so too.
    let refused = get(
        &server,
        "/v3/insee/sirene/unites_legales/552049447",
        Some(&token),
    )
    .await;
    assert_eq!(refused.status, 422);
    assert_eq!(remaining(&refused), 247);

    // Documents have their own window and limit.
    let document = get(
        &server,
        &format!("/v3/fntp/unites_legales/130025265/carte_professionnelle_travaux_publics?{TRACE}"),
        Some(&token),
    )
    .await;
    assert_eq!(document.header("ratelimit-limit"), "50");
    assert_eq!(remaining(&document), 49);
}

#[tokio::test]
async fn the_251st_json_call_of_a_window_is_refused() {
    let server = start_default().await;
    let token = staging_token(&server);
    let path = format!("/v3/insee/sirene/unites_legales/552049447?{TRACE}");
    let client = support::http();
    let url = format!("{}{path}", server.base_url());
    for i in 1..=250 {
        let status = client
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status.as_u16(), 200, "call {i}");
    }
    let refused = get(&server, &path, Some(&token)).await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.codes(), ["00429"]);
    assert_eq!(refused.body["errors"][0]["title"], "Trop de requêtes");
    assert_eq!(refused.header("ratelimit-remaining"), "0");
    let retry_after: u64 = refused.header("retry-after").parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    // Another token has its own window.
    let other =
        support::jwt(&serde_json::json!({"scopes": ["unites_legales_etablissements_insee"]}));
    assert_eq!(get(&server, &path, Some(&other)).await.status, 200);
}

#[tokio::test]
async fn a_window_reopens_after_the_minute() {
    // DGFIP's fiscal certificate: 5 a minute. With a one-second minute, the 6th call is
    // refused until the window ends, then calls pass again.
    let server = start(Duration::from_secs(1)).await;
    let token = staging_token(&server);
    let path = format!("/v3/dgfip/unites_legales/418166096/attestation_fiscale?{TRACE}");
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(get(&server, &path, Some(&token)).await.status);
    }
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429]);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let again = get(&server, &path, Some(&token)).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.header("ratelimit-limit"), "5");
    assert_eq!(again.header("ratelimit-remaining"), "4");
}
