//! Where the spec is found, in order: the `API_ENTREPRISE_SPEC` environment variable (a
//! v3/v4 spec file), the files `apie-codegen fetch` downloads into `spec/`, the mirror in
//! `../shared/specs/`. The legacy v2 spec has its own variable, `API_ENTREPRISE_SPEC_V2`.

use std::path::{Path, PathBuf};

/// Environment variable naming the v3/v4 spec file.
pub const SPEC_ENV: &str = "API_ENTREPRISE_SPEC";
/// Environment variable naming the v2 spec file.
pub const SPEC_V2_ENV: &str = "API_ENTREPRISE_SPEC_V2";
/// File name of the downloaded v3/v4 spec in `spec/`.
pub const MAIN_FILE: &str = "api-entreprise.yml";
/// File name of the downloaded v2 spec in `spec/`.
pub const V2_FILE: &str = "api-entreprise-v2.yml";

/// The spec files the client is built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecFiles {
    /// The v3/v4 spec.
    pub main: PathBuf,
    /// The legacy v2 spec.
    pub v2: PathBuf,
}

/// Finds both spec files from the workspace root `root`.
pub fn locate(root: &Path) -> Result<SpecFiles, String> {
    let main = find(
        root,
        SPEC_ENV,
        MAIN_FILE,
        &["../shared/specs/api-entreprise/latest.yml"],
    )?;
    let v2 = find(
        root,
        SPEC_V2_ENV,
        V2_FILE,
        &["../shared/specs/api-entreprise-v2/api-entreprise-v2.yml"],
    )?;
    Ok(SpecFiles { main, v2 })
}

fn find(root: &Path, env: &str, downloaded: &str, mirrors: &[&str]) -> Result<PathBuf, String> {
    if let Some(value) = std::env::var_os(env).filter(|v| !v.is_empty()) {
        let path = PathBuf::from(value);
        let path = if path.is_relative() {
            root.join(path)
        } else {
            path
        };
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!(
                "{env} names {}, which is not a file",
                path.display()
            ))
        };
    }
    let in_spec = root.join("spec").join(downloaded);
    if in_spec.is_file() {
        return Ok(in_spec);
    }
    for mirror in mirrors {
        let path = root.join(mirror);
        if path.is_file() {
            return Ok(path);
        }
    }
    Err(format!(
        "no API Entreprise spec found. Looked, in order, at:\n  1. the {env} environment variable (unset)\n  2. {} (not there)\n  3. the mirror {} (not there)\nDownload the spec with `cargo run -p apie-codegen -- fetch` (or `fetch --from PATH` for an offline mirror), or set {env}.",
        in_spec.display(),
        mirrors.iter().map(|m| root.join(m).display().to_string()).collect::<Vec<_>>().join(", ")
    ))
}
