//! The real server's checks, in its order, with the spec's own error bodies.

mod support;

use serde_json::json;
use support::{get, jwt, staging_token, start_default, TRACE};

const UNITE_LEGALE: &str = "/v3/insee/sirene/unites_legales/552049447";

#[tokio::test]
async fn a_missing_or_malformed_token_is_refused_with_00101() {
    let server = start_default().await;
    let path = format!("{UNITE_LEGALE}?{TRACE}");
    for token in [None, Some("not-a-jwt"), Some("a.b.c")] {
        let reply = get(&server, &path, token).await;
        assert_eq!(reply.status, 401, "{token:?}");
        assert_eq!(reply.codes(), ["00101"], "{token:?}");
        // The spec's own words.
        assert_eq!(reply.body["errors"][0]["title"], "Interdit");
        assert_eq!(reply.body["errors"][0]["source"]["parameter"], "token");
    }
}

#[tokio::test]
async fn an_expired_token_is_refused_with_00103() {
    let server = start_default().await;
    let expired = jwt(&json!({"uid": "x", "scopes": ["entreprises"], "exp": 1_000_000_000}));
    let reply = get(&server, &format!("{UNITE_LEGALE}?{TRACE}"), Some(&expired)).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.codes(), ["00103"]);
    assert_eq!(reply.body["errors"][0]["title"], "Jeton expiré");
}

#[tokio::test]
async fn any_well_formed_jwt_is_accepted() {
    let server = start_default().await;
    let own =
        jwt(&json!({"scopes": ["unites_legales_etablissements_insee"], "exp": 4102444800u64}));
    let reply = get(&server, &format!("{UNITE_LEGALE}?{TRACE}"), Some(&own)).await;
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn a_token_without_the_operation_scopes_is_refused_with_00100() {
    let server = start_default().await;
    let other = jwt(&json!({"scopes": ["cnaf_quotient_familial"]}));
    let reply = get(&server, &format!("{UNITE_LEGALE}?{TRACE}"), Some(&other)).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.codes(), ["00100"]);
    // /privileges needs no scope.
    assert_eq!(get(&server, "/privileges", Some(&other)).await.status, 200);
}

#[tokio::test]
async fn each_missing_traceability_parameter_has_its_code() {
    let server = start_default().await;
    let token = staging_token(&server);
    // The spec: context 00201, object 00202, recipient 00203.
    for (query, codes) in [
        ("recipient=13002526500013&object=test", vec!["00201"]),
        ("context=test&recipient=13002526500013", vec!["00202"]),
        ("context=test&object=test", vec!["00203"]),
        (
            "context=%20&recipient=13002526500013&object=test",
            vec!["00201"],
        ),
        ("", vec!["00201", "00203", "00202"]),
    ] {
        let reply = get(&server, &format!("{UNITE_LEGALE}?{query}"), Some(&token)).await;
        assert_eq!(reply.status, 422, "{query}");
        let mut expected = codes.clone();
        expected.sort();
        let mut got = reply.codes();
        got.sort();
        assert_eq!(got, expected, "{query}");
        assert_eq!(reply.body["errors"][0]["title"], "Entité non traitable");
    }
}

#[tokio::test]
async fn a_recipient_that_is_not_a_siret_is_refused() {
    let server = start_default().await;
    let token = staging_token(&server);
    let reply = get(
        &server,
        &format!("{UNITE_LEGALE}?context=test&recipient=13002526500014&object=test"),
        Some(&token),
    )
    .await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.body["errors"][0]["source"]["parameter"], "recipient");
}

#[tokio::test]
async fn malformed_identifiers_get_the_spec_code_of_their_kind() {
    let server = start_default().await;
    let token = staging_token(&server);
    for (path, code) in [
        // Luhn key wrong.
        ("/v3/insee/sirene/unites_legales/552049448", "00301"),
        ("/v3/insee/sirene/unites_legales/12345", "00301"),
        ("/v3/insee/sirene/etablissements/55204944776270", "00302"),
        (
            "/v3/ministere_interieur/rna/associations/X751234567",
            "00303",
        ),
        (
            "/v3/douanes/etablissements/fr123/immatriculations_eori",
            "00304",
        ),
        (
            "/v3/gip_mds/etablissements/13002526500013/effectifs_mensuels/13/annee/2024",
            "00305",
        ),
        (
            "/v3/dgfip/unites_legales/552049447/liasses_fiscales/20x4",
            "00307",
        ),
        ("/v3/data_subvention/associations/abc/subventions", "00330"),
        ("/v4/djepva/api-association/associations/abc", "00333"),
    ] {
        let reply = get(&server, &format!("{path}?{TRACE}"), Some(&token)).await;
        assert_eq!(reply.status, 422, "{path}");
        assert_eq!(reply.codes(), [code], "{path}");
    }
}

#[tokio::test]
async fn the_token_is_checked_before_traceability_and_traceability_before_identifiers() {
    let server = start_default().await;
    let bad_everything = "/v3/insee/sirene/unites_legales/552049448";
    assert_eq!(get(&server, bad_everything, None).await.codes(), ["00101"]);
    let token = staging_token(&server);
    let reply = get(&server, bad_everything, Some(&token)).await;
    assert!(
        reply.codes().contains(&"00201".to_string()),
        "{:?}",
        reply.codes()
    );
}

#[tokio::test]
async fn a_valid_identifier_of_an_operation_without_example_gets_its_404() {
    let server = start_default().await;
    let token = staging_token(&server);
    // The legacy v2 spec has no schema for /v2/privileges/, and a v2 route with a schema
    // answers its example; a v3 route with no payload for this SIRET answers its example too.
    let reply = get(
        &server,
        &format!("/v3/insee/sirene/etablissements/41816609600002?{TRACE}"),
        Some(&token),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["data"]["siret"], "41816609600002");
}
