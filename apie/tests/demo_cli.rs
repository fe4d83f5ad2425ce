//! `apie demo`, the README's main job, runs offline against the mock and
//! shows each step succeed: on a clone with nothing beside it (the spec's
//! examples, a token the mock makes up) and with the staging payloads.

use std::path::Path;
use std::process::Command;

/// Runs `apie demo` with `API_ENTREPRISE_PAYLOADS` set to `payloads` (or unset), and
/// checks every step; returns its stdout.
fn demo(payloads: Option<&Path>) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_apie"));
    command.arg("demo").env_remove("API_ENTREPRISE_PAYLOADS");
    if let Some(dir) = payloads {
        command.env("API_ENTREPRISE_PAYLOADS", dir);
    }
    let out = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for expected in [
        "apie mock on http://127.0.0.1:",
        "operations of api-entreprise.yml and api-entreprise-v2.yml",
        "v4 GET insee/sirene/unites_legales/418166096: HTTP 200",
        "v3 GET infogreffe/rcs/unites_legales/418166096/mandataires_sociaux: HTTP 200",
        "v2 GET entreprises/418166096 (legacy)",
        "monitoring (no token)",
        "privileges:",
        "throttle: call 6 not sent: api_entreprise_v4_dgfip_attestations_fiscales: the \
         api_entreprise_v4_dgfip_attestations_fiscales rate limit leaves no room",
        "throttle: bucket json",
        "throttle: bucket ip",
        "refused before sending: invalid SIREN",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
    stdout
}

/// Runs the demo's "same call from the shell" lines as a user pasting them would: a mock of
/// their own, the call, the mock stopped. Returns the call's output.
fn paste_the_shell_lines(stdout: &str) -> String {
    let lines: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("same call from the shell"))
        .skip(1)
        .take(3)
        .map(str::trim)
        .collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    let script = format!(
        "{}\n{}\nstatus=$?\n{}\nexit $status\n",
        lines[0], lines[1], lines[2]
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .env_remove("API_ENTREPRISE_PAYLOADS")
        .output()
        .unwrap();
    let called = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{script}\n{called}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    called
}

#[test]
fn demo_runs_with_nothing_beside_the_checkout() {
    let stdout = demo(None);
    // The made-up token is written to a file, which is named; no token is printed (a JWT's
    // header always starts `eyJ`, base64 of `{"`).
    assert!(stdout.contains("API_ENTREPRISE_TOKEN=\"$(cat "), "{stdout}");
    assert!(!stdout.contains("eyJ"), "a token was printed:\n{stdout}");
    let called = paste_the_shell_lines(&stdout);
    assert!(called.contains("418166096"), "{called}");
    assert!(
        stdout.contains("answering from the spec's examples (no payloads")
            && stdout.contains("calling with a token the mock made up"),
        "{stdout}"
    );
}

#[test]
fn demo_runs_on_the_staging_payloads() {
    let dir = apie_shared_data::shared_or_return!("staging/payloads");
    let stdout = demo(Some(&dir));
    // The token file is named, not printed.
    assert!(stdout.contains("API_ENTREPRISE_TOKEN=\"$(cat "), "{stdout}");
    let called = paste_the_shell_lines(&stdout);
    assert!(called.contains("418166096"), "{called}");
    assert!(
        stdout.contains(&format!("staging payloads from {}", dir.display()))
            && stdout.contains("calling with the token in "),
        "{stdout}"
    );
}
