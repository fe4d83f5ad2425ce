//! What a user's tests do: the client against the local mock, in process, with nothing on
//! disk; and the README's example run against it.

use api_entreprise::runtime::{Siren, Token};
use api_entreprise::{Client, Environment, Traceability};

#[tokio::test]
async fn the_client_calls_the_mock() {
    let mock = apie_mock::MockServer::start().await.expect("the mock starts");
    let client = Client::builder()
        .environment(Environment::Custom(mock.base_url()))
        .token(Token::new(mock.staging_token()))
        .traceability(Traceability::new("tests", "13002526500013", "downstream").unwrap())
        .build()
        .unwrap();
    let siren: Siren = "418166096".parse().unwrap();
    let response = client.v4().insee_unites_legales(siren).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.body.data.siren, "418166096");
    // A bad SIREN is refused before anything is sent.
    assert!("418166097".parse::<Siren>().is_err());
}

#[tokio::test]
async fn the_readme_example_runs_against_the_mock() {
    let mock = apie_mock::MockServer::start().await.expect("the mock starts");
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_downstream"))
        .env("API_ENTREPRISE_BASE_URL", mock.base_url())
        .env("API_ENTREPRISE_TOKEN", mock.staging_token())
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.starts_with("418166096 ("), "{stdout}");
}
