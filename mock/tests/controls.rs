//! The run-time controls: limits changed for the next windows, and the `/__mock/` routes a
//! running `apie mock` is driven through.

mod support;

use std::time::Duration;

use apie_mock::{FaultPlan, MockConfig};
use serde_json::Value;
use support::{insee_path, start, start_with, token};

#[tokio::test]
async fn a_new_limit_applies_from_the_next_window() {
    let server = start(Duration::from_millis(1500)).await;
    let token = token("limits");
    let first = support::get(&server, &insee_path(), Some(&token)).await;
    assert_eq!(first.header("ratelimit-limit"), "250");
    server.set_limit("json", 2).unwrap();
    // The open window keeps the limit it opened with.
    let same = support::get(&server, &insee_path(), Some(&token)).await;
    assert_eq!(same.header("ratelimit-limit"), "250");
    assert_eq!(same.header("ratelimit-remaining"), "248");
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let mut seen = Vec::new();
    for _ in 0..3 {
        let reply = support::get(&server, &insee_path(), Some(&token)).await;
        seen.push((
            reply.status,
            reply.header("ratelimit-limit").to_string(),
            reply.header("ratelimit-remaining").to_string(),
        ));
    }
    let expected = [(200, "2", "1"), (200, "2", "0"), (429, "2", "0")];
    let expected: Vec<_> = expected
        .iter()
        .map(|(s, l, r)| (*s, l.to_string(), r.to_string()))
        .collect();
    assert_eq!(seen, expected);
    // Documents keep theirs.
    let document = support::get(
        &server,
        &format!(
            "/v3/fntp/unites_legales/130025265/carte_professionnelle_travaux_publics?{}",
            support::TRACE
        ),
        Some(&token),
    )
    .await;
    assert_eq!(document.header("ratelimit-limit"), "50");

    let unknown = server.set_limit("jsn", 1).unwrap_err();
    assert!(unknown.known.iter().any(|b| b == "json"), "{unknown}");
    assert!(unknown.known.iter().any(|b| b == "ip"), "{unknown}");
    assert!(unknown.to_string().contains("jsn"), "{unknown}");
    // An operation whose limit is its own is a bucket; one counting in `json` is not.
    server
        .set_limit("api_entreprise_v3_dgfip_attestations_fiscales", 1)
        .unwrap();
    assert!(server
        .set_limit("api_entreprise_v3_insee_unites_legales", 1)
        .is_err());
}

/// Sends `method path` with `body`, returns the status and the JSON answer.
async fn control(
    server: &apie_mock::MockServer,
    method: reqwest::Method,
    path: &str,
    body: &str,
) -> (u16, Value) {
    let response = support::http()
        .request(method, format!("{}{path}", server.base_url()))
        .body(body.to_string())
        .send()
        .await
        .expect("the control routes always answer");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON"))
}

#[tokio::test]
async fn the_control_routes_drive_a_running_server_even_while_banned() {
    let server = start_with(MockConfig {
        minute: Duration::from_secs(5),
        ip_limits: vec![api_entreprise::runtime::Limit {
            calls: 3,
            window: Duration::from_secs(60),
        }],
        ..support::config()
    })
    .await;
    use reqwest::Method;
    let (status, limits) = control(&server, Method::GET, "/__mock/limits", "").await;
    assert_eq!(status, 200);
    assert_eq!(
        (limits["json"].as_u64(), limits["ip"].as_u64()),
        (Some(250), Some(3))
    );
    assert_eq!(limits["documents"], 50);

    let (status, set) = control(&server, Method::PUT, "/__mock/limits/json", "7").await;
    assert_eq!((status, &set["limit"]), (200, &Value::from(7)));
    let (status, _) = control(&server, Method::PUT, "/__mock/limits/nope", "7").await;
    assert_eq!(status, 404);
    let (status, refused) = control(&server, Method::PUT, "/__mock/limits/json", "lots").await;
    assert_eq!(status, 400);
    assert!(refused["errors"][0]["detail"].is_string());

    let (status, faults) = control(
        &server,
        Method::PUT,
        "/__mock/faults",
        "503@every=2\ndelay=10ms",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        faults["faults"],
        serde_json::json!(["503@every=2", "delay=10ms"])
    );
    assert_eq!(
        server.faults(),
        FaultPlan::parse(["503@every=2", "delay=10ms"]).unwrap()
    );
    let (status, faults) = control(
        &server,
        Method::PUT,
        "/__mock/faults",
        r#"["reset@path=/nowhere"]"#,
    )
    .await;
    assert_eq!(
        (status, faults["faults"][0].as_str()),
        (200, Some("reset@path=/nowhere"))
    );
    let (status, refused) = control(&server, Method::PUT, "/__mock/faults", "teapot").await;
    assert_eq!(status, 400);
    assert!(refused["errors"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("teapot"));
    let (_, cleared) = control(&server, Method::DELETE, "/__mock/faults", "").await;
    assert_eq!(cleared["faults"], serde_json::json!([]));

    // Banned by the IP limit (3): the data routes say nothing, the control routes still do.
    let client = support::http();
    let token = token("operator");
    for _ in 0..3 {
        assert_eq!(
            support::status_or_none(&client, &server, &insee_path(), Some(&token)).await,
            Some(200)
        );
    }
    assert_eq!(
        support::status_or_none(&client, &server, &insee_path(), Some(&token)).await,
        None
    );
    let (status, stats) = control(&server, Method::GET, "/__mock/stats", "").await;
    assert_eq!(status, 200);
    assert_eq!(stats["requests"], 4);
    assert_eq!(stats["answered"]["200"], 3);
    assert_eq!(stats["ip_limit_bans"], 1);
    assert_eq!(stats["dropped"], 1);
    assert_eq!(stats["banned"][0]["ip"], "127.0.0.1");
    assert!(stats["banned"][0]["until"].as_u64().unwrap() > 0);

    let (status, unbanned) = control(&server, Method::POST, "/__mock/unban", "").await;
    assert_eq!((status, &unbanned["unbanned"]), (200, &Value::from(1)));
    assert_eq!(
        support::status_or_none(&client, &server, &insee_path(), Some(&token)).await,
        Some(200)
    );

    let (status, _) = control(&server, Method::POST, "/__mock/stats", "").await;
    assert_eq!(status, 405);
    let (status, _) = control(&server, Method::GET, "/__mock/nothing", "").await;
    assert_eq!(status, 404);
}
