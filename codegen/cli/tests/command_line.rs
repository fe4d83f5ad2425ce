//! What `apie-codegen` says about itself: a help per command with examples and exit codes,
//! `--version`, completions and man pages from the same definitions, the variables its
//! options read, usage errors exit 2.

use std::process::{Command, Output};

fn apie_codegen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apie-codegen"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("API_ENTREPRISE_SPEC")
        .env_remove("APIE_PROFILE")
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn every_command_has_a_help_with_examples_and_exit_codes() {
    let top = apie_codegen(&["--help"]);
    assert_eq!(top.status.code(), Some(0));
    let help = stdout(&top);
    for needle in [
        "generate",
        "check",
        "fetch",
        "diff",
        "completions",
        "man",
        "Exit codes:",
    ] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
    for command in ["generate", "check", "fetch", "diff", "completions", "man"] {
        let out = apie_codegen(&[command, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{command}");
        let help = stdout(&out);
        assert!(help.contains("Exit codes"), "{command}: {help}");
        assert!(
            help.contains(&format!("apie-codegen {command}")),
            "{command}: {help}"
        );
    }
    let check = stdout(&apie_codegen(&["check", "--help"]));
    for value in ["- text:", "- json:", "- github:"] {
        assert!(check.contains(value), "{value}: {check}");
    }
    assert!(check.contains("API_ENTREPRISE_SPEC"), "{check}");
    let generate = stdout(&apie_codegen(&["generate", "--help"]));
    for variable in [
        "APIE_PROFILE",
        "API_ENTREPRISE_SPEC",
        "API_ENTREPRISE_SPEC_V2",
    ] {
        assert!(generate.contains(variable), "{variable}: {generate}");
    }
}

#[test]
fn version_completions_and_man_pages() {
    let out = apie_codegen(&["--version"]);
    assert_eq!(
        stdout(&out).trim(),
        format!("apie-codegen {}", env!("CARGO_PKG_VERSION"))
    );
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef apie-codegen"),
        ("fish", "complete -c apie-codegen"),
    ] {
        let script = stdout(&apie_codegen(&["completions", shell]));
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(
            script.contains("fail-on"),
            "{shell}: the diff's options too"
        );
    }
    let page = stdout(&apie_codegen(&["man"]));
    assert!(page.contains(".TH apie-codegen"), "{page}");
    // A folder the command creates, inside one removed when the guard drops, pass or fail.
    let scratch = tempfile::Builder::new()
        .prefix("apie-codegen-man-")
        .tempdir()
        .unwrap();
    let dir = scratch.path().join("man");
    let out = apie_codegen(&["man", "--out", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    for page in [
        "apie-codegen.1",
        "apie-codegen-check.1",
        "apie-codegen-diff.1",
    ] {
        assert!(dir.join(page).is_file(), "{page}");
    }
}

#[test]
fn check_reads_the_spec_variable() {
    let out = Command::new(env!("CARGO_BIN_EXE_apie-codegen"))
        .arg("check")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("API_ENTREPRISE_SPEC", "tests/fixtures/broken/quirks.yml")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).contains("ok: no errors"));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["frobnicate"][..],
        &[][..],
        &["check"][..],
        &["check", "--spec", "x.yml", "--format", "yaml"][..],
        &["generate"][..],
        &["generate", "--out", "/tmp/x", "--no-such-flag"][..],
        &["diff", "only-one.yml"][..],
    ] {
        let out = apie_codegen(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
