//! Where the spec files of a checkout are, for tools that read them at run time (the mock,
//! the command line): the `API_ENTREPRISE_SPEC` environment variable (a v3/v4 spec file),
//! else the pinned file in `spec/`. The legacy v2 spec has its own variable,
//! `API_ENTREPRISE_SPEC_V2`. The build itself reads them through the profile
//! (`apie_codegen::Config`).

use std::ffi::OsString;
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

/// Finds both spec files from the workspace root `root`, reading the environment.
pub fn locate(root: &Path) -> Result<SpecFiles, String> {
    locate_with(
        root,
        std::env::var_os(SPEC_ENV),
        std::env::var_os(SPEC_V2_ENV),
    )
}

/// [`locate`] with the environment variables' values given.
pub fn locate_with(
    root: &Path,
    main_env: Option<OsString>,
    v2_env: Option<OsString>,
) -> Result<SpecFiles, String> {
    let main = find(root, SPEC_ENV, main_env, MAIN_FILE)?;
    let v2 = find(root, SPEC_V2_ENV, v2_env, V2_FILE)?;
    Ok(SpecFiles { main, v2 })
}

fn find(
    root: &Path,
    env: &str,
    env_value: Option<OsString>,
    pinned: &str,
) -> Result<PathBuf, String> {
    if let Some(value) = env_value.filter(|v| !v.is_empty()) {
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
    let in_spec = root.join("spec").join(pinned);
    if in_spec.is_file() {
        return Ok(in_spec);
    }
    Err(format!(
        "no API Entreprise spec found. Looked, in order, at:\n  1. the {env} environment variable (unset)\n  2. {} (not there: the checkout pins it in spec/)\nRestore it with `git checkout spec/`, fetch it with `cargo run -p apie-codegen-cli -- fetch`, or set {env}.",
        in_spec.display()
    ))
}

/// Environment variable naming the scope map (`siade_authorizations.yml`).
pub const AUTHORIZATIONS_ENV: &str = "API_ENTREPRISE_AUTHORIZATIONS";
/// File name of the scope map in `spec/`.
pub const AUTHORIZATIONS_FILE: &str = "siade_authorizations.yml";

/// Finds the map of the scopes each endpoint needs, which API Entreprise publishes apart from
/// the spec: `API_ENTREPRISE_AUTHORIZATIONS`, then `spec/`. Optional: without it the client
/// cannot tell which operations a token allows, and says so.
pub fn authorizations(root: &Path) -> Result<Option<PathBuf>, String> {
    match find(
        root,
        AUTHORIZATIONS_ENV,
        std::env::var_os(AUTHORIZATIONS_ENV),
        AUTHORIZATIONS_FILE,
    ) {
        Ok(path) => Ok(Some(path)),
        // A variable naming a missing file is a mistake worth stopping for; no file at all is not.
        Err(e) if std::env::var_os(AUTHORIZATIONS_ENV).is_some_and(|v| !v.is_empty()) => Err(e),
        Err(_) => Ok(None),
    }
}
