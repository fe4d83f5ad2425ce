//! `api-entreprise` and `api-fictive` (a crate `apie-codegen` wrote whole from another
//! profile) in one test binary: each client is its own type over the one runtime, each is
//! called against a mock of its own API, and each operation sends its secret and reads its
//! errors the way its own spec says.

use api_fictive::runtime::{Error, PathSegment, Token};
use apie_mock::{FaultPlan, MockApi, MockConfig, MockServer};

const RECIPIENT: &str = "13002526500013";

/// The mock of API Fictive, from its crate's platform and examples.
async fn fictive_mock(faults: FaultPlan) -> MockServer {
    let api = MockApi::new(&api_fictive::PLATFORM, &api_fictive::mock_data::EXAMPLES);
    MockServer::start_with(MockConfig {
        data_dir: None,
        faults,
        ..MockConfig::for_api(api)
    })
    .await
    .expect("the fictional API's mock starts")
}

fn fictive_client(server: &MockServer, secret: &str) -> api_fictive::Client {
    api_fictive::Client::builder()
        .base_url(server.base_url())
        .token(Token::new(secret.to_owned()))
        .traceability(api_fictive::Traceability::new(RECIPIENT).expect("a valid SIRET"))
        .build()
        .expect("client")
}

#[tokio::test]
async fn both_clients_call_their_own_mock_side_by_side() {
    let entreprise = MockServer::start_with(MockConfig {
        data_dir: None,
        ..MockConfig::default()
    })
    .await
    .expect("API Entreprise's mock starts");
    let fictive = fictive_mock(FaultPlan::none()).await;
    assert_ne!(
        api_entreprise::PLATFORM.api_name,
        api_fictive::PLATFORM.api_name
    );

    let client = api_entreprise::Client::builder()
        .base_url(entreprise.base_url())
        .token(Token::new(entreprise.staging_token()))
        .traceability(
            api_entreprise::Traceability::new("tests", RECIPIENT, "side by side").expect("valid"),
        )
        .build()
        .expect("client");
    let siren = "418166096".parse().expect("a valid SIREN");
    let answer = client.v4().insee_unites_legales(siren).await;
    assert!(
        answer.is_ok(),
        "API Entreprise through its mock: {answer:?}"
    );

    // The fictional API with a JWT: every scheme of its two specs takes it.
    let fictive_client = fictive_client(&fictive, &fictive.staging_token());
    let ine = || "1234567890A".parse::<PathSegment>().expect("a segment");
    let student = fictive_client
        .v1()
        .etudiants(ine())
        .await
        .expect("v1, key in X-Api-Key");
    assert_eq!(student.status, 200);
    let student = fictive_client
        .v3()
        .etudiants(ine())
        .await
        .expect("v3, bearer JWT");
    assert_eq!(student.status, 200);
    let diplomas = fictive_client
        .v3()
        .diplomes(ine())
        .await
        .expect("v3, key in the query");
    assert_eq!(diplomas.status, 200);
    let ping = fictive_client.v3().ping().await.expect("v3, open route");
    assert_eq!(ping.status, 200);
    assert_eq!(
        fictive.stats().answered_with(200),
        4,
        "{:?}",
        fictive.stats()
    );
    assert_eq!(
        entreprise.stats().answered_with(200),
        1,
        "{:?}",
        entreprise.stats()
    );
}

#[tokio::test]
async fn each_spec_of_the_fictional_api_reads_its_own_error_envelope() {
    // An API key that is no JWT: the older spec's header takes it, the newer spec's bearer
    // routes refuse it (401, a list of errors); a 500 on the older spec's route comes as one
    // error per body. Both decode into the same typed error.
    let fictive = fictive_mock(FaultPlan::parse(["500@path=/api/v2/"]).expect("a fault")).await;
    let client = fictive_client(&fictive, "une-cle-qui-n-est-pas-un-jwt");
    let ine = || "1234567890A".parse::<PathSegment>().expect("a segment");
    client
        .v1()
        .etudiants(ine())
        .await
        .expect("any key in X-Api-Key");

    let refused = client
        .v3()
        .etudiants(ine())
        .await
        .expect_err("a bearer must be a JWT");
    let Error::Api(refused) = refused else {
        panic!("an API error, got {refused:?}")
    };
    assert_eq!(refused.status, 401);
    assert!(
        refused.raw_body.starts_with(r#"{"errors":["#),
        "{}",
        refused.raw_body
    );
    assert_eq!(
        refused.first_code(),
        Some(api_fictive::PLATFORM.error_codes.invalid_token),
        "{}",
        refused.raw_body
    );

    let failed = client
        .v2()
        .etablissements("0750001A".parse::<PathSegment>().expect("a segment"))
        .await
        .expect_err("the injected 500");
    let Error::Api(failed) = failed else {
        panic!("an API error, got {failed:?}")
    };
    assert_eq!(failed.status, 500);
    assert!(
        failed.raw_body.contains(r#""erreur":"00500""#) && !failed.raw_body.contains("errors"),
        "one error per body: {}",
        failed.raw_body
    );
    assert_eq!(failed.first_code(), Some("00500"), "{}", failed.raw_body);
}
