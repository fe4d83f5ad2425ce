//! A `oneOf` in a generated crate (API Fictive's v3 `statut`: a `$ref` to `Boursier`, or a
//! string): the value decodes into the alternative that reads it, in the spec's order, one
//! that none reads is kept in `Other` and reported, and each encodes back as it came.

use api_fictive::nouvelle::models::{Boursier, EtudiantsResponse, Statut};
use api_fictive::runtime::{PathSegment, Token, UndeclaredReport};
use apie_mock::{MockApi, MockConfig, MockServer};
use serde_json::json;

fn decode(statut: serde_json::Value) -> (EtudiantsResponse, Statut) {
    let body = json!({"data": {"nom": "Dupont", "statut": statut}});
    let decoded: EtudiantsResponse = serde_json::from_value(body.clone()).expect("decodes");
    assert_eq!(
        serde_json::to_value(&decoded).unwrap(),
        body,
        "encodes back as it came"
    );
    let statut = decoded
        .data
        .as_ref()
        .and_then(|d| d.statut.clone())
        .expect("statut is there");
    (decoded, statut)
}

#[test]
fn each_alternative_decodes_into_its_variant_and_an_unknown_shape_is_kept() {
    let (decoded, statut) = decode(json!({"echelon": 4}));
    assert!(
        matches!(&statut, Statut::Boursier(Boursier { echelon: 4, .. })),
        "{statut:?}"
    );
    assert!(UndeclaredReport::of(&decoded).is_empty());

    let (_, statut) = decode(json!("non boursier"));
    assert_eq!(statut, Statut::Text("non boursier".into()));

    // An object without the required `echelon` is no `Boursier`, nor a string: `Other`, and
    // the report says where.
    let (decoded, statut) = decode(json!({"autre": 1}));
    assert_eq!(statut, Statut::Other(json!({"autre": 1})));
    let report = UndeclaredReport::of(&decoded);
    assert_eq!(report.unread_alternatives, ["/data/statut"]);
    assert!(!report.is_empty());

    // What a `Boursier` holds beyond the spec is found below the variant.
    let (decoded, _) = decode(json!({"echelon": 2, "depuis": "2024"}));
    assert_eq!(
        UndeclaredReport::of(&decoded).fields,
        ["/data/statut/depuis"]
    );
}

/// The generated decoder (not serde's derive) says what the derive said: a required field
/// missing is refused by its name, a value of the wrong type too; a key sent twice keeps
/// its last value; undeclared keys are kept in order of arrival and written back.
#[test]
fn the_generated_decoder_refuses_and_keeps_what_the_derive_did() {
    let missing = serde_json::from_value::<Boursier>(json!({"autre": 1})).unwrap_err();
    assert!(
        missing.to_string().contains("missing field `echelon`"),
        "{missing}"
    );
    let wrong = serde_json::from_value::<Boursier>(json!({"echelon": "4"})).unwrap_err();
    assert!(wrong.to_string().contains("invalid type"), "{wrong}");
    let not_an_object = serde_json::from_value::<Boursier>(json!([4])).unwrap_err();
    assert!(
        not_an_object.to_string().contains("an object (Boursier)"),
        "{not_an_object}"
    );
    let twice: Boursier = serde_json::from_str(r#"{"echelon": 1, "echelon": 5}"#).unwrap();
    assert_eq!(twice.echelon, 5);
    let kept: Boursier = serde_json::from_str(r#"{"b": 2, "echelon": 1, "a": 1}"#).unwrap();
    assert_eq!(
        serde_json::to_string(&kept).unwrap(),
        r#"{"echelon":1,"a":1,"b":2}"#,
        "declared fields first, then the undeclared ones (a map, in key order)"
    );
}

#[tokio::test]
async fn the_mock_answers_the_first_alternative_and_the_client_reads_it() {
    let api = MockApi::new(&api_fictive::PLATFORM, &api_fictive::mock_data::EXAMPLES);
    let server = MockServer::start_with(MockConfig {
        data_dir: None,
        ..MockConfig::for_api(api)
    })
    .await
    .expect("the mock starts");
    let client = api_fictive::Client::builder()
        .base_url(server.base_url())
        .token(Token::new(server.staging_token()))
        .traceability(
            api_fictive::Traceability::new("13002526500013", "bourses", "AB-2024")
                .expect("valid values"),
        )
        .build()
        .expect("client");
    let ine = || "1234567890A".parse::<PathSegment>().expect("a segment");
    // The spec's cookie parameter is a setter of the call, its values checked before sending.
    let student = client
        .v3()
        .etudiants(ine())
        .langue("fr")
        .await
        .expect("answers");
    let refused = client.v3().etudiants(ine()).langue("de").await;
    assert!(
        matches!(&refused, Err(api_fictive::Error::Validation(_))),
        "`de` is not one of the cookie's values: {refused:?}"
    );
    assert_eq!(server.stats().requests, 1, "the refused call was not sent");
    let statut = student.body.data.and_then(|d| d.statut);
    assert!(
        matches!(statut, Some(Statut::Boursier(Boursier { echelon: 4, .. }))),
        "the spec's example of the first alternative: {statut:?}"
    );
}
