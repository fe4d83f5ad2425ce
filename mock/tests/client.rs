//! The generated client against the mock: what downstream crates' tests do.

mod support;

use api_entreprise::runtime::{RetryPolicy, Siren, Token};
use api_entreprise::{Client, Error, Traceability};

fn client(server: &apie_mock::MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .token(Token::new(support::staging_token(server)))
        .traceability(Traceability::new("test", support::RECIPIENT, "test").unwrap())
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_client_decodes_a_staging_payload_served_by_the_mock() {
    let server = support::start_default().await;
    let client = client(&server);
    let siren: Siren = "552049447".parse().unwrap();
    let response = client.v4().insee_unites_legales(siren).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.body.data.siren, "552049447");
    assert_eq!(response.rate_limit.limit, Some(250));
    assert_eq!(response.rate_limit.remaining, Some(249));
    assert_eq!(response.cached, Some(false));
}

#[tokio::test]
async fn the_client_decodes_the_mock_errors() {
    let server = support::start_default().await;
    let client = client(&server);
    let siren: Siren = "418166096".parse().unwrap();
    // No recorded payload: the spec's example, decoded by the models.
    let example = client.v4().insee_unites_legales(siren).await.unwrap();
    assert_eq!(example.body.data.siren, "418166096");
    // A recorded 404: the API error, typed.
    apie_shared_data::shared_or_return!("staging/payloads");
    let out_of_scope: Siren = "440752244".parse().unwrap();
    match client.v4().acoss_attestations_sociales(out_of_scope).await {
        Err(Error::Api(e)) => assert_eq!(e.status, 404),
        other => panic!("expected a 404, got {other:?}"),
    }
}
