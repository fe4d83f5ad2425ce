//! [`MockService`]: the mock's answers to requests handed over in-process, with no socket,
//! through the same checks and controls as a running server.

use std::net::{IpAddr, Ipv4Addr};

use apie_mock::{MockConfig, MockService};
use axum::body::Body;
use axum::http::Request;
use serde_json::Value;

const TRACE: &str = "context=test&recipient=13002526500013&object=test";
const PEER: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn service(config: MockConfig) -> MockService {
    MockService::new(
        &MockConfig {
            // The spec's examples alone, whatever the environment names.
            data_dir: None,
            ..config
        },
        "http://mock.test",
    )
    .unwrap()
}

async fn send(
    service: &MockService,
    method: &str,
    target: &str,
    token: Option<&str>,
    body: &str,
) -> Option<(u16, Value)> {
    let mut request = Request::builder().method(method).uri(target);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let request = request.body(Body::from(body.to_owned())).unwrap();
    let response = service.answer(PEER, request).await?;
    let body = serde_json::from_slice(response.body()).unwrap_or(Value::Null);
    Some((response.status().as_u16(), body))
}

#[tokio::test]
async fn the_checks_answer_in_process() {
    let service = service(MockConfig::default());
    let token = service.staging_token();
    let target = format!("/v3/insee/sirene/unites_legales/552049447?{TRACE}");
    let (status, body) = send(&service, "GET", &target, Some(&token), "")
        .await
        .unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["siren"], "552049447");
    let (status, _) = send(&service, "GET", &target, Some("not-a-jwt"), "")
        .await
        .unwrap();
    assert_eq!(status, 401);
    let untraced = "/v3/insee/sirene/unites_legales/552049447";
    let (status, _) = send(&service, "GET", untraced, Some(&token), "")
        .await
        .unwrap();
    assert_eq!(status, 422);
    assert_eq!(service.stats().requests, 3);
}

#[tokio::test]
async fn controls_and_bans_in_process() {
    let service = service(MockConfig {
        ip_limits: vec![api_entreprise::runtime::Limit {
            calls: 1,
            window: std::time::Duration::from_secs(60),
        }],
        ..MockConfig::default()
    });
    let (status, body) = send(&service, "PUT", "/__mock/faults", None, "503@every=2")
        .await
        .unwrap();
    assert_eq!(
        (status, &body["faults"][0]),
        (200, &Value::from("503@every=2"))
    );
    assert_eq!(service.faults().specs(), ["503@every=2"]);
    // The IP's second request is past its limit: banned, no answer, as a server closes.
    assert!(send(&service, "GET", "/v3/nowhere", None, "")
        .await
        .is_some());
    assert!(send(&service, "GET", "/v3/nowhere", None, "")
        .await
        .is_none());
    assert_eq!(service.unban_all(), 1);
}
