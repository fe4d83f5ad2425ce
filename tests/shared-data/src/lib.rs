//! Where the workspace's tests find the data that is not in the repository: the published
//! spec history, the legacy v2 spec, real staging responses and the public staging token
//! (see CONTRIBUTING.md, "The full tests").
//!
//! The folder is `$APIE_SHARED`, else `../shared` beside the checkout. On a clone with
//! nothing beside it, a test that needs the folder says so on the terminal and returns, so
//! that `cargo test --workspace` passes what can run. Where the data must be there (CI sets
//! `APIE_REQUIRE_SHARED=1`), a missing folder fails the test instead: it never passes for
//! nothing where it counts.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The variable naming the shared data folder.
pub const FOLDER_VAR: &str = "APIE_SHARED";

/// The variable that makes a missing folder a failure (`.ci/run` sets it).
pub const REQUIRE_VAR: &str = "APIE_REQUIRE_SHARED";

/// The shared data folder: `$APIE_SHARED`, else `../shared` beside the checkout (whether or
/// not it is there).
pub fn root() -> PathBuf {
    std::env::var_os(FOLDER_VAR)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            // This crate is `tests/shared-data` of the workspace.
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
        })
}

/// `sub` (`staging/payloads`, `specs/api-entreprise` …) of the shared data folder, if it is
/// there. When it is not: a panic naming the folder if `APIE_REQUIRE_SHARED` is set, else a
/// note on the terminal (written past the test harness's capture, so that it shows) and
/// `None`, for the caller to return.
#[track_caller]
pub fn find(sub: &str) -> Option<PathBuf> {
    let path = root().join(sub);
    if path.exists() {
        return Some(path);
    }
    let caller = std::panic::Location::caller();
    let why = format!(
        "{caller}: needs the shared test data, not found at {} (set {FOLDER_VAR}; CONTRIBUTING.md, \"The full tests\")",
        path.display()
    );
    if required() {
        panic!("{why}");
    }
    // The harness captures `eprintln!`, not a direct write: the note shows in `cargo test`.
    let _ = writeln!(std::io::stderr().lock(), "note: not run: {why}");
    None
}

/// `sub` of the shared data folder if it is there, for a test that runs with it or without
/// it (the mock on the staging payloads, else on its embedded examples). Missing, it is
/// `None` without a note, or a panic if `APIE_REQUIRE_SHARED` is set: CI runs each test on
/// the real data.
#[track_caller]
pub fn if_there(sub: &str) -> Option<PathBuf> {
    let path = root().join(sub);
    if path.exists() {
        return Some(path);
    }
    if required() {
        panic!(
            "{}: the shared test data is not at {} (set {FOLDER_VAR})",
            std::panic::Location::caller(),
            path.display()
        );
    }
    None
}

/// Whether a missing folder fails the test (`APIE_REQUIRE_SHARED` set, not `0`).
fn required() -> bool {
    std::env::var_os(REQUIRE_VAR).is_some_and(|v| !v.is_empty() && v != "0")
}

/// The variable naming another folder of published specs (`YYYY-MM-DD_<commit>.yml`).
pub const SPECS_VAR: &str = "API_ENTREPRISE_SPECS";

/// The folder of published API Entreprise specs: `$API_ENTREPRISE_SPECS` (which must then be
/// there), else `specs/api-entreprise` of the shared data, as [`find`] gives it.
#[track_caller]
pub fn spec_history() -> Option<PathBuf> {
    match std::env::var_os(SPECS_VAR) {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            assert!(dir.is_dir(), "{SPECS_VAR}={} is no folder", dir.display());
            Some(dir)
        }
        None => find("specs/api-entreprise"),
    }
}

/// The published specs of `dir` in date order, `latest.yml` (a copy of the newest) left out.
pub fn spec_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|e| e == "yml")
                && p.file_name().is_some_and(|n| n != "latest.yml")
        })
        .collect();
    files.sort();
    files
}

/// `find(sub)`, or `return` from the calling test when the data is not there (and not
/// required).
#[macro_export]
macro_rules! shared_or_return {
    ($sub:expr) => {
        match $crate::find($sub) {
            Some(path) => path,
            None => return,
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    // One test, so that the variables it sets are not seen by a test running beside it.
    #[test]
    fn a_missing_folder_is_none_unless_required() {
        // Not there at first, then made inside a folder removed when the guard drops, pass or
        // fail.
        let scratch = tempfile::Builder::new()
            .prefix("apie-no-shared-")
            .tempdir()
            .unwrap();
        let missing = scratch.path().join("shared");
        std::env::set_var(FOLDER_VAR, &missing);
        std::env::remove_var(REQUIRE_VAR);
        assert_eq!(root(), missing);
        assert_eq!(find("staging/payloads"), None);
        assert_eq!(if_there("staging/payloads"), None);
        std::env::set_var(REQUIRE_VAR, "1");
        let refused = std::panic::catch_unwind(|| find("staging/payloads")).unwrap_err();
        let message = refused.downcast_ref::<String>().unwrap();
        assert!(
            message.contains("staging/payloads") && message.contains(FOLDER_VAR),
            "{message}"
        );
        assert!(std::panic::catch_unwind(|| if_there("staging/payloads")).is_err());
        std::fs::create_dir_all(missing.join("staging/payloads")).unwrap();
        assert_eq!(
            find("staging/payloads"),
            Some(missing.join("staging/payloads"))
        );
        let _ = std::fs::remove_dir_all(&missing);
    }
}
