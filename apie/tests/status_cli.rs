//! `apie status` against the in-process mock: the table, the JSON, the history chart, an
//! endpoint down in a simulated maintenance window (on a fake clock the mock reads), and
//! `apie batch --check-status` warning about it.

use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use api_entreprise::runtime::ManualClock;
use apie_mock::{MockConfig, MockServer};
use serde_json::Value;

const FISCAL: &str = "api_entreprise_v4_dgfip_attestations_fiscales";

/// 01:30 in Paris on 15 January 2025 (00:30 UTC): inside the fiscal certificate's window.
fn inside_the_window() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_736_901_000)
}

/// The mock, with the fiscal certificate in its spec window on a fake clock.
async fn mock() -> MockServer {
    MockServer::start_with(MockConfig {
        maintenance: vec![FISCAL.parse().unwrap()],
        clock: ManualClock::new(inside_the_window()).clock(),
        ..MockConfig::default()
    })
    .await
    .unwrap()
}

/// `apie ARGS` without colour: stdout is a pipe here anyway.
async fn apie(args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_apie"));
    command.args(args).env_remove("API_ENTREPRISE_TOKEN");
    // The mock runs on this test's runtime: the child is waited for off it.
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_table_lists_every_endpoint_and_what_is_down() {
    let server = mock().await;
    let out = apie(&["status", "--base-url", &server.base_url()]).await;
    let table = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut lines = table.lines();
    assert_eq!(
        lines.next().unwrap().split_whitespace().collect::<Vec<_>>(),
        ["ENDPOINT", "PROVIDER", "VERSION", "CODE", "SINCE"]
    );
    let row = |id: &str| {
        table
            .lines()
            .find(|l| l.starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("no row for {id}: {table}"))
            .split_whitespace()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    // Down since the window's start, 01:00 in Paris: 00:00 UTC.
    assert_eq!(
        row(FISCAL),
        [FISCAL, "dgfip", "v4", "503", "2025-01-15T00:00:00Z"]
    );
    assert_eq!(row("api_entreprise_v3_insee_unites_legales")[3], "200");
    assert!(table.trim_end().ends_with("endpoints, 1 down"), "{table}");
    assert!(!table.contains('\x1b'), "no colour in a pipe");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_is_for_scripts() {
    let server = mock().await;
    let out = apie(&["status", "--json", "--base-url", &server.base_url()]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let entries: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let down: Vec<&Value> = entries.iter().filter(|e| e["code"] != 200).collect();
    assert_eq!(down.len(), 1, "{down:?}");
    assert_eq!(down[0]["uname"], FISCAL);
    assert_eq!(down[0]["code"], 503);
    assert!(entries.len() > 50, "every operation: {}", entries.len());
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_draws_a_bar_a_day() {
    let server = mock().await;
    let url = server.base_url();
    let out = apie(&[
        "status",
        "--base-url",
        &url,
        "--history",
        FISCAL,
        "--period",
        "1w",
    ])
    .await;
    let chart = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        chart.starts_with(&format!("availability of {FISCAL} over 1w\n")),
        "{chart}"
    );
    // A week back from today: eight days, each a full bar at the mock's 100 %.
    let days: Vec<&str> = chart.lines().filter(|l| l.contains('█')).collect();
    assert_eq!(days.len(), 8, "{chart}");
    assert!(days.iter().all(|d| d.ends_with("100.00 %")), "{chart}");
    assert!(chart.ends_with("total: 100.00 %\n"), "{chart}");
    let json = apie(&["status", "--base-url", &url, "--history", FISCAL, "--json"]).await;
    let history: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(history["period"], "1w");
    // --period alone is refused: it belongs to --history.
    let bad = apie(&["status", "--base-url", &url, "--period", "1d"]).await;
    assert_eq!(bad.status.code(), Some(2));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_check_status_warns_when_the_operation_is_down() {
    let server = mock().await;
    // Removed when the guard drops, pass or fail.
    let scratch = tempfile::Builder::new()
        .prefix("apie-status-")
        .tempdir()
        .unwrap();
    let dir = scratch.path().to_path_buf();
    let input = dir.join("sirens.txt");
    std::fs::write(&input, "418166096\n").unwrap();
    let out_path = dir.join("out.jsonl");
    let url = server.base_url();
    let args = |operation: &'static str| {
        vec![
            "batch".to_owned(),
            "--operation".into(),
            operation.into(),
            "--base-url".into(),
            url.clone(),
            "--input".into(),
            input.display().to_string(),
            "--out".into(),
            out_path.display().to_string(),
            "--check-status".into(),
            "--estimate".into(),
        ]
    };
    let run = |list: Vec<String>| async move {
        let refs: Vec<&str> = list.iter().map(String::as_str).collect();
        apie(&refs).await
    };
    let down = run(args(FISCAL)).await;
    assert!(down.status.success(), "{}", text(&down.stderr));
    let warned = text(&down.stderr);
    assert!(
        warned.contains(&format!(
            "warning: {FISCAL} is down according to the API's status: code 503 since \
             2025-01-15T00:00:00Z"
        )),
        "{warned}"
    );
    assert!(text(&down.stdout).starts_with("estimate: 1 calls"));
    let up = run(args("api_entreprise_v3_insee_unites_legales")).await;
    assert!(text(&up.stderr).contains("is up"), "{}", text(&up.stderr));
    // Only the status was asked: the operations themselves were never called.
    let stats = server.stats();
    assert_eq!(stats.requests, 2, "{stats:?}");
    server.shutdown().await;
}
