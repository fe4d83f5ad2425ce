//! `apie-codegen generate --crate`: a profile's `package` section becomes a whole crate
//! around the generated modules (tests/api-fictive is one, checked byte for byte in CI).

use std::path::Path;

use apie_codegen::config::{package_files, Error, RuntimeDependency};
use apie_codegen::profile::{self, Profile};

fn fictional() -> Profile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fictional/profile.yml");
    profile::load_file(&path)
        .expect("the fictional profile")
        .profile
}

#[test]
fn the_manifest_says_what_the_profile_says() {
    let files = package_files(
        &fictional(),
        &RuntimeDependency::Path("../../runtime".into()),
    )
    .expect("a crate");
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["Cargo.toml", "README.md", "src/lib.rs"]);
    let manifest = &files[0].text;
    for line in [
        "name = \"api-fictive\"",
        "version = \"0.1.0\"",
        "license = \"MIT OR Apache-2.0\"",
        "mock-data = []",
        "apie-runtime = { path = \"../../runtime\", version = \"",
    ] {
        assert!(manifest.contains(line), "missing {line:?} in\n{manifest}");
    }
    let lib = &files[2].text;
    syn::parse_file(lib).expect("lib.rs is Rust");
    assert!(lib.contains("include!(\"generated/api.rs\")"), "{lib}");
    assert!(lib.contains("pub use ::apie_runtime as runtime;"), "{lib}");
    assert!(files[1].text.contains("api_fictive::Client::builder()"));

    // From crates.io: the version alone.
    let files = package_files(&fictional(), &RuntimeDependency::Registry).expect("a crate");
    let runtime = files[0]
        .text
        .lines()
        .find(|l| l.starts_with("apie-runtime"))
        .unwrap();
    assert_eq!(
        runtime,
        format!("apie-runtime = \"{}\"", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn versions_become_features_when_the_profile_says_so() {
    let mut profile = fictional();
    profile.versions.cargo_features = true;
    let files = package_files(&profile, &RuntimeDependency::Registry).expect("a crate");
    let manifest = &files[0].text;
    assert!(
        manifest.contains("default = [\"v1\", \"v3\"]\nv1 = []\nv3 = []\n"),
        "{manifest}"
    );
}

#[test]
fn a_profile_without_a_package_names_no_crate() {
    let mut profile = Profile::api_entreprise();
    profile.package = None;
    let refused = package_files(&profile, &RuntimeDependency::Registry);
    assert!(matches!(refused, Err(Error::NoPackage)), "{refused:?}");
}

/// API Entreprise's lib.rs is generated alone (its manifest is the workspace's): with a guide,
/// a browser gate and the build-time regeneration switch, as its profile asks; a whole crate
/// with that switch is refused, since `--crate` writes no build.rs.
#[test]
fn a_lib_alone_carries_the_guide_the_browser_gate_and_the_regenerate_switch() {
    let profile = Profile::api_entreprise();
    let lib = apie_codegen::config::lib_file(&profile)
        .expect("a lib")
        .text;
    let flat: String = lib.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        r#"#![doc = include_str!("guide.md")]"#,
        r#"#[cfg(all(target_family = "wasm", target_os = "unknown"))] compile_error!("#,
        r#"#[cfg(not(feature = "regenerate"))] include!("generated/api.rs");"#,
        r#"#[cfg(feature = "regenerate")] include!(concat!(env!("OUT_DIR"), "/api.rs"));"#,
    ] {
        assert!(flat.contains(expected), "missing {expected:?} in\n{lib}");
    }
    let refused = package_files(&profile, &RuntimeDependency::Registry);
    assert!(
        matches!(refused, Err(Error::RegenerateNeedsBuildScript)),
        "{refused:?}"
    );
    // The fictional crate asks none of it.
    let fictive = apie_codegen::config::lib_file(&fictional()).unwrap().text;
    assert!(!fictive.contains("compile_error!") && !fictive.contains("OUT_DIR"));
}
