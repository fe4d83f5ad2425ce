//! Every staging payload file is reachable by a request built from its own `params`, and the
//! answer is the file's status and body (document links excepted: they point to the mock).

mod support;

use std::path::Path;

use serde_json::Value;

/// `actual` equals `expected`, except for document links rewritten to the mock's files.
fn same_modulo_links(
    expected: &Value,
    actual: &Value,
    base_url: &str,
    at: &str,
) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            if e.len() != a.len() {
                return Err(format!("{at}: keys differ"));
            }
            for (k, v) in e {
                let other = a.get(k).ok_or_else(|| format!("{at}.{k}: missing"))?;
                same_modulo_links(v, other, base_url, &format!("{at}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            e.iter().zip(a).enumerate().try_for_each(|(i, (e, a))| {
                same_modulo_links(e, a, base_url, &format!("{at}[{i}]"))
            })
        }
        (Value::String(e), Value::String(a))
            if e.starts_with("http") && a.starts_with(&format!("{base_url}/mock-files/")) =>
        {
            Ok(())
        }
        (e, a) if e == a => Ok(()),
        (e, a) => Err(format!("{at}: expected {e}, got {a}")),
    }
}

#[tokio::test]
async fn every_payload_file_is_answered_from_its_own_params() {
    let root = apie_shared_data::shared_or_return!("staging/payloads");
    let server = support::start_default().await;
    let token = support::staging_token(&server);
    let summary = server.summary().clone();
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut folders: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    folders.sort();
    for folder in folders {
        let id = folder.file_name().unwrap().to_string_lossy().into_owned();
        let op = api_entreprise::find_operation(&id)
            .unwrap_or_else(|| panic!("{id}: the client has no operation with this x-operationId"));
        let mut files: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files.iter().filter(|f| is_yaml(f)) {
            let (params, status, body) = support::read_payload_file(file);
            let mut path = op.path.to_string();
            let mut query = vec![support::TRACE.to_string()];
            for (name, value) in &params {
                let placeholder = format!("{{{name}}}");
                if path.contains(&placeholder) {
                    path = path.replace(&placeholder, value);
                } else {
                    query.push(format!("{name}={value}"));
                }
            }
            assert!(
                !path.contains('{'),
                "{}: params do not fill {path}",
                file.display()
            );
            let reply = support::get(
                &server,
                &format!("{path}?{}", query.join("&")),
                Some(&token),
            )
            .await;
            checked += 1;
            if reply.status != status {
                failures.push(format!(
                    "{}: status {} instead of {status}",
                    file.display(),
                    reply.status
                ));
            } else if let Err(e) = same_modulo_links(&body, &reply.body, &server.base_url(), "$") {
                failures.push(format!("{}: {e}", file.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked}:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(checked, summary.payloads);
    assert!(checked > 100, "{checked}");
}

fn is_yaml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "yaml" || e == "yml")
}
