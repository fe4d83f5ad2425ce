//! Every operation answers a valid call from the examples the client's build emitted, with
//! no payload directory and the token the mock made up, and its answer decodes with the
//! generated client's models: the success bodies assembled from the spec are ones the client
//! accepts.

mod support;

use api_entreprise::runtime::{ParamKind, ParamLocation};
use apie_mock::{MockConfig, MockServer};

#[tokio::test]
async fn every_operation_answers_a_body_the_client_decodes() {
    let server = MockServer::start_with(MockConfig::default())
        .await
        .expect("the mock starts with nothing beside it");
    assert_eq!(
        server.summary().data_dir,
        None,
        "this test is about the examples alone: unset API_ENTREPRISE_PAYLOADS"
    );
    assert_eq!(server.summary().token_file, None);
    let token = server.staging_token();
    let mut failures = Vec::new();
    let mut answered = 0;
    for op in api_entreprise::all_operations() {
        let mut path = op.path.to_string();
        let mut query = vec![support::TRACE.to_string()];
        for p in op.params {
            match (p.location, p.kind) {
                (ParamLocation::Path, ParamKind::Identifier(kind)) => {
                    path = path.replace(&format!("{{{}}}", p.name), support::sample(kind));
                }
                (ParamLocation::Query, _) if p.required => query.push(format!("{}=15m", p.name)),
                _ => {}
            }
        }
        let reply = support::get(
            &server,
            &format!("{path}?{}", query.join("&")),
            Some(&token),
        )
        .await;
        answered += 1;
        if reply.status != 200 {
            failures.push(format!(
                "{}: status {}: {}",
                op.operation_id, reply.status, reply.body
            ));
            continue;
        }
        match api_entreprise::decode_any(op.operation_id, 200, reply.body.to_string().as_bytes()) {
            None | Some(Ok(_)) => {}
            Some(Err(e)) => failures.push(format!("{}: {e}", op.operation_id)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {answered}:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(answered, server.summary().operations);
}
