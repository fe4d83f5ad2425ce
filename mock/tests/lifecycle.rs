//! Starting, stopping, and the errors of a configuration that cannot be used.

mod support;

use std::path::PathBuf;

use apie_mock::{MockConfig, MockError, MockServer};

#[tokio::test]
async fn starts_and_stops_twice_in_one_process() {
    for _ in 0..2 {
        let server = MockServer::start().await.expect("starts");
        let addr = server.addr();
        assert!(addr.ip().is_loopback());
        assert_ne!(addr.port(), 0);
        assert_eq!(
            server.base_url(),
            format!("http://127.0.0.1:{}", addr.port())
        );
        let summary = server.summary().clone();
        assert!(summary.operations > 80, "{summary:?}");
        assert!(summary.payloads > 100, "{summary:?}");
        assert!(summary.error_codes > 100, "{summary:?}");
        // Every payload folder is an operation of the specs (two files name a `year` the
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

fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("apie-mock-lifecycle-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn unusable_files_are_errors_that_name_them() {
    let missing = MockServer::start_with(MockConfig {
        data_dir: Some(PathBuf::from("/nonexistent/payloads")),
        ..MockConfig::default()
    })
    .await
    .unwrap_err();
    assert!(matches!(missing, MockError::Config(_)));
    assert!(
        missing.to_string().contains("/nonexistent/payloads"),
        "{missing}"
    );

    let dir = scratch("bad-spec");
    let spec = dir.join("spec.yml");
    std::fs::write(&spec, "openapi: [unclosed\n").unwrap();
    let bad_spec = MockServer::start_with(MockConfig {
        spec: Some(spec.clone()),
        ..MockConfig::default()
    })
    .await
    .unwrap_err();
    assert!(
        matches!(&bad_spec, MockError::Spec { path, .. } if *path == spec),
        "{bad_spec}"
    );

    let data = scratch("bad-payload");
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
    let data = scratch("own-data");
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
    // No token beside an own directory: any JWT does.
    assert_eq!(server.staging_token(), None);
    let token = support::jwt(&serde_json::json!({"scopes": []}));
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

/// A spec whose operation has no success schema, only a 404 example: the mock answers that.
#[tokio::test]
async fn without_a_success_example_the_operation_404_example_is_answered() {
    let dir = scratch("mini-spec");
    let spec = dir.join("mini.yml");
    std::fs::write(
        &spec,
        r#"openapi: 3.0.1
info: {title: mini, version: '1'}
paths:
  "/v3/mini/unites_legales/{siren}":
    get:
      parameters:
      - {name: siren, in: path, required: true, schema: {type: string}}
      - {name: context, in: query, required: true, schema: {type: string}}
      - {name: recipient, in: query, required: true, schema: {type: string}}
      - {name: object, in: query, required: true, schema: {type: string}}
      security:
      - jwt_bearer_token: []
      responses:
        '200':
          description: OK
          x-operationId: api_entreprise_v3_mini_unites_legales
        '404':
          description: Non trouvée
          content:
            application/json:
              examples:
                not_found_error:
                  value:
                    errors:
                    - code: '99003'
                      title: Entité non trouvée
                      detail: Rien ici
                      source:
                      meta: {}
components:
  securitySchemes:
    jwt_bearer_token: {type: http, scheme: bearer}
"#,
    )
    .unwrap();
    let server = MockServer::start_with(MockConfig {
        spec: Some(spec),
        data_dir: Some(support::payloads_dir()),
        ..MockConfig::default()
    })
    .await
    .expect("starts");
    assert!(server.summary().operations < 40, "{:?}", server.summary());
    let token = support::staging_token(&server);
    let reply = support::get(
        &server,
        &format!("/v3/mini/unites_legales/418166096?{}", support::TRACE),
        Some(&token),
    )
    .await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.codes(), ["99003"]);
    // Without the spec's token examples, the mock's own body, same format.
    let no_token = support::get(&server, "/v3/mini/unites_legales/418166096", None).await;
    assert_eq!(no_token.status, 401);
    assert_eq!(no_token.codes(), ["00401"]);
}
