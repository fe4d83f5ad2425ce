//! Every real staging response in `../shared/staging/payloads` decodes: 2xx into its
//! operation's model, other statuses into the typed error with its code known or kept.

use std::path::PathBuf;

use api_entreprise::errors::ErrorCode;
use api_entreprise::Error;

mod support;

use support::payloads::all as payloads;

/// `API_ENTREPRISE_PAYLOADS` (another corpus, which must be there), else the shared data's.
fn payloads_dir() -> Option<PathBuf> {
    match std::env::var_os("API_ENTREPRISE_PAYLOADS") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            assert!(
                dir.is_dir(),
                "API_ENTREPRISE_PAYLOADS={} is no folder",
                dir.display()
            );
            Some(dir)
        }
        None => apie_shared_data::find("staging/payloads"),
    }
}

#[test]
fn every_staging_payload_decodes() {
    let Some(root) = payloads_dir() else { return };
    let payloads = payloads(&root);
    assert!(
        payloads.len() >= 100,
        "expected the staging corpus, found {} payloads",
        payloads.len()
    );
    let (mut ok, mut errors_known, mut errors_other) = (0, 0, 0);
    let mut failures = Vec::new();
    for p in &payloads {
        match api_entreprise::decode(&p.operation, p.status, p.body.as_bytes()) {
            None => failures.push(format!(
                "{}: operation `{}` is not in the generated client",
                p.file, p.operation
            )),
            Some(Ok(_)) if (200..300).contains(&p.status) => ok += 1,
            Some(Ok(_)) => failures.push(format!(
                "{}: status {} decoded as success",
                p.file, p.status
            )),
            Some(Err(Error::Api(api))) if !(200..300).contains(&p.status) => {
                assert_eq!(api.status, p.status);
                if api.errors.is_empty() {
                    failures.push(format!(
                        "{}: status {} body has no errors[]",
                        p.file, p.status
                    ));
                }
                for item in &api.errors {
                    match ErrorCode::from(item) {
                        ErrorCode::Other(_) => errors_other += 1,
                        known => {
                            assert_eq!(known.code(), item.code);
                            errors_known += 1
                        }
                    }
                }
            }
            Some(Err(e)) => failures.push(format!("{}: {e}", p.file)),
        }
    }
    println!(
        "staging payloads: {} decoded of {} ({ok} success bodies, {errors_known} error items with a known code, {errors_other} with a code the spec does not list); {} failed",
        payloads.len() - failures.len(),
        payloads.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} payloads failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
