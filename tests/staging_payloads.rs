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

/// Every success body comes back as the JSON it was (decode → encode, key order aside): the
/// models keep what the spec does not declare. Error bodies keep their text in
/// `ApiError::raw_body`. What the spec missed (undeclared fields, enum values it does not
/// list) is reported per operation with its JSON path: printed past the harness's capture,
/// so that it shows in `cargo test`.
#[test]
fn every_staging_payload_round_trips_and_what_the_spec_misses_is_reported() {
    use std::collections::BTreeMap;
    use std::io::Write;

    use api_entreprise::runtime::UndeclaredReport;

    let Some(root) = payloads_dir() else { return };
    // Per operation: each undeclared path and each unknown enum value, with how often seen.
    let mut fields: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let mut enums: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let (mut round_trips, mut raw_kept) = (0, 0);
    let mut failures = Vec::new();
    for p in payloads(&root) {
        let sent: serde_json::Value = match serde_json::from_str(&p.body) {
            Ok(value) => value,
            Err(e) => {
                failures.push(format!("{}: not JSON: {e}", p.file));
                continue;
            }
        };
        match api_entreprise::decode(&p.operation, p.status, p.body.as_bytes()) {
            Some(Ok(body)) => {
                let encoded = serde_json::to_value(&body).expect("a decoded body encodes");
                match first_difference(&sent, &encoded, &mut String::new()) {
                    None => round_trips += 1,
                    Some(difference) => failures.push(format!("{}: {difference}", p.file)),
                }
                let report = UndeclaredReport::of(&body);
                for path in report.fields {
                    *fields
                        .entry(p.operation.clone())
                        .or_default()
                        .entry(path)
                        .or_default() += 1;
                }
                for (path, value) in report.enum_values {
                    *enums
                        .entry(p.operation.clone())
                        .or_default()
                        .entry(format!("{path} = {value:?}"))
                        .or_default() += 1;
                }
            }
            Some(Err(Error::Api(api))) if api.raw_body == p.body => raw_kept += 1,
            Some(Err(Error::Api(_))) => {
                failures.push(format!("{}: the error body's text is not kept", p.file))
            }
            other => failures.push(format!("{}: does not decode: {other:?}", p.file)),
        }
    }
    let count = |map: &BTreeMap<String, BTreeMap<String, usize>>| -> (usize, usize) {
        let distinct = map.values().map(BTreeMap::len).sum();
        let seen = map.values().flat_map(BTreeMap::values).sum();
        (distinct, seen)
    };
    let ((field_paths, field_seen), (enum_values, enum_seen)) = (count(&fields), count(&enums));
    let mut out = format!(
        "staging round trip: {round_trips} success bodies encode back to the JSON sent, {raw_kept} error bodies kept as sent; {} failed\n\
         undeclared fields: {field_paths} JSON paths in {} operations ({field_seen} occurrences); \
         enum values the spec does not list: {enum_values} in {} operations ({enum_seen} occurrences)\n",
        failures.len(),
        fields.len(),
        enums.len(),
    );
    for (title, map) in [
        ("undeclared field", &fields),
        ("unknown enum value", &enums),
    ] {
        for (operation, seen) in map {
            for (what, n) in seen {
                out.push_str(&format!("  {title}: {operation} {what} (×{n})\n"));
            }
        }
    }
    // The harness captures `println!`, not a direct write: the report shows in `cargo test`.
    let _ = std::io::stderr().lock().write_all(out.as_bytes());
    assert!(
        failures.is_empty(),
        "{} payloads do not round-trip:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Where `encoded` first differs from `sent`, as a JSON path and both values; `None` when
/// they are the same JSON (objects compare without regard to key order).
fn first_difference(
    sent: &serde_json::Value,
    encoded: &serde_json::Value,
    path: &mut String,
) -> Option<String> {
    use serde_json::Value;
    let here = |path: &str| {
        if path.is_empty() {
            "/".to_string()
        } else {
            path.to_string()
        }
    };
    match (sent, encoded) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let len = path.len();
                path.push('/');
                path.push_str(key);
                let found = match b.get(key) {
                    None => Some(format!("{}: sent {value}, not encoded", here(path))),
                    Some(other) => first_difference(value, other, path),
                };
                path.truncate(len);
                if found.is_some() {
                    return found;
                }
            }
            b.iter()
                .find(|(key, _)| !a.contains_key(*key))
                .map(|(key, value)| format!("{}/{key}: not sent, encoded as {value}", path))
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().find_map(|(i, (x, y))| {
                let len = path.len();
                path.push_str(&format!("/{i}"));
                let found = first_difference(x, y, path);
                path.truncate(len);
                found
            })
        }
        // Numbers compare by value: `1.0` sent may come back as `1.0` or `1`.
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => None,
        _ if sent == encoded => None,
        _ => Some(format!("{}: sent {sent}, encoded as {encoded}", here(path))),
    }
}
