//! Helpers shared by the `apie` command-line tests; each test file uses some of them.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// A SIREN passing the Luhn check: `n` on 8 digits and its check digit.
pub fn siren(n: u32) -> String {
    let base = format!("{n:08}");
    (0..10)
        .map(|check| format!("{base}{check}"))
        .find(|candidate| luhn(candidate))
        .unwrap()
}

/// Whether `digits` pass the Luhn check (SIREN and SIRET check digits).
pub fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let d = d * 2;
                if d > 9 {
                    d - 9
                } else {
                    d
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// A fresh scratch directory for one test, removed when the guard drops (pass or fail):
/// hold it until the test's last command has run.
pub fn scratch(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("apie-batch-{name}-"))
        .tempdir()
        .unwrap()
}

/// `apie batch` with a clean environment: token and traceability only
/// from what the test gives.
pub fn command(token: Option<&str>, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_apie"));
    command
        .arg("batch")
        .args(args)
        .env_remove("API_ENTREPRISE_TOKEN")
        .env("API_ENTREPRISE_CONTEXT", "tests")
        .env("API_ENTREPRISE_RECIPIENT", "13002526500013")
        .env("API_ENTREPRISE_OBJECT", "apie batch");
    if let Some(token) = token {
        command.env("API_ENTREPRISE_TOKEN", token);
    }
    command
}

/// Bytes a process wrote, as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The records of an output file, by identifier; every line must be a
/// complete record and no identifier may appear twice.
pub fn records(path: &Path) -> HashMap<String, Value> {
    let content = std::fs::read_to_string(path).unwrap();
    assert!(
        content.is_empty() || content.ends_with('\n'),
        "the last line is complete"
    );
    let mut out = HashMap::new();
    for line in content.lines() {
        let record: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
        let identifier = record["identifier"].as_str().unwrap().to_owned();
        assert!(
            out.insert(identifier.clone(), record).is_none(),
            "{identifier} recorded twice"
        );
    }
    out
}

/// `count` valid SIRENs from `first` on, written one a line to `dir/sirens.txt`.
pub fn siren_file(dir: &Path, first: u32, count: u32) -> (Vec<String>, PathBuf) {
    let sirens: Vec<String> = (1..=count).map(|n| siren(first + n)).collect();
    let path = dir.join("sirens.txt");
    std::fs::write(&path, sirens.join("\n")).unwrap();
    (sirens, path)
}

/// The Redis server of the fleet tests: `API_ENTREPRISE_REDIS_TEST_URL` (`.ci/redis.sh
/// start`); without it the test says so and passes, unless `APIE_REQUIRE_REDIS=1` (CI).
#[track_caller]
pub fn redis_url() -> Option<String> {
    let url = std::env::var("API_ENTREPRISE_REDIS_TEST_URL")
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() {
        assert!(
            std::env::var("APIE_REQUIRE_REDIS").map_or(true, |v| v != "1"),
            "APIE_REQUIRE_REDIS=1 but API_ENTREPRISE_REDIS_TEST_URL is not set (eval \"$(.ci/redis.sh start)\")"
        );
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "note: not run: {}: needs a Redis server (API_ENTREPRISE_REDIS_TEST_URL)",
            std::panic::Location::caller()
        );
    }
    url
}
