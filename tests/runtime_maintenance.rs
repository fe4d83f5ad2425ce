//! Maintenance windows acted on, end to end: the client and the mock share a fake clock
//! ([`ManualClock`]); the mock answers 503 inside the operation's window (the spec's
//! `x-maintenances`, 01:00-02:00 Paris time for DGFIP's fiscal certificate), and the client
//! sends into it, refuses before sending, or waits for its end, as asked. No real wait: a
//! wait on the fake clock moves it.

use std::time::{Duration, SystemTime};

use api_entreprise::runtime::{
    CallOptions, Clock, Error, ManualClock, OnMaintenance, Request, RetryPolicy, Token,
};
use api_entreprise::{Client, Traceability};
use apie_mock::{Maintenance, MockConfig, MockServer};
use serde_json::Value;
use time::macros::datetime;

const OPERATION: &str = "api_entreprise_v4_dgfip_attestations_fiscales";

/// 01:30 in Paris on 15 January 2025 (CET, UTC+1): inside the 01:00-02:00 window.
fn inside() -> SystemTime {
    datetime!(2025-01-15 00:30 UTC).into()
}

/// The window's end that night: 02:00 CET.
fn window_end() -> SystemTime {
    datetime!(2025-01-15 01:00 UTC).into()
}

async fn mock(clock: &Clock, windows: Vec<Maintenance>) -> MockServer {
    MockServer::start_with(MockConfig {
        maintenance: windows,
        clock: clock.clone(),
        ..MockConfig::default()
    })
    .await
    .expect("the mock starts on its embedded examples")
}

fn the_spec_window() -> Vec<Maintenance> {
    vec![OPERATION.parse().unwrap()]
}

fn client(server: &MockServer, clock: &Clock, mode: OnMaintenance) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .token(Token::new(server.staging_token()))
        .traceability(Traceability::new("tests", "13002526500013", "maintenance").unwrap())
        // A 503 is retried after a real backoff: one attempt keeps the test instant.
        .retry(RetryPolicy::none())
        .on_maintenance(mode)
        .clock(clock.clone())
        .build()
        .unwrap()
}

fn request() -> Request {
    let meta = api_entreprise::find_operation(OPERATION).unwrap();
    Request::from_params(meta, &[("siren".into(), "418166096".into())]).unwrap()
}

#[tokio::test]
async fn sent_into_the_window_the_mock_answers_503() {
    let fake = ManualClock::new(inside());
    let server = mock(&fake.clock(), the_spec_window()).await;
    let client = client(&server, &fake.clock(), OnMaintenance::Send);
    let error = client.execute::<Value>(request()).await.unwrap_err();
    match &error {
        Error::Api(api) => {
            assert_eq!(api.status, 503);
            assert!(api.to_string().contains("maintenance"), "{api}");
        }
        other => panic!("expected the mock's 503, got {other:?}"),
    }
    // Outside the window, the same call is answered.
    fake.set(window_end());
    let response = client.execute::<Value>(request()).await.unwrap();
    assert_eq!(response.status, 200);
}

#[tokio::test]
async fn fail_refuses_before_sending_with_the_window_end() {
    let fake = ManualClock::new(inside());
    let server = mock(&fake.clock(), the_spec_window()).await;
    let client = client(&server, &fake.clock(), OnMaintenance::Fail);
    match client.execute::<Value>(request()).await.unwrap_err() {
        Error::Maintenance { operation, until } => {
            assert_eq!(operation, OPERATION);
            assert_eq!(until, window_end());
        }
        other => panic!("expected Error::Maintenance, got {other:?}"),
    }
    assert_eq!(server.stats().requests, 0, "nothing was sent");
    assert_eq!(
        client.maintenance_until(api_entreprise::find_operation(OPERATION).unwrap()),
        Some(window_end())
    );
    // A call may choose otherwise: sent, and the mock says 503.
    let mut send = request();
    send.options(CallOptions {
        on_maintenance: Some(OnMaintenance::Send),
        ..CallOptions::default()
    });
    let error = client.execute::<Value>(send).await.unwrap_err();
    assert_eq!(error.status(), Some(503));
    // Past the window, sent and answered.
    fake.set(window_end());
    assert_eq!(
        client.execute::<Value>(request()).await.unwrap().status,
        200
    );
}

