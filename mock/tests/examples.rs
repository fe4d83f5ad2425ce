//! Every operation answers a valid call, and its answer decodes with the generated client's
//! models: the success bodies the mock assembles from the spec are ones the client accepts.

mod support;

/// A valid value of each identifier kind, chosen to have no staging payload.
fn sample(identifier: &str) -> &'static str {
    match identifier {
        "Siren" | "SirenOrRna" | "SirenOrSiretOrRna" => "418166096",
        "Siret" | "SiretOrEori" => "41816609600002",
        "Rna" | "SiretOrRna" => "W123456789",
        "Eori" => "FR41816609600002",
        "Year" => "2023",
        "Month" => "06",
        _ => "x",
    }
}

#[tokio::test]
async fn every_operation_answers_a_body_the_client_decodes() {
    let server = support::start_default().await;
    let token = support::staging_token(&server);
    let summary = server.summary().clone();
    let mut failures = Vec::new();
    let mut answered = 0;
    for spec in [&summary.spec, &summary.spec_v2] {
        let loaded = apie_spec::model_from_file(spec).expect("the spec loads");
        for op in &loaded.api.operations {
            let mut path = op.path.clone();
            for p in &op.path_params {
                path = path.replace(&format!("{{{}}}", p.name), sample(&p.identifier));
            }
            let mut query = vec![support::TRACE.to_string()];
            for o in op.options.iter().filter(|o| o.required) {
                query.push(format!("{}=15m", o.name));
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
                    op.id, reply.status, reply.body
                ));
                continue;
            }
            match api_entreprise::decode_any(&op.id, 200, reply.body.to_string().as_bytes()) {
                None | Some(Ok(_)) => {}
                Some(Err(e)) => failures.push(format!("{}: {e}", op.id)),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {answered}:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(answered, summary.operations);
}
