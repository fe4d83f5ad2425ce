//! The token's scopes and the operations they open; the open monitoring
//! routes, typed and called without a token.

use api_entreprise::runtime::{Privileges, Token};
use api_entreprise::Client;
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const UNITES_LEGALES: &str = "api_entreprise_v3_insee_unites_legales";

#[test]
fn scopes_open_exactly_the_operations_the_map_lists() {
    let op = api_entreprise::find_operation(UNITES_LEGALES).unwrap();
    let needed = api_entreprise::required_scopes(UNITES_LEGALES)
        .expect("the scope map is read from spec/ at build time");
    assert!(!needed.is_empty());
    assert_eq!(
        Privileges::new(["open_data"; 0]).allows(&api_entreprise::PLATFORM, op),
        Some(false)
    );
    assert_eq!(
        Privileges::new(["nothing_useful"]).allows(&api_entreprise::PLATFORM, op),
        Some(false)
    );
    assert_eq!(
        Privileges::new([needed[0]]).allows(&api_entreprise::PLATFORM, op),
        Some(true)
    );

    // Monitoring routes need no scope.
    let status = api_entreprise::find_operation("get_watchdoge_dashboard_current_status").unwrap();
    assert_eq!(
        Privileges::default().allows(&api_entreprise::PLATFORM, status),
        Some(true)
    );

    // The public staging token opens every operation the map knows of the current spec.
    let path = apie_shared_data::shared_or_return!("staging/tokens/default");
    let token = Token::from_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let client = Client::builder().token(token).build().unwrap();
    let privileges = client
        .token_privileges()
        .expect("the staging token is a JWT");
    let allowed = privileges.allowed_operations(&api_entreprise::PLATFORM);
    assert!(allowed.iter().any(|o| o.operation_id == UNITES_LEGALES));
    for op in api_entreprise::operations::ALL {
        if let Some(answer) = privileges.allows(&api_entreprise::PLATFORM, op) {
            assert!(
                answer,
                "{} should be open to the staging token",
                op.operation_id
            );
        }
    }
}

#[tokio::test]
async fn privileges_come_from_the_server() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/privileges"))
        .and(header("authorization", "Bearer opaque"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"data": {"privileges": ["unites_legales_etablissements_insee", "open_data"]}, "links": {}, "meta": {}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .token(Token::new("opaque".into()))
        .build()
        .unwrap();
    let privileges = client.privileges().privileges().await.unwrap().body;
    assert_eq!(
        privileges.scopes(),
        ["unites_legales_etablissements_insee", "open_data"]
    );
    assert_eq!(
        client.token_privileges(),
        None,
        "an opaque token states nothing"
    );
}

#[tokio::test]
async fn monitoring_routes_are_typed_and_sent_without_token() {
    let server = MockServer::start().await;
    Mock::given(path("/watchdoge/dashboard/current_status/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": [
            {"uname": "apie_3_insee_unites_legales", "name": "Unités légales", "provider": "insee",
             "api_version": 3, "code": 200, "timestamp": "2026-11-28T14:00:00Z", "nouveau": 1},
            {"uname": "apie_3_dgfip_liasses_fiscales", "code": 502}
        ]})))
        .mount(&server)
        .await;
    Mock::given(path("/watchdoge/stats/provider_availabilities/"))
        .and(query_param("period", "1d"))
        .and(query_param("endpoint", "api/v3/insee/unites_legales"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "endpoint": "api/v3/insee/unites_legales", "period": "1d",
            "total_availability": 99.5, "days_availability": {"2026-11-27": 99.5}
        })))
        .mount(&server)
        .await;
    // With a token configured, monitoring calls still do not send it.
    let client = Client::builder()
        .base_url(server.uri())
        .token(Token::new("SECRET".into()))
        .build()
        .unwrap();
    let status = client
        .watchdoge()
        .dashboard_current_status()
        .await
        .unwrap()
        .body;
    assert_eq!(status.results.len(), 2);
    assert_eq!(status.results[0].is_up(), Some(true));
    assert_eq!(status.results[1].is_up(), Some(false));
    assert_eq!(status.results[0].extra["nouveau"], 1);
    let availability = client
        .watchdoge()
        .stats_provider_availabilities("api/v3/insee/unites_legales", "1d")
        .await
        .unwrap()
        .body;
    assert_eq!(availability.total_availability, Some(99.5));
    for request in server.received_requests().await.unwrap() {
        assert!(request.headers.get("authorization").is_none());
    }
}

/// The privileges route and the monitoring routes are typed by handwritten runtime types:
/// like the generated models, they keep what they do not read, and encode back to what the
/// server sent.
#[test]
fn runtime_types_keep_what_the_server_sent() {
    let body = serde_json::json!({
        "data": {"privileges": ["entreprises", "open_data"], "token_id": "t-1"},
        "meta": {"issued": "2026-01-01"}
    });
    let decoded: api_entreprise::runtime::Privileges =
        serde_json::from_value(body.clone()).unwrap();
    assert_eq!(decoded.scopes(), ["entreprises", "open_data"]);
    assert_eq!(decoded.received(), Some(&body));
    assert_eq!(serde_json::to_value(&decoded).unwrap(), body);
    // Made from a list, the same encoding it decodes from.
    let made = api_entreprise::runtime::Privileges::new(["entreprises"]);
    let encoded = serde_json::to_value(&made).unwrap();
    assert_eq!(encoded, serde_json::json!({"privileges": ["entreprises"]}));
    let again: api_entreprise::runtime::Privileges = serde_json::from_value(encoded).unwrap();
    assert_eq!(again.scopes(), made.scopes());

    let status = serde_json::json!({
        "results": [{"uname": "insee", "code": 200, "latency_ms": 12}],
        "generated_at": "2026-12-01T10:00:00Z"
    });
    let decoded: api_entreprise::runtime::CurrentStatus =
        serde_json::from_value(status.clone()).unwrap();
    assert_eq!(serde_json::to_value(&decoded).unwrap(), status);
    let availability = serde_json::json!({
        "endpoint": "insee", "period": "1d", "total_availability": 99.5,
        "days_availability": {"2026-11-30": 99.5}, "incidents": 1
    });
    let decoded: api_entreprise::runtime::ProviderAvailability =
        serde_json::from_value(availability.clone()).unwrap();
    assert_eq!(serde_json::to_value(&decoded).unwrap(), availability);
}
