//! Calls through the generated client against a local mock server (wiremock): the right
//! path, the bearer header, the traceability parameters, options, and a decoded result.

use api_entreprise::runtime::{Siren, Token};
use api_entreprise::{Client, Traceability};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "staging-like-token";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .token(Token::new(TOKEN.to_owned()))
        .traceability(Traceability::new("aides publiques", "13002526500013", "dossier 42").unwrap())
        .build()
        .unwrap()
}

/// A real staging body of `api_entreprise_v4_insee_unites_legales`, from the shared test data.
fn staging_body(file: &std::path::Path) -> (String, serde_json::Value) {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let node = apie_spec::load::load_str("payload", &text).unwrap();
    let siren = node
        .get("params")
        .and_then(|p| p.get("siren"))
        .and_then(|s| s.scalar_text())
        .unwrap();
    let body = serde_json::from_str(node.get("payload").and_then(|p| p.as_str()).unwrap()).unwrap();
    (siren, body)
}

#[tokio::test]
async fn v4_unite_legale_is_called_and_decoded() {
    let server = MockServer::start().await;
    let file = apie_shared_data::shared_or_return!(
        "staging/payloads/api_entreprise_v4_insee_unites_legales/association.yaml"
    );
    let (siren, mut body) = staging_body(&file);
    // What the spec does not know must not fail the response.
    body["data"]["categorie_entreprise"] = "une valeur que le spec ne connaît pas".into();
    body["data"]["champ_inconnu"] = serde_json::json!({ "ignoré": true });
    Mock::given(method("GET"))
        .and(path(format!("/v4/insee/sirene/unites_legales/{siren}")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(query_param("recipient", "13002526500013"))
        .and(query_param("context", "aides publiques"))
        .and(query_param("object", "dossier 42"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(&body)
                .insert_header("RateLimit-Remaining", "249"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let response = client
        .v4()
        .insee_unites_legales(siren.parse().unwrap())
        .await
        .expect("decoded response");
    assert_eq!(response.status, 200);
    assert_eq!(response.rate_limit.remaining, Some(249));
    assert_eq!(response.body.data.siren, siren);
    let value = serde_json::to_value(&response.body).unwrap();
    assert_eq!(
        value["data"]["categorie_entreprise"],
        "une valeur que le spec ne connaît pas"
    );
    // Nor is it lost: kept in the struct's map of undeclared fields, written back, reported.
    assert_eq!(
        response.body.data.undeclared["champ_inconnu"],
        serde_json::json!({ "ignoré": true })
    );
    assert_eq!(
        value["data"]["champ_inconnu"],
        serde_json::json!({ "ignoré": true })
    );
    let report = api_entreprise::runtime::UndeclaredReport::of(&response.body);
    assert_eq!(report.fields, ["/data/champ_inconnu"]);
    assert_eq!(
        report.enum_values,
        [(
            "/data/categorie_entreprise".to_string(),
            "une valeur que le spec ne connaît pas".to_string()
        )]
    );
}

#[tokio::test]
async fn optional_parameters_are_sent_and_path_identifiers_typed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(
            "/v3/gip_mds/unites_legales/418166096/effectifs_annuels/2023",
        ))
        .and(query_param("nature_effectif", "boeth"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"data": {}, "links": {}, "meta": {}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let result = client
        .v3()
        .gip_mds_effectifs_annuels_entreprise("418166096".parse().unwrap(), "2023".parse().unwrap())
        .nature_effectif("boeth")
        .send()
        .await;
    // The mock's body lacks what the model requires: the request matched, the body did not fit.
    match result {
        Err(api_entreprise::Error::Decode(e)) => assert!(e.path.starts_with("data"), "{e:?}"),
        other => panic!("expected a decode error at `data`, got {other:?}"),
    }
}

#[tokio::test]
async fn an_api_error_comes_back_typed() {
    let server = MockServer::start().await;
    let body = serde_json::json!({"errors": [{"code": "00301", "title": "Entité non traitable", "detail": "Le siren est invalide", "source": {"parameter": "siren"}, "meta": {}}]});
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(422).set_body_json(&body))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client
        .v3()
        .insee_successions("41816609600069".parse().unwrap())
        .await
        .unwrap_err();
    let api_entreprise::Error::Api(api) = err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(api.status, 422);
    let code = api_entreprise::errors::ErrorCode::from(&api.errors[0]);
    assert!(
        !matches!(code, api_entreprise::errors::ErrorCode::Other(_)),
        "00301 is in the spec"
    );
    assert_eq!(code.code(), "00301");
}

#[test]
fn a_bad_siren_is_refused_before_any_request() {
    assert!("123456789".parse::<Siren>().is_err(), "Luhn");
    assert!("12345678".parse::<Siren>().is_err(), "length");
}

#[test]
fn every_operation_of_the_latest_spec_is_reachable_through_decode() {
    assert_eq!(api_entreprise::operations::ALL.len(), 52);
    assert_eq!(
        api_entreprise::operations::ALL
            .iter()
            .filter(|o| o.deprecated)
            .count(),
        13
    );
    for op in api_entreprise::operations::ALL {
        let decoded = api_entreprise::decode(op.operation_id, 500, br#"{"errors":[]}"#);
        assert!(
            decoded.is_some(),
            "{} is not reachable through decode",
            op.operation_id
        );
        assert!(api_entreprise::decode(op.operation_id, 200, b"not json").is_some());
    }
    assert_eq!(api_entreprise::errors::ErrorCode::KNOWN.len(), 186);
    assert!(api_entreprise::decode("api_entreprise_v9_nothing", 200, b"{}").is_none());
}

/// Parameters given by name and as text, as `apie call` does.
fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn dynamic_request_checks_parameters_like_the_typed_builder() {
    use api_entreprise::runtime::{Error, Request, ValidationError};

    let rge = api_entreprise::operations::find("api_entreprise_v3_ademe_certificats_rge")
        .expect("operation in latest.yml");
    assert!(rge.params.iter().any(|p| p.name == "limit" && !p.required));

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(
            "/v3/ademe/etablissements/41816609600051/certification_rge",
        ))
        .and(query_param("limit", "3"))
        .and(query_param("recipient", "13002526500013"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": []})))
        .expect(1)
        .mount(&server)
        .await;
    let request =
        Request::from_params(rge, &params(&[("siret", "41816609600051"), ("limit", "3")]))
            .expect("valid parameters");
    let response = client(&server)
        .execute::<serde_json::Value>(request)
        .await
        .expect("call");
    assert_eq!(response.status, 200);

    // Each mistake is refused before sending, naming the parameter.
    let refused = |pairs: &[(&str, &str)]| Request::from_params(rge, &params(pairs)).unwrap_err();
    assert!(matches!(
        refused(&[("siret", "41816609600052")]),
        Error::Validation(ValidationError::Identifier(_))
    ));
    assert!(matches!(
        refused(&[]),
        Error::Validation(ValidationError::Parameter { name, .. }) if name == "siret"
    ));
    assert!(matches!(
        refused(&[("siret", "41816609600051"), ("color", "blue")]),
        Error::Validation(ValidationError::Parameter { name, .. }) if name == "color"
    ));
    assert!(matches!(
        refused(&[("siret", "41816609600051"), ("limit", "three")]),
        Error::Validation(ValidationError::Parameter { name, .. }) if name == "limit"
    ));

    // The looked-up company is known, so a recipient belonging to it is refused.
    let own = Request::from_params(rge, &params(&[("siret", "13002526500013")])).unwrap();
    let err = client(&server)
        .execute::<serde_json::Value>(own)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Validation(ValidationError::Traceability(_))),
        "{err:?}"
    );
}

#[tokio::test]
async fn typed_setters_are_checked_like_calls_by_name() {
    // One request path: the typed builder's values go through the same checks as
    // `Request::from_params`, allowed values included, before anything is sent.
    let server = MockServer::start().await;
    let siren: Siren = "418166096".parse().unwrap();
    let year: api_entreprise::runtime::Year = "2024".parse().unwrap();
    let err = client(&server)
        .v3()
        .gip_mds_effectifs_annuels_entreprise(siren, year)
        .nature_effectif("pas une valeur du spec")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, api_entreprise::Error::Validation(api_entreprise::runtime::ValidationError::Parameter { name, .. }) if name == "nature_effectif"),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("boeth"),
        "the message lists the allowed values: {err}"
    );
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing was sent"
    );
}
