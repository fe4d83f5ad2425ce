//! The platform profile decides what the spec does not say: versions are an open set, another
//! API of the platform is another profile (files only), and the build writes its facts as
//! constants.

use std::path::{Path, PathBuf};

use apie_codegen::model::ApiVersion;
use apie_codegen::profile;
use apie_codegen::profile::LimitRule;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fictional")
        .join(name)
}

fn fictional_spec() -> String {
    std::fs::read_to_string(fixture("api-fictive.yml")).unwrap()
}

#[test]
fn a_v5_route_is_a_new_module_with_one_warning() {
    let text = fictional_spec().replace("/api/v2/etablissements", "/v5/etablissements");
    let generated = apie_codegen::generate_from_str("v5.yml", text.as_bytes()).expect("builds");
    let v5: Vec<_> = generated
        .api
        .operations
        .iter()
        .filter(|o| o.version == ApiVersion::Versioned(5))
        .collect();
    assert_eq!(v5.len(), 1);
    assert_eq!(v5[0].module, "v5");
    let warnings: Vec<_> = generated
        .diagnostics
        .items()
        .iter()
        .filter(|d| d.kind == "unknown-version" && d.message.contains("`v5`"))
        .collect();
    assert_eq!(
        warnings.len(),
        1,
        "one warning, not an error: {}",
        generated.diagnostics
    );
    assert!(warnings[0].message.contains("v5"), "{}", warnings[0]);
    assert!(generated.code.contains("pub mod v5"));
    assert!(generated
        .code
        .contains("version: crate::runtime::ApiVersion::Versioned {"));
}

#[test]
fn routes_under_api_v2_are_version_2() {
    let loaded = apie_codegen::model_from_str("f.yml", fictional_spec().as_bytes()).unwrap();
    let op = loaded
        .api
        .operations
        .iter()
        .find(|o| o.path == "/api/v2/etablissements/{uai}")
        .unwrap();
    assert_eq!(op.version, ApiVersion::Versioned(2));
    assert_eq!(op.module, "v2");
    assert_eq!(op.method_name, "etablissements");
}

#[test]
fn another_api_is_another_profile() {
    let loaded = profile::load_file(&fixture("profile.yml")).expect("valid profile");
    let p = &loaded.profile;
    let api = apie_codegen::model_with_profile("f.yml", fictional_spec().as_bytes(), p)
        .expect("models")
        .api;
    let by_id = |id: &str| api.operations.iter().find(|o| o.id == id).unwrap();
    let student = by_id("api_fictive_v1_etudiants");
    assert_eq!(student.version, ApiVersion::Versioned(1));
    assert_eq!(
        (student.module.as_str(), student.method_name.as_str()),
        ("v1", "etudiants")
    );
    assert_eq!(
        student.traceability,
        ["recipient"],
        "only what the spec declares"
    );
    let limit = |calls, per_secs| LimitRule { calls, per_secs };
    // Both limits of its group, the per-second one first.
    assert_eq!(
        (
            student.group.as_str(),
            &student.limits_per_token[..],
            student.timeout_ms
        ),
        ("json", &[limit(3, 1), limit(20, 10)][..], 3000)
    );
    let report = by_id("api_fictive_v1_bulletin");
    // Its own limit, then its group's.
    assert_eq!(
        (
            report.group.as_str(),
            report.own_limit,
            &report.limits_per_token[..],
            report.timeout_ms
        ),
        (
            "documents",
            Some(limit(1, 10)),
            &[limit(1, 10), limit(2, 10)][..],
            9000
        )
    );
    let school = by_id("api_fictive_v2_etablissements");
    assert!(school.traceability.is_empty());
    assert_eq!(
        school.auth,
        apie_codegen::model::AuthScheme::ApiKeyHeader("X-Api-Key".into())
    );
    assert_eq!(api.error_envelope.items, "", "one error per body");
}

#[test]
fn each_spec_sends_its_own_secret_and_writes_its_own_errors() {
    use apie_codegen::model::AuthScheme;
    let loaded = profile::load_file(&fixture("profile.yml")).expect("valid profile");
    let newer = std::fs::read_to_string(fixture("api-fictive-v3.yml")).unwrap();
    let api =
        apie_codegen::model_with_profile("v3.yml", newer.as_bytes(), &loaded.profile.for_spec(1))
            .expect("models")
            .api;
    let auth = |id: &str| &api.operations.iter().find(|o| o.id == id).unwrap().auth;
    // The spec's root requirement, an operation's own, and an empty one.
    assert_eq!(auth("api_fictive_v3_etudiants"), &AuthScheme::Bearer);
    assert_eq!(
        auth("api_fictive_v3_diplomes"),
        &AuthScheme::ApiKeyQuery("jeton".into())
    );
    assert_eq!(auth("api_fictive_v3_ping"), &AuthScheme::None);
    assert_eq!(
        api.error_envelope.items, "/errors",
        "the spec entry's own envelope"
    );
    assert_eq!(
        api.error_codes.len(),
        1,
        "its example read through its envelope"
    );
    // The root spec keeps the profile's envelope.
    assert_eq!(loaded.profile.for_spec(0).error_envelope.items, "");
}

