//! `apie call` against the in-process mock: the typed answer on stdout and
//! exit 0, or the failure in plain words with the exit code of its kind
//! (2 refused before sending, 3 API error, 4 no answer).

use std::process::{Command, Output};

use apie_mock::{MockConfig, MockServer};

const UNITES_LEGALES: &str = "api_entreprise_v3_insee_unites_legales";

/// The mock, serving the staging payloads of `payloads`.
async fn mock(payloads: &std::path::Path) -> MockServer {
    MockServer::start_with(MockConfig {
        data_dir: Some(payloads.to_path_buf()),
        ..MockConfig::default()
    })
    .await
    .unwrap()
}

/// The SIREN of a recorded staging payload.
fn recorded_siren(payloads: &std::path::Path, operation: &str, file: &str) -> String {
    let path = payloads.join(operation).join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let node = apie_spec::load::load_str("payload", &text).unwrap();
    node.get("params")
        .and_then(|p| p.get("siren"))
        .and_then(|s| s.scalar_text())
        .unwrap()
}

/// Runs `apie call` with a clean environment: token and traceability only
/// from what the test gives.
fn call(token: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_apie"));
    command
        .arg("call")
        .args(args)
        .env_remove("API_ENTREPRISE_TOKEN")
        .env("API_ENTREPRISE_CONTEXT", "tests")
        .env("API_ENTREPRISE_RECIPIENT", "13002526500013")
        .env("API_ENTREPRISE_OBJECT", "apie call");
    if let Some(token) = token {
        command.env("API_ENTREPRISE_TOKEN", token);
    }
    command.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn prints_the_typed_answer_or_says_why_not() {
    let payloads = apie_shared_data::shared_or_return!("staging/payloads");
    let server = mock(&payloads).await;
    let url = server.base_url();
    let token = server.staging_token();
    let siren = recorded_siren(&payloads, UNITES_LEGALES, "personne_morale.yaml");
    let param = format!("siren={siren}");

    // Success: typed JSON on stdout, quota on stderr.
    let out = call(
        Some(&token),
        &[
            "--operation",
            UNITES_LEGALES,
            "--param",
            &param,
            "--base-url",
            &url,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["data"]["siren"], siren.as_str());
    assert!(
        text(&out.stderr).contains("rate limit: "),
        "{}",
        text(&out.stderr)
    );

    // Refused before sending: bad SIREN, unknown operation, missing token, bad recipient.
    let out = call(
        Some(&token),
        &[
            "--operation",
            UNITES_LEGALES,
            "--param",
            "siren=123456789",
            "--base-url",
            &url,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("SIREN"), "{}", text(&out.stderr));
    let out = call(
        Some(&token),
        &["--operation", "insee_unites", "--base-url", &url],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("did you mean"),
        "{}",
        text(&out.stderr)
    );
    let out = call(
        None,
        &[
            "--operation",
            UNITES_LEGALES,
            "--param",
            &param,
            "--base-url",
            &url,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("API_ENTREPRISE_TOKEN"));
    let out = call(
        Some(&token),
        &[
            "--operation",
            UNITES_LEGALES,
            "--param",
            &param,
            "--base-url",
            &url,
            "--recipient",
            "12345678901234",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("recipient"),
        "{}",
        text(&out.stderr)
    );

    // The API's own error: exit 3 with its code.
    let out = call(
        Some("not-a-jwt"),
        &[
            "--operation",
            UNITES_LEGALES,
            "--param",
            &param,
            "--base-url",
            &url,
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("401"), "{}", text(&out.stderr));
    assert!(
        !text(&out.stderr).contains("not-a-jwt"),
        "the token is never printed"
    );

    // No answer: exit 4.
    let out = call(
        Some(&token),
        &[
            "--operation",
            UNITES_LEGALES,
            "--param",
            &param,
            "--base-url",
            "http://127.0.0.1:9",
        ],
    );
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn downloads_the_document_of_a_staging_company() {
    let payloads = apie_shared_data::shared_or_return!("staging/payloads");
    let server = mock(&payloads).await;
    let token = server.staging_token();
    let operation = "api_entreprise_v4_acoss_attestations_sociales";
    let siren = recorded_siren(&payloads, operation, "attestation_delivree.yaml");
    let param = format!("siren={siren}");
    // Removed when the guard drops, pass or fail.
    let scratch = tempfile::Builder::new()
        .prefix("apie-call-")
        .tempdir()
        .unwrap();
    let target = scratch.path().join("document.pdf");
    let url = server.base_url();
    let base = [
        "--operation",
        operation,
        "--param",
        &param,
        "--base-url",
        &url,
    ];

    // Staging's fictitious company fails the Luhn check…
    let out = call(Some(&token), &base);
    assert_eq!(out.status.code(), Some(2));
    // …unless told it is fictitious.
    let mut args = base.to_vec();
    args.extend(["--skip-checksum", "--download", target.to_str().unwrap()]);
    let out = call(Some(&token), &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(std::fs::read(&target).unwrap().starts_with(b"%PDF"));
    server.shutdown().await;
}

/// `--maintenance fail` refuses a call inside the operation's daily window (the spec's) and
/// sends it outside; `send`, the default, always sends; a bad mode is bad usage. Which of the
/// two applies now is read from the client's own reading of the window.
#[tokio::test(flavor = "multi_thread")]
async fn maintenance_fail_refuses_inside_the_window_only() {
    let server = MockServer::start_with(MockConfig::default()).await.unwrap();
    let token = server.staging_token();
    let meta = api_entreprise::all_operations()
        .find(|op| op.maintenance.is_some() && op.path.contains("{siren}") && op.requires_token())
        .expect("an operation with a maintenance window");
    let args = |mode: &str| {
        vec![
            "--base-url".to_owned(),
            server.base_url(),
            "--operation".to_owned(),
            meta.operation_id.to_owned(),
            "--param".to_owned(),
            "siren=418166096".to_owned(),
            "--maintenance".to_owned(),
            mode.to_owned(),
        ]
    };
    let run = |mode: &str| {
        let args = args(mode);
        call(
            Some(&token),
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        )
    };
    let client = api_entreprise::Client::builder().build().unwrap();
    let inside = client.maintenance_until(meta).is_some();
    let before = server.stats().requests;
    let failed = run("fail");
    if inside {
        assert_eq!(failed.status.code(), Some(2), "{}", text(&failed.stderr));
        assert!(
            text(&failed.stderr).contains("maintenance"),
            "{}",
            text(&failed.stderr)
        );
        assert_eq!(
            server.stats().requests,
            before,
            "nothing sent inside the window"
        );
    } else {
        assert!(failed.status.success(), "{}", text(&failed.stderr));
    }
    let sent = run("send");
    assert!(sent.status.success(), "{}", text(&sent.stderr));
    let bad = run("sometimes");
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("--maintenance"),
        "{}",
        text(&bad.stderr)
    );
}
