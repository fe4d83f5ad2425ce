//! Property tests of the generator's whole pipeline ([`apie_codegen::config::render`], what
//! `apie-codegen generate` runs, without the files) on hostile specs: random bytes, line-level
//! mutations of the fictional fixture spec (lines cut, repeated, re-indented, replaced, bytes
//! that are not UTF-8), and well-formed specs with random names. The fuzz targets
//! `spec_bytes` and `spec_mutations` (`fuzz/`) do the same coverage-guided; this runs in
//! every `cargo test`. The property: no panic, and a refusal is a diagnostic of the spec,
//! never the generator's own `internal` error (code that does not parse).

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use apie_codegen::config::{render, Error, SpecSource};
use apie_codegen::model::names_lock::NamesLock;
use apie_codegen::profile::{self, LoadedProfile};
use proptest::prelude::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fictional")
        .join(name)
}

/// The fictional profile, its root spec alone: the one the mutations are made of.
static PROFILE: LazyLock<LoadedProfile> = LazyLock::new(|| {
    let mut loaded = profile::load_file(&fixture("profile.yml")).expect("the fictional profile");
    loaded.profile.specs.truncate(1);
    loaded
});

static SPEC: LazyLock<String> =
    LazyLock::new(|| std::fs::read_to_string(fixture("api-fictive.yml")).expect("its spec"));

/// Runs the pipeline on `text`; fails on the generator's own errors.
fn generate(text: &[u8]) -> Result<(), TestCaseError> {
    let spec = SpecSource {
        path: PathBuf::from("api-fictive.yml"),
        text: text.to_vec(),
        lock: NamesLock::default(),
    };
    match render(&PROFILE, &[spec], None) {
        Ok(rendered) => {
            prop_assert!(rendered.files.iter().any(|f| f.name == "current.rs"));
            Ok(())
        }
        Err(Error::Spec { diagnostics, .. }) => {
            prop_assert!(
                !diagnostics.items().iter().any(|d| d.kind == "internal"),
                "a generator bug: {diagnostics}"
            );
            prop_assert!(diagnostics.has_errors(), "refused without an error");
            Ok(())
        }
        Err(other) => Err(TestCaseError::fail(format!(
            "not a spec diagnostic: {other}"
        ))),
    }
}

/// One line-level change to a spec's text.
#[derive(Debug, Clone)]
enum Change {
    Delete(usize),
    Repeat(usize),
    Indent(usize, usize),
    Replace(usize, String),
    NotUtf8(usize),
    Cut(usize),
}

fn change() -> impl Strategy<Value = Change> {
    let piece = prop_oneof![
        Just("type: integer".to_string()),
        Just("$ref: '#/components/schemas/Nowhere'".to_string()),
        Just("$ref: '#/paths'".to_string()),
        Just("- 1e999".to_string()),
        Just("required: [a, a]".to_string()),
        Just("example: 184467440737095516160000".to_string()),
        Just("a: &a [*a]".to_string()),
        Just("nullable: yes".to_string()),
        "[ -~]{0,40}",
        "\\PC{0,20}",
    ];
    prop_oneof![
        any::<usize>().prop_map(Change::Delete),
        any::<usize>().prop_map(Change::Repeat),
        (any::<usize>(), 0usize..12).prop_map(|(i, n)| Change::Indent(i, n)),
        (any::<usize>(), piece).prop_map(|(i, s)| Change::Replace(i, s)),
        any::<usize>().prop_map(Change::NotUtf8),
        any::<usize>().prop_map(Change::Cut),
    ]
}

fn apply(text: &str, changes: &[Change]) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = text.lines().map(|l| l.as_bytes().to_vec()).collect();
    for change in changes {
        if lines.is_empty() {
            break;
        }
        let n = lines.len();
        match change {
            Change::Delete(i) => {
                lines.remove(i % n);
            }
            Change::Repeat(i) => {
                let line = lines[i % n].clone();
                lines.insert(i % n, line);
            }
            Change::Indent(i, by) => {
                let line = &mut lines[i % n];
                line.splice(0..0, std::iter::repeat_n(b' ', *by));
            }
            Change::Replace(i, piece) => {
                let line = &mut lines[i % n];
                let indent = line.iter().take_while(|b| **b == b' ').count();
                line.truncate(indent);
                line.extend_from_slice(piece.as_bytes());
            }
            Change::NotUtf8(i) => lines[i % n].push(0xff),
            Change::Cut(i) => lines.truncate(i % n),
        }
    }
    lines.join(&b'\n')
}

/// A spec of one operation whose route, x-operationId and property names are `names`.
fn named_spec(route: &str, id: &str, property: &str, kind: &str) -> String {
    format!(
        "openapi: 3.0.1\ninfo:\n  title: t\n  version: '1'\npaths:\n  {route:?}:\n    get:\n      \
         parameters:\n        - name: recipient\n          in: query\n          required: true\n          \
         schema:\n            type: string\n      responses:\n        '200':\n          \
         x-operationId: {id:?}\n          description: ok\n          content:\n            \
         application/json:\n              schema:\n                type: object\n                \
         properties:\n                  {property:?}:\n                    type: {kind}\n"
    )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        // Found cases are turned into tests by hand; no files written beside the sources.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes_are_refused_or_generated(bytes in proptest::collection::vec(any::<u8>(), 0..1500)) {
        generate(&bytes)?;
    }

    #[test]
    fn line_mutations_of_a_real_spec(changes in proptest::collection::vec(change(), 1..6)) {
        generate(&apply(&SPEC, &changes))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 96,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_names_make_rust_that_parses(
        route in "/api/v1/[a-z{}_é0-9 -]{0,20}",
        id in "\\PC{0,24}",
        property in "\\PC{0,16}",
        kind in prop_oneof![
            Just("string"), Just("integer"), Just("number"), Just("boolean"),
            Just("array"), Just("object"), Just("date"), Just("nonsense"),
        ],
    ) {
        generate(named_spec(&route, &id, &property, kind).as_bytes())?;
    }
}

// Regressions: each input below made the pipeline panic before its fix.

/// Found by `any_names_make_rust_that_parses`: an empty x-operationId named nothing, and
/// the metadata constant's empty identifier panicked in quote.
#[test]
fn an_operation_id_without_a_letter_or_digit_is_named_from_its_route() {
    for id in ["", "--", "_"] {
        let spec = named_spec("/api/v1/", id, "nom", "string");
        generate(spec.as_bytes()).unwrap();
        let loaded =
            apie_codegen::model_with_profile("f.yml", spec.as_bytes(), &PROFILE.profile).unwrap();
        assert_eq!(loaded.api.operations[0].id, "get_api_v1", "{id:?}");
        assert!(
            loaded
                .diagnostics
                .items()
                .iter()
                .any(|d| d.kind == "unusable-operation-id"),
            "{id:?}"
        );
    }
}

/// Found by the fuzz target `spec_bytes`: a spec ending inside a block scalar, without a
/// final line break, panicked in the YAML parser.
#[test]
fn a_spec_ending_in_a_block_scalar_is_generated() {
    let spec = format!("{}\nx-note: |\n  the end", SPEC.trim_end());
    generate(spec.as_bytes()).unwrap();
}
