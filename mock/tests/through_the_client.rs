//! Every operation of the API the client was built for, called end to end through the
//! generated client's runtime against the mock that stands on it, with nothing beside the
//! checkout: the client sends what the spec declares (its secret in the spec's header, the
//! traceability parameters the operation declares, checked identifiers), the mock checks the
//! same facts from the same constants and answers, the answer decodes.
//!
//! Nothing here names API Entreprise: CI also runs this file on the client built from the
//! fictional profile (`APIE_PROFILE=codegen/tests/fixtures/fictional/profile.yml`), which is
//! how another API of the platform is shown to need files only.

mod support;

use api_entreprise::runtime::{
    ParamKind, ParamLocation, Request, Throttle, ThrottleConfig, Token, TraceabilityCheck,
};
use api_entreprise::{Client, Error, Traceability};
use apie_mock::{MockConfig, MockServer};

/// Valid values for every traceability parameter of the platform, by its own checks.
fn traceability() -> Traceability {
    let values: Vec<(&str, String)> = api_entreprise::platform::TRACEABILITY
        .iter()
        .map(|p| {
            let value = match p.check {
                TraceabilityCheck::Siret => "13002526500013".to_owned(),
                TraceabilityCheck::Siren => "130025265".to_owned(),
                TraceabilityCheck::OneOf(allowed) => allowed[0].to_owned(),
                // The fictional profile's one pattern (a file number).
                TraceabilityCheck::Pattern("[A-Z]{2}-[0-9]{4}") => "AB-2024".to_owned(),
                // At least its minimum.
                TraceabilityCheck::Text { min_chars, .. } => "t".repeat(min_chars.max(5)),
                _ => "tests".to_owned(),
            };
            (p.name, value)
        })
        .collect();
    Traceability::from_pairs(values.iter().map(|(n, v)| (*n, v.as_str())))
        .expect("valid by the platform's checks")
}

#[tokio::test]
async fn every_operation_is_called_through_the_client() {
    let server = MockServer::start_with(MockConfig {
        data_dir: None,
        ..MockConfig::default()
    })
    .await
    .expect("the mock starts with nothing beside it");
    let client = Client::builder()
        .base_url(server.base_url())
        .token(Token::new(server.staging_token()))
        .traceability(traceability())
        // Its own throttle, with the platform's real rules: the calls of this test only.
        .throttle(Throttle::new(ThrottleConfig::new(
            &api_entreprise::PLATFORM,
        )))
        .build()
        .expect("client");
    let mut failures = Vec::new();
    let mut called = 0;
    for op in api_entreprise::all_operations() {
        let request = match Request::from_params(op, &sample_params(op)) {
            // A body its spec requires (the client refuses a call without one): an empty
            // object, which the mock reads as JSON and does not check against the schema.
            Ok(mut r) if op.request_body.is_some_and(|b| b.required) => {
                match r.json_body(&serde_json::json!({})) {
                    Ok(()) => r,
                    Err(e) => {
                        failures.push(format!("{}: body refused: {e}", op.operation_id));
                        continue;
                    }
                }
            }
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{}: refused before sending: {e}", op.operation_id));
                continue;
            }
        };
        called += 1;
        match client.execute::<serde_json::Value>(request).await {
            Ok(response) => {
                let body = response.body.to_string();
                if let Some(Err(e)) =
                    api_entreprise::decode_any(op.operation_id, response.status, body.as_bytes())
                {
                    failures.push(format!("{}: does not decode: {e}", op.operation_id));
                }
            }
            Err(e) => failures.push(format!("{}: {e}", op.operation_id)),
        }
    }
    assert!(called > 0, "the client has operations");
    let mut schemes: Vec<String> = api_entreprise::all_operations()
        .map(|op| format!("{:?}", op.auth))
        .collect();
    schemes.sort();
    schemes.dedup();
    eprintln!(
        "{called} operations of {} called through the client (secret sent as {})",
        api_entreprise::platform::API_NAME,
        schemes.join(", ")
    );
    assert!(
        failures.is_empty(),
        "{} of {called} calls failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Valid values for the path identifiers and the required parameters of `op`.
fn sample_params(op: &api_entreprise::runtime::OperationMeta) -> Vec<(String, String)> {
    let mut params = Vec::new();
    for p in op.params {
        match (p.location, p.kind) {
            (ParamLocation::Path, ParamKind::Identifier(kind)) => {
                params.push((p.name.to_string(), support::sample(kind).to_string()));
            }
            (_, _) if p.required => {
                let value = p.allowed.first().copied().unwrap_or("15m");
                params.push((p.name.to_string(), value.to_string()));
            }
            _ => {}
        }
    }
    params
}

#[tokio::test]
async fn the_mock_refuses_a_missing_secret_in_each_spec_envelope() {
    let server = MockServer::start_with(MockConfig {
        data_dir: None,
        ..MockConfig::default()
    })
    .await
    .expect("the mock starts with nothing beside it");
    // One operation of each way of sending the secret and writing errors: every spec's.
    let mut seen = Vec::new();
    for op in api_entreprise::all_operations().filter(|op| op.requires_token()) {
        let kind = (op.auth, *op.error_envelope);
        if !seen.contains(&kind) {
            seen.push(kind);
            refused_without_secret(&server, op).await;
        }
    }
    assert!(!seen.is_empty(), "an operation that needs the secret");
    eprintln!(
        "{} ways of sending the secret and writing errors refused",
        seen.len()
    );
}

/// `op`, sent without its secret, is refused with a 401 that its own decoder reads.
async fn refused_without_secret(
    server: &MockServer,
    op: &'static api_entreprise::runtime::OperationMeta,
) {
    // Sent by hand, since the client never sends a call without its secret: the platform's
    // own path and traceability parameters, and no secret at all, whatever the scheme.
    let mut path = op.path.to_string();
    let mut query: Vec<(String, String)> = Vec::new();
    for (name, value) in sample_params(op) {
        let placeholder = format!("{{{name}}}");
        if path.contains(&placeholder) {
            path = path.replace(&placeholder, &value);
        } else {
            query.push((name, value));
        }
    }
    let trace = traceability();
    for name in op.traceability {
        let value = trace
            .get(name)
            .expect("the platform's parameter")
            .to_string();
        query.push((name.to_string(), value));
    }
    let response = reqwest::Client::new()
        .get(format!("{}{path}", server.base_url()))
        .query(&query)
        .send()
        .await
        .expect("an answer");
    let status = response.status().as_u16();
    let body = response.bytes().await.unwrap();
    // Decoded by the client's own decoder, through the operation's envelope.
    match api_entreprise::decode_any(op.operation_id, status, &body) {
        Some(Err(Error::Api(e))) => {
            assert_eq!(e.status, 401, "{e}");
            let codes: Vec<&str> = e.errors.iter().map(|i| i.code.as_str()).collect();
            assert_eq!(
                codes,
                [api_entreprise::platform::CODE_INVALID_TOKEN],
                "{}",
                e.raw_body
            );
        }
        other => panic!(
            "{}: expected a 401, got {status}: {other:?}",
            op.operation_id
        ),
    }
}
