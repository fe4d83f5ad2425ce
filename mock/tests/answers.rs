//! What the mock answers once the checks pass: staging payloads, the spec's examples, 404s,
//! documents, `/privileges` and the monitoring routes.

mod support;

use serde_json::json;
use support::{get, http, staging_token, start_default, TRACE};

#[tokio::test]
async fn a_staging_payload_is_served_with_its_status_and_body() {
    let payloads = apie_shared_data::shared_or_return!("staging/payloads");
    let server = start_default().await;
    let token = staging_token(&server);
    let reply = get(
        &server,
        &format!("/v3/insee/sirene/unites_legales/552049447?{TRACE}"),
        Some(&token),
    )
    .await;
    let (_, status, body) = support::read_payload_file(
        &payloads.join("api_entreprise_v3_insee_unites_legales/personne_morale.yaml"),
    );
    assert_eq!(reply.status, status);
    assert_eq!(reply.body, body);
    assert_eq!(
        reply.header("content-type"),
        "application/json; charset=utf-8"
    );
    assert_eq!(reply.header("x-response-cached"), "false");
    assert_eq!(reply.header("x-cache-expires-in"), "3600");

    // A recorded 404 is served as recorded, with its real error body.
    let not_found = get(
        &server,
        &format!("/v3/insee/sirene/etablissements/00000000000000?{TRACE}"),
        Some(&token),
    )
    .await;
    assert_eq!(not_found.status, 404);
    assert_eq!(not_found.codes(), ["04003"]);
}

#[tokio::test]
async fn the_payload_naming_the_most_parameters_wins() {
    let payloads = apie_shared_data::shared_or_return!("staging/payloads");
    let server = start_default().await;
    let token = staging_token(&server);
    let path = "/v3/gip_mds/unites_legales/130025265/effectifs_annuels/2024";
    let dir = payloads.join("api_entreprise_v3_gip_mds_effectifs_annuels_entreprise");
    let plain = get(&server, &format!("{path}?{TRACE}"), Some(&token)).await;
    assert_eq!(
        plain.body,
        support::read_payload_file(&dir.join("200-2024.yaml")).2
    );
    let boeth = get(
        &server,
        &format!("{path}?{TRACE}&nature_effectif=boeth"),
        Some(&token),
    )
    .await;
    assert_eq!(
        boeth.body,
        support::read_payload_file(&dir.join("200-boeth.yaml")).2
    );
    assert_ne!(plain.body, boeth.body);
}

#[tokio::test]
async fn a_valid_identifier_without_payload_gets_the_spec_example() {
    let server = start_default().await;
    let token = staging_token(&server);
    // 418166096 (OCTO Technology) has no INSEE payload.
    let reply = get(
        &server,
        &format!("/v3/insee/sirene/unites_legales/418166096?{TRACE}"),
        Some(&token),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.body["data"]["siren"], "418166096",
        "the example speaks of the SIREN asked"
    );
    assert!(reply.body["data"]["personne_morale_attributs"].is_object());
    assert!(reply.body.get("links").is_some() && reply.body.get("meta").is_some());

    // The example decodes with the generated client's models.
    let decoded = api_entreprise::decode_any(
        "api_entreprise_v3_insee_unites_legales",
        200,
        reply.body.to_string().as_bytes(),
    );
    assert!(matches!(decoded, Some(Ok(_))), "{decoded:?}");
}