#[tokio::test]
async fn wait_holds_the_call_until_the_window_ends() {
    let fake = ManualClock::new(inside());
    let server = mock(&fake.clock(), the_spec_window()).await;
    let client = client(&server, &fake.clock(), OnMaintenance::Wait);
    let response = client.execute::<Value>(request()).await.unwrap();
    assert_eq!(response.status, 200);
    // Sent once, after the end: the mock, on the same clock, answered it.
    assert_eq!(server.stats().requests, 1);
    assert_eq!(fake.clock().now(), window_end());
    assert_eq!(fake.slept(), Duration::from_secs(30 * 60));
    // A max_wait shorter than the window: refused instead of waiting.
    fake.set(inside());
    let mut short = request();
    short.options(CallOptions {
        max_wait: Some(Duration::from_secs(60)),
        ..CallOptions::default()
    });
    let error = client.execute::<Value>(short).await.unwrap_err();
    assert!(matches!(error, Error::Maintenance { .. }), "{error:?}");
    assert_eq!(server.stats().requests, 1);
}

#[tokio::test]
async fn the_mock_window_can_be_given_and_cross_midnight() {
    // 23:50 in Paris on 15 January: inside 23:30-00:30, outside the spec's 01:00-02:00.
    let fake = ManualClock::new(datetime!(2025-01-15 22:50 UTC).into());
    let given = vec![format!("{OPERATION}@23:30-00:30").parse().unwrap()];
    let server = mock(&fake.clock(), given).await;
    assert_eq!(
        server.maintenance(),
        [format!("{OPERATION}@23:30-00:30 Europe/Paris")]
    );
    // The client knows only the spec's window: it sends, and gets the mock's 503.
    let client = client(&server, &fake.clock(), OnMaintenance::Fail);
    assert_eq!(
        client
            .execute::<Value>(request())
            .await
            .unwrap_err()
            .status(),
        Some(503)
    );
    // 00:20 the next day, still inside; 00:30, outside.
    fake.advance(Duration::from_secs(30 * 60));
    assert_eq!(
        client
            .execute::<Value>(request())
            .await
            .unwrap_err()
            .status(),
        Some(503)
    );
    fake.advance(Duration::from_secs(10 * 60));
    assert_eq!(
        client.execute::<Value>(request()).await.unwrap().status,
        200
    );
}

#[tokio::test]
async fn the_window_follows_summer_time() {
    // 01:30 in Paris on 15 July 2025 is 23:30 UTC the day before (CEST, UTC+2): inside.
    let fake = ManualClock::new(datetime!(2025-07-14 23:30 UTC).into());
    let server = mock(&fake.clock(), the_spec_window()).await;
    let client = client(&server, &fake.clock(), OnMaintenance::Fail);
    match client.execute::<Value>(request()).await.unwrap_err() {
        Error::Maintenance { until, .. } => {
            assert_eq!(until, SystemTime::from(datetime!(2025-07-15 00:00 UTC)));
        }
        other => panic!("expected Error::Maintenance, got {other:?}"),
    }
    // 00:30 UTC is 01:30 in winter, but 02:30 in summer: outside.
    fake.set(datetime!(2025-07-15 00:30 UTC).into());
    assert_eq!(
        client.execute::<Value>(request()).await.unwrap().status,
        200
    );
    // The time zone is the caller's to change: read in UTC, 00:30 is outside the window too,
    // and 01:30 UTC inside.
    let utc = Client::builder()
        .base_url(server.base_url())
        .token(Token::new(server.staging_token()))
        .traceability(Traceability::new("tests", "13002526500013", "maintenance").unwrap())
        .on_maintenance(OnMaintenance::Fail)
        .maintenance_time_zone(api_entreprise::runtime::TimeZone::UTC)
        .clock(fake.clock())
        .build()
        .unwrap();
    fake.set(datetime!(2025-07-15 01:30 UTC).into());
    let error = utc.execute::<Value>(request()).await.unwrap_err();
    assert!(matches!(error, Error::Maintenance { .. }), "{error:?}");
}
