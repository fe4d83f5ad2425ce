//! Where the build finds the spec (the profile in `spec/`, or a file given instead), and
//! what `fetch` records.

use std::path::PathBuf;

/// A `checkout/` with an empty `spec/`, in a folder removed when the returned guard drops
/// (pass or fail): hold it for the whole test.
fn temp_root(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::Builder::new()
        .prefix(&format!("apie-locate-{name}-"))
        .tempdir()
        .unwrap();
    std::fs::create_dir_all(dir.path().join("checkout/spec")).unwrap();
    let checkout = dir.path().join("checkout");
    (dir, checkout)
}

/// The checkout's `spec/`, where the build reads its profile.
fn pinned() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec")
}

#[test]
fn the_checkout_pins_every_file_its_profile_lists() {
    let loaded = apie_spec::profile::load_file(&pinned().join("profile.yml")).expect("profile");
    let mut files: Vec<&str> = loaded
        .profile
        .specs
        .iter()
        .map(|s| s.file.as_str())
        .collect();
    files.extend(loaded.profile.scope_map.as_ref().map(|m| m.file.as_str()));
    assert_eq!(
        files,
        [
            "api-entreprise.yml",
            "api-entreprise-v2.yml",
            "siade_authorizations.yml"
        ]
    );
    for file in files {
        assert!(pinned().join(file).is_file(), "spec/{file} is committed");
    }
}

#[test]
fn a_spec_given_instead_of_the_pinned_one_is_built() {
    let (_scratch, root) = temp_root("given");
    let chosen = root.join("chosen.yml");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/fictional/api-fictive.yml"),
        &chosen,
    )
    .unwrap();
    let compiled = apie_codegen::Config::new()
        .profile(pinned().join("profile.yml"))
        .spec_file(0, &chosen)
        .out_dir(root.join("out"))
        .compile()
        .expect("builds");
    assert_eq!(compiled.specs[0].0, chosen);
    assert!(compiled.specs[1].0.ends_with("spec/api-entreprise-v2.yml"));

    let missing = apie_codegen::Config::new()
        .profile(root.join("nope.yml"))
        .out_dir(root.join("out"))
        .compile()
        .unwrap_err()
        .to_string();
    assert!(
        missing.contains("nope.yml") && missing.contains("cannot read"),
        "{missing}"
    );
    assert!(
        !missing.contains("shared"),
        "no library knows ../shared: {missing}"
    );
}

#[test]
fn fetch_from_a_mirror_records_sha256_and_date() {
    let specs = apie_shared_data::shared_or_return!("specs");
    let (_scratch, root) = temp_root("fetch");
    let fetched =
        apie_codegen_cli::fetch::fetch(&root.join("spec"), Some(&specs), "2026-11-28").unwrap();
    assert_eq!(fetched.len(), 2);
    let record = std::fs::read_to_string(root.join("spec/record.txt")).unwrap();
    for f in &fetched {
        let bytes = std::fs::read(&f.path).unwrap();
        let sha = apie_codegen::format::sha256_hex(&bytes);
        assert_eq!(f.sha256, sha);
        let name = f.path.file_name().unwrap().to_string_lossy();
        assert!(
            record
                .lines()
                .any(|l| l.starts_with(&format!("{name} {sha} 2026-11-28 "))),
            "{record}"
        );
    }
}

#[test]
fn fetch_refuses_what_is_not_a_spec_and_records_nothing() {
    let (_scratch, root) = temp_root("refuse");
    let bad = root.join("bad.yml");
    std::fs::write(&bad, "not: [an, openapi, document]\n").unwrap();
    let error =
        apie_codegen_cli::fetch::fetch(&root.join("spec"), Some(&bad), "2026-11-28").unwrap_err();
    assert!(error.contains("not a usable spec"), "{error}");
    assert!(!root.join("spec/record.txt").exists());
}

#[test]
fn a_bad_fetch_leaves_the_current_spec_untouched() {
    let (_scratch, root) = temp_root("keep");
    let spec_dir = root.join("spec");
    let good = std::fs::read(pinned().join("api-entreprise.yml")).unwrap();
    let active = spec_dir.join("api-entreprise.yml");
    std::fs::write(&active, &good).unwrap();
    let record = "# an earlier record\n";
    std::fs::write(spec_dir.join("record.txt"), record).unwrap();
    let bad = root.join("bad.yml");
    std::fs::write(&bad, "not: [an, openapi, document]\n").unwrap();

    let error = apie_codegen_cli::fetch::fetch(&spec_dir, Some(&bad), "2026-11-28").unwrap_err();
    assert!(error.contains("not a usable spec"), "{error}");
    assert!(
        std::fs::read(&active).unwrap() == good,
        "the good spec was overwritten"
    );
    assert_eq!(
        std::fs::read_to_string(spec_dir.join("record.txt")).unwrap(),
        record
    );
    // Nothing is left behind but what was there.
    let mut names: Vec<String> = std::fs::read_dir(&spec_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["api-entreprise.yml", "record.txt"]);
}

#[test]
fn a_mirror_with_a_bad_v2_replaces_neither_spec() {
    let specs = apie_shared_data::shared_or_return!("specs");
    let (_scratch, root) = temp_root("keep-both");
    let spec_dir = root.join("spec");
    let good = std::fs::read(specs.join("api-entreprise/latest.yml")).unwrap();
    let good_v2 = std::fs::read(specs.join("api-entreprise-v2/api-entreprise-v2.yml")).unwrap();
    std::fs::write(spec_dir.join("api-entreprise.yml"), &good).unwrap();
    std::fs::write(spec_dir.join("api-entreprise-v2.yml"), &good_v2).unwrap();
    // A mirror whose main spec is fine (an older one) but whose v2 is not a spec.
    let mirror = root.join("mirror");
    std::fs::create_dir_all(mirror.join("api-entreprise")).unwrap();
    std::fs::create_dir_all(mirror.join("api-entreprise-v2")).unwrap();
    std::fs::copy(
        specs.join("api-entreprise/2021-10-29_8830a4eb.yml"),
        mirror.join("api-entreprise/latest.yml"),
    )
    .unwrap();
    std::fs::write(
        mirror.join("api-entreprise-v2/api-entreprise-v2.yml"),
        "<html>502 Bad Gateway</html>\n",
    )
    .unwrap();

    let error = apie_codegen_cli::fetch::fetch(&spec_dir, Some(&mirror), "2026-11-28").unwrap_err();
    assert!(error.contains("not a usable spec"), "{error}");
    assert!(std::fs::read(spec_dir.join("api-entreprise.yml")).unwrap() == good);
    assert!(std::fs::read(spec_dir.join("api-entreprise-v2.yml")).unwrap() == good_v2);
    assert!(!spec_dir.join("record.txt").exists());
    let names: Vec<String> = std::fs::read_dir(&spec_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "temporary files left behind: {names:?}");
}
