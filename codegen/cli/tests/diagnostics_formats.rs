//! Diagnostics in the three formats (`--format text|json|github`) on the broken fixtures of
//! `tests/fixtures/broken/`: specs that `check` refuses (a dangling `$ref`, a truncated file,
//! an error among warnings), one it accepts with warnings, and a profile `generate` refuses.
//! The snapshots hold the exit code and both streams, so a diagnostic moving from one stream
//! to the other shows in review.

use std::path::Path;
use std::process::Command;

/// Runs `apie-codegen ARGS` from this crate's folder, so that the fixtures' paths in the
/// output are relative and the snapshots the same on every machine.
fn run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_apie-codegen"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        // The variables the options read must not leak in from the caller's shell.
        .env_remove("API_ENTREPRISE_SPEC")
        .env_remove("API_ENTREPRISE_SPEC_V2")
        .env_remove("APIE_PROFILE")
        .output()
        .expect("apie-codegen runs");
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status
            .code()
            .map_or("signal".to_owned(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

const FORMATS: [&str; 3] = ["text", "json", "github"];

#[test]
fn check_in_each_format() {
    for fixture in ["dangling-ref", "truncated", "mixed", "quirks"] {
        let spec = format!("tests/fixtures/broken/{fixture}.yml");
        assert!(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(&spec).is_file(),
            "{spec}"
        );
        for format in FORMATS {
            let output = run(&["check", "--spec", &spec, "--format", format]);
            insta::assert_snapshot!(format!("check-{fixture}-{format}"), output);
        }
    }
}

#[test]
fn a_broken_profile_in_each_format() {
    // A folder `generate` would create, inside one removed when the guard drops, pass or fail.
    let scratch = tempfile::Builder::new()
        .prefix("apie-broken-profile-")
        .tempdir()
        .unwrap();
    let out = scratch.path().join("out");
    for format in FORMATS {
        let output = run(&[
            "generate",
            "--profile",
            "tests/fixtures/broken/profile.yml",
            "--out",
            out.to_str().unwrap(),
            "--format",
            format,
        ]);
        insta::assert_snapshot!(format!("generate-profile-{format}"), output);
    }
    assert!(!out.join("api.rs").exists(), "nothing generated");
}

#[test]
fn json_lines_hold_every_field() {
    let output = Command::new(env!("CARGO_BIN_EXE_apie-codegen"))
        .args([
            "check",
            "--spec",
            "tests/fixtures/broken/mixed.yml",
            "--format",
            "json",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(lines.len() >= 2, "{lines:?}");
    for line in &lines {
        let keys: Vec<&str> = line
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for key in [
            "severity", "kind", "file", "line", "column", "pointer", "message",
        ] {
            assert!(keys.contains(&key), "{key} in {line}");
        }
    }
    let error = lines
        .iter()
        .find(|l| l["severity"] == "error")
        .expect("an error");
    assert_eq!(error["kind"], "dangling-ref");
    assert_eq!(error["line"], 20);
    assert_eq!(error["column"], 21);
}
