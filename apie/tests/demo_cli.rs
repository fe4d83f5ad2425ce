//! `apie demo`, the README's main job, runs offline against the mock and
//! shows each step succeed.

use std::process::Command;

#[test]
fn demo_calls_each_version_through_the_mock() {
    let out = Command::new(env!("CARGO_BIN_EXE_apie"))
        .arg("demo")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for expected in [
        "apie mock on http://127.0.0.1:",
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
}
