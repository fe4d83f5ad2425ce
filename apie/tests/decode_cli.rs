//! `apie decode` prints the typed value and exits 0, or the first value that did not fit
//! (with its JSON path) and exits 1; bad usage exits 2.

use std::process::{Command, Output};

fn payload(operation: &str, file: &str) -> String {
    let path = std::env::var_os("APIE_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"))
        .join("staging/payloads")
        .join(operation)
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let node = apie_spec::load::load_str("payload", &text).unwrap();
    node.get("payload")
        .and_then(|p| p.as_str())
        .unwrap()
        .to_string()
}

fn decode(operation: &str, status: &str, body: &str) -> Output {
    // Tests run in parallel: one file per call.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let file = std::env::temp_dir().join(format!("apie-decode-{}-{n}.json", std::process::id()));
    std::fs::write(&file, body).unwrap();
    Command::new(env!("CARGO_BIN_EXE_apie"))
        .args(["decode", "--operation", operation, "--status", status])
        .arg(&file)
        .output()
        .unwrap()
}

#[test]
fn a_real_body_decodes_to_json() {
    let op = "api_entreprise_v3_insee_unites_legales";
    let out = decode(op, "200", &payload(op, "association.yaml"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["data"]["siren"], "775672272");
}

#[test]
fn a_body_that_does_not_fit_names_its_json_path() {
    let op = "api_entreprise_v3_insee_unites_legales";
    let mut body: serde_json::Value =
        serde_json::from_str(&payload(op, "association.yaml")).unwrap();
    body["data"]["personne_morale_attributs"]["raison_sociale"] =
        serde_json::json!(["not", "a", "string"]);
    let out = decode(op, "200", &body.to_string());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("data.personne_morale_attributs.raison_sociale"),
        "{stderr}"
    );
}

#[test]
fn an_error_body_is_explained_and_exits_1() {
    let body = r#"{"errors":[{"code":"00101","title":"Interdit","detail":"Votre token n'est pas valide","source":{"parameter":"token"},"meta":{}}]}"#;
    let out = decode("api_entreprise_v4_insee_unites_legales", "401", body);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("HTTP 401") && stderr.contains("00101"),
        "{stderr}"
    );
}

#[test]
fn bad_usage_exits_2() {
    let out = decode("no_such_operation", "200", "{}");
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(env!("CARGO_BIN_EXE_apie"))
        .args(["decode", "--status", "abc"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
