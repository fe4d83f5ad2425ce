//! `apie-codegen diff` reads specs from git revisions, as CI runs it.

#[path = "../../diff/tests/support/diff_cases.rs"]
mod diff_cases;

#[test]
fn specs_are_read_from_git_revisions() {
    // A repository of its own: two commits of one spec, diffed as `HEAD~1:spec.yml HEAD:spec.yml`.
    // Under the target folder as before, removed when the guard drops, pass or fail.
    let scratch = tempfile::Builder::new()
        .prefix("diff-git-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap();
    let repo = scratch.path().to_path_buf();
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

/// What the model leaves out (here an XML success body) is said on every run, changes or
/// not, on stderr: JSON on stdout stays JSON. A request body and a cookie parameter are
/// compared, so not listed.
#[test]
fn what_could_not_be_compared_is_said_on_every_run() {
    let scratch = tempfile::Builder::new()
        .prefix("diff-not-compared-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap();
    let spec = "openapi: 3.0.1
info: {title: t, version: '1'}
paths:
  /v3/x:
    post:
      parameters:
      - {name: session, in: cookie, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {siren: {type: string}}}
      responses:
        '200':
          description: ok
          x-operationId: api_entreprise_v3_x
          content:
            application/xml:
              schema: {type: object, properties: {siren: {type: string}}}
";
    let path = scratch.path().join("spec.yml");
    std::fs::write(&path, spec).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_apie-codegen"))
        .args(["diff", "--format", "json"])
        .arg(&path)
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("JSON on stdout");
    assert!(
        stderr.contains(
            "not compared: 1 non-JSON success bodies (their schemas) (non-json-response)"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("request bodies"), "{stderr}");
    assert!(!stderr.contains("cookie"), "{stderr}");
}
