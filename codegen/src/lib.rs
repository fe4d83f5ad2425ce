//! `apie-codegen`: turns the published OpenAPI spec of API Entreprise into the Rust client's
//! generated modules. It is the client's only build-dependency: the diff (`apie-diff`) and the
//! command line (`apie-codegen-cli`) are crates of their own.
//!
//! The pipeline reads top-down, one module a stage: [`load`] (YAML with positions) →
//! [`normalize`] (repair the published quirks, with warnings) → [`model`] (operations, types,
//! error codes, limits) — these three in `apie-spec` — then [`emit`] (quote) →
//! [`format`](mod@format) (prettyplease). The [`profile`] beside the spec holds what the spec
//! does not say; [`Config`] is the build API `build.rs` calls.

#![deny(missing_docs)]

pub mod config;
pub mod emit;
pub mod format;

// The stages up to the model live in `apie-spec`; re-exported so that `apie_codegen::model`
// and `crate::model` name the same thing.
pub use apie_spec::{
    diagnostic, files, load, model, model_from_file, model_from_str, model_with_profile, normalize,
    profile, read_spec, scopes, sha256_hex, stages_with_profile, unreadable, Loaded, Stages,
};

use std::path::Path;

pub use config::{Compiled, Config, Error};
use diagnostic::{Diagnostic, Diagnostics, Position, Severity};
use model::Api;

/// Generated code for one spec.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Formatted Rust source.
    pub code: String,
    /// The model it was generated from.
    pub api: Api,
    /// Warnings (repaired quirks).
    pub diagnostics: Diagnostics,
}

/// The whole pipeline on a spec given as text, under API Entreprise's profile.
pub fn generate_from_str(file: &str, text: &[u8]) -> Result<Generated, Diagnostics> {
    generate_with_profile(file, text, &profile::Profile::api_entreprise())
}

/// The whole pipeline on a spec given as text, under a platform profile.
pub fn generate_with_profile(
    file: &str,
    text: &[u8],
    profile: &profile::Profile,
) -> Result<Generated, Diagnostics> {
    generate_keeping_stages(
        file,
        text,
        profile,
        &model::names_lock::NamesLock::default(),
    )
    .map(|(generated, _, _)| generated)
}

/// [`generate_with_profile`] keeping the type names of a names lock (the previous
/// generation's, as [`Config`] reads it beside the spec).
pub fn generate_with_lock(
    file: &str,
    text: &[u8],
    profile: &profile::Profile,
    lock: &model::names_lock::NamesLock,
) -> Result<Generated, Diagnostics> {
    generate_keeping_stages(file, text, profile, lock).map(|(generated, _, _)| generated)
}

/// [`generate_with_profile`], also giving back the YAML tree and the normalized document,
/// which the mock data is read from ([`emit::mock_data`]).
pub(crate) fn generate_keeping_stages(
    file: &str,
    text: &[u8],
    profile: &profile::Profile,
    lock: &model::names_lock::NamesLock,
) -> Result<(Generated, files::SpecFiles, normalize::Document), Diagnostics> {
    let Stages {
        files,
        document,
        loaded: Loaded {
            api,
            mut diagnostics,
        },
    } = apie_spec::stages_with_lock(file, text, profile, lock)?;
    match format::generate_source(&api, &display_name(file), text) {
        Ok(code) => Ok((
            Generated {
                code,
                api,
                diagnostics,
            },
            files,
            document,
        )),
        Err(message) => {
            // Emission produced tokens that do not parse: a generator bug, reported as such.
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                kind: "internal",
                file: file.to_string(),
                position: Position::default(),
                pointer: String::new(),
                message: format!(
                    "generated code does not parse (a bug in apie-codegen): {message}"
                ),
            });
            Err(diagnostics)
        }
    }
}

/// The whole pipeline on a spec file.
pub fn generate_from_file(path: &Path) -> Result<Generated, Diagnostics> {
    generate_from_str(&path.display().to_string(), &read_spec(path)?)
}

/// The file name without its directories, so generated headers do not depend on the machine.
pub(crate) fn display_name(file: &str) -> String {
    Path::new(file)
        .file_name()
        .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned())
}

/// Writes only when the content differs, so an unchanged spec does not trigger a rebuild.
pub fn write_if_changed(path: &Path, content: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == content) {
        return Ok(());
    }
    std::fs::write(path, content)
}
