//! The README's example is the downstream crate's `main.rs` that CI builds from the packaged
//! crates and runs against the mock (`.ci/downstream`): what a newcomer pastes is what works.

#[test]
fn the_readme_example_is_the_tested_downstream_main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let main = std::fs::read_to_string(root.join("tests/downstream/src/main.rs")).unwrap();
    assert!(
        readme.contains(&format!("```rust,no_run\n{main}```")),
        "README.md must show tests/downstream/src/main.rs verbatim, in a ```rust,no_run block"
    );
    assert!(main.contains("#[tokio::main]"), "a complete program");
}
