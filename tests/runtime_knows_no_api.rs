//! The handwritten runtime knows no API: everything about one reaches it as a value (the
//! generated `PLATFORM`), so the same runtime serves any API of the platform. Its sources
//! name no generated item (`crate::` outside `crate::runtime`, in code or in doc links) and,
//! outside comments, none of API Entreprise's names, variables or addresses.

use std::path::{Path, PathBuf};

fn runtime_sources() -> Vec<PathBuf> {
    let mut files = vec![];
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("generated-client/runtime")];
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

/// `crate::<name>` paths whose `<name>` is not `runtime`: a generated item.
fn generated_paths(line: &str) -> Vec<String> {
    line.match_indices("crate::")
        .filter(|(at, _)| !line[..*at].ends_with('$'))
        .map(|(at, _)| {
            line[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|name| name != "runtime")
        .collect()
}

#[test]
fn the_runtime_names_no_generated_item_and_no_api() {
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
            for name in generated_paths(line) {
                found.push(format!("{at}: names the generated `crate::{name}`"));
            }
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
fn the_check_sees_what_it_looks_for() {
    assert_eq!(generated_paths("crate::platform::API_NAME"), ["platform"]);
    assert_eq!(
        generated_paths("[`x`](crate::required_scopes) crate::runtime::Error"),
        ["required_scopes"]
    );
    assert!(generated_paths("use crate::runtime::Client;").is_empty());
}
