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

/// The browser gate of `generated-client/lib.rs` (a `compile_error!` under a `cfg`) matches the
/// browser's wasm target and neither server-side wasm (WASI) nor this machine. The targets'
/// cfgs come from `rustc --print cfg --target …`, which needs no installed target.
#[test]
fn the_browser_gate_stops_browser_wasm_only() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = std::fs::read_to_string(root.join("generated-client/lib.rs")).unwrap();
    let gate = lib
        .lines()
        .zip(lib.lines().skip(1))
        .find(|(_, next)| next.starts_with("compile_error!("))
        .map(|(line, _)| line)
        .expect("a compile_error! after its #[cfg]");
    let predicate = gate
        .strip_prefix("#[cfg(all(")
        .and_then(|p| p.strip_suffix("))]"))
        .unwrap_or_else(|| panic!("the gate is an all(key = \"value\", …): {gate}"));
    let wanted: Vec<String> = predicate
        .split(", ")
        .map(|pair| pair.replace(" = ", "="))
        .collect();
    let matches = |target: &str| {
        let out = std::process::Command::new(std::env::var("RUSTC").unwrap_or("rustc".into()))
            .args(["--print", "cfg", "--target", target])
            .output()
            .expect("rustc");
        assert!(
            out.status.success(),
            "{target}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let cfgs = String::from_utf8_lossy(&out.stdout).into_owned();
        wanted.iter().all(|w| cfgs.lines().any(|l| l == w))
    };
    assert!(matches("wasm32-unknown-unknown"), "{wanted:?}");
    assert!(!matches("wasm32-wasip1"), "WASI is server-side: {wanted:?}");
    assert!(!matches("x86_64-unknown-linux-gnu"), "{wanted:?}");
}

/// The client's manifest is the workspace's own (it holds the workspace too), but what it
/// says of the crate is the profile's `package` section: name, version, description, licence
/// and repository must not drift apart from what `apie-codegen generate --lib` wrote
/// `generated-client/lib.rs` from (the lib's doc names the description).
#[test]
fn the_manifest_says_what_the_profiles_package_section_says() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let profile = apie_spec::profile::load_file(&root.join("spec/profile.yml"))
        .expect("the profile")
        .profile;
    let package = profile.package.expect("a package section");
    let output = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--no-deps",
            "--offline",
            "--format-version",
            "1",
        ])
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "{output:?}");
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let client = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "api-entreprise")
        .expect("the client package");
    let field = |key: &str| client[key].as_str().map(str::to_owned);
    assert_eq!(field("name"), Some(package.name));
    assert_eq!(field("version"), Some(package.version));
    assert_eq!(field("description"), Some(package.description.clone()));
    assert_eq!(field("license"), Some(package.license));
    assert_eq!(field("repository"), package.repository);
    // What the profile asks of the crate is there: its regenerate feature, its guide.
    assert_eq!(
        client["features"].get("regenerate").is_some(),
        package.regenerate_feature
    );
    let lib = std::fs::read_to_string(root.join("generated-client/lib.rs")).unwrap();
    assert!(lib.contains(&package.description), "{lib}");
    if let Some(guide) = &package.guide {
        assert!(root.join("generated-client").join(guide).is_file());
    }
}
