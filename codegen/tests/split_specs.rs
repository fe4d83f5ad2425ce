//! A spec split over files: `$ref`s to other local files are read (relative to the file that
//! writes them), give the client a one-file spec gives, and every problem in them is
//! reported at the file and line it is on.

use std::path::{Path, PathBuf};

use apie_codegen::diagnostic::{Diagnostic, Diagnostics, Severity};
use apie_codegen::emit::mock_data::{self, SpecSource};
use apie_codegen::profile::Profile;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The generated code without its first line (which names the spec's sha256), and the
/// warnings as (kind, file, line).
fn code_of(path: &Path) -> (String, Vec<(&'static str, String, usize)>) {
    let generated = apie_codegen::generate_from_file(path)
        .unwrap_or_else(|d| panic!("{} does not generate:\n{d}", path.display()));
    let code: Vec<&str> = generated.code.lines().skip(1).collect();
    let folder = path.parent().unwrap().display().to_string();
    let warnings = generated
        .diagnostics
        .items()
        .iter()
        .map(|d| {
            let file = d.file.strip_prefix(&folder).unwrap_or(&d.file);
            (
                d.kind,
                file.trim_start_matches('/').to_string(),
                d.position.line,
            )
        })
        .collect();
    (code.join("\n"), warnings)
}

/// The mock data of one spec, without its first line (which names the file).
fn mock_data_of(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let name = path.display().to_string();
    let stages = apie_codegen::stages_with_profile(&name, &bytes, &Profile::api_entreprise())
        .unwrap_or_else(|d| panic!("{d}"));
    let source = SpecSource {
        file: "spec.yml",
        sha256: "0",
        files: &stages.files,
        document: &stages.document,
        api: &stages.loaded.api,
    };
    let data = mock_data::generate(&[source], &Profile::api_entreprise()).unwrap();
    data.lines().skip(1).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_split_spec_generates_the_same_client_and_mock_data_as_its_one_file_twin() {
    let (one_file, warnings_one) = code_of(&fixture("bundled.yml"));
    let (split, warnings_split) = code_of(&fixture("split/openapi.yml"));
    let kinds =
        |w: &[(&'static str, String, usize)]| w.iter().map(|(k, ..)| *k).collect::<Vec<_>>();
    assert_eq!(
        kinds(&warnings_one),
        kinds(&warnings_split),
        "the same repairs in both"
    );
    // Each where it is: the 404 without a schema is in responses.yml, line 5.
    assert!(
        warnings_split.contains(&(
            "examples-without-schema",
            "components/responses.yml".into(),
            5
        )),
        "{warnings_split:?}"
    );
    // The docs name where a type is in the spec, which is another file when split.
    assert!(
        split.contains("/// Spec: `components/schemas.yml#/Adresse`."),
        "{split}"
    );
    let place = |l: &&str| !l.trim_start().starts_with("/// Spec:");
    let differ = one_file
        .lines()
        .filter(place)
        .zip(split.lines().filter(place))
        .enumerate()
        .find(|(_, (a, b))| a != b);
    assert!(
        differ.is_none()
            && one_file.lines().filter(place).count() == split.lines().filter(place).count(),
        "first difference (line, one file, split): {differ:?}"
    );
    // What the referenced files hold reached the client: the parameter, the typed body
    // through a file's own `#/…` and a sibling's `ids.yml#/…`, its docs.
    assert!(split.contains("pub siren: String"), "{split}");
    assert!(split.contains("Le numéro SIREN"), "{split}");
    assert!(split.contains("pub commune: Option<String>"), "{split}");

    let (one_file, split) = (
        mock_data_of(&fixture("bundled.yml")),
        mock_data_of(&fixture("split/openapi.yml")),
    );
    assert_eq!(one_file, split);
    assert!(
        split.contains("418166096"),
        "the example in ids.yml: {split}"
    );
    assert!(
        split.contains("00404"),
        "the 404 example in responses.yml: {split}"
    );
}

#[test]
fn the_files_read_are_listed_for_the_build_to_watch() {
    let path = fixture("split/openapi.yml");
    let bytes = std::fs::read(&path).unwrap();
    let stages = apie_codegen::stages_with_profile(
        &path.display().to_string(),
        &bytes,
        &Profile::api_entreprise(),
    )
    .unwrap();
    let mut read: Vec<String> = stages
        .files
        .referenced_paths()
        .iter()
        .map(|p| {
            let p = p.strip_prefix(fixture("split")).unwrap_or(p);
            p.display().to_string()
        })
        .collect();
    read.sort();
    // Each once, whichever spelling named it (`./components/…`, `components/../components/…`).
    assert_eq!(
        read,
        [
            "components/ids.yml",
            "components/parameters.yml",
            "components/responses.yml",
            "components/schemas.yml"
        ]
    );
}

/// The split fixture copied into a fresh folder, with `edit` applied to one of its files.
fn edited(file: &str, edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("components")).unwrap();
    for name in [
        "openapi.yml",
        "components/ids.yml",
        "components/parameters.yml",
        "components/responses.yml",
        "components/schemas.yml",
    ] {
        let text = std::fs::read_to_string(fixture("split").join(name)).unwrap();
        let text = if name == file { edit(text) } else { text };
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn errors_of(dir: &Path) -> Diagnostics {
    match apie_codegen::generate_from_file(&dir.join("openapi.yml")) {
        Ok(_) => panic!("generates in spite of the broken reference"),
        Err(d) => d,
    }
}

/// The first diagnostic of `kind` that the spec in `dir` gets.
fn first_of(dir: &Path, kind: &str) -> Diagnostic {
    let diagnostics = errors_of(dir);
    let found = diagnostics.items().iter().find(|d| d.kind == kind).cloned();
    found.unwrap_or_else(|| panic!("no {kind}:\n{diagnostics}"))
}

#[test]
fn a_dangling_ref_in_a_referenced_file_is_reported_at_its_file_and_line() {
    let dir = edited("components/schemas.yml", |t| {
        t.replace("$ref: '#/Adresse'", "$ref: '#/Address'")
    });
    let d = first_of(dir.path(), "dangling-ref");
    assert_eq!(d.severity, Severity::Error);
    assert!(
        d.file.ends_with("components/schemas.yml"),
        "named in the file that writes it: {d}"
    );
    assert_eq!(d.position.line, 13, "{d}");
    assert!(d.message.contains("components/schemas.yml#/Address"), "{d}");
}

#[test]
fn a_missing_file_is_reported_where_it_is_named() {
    let dir = edited("components/schemas.yml", |t| {
        t.replace("'ids.yml#/Siren'", "'identifiers.yml#/Siren'")
    });
    let d = first_of(dir.path(), "external-ref");
    assert!(d.file.ends_with("components/schemas.yml"), "{d}");
    assert_eq!(d.position.line, 11, "{d}");
    assert!(d.message.contains("identifiers.yml#/Siren"), "{d}");
    assert!(d.message.contains("cannot read"), "says why: {d}");
}

#[test]
fn a_broken_referenced_file_is_reported_with_its_own_line() {
    let dir = edited("components/ids.yml", |t| format!("{t}  bad: [unclosed\n"));
    let diagnostics = errors_of(dir.path());
    let d = &diagnostics.items()[0];
    assert_eq!(d.kind, "external-ref", "{diagnostics}");
    assert!(d.message.contains("ids.yml"), "{d}");
    assert!(d.message.contains("invalid YAML"), "{d}");
}

#[test]
fn a_remote_ref_is_refused_not_fetched() {
    let dir = edited("openapi.yml", |t| {
        t.replace(
            "'components/responses.yml#/NotFound'",
            "'https://example.org/responses.yml#/NotFound'",
        )
    });
    let d = first_of(dir.path(), "external-ref");
    assert!(d.file.ends_with("openapi.yml"), "{d}");
    assert!(d.message.contains("not fetched"), "{d}");
}

#[test]
fn a_cycle_across_files_ends_with_an_untyped_value() {
    let dir = edited("components/ids.yml", |_| {
        "Siren:\n  type: object\n  properties:\n    unite:\n      $ref: 'schemas.yml#/UniteLegale'\n"
            .into()
    });
    let generated = apie_codegen::generate_from_file(&dir.path().join("openapi.yml"))
        .unwrap_or_else(|d| panic!("{d}"));
    assert!(
        generated
            .diagnostics
            .items()
            .iter()
            .any(|d| d.kind == "recursive-schema"),
        "{}",
        generated.diagnostics
    );
}