#[test]
fn security_requirements_pick_the_first_alternative_the_client_can_send() {
    use apie_codegen::model::AuthScheme;
    let spec = |security: &str| {
        format!(
            r#"
openapi: 3.0.1
info: {{title: t, version: '1'}}
components:
  securitySchemes:
    basic: {{type: http, scheme: basic}}
    cookie: {{type: apiKey, in: cookie, name: session}}
    key: {{type: apiKey, in: header, name: X-Key}}
    oauth: {{type: oauth2, flows: {{}}}}
paths:
  /v3/x:
    get:
      security: {security}
      responses:
        '200': {{description: ok, x-operationId: api_entreprise_v3_x}}
"#
        )
    };
    let auth_of = |security: &str| {
        let loaded = apie_codegen::model_from_str("s.yml", spec(security).as_bytes()).unwrap();
        let kinds: Vec<&str> = loaded.diagnostics.items().iter().map(|d| d.kind).collect();
        (loaded.api.operations[0].auth.clone(), kinds)
    };
    let (auth, warnings) = auth_of("[{basic: []}, {cookie: []}, {key: []}]");
    assert_eq!(auth, AuthScheme::ApiKeyHeader("X-Key".into()));
    assert_eq!(
        warnings
            .iter()
            .filter(|k| **k == "unsupported-security-scheme")
            .count(),
        2,
        "{warnings:?}"
    );
    assert_eq!(auth_of("[{oauth: [read]}]").0, AuthScheme::Bearer);
    assert_eq!(auth_of("[{}, {key: []}]").0, AuthScheme::None);
    assert_eq!(auth_of("[]").0, AuthScheme::None);
    let (auth, warnings) = auth_of("[{nowhere: []}, {key: []}]");
    assert_eq!(auth, AuthScheme::ApiKeyHeader("X-Key".into()));
    assert!(
        warnings.contains(&"unknown-security-scheme"),
        "{warnings:?}"
    );
    let (auth, warnings) = auth_of("[{basic: []}]");
    assert_eq!(auth, AuthScheme::None, "nothing the client can send");
    assert!(warnings.contains(&"unsupported-security-scheme"));
}

#[test]
fn the_build_writes_the_profile_as_constants() {
    // A folder the build creates, inside one removed when the guard drops, pass or fail.
    let scratch = tempfile::Builder::new()
        .prefix("apie-fictional-")
        .tempdir()
        .unwrap();
    let out = scratch.path().join("out");
    let compiled = apie_codegen::Config::new()
        .profile(fixture("profile.yml"))
        .out_dir(&out)
        .compile()
        .expect("compiles");
    assert_eq!(compiled.specs.len(), 2);
    let entry = std::fs::read_to_string(out.join("api.rs")).unwrap();
    // Compared without line breaks: prettyplease decides where they go.
    let flat: String = entry.split_whitespace().collect::<Vec<_>>().join(" ");
    let flat = flat
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(",)", ")")
        .replace(", }", " }")
        .replace(", ]", "]")
        .replace("[ ", "[");
    for expected in [
        r#"pub const API_NAME: &str = "API Fictive";"#,
        r#"pub const SECRET_ENV: &str = "API_FICTIVE_KEY";"#,
        // The spec's `servers` win, without the trailing slash; staging from the profile.
        r#"("production", "https://fictive.example.gouv.fr")"#,
        r#"("staging", "https://staging.fictive.example.gouv.fr")"#,
        // Two limits per IP, a second and the platform's window.
        "pub const IP_LIMITS: &[crate::runtime::Limit] = &[crate::runtime::Limit { calls: 5u32, window: Duration::from_secs(1u64) }, crate::runtime::Limit { calls: 40u32, window: Duration::from_secs(10u64) }];",
        "Duration::from_secs(10u64)",
        // Two limits of their own windows, a second and ten, beside the platform's ten.
        "name: \"json\", limits: &[crate::runtime::Limit { calls: 3u32, window: Duration::from_secs(1u64) }, crate::runtime::Limit { calls: 20u32, window: Duration::from_secs(10u64) }], counted_per: crate::runtime::CountedPer::Token",
        "name: \"documents\", limits: &[crate::runtime::Limit { calls: 2u32, window: Duration::from_secs(10u64) }]",
        // A group counted per IP address.
        "name: \"ping\", limits: &[crate::runtime::Limit { calls: 3u32, window: Duration::from_secs(1u64) }], counted_per: crate::runtime::CountedPer::Ip",
        "download_group: &GROUP_DOCUMENTS",
        "pub fn new(recipient: impl Into<String>, cadre: impl Into<String>, dossier: impl Into<String>)",
        // A check from a list and one by a pattern, beside a SIRET's.
        r#"crate::runtime::TraceabilityCheck::OneOf(&["bourses", "etudes"])"#,
        r#"crate::runtime::TraceabilityCheck::Pattern("[A-Z]{2}-[0-9]{4}")"#,
        "(404u16, \"aucun étudiant pour cet identifiant\")",
        r#"ERROR_ENVELOPE: crate::runtime::ErrorEnvelope = crate::runtime::ErrorEnvelope { items: "", code: "/erreur", title: "/raison""#,
    ] {
        assert!(flat.contains(expected), "missing {expected:?} in\n{entry}");
    }
    assert!(!entry.contains("legacy"), "one spec, no legacy module");
    let module = std::fs::read_to_string(out.join("current.rs")).unwrap();
    let module_flat: String = module.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        r#"auth: crate::runtime::AuthScheme::ApiKeyHeader("x-api-key")"#,
        r#"name: "prenoms[]", location: crate::runtime::ParamLocation::Query, required: false, kind: crate::runtime::ParamKind::Text, allowed: &[], repeated: true, explode: true"#,
        "pub fn prenoms(mut self, values: impl IntoIterator<Item = String>) -> Self",
        "crate::runtime::ParamValue::list(value)",
    ] {
        assert!(module_flat.contains(expected), "missing {expected:?}");
    }
    assert!(
        !entry.contains("context"),
        "no traceability the profile does not name"
    );
}

