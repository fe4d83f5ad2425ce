//! Every real staging response in `../shared/staging/payloads` decodes: 2xx into its
//! operation's model, other statuses into the typed error with its code known or kept.

use std::path::PathBuf;

use api_entreprise::errors::ErrorCode;
use api_entreprise::Error;

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

struct Payload {
    file: String,
    operation: String,
    status: u16,
    body: String,
}

fn payloads(root: &std::path::Path) -> Vec<Payload> {
    let mut out = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    for dir in dirs.into_iter().filter(|d| d.is_dir()) {
        let operation = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        {
            let text = std::fs::read_to_string(&file).unwrap();
            let node = apie_spec::load::load_str(&file.display().to_string(), &text).unwrap();
            let status = match node.get("status").map(|s| &s.value) {
                Some(apie_spec::load::Value::Int(i)) => *i as u16,
                other => panic!("{}: status is {other:?}", file.display()),
            };
            let body = node
                .get("payload")
                .and_then(|p| p.as_str())
                .unwrap_or_default()
                .to_string();
            out.push(Payload {
                file: file.display().to_string(),
                operation: operation.clone(),
                status,
                body,
            });
        }
    }
    out
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
