//! What `apie` says about itself: a help per command with examples and exit codes,
//! `--version`, completions and man pages from the same definitions, the variables each
//! option reads (the token's value never shown), no colour off a terminal, usage errors 2.

use std::process::{Command, Output};

const SECRET: &str = "eyJhbGciOiJub25lIn0.c2VjcmV0LXRva2VuLXZhbHVl.c2ln";

fn apie(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apie"))
        .args(args)
        .env("API_ENTREPRISE_TOKEN", SECRET)
        .env("API_ENTREPRISE_CONTEXT", "context from the environment")
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_top_help_lists_every_command_and_the_exit_codes() {
    let out = apie(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    for needle in [
        "demo",
        "call",
        "batch",
        "decode",
        "mock",
        "completions",
        "man",
        "Exit codes:",
        "130",
        "NO_COLOR",
    ] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
    // `apie help` and `apie -h` say the same commands; no argument at all is a usage error.
    assert_eq!(apie(&["help"]).status.code(), Some(0));
    let bare = apie(&[]);
    assert_eq!(bare.status.code(), Some(2));
    assert!(stderr(&bare).contains("decode"), "{}", stderr(&bare));
}

#[test]
fn every_command_has_a_help_with_examples_and_exit_codes() {
    for command in [
        "demo",
        "call",
        "batch",
        "decode",
        "mock",
        "completions",
        "man",
    ] {
        let out = apie(&[command, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{command}: {}", stderr(&out));
        let help = stdout(&out);
        assert!(help.contains("Exit codes"), "{command}: {help}");
        assert!(
            help.contains(&format!("apie {command}")),
            "{command} has an example: {help}"
        );
        // `apie help COMMAND` is the same text.
        assert_eq!(stdout(&apie(&["help", command])), help, "{command}");
    }
    let decode = stdout(&apie(&["decode", "--help"]));
    for needle in [
        "--operation <X_OPERATION_ID>",
        "--status <N>",
        "<FILE>",
        "error envelope",
    ] {
        assert!(decode.contains(needle), "{needle}: {decode}");
    }
}

#[test]
fn the_variables_are_declared_and_the_token_never_shown() {
    for command in ["call", "batch"] {
        let help = stdout(&apie(&[command, "--help"]));
        for variable in [
            "API_ENTREPRISE_TOKEN",
            "API_ENTREPRISE_CONTEXT",
            "API_ENTREPRISE_RECIPIENT",
            "API_ENTREPRISE_OBJECT",
        ] {
            assert!(help.contains(variable), "{command}: {variable}: {help}");
        }
        assert!(!help.contains(SECRET), "{command} shows the token: {help}");
        assert!(
            !help.contains("c2VjcmV0"),
            "{command} shows part of the token"
        );
        // Other variables' values are shown, as clap does: proof the token's is hidden on
        // purpose, not because the environment was not read.
        assert!(help.contains("context from the environment"), "{help}");
    }
    let mock = stdout(&apie(&["mock", "--help"]));
    assert!(mock.contains("API_ENTREPRISE_PAYLOADS"), "{mock}");
}

#[test]
fn a_blank_variable_counts_as_unset() {
    // As before clap: `API_ENTREPRISE_TOKEN=` is no token, and the message says which
    // variable to set.
    let out = Command::new(env!("CARGO_BIN_EXE_apie"))
        .args([
            "call",
            "--operation",
            "api_entreprise_v3_insee_unites_legales",
            "--param",
            "siren=418166096",
            "--base-url",
            "http://127.0.0.1:9",
        ])
        .env("API_ENTREPRISE_TOKEN", "  ")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("needs a token: set API_ENTREPRISE_TOKEN"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn version_names_the_crate_version_and_the_specs_it_speaks() {
    let out = apie(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    let version = stdout(&out);
    assert!(
        version.starts_with(&format!("apie {} (", env!("CARGO_PKG_VERSION"))),
        "{version}"
    );
    // The pinned specs, by name and by the sha256 of their bytes.
    let spec_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    for file in ["api-entreprise.yml", "api-entreprise-v2.yml"] {
        let bytes = std::fs::read(spec_dir.join(file)).unwrap();
        let expected = format!("{file} (sha256 {})", apie_spec::sha256_hex(&bytes));
        assert!(
            version.contains(&expected),
            "missing {expected} in {version}"
        );
    }
}

#[test]
fn completions_are_generated_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef apie"),
        ("fish", "complete -c apie"),
    ] {
        let out = apie(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = stdout(&out);
        assert!(script.contains(marker), "{shell}: {script}");
        // The subcommands' own options are completed too.
        assert!(script.contains("skip-checksum"), "{shell}");
        assert!(script.contains("shard"), "{shell}");
    }
    assert_eq!(apie(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn man_pages_are_generated() {
    let out = apie(&["man"]);
    assert_eq!(out.status.code(), Some(0));
    let page = stdout(&out);
    assert!(
        page.starts_with(".ie") || page.contains(".TH apie"),
        "{page}"
    );
    assert!(page.contains("decode"), "{page}");

    // A folder the command creates, inside one removed when the guard drops, pass or fail.
    let scratch = tempfile::Builder::new()
        .prefix("apie-man-")
        .tempdir()
        .unwrap();
    let dir = scratch.path().join("man");
    let out = apie(&["man", "--out", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for page in ["apie.1", "apie-decode.1", "apie-batch.1", "apie-call.1"] {
        let text =
            std::fs::read_to_string(dir.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(text.contains(".TH"), "{page}");
    }
    let batch = std::fs::read_to_string(dir.join("apie-batch.1")).unwrap();
    assert!(batch.contains("shard"), "{batch}");
}

#[test]
fn no_colour_off_a_terminal_even_when_forced() {
    // clap would honour CLICOLOR_FORCE on a pipe; apie colours only a terminal.
    for (variable, value) in [("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")] {
        let out = Command::new(env!("CARGO_BIN_EXE_apie"))
            .args(["decode", "--bogus"])
            .env(variable, value)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(
            !stderr(&out).contains('\u{1b}'),
            "{variable}: {:?}",
            stderr(&out)
        );
        let help = Command::new(env!("CARGO_BIN_EXE_apie"))
            .arg("--help")
            .env(variable, value)
            .output()
            .unwrap();
        assert!(!stdout(&help).contains('\u{1b}'), "{variable}");
    }
}

#[test]
fn usage_errors_exit_2_and_say_what_is_wrong() {
    for (args, says) in [
        (&["frobnicate"][..], "frobnicate"),
        (
            &["decode", "--operation", "x", "--status", "abc", "f"][..],
            "--status",
        ),
        (&["demo", "extra"][..], "extra"),
        (
            &["call", "--param", "novalue", "--operation", "x"][..],
            "name=value",
        ),
        (
            &["call", "--operation", "x", "--staging", "--base-url", "u"][..],
            "--staging",
        ),
        (&["mock", "--port", "http"][..], "--port"),
        (
            &[
                "batch",
                "--operation",
                "x",
                "--input",
                "i",
                "--out",
                "o",
                "--shard",
                "3/2",
            ][..],
            "from 1 to 2",
        ),
    ] {
        let out = apie(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
}
