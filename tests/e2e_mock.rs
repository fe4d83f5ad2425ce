//! The generated client against `apie mock` (the in-process library): one
//! operation of each API version, the open monitoring routes, privileges,
//! a document download, and the server's own errors. No network.

mod support;

use std::path::Path;

use api_entreprise::runtime::{Error, Siren, Token};
use api_entreprise::{Client, Traceability};
use apie_mock::{MockConfig, MockServer};
use apie_shared_data::shared_or_return;
use support::payloads::payload;

/// A valid SIRET of a public body, not one of the companies looked up below.
const RECIPIENT: &str = "13002526500013";

/// The mock on the staging payloads of `payloads`.
async fn mock(payloads: &Path) -> MockServer {
    MockServer::start_with(MockConfig {
        data_dir: Some(payloads.to_path_buf()),
        ..MockConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("the mock must start on the staging payloads: {e}"))
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .token(Token::new(server.staging_token()))
        .traceability(Traceability::new("tests de bout en bout", RECIPIENT, "e2e").unwrap())
        .build()
        .unwrap()
}

#[tokio::test]
async fn v3_and_v4_answer_the_staging_payloads_typed() {
    let payloads = shared_or_return!("staging/payloads");
    let server = mock(&payloads).await;
    let client = client(&server);
    for (operation, file) in [
        (
            "api_entreprise_v3_insee_unites_legales",
            "personne_morale.yaml",
        ),
        (
            "api_entreprise_v4_insee_unites_legales",
            "personne_morale_etat_cesse.yaml",
        ),
    ] {
        let recorded = payload(&payloads, operation, file);
        let siren = recorded.params["siren"].parse().unwrap();
        let response = if operation.contains("_v3_") {
            // Deprecated in favour of v4, but still served: old versions stay available.
            #[allow(deprecated)]
            let r = client.v3().insee_unites_legales(siren).await.unwrap();
            let body = serde_json::to_value(&r.body).unwrap();
            (r.status, r.rate_limit, body)
        } else {
            let r = client.v4().insee_unites_legales(siren).await.unwrap();
            let body = serde_json::to_value(&r.body).unwrap();
            (r.status, r.rate_limit, body)
        };
        let (status, rate_limit, body) = response;
        assert_eq!(status, recorded.status, "{operation}");
        assert_eq!(
            body["data"]["siren"], recorded.body["data"]["siren"],
            "{operation}: the typed body is the recorded one"
        );
        assert_eq!(rate_limit.limit, Some(250), "{operation}");
        assert!(rate_limit.remaining.is_some() && rate_limit.reset.is_some());
    }
    server.shutdown().await;
}

#[tokio::test]
async fn v2_answers_from_the_spec() {
    // The spec's examples only: nothing beside the checkout is needed.
    let server = MockServer::start_with(MockConfig {
        data_dir: None,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    #[allow(deprecated)]
    let response = client(&server)
        .v2()
        .entreprises_restored("418166096".parse().unwrap())
        .await;
    match response {
        Ok(r) => assert_eq!(r.status, 200),
        // Without a recorded payload or example the mock answers like the API: a 404 body.
        Err(Error::Api(e)) => assert_eq!(e.status, 404, "{e}"),
        Err(other) => panic!("v2 call failed: {other}"),
    }
    server.shutdown().await;
}

#[tokio::test]
async fn the_api_errors_come_back_typed() {
    let payloads = shared_or_return!("staging/payloads");
    let server = mock(&payloads).await;
    let client = client(&server);
    let recorded = payload(
        &payloads,
        "api_entreprise_v4_acoss_attestations_sociales",
        "entite_hors_perimetre.yaml",
    );
    let err = client
        .v4()
        .acoss_attestations_sociales(recorded.params["siren"].parse().unwrap())
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(api.status, 404);
    let expected = recorded.body["errors"][0]["code"].as_str().unwrap();
    assert_eq!(api.first_code(), Some(expected));
    let codes = api.codes::<api_entreprise::errors::ErrorCode>();
    assert!(!codes.is_empty());

    // A token the server refuses: 401 with the spec's code.
    let refused = Client::builder()
        .base_url(server.base_url())
        .token(Token::new("not-a-jwt".into()))
        .traceability(Traceability::new("tests", RECIPIENT, "e2e").unwrap())
        .build()
        .unwrap()
        .v4()
        .insee_unites_legales("418166096".parse().unwrap())
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(401), "{refused}");
    assert!(refused.to_string().contains("token"), "{refused}");
    server.shutdown().await;
}

#[tokio::test]
async fn monitoring_privileges_and_documents_work_offline() {
    let payloads = shared_or_return!("staging/payloads");
    let server = mock(&payloads).await;
    // Monitoring needs no token.
    let anonymous = Client::builder()
        .base_url(server.base_url())
        .build()
        .unwrap();
    let status = anonymous
        .watchdoge()
        .dashboard_current_status()
        .await
        .unwrap();
    assert!(!status.body.results.is_empty());
    let availability = anonymous
        .watchdoge()
        .stats_provider_availabilities("api/v3/insee/unites_legales", "1d")
        .await
        .unwrap()
        .body;
    assert_eq!(availability.total_availability, Some(100.0));

    let client = client(&server);
    let privileges = client.privileges().privileges().await.unwrap().body;
    let from_token = client.token_privileges().unwrap();
    assert_eq!(privileges.scopes(), from_token.scopes());

    // A document endpoint, then the document itself from the mock.
    let recorded = payload(
        &payloads,
        "api_entreprise_v4_acoss_attestations_sociales",
        "attestation_delivree.yaml",
    );
    // Staging's fictitious company `000000001` fails the Luhn check on purpose.
    let siren = &recorded.params["siren"];
    assert!(siren.parse::<Siren>().is_err());
    let response = client
        .v4()
        .acoss_attestations_sociales(Siren::without_checksum(siren).unwrap())
        .await
        .unwrap();
    let body = serde_json::to_value(&response.body).unwrap();
    let url = body["data"]["document_url"].as_str().unwrap();
    assert!(url.starts_with(&server.base_url()), "{url}");
    let link = response.document_link(url, body["data"]["expires_in"].as_i64());
    let mut pdf = Vec::new();
    client
        .download_document(&link, &mut pdf, None)
        .await
        .unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    server.shutdown().await;
}
