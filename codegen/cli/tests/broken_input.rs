//! Broken input gives a diagnostic with its position and a non-zero exit, never a panic.

use std::process::Command;

fn check(name: &str, bytes: &[u8]) -> (i32, String) {
    // The file keeps its name (the diagnostics show it) in a folder removed when the guard
    // drops, pass or fail.
    let dir = tempfile::Builder::new()
        .prefix("apie-broken-")
        .tempdir()
        .unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, bytes).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_apie-codegen"))
        .args(["check", "--spec"])
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains("panicked"),
        "{name}: the generator panicked:\n{stderr}"
    );
    (out.status.code().unwrap_or(-1), stderr)
}

/// `file:line:col` with a line and column number.
fn has_position(stderr: &str, name: &str, line: usize) -> bool {
    stderr
        .lines()
        .any(|l| l.contains(&format!("{name}:{line}:")))
}

const VALID_HEAD: &str = "openapi: 3.0.1\ninfo:\n  title: T\n  version: '1'\npaths:\n  /v3/x/{siren}:\n    get:\n      responses:\n        '200':\n          description: OK\n";

#[test]
fn truncated_yaml() {
    let text = format!("{VALID_HEAD}          content:\n            application/json:\n              schema: {{type: object, properties: [");
    let (code, stderr) = check("truncated.yml", text.as_bytes());
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("error[yaml-syntax]"), "{stderr}");
    assert!(
        has_position(&stderr, "truncated.yml", 13) || has_position(&stderr, "truncated.yml", 14),
        "{stderr}"
    );
}

#[test]
fn document_that_is_not_openapi() {
    let (code, stderr) = check("not-openapi.yml", b"name: my-package\nversion: 1.0.0\n");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("error[not-openapi]") && has_position(&stderr, "not-openapi.yml", 1),
        "{stderr}"
    );
    let (code, stderr) = check("swagger2.yml", b"swagger: '2.0'\npaths: {}\n");
    assert_eq!(code, 1);
    assert!(stderr.contains("Swagger 2"), "{stderr}");
}

#[test]
fn dangling_ref() {
    let text = format!("{VALID_HEAD}          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Missing'\n");
    let (code, stderr) = check("dangling.yml", text.as_bytes());
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("error[dangling-ref]") && stderr.contains("#/components/schemas/Missing"),
        "{stderr}"
    );
    assert!(has_position(&stderr, "dangling.yml", 14), "{stderr}");
    assert!(
        stderr
            .contains("/paths/~1v3~1x~1{siren}/get/responses/200/content/application~1json/schema"),
        "JSON pointer: {stderr}"
    );
}

#[test]
fn binary_file() {
    let (code, stderr) = check(
        "binary.yml",
        &[
            0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff, 0xfe,
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("binary"), "{stderr}");
    assert!(has_position(&stderr, "binary.yml", 1), "{stderr}");
}

#[test]
fn empty_file() {
    let (code, stderr) = check("empty.yml", b"");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("empty") && has_position(&stderr, "empty.yml", 1),
        "{stderr}"
    );
}

#[test]
fn all_problems_of_a_run_are_reported_together() {
    let text = format!(
        "{VALID_HEAD}          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  a:\n                    $ref: '#/components/schemas/A'\n                  b:\n                    $ref: '#/components/schemas/B'\n"
    );
    let (code, stderr) = check("two-refs.yml", text.as_bytes());
    assert_eq!(code, 1);
    assert_eq!(stderr.matches("error[dangling-ref]").count(), 2, "{stderr}");
}

#[test]
fn missing_file_and_bad_usage_exit_2_or_1_with_a_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_apie-codegen"))
        .args(["check", "--spec", "/nonexistent/spec.yml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read the spec"));
    let out = Command::new(env!("CARGO_BIN_EXE_apie-codegen"))
        .args(["frobnicate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
