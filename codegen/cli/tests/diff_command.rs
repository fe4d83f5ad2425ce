//! `apie-codegen diff` reads specs from git revisions, as CI runs it.

use std::path::Path;

#[path = "../../diff/tests/support/diff_cases.rs"]
mod diff_cases;

#[test]
fn specs_are_read_from_git_revisions() {
    // A repository of its own: two commits of one spec, diffed as `HEAD~1:spec.yml HEAD:spec.yml`.
    let repo =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("diff-git-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&repo);
    std::fs::create_dir_all(&repo).unwrap();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args([
                "-c",
                "user.name=test",
                "-c",
                "user.email=test@example.invalid",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(&repo)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let (old, new) = diff_cases::specs("property_removed");
    git(&["init", "-q"]);
    for (text, message) in [(old, "old"), (new, "new")] {
        std::fs::write(repo.join("spec.yml"), text).unwrap();
        git(&["add", "spec.yml"]);
        git(&["commit", "-q", "-m", message]);
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_apie-codegen"))
        .args([
            "diff",
            "HEAD~1:spec.yml",
            "HEAD:spec.yml",
            "--format",
            "json",
        ])
        .current_dir(&repo)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["changes"][0]["kind"], "property_removed", "{json}");
}
