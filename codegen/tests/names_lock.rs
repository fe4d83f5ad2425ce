//! The names lock through the generator: a second generation with the first one's lock keeps
//! the names, and two types that merged keep both (the former as a type alias).

use apie_codegen::model::names_lock::NamesLock;
use apie_codegen::profile::Profile;

/// A spec of two routes whose bodies hold `{data: A}` and `{data: B}`.
fn spec(a_fields: &str, b_fields: &str) -> String {
    let route = |path: &str, id: &str, fields: &str| {
        format!(
            "  {path}:
    get:
      responses:
        '200':
          description: OK
          x-operationId: {id}
          content:
            application/json:
              schema:
                type: object
                properties:
                  data:
                    type: object
                    properties:
{fields}"
        )
    };
    format!(
        "openapi: 3.0.1\ninfo:\n  title: Fixture\n  version: 1.0.0\npaths:\n{}{}",
        route("/v3/lieux/{id}", "api_entreprise_v3_lieux", a_fields),
        route("/v3/sieges/{id}", "api_entreprise_v3_sieges", b_fields)
    )
}

const FIELD: &str = "                      nom:\n                        type: string\n";
const OTHER: &str = "                      code:\n                        type: string\n";

#[test]
fn merged_types_keep_both_names_and_a_new_generation_keeps_them() {
    let profile = Profile::api_entreprise();
    // First generation: two shapes, two names.
    let first = spec(FIELD, &format!("{FIELD}{OTHER}"));
    let one = apie_codegen::generate_with_lock(
        "v1.yml",
        first.as_bytes(),
        &profile,
        &NamesLock::default(),
    )
    .expect("generates");
    let lock = NamesLock::from_types(&one.api.types);
    let name_at = |lock: &NamesLock, place: &str| lock.name_of(place).map(str::to_string);
    let lieu = name_at(&lock, "GET /v3/lieux/{}#/data").expect("a type at the place");
    let siege = name_at(&lock, "GET /v3/sieges/{}#/data").expect("a type at the place");
    assert_ne!(lieu, siege, "two shapes, two types");

    // Second generation: the second body loses its extra field, the two shapes are one.
    let second = spec(FIELD, FIELD);
    let two = apie_codegen::generate_with_lock("v2.yml", second.as_bytes(), &profile, &lock)
        .expect("generates");
    let merged: Vec<_> = two
        .api
        .types
        .iter()
        .filter(|t| t.places.iter().any(|p| p.ends_with("#/data")))
        .collect();
    assert_eq!(merged.len(), 1, "one shape now");
    let kept = &merged[0];
    let mut names = vec![kept.name.clone()];
    names.extend(kept.aliases.iter().map(|a| a.name.clone()));
    names.sort();
    let mut expected = vec![lieu.clone(), siege.clone()];
    expected.sort();
    assert_eq!(names, expected, "both names live on");
    let alias = &kept.aliases[0].name;
    assert!(
        two.code
            .contains(&format!("pub type {alias} = {};", kept.name)),
        "the former name is an alias in the code:\n{}",
        two.code
    );
    // A third generation with the second's lock: the same names, the alias still there.
    let lock2 = NamesLock::from_types(&two.api.types);
    let three = apie_codegen::generate_with_lock("v2.yml", second.as_bytes(), &profile, &lock2)
        .expect("generates");
    assert_eq!(NamesLock::from_types(&three.api.types), lock2);
    assert_eq!(three.code, two.code, "same spec and lock, same code");
}

#[test]
fn a_lock_line_that_is_not_a_name_is_refused_by_the_build_naming_the_file() {
    // Removed when the guard drops, pass or fail.
    let scratch = tempfile::Builder::new()
        .prefix("apie-lock-")
        .tempdir()
        .unwrap();
    let dir = scratch.path();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fictional");
    for f in ["profile.yml", "api-fictive.yml"] {
        std::fs::copy(fixture.join(f), dir.join(f)).unwrap();
    }
    std::fs::write(dir.join("api-fictive.names.lock"), "not a name\tGET /x#\n").unwrap();
    let err = apie_codegen::Config::new()
        .profile(dir.join("profile.yml"))
        .out_dir(dir.join("out"))
        .compile()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("api-fictive.names.lock") && err.contains("line 1"),
        "{err}"
    );
}
