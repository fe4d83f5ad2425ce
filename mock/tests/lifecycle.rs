//! Starting, stopping, and the errors of a configuration that cannot be used.

mod support;

use std::path::PathBuf;

use apie_mock::{MockConfig, MockError, MockServer};

#[tokio::test]
async fn starts_and_stops_twice_in_one_process() {
    for _ in 0..2 {
        let server = MockServer::start_with(support::config())
            .await
            .expect("starts");
        let addr = server.addr();
        assert!(addr.ip().is_loopback());
        assert_ne!(addr.port(), 0);
        assert_eq!(
            server.base_url(),
            format!("http://127.0.0.1:{}", addr.port())
        );
        let summary = server.summary().clone();
        assert!(summary.operations > 80, "{summary:?}");
        assert_eq!(
            summary.operations,
            api_entreprise::all_operations().count(),
            "the client's operations, each once"
        );
        assert_eq!(
            summary.specs,
            ["api-entreprise.yml", "api-entreprise-v2.yml"]
        );
        assert!(summary.error_codes > 100, "{summary:?}");
        // On the staging payloads when the shared data is there (CI), on the examples else.
        if summary.data_dir.is_some() {
            assert!(summary.payloads > 100, "{summary:?}");
            assert!(summary.token_file.is_some(), "{summary:?}");
        } else {
            assert_eq!((summary.payloads, &summary.token_file), (0, &None));
        }
        // Every payload folder is an operation of the client (two files name a `year` the
        // current spec no longer takes: said, not fatal).
        assert!(
            !server.warnings().iter().any(|w| w.contains("no operation")),
            "{:?}",
            server.warnings()
        );
        assert_eq!(
            support::get(&server, "/watchdoge/dashboard/current_status/", None)
                .await
                .status,
            200
        );
        server.shutdown().await;
        // Stopped: nothing listens there any more.
        assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    }
}

#[tokio::test]
async fn dropping_the_server_stops_it() {
    let server = MockServer::start().await.expect("starts");
    let addr = server.addr();
    drop(server);
    let mut refused = false;
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(refused, "still listening on {addr}");
}

#[tokio::test]
async fn a_busy_port_is_a_bind_error() {
    let server = MockServer::start().await.expect("starts");
    let taken = MockServer::start_with(MockConfig {
        port: server.addr().port(),
        ..MockConfig::default()
    })
    .await;
    match taken {
        Err(MockError::Bind { port, .. }) => assert_eq!(port, server.addr().port()),
        other => panic!("expected a bind error, got {other:?}"),
    }
}

/// A folder of the test's own, removed when the returned guard drops (pass or fail).
fn scratch(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("apie-mock-lifecycle-{name}-"))
        .tempdir()
        .unwrap()
}

#[tokio::test]
async fn unusable_files_are_errors_that_name_them() {
    let missing = MockServer::start_with(MockConfig {
        data_dir: Some(PathBuf::from("/nonexistent/payloads")),
        ..MockConfig::default()
    })
    .await
    .unwrap_err();
    assert!(matches!(missing, MockError::PayloadsDir { .. }));
    assert!(
        missing.to_string().contains("/nonexistent/payloads"),
        "{missing}"
    );

    let missing_token = MockServer::start_with(MockConfig {
        token_file: Some(PathBuf::from("/nonexistent/token")),
        ..MockConfig::default()
    })
    .await
    .unwrap_err();
    assert!(matches!(
        missing_token,
        MockError::TokenFile { source: None, .. }
    ));
    assert!(
        missing_token.to_string().contains("/nonexistent/token"),
        "{missing_token}"
    );

    let scratch = scratch("bad-payload");
    let data = scratch.path().to_path_buf();
    let folder = data.join("api_entreprise_v3_insee_unites_legales");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("broken.yaml"),
        "params: {siren: '552049447'}\nstatus: 200\npayload: '{oops'\n",
    )
    .unwrap();
    let bad_payload = MockServer::start_with(MockConfig {
        data_dir: Some(data),
        ..MockConfig::default()
    })
    .await
    .unwrap_err();
    let message = bad_payload.to_string();
    assert!(
        message.contains("broken.yaml") && message.contains("not JSON"),
        "{message}"
    );
}