#[test]
fn a_broken_profile_names_file_line_and_field() {
    // Removed when the guard drops, pass or fail.
    let scratch = tempfile::Builder::new()
        .prefix("apie-bad-profile-")
        .tempdir()
        .unwrap();
    let dir = scratch.path();
    let text = std::fs::read_to_string(fixture("profile.yml"))
        .unwrap()
        .replace(
            "{ calls: 3, per_secs: 1 }",
            "{ calls: twenty, per_secs: 1 }",
        );
    let path = dir.join("profile.yml");
    std::fs::write(&path, &text).unwrap();
    let err = apie_codegen::Config::new()
        .profile(&path)
        .out_dir(dir.join("out"))
        .compile()
        .unwrap_err();
    let message = err.to_string();
    let line = text.lines().position(|l| l.contains("twenty")).unwrap() + 1;
    assert!(
        message.contains(&format!("profile.yml:{line}:")),
        "{message}"
    );
    assert!(message.contains("/groups/json/limits/0/calls"), "{message}");
}

#[test]
fn a_route_without_answer_schema_answers_the_runtime_type_the_profile_names() {
    let loaded = profile::load_file(&fixture("profile.yml")).expect("valid profile");
    let mut p = loaded.profile.clone();
    p.response_types.insert(
        "/api/v2/etablissements/{uai}".into(),
        "CurrentStatus".into(),
    );
    let api = apie_codegen::model_with_profile("f.yml", fictional_spec().as_bytes(), &p)
        .expect("models")
        .api;
    let school = api
        .operations
        .iter()
        .find(|o| o.path == "/api/v2/etablissements/{uai}")
        .unwrap();
    assert_eq!(
        school.success,
        Some(apie_codegen::model::TypeRef::Runtime(
            "CurrentStatus".into()
        ))
    );
    let students = api
        .operations
        .iter()
        .find(|o| o.path != school.path)
        .unwrap();
    assert!(
        matches!(
            students.success,
            Some(apie_codegen::model::TypeRef::Named(_))
        ),
        "the other routes keep the spec's schema: {:?}",
        students.success
    );
}

#[test]
fn a_response_type_that_is_no_rust_name_is_refused_at_its_line() {
    // Removed when the guard drops, pass or fail.
    let scratch = tempfile::Builder::new()
        .prefix("apie-bad-type-")
        .tempdir()
        .unwrap();
    let dir = scratch.path();
    let text = format!(
        "{}\nresponse_types:\n  /api/v2/etablissements: not a type\n",
        std::fs::read_to_string(fixture("profile.yml")).unwrap()
    );
    let path = dir.join("profile.yml");
    std::fs::write(&path, &text).unwrap();
    let err = profile::load_file(&path).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("`not a type` is not the name of a runtime type"),
        "{message}"
    );
    assert!(
        message.contains("/response_types/~1api~1v2~1etablissements"),
        "{message}"
    );
}
