//! The handwritten runtime knows no API: everything about one reaches it as a value (a
//! generated crate's `PLATFORM`), so the same runtime serves any API of the platform. It
//! depends on no crate of the workspace (so it can name no generated item), and its sources
//! name, outside comments, none of API Entreprise's names, variables or addresses.

use std::path::{Path, PathBuf};

fn runtime_sources() -> Vec<PathBuf> {
    let mut files = vec![];
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs" || x == "lua") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn the_runtime_names_no_api() {
    // The names the API Entreprise profile gives; none may be in the runtime's code.
    const API_NAMES: [&str; 5] = [
        "API Entreprise",
        "API_ENTREPRISE",
        "api_entreprise",
        "api-entreprise",
        "entreprise.api.gouv.fr",
    ];
    let files = runtime_sources();
    assert!(files.len() > 20, "runtime sources not found: {files:?}");
    let mut found = vec![];
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let at = format!("{}:{}", file.display(), n + 1);
            let code = line.trim_start();
            if code.starts_with("//") || code.starts_with("--") {
                continue;
            }
            for name in API_NAMES.iter().filter(|name| line.contains(*name)) {
                found.push(format!("{at}: names the API ({name:?})"));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_runtime_depends_on_no_crate_of_the_workspace() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let ours: Vec<&str> = manifest
        .lines()
        .filter(|line| line.contains("path =") || line.starts_with("api-entreprise"))
        .collect();
    assert!(ours.is_empty(), "the runtime depends on {ours:?}");
}
