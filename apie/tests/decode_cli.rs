//! `apie decode` prints the typed value and exits 0 when the body fits its model (the
//! success model for 2xx, the error envelope for other statuses), or says what did not fit
//! (with its JSON path) and exits 1; bad usage exits 2.

use std::process::{Command, Output};

/// The body of a recorded staging payload; `None` (said on the terminal) without the shared
/// test data.
#[track_caller]
fn payload(operation: &str, file: &str) -> Option<String> {
    let path = apie_shared_data::find("staging/payloads")?
        .join(operation)
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let node = apie_spec::load::load_str("payload", &text).unwrap();
    node.get("payload")
        .and_then(|p| p.as_str())
        .map(str::to_string)
}

fn decode(operation: &str, status: &str, body: &str) -> Output {
    decode_with(&[], operation, status, body)
}

fn decode_with(flags: &[&str], operation: &str, status: &str, body: &str) -> Output {
    // One file per call (tests run in parallel), removed once the command has read it, even
    // if it fails: the guard drops on return and on a panic.
    let file = tempfile::Builder::new()
        .prefix("apie-decode-")
        .suffix(".json")
        .tempfile()
        .unwrap();
    std::fs::write(file.path(), body).unwrap();
    Command::new(env!("CARGO_BIN_EXE_apie"))
        .arg("decode")
        .args(flags)
        .args(["--operation", operation, "--status", status])
        .arg(file.path())
        .output()
        .unwrap()
}

#[test]
fn a_real_body_decodes_to_json() {
    let op = "api_entreprise_v3_insee_unites_legales";
    let Some(body) = payload(op, "association.yaml") else {
        return;
    };
    let out = decode(op, "200", &body);
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
    let Some(text) = payload(op, "association.yaml") else {
        return;
    };
    let mut body: serde_json::Value = serde_json::from_str(&text).unwrap();
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
fn a_good_error_body_prints_the_typed_error_and_exits_0() {
    let body = r#"{"errors":[{"code":"00101","title":"Interdit","detail":"Votre token n'est pas valide","source":{"parameter":"token"},"meta":{}}]}"#;
    let out = decode("api_entreprise_v4_insee_unites_legales", "401", body);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("HTTP 401") && stderr.contains("00101"),
        "{stderr}"
    );
    let typed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(typed["status"], 401);
    assert_eq!(typed["errors"][0]["code"], "00101");
    assert_eq!(typed["errors"][0]["source"]["parameter"], "token");
    // The spec lists 00101: its status and title come with it.
    assert_eq!(typed["errors"][0]["known"], true, "{typed}");
    assert_eq!(typed["errors"][0]["spec_status"], 401, "{typed}");
}

#[test]
fn an_error_status_with_another_body_does_not_fit_and_exits_1() {
    let op = "api_entreprise_v4_insee_unites_legales";
    for (body, says) in [
        (r#"{"foo": 1}"#, "`/errors`"),
        ("not json", "not JSON"),
        (r#"{"errors": []}"#, "empty"),
        ("", "empty"),
    ] {
        let out = decode(op, "404", body);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{body:?}: {stderr}");
        assert!(stderr.contains("not the API's error envelope"), "{stderr}");
        assert!(stderr.contains(says), "{body:?}: {stderr}");
        assert!(out.stdout.is_empty(), "nothing printed as decoded");
    }
}

#[test]
fn a_success_status_with_a_body_that_is_not_json_exits_1() {
    let out = decode("api_entreprise_v3_insee_unites_legales", "200", "not json");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("does not fit"), "{stderr}");
}

#[test]
fn standard_input_is_read_with_a_dash() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_apie"))
        .args([
            "decode",
            "--operation",
            "api_entreprise_v4_insee_unites_legales",
            "--status",
            "404",
            "-",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"errors":[{"code":"01003","title":"t","detail":"d"}]}"#)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
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
    let out = Command::new(env!("CARGO_BIN_EXE_apie"))
        .args([
            "decode",
            "--operation",
            "x",
            "--status",
            "200",
            "/nonexistent.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

/// The issue's case: the fiscal certificate's two dates are not in the spec. They are printed
/// with the rest, and `--report-undeclared` names them with their JSON paths.
#[test]
fn undeclared_fields_are_printed_and_reported_with_their_paths() {
    let op = "api_entreprise_v3_dgfip_attestations_fiscales";
    let Some(body) = payload(op, "attestation_delivree.yaml") else {
        return;
    };
    let sent: serde_json::Value = serde_json::from_str(&body).unwrap();
    let out = decode_with(&["--report-undeclared"], op, "200", &body);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed, sent, "the printed value is the body sent");
    assert!(
        stderr.contains(&format!(
            "undeclared in the body of {op}: 2 fields, 0 enum values"
        )),
        "{stderr}"
    );
    for path in [
        "/data/date_delivrance_attestation",
        "/data/date_periode_analysee",
    ] {
        assert!(stderr.contains(&format!("  field {path}\n")), "{stderr}");
    }
}

/// Without the flag, no report; with it, a body the spec fully declares reports nothing,
/// and an unknown enum value is named with its path.
#[test]
fn the_report_counts_unknown_enum_values_and_only_when_asked() {
    let op = "api_entreprise_v3_insee_unites_legales";
    let Some(text) = payload(op, "association.yaml") else {
        return;
    };
    let quiet = decode(op, "200", &text);
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("undeclared"));
    let clean = decode_with(&["--report-undeclared"], op, "200", &text);
    let stderr = String::from_utf8_lossy(&clean.stderr);
    assert!(stderr.contains("0 fields, 0 enum values"), "{stderr}");
    let mut body: serde_json::Value = serde_json::from_str(&text).unwrap();
    body["data"]["type"] = serde_json::json!("pas_dans_la_spec");
    body["data"]["nouveau"] = serde_json::json!({"a": 1});
    let out = decode_with(&["--report-undeclared"], op, "200", &body.to_string());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("1 fields, 1 enum values"), "{stderr}");
    assert!(stderr.contains("  field /data/nouveau\n"), "{stderr}");
    assert!(
        stderr.contains("  enum value /data/type = \"pas_dans_la_spec\""),
        "{stderr}"
    );
}
