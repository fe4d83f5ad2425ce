//! The diff on a spec split over files (the generator's fixture `codegen/tests/fixtures/split`):
//! a change inside a referenced file is a change of the spec, and a spec read from git reads
//! the files it names from the same revision.

use std::path::{Path, PathBuf};

use apie_diff::{ChangeKind, Severity};

const FILES: [&str; 5] = [
    "openapi.yml",
    "components/ids.yml",
    "components/parameters.yml",
    "components/responses.yml",
    "components/schemas.yml",
];

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/split")
}

/// The fixture copied into `dir`, with `edit` applied to `file`.
fn copy(dir: &Path, file: &str, edit: impl Fn(String) -> String) -> String {
    std::fs::create_dir_all(dir.join("components")).unwrap();
    for name in FILES {
        let text = std::fs::read_to_string(fixture().join(name)).unwrap();
        let text = if name == file { edit(text) } else { text };
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir.join("openapi.yml").display().to_string()
}

fn load(spec: &str) -> apie_spec::model::Api {
    apie_diff::source::load(spec)
        .unwrap_or_else(|d| panic!("{spec} does not load:\n{d}"))
        .api
}

#[test]
fn a_change_in_a_referenced_file_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let old = copy(&dir.path().join("old"), "", |t| t);
    // In schemas.yml: `siren` is no longer required, and `commune` becomes an integer.
    let new = copy(&dir.path().join("new"), "components/schemas.yml", |t| {
        t.replace("  required: [siren]\n", "").replace(
            "      type: string\n      example: Paris",
            "      type: integer",
        )
    });
    let report = apie_diff::diff(&load(&old), &load(&new));
    let found: Vec<(ChangeKind, &str, Severity)> = report
        .changes
        .iter()
        .map(|c| (c.kind, c.location.as_str(), c.severity))
        .collect();
    assert!(
        found
            .iter()
            .any(|(_, at, severity)| at.ends_with("siren") && *severity == Severity::Breaking),
        "{found:?}"
    );
    assert!(
        found.iter().any(
            |(kind, at, severity)| *kind == ChangeKind::PropertyTypeChanged
                && at.ends_with("commune")
                && *severity == Severity::Breaking
        ),
        "{found:?}"
    );
    let same = apie_diff::diff(&load(&old), &load(&old));
    assert!(same.changes.is_empty(), "{:?}", same.changes);
}

#[test]
fn a_spec_read_from_git_reads_its_files_from_the_same_revision() {
    // The fixture as committed (CI runs on a clean clone, where it is): read through git, its
    // referenced files come from HEAD too, and it models as the files on disk do.
    let on_disk = fixture().join("openapi.yml");
    let in_git = "HEAD:codegen/tests/fixtures/split/openapi.yml";
    let committed = std::process::Command::new("git")
        .args(["cat-file", "-e", in_git])
        .status()
        .is_ok_and(|s| s.success());
    assert!(committed, "{in_git} is not committed: commit the fixture");
    let report = apie_diff::diff(&load(&on_disk.display().to_string()), &load(in_git));
    assert!(report.changes.is_empty(), "{:?}", report.changes);
    assert!(!load(in_git).operations.is_empty());
}