#[tokio::test]
async fn unknown_routes_answer_404_in_the_api_format() {
    let server = start_default().await;
    let token = staging_token(&server);
    let reply = get(&server, "/v3/nowhere/552049447", Some(&token)).await;
    assert_eq!(reply.status, 404);
    let error = &reply.body["errors"][0];
    assert_eq!(error["code"], "00404");
    assert_eq!(error["title"], "Entité non trouvée");
    assert!(error["detail"]
        .as_str()
        .unwrap()
        .contains("/v3/nowhere/552049447"));
    assert!(error.get("source").is_some() && error.get("meta").is_some());

    let post = http()
        .post(format!(
            "{}/v3/insee/sirene/unites_legales/552049447",
            server.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status().as_u16(), 405);
}

#[tokio::test]
async fn document_links_point_to_the_mock_and_download() {
    let payloads = apie_shared_data::shared_or_return!("staging/payloads");
    let server = start_default().await;
    let token = staging_token(&server);
    let reply = get(
        &server,
        &format!("/v3/fntp/unites_legales/130025265/carte_professionnelle_travaux_publics?{TRACE}"),
        Some(&token),
    )
    .await;
    assert_eq!(reply.status, 200);
    let url = reply.body["data"]["document_url"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        url,
        format!(
            "{}/mock-files/carte_professionnelle_tp_test.pdf",
            server.base_url()
        )
    );
    let (_, _, recorded) = support::read_payload_file(
        &payloads.join("api_entreprise_v3_fntp_carte_professionnelle_travaux_publics/200.yml"),
    );
    assert_eq!(
        reply.body["data"]["expires_in"],
        recorded["data"]["expires_in"]
    );

    // Downloaded without a token, as the real pre-signed links are.
    let document = http().get(&url).send().await.unwrap();
    assert_eq!(document.status().as_u16(), 200);
    assert_eq!(document.headers()["content-type"], "application/pdf");
    let bytes = document.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-1.4") && bytes.ends_with(b"%%EOF\n"));

    // Nothing outside the files' directory.
    let escape = http()
        .get(format!("{}/mock-files/..%2Fsecret", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(escape.status().as_u16(), 404);
}

#[tokio::test]
async fn privileges_lists_the_token_scopes() {
    let server = start_default().await;
    let token = staging_token(&server);
    let reply = get(&server, "/privileges", Some(&token)).await;
    assert_eq!(reply.status, 200);
    let scopes: Vec<&str> = reply.body["data"]["privileges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        scopes.contains(&"unites_legales_etablissements_insee"),
        "{scopes:?}"
    );
    // The staging token, like the one the mock makes, opens every operation of the map.
    for op in api_entreprise::all_operations() {
        for needed in api_entreprise::required_scopes(op.operation_id).unwrap_or_default() {
            assert!(scopes.contains(needed), "{}: {needed}", op.operation_id);
        }
    }
    assert_eq!(reply.body["links"], json!({}));

    let own = support::jwt(&json!({"scopes": ["entreprises"], "exp": 4102444800u64}));
    let v2 = get(&server, "/v2/privileges/", Some(&own)).await;
    assert_eq!(v2.body["data"]["privileges"], json!(["entreprises"]));

    assert_eq!(get(&server, "/privileges", None).await.status, 401);
}

#[tokio::test]
async fn monitoring_routes_need_no_token() {
    let server = start_default().await;
    let status = get(&server, "/watchdoge/dashboard/current_status/", None).await;
    assert_eq!(status.status, 200);
    let entries = status.body.as_array().expect("a list");
    assert!(entries.len() > 80, "{}", entries.len());
    assert!(entries.iter().any(
        |e| e["operation_id"] == "api_entreprise_v4_insee_unites_legales" && e["code"] == 200
    ));
    assert!(!status.header("ratelimit-limit").is_empty());

    let availability = get(
        &server,
        "/watchdoge/stats/provider_availabilities?period=1h&endpoint=api/v3/insee",
        None,
    )
    .await;
    assert_eq!(availability.status, 200);
    assert_eq!(availability.body["endpoint"], "api/v3/insee");
    assert_eq!(availability.body["total_checks"], 60);

    let missing = get(&server, "/watchdoge/stats/provider_availabilities/", None).await;
    assert_eq!(missing.status, 422);
    assert_eq!(missing.body["errors"].as_array().unwrap().len(), 2);
}
