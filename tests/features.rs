//! The client's cargo features per API version are the versions its profile knows: the list
//! in `Cargo.toml` and `versions.known` in `spec/profile.yml` must not drift apart (a
//! version without its feature would never be compiled; a feature without its version
//! would gate nothing).

#[test]
fn every_known_version_is_a_feature_on_by_default() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let profile = apie_spec::profile::load_file(&root.join("spec/profile.yml"))
        .expect("the profile")
        .profile;
    assert!(profile.versions.cargo_features);
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let features = &manifest[manifest.find("\n[features]\n").expect("a [features] table")..];
    let features = &features[..features[1..].find("\n[").map_or(features.len(), |i| i + 1)];
    let declared: Vec<&str> = features
        .lines()
        .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim()))
        .filter(|k| k.starts_with('v') && k[1..].chars().all(|c| c.is_ascii_digit()))
        .collect();
    let known: Vec<String> = profile
        .versions
        .known
        .iter()
        .map(|n| format!("v{n}"))
        .collect();
    assert_eq!(
        declared, known,
        "Cargo.toml [features] against versions.known"
    );
    let default = features
        .lines()
        .find(|l| l.starts_with("default = "))
        .expect("default features");
    for v in &known {
        assert!(
            default.contains(&format!("\"{v}\"")),
            "{v} on by default: {default}"
        );
    }
    // And the code is gated by them: the v3 module only with `v3`.
    assert_eq!(
        cfg!(feature = "v3"),
        api_entreprise::find_operation("api_entreprise_v3_insee_unites_legales").is_some()
    );
}
