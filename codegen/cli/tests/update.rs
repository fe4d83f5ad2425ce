//! `apie-codegen update` on two real consecutive published versions: a broken spec leaves
//! the workspace untouched, `--check` writes nothing, the update writes the new spec, its
//! record, the regenerated code and locks, the bumped version and the changelog entry, and a
//! second run has nothing to do.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use apie_codegen_cli::update::{update, GENERATED_DIR};

/// Every file under `dir` with its bytes: what "untouched" compares.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// A workspace pinned to `spec`: this checkout's spec/ with `spec` as the main spec, its
/// generated code and locks, a root manifest and lock at 0.1.0, a member requiring it; in a
/// folder removed when the returned guard drops (pass or fail).
fn workspace(name: &str, spec: &Path) -> tempfile::TempDir {
    let scratch = tempfile::Builder::new()
        .prefix(&format!("apie-update-{name}-"))
        .tempdir()
        .unwrap();
    let root = scratch.path();
    let pinned = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec");
    std::fs::create_dir_all(root.join("spec")).unwrap();
    for entry in std::fs::read_dir(&pinned).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".names.lock") {
            std::fs::copy(entry.path(), root.join("spec").join(&name)).unwrap();
        }
    }
    std::fs::copy(spec, root.join("spec/api-entreprise.yml")).unwrap();
    apie_codegen::Config::new()
        .profile(root.join("spec/profile.yml"))
        .out_dir(root.join(GENERATED_DIR))
        .rustfmt(true)
        .update_locks(true)
        .compile()
        .expect("the old version generates");
    std::fs::write(
        root.join("Cargo.toml"),
        "[workspace]\nmembers = [\".\", \"mock\"]\n\n[package]\nname = \"api-entreprise\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("mock")).unwrap();
    std::fs::write(
        root.join("mock/Cargo.toml"),
        "[package]\nname = \"apie-mock\"\n\n[dependencies]\napi-entreprise = { path = \"..\", version = \"0.1.0\" }\n",
    )
    .unwrap();
    std::fs::write(
        root.join("Cargo.lock"),
        "[[package]]\nname = \"api-entreprise\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    scratch
}

#[test]
fn update_on_two_consecutive_versions() {
    let Some(dir) = apie_shared_data::spec_history() else {
        return;
    };
    let files = apie_shared_data::spec_files(&dir);
    let (old, new) = (&files[files.len() - 2], &files[files.len() - 1]);
    let scratch = workspace("pair", old);
    let root = scratch.path().to_path_buf();
    let today = "2026-12-01";

    // A spec that is not one: refused, nothing written.
    let before = snapshot(&root);
    let broken = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken/truncated.yml");
    let err = update(&root, Some(&broken), false, today).unwrap_err();
    assert!(!err.is_empty());
    assert_eq!(snapshot(&root), before, "a failed update writes nothing");

    // --check: the verdict, nothing written.
    let checked = update(&root, Some(new), true, today).expect("checks");
    assert!(checked.changed);
    assert_eq!(snapshot(&root), before, "--check writes nothing");

    // The update itself.
    let done = update(&root, Some(new), false, today).expect("updates");
    assert_eq!(done.old_version, "0.1.0");
    assert_ne!(done.new_version, "0.1.0");
    assert_eq!(done.new_version, checked.new_version);
    let spec = std::fs::read(root.join("spec/api-entreprise.yml")).unwrap();
    assert_eq!(spec, std::fs::read(new).unwrap());
    let record = std::fs::read_to_string(root.join("spec/record.txt")).unwrap();
    assert!(record.contains(&apie_spec::sha256_hex(&spec)), "{record}");
    assert!(
        record.contains("siade_authorizations.yml"),
        "the other lines kept: {record}"
    );
    let generated = std::fs::read_to_string(root.join(GENERATED_DIR).join("current.rs")).unwrap();
    assert!(
        generated.contains(&apie_spec::sha256_hex(&spec)),
        "regenerated from the new spec"
    );
    assert_ne!(
        before.get(&root.join(GENERATED_DIR).join("current.rs")),
        Some(&generated.clone().into_bytes())
    );
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains(&format!("version = \"{}\"", done.new_version)),
        "{manifest}"
    );
    let member = std::fs::read_to_string(root.join("mock/Cargo.toml")).unwrap();
    assert!(
        member.contains(&format!("version = \"{}\"", done.new_version)),
        "{member}"
    );
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap();
    assert!(
        lock.contains(&format!("version = \"{}\"", done.new_version)),
        "{lock}"
    );
    let changelog = std::fs::read_to_string(root.join("CHANGELOG.md")).unwrap();
    assert!(
        changelog.contains(&format!("## {} — {today}", done.new_version)),
        "{changelog}"
    );
    assert!(root.join("spec/api-entreprise.names.lock").is_file());

    // Again: up to date, nothing written.
    let after = snapshot(&root);
    let again = update(&root, Some(new), false, today).expect("runs");
    assert!(!again.changed);
    assert_eq!(snapshot(&root), after);
}

/// The scratch copy `update` prepares everything in is removed on every path: a refused
/// spec, nothing to do, `--check`, and an update written to the checkout. The command runs
/// with a temporary folder of its own (`TMPDIR`), empty again after each run.
#[test]
fn the_scratch_copy_is_removed_whatever_the_outcome() {
    let checkout = tempfile::Builder::new()
        .prefix("apie-update-scratch-")
        .tempdir()
        .unwrap();
    let root = checkout.path().join("checkout");
    let tmp = checkout.path().join("tmp");
    std::fs::create_dir_all(root.join("spec")).unwrap();
    std::fs::create_dir_all(&tmp).unwrap();
    let pinned = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec");
    for entry in std::fs::read_dir(&pinned).unwrap().flatten() {
        if entry.path().is_file() {
            std::fs::copy(entry.path(), root.join("spec").join(entry.file_name())).unwrap();
        }
    }
    std::fs::write(
        root.join("Cargo.toml"),
        "[workspace]\n\n[package]\nname = \"api-entreprise\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    // The pinned spec with other bytes (a comment): a change to regenerate for.
    let touched = checkout.path().join("touched.yml");
    let mut spec = std::fs::read(pinned.join("api-entreprise.yml")).unwrap();
    spec.extend_from_slice(b"\n# touched\n");
    std::fs::write(&touched, spec).unwrap();
    let broken = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken/truncated.yml");

    let run = |from: &Path, check: bool| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_apie-codegen"));
        command
            .arg("update")
            .arg("--root")
            .arg(&root)
            .arg("--from")
            .arg(from)
            .env("TMPDIR", &tmp);
        if check {
            command.arg("--check");
        }
        let out = command.output().unwrap();
        let left: Vec<_> = std::fs::read_dir(&tmp)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert!(left.is_empty(), "{} left {left:?}", from.display());
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stderr) = run(&broken, false);
    assert_eq!(code, Some(1), "a refused spec: {stderr}");
    let (code, stderr) = run(&pinned.join("api-entreprise.yml"), false);
    assert_eq!(code, Some(0), "nothing to do: {stderr}");
    let (code, stderr) = run(&touched, true);
    assert_eq!(code, Some(3), "--check: {stderr}");
    let (code, stderr) = run(&touched, false);
    assert_eq!(code, Some(0), "updated: {stderr}");
    assert_eq!(
        std::fs::read(root.join("spec/api-entreprise.yml")).unwrap(),
        std::fs::read(&touched).unwrap(),
        "the update was written"
    );
}