#[tokio::test]
async fn a_data_directory_of_ones_own_is_served_and_oddities_are_reported() {
    let scratch = scratch("own-data");
    let data = scratch.path().to_path_buf();
    let folder = data.join("api_entreprise_v3_insee_unites_legales");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("mine.yaml"),
        "params:\n  siren: '418166096'\nstatus: 200\npayload: |-\n  {\"data\": {\"siren\": \"418166096\", \"mine\": true}, \"links\": {}, \"meta\": {}}\n",
    )
    .unwrap();
    let unknown = data.join("api_entreprise_v9_nothing");
    std::fs::create_dir_all(&unknown).unwrap();
    std::fs::write(unknown.join("x.yaml"), "status: 200\npayload: '{}'\n").unwrap();
    let server = MockServer::start_with(MockConfig {
        data_dir: Some(data),
        ..MockConfig::default()
    })
    .await
    .expect("starts");
    assert_eq!(server.summary().payloads, 1);
    assert!(server
        .warnings()
        .iter()
        .any(|w| w.contains("api_entreprise_v9_nothing")));
    // No token beside an own directory: the mock makes one up, and any JWT with the
    // operation's scope does.
    assert_eq!(server.summary().token_file, None);
    let token = support::token("own");
    let reply = support::get(
        &server,
        &format!(
            "/v3/insee/sirene/unites_legales/418166096?{}",
            support::TRACE
        ),
        Some(&token),
    )
    .await;
    assert_eq!(reply.body["data"]["mine"], true);
}

/// A clone with nothing beside it: no payloads, no token file. The mock answers from the
/// examples the client's build emitted, and the token it made up opens every operation.
#[tokio::test]
async fn with_nothing_given_the_examples_are_answered_to_the_made_up_token() {
    let server = MockServer::start_with(MockConfig::default())
        .await
        .expect("starts with nothing beside it");
    let summary = server.summary().clone();
    assert_eq!(
        summary.data_dir, None,
        "unset API_ENTREPRISE_PAYLOADS for this test"
    );
    assert_eq!((summary.payloads, &summary.token_file), (0, &None));
    assert!(summary.error_codes > 100, "{summary:?}");
    let token = server.staging_token();
    let claims = api_entreprise::runtime::Token::new(token.clone())
        .claims()
        .expect("a JWT the client reads");
    assert!(
        claims.expires_at().expect("an expiry") > std::time::SystemTime::now(),
        "{claims:?}"
    );
    // 552049447 has a staging payload; without the directory, the example answers.
    let reply = support::get(
        &server,
        &format!(
            "/v3/insee/sirene/unites_legales/552049447?{}",
            support::TRACE
        ),
        Some(&token),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let example = api_entreprise::mock_data::operation("api_entreprise_v3_insee_unites_legales")
        .and_then(|o| o.success)
        .expect("an emitted example");
    let mut expected: serde_json::Value = serde_json::from_str(example).unwrap();
    // The example speaks of the SIREN asked.
    expected["data"]["siren"] = "552049447".into();
    assert_eq!(reply.body, expected);
    // The made-up token carries every scope of the client's table, as /privileges says.
    let mut every_scope: Vec<&str> = api_entreprise::all_operations()
        .filter_map(|op| api_entreprise::required_scopes(op.operation_id))
        .flatten()
        .copied()
        .collect();
    every_scope.sort_unstable();
    every_scope.dedup();
    assert!(every_scope.len() > 20, "{every_scope:?}");
    let privileges = support::get(&server, "/privileges", Some(&token)).await;
    assert_eq!(privileges.status, 200);
    assert_eq!(
        privileges.body["data"]["privileges"],
        serde_json::json!(every_scope)
    );
    // Through the generated client, as `apie demo` calls it.
    let client = api_entreprise::Client::builder()
        .base_url(server.base_url())
        .token(api_entreprise::runtime::Token::new(token))
        .traceability(
            api_entreprise::Traceability::new("test", support::RECIPIENT, "test").unwrap(),
        )
        .build()
        .unwrap();
    let siren = "418166096".parse().unwrap();
    let response = client.v4().insee_unites_legales(siren).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.body.data.siren, "418166096");
}
